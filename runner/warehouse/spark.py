"""A Spark warehouse (dbt-spark `method: session`): one database prefix = one instance.

```
<prefix>_r<run>_raw, _seeds, _staging, ..., _sop    one run's build: tables (dbt schema <prefix>_r<run>)
<prefix>_sop, _invoicing, _history, _seeds          published: one view per table of the run
<prefix>_control.publishes                           which run is published (append-only)
```

Spark cannot rename a database nor move a table between databases, so a run builds
in databases of its own (state carried over by copy from the published run: group
history, run history) and publish() switches the published views to it:

1. a row in `<prefix>_control.publishes` makes the run the published one (the next
   run carries its state from there, as from DuckDB's warehouse file);
2. every view of the analysts' layers is replaced (`create or replace view`) in
   PUBLISHED_LAYERS order, `sop` last; each replacement is atomic, the set is not
   (a run killed between two switches leaves a mix until the next run publishes);
3. views of tables the new run no longer has are dropped; runs older than the
   previous one are dropped (the previous one stays for queries in flight).

Analysts never see a half-built run (nothing is switched before dbt, GX and the
history append are done); a reader between two view switches can see one mart of
the new run and one of the previous run. The prefix is JUVONNO_DQ_SPARK_SCHEMA
(default `juvonno`); what reads the build names its tables through
`relation(layer, name)` (runner/warehouse/reader.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.export.load_spark import q
from runner.publish import history
from runner.warehouse import WarehouseError
from runner.warehouse.reader import CANONICAL_PREFIX
from runner.warehouse.spark_session import get_session, instance_dir

if TYPE_CHECKING:
    from runner.expectations import GxOutcome
    from runner.export.validate import ValidatedExport
    from runner.gx.child import GxChild
    from runner.gx.step import DataDocs

ENV_SCHEMA = "JUVONNO_DQ_SPARK_SCHEMA"
LAYERS = (
    "raw",
    "seeds",
    "staging",
    "intermediate",
    "snapshots",
    "dq_tests",
    "invoicing",
    "history",
    "sop",
)
CARRIED_LAYERS = ("snapshots", "history")
# Published as views, in this order (sop last: the worklist's mart). The other
# layers (raw with personal data, staging, ...) stay in the run's databases only.
PUBLISHED_LAYERS = ("seeds", "invoicing", "history", "sop")
KEEP_PUBLISHED = 2  # the published run and the one before (readers in flight)
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_HISTORY_TYPES = {
    "timestamp": "timestamp_ntz",
    "double precision": "double",
}  # naive UTC, as in DuckDB and PostgreSQL


def run_token(run_id: str) -> str:
    return "r" + re.sub(r"[^a-z0-9]", "_", run_id.lower())


class SparkWarehouse:
    target = "spark"
    gx_in_child = False

    def __init__(self, out: Path, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.out = Path(out)
        self.prefix = env.get(ENV_SCHEMA, CANONICAL_PREFIX)
        if not _IDENT.match(self.prefix):
            raise WarehouseError(
                f"{ENV_SCHEMA}={self.prefix!r}: use lower-case letters, digits and _"
            )
        self.control = f"{self.prefix}_control"
        self.build: str | None = None  # this run's dbt schema, once prepared
        self._run_db = re.compile(
            "^" + re.escape(self.prefix) + r"_(r\d{8}t\d{6}z_[0-9a-f]+)_(" + "|".join(LAYERS) + ")$"
        )

    def __repr__(self) -> str:
        return f"SparkWarehouse(prefix={self.prefix})"

    @property
    def spark(self) -> Any:
        return get_session(instance_dir(self.out))

    @property
    def schema(self) -> str:
        """The dbt target schema this run works on (the build's once prepared)."""
        return self.build or self.prefix

    # -- catalogue -------------------------------------------------------------
    def _databases(self) -> list[str]:
        return [r[0] for r in self.spark.sql("show databases").collect()]

    def _tables(self, database: str) -> list[str]:
        rows = self.spark.sql(f"show tables in {q(database)}").collect()
        return sorted(r["tableName"] for r in rows if not r["isTemporary"])

    def _exists(self, database: str, table: str) -> bool:
        return bool(self.spark.catalog.tableExists(f"{database}.{table}"))

    def _published_runs(self) -> list[str]:
        """Run tokens, newest publish first."""
        if not self._exists(self.control, "publishes"):
            return []
        rows = self.spark.sql(
            f"select run from {q(self.control)}.publishes order by published_at desc, run desc"
        ).collect()
        return [r["run"] for r in rows]

    def published_db(self, layer: str) -> str:
        runs = self._published_runs()
        return f"{self.prefix}_{runs[0]}_{layer}" if runs else f"{self.prefix}_{layer}"

    # -- state -------------------------------------------------------------------
    def check_reachable(self) -> None:
        try:
            self._databases()
        except Exception as exc:  # noqa: BLE001 - Java missing, metastore in use, ...
            raise WarehouseError(
                f"cannot start Spark ({type(exc).__name__}): {' '.join(str(exc).split())[:200]}"
            ) from None

    def latest_as_of(self) -> dt.date | None:
        if not self._published_runs():
            return None
        db = self.published_db("history")
        if not self._exists(db, history.TABLE):
            return None
        return self.spark.sql(
            f"select max(as_of_date) as d from {q(db)}.{history.TABLE}"
        ).collect()[0]["d"]

    def cleanup_stale(self) -> list[str]:
        """Drop run databases that are neither published nor the previous run (killed runs)."""
        keep = set(self._published_runs()[:KEEP_PUBLISHED])
        if self.build:
            keep.add(self.build.removeprefix(self.prefix + "_"))
        dropped = []
        for name in self._databases():
            m = self._run_db.match(name)
            if m and m.group(1) not in keep:
                self.spark.sql(f"drop database if exists {q(name)} cascade")
                dropped.append(name)
        return dropped

    # -- build -------------------------------------------------------------------
    def prepare_build(self, run_id: str) -> Mapping[str, str]:
        self.build = f"{self.prefix}_{run_token(run_id)}"
        spark = self.spark
        self.discard_databases()
        published = self._published_runs()
        for layer in CARRIED_LAYERS:
            target = f"{self.build}_{layer}"
            spark.sql(f"create database {q(target)}")
            if not published:
                continue
            source = f"{self.prefix}_{published[0]}_{layer}"
            for table in self._tables(source) if source in self._databases() else []:
                src, dst = f"{q(source)}.{q(table)}", f"{q(target)}.{q(table)}"
                spark.sql(f"create table {dst} like {src}")
                spark.sql(f"insert into {dst} select * from {src}")
        self._history_ddl()
        return {ENV_SCHEMA: self.build}

    def _history_ddl(self) -> None:
        """Every history table, created, or given the columns an older instance lacks."""
        database = self._build_db("history")
        for table, columns in history.TABLES.items():
            cols = ", ".join(f"{name} {_HISTORY_TYPES.get(t, t)}" for name, t in columns)
            self.spark.sql(
                f"create table if not exists {q(database)}.{table} ({cols}) using parquet"
            )
            have = {c.name for c in self.spark.catalog.listColumns(table, database)}
            missing = [
                f"{name} {_HISTORY_TYPES.get(t, t)}" for name, t in columns if name not in have
            ]
            if missing:
                self.spark.sql(
                    f"alter table {q(database)}.{table} add columns ({', '.join(missing)})"
                )

    def _build_db(self, layer: str) -> str:
        if self.build is None:
            raise WarehouseError("prepare_build was not called")
        return f"{self.build}_{layer}"

    def load_raw(self, export: ValidatedExport) -> None:
        from runner.export.load_spark import load_spark

        try:
            load_spark(self.spark, export, self._build_db("raw"))
        except Exception as exc:  # noqa: BLE001 - Spark's message may quote a record: its class only
            raise WarehouseError(
                f"Spark could not load the validated export ({type(exc).__name__}); nothing was published"
            ) from None

    def query(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.spark.sql(sql).collect()]

    def relation(self, layer: str, name: str) -> str:
        return f"{q(self._build_db(layer))}.{q(name)}"

    def relation_exists(self, layer: str, name: str) -> bool:
        return self._exists(self._build_db(layer), name)

    def columns(self, layer: str, name: str) -> list[str]:
        database = self._build_db(layer)
        if not self._exists(database, name):
            return []
        return [c.name for c in self.spark.catalog.listColumns(name, database)]

    def append_history(self, rows: Sequence[Mapping[str, Any]], table: str = history.TABLE) -> None:
        if not rows:
            return
        spark = self.spark
        self._history_ddl()
        target = f"{self._build_db('history')}.{table}"
        schema = spark.table(target).schema
        frame = spark.createDataFrame([[row.get(c) for c in schema.names] for row in rows], schema)
        frame.write.insertInto(target)

    def validate_with_gx(
        self,
        run_dir: Path,
        rule_hits: dict[str, int],
        child: GxChild | None,
        docs: DataDocs | None = None,
    ) -> GxOutcome:
        """Great Expectations on this session's DataFrames (in process: the metastore is
        ours; `child` is None, gx_in_child being False)."""
        from runner.expectations_spark import run_expectations_spark
        from runner.gx.step import docs_kwargs, in_process

        return in_process(
            lambda: run_expectations_spark(
                self.spark,
                Path(run_dir),
                rule_hits,
                schema_prefix=self.schema,
                **docs_kwargs(docs),
            )
        )

    # -- publish -----------------------------------------------------------------
    def publish(self) -> None:
        """The pointer first (the source of truth for the next run's state, as
        DuckDB's warehouse file is), then the analysts' views, then the clean-up."""
        build = self._build_db("sop").removesuffix("_sop")
        spark = self.spark
        databases = set(self._databases())
        if f"{build}_sop" not in databases:
            raise WarehouseError(f"the build has no {build}_sop database: nothing to publish")
        spark.sql(f"create database if not exists {q(self.control)}")
        spark.sql(
            f"create table if not exists {q(self.control)}.publishes (run string, published_at timestamp_ntz) using parquet"
        )
        token = build.removeprefix(self.prefix + "_")
        spark.sql(f"insert into {q(self.control)}.publishes values ('{token}', localtimestamp())")
        for layer in PUBLISHED_LAYERS:
            source = f"{build}_{layer}"
            if source not in databases:
                continue
            published = f"{self.prefix}_{layer}"
            spark.sql(f"create database if not exists {q(published)}")
            tables = self._tables(source)
            for table in tables:
                spark.sql(
                    f"create or replace view {q(published)}.{q(table)} as select * from {q(source)}.{q(table)}"
                )
            for stale in set(self._tables(published)) - set(tables):
                spark.sql(f"drop view if exists {q(published)}.{q(stale)}")
        self.build = None
        self.cleanup_stale()

    def discard_databases(self) -> None:
        if self.build is None:
            return
        for name in self._databases():
            if name.startswith(self.build + "_") and self._run_db.match(name):
                self.spark.sql(f"drop database if exists {q(name)} cascade")

    def discard(self) -> None:
        """Drop this run's build databases; the published views are untouched."""
        self.discard_databases()
        self.build = None
