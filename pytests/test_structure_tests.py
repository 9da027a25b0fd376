"""The nightly run's grouped structural tests (tests/structure/, macros/structure/):
the YAML's per-column not_null / unique / accepted_values tests, run as one query
per layer. They must cover every per-column test the runner excludes, fail exactly
where those fail, and name the relation, column and check (never a value)."""

from __future__ import annotations

import json

import pytest

from pytests.dbt_harness import SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness
from runner import dbt as dbt_mod

COLUMN_TESTS = {"not_null", "unique", "accepted_values"}


def _manifest(h: DbtHarness) -> dict:
    return json.loads((h.target_path / "manifest.json").read_text())


def _column_tests(manifest: dict) -> list[dict]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test"
        and (n.get("test_metadata") or {}).get("name") in COLUMN_TESTS
    ]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> DbtHarness:
    """The sample built with both forms of the structural tests (all must pass)."""
    h = DbtHarness(tmp_path_factory.mktemp("structure"))
    h.load(SAMPLE_EXPORT)
    run = h.dbt("build", "--exclude-resource-type", "unit_test", as_of=SAMPLE_AS_OF)
    assert run.success, [(r["unique_id"], r["message"]) for r in run.failed()]
    assert len([r for r in run.results if r["name"].startswith("structure_")]) == 5
    return h


def test_every_excluded_column_test_is_in_exactly_one_structure_test(sample: DbtHarness) -> None:
    manifest = _manifest(sample)
    structure = [n for n in manifest["nodes"].values() if n["name"].startswith("structure_")]
    covered: dict[str, list[str]] = {}
    for s in structure:
        for dep in s["depends_on"]["nodes"]:
            covered.setdefault(dep, []).append(s["name"])
    column_tests = _column_tests(manifest)
    assert len(column_tests) > 100  # the YAML's ~130
    for t in column_tests:
        where = f"{t['unique_id']} (on {t['attached_node']})"
        assert len(covered.get(t["attached_node"], [])) == 1, (
            f"{where}: add its relation to one tests/structure/structure_*.sql (-- depends_on: ref)"
        )
        # the grouped form counts rows per column: only plain error-severity tests fit it
        assert t["config"]["severity"].lower() == "error", where
        assert not t["config"].get("where"), where


def _nightly_tests(h: DbtHarness) -> set[str]:
    """`dbt ls --selector nightly`: the tests the runner's build selects."""
    from dbt.cli.main import dbtRunner

    res = dbtRunner().invoke(
        ["ls", "--selector", "nightly", "--resource-type", "test", "--output", "name",
         "--project-dir", str(h.project_dir), "--profiles-dir", str(h.project_dir),
         "--target-path", str(h.target_path), "--log-path", str(h.log_path),
         "--target", "duckdb", "--quiet"]
    )  # fmt: skip
    assert res.success, res.exception
    return set(res.result)


def test_the_nightly_selector_runs_the_grouped_tests_instead_of_the_column_tests(
    sample: DbtHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUVONNO_DQ_DUCKDB_PATH", str(sample.db_path))
    nightly = _nightly_tests(sample)
    assert {n for n in nightly if n.startswith("structure_")} == {
        "structure_seeds",
        "structure_staging",
        "structure_intermediate",
        "structure_sop",
        "structure_invoicing",
    }
    assert not {t["name"] for t in _column_tests(_manifest(sample))} & nightly
    assert any(n.startswith("is_empty_") for n in nightly)  # the rule tests stay


def test_grouped_tests_fail_exactly_where_the_column_tests_fail(sample: DbtHarness) -> None:
    # Break one check of each kind, in a model table and in a seed.
    sample.query(
        "update juvonno_intermediate.int_customer_facts set customer_id = null "
        "where customer_id = (select min(customer_id) from juvonno_intermediate.int_customer_facts)"
    )
    sample.query(
        "insert into juvonno_seeds.patient_groups select * from juvonno_seeds.patient_groups limit 1"
    )
    sample.query(
        "update juvonno_seeds.patient_groups set sop_status = 'bogus' "
        "where group_name = (select max(group_name) from juvonno_seeds.patient_groups)"
    )
    select = ["--select", "int_customer_facts", "patient_groups", "--resource-type", "test"]
    per_column = sample.dbt("test", *select, as_of=SAMPLE_AS_OF)
    manifest = _manifest(sample)
    expected = set()
    for r in per_column.failed():
        node = manifest["nodes"][r["unique_id"]]
        meta = node.get("test_metadata") or {}
        if meta.get("name") not in COLUMN_TESTS:
            continue  # e.g. a grain test that the duplicate also breaks
        relation = node["attached_node"].split(".")[-1]
        expected.add((relation, meta["kwargs"]["column_name"], meta["name"]))
    assert {c for _, _, c in expected} == COLUMN_TESTS

    grouped = sample.dbt(
        "test",
        "--select",
        "structure_intermediate",
        "structure_seeds",
        as_of=SAMPLE_AS_OF,
    )
    assert sorted(r["name"] for r in grouped.failed()) == [
        "structure_intermediate",
        "structure_seeds",
    ]
    rows = sample.query(
        "select relation_name, column_name, check_name, failing_rows from juvonno_dq_tests.structure_intermediate "
        "union all select relation_name, column_name, check_name, failing_rows from juvonno_dq_tests.structure_seeds"
    )
    assert {(r[0], r[1], r[2]) for r in rows} == expected
    assert all(isinstance(r[3], int) and r[3] > 0 for r in rows)


def test_a_failed_structure_test_names_relation_column_and_check() -> None:
    stored = [
        {
            "relation_name": "stg_juvonno__customers",
            "column_name": "customer_id",
            "check_name": "not_null",
            "failing_rows": 2,
        },
        {
            "relation_name": "stg_juvonno__customers",
            "column_name": "status",
            "check_name": "accepted_values",
            "failing_rows": 1,
        },
    ]
    queries: list[str] = []

    def query(sql: str) -> list[dict]:
        queries.append(sql)
        return stored

    failed = dbt_mod.NodeResult(
        unique_id="test.juvonno_dq.structure_staging",
        name="structure_staging",
        resource_type="test",
        status="fail",
        failures=2,
        severity="error",
        rule_id=None,
        relation_name='"build"."juvonno_dq_tests"."structure_staging"',
    )
    passed = dbt_mod.NodeResult(
        unique_id="test.juvonno_dq.structure_seeds",
        name="structure_seeds",
        resource_type="test",
        status="pass",
        failures=0,
        severity="error",
        rule_id=None,
        relation_name='"build"."juvonno_dq_tests"."structure_seeds"',
    )
    out = dbt_mod.explain_structure_failures(
        dbt_mod.DbtOutcome(success=False, nodes=[failed, passed]), query
    )
    assert out.nodes[0].message == (
        "stg_juvonno__customers.customer_id not_null: 2 rows; "
        "stg_juvonno__customers.status accepted_values: 1 rows"
    )
    assert out.nodes[1] == passed
    assert len(queries) == 1 and '"juvonno_dq_tests"."structure_staging"' in queries[0]
