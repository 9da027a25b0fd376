"""Nightly operation as deploy/ ships it: the systemd unit's sandbox (scored by
systemd's own `systemd-analyze security`), its failure hook, and the cron wrapper,
whose mail must never mistake a missing log folder for an exit code of the runner."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pytests.conftest import require

REPO = Path(__file__).resolve().parents[1]
SYSTEMD = REPO / "deploy" / "systemd"
WRAPPER = REPO / "deploy" / "cron" / "juvonno-dq-nightly"
# The units scored 8.5 and 8.0 ("EXPOSED"); hardened, both score 1.4 ("OK").
MAX_EXPOSURE = 2.5


def _exposure(unit: Path) -> float:
    analyze = shutil.which("systemd-analyze", path=os.environ.get("PATH", "") + ":/usr/bin:/bin")
    require(analyze is not None, "no systemd-analyze (apt-get install systemd)")
    proc = subprocess.run(
        [str(analyze), "security", "--offline=yes", "--no-pager", str(unit)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    return float(found.group(1))


@pytest.mark.parametrize("unit", ["juvonno-dq.service", "juvonno-dq-api.service"])
def test_the_service_units_are_sandboxed(unit: str) -> None:
    assert _exposure(SYSTEMD / unit) < MAX_EXPOSURE


def test_the_api_unit_writes_only_its_export_and_out_and_has_the_failure_hook() -> None:
    service = (SYSTEMD / "juvonno-dq-api.service").read_text()
    writable = re.findall(r"^ReadWritePaths=(\S+)$", service, re.M)
    assert writable == ["/srv/juvonno/api-export", "/srv/juvonno-dq"]
    assert "OnFailure=juvonno-dq-failed@%n.service" in service.splitlines()


def test_the_service_writes_only_out_and_has_a_failure_hook() -> None:
    service = (SYSTEMD / "juvonno-dq.service").read_text()
    settings = [
        line.split("=", 1)
        for line in service.splitlines()
        if "=" in line and not line.startswith("#")
    ]
    writable = [value for key, value in settings if key == "ReadWritePaths"]
    env_example = (SYSTEMD / "env.example").read_text()
    out = re.search(r"^JUVONNO_DQ_OUT=(\S+)", env_example, re.M)
    assert out and writable == [out.group(1)]
    assert ("ProtectSystem", "strict") in [(k, v) for k, v in settings]
    hook = re.search(r"^OnFailure=(juvonno-dq-failed)@%n\.service$", service, re.M)
    assert hook and (SYSTEMD / f"{hook.group(1)}@.service").is_file()


def _wrapper(
    tmp_path: Path, export_dir: Path, *, log_dir: Path
) -> subprocess.CompletedProcess[str]:
    """The cron wrapper against this checkout as the install, a real runner run."""
    out = tmp_path / "out"
    env_file = tmp_path / "env"
    env_file.write_text(
        f"JUVONNO_DQ_EXPORT_DIR={export_dir}\nJUVONNO_DQ_OUT={out}\nDO_NOT_TRACK=1\n"
    )
    config = tmp_path / "juvonno-dq.toml"
    config.write_text("[run]\nkeep_runs = 3\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    env.update(
        JUVONNO_DQ_HOME=str(REPO),
        JUVONNO_DQ_ENV_FILE=str(env_file),
        JUVONNO_DQ_CONFIG_FILE=str(config),
        JUVONNO_DQ_LOG_DIR=str(log_dir),
    )
    return subprocess.run(
        ["/bin/sh", str(WRAPPER)], capture_output=True, text=True, env=env, timeout=300
    )


def test_cron_without_its_log_folder_says_so_and_does_not_start(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()
    proc = _wrapper(tmp_path, tmp_path / "export", log_dir=tmp_path / "missing-logs")
    mail = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "juvonno-dq was not started: its log folder" in mail and "sudo install -d" in mail
    assert "exited" not in mail  # nothing that reads like an exit code of the runner
    assert not (tmp_path / "out").exists()


def test_cron_mails_the_runner_exit_code_with_its_meaning(tmp_path: Path) -> None:
    (tmp_path / "export").mkdir()  # an empty export: rejected, exit 2
    logs = tmp_path / "logs"
    logs.mkdir()
    proc = _wrapper(tmp_path, tmp_path / "export", log_dir=logs)
    assert proc.returncode == 2
    assert proc.stdout.strip().startswith("juvonno-dq run exited 2: the export was rejected")
    assert proc.stderr == ""
    assert "required file is missing" in (logs / "cron.log").read_text()


@pytest.mark.parametrize(
    "unit", ["juvonno-dq.service", "juvonno-dq.timer", "juvonno-dq-failed@.service"]
)
def test_the_readme_installs_every_unit(unit: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = readme.split("## Nightly operation", 1)[1].split("\n## ", 1)[0]
    assert unit in steps or (
        unit.startswith("juvonno-dq.") and "juvonno-dq.{service,timer}" in steps
    )
