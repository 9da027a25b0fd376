"""Every rule ID of sop-rules.md has a rule model, an `is_empty` dbt test named
is_empty_<model> (meta rule_id, severity warn, store_failures), a sop_rules seed row
naming it, an entry in dbt_project.yml's vars.sop_rules (its settings, which its SQL
reads and the SOP GX expectation agrees with) and a GX expectation naming it; and
vice versa. Pure file checks: no dbt."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
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
    assert next(iter(rules)) == "SOP-01" and list(rules)[-1] == "DQ-01"


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
        # dbt's default name: one grep of sop_10__ finds model and test (the model's
        # own name is a DuplicateNameDistinctNodeTypes deprecation in dbt 1.11)
        assert test["name"] == "is_empty_" + model["name"]
        assert model["config"]["meta"]["rule_id"] == rule_id
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
        assert model_rule_id(row["rule_model"]) == row["rule_id"]
        assert (RULES_DIR / f"{row['rule_model']}.sql").exists(), row["rule_model"]


def rule_settings() -> dict[str, dict[str, object]]:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]["sop_rules"]


def test_every_rule_model_has_settings_and_vice_versa() -> None:
    """sop_rule_models() declares the union's refs from these keys at parse time."""
    assert sorted(rule_settings()) == sorted(p.stem for p in RULES_DIR.glob("*.sql"))


@pytest.mark.parametrize("model", sorted(p.stem for p in RULES_DIR.glob("*.sql")))
def test_rule_sql_reads_exactly_its_settings(model: str) -> None:
    sql = (RULES_DIR / f"{model}.sql").read_text(encoding="utf-8")
    read = set(re.findall(r"rule_setting\('([a-z_]+)'\)", sql))
    assert read == set(rule_settings()[model]), model  # no dead setting, none missing
    groups = [row["group_name"] for row in _patient_groups()]
    settings = rule_settings()[model]
    for key in ("group", "expected_group", "expected_group_otherwise"):
        if key in settings and model != "sop_110__status_matches_group":
            assert settings[key] in groups, (model, key)
    if "group" in settings:  # its filter and group_name come from the setting
        assert "{{ group_column(group) }}" in sql and "text_literal(group)" in sql
    # no group of the catalogue is a literal left in the rule's SQL
    body = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    for group in groups:
        assert f"'{group}' as" not in body and f"<> '{group}'" not in body, (model, group)


def _patient_groups() -> list[dict[str, str]]:
    with (REPO / "seeds" / "patient_groups.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_union_macro_reads_the_graph() -> None:
    text = (REPO / "macros" / "sop_catalogue.sql").read_text(encoding="utf-8")
    block = text[text.index("macro sop_rule_models") :]
    block = block[: block.index("endmacro")]
    assert "graph.nodes" in block and "meta" in block
    assert not re.search(r"'(?:sop|dq)_\d+__", block)  # no hand list of models


def test_group_columns_match_the_catalogue_seed() -> None:
    text = (REPO / "macros" / "sop_catalogue.sql").read_text(encoding="utf-8")
    block = text[text.index("macro catalogue_group_columns") : text.index("macro group_column")]
    pairs = re.findall(r"\('([^']+)',\s*'(in_[a-z_]+)'\)", block)
    assert [g for g, _ in pairs] == [r["group_name"] for r in _patient_groups()]
    for group, column in pairs:
        assert column == "in_" + re.sub(r"[^a-z0-9]+", "_", group.lower()).strip("_")


@pytest.mark.parametrize("rule_id", list(spec_rules()))
def test_rule_model_selects_the_contract_columns(rule_id: str) -> None:
    prefix = rule_id.lower().replace("-", "_") + "__"
    (path,) = [p for p in RULES_DIR.glob("*.sql") if p.stem.startswith(prefix)]
    sql = path.read_text(encoding="utf-8")
    for column in ("customer_id", "group_name", "expected_group", "detail"):
        assert re.search(rf"\bas {column}\b|^\s+(\w+\.)?{column},?$", sql, re.MULTILINE), (
            path.name,
            column,
        )
    for personal in ("first_name", "last_name", "email", "phone", "date_of_birth"):
        assert personal not in sql, (path.name, personal)


def _sop_expectations() -> dict[str, dict]:
    suite = json.loads(
        (REPO / "expectations" / "sop.patient_group_audit.json").read_text(encoding="utf-8")
    )
    return {e["meta"]["rule_id"]: e for e in suite["expectations"]}


def test_every_gx_expectation_names_its_rule_model() -> None:
    models = {row["rule_id"]: row["rule_model"] for row in seed_rows()}
    assert {rid: e["meta"]["rule_model"] for rid, e in _sop_expectations().items()} == models


def _query_number(pattern: str) -> Callable[[dict], int]:
    return lambda e: int(re.search(pattern, e["kwargs"]["unexpected_rows_query"]).group(1))


# How the hand-written GX expectation states a rule's threshold (a hit is what GX
# finds unexpected, so `> 7 hits` is `max_value 7` and `>= 12 hits` is `max_value 11`).
GX_THRESHOLDS: dict[str, tuple[str, Callable[[dict], int]]] = {
    "SOP-04": ("max_groups", lambda e: e["kwargs"]["max_value"]),
    "SOP-10": ("max_days_in_group", lambda e: e["kwargs"]["max_value"]),
    "SOP-21": ("min_chase_attempts", lambda e: e["kwargs"]["min_value"]),
    "SOP-22": ("graduating_sessions", _query_number(r"therapy_attended >= (\d+)")),
    "SOP-30": ("max_group_sessions_to_discharge", _query_number(r"group_attended > (\d+)")),
    "SOP-40": ("max_group_sessions_to_discharge", lambda e: e["kwargs"]["max_value"]),
    "SOP-41": ("max_group_sessions_to_discharge", lambda e: e["kwargs"]["min_value"] - 1),
    "SOP-102": ("graduating_sessions", lambda e: e["kwargs"]["max_value"] + 1),
}


@pytest.mark.parametrize("rule_id", list(spec_rules()))
def test_gx_expectation_agrees_with_the_rule_settings(rule_id: str) -> None:
    expectation = _sop_expectations()[rule_id]
    settings = rule_settings()[expectation["meta"]["rule_model"]]
    columns = {g: "in_" + re.sub(r"[^a-z0-9]+", "_", g.lower()).strip("_") for g in
               [row["group_name"] for row in _patient_groups()]}  # fmt: skip
    if "group" in settings:
        assert columns[settings["group"]] in json.dumps(expectation["kwargs"]), rule_id
    if "expected_triage_outcome" in settings:  # SOP-86: GX compares it lower-cased
        query = expectation["kwargs"]["unexpected_rows_query"]
        assert f"'{settings['expected_triage_outcome'].lower()}'" in query, rule_id
    thresholds = {k for k, v in settings.items() if isinstance(v, int)}
    if rule_id in GX_THRESHOLDS:
        key, stated = GX_THRESHOLDS[rule_id]
        assert stated(expectation) == settings[key], (rule_id, key)
        thresholds.discard(key)
    # min_chase_attempts of SOP-52/100/101 only decides expected_group: GX has no say
    assert thresholds <= {"min_chase_attempts"}, (rule_id, thresholds)
