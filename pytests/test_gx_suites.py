"""The GX suites as files: generated ones equal what the code generates, the SOP
suite has one expectation per rule of the spec. No great_expectations import here."""

from __future__ import annotations

import json
import re

from pytests.conftest import SHARED_SPEC
from runner.contract import TABLES
from runner.gx.suites import EXPECTATIONS_DIR, dump, generated_suites, load_suites, suite_file

MAX_VALUE_SET = 10  # GX's IN-list form degrades with long lists: keep them short


def spec_rule_ids() -> list[str]:
    text = (SHARED_SPEC / "sop-rules.md").read_text(encoding="utf-8")
    return re.findall(r"^\| ((?:SOP|DQ)-\d+) \|", text, flags=re.MULTILINE)


def test_committed_generated_suites_equal_what_the_contract_generates() -> None:
    stale = []
    for name, suite in generated_suites().items():
        path = suite_file(name)
        if not path.exists() or path.read_text(encoding="utf-8") != dump(suite):
            stale.append(path.name)
    assert not stale, f"regenerate with `python -m runner.gx.suites`: {stale}"


def test_one_raw_suite_per_contract_table() -> None:
    raw = {
        s["meta"]["juvonno_dq"]["table"]
        for s in load_suites()
        if s["meta"]["juvonno_dq"]["kind"] == "raw"
    }
    assert raw == set(TABLES)


def test_raw_suites_check_what_the_load_made_not_the_values_validation_proved() -> None:
    """Each raw suite: the contract's columns present and every column's type (the
    table's metadata). Per-value checks are the validator's, on the delivered bytes."""
    for table in TABLES.values():
        suite = json.loads(suite_file(f"raw.{table.name}").read_text())
        checks = [(e["meta"]["check"], e["kwargs"].get("column")) for e in suite["expectations"]]
        assert checks == [("contract columns present", None)] + [
            ("type", column.name) for column in table.columns
        ]
        assert suite["expectations"][0]["kwargs"]["column_set"] == list(table.column_names)


def test_sop_suite_has_one_expectation_per_rule_with_its_sentence() -> None:
    suite = json.loads((EXPECTATIONS_DIR / "sop.patient_group_audit.json").read_text())
    ids = [e["meta"]["rule_id"] for e in suite["expectations"]]
    assert sorted(ids) == sorted(spec_rule_ids()), "one expectation per rule of sop-rules.md"
    assert len(ids) == len(set(ids))
    for e in suite["expectations"]:
        assert e["meta"]["sop_sentence"].strip(), e["meta"]["rule_id"]
        assert len(e["kwargs"].get("value_set", [])) <= MAX_VALUE_SET


def test_unexpected_rows_queries_select_only_the_customer_id() -> None:
    """No query can carry a personal value into a result: SOP queries return customer_id
    (the audit mart holds no personal data anyway), raw ones a constant."""
    for suite in load_suites():
        for e in suite["expectations"]:
            if e["type"] != "unexpected_rows_expectation":
                continue
            query = e["kwargs"]["unexpected_rows_query"]
            assert re.match(r"select (customer_id|1 as unexpected) from \{batch\} where ", query), (
                query
            )


def test_unexpected_rows_queries_have_only_the_batch_placeholder() -> None:
    """GX fills {batch} with str.format: any other brace must be doubled."""
    from string import Formatter

    for suite in load_suites():
        for e in suite["expectations"]:
            if e["type"] == "unexpected_rows_expectation":
                fields = {
                    f
                    for _, f, _, _ in Formatter().parse(e["kwargs"]["unexpected_rows_query"])
                    if f is not None
                }
                assert fields == {"batch"}, e["kwargs"]["unexpected_rows_query"]


def test_every_suite_names_its_table_and_file() -> None:
    suites = load_suites()
    assert {s["name"] for s in suites} >= {"sop.patient_group_audit", "marts.patient_group_audit"}
    for s in suites:
        assert s["name"] == suite_file(s["name"]).stem
