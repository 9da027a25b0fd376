"""The dbt project's public interface, read from the manifest of one `dbt parse`:
the analysts' marts are public with enforced contracts and a type for every column,
every model has a group with an owner, selectors.yml has the four selections,
the docs home page is ours, column descriptions shared by several models come
from one docs block (never the same text written out twice), and the grain tests
exist. The contracts themselves are exercised by every build (DuckDB and the
PostgreSQL parity tests): dbt fails a contracted model whose columns differ."""

from __future__ import annotations

import collections
import csv
import json
import re
from pathlib import Path

import pytest

from pytests.dbt_harness import DbtHarness

REPO = Path(__file__).resolve().parents[1]

PUBLIC_MARTS = {
    "rpt_invoice_monthly",
    "fct_customer_monthly_activity",
    "sop_violations",
    "patient_group_audit",
    "sop_findings",
    "sop_rule_populations",
}
GRAIN_TESTS = {
    "stg_juvonno__customer_groups": "stg_juvonno__customer_groups_grain",
    "stg_icbt__module_activities": "stg_icbt__module_activities_grain",
    "int_customer_monthly_service_activity": "int_customer_monthly_service_activity_grain",
    "fct_customer_monthly_activity": "fct_customer_monthly_activity_grain",
    "rpt_invoice_monthly": "rpt_invoice_monthly_grain",
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    harness = DbtHarness(tmp_path_factory.mktemp("dbt_project"))
    run = harness.dbt("parse")
    assert run.success, run.exception
    return json.loads((harness.target_path / "manifest.json").read_text(encoding="utf-8"))


def _models(manifest: dict) -> dict[str, dict]:
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "juvonno_dq"
    }


def test_the_analysts_marts_are_public_with_enforced_contracts(manifest: dict) -> None:
    models = _models(manifest)
    public = {name for name, node in models.items() if node["access"] == "public"}
    assert public == PUBLIC_MARTS
    for name in PUBLIC_MARTS:
        node = models[name]
        assert node["contract"]["enforced"], name
        untyped = [c for c, col in node["columns"].items() if not col.get("data_type")]
        assert not untyped, f"{name}: columns without data_type {untyped}"
    # everything else is protected or private, never public by accident
    assert {n["access"] for n in models.values()} <= {"public", "protected", "private"}


def test_every_model_has_a_group_with_an_owner(manifest: dict) -> None:
    groups = {g["name"]: g for g in manifest["groups"].values()}
    assert set(groups) == {"data_quality", "invoicing"}
    for group in groups.values():
        assert group["owner"].get("name") and group["owner"].get("email"), group["name"]
    models = _models(manifest)
    assert {name for name, n in models.items() if not n["group"]} == set()
    invoicing = {name for name, n in models.items() if n["group"] == "invoicing"}
    assert {"fct_customer_monthly_activity", "rpt_invoice_monthly"} <= invoicing
    assert models["sop_violations"]["group"] == "data_quality"
    # the long-format activity is the invoicing group's own: only its marts read it
    long_format = models["int_customer_monthly_service_activity"]
    assert (long_format["group"], long_format["access"]) == ("invoicing", "private")


def test_selectors_and_required_dbt_version(manifest: dict) -> None:
    assert set(manifest["selectors"]) == {"nightly", "nightly_models", "sop", "invoicing"}
    project = (REPO / "dbt_project.yml").read_text()
    assert "require-dbt-version:" in project


def test_the_docs_home_page_is_the_projects_overview(manifest: dict) -> None:
    overview = manifest["docs"]["doc.juvonno_dq.__overview__"]["block_contents"]
    for words in ("Layers", "Where the rules live", "Personal data", "public"):
        assert words in overview


def test_no_column_description_is_written_out_twice(manifest: dict) -> None:
    """A description text used by more than one column (of any model, the rule
    models' included) must come from a docs block ({{ doc('...') }})."""
    written: dict[str, list[str]] = collections.defaultdict(list)
    columns = 0
    for name, node in _models(manifest).items():
        for column, spec in node["columns"].items():
            columns += 1
            assert spec["description"].strip(), f"{name}.{column} has no description"
            if not spec.get("doc_blocks"):
                written[spec["description"].strip()].append(f"{name}.{column}")
    assert columns > 300  # the manifest really holds the project's columns
    repeated = {text: where for text, where in written.items() if len(where) > 1}
    assert not repeated, (
        f"use a docs block (models/docs/columns.md or _rules__docs.md) for: {repeated}"
    )


def test_each_grain_test_is_attached_to_its_model(manifest: dict) -> None:
    tests = {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n["name"] in GRAIN_TESTS.values()
    }
    for model, test in GRAIN_TESTS.items():
        assert test in tests, f"{model} has no grain test {test}"
        assert tests[test]["attached_node"] == f"model.juvonno_dq.{model}"
        assert tests[test]["test_metadata"]["name"] == "unique_combination_of_columns"
    # the invoicing grains fail the run; the staging ones report what the export delivered
    assert tests["fct_customer_monthly_activity_grain"]["config"]["severity"].lower() == "error"
    assert tests["stg_juvonno__customer_groups_grain"]["config"]["severity"].lower() == "warn"
    singular = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    assert "assert_invoicing_grain" not in singular


def test_the_invoiced_services_are_listed_in_the_seed_only() -> None:
    """The schedule_types seed says which appointment services the invoice has; the
    invoicing SQL (models and tests) names none of them, so adding one is a seed row
    (and, for the published columns, a contract change in _invoicing__models.yml)."""
    with (REPO / "seeds" / "schedule_types.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    invoiced = {row["service"] for row in rows if row["is_invoiced"] == "true"}
    assert invoiced == {"therapy", "group_therapy", "assessment", "triage"}
    sql_files = [
        *(REPO / "models" / "intermediate" / "invoicing").glob("*.sql"),
        *(REPO / "models" / "marts" / "invoicing").glob("*.sql"),
        *(REPO / "tests" / "invoicing").glob("*.sql"),
    ]
    assert len(sql_files) >= 8
    for path in sql_files:
        literals = set(re.findall(r"'([a-z_]+)'", path.read_text(encoding="utf-8")))
        assert not literals & invoiced, f"{path.name} names a service: {literals & invoiced}"
