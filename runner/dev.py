"""The data team's development warehouse: `juvonno-dq dev --export-dir DIR`.

Validates an export (the runner's validator: bad input is exit 2, nothing changed),
loads it into a DuckDB file of its own (the `dev` target of profiles.yml, by default
`dq-dev/juvonno_dev.duckdb` in the project folder, git-ignored) and records the
export's as-of date there (`juvonno_dev_context.as_of`), so a plain `dbt build` run by hand
evaluates the export as of its own date (macros/as_of_date.sql).

It never touches an instance: no lock, no history, no publish, and it refuses a file
that is an instance's private warehouse (OUT/warehouse/juvonno.duckdb).
The file is built under a temporary name and renamed into place, so a failed load
leaves the previous development warehouse as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from runner.dbt import project_dir

DEV_PATH_ENV = "JUVONNO_DQ_DEV_DUCKDB_PATH"  # the dev target's path in profiles.yml
CONTEXT_TABLE = "juvonno_dev_context.as_of"


def default_path() -> Path:
    """profiles.yml's default, relative to the project folder dbt runs in."""
    return project_dir() / "dq-dev" / "juvonno_dev.duckdb"


class DevRefused(Exception):
    """The development warehouse cannot be written there (exit 3)."""


class LoadFailed(Exception):
    """The database refused the load (exit 3); the previous file is untouched."""


@dataclass(frozen=True)
class DevWarehouse:
    path: Path
    as_of: dt.date
    as_of_source: str
    files: int
    rows: int


def check_not_an_instance(path: Path) -> None:
    """An instance keeps OUT/warehouse/juvonno.duckdb beside OUT/.lock: never write it."""
    out = path.parent.parent
    if path.parent.name == "warehouse" and ((out / ".lock").exists() or (out / "runs").is_dir()):
        raise DevRefused(
            f"{path} belongs to the juvonno-dq instance {out}; the development warehouse must be another file"
        )


def load(export: object, path: Path, as_of: dt.date, as_of_source: str) -> DevWarehouse:
    """Load a validated export into a fresh file and rename it to `path`."""
    from runner.export.load import LoadError

    check_not_an_instance(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    old_umask = os.umask(0o077)  # raw personal data inside: private to the user
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".loading", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # DuckDB creates the file itself
    try:
        try:
            _load(tmp, export, as_of)
        except (duckdb.Error, LoadError) as exc:
            raise LoadFailed(" ".join(str(exc).split())[:300]) from None
        os.replace(tmp, path)
        _remove(Path(str(path) + ".wal"))
    finally:
        _remove(tmp)
        _remove(Path(str(tmp) + ".wal"))
        os.umask(old_umask)
    files = getattr(export, "files", {})
    return DevWarehouse(path, as_of, as_of_source, len(files), sum(f.rows for f in files.values()))


def _load(tmp: Path, export: object, as_of: dt.date) -> None:
    from runner.export.load import load_duckdb

    load_duckdb(tmp, export)  # type: ignore[arg-type]
    con = duckdb.connect(str(tmp))
    try:
        con.execute("create schema if not exists juvonno_dev_context")
        con.execute(
            f"create or replace table {CONTEXT_TABLE} as select cast(? as date) as as_of_date",
            [as_of.isoformat()],
        )
    finally:
        con.close()


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def dbt_commands(path: Path) -> list[str]:
    """The README's dbt commands for this file, exactly as to type them in the project folder.
    The same target and no --vars for both, so dbt's partial parsing survives switching."""
    prefix = "" if path == default_path() else f"{DEV_PATH_ENV}={shlex.quote(str(path))} "
    return [f"{prefix}.venv/bin/dbt build", f"{prefix}.venv/bin/dbt test --selector sop"]
