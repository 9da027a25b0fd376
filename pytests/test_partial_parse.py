"""The nightly change of as-of date and run id keeps dbt's partial parse: both reach
the compiled SQL, and the second night's parse finds nothing to re-parse (a value
read by env_var() while parsing would make dbt re-parse every file that reads it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _compile(tmp: Path, night: int, as_of: str, run_id: str) -> tuple[str, str]:
    logs = tmp / f"logs-{night}"
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "JUVONNO_DQ_DUCKDB_PATH": str(tmp / "juvonno.duckdb"),
        "JUVONNO_DQ_AS_OF_DATE": as_of,
        "JUVONNO_DQ_RUN_ID": run_id,
    }
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run(
        [
            str(dbt),
            "compile",
            "--select",
            "sop_findings_history",
            "int_appointment_facts",
            "--project-dir",
            str(REPO),
            "--profiles-dir",
            str(REPO),
            "--target",
            "duckdb",
            "--target-path",
            str(tmp / "target"),
            "--log-path",
            str(logs),
            "--no-send-anonymous-usage-stats",
            "--quiet",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    compiled = "".join(
        next((tmp / "target" / "compiled").rglob(f"{model}.sql")).read_text(encoding="utf-8")
        for model in ("sop_findings_history", "int_appointment_facts")
    )
    return compiled, (logs / "dbt.log").read_text(encoding="utf-8")


def test_a_new_night_compiles_its_values_without_a_reparse(tmp_path: Path) -> None:
    first_sql, _ = _compile(tmp_path, 1, "2026-11-19", "run-night-1")
    assert "run-night-1" in first_sql and "2026-11-19" in first_sql
    second_sql, log = _compile(tmp_path, 2, "2026-11-20", "run-night-2")
    assert "run-night-2" in second_sql and "2026-11-20" in second_sql
    assert "run-night-1" not in second_sql and "2026-11-19" not in second_sql
    assert "Partial parsing enabled, no changes found, skipping parsing" in log
