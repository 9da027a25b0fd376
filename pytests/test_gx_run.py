"""run_expectations on a small warehouse: the sample export's raw tables (loaded by
the runner's loader, personal data included) and a planted patient_group_audit
(docs/ARCHITECTURE.md columns; one or more hits per rule, and near misses)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import pickle
import re
from pathlib import Path

import pytest

from pytests.conftest import SAMPLE_EXPORT
from pytests.dbt_harness import validated_export
from runner.expectations import GxOutcome, RuleExpectationOutcome, reconcile
from runner.gx.docs import VENDOR, external_references
from runner.gx.testdb import (
    AS_OF,
    AUDIT_RULES,
    THREE_MONTHS_BEFORE,
    audit_row,
    expected_hits,
    write_tiny_warehouse,
)

pytestmark = pytest.mark.xdist_group("gx_run")

TMB = THREE_MONTHS_BEFORE
DAY = dt.timedelta(days=1)


def planted_rows() -> list[dict]:
    r = audit_row
    return [
        r(1, "therapy"),
        r(2, None),
        r(3, "hybrid"),
        r(4, "lost_sheep"),
        r(5, "therapy", group_count=2, in_icbt=True),
        r(6, None, in_no_group=False, has_unknown_group=True, group_count=1),
        r(7, "triage", days_in_group=8),
        r(8, "triage", days_in_group=7),
        r(9, "discharged", last_engagement_date=TMB),
        r(10, "discharged", last_engagement_date=TMB - DAY),
        r(11, "discharged", chase_attempts=1),
        r(12, "discharged", graduated_formally=True),
        r(13, "discharged", therapy_attended=12),
        r(14, "discharged", referral_date=TMB),
        r(15, "discharged", end_requested=True, began_treatment=True),
        r(16, "discharged", end_requested=True, began_treatment=False),
        r(17, "graduated", graduated_formally=False),
        r(
            18,
            "graduated",
            graduated_formally=False,
            group_programme_finished=True,
            group_attended=3,
        ),
        r(19, "group_therapy", group_programme_finished=True, group_attended=3),
        r(20, "group_therapy", group_programme_finished=True, group_attended=2),
        r(21, "group_therapy", group_programme_finished=False, group_attended=3),
        r(22, "icbt", therapy_offers=1),
        r(23, "icbt", last_engagement_date=TMB - DAY),
        r(24, "icbt", last_engagement_date=None, created_date=TMB - DAY),
        r(25, "icbt", last_engagement_date=TMB),
        r(26, "parent_contact", last_engagement_date=TMB),
        r(27, "pt_requested_end_of_services", began_treatment=False),
        r(28, "pt_requested_end_of_services", end_requested=False),
        r(29, "referred_to_external_services", referral_date=None),
        r(30, "referred_to_external_services", referral_date=TMB, last_engagement_date=TMB + DAY),
        r(31, "referred_to_external_services", referral_date=TMB, last_engagement_date=TMB),
        r(32, "sandbox", began_treatment=True),
        r(33, "sandbox", triage_outcome="Therapy"),
        r(34, "sandbox", triage_outcome=None),
        r(35, "sandbox", triage_outcome="sandbox website"),
        r(36, "therapy", is_test_like=True),
        r(37, "test", is_test_like=True),
        r(38, "test", is_test_like=True, in_therapy=True, group_count=2),
        r(39, "test", is_commissioner=True, is_commissioner_by_domain=True, is_test_like=True),
        r(
            40,
            "therapy",
            therapy_attended=0,
            therapy_offers=1,
            last_therapy_attended_date=None,
            last_therapy_offer_date=TMB - DAY,
        ),
        r(
            41,
            "therapy",
            therapy_attended=0,
            therapy_offers=1,
            last_therapy_attended_date=None,
            last_therapy_offer_date=TMB,
        ),
        r(42, "therapy", last_therapy_attended_date=TMB - DAY),
        r(43, "therapy", therapy_attended=12),
        r(
            44,
            "therapy",
            therapy_attended=0,
            therapy_offers=0,
            last_therapy_attended_date=None,
            last_therapy_offer_date=None,
        ),
        r(45, "therapy", status="inactive", status_matches_groups=False),
        r(46, "therapy", booked_past_count=1, earliest_booked_past_date=AS_OF - DAY),
    ]


@pytest.fixture(scope="module")
def gx_run(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("gxrun")
    db = work / "warehouse.duckdb"
    rows = planted_rows()
    write_tiny_warehouse(db, rows, raw_files=validated_export(SAMPLE_EXPORT))
    run_dir = work / "run"
    run_dir.mkdir()
    log_file = run_dir / "run.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        from runner.expectations import run_expectations

        hits = expected_hits(rows)
        outcome = run_expectations(f"duckdb:///{db}", run_dir, hits)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        handler.close()
    return {"outcome": outcome, "hits": hits, "run_dir": run_dir, "db": db, "log": log_file}


def test_every_rule_is_planted() -> None:
    hits = expected_hits(planted_rows())
    assert all(hits[rule] >= 1 for rule in AUDIT_RULES), hits


def test_gx_counts_equal_the_planted_hits_and_reconcile(gx_run) -> None:
    outcome: GxOutcome = gx_run["outcome"]
    assert outcome.errors == []
    assert outcome.mismatches == []
    counts = {r.rule_id: r.unexpected_customers for r in outcome.rules}
    assert counts == gx_run["hits"]
    assert sorted(outcome.reconciled_rules) == sorted(AUDIT_RULES)
    assert outcome.rules_without_gx == []
    assert outcome.success


def test_suites_counted(gx_run) -> None:
    outcome: GxOutcome = gx_run["outcome"]
    by_name = {s.name: s for s in outcome.suites}
    assert set(by_name) >= {
        "raw.customers",
        "raw.appointments",
        "marts.patient_group_audit",
        "sop.patient_group_audit",
    }
    for s in outcome.suites:
        assert s.evaluated == s.successful + s.failed and s.errored == 0
        if s.kind != "sop":
            assert s.failed == 0, f"{s.name} fails on the sample export"
    sop = by_name["sop.patient_group_audit"]
    assert sop.evaluated == len(AUDIT_RULES) and sop.failed == len(
        AUDIT_RULES
    )  # every rule planted


def test_reconcile_reports_a_mismatch_with_both_numbers() -> None:
    rules = [
        RuleExpectationOutcome(
            "SOP-10", "sop.patient_group_audit", "expect_column_values_to_be_between", 3, False
        ),
        RuleExpectationOutcome(
            "SOP-20", "sop.patient_group_audit", "expect_column_values_to_be_between", 0, True
        ),
        RuleExpectationOutcome(
            "SOP-21", "sop.patient_group_audit", "unexpected_rows_expectation", None, False
        ),
    ]
    mismatches, reconciled, without_gx = reconcile(
        rules, {"SOP-10": 2, "SOP-20": 0, "SOP-21": 1, "SOP-99": 4}
    )
    assert [(m.rule_id, m.gx_count, m.dbt_count) for m in mismatches] == [
        ("SOP-10", 3, 2),
        ("SOP-21", None, 1),
    ]
    assert reconciled == ["SOP-10", "SOP-20", "SOP-21"]
    assert without_gx == ["SOP-99"]


def test_outcome_is_plain_data(gx_run) -> None:
    outcome: GxOutcome = gx_run["outcome"]
    json.dumps(outcome.to_dict())
    assert pickle.loads(pickle.dumps(outcome)) == outcome  # crosses the runner's process pipe


def _personal_values() -> list[str]:
    values: set[str] = set()
    for name, columns in (
        ("customers.csv", ("first_name", "last_name", "email", "phone")),
        ("staff.csv", ("first_name", "last_name")),
    ):
        with (SAMPLE_EXPORT / name).open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                values.update(row[c].strip() for c in columns if row[c] and row[c].strip())
    return sorted(values)


def test_no_personal_data_in_data_docs_results_or_logs(gx_run) -> None:
    values = _personal_values()
    assert len(values) > 100
    texts = {
        "outcome": json.dumps(gx_run["outcome"].to_dict()),
        "run.log": gx_run["log"].read_text(encoding="utf-8"),
    }
    site = gx_run["run_dir"] / "data-docs"
    pages = [
        p
        for p in site.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".json", ".css", ".js"}
        and VENDOR not in p.as_posix()
    ]
    assert len(pages) >= 10
    texts.update({p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in pages})
    leaks = []
    for where, text in texts.items():
        for value in values:
            # names as whole words (a name like "Li" is a substring of many words); e-mails, phones verbatim
            pattern = (
                re.escape(value)
                if ("@" in value or any(ch.isdigit() for ch in value))
                else rf"(?<![\w]){re.escape(value)}(?![\w])"
            )
            if re.search(pattern, text):
                leaks.append((where, value))
    assert not leaks, leaks[:20]
    # nor the warehouse's location (a PostgreSQL URL would carry its password)
    assert all(str(gx_run["db"]) not in t for t in texts.values())


def test_data_docs_load_nothing_from_the_network(gx_run) -> None:
    site = gx_run["run_dir"] / "data-docs"
    assert (site / "index.html").exists()
    assert gx_run["outcome"].data_docs_index == "data-docs/index.html"
    assert external_references(site) == {}
    assert (site / VENDOR / "bootstrap-4.3.1" / "LICENSE").exists()


@pytest.mark.browser
def test_data_docs_are_styled_offline_in_chromium(gx_run, offline_page) -> None:
    site = gx_run["run_dir"] / "data-docs"
    page = offline_page
    page.goto((site / "index.html").as_uri(), wait_until="load")
    # bootstrap's .navbar is display:flex (a plain <nav> is block) and its .table sets border-collapse
    assert page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).display") == "flex"
    text = page.inner_text("body")
    for suite in ("raw.customers", "sop.patient_group_audit", "marts.patient_group_audit"):
        assert suite in text
    assert page.context.external_requests == []
    # a validation page too: deeper relative paths, bootstrap-table rendered by the vendored JS
    validation = next((site / "validations" / "sop").rglob("*.html"))
    page.goto(validation.as_uri(), wait_until="load")
    assert page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).display") == "flex"
    assert page.evaluate(
        "() => typeof window.jQuery === 'function' && typeof window.vegaEmbed === 'function'"
    )
    assert "SOP-10" in page.inner_text("body") or "days_in_group" in page.inner_text("body")
    assert page.context.external_requests == []
    assert page.console_errors == []


def test_marts_suite_catches_a_null_flag_and_a_duplicate_customer(tmp_path: Path) -> None:
    import shutil

    from runner.expectations import run_expectations
    from runner.gx.suites import suite_file

    rows = [
        audit_row(1, "triage", in_triage=None),
        audit_row(2, "therapy", hit_count=-1),
        audit_row(2, "therapy"),
    ]
    db = tmp_path / "w.duckdb"
    write_tiny_warehouse(db, rows)
    suites = tmp_path / "suites"
    suites.mkdir()
    shutil.copy(suite_file("marts.patient_group_audit"), suites)
    outcome = run_expectations(
        f"duckdb:///{db}", tmp_path, {}, expectations_dir=suites, build_docs=False
    )
    (marts,) = outcome.suites
    assert (marts.evaluated, marts.failed, marts.errored) == (
        3,
        2,
        0,
    )  # unique and the NULL/negative check
    assert not outcome.success
