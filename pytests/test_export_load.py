"""The DuckDB raw loader: what lands in juvonno_raw, one transaction, nothing
touched when the export was rejected or the load fails."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from runner.contract import TABLES
from runner.export.load import RAW_SCHEMA, LoadError, load_duckdb
from runner.export.validate import validate_export

SAMPLE_ROWS = {
    "customers": 60,
    "customer_groups": 61,
    "appointments": 312,
    "staff": 10,
    "encounters": 181,
    "icbt_activity": 10,
}


@pytest.fixture
def export(tmp_path: Path, sample_export: Path) -> Path:
    out = tmp_path / "export"
    out.mkdir()
    for name in TABLES:
        shutil.copyfile(sample_export / f"{name}.csv", out / f"{name}.csv")
    return out


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {RAW_SCHEMA}.{t}").fetchone()[0] for t in TABLES
        }
    finally:
        con.close()


def test_sample_loads_typed_raw_tables(sample_export: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_duckdb(db, validate_export(sample_export, tmp_path / "work"))
    assert counts(db) == SAMPLE_ROWS
    con = duckdb.connect(str(db), read_only=True)
    types = dict(
        con.execute(
            f"select column_name, data_type from information_schema.columns where table_schema = '{RAW_SCHEMA}' and table_name = 'appointments'"
        ).fetchall()
    )
    assert types == {
        "id": "BIGINT", "customer_id": "BIGINT", "start": "VARCHAR", "duration": "BIGINT", "status": "VARCHAR",
        "schedule_type_id": "BIGINT", "schedule_type_name": "VARCHAR", "staff_id": "BIGINT", "branch_code": "VARCHAR",
        "created": "VARCHAR",
    }  # fmt: skip
    assert con.execute(
        f"select date_of_birth, chart_num from {RAW_SCHEMA}.customers where id = 10002"
    ).fetchone() == (
        dt.date(2002, 7, 22),
        None,  # empty field -> NULL
    )
    files = con.execute(
        f"select table_name, file_name, format, rows, sha256 from {RAW_SCHEMA}.export_files order by table_name"
    ).fetchall()
    assert [(t, f, fmt, n) for t, f, fmt, n, _ in files] == sorted(
        (t, f"{t}.csv", "csv", n) for t, n in SAMPLE_ROWS.items()
    )
    for _, f, _, _, sha in files:
        assert sha == hashlib.sha256((sample_export / f).read_bytes()).hexdigest()


def test_values_are_trimmed_and_blank_is_null(export: Path, tmp_path: Path) -> None:
    path = export / "staff.csv"
    path.write_text(
        path.read_text().replace(
            "101,T01,Hannah,Okonjo,Therapist,active", " 101 ,  ,Hannah,Okonjo, Therapist ,   "
        )
    )
    db = tmp_path / "w.duckdb"
    load_duckdb(db, validate_export(export, tmp_path / "work"))
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(
        f"select id, num, staff_type, status from {RAW_SCHEMA}.staff where id = 101"
    ).fetchone() == (101, None, "Therapist", None)


def test_rejected_export_is_refused_and_database_bytes_unchanged(
    export: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    load_duckdb(db, validate_export(export, tmp_path / "work"))
    before = db.read_bytes()
    (export / "customers.csv").write_text(
        (export / "customers.csv").read_text().replace("2026-05-23T09:00:53", "23/05/2026")
    )
    validated = validate_export(export, tmp_path / "work2")
    assert not validated.ok
    with pytest.raises(LoadError):
        load_duckdb(db, validated)
    assert db.read_bytes() == before
    assert not (db.parent / (db.name + ".wal")).exists()


def test_failing_load_leaves_database_unchanged(export: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = validate_export(export, tmp_path / "work")
    load_duckdb(db, first)
    # A file changed after validation (cannot be cast): the load fails half way.
    path = export / "staff.csv"
    path.write_text(path.read_text().replace("101,T01", "abc,T01"))
    bad = replace(first, files={**first.files, "staff": replace(first.files["staff"], rows=999)})
    with pytest.raises(duckdb.Error):
        load_duckdb(db, bad)
    assert counts(db) == SAMPLE_ROWS
    con = duckdb.connect(str(db), read_only=True)
    assert (
        con.execute(
            f"select rows from {RAW_SCHEMA}.export_files where table_name = 'staff'"
        ).fetchone()[0]
        == 10
    )


def test_reload_replaces_tables(export: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_duckdb(db, validate_export(export, tmp_path / "work"))
    (export / "icbt_activity.csv").unlink()
    load_duckdb(db, validate_export(export, tmp_path / "work"))
    assert counts(db) == {**SAMPLE_ROWS, "icbt_activity": 0}
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(f"select count(*) from {RAW_SCHEMA}.export_files").fetchone()[0] == 5
