"""Every CLI option, defined once, each with its environment variable.

Precedence: command line, then environment (JUVONNO_DQ_*), then the TOML config
file (`--config`), then the default.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

ENV_PREFIX = "JUVONNO_DQ_"


def _date(_ctx: click.Context, _param: click.Parameter, value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def _option(*decls: str, env: str, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("show_envvar", True)
    return click.option(*decls, envvar=ENV_PREFIX + env, **kwargs)


export_dir = _option(
    "--export-dir",
    env="EXPORT_DIR",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The export folder (Juvonno + iCBT files, optional manifest.json).",
)
as_of = _option(
    "--as-of",
    env="AS_OF",
    callback=_date,
    help="The date the export describes (YYYY-MM-DD); default: the manifest's exported_at, else today.",
)
out = _option(
    "--out",
    env="OUT",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("dq-output"),
    show_default=True,
    help="The instance folder: published runs, history and (DuckDB) warehouse files.",
)
target = _option(
    "--target",
    env="TARGET",
    default="duckdb",
    show_default=True,
    help="The dbt target in profiles.yml (duckdb, postgres, or one you add).",
)
warehouse = _option(
    "--warehouse",
    env="WAREHOUSE",
    type=click.Path(path_type=Path, dir_okay=False),
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
    default=90,
    show_default=True,
    help="How many published runs to keep under OUT/runs.",
)
generate_out = _option(
    "--out",
    env="GENERATE_OUT",
    type=click.Path(path_type=Path, file_okay=False),
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
seed = _option("--seed", env="SEED", type=int, default=1, show_default=True, help="Random seed (same seed, same files).")
def config(callback):  # type: ignore[no-untyped-def]
    return _option(
        "--config",
        env="CONFIG",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        default=None,
        help="Optional TOML file with defaults per command ([run], [generate], [demo] tables).",
        is_eager=True,
        expose_value=False,
        callback=callback,
    )
