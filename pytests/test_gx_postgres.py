"""The same suites on PostgreSQL (GX's SQL data source on the warehouse's URL): the
raw suites pass on the sample export loaded by the PostgreSQL loader, and the SOP
expectations count the planted audit rows exactly as on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.conftest import SAMPLE_EXPORT
from pytests.dbt_harness import validated_export
from pytests.test_gx_run import planted_rows
from runner.gx.testdb import AUDIT_COLUMNS, expected_hits

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("gx_postgres")]


def _load(server, prefix: str, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    from runner.export.load_postgres import load_postgres

    con = server.connect()
    try:
        load_postgres(con, validated_export(SAMPLE_EXPORT), schema=f"{prefix}_raw")
        with con.cursor() as cur:
            cur.execute(f"create schema {prefix}_sop")
            cols = ", ".join(f"{name} {sql_type}" for name, sql_type in AUDIT_COLUMNS.items())
            cur.execute(f"create table {prefix}_sop.patient_group_audit ({cols})")
            marks = ", ".join(["%s"] * len(AUDIT_COLUMNS))
            cur.executemany(
                f"insert into {prefix}_sop.patient_group_audit values ({marks})",
                [tuple(r[c] for c in AUDIT_COLUMNS) for r in rows],
            )
        con.commit()
    finally:
        con.close()


def test_suites_on_postgres(postgres_server, pg_schema: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import quote

    from runner.expectations import run_expectations

    rows = planted_rows()
    _load(postgres_server, pg_schema, rows)
    s = postgres_server
    auth = quote(s.user, safe="") + (":" + quote(s.password, safe="") if s.password else "")
    url = f"postgresql+psycopg2://{auth}@{s.host}:{s.port}/{s.database}"
    hits = expected_hits(rows)

    outcome = run_expectations(url, tmp_path, hits, schema_prefix=pg_schema, build_docs=False)

    assert outcome.errors == []
    failed = [x for x in outcome.suites if x.kind != "sop" and x.failed]
    assert failed == []
    assert {r.rule_id: r.unexpected_customers for r in outcome.rules} == hits
    assert outcome.mismatches == [] and outcome.success
