"""GX against a real dbt build of the shared sample export.

- reconciliation passes: for every rule, GX's unexpected customers = dbt's hits =
  the hits of expected-worklist.csv;
- a rule model broken on purpose (a fixture copy of the dbt project, one rule's SQL
  edited, JUVONNO_DQ_PROJECT_DIR pointing at it) shows up as a mismatch of that rule.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from pytests.conftest import REPO
from pytests.dbt_harness import SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness, expected_worklist
from runner.dbt import _close_connections

# A rule without a dbt unit test (a broken model with one fails its unit test and is
# skipped, with everything downstream): an off-by-one the unit tests would not see.
BROKEN_MODEL = "models/marts/sop/rules/sop_50__icbt_stepped_up_to_therapy.sql"


@pytest.fixture(autouse=True)
def _no_dbt_connection_left():  # type: ignore[no-untyped-def]
    """dbt-duckdb keeps its DuckDB instance open in-process after an invocation (the
    runner closes it, and runs GX in a child process): close it before and after, so
    GX can open the file and a later dbt build does not write into an earlier file."""
    _close_connections()
    yield
    _close_connections()


def _hits(results) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        r["meta"]["rule_id"]: int(r["failures"] or 0) for r in results if r["meta"].get("rule_id")
    }


@pytest.mark.xdist_group("gx_sample")
def test_reconciliation_passes_on_the_sample_export(tmp_path: Path) -> None:
    from runner.expectations import run_expectations

    h = DbtHarness(tmp_path / "wh")
    h.load(SAMPLE_EXPORT)
    run = h.dbt("build", as_of=SAMPLE_AS_OF)
    assert run.success, run.failed()
    _close_connections()
    dbt_hits = _hits(run.results)
    expected = Counter(rule for _, rule in expected_worklist())
    assert dbt_hits == {rule: expected.get(rule, 0) for rule in dbt_hits}

    outcome = run_expectations(f"duckdb:///{h.db_path}", tmp_path / "run", dbt_hits)
    assert outcome.errors == []
    assert outcome.mismatches == []
    assert sorted(outcome.reconciled_rules) == sorted(expected)
    assert {r.rule_id: r.unexpected_customers for r in outcome.rules} == dict(expected)
    assert all(s.failed == 0 for s in outcome.suites if s.kind != "sop"), outcome.suites
    assert outcome.success


def _copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy2(REPO / name, dest / name)
    for name in ("models", "seeds", "snapshots", "macros", "tests", "analyses"):
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name,
                dest / name,
                ignore=shutil.ignore_patterns("target", "logs", "__pycache__"),
            )
    return dest


@pytest.mark.xdist_group("gx_broken")
def test_a_broken_rule_model_is_a_reconciliation_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runner import dbt as runner_dbt
    from runner.expectations import run_expectations

    project = _copy_project(tmp_path / "project")
    model = project / BROKEN_MODEL
    sql = model.read_text(encoding="utf-8")
    assert "and therapy_offers >= 1" in sql, (
        "the SOP-50 model changed: pick another way to break it"
    )
    model.write_text(
        sql.replace("and therapy_offers >= 1", "and therapy_offers >= 2"), encoding="utf-8"
    )
    monkeypatch.setenv("JUVONNO_DQ_PROJECT_DIR", str(project))

    h = DbtHarness(tmp_path / "wh")
    h.load(SAMPLE_EXPORT)
    outcome = runner_dbt.build(
        target="duckdb",
        as_of=SAMPLE_AS_OF,
        run_id="pytest-broken",
        target_path=tmp_path / "target",
        log_path=tmp_path / "logs",
        env={"JUVONNO_DQ_DUCKDB_PATH": str(h.db_path)},
    )
    assert [n.name for n in outcome.errors] == []
    dbt_hits = {n.rule_id: int(n.failures or 0) for n in outcome.nodes if n.rule_id}
    assert dbt_hits["SOP-50"] == 1  # 10004 (1 therapy offer) is lost; 10058 (4 offers) stays

    gx = run_expectations(f"duckdb:///{h.db_path}", tmp_path / "run", dbt_hits, build_docs=False)
    assert [(m.rule_id, m.gx_count, m.dbt_count) for m in gx.mismatches] == [("SOP-50", 2, 1)]
    assert not gx.success
