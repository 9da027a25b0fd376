"""`juvonno-dq bench` keeps working: one run at 10,000 customers writes the table.

A smoke test, not a timed one: it asserts that the benchmark ran all three tools
and wrote BENCHMARKS.md and its JSON, never how fast anything was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from runner.exit_codes import ExitCode

CLI = [sys.executable, "-m", "runner.cli", "bench"]


def _bench(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=dict(os.environ), timeout=timeout
    )


@pytest.mark.slow
def test_bench_at_10k_runs_every_tool_and_writes_the_table(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    proc = _bench(
        "--scales", "10000", "--runs", "1", "--warmup", "0",
        "--bench-dir", str(tmp_path / "bench"), "--report", str(report), timeout=1800,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = report.read_text(encoding="utf-8")
    for tool in ("runner", "floor", "chain"):
        assert f"| 10,000 | {tool} |" in table
    raw = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    tools = raw["scales"][0]["tools"]
    assert set(tools) == {"runner", "floor", "chain"}
    assert all(len(t["runs"]) == 1 for t in tools.values())


def test_bench_refuses_unknown_scales_and_tools_with_exit_3(tmp_path: Path) -> None:
    for args in (("--scales", "ten"), ("--tools", "runner,spark")):
        proc = _bench(
            *args, "--bench-dir", str(tmp_path), "--report", str(tmp_path / "B.md"), timeout=120
        )
        assert proc.returncode == ExitCode.CANNOT_RUN, proc.stderr
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "B.md").exists()
