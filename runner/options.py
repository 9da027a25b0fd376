"""Every CLI option, defined once, each with its environment variable.

Precedence: command line, then environment (JUVONNO_DQ_*), then the TOML config
file (`--config`), then the default.

Paths: every path option uses `AbsolutePath` (through `path_option`), so the
command receives an absolute path whatever the source: a flag, an environment
variable or a default is taken relative to the working directory, a TOML value
relative to the config file's folder (runner/config.py). Nothing below the CLI
ever sees a relative path. A new path option only has to use `path_option`.

Longer than 400 lines on purpose: it is a list of declarations, one per option of
every command, so that each option (flag, variable, type, default, help) exists
exactly once; the logic is in the few helpers at the top.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click

ENV_PREFIX = "JUVONNO_DQ_"
# Defaults that a run requested from Python (runner.run.state.RunRequest) shares.
DEFAULT_OUT = Path("dq-output")
DEFAULT_TARGET = "duckdb"
DEFAULT_KEEP_RUNS = 90


class AbsolutePath(click.Path):
    """click.Path that always yields an absolute pathlib.Path (`~` expanded,
    relative to the working directory, symlinks kept as given)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("path_type", Path)
        super().__init__(**kwargs)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, (str, os.PathLike)):
            value = os.path.abspath(os.path.expanduser(os.fspath(value)))
        return super().convert(value, param, ctx)


def _date(
    _ctx: click.Context, _param: click.Parameter, value: str | dt.date | None
) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def _time(
    _ctx: click.Context, _param: click.Parameter, value: str | dt.time | None
) -> dt.time | None:
    if value is None or isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time of day HH:MM") from None


def _timestamp(
    _ctx: click.Context, _param: click.Parameter, value: str | dt.datetime | None
) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date-time YYYY-MM-DDTHH:MM[+HH:MM]") from None
    return parsed if parsed.tzinfo else parsed.astimezone()  # a naive time is local time


