"""The DuckDB workarounds of runner/gx/fixes.py keep working (and are still needed).

GX 1.24.1 + duckdb-engine 0.17 + SQLAlchemy 2.1 fail *silently* on DuckDB: every
expectation comes back unsuccessful with a MetricResolutionError. On a tiny DuckDB
file, with the fixes a known-true expectation passes and a known-false one fails
(for the right reason: counted, not errored)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import REPO

SCRIPT = r"""
import json, sys
import great_expectations as gx
if sys.argv[2] == "fixed":
    from runner.gx.fixes import apply_gx_fixes
    apply_gx_fixes()
ctx = gx.get_context(mode="ephemeral")
ds = ctx.data_sources.add_sql(name="w", connection_string="duckdb:///" + sys.argv[1])
batch = ds.add_table_asset(name="t", table_name="t", schema_name="juvonno_sop").add_batch_definition_whole_table("all")
E = gx.expectations
suite = ctx.suites.add(gx.ExpectationSuite(name="s", expectations=[
    E.ExpectColumnValuesToBeBetween(column="x", min_value=1, max_value=10),       # true
    E.ExpectColumnValuesToBeBetween(column="x", max_value=2),                     # false: 3 rows
    E.ExpectColumnValuesToBeInTypeList(column="x", type_list=["BIGINT"]),         # true (reflection)
    E.UnexpectedRowsExpectation(unexpected_rows_query="select x from {batch} where x > 4"),  # false: 1
]))
vd = ctx.validation_definitions.add(gx.ValidationDefinition(name="v", data=batch, suite=suite))
res = vd.run(result_format={"result_format": "BASIC", "partial_unexpected_count": 0})
print(json.dumps([
    {"success": r.success,
     "errored": bool((r.exception_info or {}).get("raised_exception")) or any(
         isinstance(v, dict) and v.get("raised_exception") for v in (r.exception_info or {}).values()),
     "unexpected": (r.result or {}).get("unexpected_count", (r.result or {}).get("observed_value"))}
    for r in res.results]))
"""


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gxfix") / "tiny.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create schema juvonno_sop"
    )  # not `main`: GX's reflection fallback drops the schema
    con.execute("create table juvonno_sop.t as select range + 1 as x from range(5)")  # 1..5, BIGINT
    con.close()
    return path


def _run(db: Path, mode: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db), mode],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={"GX_ANALYTICS_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_with_the_fixes_true_passes_and_false_fails(tiny_db: Path) -> None:
    true_between, false_between, types, false_rows = _run(tiny_db, "fixed")
    assert true_between == {"success": True, "errored": False, "unexpected": 0}
    assert false_between == {"success": False, "errored": False, "unexpected": 3}
    assert types["success"] is True and not types["errored"]
    assert false_rows == {"success": False, "errored": False, "unexpected": 1}


def test_without_the_fixes_gx_still_fails_silently(tiny_db: Path) -> None:
    """When this fails, GX/duckdb-engine fixed it upstream: drop runner/gx/fixes.py."""
    results = _run(tiny_db, "plain")
    assert results[0]["success"] is False and results[0]["errored"], results
