"""The nightly run on Spark gives what it gives on DuckDB.

One Spark session per process (a session costs 10-25 s): under xdist the two
tests (the history sequence, the generated export) run on two workers side by
side, each with its own; instances are kept apart by JUVONNO_DQ_SPARK_SCHEMA.
Compared:

- the sample export and a generated export through the full `juvonno-dq run`
  (on Spark in this process by click's runner, on DuckDB as a subprocess beside
  it): worklist.csv byte-identical, the same hits per rule, GX suites and exit code;
- a three-export history sequence (test_rules_history.py's E1-E3) on one
  instance: E1 is the sample's full run; E2 and E3 go through the runner's own
  steps without dbt's tests and GX (pytests/parity_steps.py: carried state,
  load, models, results, publish), since the history is the point there and
  tests + GX are two thirds of a Spark run. worklist.csv identical after each
  export, then dq_run_history (as-of date, rule, hits), the findings history
  (sop_findings_history) and patient_group_audit's entered_group_date equal.

Needs the [spark] extra and Java 17: skipped without them, a failure under CI.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import require
from pytests.dbt_harness import SAMPLE_EXPORT
from pytests.parity_steps import run_step, worklist_path
from pytests.test_rules_history import make_export

# No xdist_group: each expensive sequence is one test, so xdist hands it to one
# worker whole and the two run side by side (and a module fixture shared by
# several tests would run again on every worker that got one of them: with
# pytest 9.2, xdist 3.8's loadgroup does not group at all, pytest-xdist#1386).
pytestmark = pytest.mark.spark

CLI = str(Path(sys.executable).with_name("juvonno-dq"))
GENERATED_CUSTOMERS = 2000
SEQUENCE = (("e1", "2026-11-20"), ("e2", "2026-11-27"), ("e3", "2026-12-04"))


def _spark_missing() -> str | None:
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"the [spark] extra is not installed ({exc.name}): make install-spark"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        return "no Java (apt-get install openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    missing = _spark_missing()
    require(missing is None, missing or "")
    from runner.warehouse.spark_session import get_session

    session = get_session(tmp_path_factory.mktemp("spark-session"))
    yield session
    session.stop()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    return env | {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def _run_both(export: Path, as_of: str, out: Path, schema: str) -> dict[str, object]:
    """The DuckDB run (a subprocess) beside the Spark run (in process)."""
    from click.testing import CliRunner

    from runner.cli import cli

    args = ["run", "--export-dir", str(export), "--as-of", as_of]
    duck = subprocess.Popen(
        [CLI, *args, "--out", str(out / "duckdb")],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        result = CliRunner().invoke(
            cli,
            [*args, "--out", str(out / "spark"), "--target", "spark"],
            env={"JUVONNO_DQ_SPARK_SCHEMA": schema},
        )
    finally:
        duck_output, _ = duck.communicate(timeout=900)
    outputs: dict[str, object] = {}
    for name, code, text in (
        ("duckdb", duck.returncode, duck_output),
        ("spark", result.exit_code, result.output),
    ):
        latest = out / name / "latest"
        assert code in (0, 1), f"{name} run exited {code}:\n{text}\n{result.exception!r}"
        outputs[name] = {
            "code": code,
            "worklist": (latest / "worklist.csv").read_bytes(),
            "summary": json.loads((latest / "summary.json").read_text()),
            "output": text,
        }
    return outputs


def _rules(summary: dict) -> dict[str, int]:  # type: ignore[type-arg]
    return {r["rule_id"]: r["hits"] for r in summary["rules"]}


def _assert_same(outputs: dict[str, object], what: str) -> None:
    duck, spark = outputs["duckdb"], outputs["spark"]
    assert spark["summary"]["target"] == "spark"  # type: ignore[index]
    assert spark["summary"]["gx"]["ok"], spark["summary"]["gx"]  # type: ignore[index]
    assert spark["summary"]["gx"]["suites"] == duck["summary"]["gx"]["suites"]  # type: ignore[index]
    assert spark["summary"]["warehouse_published"]  # type: ignore[index]
    assert _rules(spark["summary"]) == _rules(duck["summary"]), what  # type: ignore[index]
    assert spark["code"] == duck["code"], what  # type: ignore[index]
    assert spark["worklist"] == duck["worklist"], what  # type: ignore[index]


def _light_steps(
    spark, exports: dict[str, Path], out: Path, schema: str
) -> dict[str, tuple[bytes, bytes]]:  # type: ignore[no-untyped-def]
    """E2, E3 on both instances (pytests/parity_steps.py): DuckDB in a subprocess
    beside Spark in this process; {name: (duckdb worklist, spark worklist)}."""
    from runner.warehouse.spark import ENV_SCHEMA, SparkWarehouse

    steps = [(name, dt.date.fromisoformat(as_of)) for name, as_of in SEQUENCE[1:]]
    duck = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytests.parity_steps",
            str(out / "duckdb"),
            *(f"{exports[name]}:{as_of.isoformat()}" for name, as_of in steps),
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wh = SparkWarehouse(out / "spark", environ={ENV_SCHEMA: schema})
        for name, as_of in steps:
            run_step(wh, exports[name], as_of, out / "spark")
    finally:
        duck_output, _ = duck.communicate(timeout=900)
    assert duck.returncode == 0, duck_output
    return {
        name: (
            worklist_path(out / "duckdb", as_of).read_bytes(),
            worklist_path(out / "spark", as_of).read_bytes(),
        )
        for name, as_of in steps
    }


def _history_sequence(spark, root: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    exports = {
        "e1": SAMPLE_EXPORT,
        "e2": make_export(SAMPLE_EXPORT, root / "e2", absent=True),
        "e3": make_export(SAMPLE_EXPORT, root / "e3", absent=False),
    }
    first_name, first_as_of = SEQUENCE[0]
    first = _run_both(exports[first_name], first_as_of, root / "out", "parity_history")
    later = _light_steps(spark, exports, root / "out", "parity_history")
    queries = {
        "history": "select as_of_date, rule_id, hits from {p}_history.dq_run_history",
        "findings": "select as_of_date, customer_id, rule_id, first_seen, status"
        " from {p}_history.sop_findings_history",
        "entered": "select customer_id, entered_group_date from {p}_sop.patient_group_audit",
    }
    con = duckdb.connect(
        str(root / "out" / "duckdb" / "warehouse" / "analysts.duckdb"), read_only=True
    )
    try:
        duck = {
            k: sorted(con.execute(v.format(p="juvonno")).fetchall()) for k, v in queries.items()
        }
    finally:
        con.close()
    on_spark = {
        k: sorted(tuple(r) for r in spark.sql(v.format(p="parity_history")).collect())
        for k, v in queries.items()
    }
    return {
        "first": (first_name, first_as_of, first),
        "later": later,
        **{k: (duck[k], on_spark[k]) for k in queries},
    }


def test_sample_export_and_the_history_sequence_are_equal(  # type: ignore[no-untyped-def]
    spark, tmp_path_factory: pytest.TempPathFactory, subtests: pytest.Subtests
) -> None:
    seq = _history_sequence(spark, tmp_path_factory.mktemp("spark_history"))
    dates = {dt.date.fromisoformat(a) for _, a in SEQUENCE}

    with subtests.test("the sample export (E1, full CLI) gives the same worklist"):
        name, as_of, outputs = seq["first"]  # type: ignore[misc]
        assert outputs["duckdb"]["summary"]["total_hits"] > 0  # a worklist with rows to compare
        _assert_same(outputs, f"{name} {as_of}")

    with subtests.test("every later export gives the same worklist"):
        later = seq["later"]
        assert set(later) == {name for name, _ in SEQUENCE[1:]}  # type: ignore[arg-type]
        for name, (duck, on_spark) in later.items():  # type: ignore[attr-defined]
            assert duck.count(b"\n") > 1, name  # rows to compare, not a header alone
            assert on_spark == duck, name

    with subtests.test("the run history is equal"):
        duck, on_spark = seq["history"]  # type: ignore[misc]
        assert {d for d, _, _ in duck} == dates
        assert on_spark == duck

    with subtests.test("the findings history is equal"):
        duck, on_spark = seq["findings"]  # type: ignore[misc]
        assert {row[0] for row in duck} == dates
        assert on_spark == duck

    with subtests.test("entered_group_date is equal after the sequence"):
        duck, on_spark = seq["entered"]  # type: ignore[misc]
        assert len(duck) == 59
        assert on_spark == duck
        # the sequence moved some customers: not every date is a created date
        assert any(d == dt.date(2026, 11, 27) for _, d in duck)


def test_generated_export_gives_the_same_worklist(
    spark, tmp_path_factory: pytest.TempPathFactory
) -> None:  # type: ignore[no-untyped-def]
    from runner.generate import write_export

    root = tmp_path_factory.mktemp("spark_generated")
    as_of = dt.date(2026, 11, 20)
    write_export(root / "export", customers=GENERATED_CUSTOMERS, seed=17, as_of=as_of)
    outputs = _run_both(root / "export", as_of.isoformat(), root / "out", "parity_generated")
    assert outputs["duckdb"]["summary"]["total_hits"] > 0  # type: ignore[index]
    _assert_same(outputs, f"{GENERATED_CUSTOMERS} generated customers")
