"""`juvonno-dq run`: the nightly job."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from runner import options


@click.command()
@click.pass_context
@options.export_dir
@options.as_of
@options.out
@options.target
@options.warehouse
@options.strict
@options.keep_runs
@options.share_group
def run(
    ctx: click.Context,
    export_dir: Path,
    as_of: dt.date | None,
    out: Path,
    target: str,
    warehouse: Path | None,
    strict: bool,
    keep_runs: int,
    share_group: str | None,
) -> None:
    """Validate and load an export, build and test the dbt project, run the GX suites, publish."""
    from runner.config import source_of
    from runner.pipeline import RunRequest, run_pipeline

    code = run_pipeline(
        RunRequest(
            export_dir=export_dir,
            as_of=as_of,
            out=out,
            target=target,
            warehouse=warehouse,
            strict=strict,
            keep_runs=keep_runs,
            as_of_source=source_of(ctx, "as_of") or "--as-of",
            share_group=share_group,
        )
    )
    sys.exit(int(code))
