"""The embedded DuckDB warehouse: one `--out` folder = one instance.

```
OUT/warehouse/juvonno.duckdb           the runner's private warehouse (raw PII inside)   0600
OUT/warehouse/analysts.duckdb          marts only, for analysts (read-only)              0640
OUT/warehouse/build/build.duckdb       the run's private build, moved into place at publish  0600
```

A run never writes `juvonno.duckdb` or `analysts.duckdb` in place. It builds in a
fresh file, carrying state over from the published warehouse by copy
(`juvonno_snapshots.*` and `juvonno_history.*`, read through
`ATTACH ... (READ_ONLY)`). Publishing writes the analysts' file to a temporary name
and `os.replace`s both files into place, so:

- a killed run changes nothing published (its build file is removed by the next run);
- an analyst holding `analysts.duckdb` open (read-only) never blocks a run and keeps
  seeing the marts it opened until it reconnects: the rename gives the path a new
  inode; the old one lives on until the analyst closes it.

`analysts.duckdb` is group-readable (0640) so an analysts' Unix group can be given
access (see docs/notes/runner.md); everything else is private to the runner's user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from runner.checkpoints import NOWHERE, Checkpoints, Phase
from runner.publish import history
from runner.warehouse import WarehouseError
from runner.warehouse.reader import CANONICAL_PREFIX

if TYPE_CHECKING:
    from runner.expectations import GxOutcome
    from runner.export.validate import ValidatedExport
    from runner.gx.child import GxChild
    from runner.gx.step import DataDocs

SCHEMA = CANONICAL_PREFIX  # profiles.yml's duckdb target: every layer is juvonno_<layer>

CARRIED_SCHEMAS = ("juvonno_snapshots", "juvonno_history")
ANALYST_SCHEMAS = ("juvonno_sop", "juvonno_invoicing", "juvonno_history", "juvonno_seeds")
BUILD_FILE = "build.duckdb"
PRIVATE_MODE = 0o600
ANALYSTS_MODE = 0o640


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


MEMORY_LIMIT_ENV = "JUVONNO_DQ_DUCKDB_MEMORY_LIMIT"
THREADS_ENV = "JUVONNO_DQ_DUCKDB_THREADS"
MEMORY_SHARE = 0.5  # of physical memory, for DuckDB inside dbt (dbt and GX need the rest)
MEMORY_CAP_GB = 2.0  # measured: a 1M-customer build fits; beyond it DuckDB spills to disk


def duckdb_limits() -> dict[str, str]:
    """DuckDB memory_limit and threads for dbt (profiles.yml reads these env vars):
    what the operator set, else from the machine: half its memory up to 2 GB, one
    thread per CPU."""
    import psutil

    gb = min(MEMORY_CAP_GB, psutil.virtual_memory().total / 1e9 * MEMORY_SHARE)
    return {
        MEMORY_LIMIT_ENV: os.environ.get(MEMORY_LIMIT_ENV) or f"{int(gb * 1000)}MB",
        THREADS_ENV: os.environ.get(THREADS_ENV) or str(os.cpu_count() or 1),
    }


def _remove(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


class DuckDBReader:
    """A BuildReader on one DuckDB file whose layers are schemas juvonno_<layer>: a
    run's build, or a project built by hand (pytests). One connection, opened on
    the first query."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con: duckdb.DuckDBPyConnection | None = None

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self._con is None:
            self._con = duckdb.connect(str(self.path))
        cur = self._con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def relation(self, layer: str, name: str) -> str:
        return f"{_q(f'{SCHEMA}_{layer}')}.{_q(name)}"

    def relation_exists(self, layer: str, name: str) -> bool:
        return bool(
            self.query(
                "select 1 from information_schema.tables where table_schema = ? and table_name = ?",
                [f"{SCHEMA}_{layer}", name],
            )
        )

    def columns(self, layer: str, name: str) -> list[str]:
        rows = self.query(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [f"{SCHEMA}_{layer}", name],
        )
        return [r["column_name"] for r in rows]

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