def _option(*decls: str, env: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("show_envvar", True)
    return click.option(*decls, envvar=ENV_PREFIX + env, **kwargs)


def path_option(
    *decls: str,
    env: str,
    file_okay: bool = True,
    dir_okay: bool = True,
    exists: bool = False,
    **kwargs,
):  # type: ignore[no-untyped-def]
    """An option whose value is a path: always absolute by the time the command runs."""
    return _option(
        *decls,
        env=env,
        type=AbsolutePath(file_okay=file_okay, dir_okay=dir_okay, exists=exists),
        **kwargs,
    )


export_dir = path_option(
    "--export-dir",
    env="EXPORT_DIR",
    file_okay=False,
    required=True,
    help="The export folder (Juvonno + iCBT files, optional manifest.json).",
)
as_of = _option(
    "--as-of",
    env="AS_OF",
    callback=_date,
    help="The date the export describes (YYYY-MM-DD); default: the manifest's exported_at, else today.",
)
out = path_option(
    "--out",
    env="OUT",
    file_okay=False,
    default=DEFAULT_OUT,
    show_default=True,
    help="The instance folder: published runs, history and (DuckDB) warehouse files.",
)
target = _option(
    "--target",
    env="TARGET",
    default=DEFAULT_TARGET,
    show_default=True,
    help="The dbt target in profiles.yml (duckdb, postgres, or one you add).",
)
warehouse = path_option(
    "--warehouse",
    env="WAREHOUSE",
    dir_okay=False,
    default=None,
    help="DuckDB target only: where the warehouse file lives (default OUT/warehouse/juvonno.duckdb).",
)
strict = _option(
    "--strict/--no-strict",
    env="STRICT",
    default=False,
    help="Exit 1 when any rule hits, not only when an error-severity check fails.",
)
keep_runs = _option(
    "--keep-runs",
    env="KEEP_RUNS",
    type=click.IntRange(min=1),
    default=DEFAULT_KEEP_RUNS,
    show_default=True,
    help="How many published runs to keep under OUT/runs.",
)
share_group = _option(
    "--share-group",
    env="SHARE_GROUP",
    default=None,
    metavar="NAME",
    help="A Unix group that may read the published runs and OUT/latest (0750/0640, chgrp); default: private to the service user.",
)
dev_warehouse = path_option(
    "--warehouse",
    env="DEV_DUCKDB_PATH",
    dir_okay=False,
    default=None,
    help="The development warehouse file (profiles.yml's dev target; default dq-dev/juvonno_dev.duckdb in the project).",
)
generate_out = path_option(
    "--out",
    env="GENERATE_OUT",
    file_okay=False,
    required=True,
    help="Folder to write the synthetic export into.",
)
customers = _option(
    "--customers",
    env="CUSTOMERS",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Number of customers to generate.",
)
anomaly_window = _option(
    "--anomaly-window",
    env="ANOMALY_WINDOW",
    type=click.IntRange(min=3),
    default=14,
    show_default=True,
    help="Anomaly alerts: how many past as-of dates form the baseline (re-runs of a date count once).",
)
anomaly_min_history = _option(
    "--anomaly-min-history",
    env="ANOMALY_MIN_HISTORY",
    type=click.IntRange(min=3),
    default=7,
    show_default=True,
    help="Anomaly alerts: past as-of dates needed before anything is flagged.",
)
anomaly_threshold = _option(
    "--anomaly-threshold",
    env="ANOMALY_THRESHOLD",
    type=click.FloatRange(min=0, min_open=True),
    default=3.5,
    show_default=True,
    help="Anomaly alerts: flag a value whose robust z-score (median/MAD) exceeds this; lower is more sensitive.",
)
export_due_by = _option(
    "--due-by",
    "due_by",
    env="EXPORT_DUE_BY",
    callback=_time,
    default="06:00",
    show_default=True,
    help="check-export: the local time of day by which the night's export must have arrived.",
)
export_max_age_hours = _option(
    "--max-age-hours",
    env="EXPORT_MAX_AGE_HOURS",
    type=click.FloatRange(min=0, min_open=True),
    default=24.0,
    show_default=True,
    help="check-export: how old the export may be at the due time (24: it arrived after yesterday's due time).",
)
check_at = _option(
    "--at",
    env="CHECK_AT",
    callback=_timestamp,
    default=None,
    help="check-export: check as if at this time (ISO 8601; default now).",
)
seed = _option(
    "--seed",
    env="SEED",
    type=int,
    default=1,
    show_default=True,
    help="Random seed (same seed, same files).",
)


def config_option() -> click.Option:
    """--config FILE: accepted before the command name and after it (cli.py adds it to
    the group and to every command). Eager, so its defaults apply to every other option."""
    from runner.config import apply_config_file

    return click.Option(
        ["--config"],
        envvar=ENV_PREFIX + "CONFIG",
        show_envvar=True,
        type=AbsolutePath(dir_okay=False, exists=True),
        default=None,
        help="Optional TOML file with defaults per command ([run], [generate], [demo], [dev] tables).",
        is_eager=True,
        expose_value=False,
        callback=apply_config_file,
    )


# -- juvonno-dq pull (and run --pull): Juvonno's REST API. The key comes from
# JUVONNO_DQ_API_KEY only (runner/pull/secret.py), never from a flag or the TOML file.
pull_export_dir = path_option(
    "--export-dir",
    env="EXPORT_DIR",
    file_okay=False,
    required=True,
    help="The export folder to write (replaced atomically; its parent must exist).",
)
pull = _option(
    "--pull/--no-pull",
    env="PULL",
    default=False,
    help="First pull the export from Juvonno's API into --export-dir (see `juvonno-dq pull`).",
)
api_url = _option(
    "--api-url",
    env="API_URL",
    default=None,
    help="Juvonno's API, e.g. https://SUBDOMAIN.juvonno.com/api (the key: env JUVONNO_DQ_API_KEY).",
)
since = _option(
    "--since",
    env="SINCE",
    callback=_date,
    help="Pull appointments from this date (YYYY-MM-DD); default: the earliest customer's creation date.",
)
days_ahead = _option(
    "--days-ahead",
    env="DAYS_AHEAD",
    type=click.IntRange(min=0),
    default=365,
    show_default=True,
    help="Pull booked appointments up to this many days after today.",
)
icbt_file = path_option(
    "--icbt-file",
    env="ICBT_FILE",
    dir_okay=False,
    default=None,
    help="The iCBT platform's export (icbt_activity.csv[.gz]/.xlsx), copied into the pulled export.",
)
api_timeout = _option(
    "--api-timeout",
    env="API_TIMEOUT",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for a connection or an answer.",
)
api_concurrency = _option(
    "--api-concurrency",
    env="API_CONCURRENCY",
    type=click.IntRange(min=1, max=32),
    default=4,
    show_default=True,
    help="Requests in flight at once.",
)
api_rate = _option(
    "--api-rate",
    env="API_RATE",
    type=click.FloatRange(min=0.01),
    default=10.0,
    show_default=True,
    help="Requests per second at most.",
)
api_retries = _option(
    "--api-retries",
    env="API_RETRIES",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="Attempts per request (429, 5xx, timeouts, dropped connections are retried).",
)
api_backoff = _option(
    "--api-backoff",
    env="API_BACKOFF",
    type=click.FloatRange(min=0.0),
    default=1.0,
    show_default=True,
    help="First retry wait in seconds (doubled per retry, jittered, at most 60 s; Retry-After wins).",
)


reuse_days = _option(
    "--reuse-days",
    env="REUSE_DAYS",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Take appointments older than this many days as settled: read each month once after it settles, "
    "then reuse it from the last pull (0: read everything every night).",
)


def api_options(command):  # type: ignore[no-untyped-def]
    """The API options shared by `pull` and `run --pull`."""
    for option in reversed(
        (
            api_url,
            since,
            days_ahead,
            reuse_days,
            icbt_file,
            api_timeout,
            api_concurrency,
            api_rate,
            api_retries,
            api_backoff,
        )
    ):
        command = option(command)
    return command


# -- juvonno-dq bench ------------------------------------------------------------
def _scales(
    _ctx: click.Context, _param: click.Parameter, value: str | tuple[str, ...]
) -> tuple[str, ...]:
    items = (
        value
        if isinstance(value, tuple)
        else tuple(v.strip() for v in str(value).split(",") if v.strip())
    )
    for item in items:
        if item != "sample" and not (item.isdigit() and int(item) > 0):
            raise click.BadParameter(f"{item!r} is neither a number of customers nor 'sample'")
    return items


bench_scales = _option(
    "--scales",
    env="BENCH_SCALES",
    default="10000,100000,1000000",
    show_default=True,
    callback=_scales,
    help="Comma-separated export sizes in customers ('sample' = the spec's 60-customer sample).",
)
bench_runs = _option(
    "--runs",
    env="BENCH_RUNS",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Measured runs per tool and scale.",
)
bench_warmup = _option(
    "--warmup",
    env="BENCH_WARMUP",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Unmeasured runs first.",
)
bench_seed = _option(
    "--seed",
    env="BENCH_SEED",
    type=int,
    default=11,
    show_default=True,
    help="Generator seed of the exports.",
)
bench_dir = path_option(
    "--bench-dir",
    env="BENCH_DIR",
    file_okay=False,
    default=Path(".bench"),
    show_default=True,
    help="Cache of generated exports and work folders (git-ignored).",
)
bench_report = path_option(
    "--report",
    env="BENCH_REPORT",
    dir_okay=False,
    default=Path("BENCHMARKS.md"),
    show_default=True,
    help="Where to write the table; the raw figures go beside it as .json.",
)
bench_tools = _option(
    "--tools",
    env="BENCH_TOOLS",
    default="runner,floor,chain",
    show_default=True,
    help="Comma-separated subset of runner, floor, chain.",
)
bench_note = _option(
    "--note",
    env="BENCH_NOTE",
    default="",
    help="Conditions of the measurement, written under 'Conditions'.",
)
