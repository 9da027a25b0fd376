"""The rule engine on PostgreSQL: the same models, built with `--target postgres`
on the sample export, give exactly the expected worklist and the same rows
(group names, expected groups, details) as DuckDB. The dbt unit tests run there
too (they are part of `dbt build`).

Needs a PostgreSQL server (pytests/postgres_fixture.py: skipped locally when
missing, a failure in CI)."""

from __future__ import annotations

import pytest

from pytests.dbt_harness import SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness, expected_worklist
from pytests.postgres_fixture import PgServer, postgres_server  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("rules_postgres")]

SCHEMA = "rules_pg"
ROWS_SQL = (
    "select customer_id, rule_id, group_name, expected_group, detail, rule_order "
    "from {schema}_sop.sop_violations order by rule_order, customer_id"
)


@pytest.fixture(scope="module")
def pg_built(postgres_server: PgServer, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    harness = DbtHarness(tmp_path_factory.mktemp("rules_postgres"))
    harness.load(SAMPLE_EXPORT)
    postgres_server.drop_schemas(SCHEMA)
    con = postgres_server.connect()
    try:
        harness.copy_raw_to_postgres(con, SCHEMA)
        run = harness.dbt(
            "build", "--target", "postgres", as_of=SAMPLE_AS_OF, env=postgres_server.env(SCHEMA)
        )
        with con.cursor() as cur:
            cur.execute(ROWS_SQL.format(schema=SCHEMA))
            pg_rows = [tuple(r[:5]) for r in cur.fetchall()]
        duck = harness.dbt("build", "--exclude", "test_type:unit", as_of=SAMPLE_AS_OF)
        duck_rows = [tuple(r[:5]) for r in harness.query(ROWS_SQL.format(schema="juvonno"))]
        yield run, duck, pg_rows, duck_rows
    finally:
        con.close()
        postgres_server.drop_schemas(SCHEMA)


def test_postgres_build_has_no_errors(pg_built) -> None:  # type: ignore[no-untyped-def]
    run, duck, _, _ = pg_built
    assert run.exception is None, run.exception
    assert [(r["unique_id"], r["message"]) for r in run.failed()] == []
    assert run.success and duck.success


def test_postgres_worklist_equals_expected(pg_built) -> None:  # type: ignore[no-untyped-def]
    _, _, pg_rows, _ = pg_built
    assert {(int(c), r) for c, r, *_ in pg_rows} == expected_worklist()


def test_postgres_rows_equal_duckdb_rows(pg_built) -> None:  # type: ignore[no-untyped-def]
    _, _, pg_rows, duck_rows = pg_built
    assert pg_rows == duck_rows
