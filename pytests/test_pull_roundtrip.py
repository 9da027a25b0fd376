"""Pull → run equals the file route: the same synthetic export (runner/generate, 200 customers with
planted hits) once as files and once served by the replay server and fetched by `run --pull`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pytests.pull_replay import (
    FAST,
    SENTINEL_KEY,
    Faults,
    ReplayServer,
    api_from_export,
    files_holding,
)
from pytests.test_run_support import AS_OF, CLI, REPO, env_for, pii_values, read_csv, run_cli

pytestmark = pytest.mark.slow  # two full runs


def test_run_pull_gives_the_same_worklist_as_the_file_export(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    from runner.generate import write_export

    write_export(
        generated, customers=200, seed=7, as_of=__import__("datetime").date.fromisoformat(AS_OF)
    )
    (generated / "planted.csv").rename(tmp_path / "planted.csv")
    icbt = (
        tmp_path / "icbt" / "icbt_activity.csv"
    )  # the iCBT platform's file lives apart from the export
    icbt.parent.mkdir()
    shutil.copy(generated / "icbt_activity.csv", icbt)

    by_file = run_cli(tmp_path / "out-files", "--as-of", AS_OF, export=generated)
    assert by_file.code == 0, by_file.console

    pulled = tmp_path / "pulled"
    faults = Faults(every_503=97, every_drop=131, every_429=151, retry_after="1")
    with ReplayServer(api_from_export(generated), SENTINEL_KEY, faults) as server:
        cmd = [
            str(CLI),
            "run",
            "--pull",
            "--api-url",
            server.url,
            "--export-dir",
            str(pulled),
            *FAST,
            "--icbt-file",
            str(icbt),
            "--out",
            str(tmp_path / "out-api"),
            "--as-of",
            AS_OF,
        ]
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            cwd=str(REPO),
            timeout=900,
            env=env_for({"JUVONNO_DQ_API_KEY": SENTINEL_KEY}),
        )
    console = proc.stdout + proc.stderr
    assert proc.returncode == 0, console
    assert server.statuses().get(503) and server.statuses().get(-1) and server.statuses().get(429)

    want = (tmp_path / "out-files" / "latest" / "worklist.csv").read_bytes()
    got = (tmp_path / "out-api" / "latest" / "worklist.csv").read_bytes()
    assert got == want
    planted = {
        (r["customer_id"], r["rule_id"])
        for r in read_csv(tmp_path / "planted.csv")
        if r["kind"] == "hit"
    }
    rows = read_csv(tmp_path / "out-api" / "latest" / "worklist.csv")
    assert {(r["customer_id"], r["rule_id"]) for r in rows} == planted and len(planted) > 50

    assert SENTINEL_KEY not in console
    assert files_holding(tmp_path, SENTINEL_KEY) == []
    assert not [v for v in pii_values(generated) if v in console]
