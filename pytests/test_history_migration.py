"""An instance created before the monitoring columns existed keeps working: the
next run's build adds the new history columns and the file-history table; the
old rows stay as they were (NULL in the new columns). DuckDB and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pytests.test_postgres_warehouse import _fake_build, _warehouse
from runner.publish import history
from runner.warehouse.duckdb import DuckDBWarehouse

OLD_DDL = (
    "create table {t} (run_id varchar(64), as_of_date date, started_at timestamp, finished_at timestamp, "
    "rule_id varchar(32), hits integer, outcome varchar(16), exit_code integer)"
)
OLD_ROW = (
    "old-run",
    dt.date(2026, 11, 19),
    dt.datetime(2026, 11, 19, 23, 0),
    dt.datetime(2026, 11, 19, 23, 5),
    "SOP-10",
    4,
    "findings",
    0,
)
NEW_ROW = {
    "run_id": "new-run", "as_of_date": dt.date(2026, 11, 20), "started_at": dt.datetime(2026, 11, 20, 23, 0),
    "finished_at": dt.datetime(2026, 11, 20, 23, 5), "rule_id": "SOP-10", "hits": 5, "outcome": "findings",
    "exit_code": 0, "population": 50, "hit_pct": 10.0, "threshold_pct": 0.0, "rule_status": "fail",
    "kahn_category": "plausibility", "anomaly": None, "exported_at": dt.datetime(2026, 11, 20, 22, 30),
    "export_fingerprint": "f" * 64,
}  # fmt: skip
FILE_ROW = {
    "run_id": "new-run", "as_of_date": dt.date(2026, 11, 20), "started_at": dt.datetime(2026, 11, 20, 23, 0),
    "exported_at": None, "table_name": "customers", "file_name": "customers.csv", "file_format": "csv",
    "file_rows": 60, "sha256": "a" * 64, "anomaly": None,
}  # fmt: skip


def test_ddl_is_idempotent_and_names_every_column() -> None:
    con = duckdb.connect()
    con.execute("create schema juvonno_history")
    for _ in range(2):
        for statement in history.ddl():
            con.execute(statement)
    cols = [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_name = 'dq_run_history' order by ordinal_position"
        ).fetchall()
    ]
    assert tuple(cols) == history.COLUMN_NAMES


def test_duckdb_instance_with_the_old_history_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "warehouse").mkdir(parents=True)
    published = out / "warehouse" / "juvonno.duckdb"
    con = duckdb.connect(str(published))
    con.execute("create schema juvonno_history")
    con.execute(OLD_DDL.format(t="juvonno_history.dq_run_history"))
    con.execute(
        "insert into juvonno_history.dq_run_history values (?, ?, ?, ?, ?, ?, ?, ?)", list(OLD_ROW)
    )
    con.close()

    wh = DuckDBWarehouse(out=out)
    wh.prepare_build("new-run")
    wh.append_history([NEW_ROW])
    wh.append_history([FILE_ROW], table=history.FILE_TABLE)
    rows = wh.query("select * from juvonno_history.dq_run_history order by as_of_date")
    assert [r["run_id"] for r in rows] == ["old-run", "new-run"]
    assert tuple(rows[0][c] for c in history.COLUMN_NAMES[:8]) == OLD_ROW
    assert all(rows[0][c] is None for c in history.COLUMN_NAMES[8:])
    assert rows[1] == NEW_ROW
    assert wh.query("select file_rows from juvonno_history.dq_file_history") == [{"file_rows": 60}]
    wh.discard()


def test_postgres_instance_with_the_old_history_table(
    tmp_path: Path, postgres_server, pg_schema
) -> None:  # type: ignore[no-untyped-def]
    con = postgres_server.connect()
    with con.cursor() as cur:
        cur.execute(f'create schema "{pg_schema}_history"')
        cur.execute(OLD_DDL.format(t=f'"{pg_schema}_history".dq_run_history'))
        cur.execute(
            f'insert into "{pg_schema}_history".dq_run_history values (%s, %s, %s, %s, %s, %s, %s, %s)',
            OLD_ROW,
        )
    con.commit()
    con.close()

    wh = _warehouse(postgres_server, pg_schema, tmp_path)
    wh.prepare_build("new-run")
    wh.append_history([NEW_ROW])
    wh.append_history([FILE_ROW], table=history.FILE_TABLE)
    rows = wh.query(f"select * from {wh.relation('history', history.TABLE)} order by as_of_date")
    assert [r["run_id"] for r in rows] == ["old-run", "new-run"]
    assert tuple(rows[0][c] for c in history.COLUMN_NAMES[:8]) == OLD_ROW
    assert all(rows[0][c] is None for c in history.COLUMN_NAMES[8:])
    assert rows[1] == NEW_ROW
    _fake_build(wh, 1, postgres_server)
    wh.publish()
    wh2 = _warehouse(postgres_server, pg_schema, tmp_path)
    assert wh2.latest_as_of() == dt.date(2026, 11, 20)


@pytest.mark.spark
def test_spark_build_with_the_old_history_table(tmp_path: Path) -> None:
    """The build's history table in its old shape (as carried from an older
    instance): appending adds the missing columns; the old row reads NULL there."""
    import importlib.util

    from pytests.conftest import require

    require(importlib.util.find_spec("pyspark") is not None, "no pyspark (make install-spark)")
    from runner.warehouse.spark import SparkWarehouse

    wh = SparkWarehouse(out=tmp_path / "out", environ={"JUVONNO_DQ_SPARK_SCHEMA": "migration"})
    try:
        wh.prepare_build("20261120T230000Z-abc123")
        database = wh._build_db("history")
        spark = wh.spark
        spark.sql(f"drop table {database}.dq_run_history")
        spark.sql(
            f"create table {database}.dq_run_history (run_id varchar(64), as_of_date date, started_at timestamp_ntz, "
            "finished_at timestamp_ntz, rule_id varchar(32), hits integer, outcome varchar(16), exit_code integer) using parquet"
        )
        spark.sql(
            f"insert into {database}.dq_run_history values ('old-run', date'2026-11-19', timestamp_ntz'2026-11-19 23:00:00', "
            "timestamp_ntz'2026-11-19 23:05:00', 'SOP-10', 4, 'findings', 0)"
        )
        wh.append_history([NEW_ROW])
        wh.append_history([FILE_ROW], table=history.FILE_TABLE)
        rows = wh.query(
            f"select * from {wh.relation('history', history.TABLE)} order by as_of_date"
        )
        assert [r["run_id"] for r in rows] == ["old-run", "new-run"]
        assert all(rows[0][c] is None for c in history.COLUMN_NAMES[8:])
        assert {k: rows[1][k] for k in NEW_ROW} == NEW_ROW
        assert wh.query(f"select file_rows from {wh.relation('history', history.FILE_TABLE)}") == [
            {"file_rows": 60}
        ]
    finally:
        wh.discard_databases()
        wh.spark.stop()  # no JVM left behind
