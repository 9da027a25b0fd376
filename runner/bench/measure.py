"""Measure one command as a process tree: wall time, CPU time, peak memory.

- wall: monotonic clock around the process;
- CPU: user+sys from wait4's rusage of the child, which includes every descendant
  it waited for (dbt's threads, the GX child process), so nothing that exits
  between two samples is lost;
- peak memory: the largest sum of RSS over the tree seen by sampling every
  50 ms with psutil (ru_maxrss would only give the largest single process);
- load average before and after, because the machine may be shared.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

SAMPLE_SECONDS = 0.05


@dataclass
class Sample:
    wall: float
    cpu: float
    peak_rss_mb: float
    returncode: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def _kill_tree(proc: psutil.Process) -> None:
    try:
        procs = [*proc.children(recursive=True), proc]
    except psutil.Error:
        procs = [proc]
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(procs, timeout=10)


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
) -> Sample:
    """Run cmd to completion (stdout/stderr to `log`, or discarded); measure it."""
    load_before = os.getloadavg()
    sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        started = time.monotonic()
        child = subprocess.Popen(
            list(cmd),
            env=dict(env) if env else None,
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        proc = psutil.Process(child.pid)
        peak = 0
        try:
            while True:
                pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    break
                peak = max(peak, _tree_rss(proc))
                time.sleep(SAMPLE_SECONDS)
        except BaseException:  # interrupted: leave no process behind
            _kill_tree(proc)
            raise
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            sink.close()  # type: ignore[union-attr]
    return Sample(
        wall=round(wall, 3),
        cpu=round(usage.ru_utime + usage.ru_stime, 3),
        peak_rss_mb=round(max(peak, usage.ru_maxrss * 1024) / 1e6, 1),
        returncode=child.returncode,
        load_before=load_before,
        load_after=os.getloadavg(),
    )
