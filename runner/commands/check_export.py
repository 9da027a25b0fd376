"""`juvonno-dq check-export`: the scheduled freshness check (no run needed)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from runner import options
from runner.exit_codes import ExitCode


@click.command(name="check-export")
@options.export_dir
@options.out
@options.export_due_by
@options.export_max_age_hours
@options.check_at
def check_export(
    export_dir: Path, out: Path, due_by: dt.time, max_age_hours: float, at: dt.datetime | None
) -> None:
    """Alert (exit 1 and a notification) when no new export has arrived by the due time."""
    from runner.monitor import freshness
    from runner.publish import notify

    now = at or dt.datetime.now().astimezone()
    verdict = freshness.check(export_dir, out, now.astimezone(), due_by, max_age_hours)
    subject = verdict.subject()
    click.echo(subject)
    for line in verdict.lines:
        click.echo(f"  {line}")
    if verdict.alert:
        notify.send_text(
            subject, "\n".join([subject, *verdict.lines]), lambda m: click.echo(f"  {m}")
        )
        sys.exit(int(ExitCode.CHECK_FAILED))
    sys.exit(int(ExitCode.OK))
