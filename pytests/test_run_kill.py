"""SIGKILL a run at every phase: `latest`, the warehouse and the analysts' marts stay
as they were (or, after the warehouse switch, stay consistent), and a following run
is green.

The run pauses where JUVONNO_DQ_TEST_PAUSE_AT says (it writes
OUT/.test-paused-at-<phase> and sleeps), so the kill lands inside that phase:

| phase | where |
|---|---|
| validate-load | DuckDB: inside validate and load, the first file loaded into the build, the others unread |
| load | raw tables loaded in the build file, before dbt |
| dbt | inside the dbt invocation (after its first node finished; dbt holds the build file) |
| gx | inside the Great Expectations child process |
| publish | run folder written (.partial), nothing switched |
| publish-warehouse | analysts' file written to its temp name, nothing renamed |
| publish-latest | warehouse and run folder in place, OUT/latest not yet switched |
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

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

# One xdist worker runs every test that needs the shared baseline run (one run, not one per worker).
pytestmark = pytest.mark.xdist_group("runner-baseline")


BEFORE_SWITCH = ("validate-load", "load", "dbt", "gx", "publish", "publish-warehouse")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _kill_at(out: Path, phase: str) -> None:
    """SIGKILL the run's main process (only it) while it pauses in `phase`."""
    proc = start_cli(out, "--as-of", AS_OF, env={"JUVONNO_DQ_TEST_PAUSE_AT": phase})
    marker = out / f".test-paused-at-{phase}"
    try:
        wait_for(marker, proc)
        paused_pid = int(marker.read_text())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # The pausing process is the run itself, or (gx) its GX child, which must die with it.
        deadline = time.monotonic() + 10
        while _alive(paused_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(paused_pid), f"process {paused_pid} outlived the killed run"
    finally:
        kill_group(proc)
    marker.unlink()


def _runs_in_history(out: Path) -> int:
    import duckdb

    con = duckdb.connect(str(out / "warehouse" / "juvonno.duckdb"), read_only=True)
    try:
        return con.execute(
            "select count(distinct run_id) from juvonno_history.dq_run_history"
        ).fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("phase", BEFORE_SWITCH)
def test_kill_before_the_switch_changes_nothing(baseline, tmp_path: Path, phase: str) -> None:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path / "out")
    before = state(out)
    _kill_at(out, phase)
    assert state(out) == before
    assert json.loads((out / ".lock").read_text())[
        "run_id"
    ]  # a dead holder's body, recovered by the next run


@pytest.mark.slow
def test_kill_after_the_warehouse_switch_keeps_latest(baseline, tmp_path: Path) -> None:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path / "out")
    before = state(out)
    _kill_at(out, "publish-latest")
    assert os.readlink(out / "latest") == before["latest"]
    assert (out / "latest" / "report.html").exists()
    assert _runs_in_history(out) == 2  # the warehouse moved on; latest did not (documented)


@pytest.mark.slow
def test_kills_in_a_row_then_a_green_run(baseline, tmp_path: Path) -> None:  # noqa: F811
    """Kills one after another on one instance (each run cleaning up after the last:
    a stale lock, build files, a .partial run folder, an analysts' temp file), then
    a run that completes and publishes."""
    out = copy_instance(baseline.out, tmp_path / "out")
    before = state(out)
    for phase in ("validate-load", "load", "dbt", "publish-warehouse"):
        _kill_at(out, phase)
        assert state(out) == before
    done = run_cli(out, "--as-of", AS_OF)
    assert done.code == 0, done.console
    assert "recovered the lock of a run that died" in done.stdout
    assert os.readlink(out / "latest") != before["latest"]
    assert _runs_in_history(out) == 2
    leftovers = [p.name for p in (out / "runs").iterdir() if p.name.endswith(".partial")]
    assert leftovers == [] and list((out / "warehouse" / "build").iterdir()) == []
