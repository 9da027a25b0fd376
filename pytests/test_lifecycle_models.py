"""The lifecycle's dbt models on the sample export, in a private DuckDB file with
a private copy of the project (its own seeds/sop_exceptions.csv): a valid
exception acknowledges its finding; every bad exception row fails the
error-severity test, is named by the runner's message, and hides nothing."""

from __future__ import annotations

import pytest

from pytests.dbt_harness import SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness
from pytests.lifecycle_support import project_with_exceptions
from runner.publish import lifecycle
from runner.warehouse.duckdb import DuckDBReader

REASON = "Agreed at the weekly review while the referral is decided"
EXCEPTIONS = [
    f"10020,SOP-01,{REASON},coordinator 104,2026-11-01,2026-12-31",  # valid: acknowledges
    "10023,SOP-02,,coordinator 104,2026-11-01,2026-12-01",  # no reason
    f"10023,SOP-02,{REASON},coordinator 104,2026-01-01,2026-12-01",  # 334 days: too long
    f"10020,SOP-999,{REASON},coordinator 104,2026-11-01,2026-12-01",  # unknown rule
    f"99999999,SOP-01,{REASON},coordinator 104,2026-11-01,2026-12-01",  # unknown customer
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtHarness, object]:
    tmp = tmp_path_factory.mktemp("lifecycle-models")
    h = DbtHarness(tmp / "wh", project_dir=project_with_exceptions(tmp / "project", EXCEPTIONS))
    h.load(SAMPLE_EXPORT)
    run = h.dbt("build", "--select", "+sop_findings", "+sop_exception_problems", "--indirect-selection", "cautious",
                as_of=SAMPLE_AS_OF)  # fmt: skip
    return h, run


def _exception_problems(h: DbtHarness) -> list[str]:
    reader = DuckDBReader(h.db_path)
    try:
        return lifecycle.exception_problems(reader)
    finally:
        reader.close()


def test_bad_exception_rows_fail_an_error_severity_test(built) -> None:
    _h, run = built
    result = {r["name"]: r for r in run.results}["sop_exceptions_are_valid"]
    assert result["status"] == "fail" and result["failures"] == 4
    others = [
        r
        for r in run.failed()
        if r["name"] != "sop_exceptions_are_valid" and "invoic" not in r["unique_id"]
    ]
    assert others == [], [(r["unique_id"], r["message"]) for r in others]


def test_the_runner_names_each_bad_row_without_its_reason(built) -> None:
    h, _run = built
    lines = _exception_problems(h)
    assert lines == [
        "seeds/sop_exceptions.csv: the row customer_id 10020, rule_id SOP-999, agreed_on 2026-11-01: unknown rule_id",
        "seeds/sop_exceptions.csv: the row customer_id 10023, rule_id SOP-02, agreed_on 2026-01-01: expires_on is more than 180 days after agreed_on",
        "seeds/sop_exceptions.csv: the row customer_id 10023, rule_id SOP-02, agreed_on 2026-11-01: no reason",
        "seeds/sop_exceptions.csv: the row customer_id 99999999, rule_id SOP-01, agreed_on 2026-11-01: unknown customer_id",
    ]
    assert not any(REASON in line for line in lines)


def test_a_valid_exception_acknowledges_and_a_bad_one_hides_nothing(built) -> None:
    h, _run = built
    rows = {
        (c, r): (ack, until)
        for c, r, ack, until in h.query(
            "select customer_id, rule_id, is_acknowledged, cast(acknowledged_until as varchar) from juvonno_sop.sop_findings"
        )
    }
    assert rows[(10020, "SOP-01")] == (True, "2026-12-31")
    assert rows[(10023, "SOP-02")] == (False, None)
    assert sum(1 for ack, _ in rows.values() if ack) == 1
    violations = h.query("select count(*) from juvonno_sop.sop_violations")[0][0]
    assert len(rows) == violations  # a first run: every hit is a current finding, none resolved


def test_every_finding_names_an_owner_by_staff_id_only(built) -> None:
    h, _run = built
    staff_ids = {r[0] for r in h.query("select id from juvonno_raw.staff")}
    owners = h.query(
        "select owner_staff_id, owner_role from juvonno_sop.sop_findings where owner_staff_id is not null"
    )
    assert owners and {o for o, _ in owners} <= staff_ids
    names = {
        v for row in h.query("select first_name, last_name from juvonno_raw.staff") for v in row
    }
    columns = {
        c
        for (c,) in h.query(
            "select column_name from information_schema.columns where table_name = 'sop_findings'"
        )
    }
    assert not columns & {"first_name", "last_name", "email", "phone", "date_of_birth", "warnings"}
    assert (
        not {str(v) for row in h.query("select * from juvonno_sop.sop_findings") for v in row}
        & names
    )


def test_the_owner_unit_test_passes(built) -> None:
    h, _run = built
    run = h.dbt("test", "--select", "int_customer_owners,test_type:unit", as_of=SAMPLE_AS_OF)
    unit = [
        r for r in run.results if r["resource_type"].endswith("unit_test")
    ]  # not the on-run-start hook
    assert [(r["name"], r["status"]) for r in unit] == [
        ("int_customer_owners_last_attended_else_next_booked", "pass")
    ], [(r["name"], r["message"]) for r in run.results]


def test_the_report_lists_the_bad_rows(built) -> None:
    from pytests.test_report import _ctx
    from runner.publish import report

    h, _run = built
    lines = _exception_problems(h)
    ctx = _ctx()
    ctx["summary"]["worklist"]["exception_problems"] = lines
    ctx["lifecycle"] = lifecycle.Lifecycle(available=True)
    html = report.render(ctx)
    listed = html.split('id="exception-problems"')[1].split("</ul>")[0]
    assert all(line in listed for line in lines) and REASON not in html
