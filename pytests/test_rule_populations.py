"""Rule denominators on the shared sample export: every rule has a population
computed in SQL (`juvonno_sop.sop_rule_populations`), its hits equal the
worklist's, the population is the one the seed names (checked against the facts
mart independently), and the status follows threshold and population.

One `dbt build` of the models the populations need (its unit test included)."""

from __future__ import annotations

import csv
import re

import pytest

from pytests.dbt_harness import REPO, SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness, DbtRun

pytestmark = pytest.mark.xdist_group("rule_populations")

MODEL = REPO / "models" / "marts" / "sop" / "sop_rule_populations.sql"

# The population keys, re-stated as conditions on patient_group_audit (the mart),
# so the model's SQL is checked against a second formulation.
AUDIT_CONDITION = {
    "all_customers": "true",
    "in_triage": "in_triage",
    "in_therapy": "in_therapy",
    "in_icbt": "in_icbt",
    "in_group_therapy": "in_group_therapy",
    "in_parent_contact": "in_parent_contact",
    "in_sandbox": "in_sandbox",
    "in_discharged": "in_discharged",
    "in_graduated": "in_graduated",
    "in_pt_requested_end_of_services": "in_pt_requested_end_of_services",
    "in_referred_to_external_services": "in_referred_to_external_services",
    "test_like": "is_test_like",
    "commissioner_by_domain": "is_commissioner_by_domain",
    "in_group_with_sop_status": "expected_status is not null",
}


def seed() -> list[dict[str, str]]:
    with (REPO / "seeds" / "sop_rules.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_seed_population_is_defined_in_the_model() -> None:
    defined = set(re.findall(r"\('([a-z_]+)',\s*'[^']+'\)", MODEL.read_text(encoding="utf-8")))
    used = {r["population"] for r in seed()}
    assert used <= defined, used - defined
    assert {r["kahn_category"] for r in seed()} == {"conformance", "completeness", "plausibility"}
    assert all(float(r["threshold_pct"]) == 0 for r in seed())  # the default


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtHarness, DbtRun]:
    if not SAMPLE_EXPORT.is_dir():
        pytest.fail(f"the shared sample export is not at {SAMPLE_EXPORT}")
    harness = DbtHarness(tmp_path_factory.mktemp("rule_populations"))
    harness.load(SAMPLE_EXPORT)
    run = harness.dbt(
        "build",
        "--select",
        "+sop_rule_populations",
        "patient_group_audit",
        "--indirect-selection",
        "cautious",
        as_of=SAMPLE_AS_OF,
    )
    return harness, run


def test_build_and_unit_test_pass(built: tuple[DbtHarness, DbtRun]) -> None:
    _, run = built
    assert run.exception is None, run.exception
    assert [(r["unique_id"], r["status"]) for r in run.failed()] == []
    names = {r["name"] for r in run.results}
    assert "sop_rule_populations_pass_fail_and_not_applicable" in names
    assert "assert_rule_hits_within_population" in names


def test_one_row_per_rule_with_the_worklist_hits(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    got = dict(harness.query("select rule_id, hits from juvonno_sop.sop_rule_populations"))
    assert sorted(got) == sorted(r["rule_id"] for r in seed())
    worklist = dict(
        harness.query("select rule_id, count(*) from juvonno_sop.sop_violations group by rule_id")
    )
    assert {k: v for k, v in got.items() if v} == worklist


def test_populations_match_the_audit_mart(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    rows = harness.query(
        "select rule_id, population, population_size from juvonno_sop.sop_rule_populations"
    )
    by_rule = {rid: (pop, size) for rid, pop, size in rows}
    assert by_rule["SOP-10"][0] == "in_triage" and by_rule["SOP-50"][0] == "in_icbt"
    assert by_rule["SOP-100"][0] == "in_therapy"
    for rule_id, (population, size) in by_rule.items():
        if population == "with_past_appointment":
            (expected,) = harness.query(
                "select count(distinct a.customer_id) from juvonno_staging.stg_juvonno__appointments a "
                "join juvonno_sop.patient_group_audit p using (customer_id) where a.start_date < date '2026-11-20'"
            )[0]
        else:
            (expected,) = harness.query(
                f"select count(*) from juvonno_sop.patient_group_audit where {AUDIT_CONDITION[population]}"
            )[0]
        assert size == expected, (rule_id, population)
    assert by_rule["SOP-10"][1] > 0 and by_rule["SOP-100"][1] > 0


def test_status_follows_hits_population_and_threshold(built: tuple[DbtHarness, DbtRun]) -> None:
    harness, _ = built
    rows = harness.query(
        "select rule_id, population_size, hits, hit_pct, threshold_pct, status, kahn_category "
        "from juvonno_sop.sop_rule_populations"
    )
    statuses = set()
    for rule_id, size, hits, pct, _threshold, status, category in rows:
        assert category in {"conformance", "completeness", "plausibility"}
        if size == 0:
            assert (status, pct) == ("not_applicable", None), rule_id
        else:
            assert float(pct) == round(100 * hits / size, 2), rule_id
            assert status == ("pass" if hits == 0 else "fail"), rule_id  # thresholds are 0
        statuses.add(status)
    assert "fail" in statuses  # the sample export plants a hit for every rule


def test_gx_sop_suite_meta_carries_category_population_and_threshold() -> None:
    import json

    suite = json.loads(
        (REPO / "expectations" / "sop.patient_group_audit.json").read_text(encoding="utf-8")
    )
    by_rule = {r["rule_id"]: r for r in seed()}
    assert {e["meta"]["rule_id"] for e in suite["expectations"]} == set(by_rule)
    for e in suite["expectations"]:
        s = by_rule[e["meta"]["rule_id"]]
        assert e["meta"]["kahn_category"] == s["kahn_category"], s["rule_id"]
        assert e["meta"]["population"] == s["population"], s["rule_id"]
        assert e["meta"]["threshold_pct"] == float(s["threshold_pct"]), s["rule_id"]
