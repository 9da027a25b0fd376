"""The coordinators' files of a run: worklist.csv (open findings),
acknowledged.csv, resolved.csv and worklist.xlsx (open + acknowledged sheets).
All private files written through runner/publish/runs.py, cells spreadsheet-safe.
When the findings were not built nothing is written (an empty worklist would
read as "no findings")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runner.publish import results, runs, workbook


def write(run_dir: Path, findings: Any) -> None:
    if not findings.worklist_available:
        return
    runs.write_csv(run_dir / "worklist.csv", results.WORKLIST_COLUMNS, findings.worklist)
    life = findings.lifecycle
    if not life.available:
        return
    runs.write_csv(run_dir / "acknowledged.csv", results.ACKNOWLEDGED_COLUMNS, life.acknowledged)
    runs.write_csv(run_dir / "resolved.csv", results.RESOLVED_COLUMNS, life.resolved)
    runs.write_bytes(
        run_dir / "worklist.xlsx",
        workbook.workbook_bytes(
            [
                (results.WORKLIST_COLUMNS, findings.worklist),
                (results.ACKNOWLEDGED_COLUMNS, life.acknowledged),
            ]
        ),
    )
