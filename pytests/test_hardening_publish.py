"""Issue 11, attacks 7 and 9: a publish that cannot complete changes nothing, and a
stop signal (SIGTERM from systemd, SIGINT from Ctrl-C) is a recorded, clean exit 3.

Real `juvonno-dq run` subprocesses on a copy of the shared baseline instance; the
run pauses where JUVONNO_DQ_TEST_PAUSE_AT says (runner/checkpoints.py) and
the test sends the signal to the run's main process only, as `kill` would."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import duckdb
import pytest

from pytests.test_run_support import (  # noqa: F401 - fixture
    AS_OF,
    baseline,
    copy_instance,
    kill_group,
    run_cli,
    start_cli,
    state,
    wait_for,
)
from runner.lock import read_holder
from runner.publish.runs import PublishBlocked, make_partial, preflight

pytestmark = pytest.mark.xdist_group("runner-baseline")


def _history(out: Path) -> list[tuple]:
    con = duckdb.connect(str(out / "warehouse" / "juvonno.duckdb"), read_only=True)
    try:
        return con.execute(
            "select run_id, outcome from juvonno_history.dq_run_history order by 1, 2"
        ).fetchall()
    finally:
        con.close()


def _records(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in (out / "runs").glob("*/summary.json")}


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _signal_at(
    out: Path, phase: str, signum: int, pause_seconds: str = "600"
) -> tuple[int, str, int]:
    """Start a run, send `signum` to it while it pauses in `phase`; (exit code, console, paused pid)."""
    env = {"JUVONNO_DQ_TEST_PAUSE_AT": phase, "JUVONNO_DQ_TEST_PAUSE_SECONDS": pause_seconds}
    proc = start_cli(out, "--as-of", AS_OF, env=env)
    marker = out / f".test-paused-at-{phase}"
    try:
        wait_for(marker, proc)
        paused_pid = int(marker.read_text())
        os.kill(proc.pid, signum)
        console, _ = proc.communicate(timeout=120)
    finally:
        kill_group(proc)
    marker.unlink()
    return proc.returncode, console, paused_pid


# -- 7. publish preflight ---------------------------------------------------------------


def test_preflight_refuses_a_latest_that_is_not_a_symlink(tmp_path: Path) -> None:
    out = tmp_path / "out"
    make_partial(out, "r1")
    preflight(out, "r1")  # absent: fine
    os.symlink("runs/r0", out / "latest")
    preflight(out, "r1")  # a (even dangling) symlink: fine
    (out / "latest").unlink()
    (out / "latest").mkdir()
    with pytest.raises(PublishBlocked, match="is a folder, not the symbolic link"):
        preflight(out, "r1")
    (out / "latest").rmdir()
    (out / "latest").write_text("x")
    with pytest.raises(PublishBlocked, match="is a file"):
        preflight(out, "r1")


def test_latest_replaced_by_a_folder_changes_nothing(baseline, tmp_path: Path) -> None:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path / "out")
    target = out / os.readlink(out / "latest")
    (out / "latest").unlink()
    (out / "latest").mkdir()
    before = state(out)
    history = _history(out)
    done = run_cli(out, "--as-of", AS_OF)
    assert done.code == 3, done.console
    assert "is a folder, not the symbolic link" in done.stdout
    assert "Traceback" not in done.console
    assert (
        state(out) == before and _history(out) == history
    )  # warehouse, marts, history as they were
    failed = [r for r in _records(out).values() if r["exit_code"] == 3]
    assert len(failed) == 1 and failed[0]["outcome"] == "error"
    assert all(
        r["outcome"] != "error" or r["run_id"] not in {h[0] for h in history}
        for r in _records(out).values()
    )
    assert target.is_dir()


# -- 9. signals -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("phase", "signum"),
    [("load", signal.SIGTERM), ("gx", signal.SIGINT), ("publish", signal.SIGTERM)],
)
def test_stop_signal_is_a_recorded_exit_3_that_changes_nothing(
    baseline,  # noqa: F811
    tmp_path: Path,
    phase: str,
    signum: int,
) -> None:
    out = copy_instance(baseline.out, tmp_path / "out")
    before = state(out)
    history = _history(out)
    code, console, paused_pid = _signal_at(out, phase, signum)
    name = signal.Signals(signum).name
    assert code == 3, console
    lines = [line for line in console.splitlines() if "interrupted" in line]
    assert len(lines) == 1 and f"interrupted by {name}" in lines[0], console
    assert "Traceback" not in console
    assert state(out) == before and _history(out) == history
    assert read_holder(out) is None  # the lock is released
    assert (out / ".lock").read_text() == ""  # released cleanly, not left by a dead holder
    interrupted = [
        (run_id, r) for run_id, r in _records(out).items() if r["outcome"] == "interrupted"
    ]
    assert len(interrupted) == 1
    run_id, record = interrupted[0]
    assert record["exit_code"] == 3 and record["message"] == f"interrupted by {name}"
    assert f"interrupted by {name}" in (out / "runs" / run_id / "run.log").read_text()
    assert not [p for p in (out / "runs").iterdir() if p.name.endswith(".partial")]
    assert not list((out / "warehouse" / "build").iterdir())
    deadline = time.monotonic() + 10
    while _alive(paused_pid) and time.monotonic() < deadline:  # the GX child too
        time.sleep(0.1)
    assert not _alive(paused_pid)


@pytest.mark.slow
def test_sigterm_between_finalize_and_latest_switch_completes_the_publish(
    baseline,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The critical section (warehouse renames, run folder rename, latest switch) runs to
    its end: latest, the marts and history agree on the new run."""
    out = copy_instance(baseline.out, tmp_path / "out")
    before = state(out)
    code, console, _ = _signal_at(out, "publish-latest", signal.SIGTERM, pause_seconds="3")
    assert code == 0, console
    assert "SIGTERM received while publishing: the run was published completely" in console
    after = state(out)
    assert (
        after["latest"] != before["latest"]
        and after["analysts.duckdb"] != before["analysts.duckdb"]
    )
    new_run = Path(after["latest"]).name
    summary = json.loads((out / "latest" / "summary.json").read_text())
    assert summary["run_id"] == new_run and summary["outcome"] == "findings"
    assert {o for r, o in _history(out) if r == new_run} == {"findings"}
    assert read_holder(out) is None
