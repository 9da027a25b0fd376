"""Reusable test harness: load an export into a private DuckDB file and run dbt
in-process against it, with private target/log paths (parallel-safe).

    h = DbtHarness(tmp_path)             # one DuckDB file + target/log dirs
    h.load(export_dir)                   # runner.export.load.load_duckdb
    result = h.dbt("build", as_of="2026-11-20")
    rows = h.query("select * from juvonno_sop.sop_violations")

Each dbt invocation costs seconds: share a harness through module- or
session-scoped fixtures. Never hold a DuckDB connection while dbt runs
(`query` opens and closes one per call).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from runner.export.validate import ValidatedExport, validate_export

REPO = Path(__file__).resolve().parents[1]
SAMPLE_EXPORT = (REPO.parent / "shared" / "spec" / "sample-export").resolve()
SAMPLE_AS_OF = "2026-11-20"

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def validated_export(export_dir: Path) -> ValidatedExport:
    """The export as the runner's validator sees it (what both loaders take)."""
    export = validate_export(Path(export_dir), Path(tempfile.mkdtemp(prefix="juvonno-validate-")))
    assert export.ok, [str(p) for p in export.problems]
    return export


@dataclass
class DbtRun:
    success: bool
    args: list[str]
    results: list[dict[str, Any]] = field(default_factory=list)
    exception: BaseException | None = None

    def failed(self, statuses: Sequence[str] = ("error", "fail")) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] in statuses]

    def by_status(self, status: str) -> list[str]:
        return [r["unique_id"] for r in self.results if r["status"] == status]


class DbtHarness:
    """A private warehouse (DuckDB file) plus private dbt target and log paths."""

    def __init__(self, workdir: Path, name: str = "juvonno", project_dir: Path = REPO) -> None:
        self.project_dir = Path(project_dir)  # a test's own copy of the project (its own seeds)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_path = self.workdir / f"{name}.duckdb"
        self.target_path = self.workdir / "target"
        self.log_path = self.workdir / "logs"

    # ---- loading -----------------------------------------------------------------
    def load(self, export_dir: Path) -> None:
        from runner.export.load import load_duckdb

        load_duckdb(self.db_path, validated_export(Path(export_dir)))

    # ---- dbt ---------------------------------------------------------------------
    def dbt(
        self,
        command: str,
        *extra: str,
        as_of: str | None = None,
        run_id: str = "pytest",
        env: dict[str, str] | None = None,
    ) -> DbtRun:
        """Run one dbt command in-process. `env` adds environment variables for the
        invocation only (e.g. the JUVONNO_DQ_PG_* of a PostgreSQL target)."""
        from dbt.cli.main import dbtRunner

        vars_: dict[str, str] = {"run_id": run_id}
        if as_of:
            vars_["as_of_date"] = as_of
        args = [
            *command.split(),
            "--project-dir",
            str(self.project_dir),
            "--profiles-dir",
            str(self.project_dir),
            "--target-path",
            str(self.target_path),
            "--log-path",
            str(self.log_path),
            "--vars",
            json.dumps(vars_),
            # profiles.yml's default target is the data team's dev warehouse
            *(() if "--target" in extra else ("--target", "duckdb")),
            *extra,
        ]
        overrides = {"JUVONNO_DQ_DUCKDB_PATH": str(self.db_path), **(env or {})}
        previous = {name: os.environ.get(name) for name in overrides}
        os.environ.update(overrides)
        try:
            res = dbtRunner().invoke(args)
        finally:
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        results: list[dict[str, Any]] = []
        for r in getattr(res.result, "results", None) or []:
            results.append(
                {
                    "unique_id": r.node.unique_id,
                    "name": r.node.name,
                    "resource_type": str(r.node.resource_type),
                    "status": str(r.status),
                    "failures": getattr(r, "failures", None),
                    "message": r.message,
                    "meta": dict(getattr(getattr(r.node, "config", None), "meta", None) or {}),
                }
            )
        return DbtRun(success=res.success, args=args, results=results, exception=res.exception)

    # ---- reading -----------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        # Same configuration as dbt-duckdb and the loader: in one process DuckDB
        # shares one database instance, and dbt-duckdb keeps it open after a run.
        con = duckdb.connect(str(self.db_path))
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def copy_raw_to_postgres(self, connection, schema: str) -> None:  # type: ignore[no-untyped-def]
        """Copy the loaded raw layer (DuckDB) into `<schema>_raw` of a PostgreSQL
        connection, same column names and types: a stand-in for the Postgres
        loader when testing the models on PostgreSQL."""
        raw = f"{schema}_raw"
        tables = [
            t
            for (t,) in self.query(
                "select table_name from information_schema.tables where table_schema = 'juvonno_raw'"
            )
        ]
        with connection.cursor() as cur:
            cur.execute(f'create schema if not exists "{raw}"')
            for table in tables:
                cols = self.query(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'juvonno_raw' and table_name = ? order by ordinal_position",
                    [table],
                )
                cur.execute(
                    f'create table "{raw}"."{table}" ('
                    + ", ".join(f'"{c}" {t}' for c, t in cols)
                    + ")"
                )
                rows = self.query(f'select * from juvonno_raw."{table}"')
                if rows:
                    placeholders = ", ".join(["%s"] * len(cols))
                    cur.executemany(f'insert into "{raw}"."{table}" values ({placeholders})', rows)
        connection.commit()

    def copy_export(self, export_dir: Path, dest: Path) -> Path:
        """A writable copy of an export (to derive a later export from it)."""
        dest = Path(dest)
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(export_dir, dest)
        return dest


def expected_worklist(export_dir: Path = SAMPLE_EXPORT) -> set[tuple[int, str]]:
    with (Path(export_dir) / "expected-worklist.csv").open(newline="") as handle:
        return {(int(r["customer_id"]), r["rule_id"]) for r in csv.DictReader(handle)}
