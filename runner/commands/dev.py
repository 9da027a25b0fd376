"""`juvonno-dq dev`: load an export into the data team's development warehouse and
say how to run dbt on it (runner/dev.py)."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import click

from runner import options
from runner.exit_codes import ExitCode


@click.command()
@click.pass_context
@options.export_dir
@options.as_of
@options.dev_warehouse
def dev(
    ctx: click.Context, export_dir: Path, as_of: dt.date | None, warehouse: Path | None
) -> None:
    """Validate and load an export into the development warehouse (dbt's dev target)
    and print the dbt commands to run on it. Never touches a --out instance."""
    from runner import dev as dev_warehouse
    from runner.config import source_of
    from runner.dbt import project_dir
    from runner.export.validate import validate_export
    from runner.pipeline import resolve_as_of
    from runner.run.state import CannotRun

    path = warehouse or dev_warehouse.default_path()
    try:
        dev_warehouse.check_not_an_instance(path)
    except dev_warehouse.DevRefused as exc:
        click.echo(f"cannot run: {exc}", err=True)
        sys.exit(ExitCode.CANNOT_RUN)
    with tempfile.TemporaryDirectory(prefix="juvonno-dq-dev-") as workdir:
        export = validate_export(export_dir, Path(workdir))
        if not export.ok:
            click.echo(
                f"the export was rejected: {export.problem_count} problem(s); the development warehouse is unchanged",
                err=True,
            )
            for problem in export.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(ExitCode.BAD_INPUT)
        try:
            day, source = resolve_as_of(
                as_of,
                export.manifest_exported_at,
                dt.date.today(),
                source_of(ctx, "as_of") or "--as-of",
            )
        except CannotRun as exc:
            click.echo(f"cannot run: {exc}", err=True)
            sys.exit(ExitCode.CANNOT_RUN)
        try:
            loaded = dev_warehouse.load(export, path, day, source)
        except (OSError, dev_warehouse.DevRefused, dev_warehouse.LoadFailed) as exc:
            click.echo(
                f"cannot run: cannot write the development warehouse {path}: {exc}", err=True
            )
            sys.exit(ExitCode.CANNOT_RUN)
    click.echo(f"Development warehouse: {loaded.path}")
    click.echo(
        f"  export {export_dir}: {loaded.files} files, {loaded.rows} rows; as-of date {day.isoformat()} (from {source})"
    )
    click.echo(f"Run dbt on it in the project folder ({project_dir()}):")
    for command in dev_warehouse.dbt_commands(loaded.path):
        click.echo(f"  {command}")
