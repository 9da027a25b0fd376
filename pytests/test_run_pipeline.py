"""`juvonno-dq run` end to end on the shared sample export: exit codes of every
outcome, published files, history, the analysts' file and a concurrent analyst."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import REPO
from pytests.test_run_support import (  # noqa: F401 - fixture
    AS_OF,
    SAMPLE_EXPORT,
    baseline,
    copy_instance,
    pii_values,
    read_csv,
    run_cli,
    start_cli,
    state,
)

# One xdist worker runs every test that needs the shared baseline run (one run, not one per worker).
pytestmark = pytest.mark.xdist_group("runner-baseline")


SUMMARY_FIELDS = {
    "run_id",
    "as_of",
    "started_at",
    "finished_at",
    "outcome",
    "exit_code",
    "files",
    "rules",
    "dbt",
    "gx",
}


def _history(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select run_id, as_of_date, rule_id, hits, outcome from juvonno_history.dq_run_history order by started_at, rule_id"
        ).fetchall()
    finally:
        con.close()


# -- exit 0: the published run ---------------------------------------------------------


def test_exit_0_publishes_the_run(baseline) -> None:  # noqa: F811
    out = baseline.out
    assert baseline.code == 0
    latest = out / "latest"
    assert latest.is_symlink() and os.readlink(latest).startswith("runs/")
    for name in ("worklist.csv", "summary.json", "report.html", "run.log", "dbt.log"):
        assert (latest / name).is_file(), name
    s = baseline.summary()
    assert set(s) >= SUMMARY_FIELDS
    assert s["outcome"] == "findings" and s["exit_code"] == 0 and s["as_of"] == AS_OF
    assert s["run_id"] == Path(os.readlink(latest)).name
    assert {f["file"] for f in s["files"]} >= {"customers.csv", "appointments.csv"}
    assert all(len(f["sha256"]) == 64 and f["rows"] >= 0 for f in s["files"])
    assert s["dbt"]["errors"] == []


def test_findings_history_carries_the_runs_id(baseline) -> None:  # noqa: F811
    """The run id reaches dbt by environment (runner/dbt.py, the run_id() macro), not --vars."""
    con = duckdb.connect(str(baseline.out / "warehouse" / "juvonno.duckdb"), read_only=True)
    try:
        ids = {
            r[0]
            for r in con.execute(
                "select distinct run_id from juvonno_history.sop_findings_history"
            ).fetchall()
        }
    finally:
        con.close()
    assert ids == {baseline.summary()["run_id"]}


def test_worklist_matches_the_expected_hits_in_catalogue_order(baseline) -> None:  # noqa: F811
    rows = read_csv(baseline.out / "latest" / "worklist.csv")
    header = (baseline.out / "latest" / "worklist.csv").read_text().splitlines()[0]
    assert header == (
        "customer_id,chart_num,group_name,rule_id,rule_title,severity,expected_group,detail,action,"
        "status,first_seen,days_open,owner_staff_id,owner_role"
    )
    assert {(r["status"], r["first_seen"], r["days_open"]) for r in rows} == {
        ("new", AS_OF, "0")
    }  # a fresh instance
    expected = read_csv(SAMPLE_EXPORT / "expected-worklist.csv")
    assert [(r["customer_id"], r["rule_id"]) for r in rows] == [
        (r["customer_id"], r["rule_id"]) for r in expected
    ]
    s = baseline.summary()
    order = [r["rule_id"] for r in s["rules"]]
    keys = [(order.index(r["rule_id"]), int(r["customer_id"])) for r in rows]
    assert keys == sorted(keys)
    assert sum(r["hits"] for r in s["rules"]) == len(rows) == 33


def test_summary_lists_every_rule_with_hits(baseline) -> None:  # noqa: F811
    s = baseline.summary()
    ids = [r["rule_id"] for r in s["rules"]]
    assert ids[0] == "SOP-01" and ids[-1] == "DQ-01" and len(ids) == len(set(ids))
    counts = {"acknowledged", "open", "new", "persisting", "resolved"}
    monitoring = {"population", "population_key", "hit_pct", "threshold_pct", "check_status", "kahn_category",
                  "anomaly", "previous_hits", "delta"}  # fmt: skip
    assert all(
        set(r) == {"rule_id", "title", "severity", "hits"} | counts | monitoring for r in s["rules"]
    )
    assert all(
        r["open"] == r["new"] == r["hits"] and r["acknowledged"] == r["resolved"] == 0
        for r in s["rules"]
    )
    assert all(r["severity"] == "warn" and r["title"] for r in s["rules"])


def test_summary_has_both_engines_results_in_counts(baseline) -> None:  # noqa: F811
    s = baseline.summary()
    assert (
        s["dbt"]["success"] and s["dbt"]["counts"]["test"]["warn"] == 31
    )  # one warn test per rule, each hit
    gx = s["gx"]
    assert gx["ok"] and gx["mismatches"] == 0 and gx["reconciled_rules"] == 31
    suites = {r["name"]: r for r in gx["suite_results"]}
    assert len(suites) == gx["suites"] == 8
    assert {r["kind"] for r in suites.values()} == {"raw", "marts", "sop"}
    sop = [r for r in suites.values() if r["kind"] == "sop"]
    assert [(r["evaluated"], r["failed"]) for r in sop] == [
        (31, 31)
    ]  # every rule hits the sample once or more
    assert all(r["failed"] == 0 for r in suites.values() if r["kind"] != "sop")


def test_history_has_one_row_per_rule_of_the_run(baseline) -> None:  # noqa: F811
    s = baseline.summary()
    rows = _history(baseline.out / "warehouse" / "juvonno.duckdb")
    assert {r[0] for r in rows} == {s["run_id"]}
    assert len(rows) == len(s["rules"])
    assert {(r[2], r[3]) for r in rows} == {(r["rule_id"], r["hits"]) for r in s["rules"]}
    assert _history(baseline.out / "warehouse" / "analysts.duckdb") == rows


def test_files_are_private(baseline) -> None:  # noqa: F811
    out = baseline.out
    run_dir = out / "latest"
    for p in [run_dir.resolve(), *run_dir.resolve().rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        assert mode & 0o077 == 0, f"{p} is {oct(mode)}"
    assert stat.S_IMODE((out / "warehouse" / "juvonno.duckdb").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "warehouse" / "analysts.duckdb").stat().st_mode) == 0o640
    assert stat.S_IMODE((out / "runs").stat().st_mode) == 0o700


def test_analysts_file_holds_marts_only(baseline) -> None:  # noqa: F811
    con = duckdb.connect(str(baseline.out / "warehouse" / "analysts.duckdb"), read_only=True)
    try:
        schemas = {
            r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()
        }
        columns = {
            r[0]
            for r in con.execute("select distinct column_name from duckdb_columns()").fetchall()
        }
        n = con.execute("select count(*) from juvonno_sop.sop_violations").fetchone()[0]
    finally:
        con.close()
    assert "juvonno_sop" in schemas and "juvonno_history" in schemas
    assert not schemas & {
        "juvonno_raw",
        "juvonno_staging",
        "juvonno_intermediate",
        "juvonno_snapshots",
    }
    assert not columns & {"first_name", "last_name", "email", "phone", "date_of_birth"}
    assert n == 33


def test_no_personal_data_or_traceback_published_or_printed(baseline) -> None:  # noqa: F811
    values = pii_values()
    assert values
    run_dir = (baseline.out / "latest").resolve()
    texts = {  # every file but GX's vendored static assets (vega.min.js holds colour names like "Green")
        str(p.relative_to(run_dir)): p.read_text(errors="replace")
        for p in run_dir.rglob("*")
        if p.is_file() and "static" not in p.relative_to(run_dir).parts
    }
    assert {"dbt.log", "run.log", "report.html", "data-docs/index.html"} <= set(texts)
    # report.html inlines Vega for its trend (library code with colour names too): its data, not the library, is checked
    from runner.publish.report_watch import vega_sources

    for code in vega_sources():
        texts["report.html"] = texts["report.html"].replace(code, "")
    texts["console"] = baseline.console
    for name, text in texts.items():
        leaked = [v for v in values if v in text]
        assert not leaked, f"{name} holds personal values: {leaked[:3]}"
    assert "Traceback" not in baseline.console
    assert baseline.stderr.strip() == "", baseline.stderr


def test_console_is_plain_lines_when_not_a_tty(baseline) -> None:  # noqa: F811
    lines = [line for line in baseline.stdout.splitlines() if line.strip()]
    assert lines and all(line[:4].isdigit() and line[19] == "Z" for line in lines), lines[:5]
    assert "\x1b[" not in baseline.stdout


# -- exit 2, exit 3: refused runs touch nothing ---------------------------------------


@pytest.fixture
def instance(baseline, tmp_path: Path) -> Path:  # noqa: F811
    return copy_instance(baseline.out, tmp_path / "out")


def test_exit_2_bad_input_leaves_warehouse_and_latest(instance: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad-export"
    shutil.copytree(SAMPLE_EXPORT, bad, copy_function=shutil.copyfile)
    os.chmod(bad, 0o700)
    (bad / "manifest.json").unlink()
    rows = (bad / "appointments.csv").read_text().splitlines()
    rows[3] = re.sub(r"\d{4}-\d\d-\d\d", "12/03/2026", rows[3], count=1)  # data row 3, column start
    (bad / "appointments.csv").write_text("\n".join(rows) + "\n")
    (bad / "staff.csv").unlink()
    before = state(instance)
    done = run_cli(instance, export=bad)
    assert done.code == 2, done.console
    assert state(instance) == before
    assert "staff.csv: required file is missing" in done.stdout
    assert "appointments.csv row 3, column start: <shaped 99/99/9999" in done.stdout
    assert "12/03/2026" not in done.stdout  # a shape, never a value of a data row
    assert "Traceback" not in done.console
    # The decision: a rejected run leaves a record (summary + run.log), not a published run.
    records = [json.loads(p.read_text()) for p in (instance / "runs").glob("*/summary.json")]
    rejected = [r for r in records if r["outcome"] == "rejected"]
    assert (
        len(rejected) == 1 and rejected[0]["exit_code"] == 2 and rejected[0]["problem_count"] >= 2
    )
    assert not list((instance / "warehouse" / "build").iterdir())


def test_exit_3_when_history_would_move_backwards(instance: Path) -> None:
    before = state(instance)
    done = run_cli(instance, "--as-of", "2026-11-19")
    assert done.code == 3, done.console
    assert "history moves forward" in done.stdout and "2026-11-20" in done.stdout
    assert state(instance) == before
    assert "Traceback" not in done.console


def test_exit_3_on_an_unknown_target(instance: Path) -> None:
    before = state(instance)
    done = run_cli(instance, "--target", "nosuch")
    assert done.code == 3, done.console
    assert "nosuch" in done.stdout and "Traceback" not in done.console
    assert state(instance) == before


def test_exit_3_when_another_run_holds_the_lock(instance: Path) -> None:
    from runner.lock import RunLock

    before = state(instance)
    with RunLock(instance, "20260101T000000Z-holder", started_at="2026-01-01T00:00:00+00:00"):
        done = run_cli(instance)
    assert done.code == 3, done.console
    assert "20260101T000000Z-holder" in done.stdout and f"pid {os.getpid()}" in done.stdout
    assert "started_at 2026-01-01T00:00:00+00:00" in done.stdout
    assert state(instance) == before


def test_exit_3_when_out_cannot_be_created(tmp_path: Path) -> None:
    f = tmp_path / "a-file"
    f.write_text("not a folder")
    done = run_cli(f / "out")
    assert done.code == 3, done.console
    assert "cannot use --out" in done.stdout and "Traceback" not in done.console


# -- a second run: --strict, history, an analyst holding the marts open -------------------

ANALYST = textwrap.dedent(
    """
    import os, pathlib, sys, time, duckdb
    path, ready, go, queries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    # The README's example queries, run the way the README says (read-only).
    readme_queries = [p.read_text() for p in sorted(pathlib.Path(queries).glob("*.sql"))]
    con = duckdb.connect(path, read_only=True)
    q = "select count(distinct run_id) from juvonno_history.dq_run_history"
    before = con.execute(q).fetchone()[0]
    open(ready, "w").write(str(before))
    rounds = 0
    while not os.path.exists(go):  # all through the nightly run
        for sql in readme_queries:
            assert con.execute(sql).fetchall(), sql
        rounds += 1
        time.sleep(0.2)
    during = con.execute(q).fetchone()[0]
    con.close()
    con = duckdb.connect(path, read_only=True)
    after = con.execute(q).fetchone()[0]
    print(before, during, after, rounds)
    """
)


def test_second_run_strict_exit_1_history_grows_by_one_and_analyst_is_not_blocked(
    instance: Path, tmp_path: Path
) -> None:
    analysts = instance / "warehouse" / "analysts.duckdb"
    ready, go = tmp_path / "ready", tmp_path / "go"
    analyst = subprocess.Popen(
        [
            sys.executable,
            "-c",
            ANALYST,
            str(analysts),
            str(ready),
            str(go),
            str(REPO / "docs" / "queries"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(300):
            if ready.exists():
                break
            analyst.poll()
            assert analyst.returncode is None, "the analyst process died"
            import time

            time.sleep(0.1)
        first = _history(instance / "warehouse" / "juvonno.duckdb")
        old_latest = os.readlink(instance / "latest")
        done = run_cli(instance, "--as-of", AS_OF, "--strict", "--keep-runs", "2")
        assert done.code == 1, done.console  # --strict: any hit makes it 1
        go.write_text("")
        before, during, after, rounds = (int(x) for x in analyst.communicate(timeout=60)[0].split())
    finally:
        go.write_text("")
        if analyst.poll() is None:
            analyst.kill()
    assert (before, during, after) == (1, 1, 2)  # old marts until reconnecting
    assert rounds >= 3  # the README's queries kept answering while the run built and published
    s = json.loads((instance / "latest" / "summary.json").read_text())
    assert s["outcome"] == "findings" and s["exit_code"] == 1 and s["strict"] is True
    assert os.readlink(instance / "latest") != old_latest
    second = _history(instance / "warehouse" / "juvonno.duckdb")
    assert second[: len(first)] == first  # append-only
    added = second[len(first) :]
    assert len(added) == len(s["rules"]) and {r[0] for r in added} == {s["run_id"]}
    # --keep-runs 2: older run folders pruned, latest kept
    assert len([p for p in (instance / "runs").iterdir() if not p.name.startswith(".")]) <= 2
    assert (instance / "latest" / "report.html").exists()
