"""Where a run builds and publishes: one implementation per kind of dbt target.

The pipeline talks to the warehouse only through `Warehouse`; DuckDB lives in
`duckdb.py`, PostgreSQL in `postgres.py`, Spark in `spark.py`. What reads the build
(runner/publish/results.py, runner/monitor/watch.py) needs only `BuildReader`
(reader.py): relations by layer and name, never a schema name in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from runner.checkpoints import NOWHERE, Checkpoints
from runner.export.validate import ValidatedExport
from runner.warehouse.reader import BuildReader

if TYPE_CHECKING:
    from runner.expectations import GxOutcome
    from runner.gx.child import GxChild
    from runner.gx.step import DataDocs


class WarehouseError(Exception):
    """The warehouse cannot be used (unreachable, misconfigured): exit code 3."""


class Warehouse(BuildReader, Protocol):
    target: str  # the dbt target name
    # True: GX validates over SQL in the child started before dbt (runner/gx/child.py);
    # False: in process, after dbt (Spark: the metastore is this process's).
    gx_in_child: bool

    @property
    def schema(self) -> str:
        """The dbt target schema this run works on (the build's once prepared): the
        prefix of every layer's schema, `<schema>_sop`; Great Expectations reads it."""

    def check_reachable(self) -> None:
        """Raise WarehouseError when the warehouse cannot be reached."""

    def latest_as_of(self) -> dt.date | None:
        """The latest as-of date in the published history (None for a new instance)."""

    def cleanup_stale(self) -> list[str]:
        """Remove what killed runs left (builds, temporary files); under the run lock.
        Returns what was removed."""

    def prepare_build(self, run_id: str) -> Mapping[str, str]:
        """Make a private place to build this run (carrying state: snapshots, history).

        Returns environment variables the dbt profile needs to point at it."""

    def load_raw(self, export: ValidatedExport) -> None:
        """Bulk-load the validated export into the build's raw schema, in one transaction."""

    def append_history(
        self, rows: Sequence[Mapping[str, Any]], table: str = "dq_run_history"
    ) -> None:
        """Append this run's rows to a juvonno_history table (default dq_run_history) in the build."""

    def validate_with_gx(
        self,
        run_dir: Path,
        rule_hits: dict[str, int],
        child: GxChild | None,
        docs: DataDocs | None = None,
    ) -> GxOutcome:
        """Great Expectations on the build (in `child` when gx_in_child); GxFailed when
        it could not run. docs: the Data Docs' run name and shared folder."""

    def publish(self) -> None:
        """Make the build the warehouse and the analysts' marts, atomically."""

    def discard(self) -> None:
        """Drop the build (after a failure); the published state stays as it was."""


def open_warehouse(
    target: str,
    out: Path,
    warehouse_path: Path | None = None,
    checkpoints: Checkpoints = NOWHERE,
) -> Warehouse:
    """The Warehouse for a dbt target name of profiles.yml."""
    if target == "duckdb":
        from runner.warehouse.duckdb import DuckDBWarehouse

        return DuckDBWarehouse(out=out, path=warehouse_path, checkpoints=checkpoints)
    if target == "postgres":
        from runner.warehouse.postgres import PostgresWarehouse

        return PostgresWarehouse(out=out)
    if target == "spark":
        from runner.warehouse.spark import SparkWarehouse

        return SparkWarehouse(out=out)
    raise WarehouseError(
        f"unknown target {target!r}: profiles.yml defines duckdb, postgres and spark"
    )
