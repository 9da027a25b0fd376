"""`juvonno-dq demo`: generate an export and run it on the embedded DuckDB warehouse."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from runner import options


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
    code = run_pipeline(RunRequest(export_dir=export_dir, as_of=as_of, out=out, target="duckdb"))
    report = (out / "latest" / "report.html").resolve()
    click.echo(f"Report: {report}" if report.exists() else "No report was published (see the messages above).")
    sys.exit(int(code))
