"""The rule SQL reads its settings from vars.sop_rules (dbt_project.yml), and
sop_rule_models() refuses a rule model the settings do not list: dbt compiles
the project with changed settings (passed as --vars, which replace the project's
sop_rules) and the compiled SQL or the error says so. DuckDB, no data needed."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytests.dbt_harness import REPO

RULES = yaml.safe_load((REPO / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]["sop_rules"]
COMPILED = Path("compiled") / "juvonno_dq" / "models" / "marts" / "sop"


def compile_rules(workdir: Path, sop_rules: dict[str, Any], *select: str) -> tuple[bool, str]:
    """dbt compile of the selected models; (success, every error message)."""
    from dbt.cli.main import dbtRunner

    args = [
        "compile",
        "--project-dir", str(REPO),
        "--profiles-dir", str(REPO),
        "--target", "duckdb",
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
        "--vars", json.dumps({"as_of_date": "2026-11-20", "sop_rules": sop_rules}),
        "--select", *select,
    ]  # fmt: skip
    previous = os.environ.get("JUVONNO_DQ_DUCKDB_PATH")
    os.environ["JUVONNO_DQ_DUCKDB_PATH"] = str(workdir / "empty.duckdb")
    try:
        res = dbtRunner().invoke(args)
    finally:
        if previous is None:
            os.environ.pop("JUVONNO_DQ_DUCKDB_PATH")
        else:
            os.environ["JUVONNO_DQ_DUCKDB_PATH"] = previous
    messages = [str(res.exception or "")]
    messages += [str(r.message or "") for r in getattr(res.result, "results", None) or []]
    return res.success, "\n".join(messages)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rule-settings")


def test_rule_sql_follows_its_settings(workdir: Path) -> None:
    changed = copy.deepcopy(RULES)
    changed["sop_10__triage_over_7_days"] = {"group": "Therapy", "max_days_in_group": 30}
    changed["sop_50__icbt_stepped_up_to_therapy"]["expected_group"] = "Graduated"
    changed["sop_21__discharged_without_2_chases"]["min_chase_attempts"] = 3
    changed["sop_86__sandbox_without_sandbox_outcome"]["expected_triage_outcome"] = "Parent's site"
    ok, errors = compile_rules(
        workdir,
        changed,
        "sop_10__triage_over_7_days",
        "sop_50__icbt_stepped_up_to_therapy",
        "sop_21__discharged_without_2_chases",
        "sop_86__sandbox_without_sandbox_outcome",
    )
    assert ok, errors
    rules = workdir / "target" / COMPILED / "rules"
    sop_10 = (rules / "sop_10__triage_over_7_days.sql").read_text(encoding="utf-8")
    assert "'Therapy' as group_name" in sop_10 and "where in_therapy" in sop_10
    assert "days_in_group > 30" in sop_10 and "in_triage" not in sop_10
    sop_50 = (rules / "sop_50__icbt_stepped_up_to_therapy.sql").read_text(encoding="utf-8")
    assert "'Graduated' as expected_group" in sop_50
    sop_21 = (rules / "sop_21__discharged_without_2_chases.sql").read_text(encoding="utf-8")
    assert "chase_attempts < 3" in sop_21
    sop_86 = (rules / "sop_86__sandbox_without_sandbox_outcome.sql").read_text(encoding="utf-8")
    assert "<> 'Parent''s site'" in sop_86  # a quote in a setting stays inside the literal


def test_a_missing_setting_is_a_compile_error_naming_it(workdir: Path) -> None:
    changed = copy.deepcopy(RULES)
    del changed["sop_10__triage_over_7_days"]["max_days_in_group"]
    ok, errors = compile_rules(workdir, changed, "sop_10__triage_over_7_days")
    assert not ok
    assert (
        "dbt_project.yml vars.sop_rules.sop_10__triage_over_7_days has no setting "
        "'max_days_in_group'" in errors
    )


def test_a_rule_model_without_settings_is_refused_by_the_union(workdir: Path) -> None:
    changed = copy.deepcopy(RULES)
    del changed["sop_05__group_in_catalogue"]  # a rule that has no settings of its own
    ok, errors = compile_rules(workdir, changed, "sop_violations")
    assert not ok
    assert "no entry in dbt_project.yml vars.sop_rules: ['sop_05__group_in_catalogue']" in errors