class DuckDBWarehouse:
    target = "duckdb"
    gx_in_child = True
    schema = SCHEMA

    def __init__(
        self, out: Path, path: Path | None = None, checkpoints: Checkpoints = NOWHERE
    ) -> None:
        self.out = Path(out)
        self.checkpoints = checkpoints
        self.path = Path(path) if path else self.out / "warehouse" / "juvonno.duckdb"
        self.dir = self.path.parent
        self.analysts_path = self.dir / "analysts.duckdb"
        self.build_dir = self.dir / "build"
        self.run_id: str | None = None
        self.build_path: Path | None = None
        self._read: DuckDBReader | None = None  # read queries, between dbt/GX and publish

    # -- state -------------------------------------------------------------
    def check_reachable(self) -> None:
        try:
            if not self.dir.exists():  # a folder we create: analysts' group may traverse it
                self.dir.mkdir(parents=True)
                os.chmod(self.dir, 0o750)
            self.build_dir.mkdir(exist_ok=True)
            os.chmod(self.build_dir, 0o700)
        except OSError as exc:
            raise WarehouseError(
                f"cannot use the warehouse folder {self.dir}: {exc.strerror or exc}"
            ) from None
        if not os.access(self.dir, os.W_OK):
            raise WarehouseError(f"the warehouse folder {self.dir} is not writable")
        if self.path.exists() and not self.path.is_file():
            raise WarehouseError(f"{self.path} is not a file")

    def latest_as_of(self) -> dt.date | None:
        if not self.path.exists():
            return None
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open {self.path}: {exc}") from None
        try:
            exists = con.execute(
                "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
                [history.SCHEMA, history.TABLE],
            ).fetchone()[0]
            if not exists:
                return None
            value = con.execute(f"select max(as_of_date) from {history.QUALIFIED}").fetchone()[0]
            return value
        finally:
            con.close()

    def cleanup_stale(self) -> list[str]:
        """Remove builds and temporary files that killed runs left (call under the lock)."""
        removed = []
        if self.build_dir.is_dir():
            for p in self.build_dir.iterdir():
                _rmtree(p)
                removed.append(p.name)
        for p in self.dir.glob(".analysts.duckdb.tmp-*"):
            _rmtree(p)
            removed.append(p.name)
        return removed

    # -- build -------------------------------------------------------------
    def prepare_build(self, run_id: str) -> Mapping[str, str]:
        self.close()
        self.check_reachable()
        self.run_id = run_id
        # One name for every run (runs are serialised by the instance lock): dbt hashes
        # the profile's path, and a path that changed every run cost a full re-parse.
        self.build_path = self.build_dir / BUILD_FILE
        _remove(self.build_path)
        con = duckdb.connect(str(self.build_path))
        try:
            if self.path.exists():
                con.execute(f"attach {_sql_str(str(self.path))} as published (read_only)")
                try:
                    tables = con.execute(
                        "select schema_name, table_name from duckdb_tables() "
                        "where database_name = 'published' and schema_name in (?, ?) order by 1, 2",
                        list(CARRIED_SCHEMAS),
                    ).fetchall()
                    for schema, table in tables:
                        con.execute(f"create schema if not exists {_q(schema)}")
                        con.execute(
                            f"create table {_q(schema)}.{_q(table)} as select * from published.{_q(schema)}.{_q(table)}"
                        )
                finally:
                    con.execute("detach published")
            con.execute(f"create schema if not exists {history.SCHEMA}")
            for statement in history.ddl():
                con.execute(statement)
            con.execute("checkpoint")
        finally:
            con.close()
        os.chmod(self.build_path, PRIVATE_MODE)
        return {"JUVONNO_DQ_DUCKDB_PATH": str(self.build_path), **duckdb_limits()}

    def _build(self) -> Path:
        if self.build_path is None:
            raise WarehouseError("prepare_build was not called")
        return self.build_path

    def load_raw(self, export: ValidatedExport) -> None:
        self.close()
        from runner.export.load import load_duckdb

        load_duckdb(self._build(), export)

    def validate_and_load(self, export_dir: Path, workdir: Path, today: dt.date) -> ValidatedExport:
        """Validate the export while loading it into the build's raw layer: each file
        read once (runner/export/fused.py). With problems, the caller discards the build."""
        self.close()
        from runner.export.fused import validate_and_load

        limits = duckdb_limits()  # dbt's own: the load's distinct counts spill, as dbt does
        return validate_and_load(
            export_dir,
            workdir,
            self._build(),
            today,
            self.checkpoints,
            memory_limit=limits[MEMORY_LIMIT_ENV],
            threads=int(limits[THREADS_ENV]),
        )

    def _reader(self) -> DuckDBReader:
        """Read queries share one connection until the next write/publish step closes it."""
        if self._read is None:
            self._read = DuckDBReader(self._build())
        return self._read

    def query(self, sql: str) -> list[dict[str, Any]]:
        return self._reader().query(sql)

    def relation(self, layer: str, name: str) -> str:
        return self._reader().relation(layer, name)

    def relation_exists(self, layer: str, name: str) -> bool:
        return self._reader().relation_exists(layer, name)

    def columns(self, layer: str, name: str) -> list[str]:
        return self._reader().columns(layer, name)

    def close(self) -> None:
        if self._read is not None:
            self._read.close()
            self._read = None

    def append_history(self, rows: Sequence[Mapping[str, Any]], table: str = history.TABLE) -> None:
        self.close()
        if not rows:
            return
        cols = history.column_names(table)
        con = duckdb.connect(str(self._build()))
        try:
            con.execute("begin transaction")
            con.execute(f"create schema if not exists {history.SCHEMA}")
            for statement in history.ddl():
                con.execute(statement)
            con.executemany(
                f"insert into {history.SCHEMA}.{table} ({', '.join(cols)}) values ({', '.join('?' for _ in cols)})",
                [[row.get(c) for c in cols] for row in rows],
            )
            con.execute("commit")
        finally:
            con.close()

    def sqlalchemy_url(self) -> str:
        self.close()
        return f"duckdb:///{self._build()}"

    def validate_with_gx(
        self,
        run_dir: Path,
        rule_hits: dict[str, int],
        child: GxChild | None,
        docs: DataDocs | None = None,
    ) -> GxOutcome:
        from runner.gx.step import in_child

        return in_child(child, self.sqlalchemy_url(), rule_hits, self.schema, docs)

    # -- publish -----------------------------------------------------------

    def write_analysts(self) -> Path:
        """Write the analysts' file next to its final place (not yet visible)."""
        self.close()
        build = self._build()
        tmp = self.dir / f".analysts.duckdb.tmp-{self.run_id}"
        _remove(tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute(f"attach {_sql_str(str(build))} as build (read_only)")
            try:
                tables = con.execute(
                    "select schema_name, table_name from duckdb_tables() where database_name = 'build' "
                    f"and schema_name in ({', '.join('?' for _ in ANALYST_SCHEMAS)}) order by 1, 2",
                    list(ANALYST_SCHEMAS),
                ).fetchall()
                for schema, table in tables:
                    con.execute(f"create schema if not exists {_q(schema)}")
                    con.execute(
                        f"create table {_q(schema)}.{_q(table)} as select * from build.{_q(schema)}.{_q(table)}"
                    )
            finally:
                con.execute("detach build")
            con.execute("checkpoint")
        finally:
            con.close()
        os.chmod(tmp, ANALYSTS_MODE)
        _fsync(tmp)
        return tmp

    def publish(self) -> None:
        """Both files into place, each with one rename (the warehouse first: it is
        the source of truth for the next run's history and snapshots)."""
        tmp = self.write_analysts()
        self.checkpoints.reached(Phase.PUBLISH_WAREHOUSE)
        build = self._build()
        os.chmod(build, PRIVATE_MODE)
        _fsync(build)
        os.replace(build, self.path)
        os.replace(tmp, self.analysts_path)
        _fsync_dir(self.dir)
        self.build_path = None

    def discard(self) -> None:
        self.close()
        if self.build_path is not None:
            _remove(self.build_path)
            self.build_path = None
        if self.run_id:
            _remove(self.dir / f".analysts.duckdb.tmp-{self.run_id}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


def _rmtree(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
