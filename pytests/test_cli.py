"""The command line: options come from flags, environment or a TOML file, and a
usage or configuration error is exit 3 (never 2, which means a rejected export)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from runner.exit_codes import ExitCode

CLI = [sys.executable, "-m", "runner.cli"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_bad_option_value_is_exit_3() -> None:
    proc = _run("run", "--export-dir", "x", "--as-of", "2026-13-01")
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "is not a date YYYY-MM-DD" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_config_file_is_exit_3() -> None:
    proc = _run("--config", "/nonexistent/juvonno-dq.toml", "run")
    assert proc.returncode == ExitCode.CANNOT_RUN


def test_broken_toml_is_exit_3(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[run\nexport_dir = 1\n")
    proc = _run("--config", str(config), "run")
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "bad.toml" in proc.stderr


def test_every_run_option_reads_its_environment_variable() -> None:
    proc = _run("run", "--help")
    assert proc.returncode == 0
    for name in (
        "EXPORT_DIR",
        "AS_OF",
        "OUT",
        "TARGET",
        "WAREHOUSE",
        "STRICT",
        "KEEP_RUNS",
        "SHARE_GROUP",
    ):
        assert f"JUVONNO_DQ_{name}" in proc.stdout


def test_config_file_supplies_defaults(tmp_path: Path) -> None:
    config = tmp_path / "juvonno-dq.toml"
    config.write_text("[generate]\ncustomers = 200\nseed = 5\n")
    from_config, from_flags, other_seed = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    common = ("--as-of", "2026-11-20")
    assert (
        _run("--config", str(config), "generate", "--out", str(from_config), *common).returncode
        == 0
    )
    assert (
        _run(
            "generate", "--out", str(from_flags), "--customers", "200", "--seed", "5", *common
        ).returncode
        == 0
    )
    # the environment outranks the file
    assert (
        _run(
            "--config",
            str(config),
            "generate",
            "--out",
            str(other_seed),
            *common,
            env={"JUVONNO_DQ_SEED": "6"},
        ).returncode
        == 0
    )
    same = (from_config / "customers.csv").read_bytes() == (
        from_flags / "customers.csv"
    ).read_bytes()
    differs = (from_config / "customers.csv").read_bytes() != (
        other_seed / "customers.csv"
    ).read_bytes()
    assert same and differs


def test_version() -> None:
    from importlib.metadata import version

    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"juvonno-dq, version {version('juvonno-dq')}"


def test_config_is_accepted_after_the_command_name(tmp_path: Path) -> None:
    config = tmp_path / "juvonno-dq.toml"
    config.write_text("[generate]\ncustomers = 20\nseed = 5\n")
    after, before = tmp_path / "after", tmp_path / "before"
    assert (
        _run(
            "generate", "--config", str(config), "--out", str(after), "--as-of", "2026-11-20"
        ).returncode
        == 0
    )
    assert (
        _run(
            "--config", str(config), "generate", "--out", str(before), "--as-of", "2026-11-20"
        ).returncode
        == 0
    )
    rows = (after / "customers.csv").read_text().count("\n")
    assert (after / "customers.csv").read_bytes() == (before / "customers.csv").read_bytes()
    assert rows < 100  # the file's 20 customers (and a few planted extras), not the default 1000


def test_unknown_key_in_config_is_exit_3_naming_it_and_the_nearest(tmp_path: Path) -> None:
    config = tmp_path / "juvonno-dq.toml"
    config.write_text('[run]\nexport_dir = "x"\nkeep_run = 5\n')
    proc = _run("--config", str(config), "run")
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "unknown key 'keep_run' in [run]" in proc.stderr
    assert "did you mean 'keep_runs'?" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_table_in_config_is_exit_3_naming_it_and_the_nearest(tmp_path: Path) -> None:
    config = tmp_path / "juvonno-dq.toml"
    config.write_text('[runn]\nout = "x"\n')
    proc = _run("generate", "--config", str(config), "--out", str(tmp_path / "g"))
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "unknown table [runn]" in proc.stderr and "did you mean 'run'?" in proc.stderr
    assert not (tmp_path / "g").exists()


def test_a_top_level_value_in_config_is_exit_3(tmp_path: Path) -> None:
    config = tmp_path / "juvonno-dq.toml"
    config.write_text('out = "x"\n')
    proc = _run("--config", str(config), "run")
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert "unknown table [out]" in proc.stderr
