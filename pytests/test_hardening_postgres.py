"""Issue 11, attack 8 on a real PostgreSQL: two extra headers that agree on their
first 63 bytes (PostgreSQL's identifier limit) used to collide at load (exit 3);
they now load as two distinct, deterministic raw columns."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from runner.contract import TABLES
from runner.export.load_postgres import load_postgres
from runner.export.validate import validate_export

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]


def test_extra_headers_colliding_after_63_bytes_load(
    sample_export: Path, tmp_path: Path, postgres_server, pg_schema
) -> None:
    export_dir = tmp_path / "export"
    export_dir.mkdir()
    for name in TABLES:
        shutil.copyfile(sample_export / f"{name}.csv", export_dir / f"{name}.csv")
    long = "referral_source_of_the_family_as_recorded_by_the_intake_coordinator_"
    path = export_dir / "staff.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[0] += [long + "first", long + "second", "<b>bold</b>"]
    for r in rows[1:]:
        r += ["a", "b", "c"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    export = validate_export(export_dir, tmp_path / "work")
    assert export.ok, [str(p) for p in export.problems]
    extras = export.files["staff"].extra_columns
    assert len(set(extras)) == 3 and all(len(e.encode()) <= 63 for e in extras)
    raw = f"{pg_schema}_raw"
    con = postgres_server.connect()
    try:
        load_postgres(con, export, raw)
        with con.cursor() as cur:
            cur.execute(
                "select column_name from information_schema.columns where table_schema = %s and table_name = 'staff' "
                "order by ordinal_position",
                (raw,),
            )
            columns = [r[0] for r in cur.fetchall()]
            assert columns[-3:] == list(extras)
            cur.execute(f'select count(*) from "{raw}".staff where "{extras[1]}" = %s', ("b",))
            assert cur.fetchone()[0] == 10
    finally:
        con.close()
