"""`juvonno-dq demo`: generate an export and run it on the embedded DuckDB warehouse."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from runner import options
from runner.dbt import DbtCannotRun


@click.command()
@options.out
@options.customers
@options.seed
def demo(out: Path, customers: int, seed: int) -> None:
    """Generate a demo export into OUT/demo-export and run it; print where the report is."""
    from runner.generate import write_export
    from runner.pipeline import RunRequest, run_pipeline

    export_dir = out / "demo-export"
    as_of = dt.date.today()
    click.echo(f"Generating {customers} synthetic customers into {export_dir} ...")
    write_export(export_dir, customers=customers, seed=seed, as_of=as_of)
    request = RunRequest(
        export_dir=export_dir,
        as_of=as_of,
        out=out,
        target="duckdb",
        as_of_source="demo: the generated export's date, today",
    )
    code = run_pipeline(request)
    report = out / "latest" / "report.html"
    if not report.exists():
        click.echo("No report was published (see the messages above).")
        sys.exit(int(code))
    click.echo(f"Report:    {report}")
    click.echo(f"Worklist:  {report.parent / 'worklist.csv'}")
    click.echo(f"Data Docs: {report.parent / 'data-docs' / 'index.html'}")
    click.echo(f"Marts:     {out / 'warehouse' / 'analysts.duckdb'} (open read-only)")
    click.echo("Writing the dbt docs (models, columns, lineage) ...")
    try:
        docs = dbt_docs(out, as_of)
    except DbtCannotRun as exc:
        click.echo(f"dbt docs were not written: {exc}", err=True)
    else:
        click.echo(f"dbt docs:  {docs}")
    sys.exit(int(code))


def dbt_docs(out: Path, as_of: dt.date) -> Path:
    """The dbt docs of the instance's published warehouse, into OUT/dbt-docs/."""
    from runner.dbt import docs_generate

    old_umask = os.umask(0o077)  # like every published file: private to the service user
    try:
        return docs_generate(
            target="duckdb",
            as_of=as_of.isoformat(),
            target_path=out / "dbt-docs",
            log_path=out / ".dbt" / "logs",
            env={"JUVONNO_DQ_DUCKDB_PATH": str(out / "warehouse" / "juvonno.duckdb")},
        )
    finally:
        os.umask(old_umask)
