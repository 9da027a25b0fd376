"""dbt-project-evaluator's rules that a manifest can answer, checked on every run.

The package itself cannot be installed here (no dbt hub), so its mechanical rules are
read off `target/manifest.json` (`dbt parse` with the lint-only profile, no warehouse).
docs/notes/quality.md (dbt-project-evaluator) has each rule, what it found and why
the rules that stay flagged (naming, rejoining, too many joins) are the design.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from pytests.dbt_harness import REPO

# The project's own generic grain test (tests/generic/) stands for dbt_utils' one.
COMBINATION_TEST = "unique_combination_of_columns"
# A relation named in SQL without ref() or source(): `from schema.table`, `join schema.table`.
HARD_CODED = re.compile(r"\b(?:from|join)\s+[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    target = tmp_path_factory.mktemp("evaluator-target")
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target / "logs"),
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run(
        [str(dbt), "parse", "--profiles-dir", "lint", "--target", "lint", "--quiet"],
        cwd=REPO,
        env=env,
        check=True,
        timeout=600,
    )
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == "juvonno_dq"
    }


@pytest.fixture(scope="module")
def tests_of(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each node's data tests (generic and singular), by the node's unique id."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test":
            for parent in node["depends_on"]["nodes"]:
                found[parent].append(node)
    return found


def _sources_of(model: dict[str, Any]) -> list[str]:
    return [d for d in model["depends_on"]["nodes"] if d.startswith("source.")]


def _is_staging(model: dict[str, Any]) -> bool:
    return model["name"].startswith("stg_") and "/staging/" in f"/{model['original_file_path']}"


# --------------------------------------------------------------------------- modeling


def test_only_staging_models_read_sources(models: dict[str, dict[str, Any]]) -> None:
    """Direct join to source; marts or intermediate dependent on source."""
    assert [m["name"] for m in models.values() if _sources_of(m) and not _is_staging(m)] == []


def test_each_staging_model_reads_one_source_and_no_model(
    models: dict[str, dict[str, Any]],
) -> None:
    """Multiple sources joined; staging dependent on staging or downstream models.
    (A staging model may read a lookup seed: the mapping of the export's names.)"""
    staging = [m for m in models.values() if _is_staging(m)]
    assert staging
    wrong = {
        m["name"]: m["depends_on"]["nodes"]
        for m in staging
        if len(_sources_of(m)) != 1
        or any(d.startswith(("model.", "snapshot.")) for d in m["depends_on"]["nodes"])
    }
    assert wrong == {}


def test_each_source_table_feeds_at_most_one_model(
    manifest: dict[str, Any], models: dict[str, dict[str, Any]]
) -> None:
    """Source fanout (a source read by freshness only, with no model, is allowed)."""
    readers: dict[str, list[str]] = defaultdict(list)
    for m in models.values():
        for source in _sources_of(m):
            readers[source].append(m["name"])
    assert {s: r for s, r in readers.items() if len(r) > 1} == {}
    assert set(readers) <= set(manifest["sources"])


def test_no_root_models(models: dict[str, dict[str, Any]]) -> None:
    """A model with no parent reads a relation dbt does not know."""
    assert [m["name"] for m in models.values() if not m["depends_on"]["nodes"]] == []


def test_no_hard_coded_references(models: dict[str, dict[str, Any]]) -> None:
    """Every relation through ref() or source(): none named as schema.table in a model."""
    hard_coded = {
        m["name"]: HARD_CODED.findall(
            re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", m["raw_code"], flags=re.S)
        )
        for m in models.values()
    }
    assert {name: refs for name, refs in hard_coded.items() if refs} == {}


def test_no_duplicate_sources(manifest: dict[str, Any]) -> None:
    seen: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for uid, source in manifest["sources"].items():
        seen[(source["database"], source["schema"], source["identifier"])].append(uid)
    assert {where: uids for where, uids in seen.items() if len(uids) > 1} == {}


# --------------------------------------------------------------------------- testing


def test_every_model_is_tested(
    models: dict[str, dict[str, Any]], tests_of: dict[str, list[dict[str, Any]]]
) -> None:
    """Test coverage: 100 %."""
    assert [m["name"] for uid, m in models.items() if not tests_of[uid]] == []


def _test_name(test: dict[str, Any]) -> str | None:
    return (test.get("test_metadata") or {}).get("name")


def _has_primary_key_test(tests: list[dict[str, Any]]) -> bool:
    """unique and not_null on one column (not_null also through the project's
    columns_not_null), or the grain test on a set of columns."""
    unique, not_null = set(), set()
    for test in tests:
        name, column = _test_name(test), test.get("column_name")
        if name == COMBINATION_TEST:
            return True
        if name == "unique" and column:
            unique.add(column)
        if name == "not_null" and column:
            not_null.add(column)
        if name == "columns_not_null":
            not_null.update((test["test_metadata"].get("kwargs") or {}).get("columns") or [])
    return bool(unique & not_null)


def test_every_model_has_a_primary_key_test(
    models: dict[str, dict[str, Any]], tests_of: dict[str, list[dict[str, Any]]]
) -> None:
    """Missing primary key tests: unique and not_null on one column, or the grain test.

    A model tested to be empty (is_empty: each rule model, sop_exception_problems) is the
    exception: each of its rows is a finding, not an entity. The rule models' rows meet in
    sop_violations, whose grain test (customer_id, rule_id) covers them.
    """
    missing = [
        m["name"]
        for uid, m in models.items()
        if not _has_primary_key_test(tests_of[uid])
        and not any(_test_name(t) == "is_empty" for t in tests_of[uid])
    ]
    assert missing == []


# --------------------------------------------------------------------------- documentation


def test_every_model_and_column_is_documented(models: dict[str, dict[str, Any]]) -> None:
    undocumented = [m["name"] for m in models.values() if not m["description"].strip()]
    undocumented += [
        f"{m['name']}.{column}"
        for m in models.values()
        for column, spec in m["columns"].items()
        if not spec["description"].strip()
    ]
    assert undocumented == []


def test_every_source_and_source_table_is_documented(manifest: dict[str, Any]) -> None:
    sources = manifest["sources"].values()
    assert [s["unique_id"] for s in sources if not s["source_description"].strip()] == []
    assert [s["unique_id"] for s in sources if not s["description"].strip()] == []


# --------------------------------------------------------------------------- structure


def test_models_sit_in_their_layers_directory(models: dict[str, dict[str, Any]]) -> None:
    """Model directories: stg_ under staging/<source>/, int_ under intermediate/, the rest under marts/."""
    misplaced = []
    for m in models.values():
        parts = m["original_file_path"].split("/")
        name = m["name"]
        if name.startswith("stg_"):
            sources = {s.split(".")[2] for s in _sources_of(m)}
            ok = "staging" in parts and sources <= set(parts)
        elif name.startswith("int_"):
            ok = "intermediate" in parts
        else:
            ok = "marts" in parts
        if not ok:
            misplaced.append(m["original_file_path"])
    assert misplaced == []


def test_model_tests_sit_beside_their_model(
    manifest: dict[str, Any], models: dict[str, dict[str, Any]]
) -> None:
    """Test directories: a model's YAML tests in its own directory's YAML."""
    misplaced = [
        test["name"]
        for test in manifest["nodes"].values()
        if test["resource_type"] == "test"
        and test["original_file_path"].endswith(".yml")
        and (model := models.get(test.get("attached_node") or ""))
        and Path(test["original_file_path"]).parent != Path(model["original_file_path"]).parent
    ]
    assert misplaced == []


# --------------------------------------------------------------------------- governance


def test_public_models_are_contracted_and_documented(models: dict[str, dict[str, Any]]) -> None:
    public = [m for m in models.values() if m.get("access") == "public"]
    # enforced is rendered from Jinja ("{{ target.type != 'spark' }}"): read it as text.
    enforced = [m for m in public if str(m["config"]["contract"]["enforced"]).lower() == "true"]
    assert [m["name"] for m in public if m not in enforced] == []
    assert [
        m["name"]
        for m in public
        if not m["description"].strip()
        or not all(c["description"].strip() for c in m["columns"].values())
    ] == []


def test_exposures_read_public_tables_only(
    manifest: dict[str, Any], models: dict[str, dict[str, Any]]
) -> None:
    """Exposures dependent on private models; exposure parents' materializations."""
    exposures = manifest["exposures"].values()
    assert exposures
    parents = [(e["name"], uid) for e in exposures for uid in e["depends_on"]["nodes"]]
    assert [(e, uid) for e, uid in parents if uid not in models] == []
    assert [(e, uid) for e, uid in parents if models[uid].get("access") != "public"] == []
    assert [
        (e, uid)
        for e, uid in parents
        if models[uid]["config"]["materialized"] not in ("table", "incremental")
    ] == []
