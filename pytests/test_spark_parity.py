"""The nightly run on Spark gives what it gives on DuckDB.

Full `juvonno-dq run` invocations: on Spark in this process (click's runner), so
every Spark run shares the one session this module starts (a session costs
10-25 s; instances are kept apart by JUVONNO_DQ_SPARK_SCHEMA); on DuckDB as
subprocesses, started beside the Spark run. Compared:

- the sample export and a generated export: worklist.csv byte-identical, the
  same hits per rule and exit code;
- a three-export history sequence (test_rules_history.py's E1-E3) on one
  instance: worklist.csv identical after each export, then dq_run_history (as-of
  date, rule, hits) and patient_group_audit's entered_group_date equal.

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
from pytests.test_rules_history import make_export

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

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


@pytest.fixture(scope="module")
def history_sequence(spark, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("spark_history")
    exports = {
        "e1": SAMPLE_EXPORT,
        "e2": make_export(SAMPLE_EXPORT, root / "e2", absent=True),
        "e3": make_export(SAMPLE_EXPORT, root / "e3", absent=False),
    }
    steps = [
        (name, as_of, _run_both(exports[name], as_of, root / "out", "parity_history"))
        for name, as_of in SEQUENCE
    ]
    con = duckdb.connect(
        str(root / "out" / "duckdb" / "warehouse" / "analysts.duckdb"), read_only=True
    )
    try:
        duck_history = con.execute(
            "select as_of_date, rule_id, hits from juvonno_history.dq_run_history"
        ).fetchall()
        duck_entered = con.execute(
            "select customer_id, entered_group_date from juvonno_sop.patient_group_audit"
        ).fetchall()
    finally:
        con.close()
    spark_history = [
        (r["as_of_date"], r["rule_id"], r["hits"])
        for r in spark.sql(
            "select as_of_date, rule_id, hits from parity_history_history.dq_run_history"
        ).collect()
    ]
    spark_entered = [
        (r["customer_id"], r["entered_group_date"])
        for r in spark.sql(
            "select customer_id, entered_group_date from parity_history_sop.patient_group_audit"
        ).collect()
    ]
    return {
        "steps": steps,
        "history": (sorted(duck_history), sorted(spark_history)),
        "entered": (sorted(duck_entered), sorted(spark_entered)),
    }


def test_sample_export_gives_the_same_worklist(history_sequence: dict[str, object]) -> None:
    name, as_of, outputs = history_sequence["steps"][0]  # type: ignore[index]
    assert outputs["duckdb"]["summary"]["total_hits"] > 0  # a worklist with rows to compare
    _assert_same(outputs, f"{name} {as_of}")


def test_every_export_of_the_sequence_gives_the_same_worklist(
    history_sequence: dict[str, object],
) -> None:
    for name, as_of, outputs in history_sequence["steps"]:  # type: ignore[attr-defined]
        _assert_same(outputs, f"{name} {as_of}")


def test_history_is_equal_over_the_sequence(history_sequence: dict[str, object]) -> None:
    duck, spark = history_sequence["history"]  # type: ignore[misc]
    assert {d for d, _, _ in duck} == {dt.date.fromisoformat(a) for _, a in SEQUENCE}
    assert spark == duck


def test_entered_group_dates_are_equal_after_the_sequence(
    history_sequence: dict[str, object],
) -> None:
    duck, spark = history_sequence["entered"]  # type: ignore[misc]
    assert len(duck) == 59
    assert spark == duck
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
