"""Relative paths work for every path option, from every source: the CLI runs as a
subprocess in a temporary working directory, and each path is given relative to it
(flag, JUVONNO_DQ_* variable) or relative to the config file (TOML value).

One full run of the sample export proves a relative --out reaches every step
(Great Expectations' Data Docs refused one before); the other runs stop early
(rejected export: exit 2; history backwards: exit 3) and show where the path went.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runner.exit_codes import ExitCode

CLI = [sys.executable, "-m", "runner.cli"]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    return {**env, **extra}


def _cli(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [*CLI, *args], cwd=cwd, capture_output=True, text=True, env=env or _clean_env(), timeout=900,
    )  # fmt: skip


def _records(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*/summary.json"))]


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory, sample_export: Path) -> Path:
    """A workspace where one full run was made with relative paths for every option:
    cwd ws/a, export ../exports/sample, --out out, --warehouse wh/juvonno.duckdb,
    --config ../conf/juvonno-dq.toml (after the command name)."""
    ws = tmp_path_factory.mktemp("relative")
    shutil.copytree(sample_export, ws / "exports" / "sample")
    (ws / "conf").mkdir()
    (ws / "conf" / "juvonno-dq.toml").write_text("[run]\nkeep_runs = 5\n")
    proc = _cli(
        ws / "a",
        "run", "--config", "../conf/juvonno-dq.toml", "--export-dir", "../exports/sample",
        "--out", "out", "--warehouse", "wh/juvonno.duckdb",
    )  # fmt: skip
    assert proc.returncode == ExitCode.OK, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    instance_dir = ws / "a"
    (instance_dir / "run.stdout").write_text(proc.stdout)
    return ws


def test_a_full_run_with_relative_paths_publishes_everything_under_the_cwd(instance: Path) -> None:
    out = instance / "a" / "out"
    assert (out / "latest" / "report.html").is_file()
    assert (out / "latest" / "data-docs" / "index.html").is_file()
    assert (instance / "a" / "wh" / "juvonno.duckdb").is_file()
    assert (instance / "a" / "wh" / "analysts.duckdb").is_file()
    assert not (out / "warehouse" / "juvonno.duckdb").exists()
    stdout = (instance / "a" / "run.stdout").read_text()
    assert f"report: {out / 'latest' / 'report.html'}" in stdout
    assert f"export {instance / 'exports' / 'sample'}," in stdout
    assert "as-of date 2026-11-20 (from manifest exported_at)" in stdout


@pytest.mark.parametrize("source", ["env", "toml"])
def test_a_relative_warehouse_from_env_or_toml_is_the_same_file(
    instance: Path, source: str
) -> None:
    """A second run with an earlier as-of is refused (exit 3) only if it finds the first
    run's history, i.e. only if the relative --warehouse led to the same file."""
    if source == "env":
        env = _clean_env(
            JUVONNO_DQ_WAREHOUSE="wh/juvonno.duckdb",
            JUVONNO_DQ_OUT="out",
            JUVONNO_DQ_AS_OF="2026-01-01",
        )
        proc = _cli(instance / "a", "run", "--export-dir", "../exports/sample", env=env)
        said = "(from environment JUVONNO_DQ_AS_OF)"
    else:
        conf = instance / "conf" / "wh.toml"  # paths relative to conf/, run from elsewhere
        conf.write_text(
            '[run]\nexport_dir = "../exports/sample"\nout = "../a/out"\n'
            'warehouse = "../a/wh/juvonno.duckdb"\nas_of = "2026-01-01"\n'
        )
        proc = _cli(instance / "elsewhere", "--config", "../conf/wh.toml", "run")
        said = f"(from config file {conf} [run] as_of)"
    assert proc.returncode == ExitCode.CANNOT_RUN, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "history moves forward" in proc.stdout + proc.stderr
    assert f"as-of date 2026-01-01 {said}" in proc.stdout
    assert not (instance / "elsewhere" / "out").exists()


def test_as_of_flag_is_named_as_the_source(instance: Path) -> None:
    proc = _cli(instance / "a", "run", "--export-dir", "../exports/sample", "--out", "out",
                "--warehouse", "wh/juvonno.duckdb", "--as-of", "2026-01-02")  # fmt: skip
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "as-of date 2026-01-02 (from the --as-of flag)" in proc.stdout


@pytest.mark.parametrize("source", ["flag", "env", "toml-before", "toml-after", "config-env"])
def test_relative_export_dir_and_out_from_every_source(tmp_path: Path, source: str) -> None:
    """An empty export folder is rejected (exit 2) in a second: the record lands in the
    --out the relative path names, and the log shows both paths absolute."""
    (tmp_path / "exports" / "empty").mkdir(parents=True)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "c.toml").write_text(
        '[run]\nexport_dir = "../exports/empty"\nout = "../state"\n'
    )
    cwd = tmp_path / "cwd"
    expected_out, expected_export = cwd / "state", tmp_path / "exports" / "empty"
    if source == "flag":
        proc = _cli(cwd, "run", "--export-dir", "../exports/empty", "--out", "state")
    elif source == "env":
        proc = _cli(
            cwd,
            "run",
            env=_clean_env(JUVONNO_DQ_EXPORT_DIR="../exports/empty", JUVONNO_DQ_OUT="state"),
        )
    elif source == "toml-before":
        expected_out = tmp_path / "state"  # relative to the config file's folder
        proc = _cli(cwd, "--config", "../conf/c.toml", "run")
    elif source == "toml-after":
        expected_out = tmp_path / "state"
        proc = _cli(cwd, "run", "--config", "../conf/c.toml")
    else:
        expected_out = tmp_path / "state"
        proc = _cli(cwd, "run", env=_clean_env(JUVONNO_DQ_CONFIG="../conf/c.toml"))
    assert proc.returncode == ExitCode.BAD_INPUT, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert f"export {expected_export}, out {expected_out}," in proc.stdout
    assert [r["outcome"] for r in _records(expected_out)] == ["rejected"]


@pytest.mark.parametrize("source", ["flag", "env", "toml"])
def test_relative_generate_out_from_every_source(tmp_path: Path, source: str) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "g.toml").write_text('[generate]\nout = "../generated"\ncustomers = 20\n')
    cwd = tmp_path / "cwd"
    common = ("--as-of", "2026-11-20")
    if source == "flag":
        proc, where = (
            _cli(cwd, "generate", "--out", "gen", "--customers", "20", *common),
            cwd / "gen",
        )
    elif source == "env":
        env = _clean_env(JUVONNO_DQ_GENERATE_OUT="gen", JUVONNO_DQ_CUSTOMERS="20")
        proc, where = _cli(cwd, "generate", *common, env=env), cwd / "gen"
    else:
        proc, where = (
            _cli(cwd, "generate", "--config", "../conf/g.toml", *common),
            tmp_path / "generated",
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (where / "customers.csv").is_file() and (where / "manifest.json").is_file()
