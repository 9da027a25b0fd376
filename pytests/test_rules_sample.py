"""The rule engine on the shared sample export (as of 2026-11-20): the worklist's
(customer_id, rule_id) pairs equal expected-worklist.csv exactly, every rule test
ran with its rule_id, and no mart holds personal data.

One `dbt build` for the whole module (it costs tens of seconds)."""

from __future__ import annotations

import csv

import pytest

from pytests.dbt_harness import SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness, DbtRun, expected_worklist

pytestmark = pytest.mark.xdist_group("rules_sample")

PII_COLUMNS = {"first_name", "last_name", "email", "phone", "date_of_birth"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtHarness, DbtRun]:
    if not SAMPLE_EXPORT.is_dir():
        pytest.fail(f"the shared sample export is not at {SAMPLE_EXPORT}")
    harness = DbtHarness(tmp_path_factory.mktemp("rules_sample"))
    harness.load(SAMPLE_EXPORT)
    run = harness.dbt("build", as_of=SAMPLE_AS_OF)
    return harness, run


def test_build_has_no_errors(built: tuple[DbtHarness, DbtRun]) -> None:
    _, run = built
    assert run.exception is None, run.exception
    errors = [(r["unique_id"], r["status"], r["message"]) for r in run.failed()]
    assert errors == []
    assert run.success


def test_worklist_equals_expected_exactly(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    got = {
        (int(c), r)
        for c, r in harness.query("select customer_id, rule_id from juvonno_sop.sop_violations")
    }
    expected = expected_worklist()
    assert sorted(expected - got) == [], "missing hits"
    assert sorted(got - expected) == [], "unexpected hits"
    (count,) = harness.query("select count(*) from juvonno_sop.sop_violations")[0]
    assert count == len(expected)  # one row per (customer, rule)


def test_violations_carry_seed_columns_and_as_of(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    rows = harness.query(
        """
        select v.rule_id, v.rule_order, v.rule_title, v.severity, v.action, cast(v.as_of_date as varchar),
               r.rule_order, r.title, r.action
        from juvonno_sop.sop_violations v
        join juvonno_seeds.sop_rules r using (rule_id)
        """
    )
    assert rows
    for rule_id, order, title, severity, action, as_of, s_order, s_title, s_action in rows:
        assert (order, title, action) == (s_order, s_title, s_action), rule_id
        assert severity == "warn"
        assert as_of == SAMPLE_AS_OF


def test_every_rule_test_ran_with_its_rule_id_and_hit_count(
    built: tuple[DbtHarness, DbtRun],
) -> None:
    harness, run = built
    hits = dict(
        harness.query("select rule_id, count(*) from juvonno_sop.sop_violations group by rule_id")
    )
    rule_tests = [r for r in run.results if r["meta"].get("rule_id")]
    seen = {r["meta"]["rule_id"]: r for r in rule_tests if r["resource_type"] == "test"}
    rule_ids = [
        rid
        for (rid,) in harness.query(
            "select rule_id from juvonno_seeds.sop_rules order by rule_order"
        )
    ]
    assert sorted(seen) == sorted(rule_ids)
    for rule_id, result in seen.items():
        expected_status = "warn" if hits.get(rule_id) else "pass"
        assert result["status"] == expected_status, rule_id
        assert (result["failures"] or 0) == hits.get(rule_id, 0), rule_id


def test_audit_one_row_per_non_deleted_customer(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    with (SAMPLE_EXPORT / "customers.csv").open(newline="", encoding="utf-8-sig") as handle:
        customers = {int(r["id"]): r["status"].strip().lower() for r in csv.DictReader(handle)}
    non_deleted = {c for c, s in customers.items() if s != "deleted"}
    got = {c for (c,) in harness.query("select customer_id from juvonno_sop.patient_group_audit")}
    assert got == non_deleted
    (hits,) = harness.query("select sum(hit_count) from juvonno_sop.patient_group_audit")[0]
    assert hits == len(expected_worklist())


def test_audit_facts_on_planted_customers(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built

    def audit(customer_id: int, *columns: str) -> tuple:
        return harness.query(
            f"select {', '.join(columns)} from juvonno_sop.patient_group_audit where customer_id = ?",
            [customer_id],
        )[0]

    assert audit(10058, "group_names", "group_count", "in_therapy", "in_icbt") == (
        "Therapy; iCBT",
        2,
        True,
        True,
    )
    assert audit(10020, "group_names", "group_count", "in_no_group") == ("No Group", 0, True)
    assert audit(10005, "group_names", "in_no_group") == ("Therapy", False)
    assert [str(v) for v in audit(10015, "entered_group_date", "days_in_group")] == [
        "2026-11-12",
        "8",
    ]
    assert [str(v) for v in audit(10017, "days_in_group")] == ["7"]
    assert str(audit(10039, "three_months_before_date")[0]) == "2026-08-20"
    assert audit(10011, "is_test_like")[0] is True
    assert audit(10019, "is_test_like")[0] is False
    assert audit(10068, "is_test_like")[0] is False
    assert audit(10047, "is_commissioner_by_domain", "has_commissioner_warning") == (True, False)
    assert audit(10014, "is_commissioner_by_domain", "has_commissioner_warning") == (True, True)
    assert audit(10091, "therapy_attended", "therapy_offers")[0] == 11
    assert audit(10069, "expected_status", "status_matches_groups") == ("active", False)
    assert audit(10062, "status", "status_matches_groups") == ("active", True)


def test_audit_booleans_never_null(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    columns = harness.query(
        """
        select column_name from information_schema.columns
        where table_schema = 'juvonno_sop' and table_name = 'patient_group_audit' and data_type = 'BOOLEAN'
        """
    )
    assert len(columns) >= 24
    for (column,) in columns:
        (nulls,) = harness.query(
            f"select count(*) from juvonno_sop.patient_group_audit where {column} is null"
        )[0]
        assert nulls == 0, column


def test_no_personal_data_outside_raw_and_staging(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    leaks = harness.query(
        """
        select table_schema, table_name, column_name from information_schema.columns
        where table_schema not in ('juvonno_raw', 'juvonno_staging')
          and lower(column_name) in ('first_name', 'last_name', 'email', 'phone', 'date_of_birth')
        """
    )
    assert leaks == []
    # and no value of a personal column shows up in a detail
    with (SAMPLE_EXPORT / "customers.csv").open(newline="", encoding="utf-8-sig") as handle:
        personal = {
            v.strip()
            for r in csv.DictReader(handle)
            for k, v in r.items()
            if k in PII_COLUMNS and v and len(v.strip()) > 3
        }
    details = " | ".join(
        d for (d,) in harness.query("select detail from juvonno_sop.sop_violations")
    )
    assert [p for p in personal if p in details] == []


def test_every_dbt_unit_test_ran_and_passed(built: tuple[DbtHarness, DbtRun]) -> None:
    """The nightly run leaves unit tests out (they test SQL, not data): here is where they run."""
    _, run = built
    unit = [r for r in run.results if r["resource_type"].endswith("unit_test")]
    assert len(unit) >= 30
    assert {r["status"] for r in unit} == {"pass"}
