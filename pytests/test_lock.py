"""The instance lock: one run per OUT, a dead holder's lock recovered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runner.lock import LockHeld, RunLock, read_holder


def test_second_acquire_is_refused_naming_the_holder(tmp_path: Path) -> None:
    with RunLock(tmp_path, "run-a", started_at="2026-11-27T01:00:00Z"):
        with pytest.raises(LockHeld) as info:
            RunLock(tmp_path, "run-b").acquire()
        message = info.value.describe()
        assert (
            "run-a" in message
            and f"pid {os.getpid()}" in message
            and "2026-11-27T01:00:00Z" in message
        )
        assert read_holder(tmp_path)["run_id"] == "run-a"
    assert read_holder(tmp_path) is None
    with RunLock(tmp_path, "run-b") as lock:  # free again
        assert lock.stale is None


def test_lock_file_is_private_and_kept(tmp_path: Path) -> None:
    with RunLock(tmp_path, "run-a"):
        pass
    assert (tmp_path / ".lock").exists()
    assert (tmp_path / ".lock").stat().st_mode & 0o077 == 0


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from runner.lock import RunLock
    lock = RunLock(Path(sys.argv[1]), "dead-run").acquire()
    print("locked", flush=True)
    time.sleep(600)
    """
)


def test_lock_of_a_sigkilled_run_is_recovered(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(LockHeld) as info:
            RunLock(tmp_path, "next").acquire()
        assert info.value.holder["pid"] == proc.pid and info.value.holder["run_id"] == "dead-run"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # The body is still there (the process had no chance to clean up) ...
    assert json.loads((tmp_path / ".lock").read_text())["run_id"] == "dead-run"
    # ... but the kernel released the flock, so the next run takes it and says so.
    start = time.monotonic()
    with RunLock(tmp_path, "next") as lock:
        assert time.monotonic() - start < 1
        assert lock.stale and lock.stale["run_id"] == "dead-run" and lock.stale["pid"] == proc.pid
        assert json.loads((tmp_path / ".lock").read_text())["run_id"] == "next"
