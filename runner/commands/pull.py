"""`juvonno-dq pull`: write tonight's export folder from Juvonno's REST API."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from runner import options


def pull_request(export_dir: Path, api_url: str | None, **settings):  # type: ignore[no-untyped-def]
    """A PullRequest from the command's options (shared with `run --pull`)."""
    from runner.pull.http import HttpSettings
    from runner.pull.job import PullRequest

    if not api_url:
        raise click.UsageError("--api-url (or JUVONNO_DQ_API_URL) is required to pull")
    return PullRequest(
        api_url=api_url,
        export_dir=export_dir,
        since=settings["since"],
        days_ahead=settings["days_ahead"],
        icbt_file=settings["icbt_file"],
        reuse_days=settings["reuse_days"],
        http=HttpSettings(
            timeout=settings["api_timeout"],
            concurrency=settings["api_concurrency"],
            rate=settings["api_rate"],
            retries=settings["api_retries"],
            backoff=settings["api_backoff"],
        ),
    )


@click.command()
@options.pull_export_dir
@options.api_options
def pull(export_dir: Path, api_url: str | None, **settings: object) -> None:
    """Pull customers, groups, appointments, staff and encounters from Juvonno's API into an export folder.

    The API key is read from the environment variable JUVONNO_DQ_API_KEY only. The
    folder appears complete or not at all; exit 2 when the API returned data the
    export contract cannot hold, 3 when the API could not be used.
    """
    from runner.pull.job import pull_export

    code = pull_export(pull_request(export_dir, api_url, **settings))
    sys.exit(int(code))
