"""Helpers and shared fixtures for the runner's end-to-end tests (no tests here).

Full runs go through the real console script (`.venv/bin/juvonno-dq run`) in a
subprocess, non-interactive (stdout is a pipe), each in a private OUT folder.
A full run costs about a minute on a 2-CPU machine (dbt parse + build, GX), so
the tests share runs: `baseline` is one published run of the sample export per
test session (per xdist worker), which tests copy instead of re-running.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytests.conftest import REPO, SAMPLE_EXPORT

CLI = Path(sys.executable).parent / "juvonno-dq"
AS_OF = "2026-11-20"
PII_COLUMNS = ("first_name", "last_name", "email", "phone", "date_of_birth")


@dataclass
class Completed:
    code: int
    stdout: str
    stderr: str
    out: Path

    @property
    def console(self) -> str:
        return self.stdout + self.stderr

    def summary(self) -> dict:
        return json.loads((self.out / "latest" / "summary.json").read_text())


def env_for(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    env.update(
        {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    )
    env.update(extra or {})
    return env


def run_cli(
    out: Path,
    *args: str,
    export: Path = SAMPLE_EXPORT,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> Completed:
    cmd = [str(CLI), "run", "--export-dir", str(export), "--out", str(out), *args]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env_for(env), timeout=timeout, cwd=str(REPO)
    )
    return Completed(proc.returncode, proc.stdout, proc.stderr, out)


def start_cli(
    out: Path, *args: str, export: Path = SAMPLE_EXPORT, env: dict[str, str] | None = None
) -> subprocess.Popen:
    cmd = [str(CLI), "run", "--export-dir", str(export), "--out", str(out), *args]
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env_for(env),
        cwd=str(REPO),
        start_new_session=True,
    )


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 400) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(
                f"the run ended (exit {proc.returncode}) before reaching {path.name}:\n{out}"
            )
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {path}")


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the run and its children (the GX child dies with its parent anyway)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(out: Path) -> dict[str, str | None]:
    """What a killed or refused run must not change."""
    wh = out / "warehouse"
    return {
        "latest": os.readlink(out / "latest") if (out / "latest").is_symlink() else None,
        "juvonno.duckdb": sha(wh / "juvonno.duckdb") if (wh / "juvonno.duckdb").exists() else None,
        "analysts.duckdb": sha(wh / "analysts.duckdb")
        if (wh / "analysts.duckdb").exists()
        else None,
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def pii_values(export: Path = SAMPLE_EXPORT) -> set[str]:
    """Personal values of the sample export long enough to be recognisable."""
    values: set[str] = set()
    for name in ("customers.csv", "staff.csv"):
        for row in read_csv(export / name):
            for col in PII_COLUMNS:
                v = (row.get(col) or "").strip()
                if len(v) >= 5:
                    values.add(v)
    return values


def copy_instance(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


_BASELINE: list[Completed] = []


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Completed:
    """One published run of the sample export (as of 2026-11-20), shared by the
    session: every module imports this fixture, the run itself is cached here."""
    if not SAMPLE_EXPORT.is_dir():
        pytest.skip(f"no sample export at {SAMPLE_EXPORT}")
    if not _BASELINE:
        out = tmp_path_factory.mktemp("baseline") / "out"
        started = time.monotonic()
        done = run_cli(out, "--as-of", AS_OF)
        done.seconds = time.monotonic() - started  # type: ignore[attr-defined]
        assert done.code == 0, done.console
        _BASELINE.append(done)
    return _BASELINE[0]
