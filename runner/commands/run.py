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
@options.pull
@options.api_options
@options.anomaly_window
@options.anomaly_min_history
@options.anomaly_threshold
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
    anomaly_window: int,
    anomaly_min_history: int,
    anomaly_threshold: float,
    pull: bool,
    api_url: str | None,
    **pull_settings: object,
) -> None:
    """Validate and load an export, build and test the dbt project, run the GX suites, publish.

    With --pull, first pull the export from Juvonno's API into --export-dir; a failed
    pull ends the run with the pull's exit code (2 bad data, 3 the API unusable).
    """
    from runner.config import source_of
    from runner.monitor.anomaly import Sensitivity
    from runner.pipeline import RunRequest, run_pipeline

    if pull:
        from runner.commands.pull import pull_request
        from runner.pull.job import pull_export

        pulled = pull_export(pull_request(export_dir, api_url, **pull_settings))
        if pulled:
            sys.exit(int(pulled))

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
            anomaly=Sensitivity(
                window=anomaly_window, min_history=anomaly_min_history, threshold=anomaly_threshold
            ),
        )
    )
    sys.exit(int(code))
