"""Every rule ID of sop-rules.md has a rule model, an `is_empty` dbt test named
after it (meta rule_id, severity warn, store_failures), a sop_rules seed row and
an entry in sop_violations' union; and vice versa. Pure file checks: no dbt."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SPEC = (REPO.parent / "shared" / "spec").resolve()
RULES_DIR = REPO / "models" / "marts" / "sop" / "rules"
RULE_ROW = re.compile(r"^\|\s*((?:SOP|DQ)-\d+)\s*\|\s*([^|]+?)\s*\|")


def spec_rules() -> dict[str, str]:
    """rule_id -> title, in the order of sop-rules.md."""
    rules: dict[str, str] = {}
    for line in (SPEC / "sop-rules.md").read_text(encoding="utf-8").splitlines():
        m = RULE_ROW.match(line)
        if m:
            rules[m.group(1)] = m.group(2)
    return rules


def model_rule_id(model_name: str) -> str:
    m = re.fullmatch(r"([a-z]+)_(\d+)__[a-z0-9_]+", model_name)
    assert m, f"rule model name {model_name!r} is not <rule id>__<slug>"
    return f"{m.group(1).upper()}-{m.group(2)}"


def seed_rows() -> list[dict[str, str]]:
    with (REPO / "seeds" / "sop_rules.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_spec_has_31_rules() -> None:
    rules = spec_rules()
    assert len(rules) == 31
    assert list(rules)[0] == "SOP-01" and list(rules)[-1] == "DQ-01"


def test_every_rule_has_a_model_and_vice_versa() -> None:
    models = {model_rule_id(p.stem): p.stem for p in RULES_DIR.glob("*.sql")}
    assert sorted(models) == sorted(spec_rules())


def test_every_rule_has_an_is_empty_test_and_vice_versa() -> None:
    doc = yaml.safe_load((RULES_DIR / "_rules__models.yml").read_text(encoding="utf-8"))
    tested: dict[str, str] = {}
    for model in doc["models"]:
        rule_id = model_rule_id(model["name"])
        tests = [
            t["is_empty"]
            for t in model.get("data_tests", [])
            if isinstance(t, dict) and "is_empty" in t
        ]
        assert len(tests) == 1, model["name"]
        test = tests[0]
        prefix = rule_id.lower().replace("-", "_")
        assert test["name"].startswith(prefix + "_"), test["name"]
        assert test["config"]["severity"] == "warn"
        assert test["config"]["store_failures"] is True
        assert test["config"]["meta"]["rule_id"] == rule_id
        tested[rule_id] = test["name"]
    assert sorted(tested) == sorted(spec_rules())
    assert len(set(tested.values())) == len(tested)


def test_every_rule_has_a_seed_row_and_vice_versa() -> None:
    rows = seed_rows()
    spec = spec_rules()
    assert [r["rule_id"] for r in rows] == list(spec)  # same IDs, catalogue order
    sop = (SPEC / "sop.md").read_text(encoding="utf-8")
    for i, row in enumerate(rows, start=1):
        assert int(row["rule_order"]) == i
        assert row["title"] == spec[row["rule_id"]]
        assert row["severity"] == "warn"
        assert row["sop_sentence"] and row["sop_sentence"] in sop, row["rule_id"]
        assert row["action"].strip(), row["rule_id"]
        assert "@" not in row["action"]


def test_sop_violations_unions_every_rule_model() -> None:
    text = (REPO / "macros" / "sop_catalogue.sql").read_text(encoding="utf-8")
    block = text[text.index("macro sop_rule_models") :]
    pairs = re.findall(r"\('((?:SOP|DQ)-\d+)',\s*'([a-z0-9_]+)'\)", block)
    assert [rid for rid, _ in pairs] == list(spec_rules())
    for rule_id, model in pairs:
        assert model_rule_id(model) == rule_id
        assert (RULES_DIR / f"{model}.sql").exists(), model


def test_group_columns_match_the_catalogue_seed() -> None:
    text = (REPO / "macros" / "sop_catalogue.sql").read_text(encoding="utf-8")
    block = text[text.index("macro catalogue_group_columns") : text.index("macro sop_rule_models")]
    pairs = re.findall(r"\('([^']+)',\s*'(in_[a-z_]+)'\)", block)
    with (REPO / "seeds" / "patient_groups.csv").open(newline="", encoding="utf-8") as handle:
        seed = [r["group_name"] for r in csv.DictReader(handle)]
    assert [g for g, _ in pairs] == seed
    for group, column in pairs:
        assert column == "in_" + re.sub(r"[^a-z0-9]+", "_", group.lower()).strip("_")


@pytest.mark.parametrize("rule_id", list(spec_rules()))
def test_rule_model_selects_the_contract_columns(rule_id: str) -> None:
    prefix = rule_id.lower().replace("-", "_") + "__"
    (path,) = [p for p in RULES_DIR.glob("*.sql") if p.stem.startswith(prefix)]
    sql = path.read_text(encoding="utf-8")
    for column in ("customer_id", "group_name", "expected_group", "detail"):
        assert re.search(rf"\bas {column}\b|^\s+(\w+\.)?{column},?$", sql, re.M), (
            path.name,
            column,
        )
    for personal in ("first_name", "last_name", "email", "phone", "date_of_birth"):
        assert personal not in sql, (path.name, personal)
