"""The lifecycle models on PostgreSQL: three as-of dates built in turn into one
schema prefix (the incremental findings history carried from date to date, a
same-date re-run, an exception that applies for one day) give the same
sop_findings rows and the same history as DuckDB after every date.

Needs a PostgreSQL server (pytests/postgres_fixture.py: skipped locally when
missing, a failure in CI)."""

from __future__ import annotations

import pytest

from pytests.dbt_harness import SAMPLE_EXPORT, DbtHarness
from pytests.lifecycle_support import project_with_exceptions
from pytests.postgres_fixture import PgServer, postgres_server  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("rules_postgres")]

SCHEMA = "life_pg"
DATES = ("2026-11-20", "2026-11-21", "2026-11-21", "2026-11-22")  # the second 11-21 is a re-run
EXCEPTION = "10020,SOP-01,Agreed at the weekly review,coordinator 104,2026-11-21,2026-11-21"
SELECT = ("build", "--select", "+sop_findings", "+sop_exception_problems", "--indirect-selection", "cautious",
          "--exclude", "test_type:unit")  # fmt: skip
FINDINGS_SQL = (
    "select customer_id, rule_id, status, cast(first_seen as varchar(10)), cast(last_seen as varchar(10)), "
    "days_open, is_acknowledged, cast(acknowledged_until as varchar(10)), owner_staff_id, owner_role, detail "
    "from {schema}_sop.sop_findings order by rule_order, customer_id, status"
)
HISTORY_SQL = (
    "select cast(as_of_date as varchar(10)), customer_id, rule_id, status, cast(first_seen as varchar(10)) "
    "from {schema}_history.sop_findings_history order by as_of_date, rule_order, customer_id"
)


@pytest.fixture(scope="module")
def both(postgres_server: PgServer, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    tmp = tmp_path_factory.mktemp("lifecycle_postgres")
    harness = DbtHarness(
        tmp / "wh", project_dir=project_with_exceptions(tmp / "project", [EXCEPTION])
    )
    harness.load(SAMPLE_EXPORT)
    postgres_server.drop_schemas(SCHEMA)
    con = postgres_server.connect()
    try:
        harness.copy_raw_to_postgres(con, SCHEMA)
        con.autocommit = True  # hold no lock between reads: dbt renames the tables we read
        steps = []
        for as_of in DATES:
            pg = harness.dbt(
                *SELECT, "--target", "postgres", as_of=as_of, env=postgres_server.env(SCHEMA)
            )
            duck = harness.dbt(*SELECT, as_of=as_of)
            with con.cursor() as cur:
                cur.execute(FINDINGS_SQL.format(schema=SCHEMA))
                pg_rows = [tuple(r) for r in cur.fetchall()]
            duck_rows = [tuple(r) for r in harness.query(FINDINGS_SQL.format(schema="juvonno"))]
            steps.append((as_of, pg, duck, pg_rows, duck_rows))
        with con.cursor() as cur:
            cur.execute(HISTORY_SQL.format(schema=SCHEMA))
            pg_history = [tuple(r) for r in cur.fetchall()]
        duck_history = [tuple(r) for r in harness.query(HISTORY_SQL.format(schema="juvonno"))]
        yield steps, pg_history, duck_history
    finally:
        con.close()
        postgres_server.drop_schemas(SCHEMA)


def test_every_date_builds_on_both_engines(both) -> None:  # type: ignore[no-untyped-def]
    steps, _, _ = both
    for as_of, pg, duck, _, _ in steps:
        for name, run in (("postgres", pg), ("duckdb", duck)):
            assert run.exception is None, (as_of, name, run.exception)
            assert [(r["unique_id"], r["message"]) for r in run.failed()] == [], (as_of, name)


def test_sop_findings_are_equal_after_every_date(both) -> None:  # type: ignore[no-untyped-def]
    steps, _, _ = both
    for as_of, _pg, _duck, pg_rows, duck_rows in steps:
        assert pg_rows and pg_rows == duck_rows, as_of
    last = {(r[0], r[1]): r for r in steps[-1][3]}
    assert last[(10020, "SOP-01")][2:8] == (
        "persisting",
        "2026-11-20",
        "2026-11-22",
        2,
        False,
        None,
    )
    acknowledged_day = {(r[0], r[1]): r for r in steps[2][3]}
    assert acknowledged_day[(10020, "SOP-01")][6:8] == (True, "2026-11-21")
    assert any(r[2] == "resolved" for r in steps[1][3])  # 11-20 -> 11-21 resolves one


def test_the_history_is_equal_and_a_rerun_replaced_its_date(both) -> None:  # type: ignore[no-untyped-def]
    _, pg_history, duck_history = both
    assert pg_history == duck_history
    dates = [r[0] for r in pg_history]
    assert sorted(set(dates)) == ["2026-11-20", "2026-11-21", "2026-11-22"]
    keys = [(r[0], r[1], r[2]) for r in pg_history]
    assert len(keys) == len(set(keys))  # the re-run of 11-21 replaced, not added
