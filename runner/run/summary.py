"""summary.json of a run: completed (the run in numbers), rejected (the problems), or
a failure record (the one-line reason). Plain data, no personal value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from runner.dbt import DbtOutcome
from runner.exit_codes import ExitCode
from runner.export.validate import ValidatedExport
from runner.publish import results
from runner.run.state import RunState, iso, utcnow


def export_files(export: ValidatedExport) -> list[dict[str, Any]]:
    """The export's files as delivered: table, file name, format, rows, SHA-256."""
    return [
        {
            "table": f.table,
            "file": f.file_name,
            "format": f.format,
            "rows": f.rows,
            "sha256": f.sha256,
        }
        for f in export.files.values()
    ]


def completed(
    run: RunState,
    export: ValidatedExport,
    findings: results.Findings,
    dbt: DbtOutcome,
    gx: dict[str, Any],
    outcome: str,
    code: ExitCode,
    finished: dt.datetime,
    warehouse_published: bool,
) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "as_of": run.as_of_date.isoformat(),
        "started_at": iso(run.started_at),
        "finished_at": iso(finished),
        "outcome": outcome,
        "exit_code": int(code),
        "strict": bool(run.req.strict),
        "target": run.req.target,
        "files": export_files(export),
        "raw_rows": findings.raw_rows,
        "rules": results.summary_rules(findings),
        "total_hits": findings.total_hits,
        "worklist": results.summary_worklist(findings),
        "groups": findings.groups,
        "dbt": {
            "success": dbt.success,
            "counts": dbt.counts(),
            "errors": [
                {
                    "unique_id": n.unique_id,
                    "resource_type": n.resource_type,
                    "status": n.status,
                    "failures": n.failures,
                }
                for n in dbt.errors
            ],
            "rule_tests": {
                n.rule_id: {"status": n.status, "failures": n.failures}
                for n in dbt.nodes
                if n.rule_id
            },
            "elapsed_seconds": round(dbt.elapsed, 2),
        },
        "gx": gx,
        "notices": run.notices,
        "orphans": findings.orphans,
        "warehouse_published": warehouse_published,
        "not_built": findings.missing,
    }


def rejected(run: RunState, export: ValidatedExport) -> dict[str, Any]:
    """Exit 2: the export's files and every problem (masked, runner/export/problems.py)."""
    return {
        "run_id": run.run_id,
        "as_of": run.req.as_of.isoformat() if run.req.as_of else None,
        "started_at": iso(run.started_at),
        "finished_at": iso(utcnow()),
        "outcome": "rejected",
        "exit_code": int(ExitCode.BAD_INPUT),
        "files": export_files(export),
        "problem_count": export.problem_count,
        "problems": [str(x) for x in export.problems],
        "notices": run.notices,
        "rules": [],
    }


def failure(run: RunState, code: ExitCode, message: str, outcome: str) -> dict[str, Any]:
    """Exit 3 after the lock (outcome error or interrupted) and its one-line reason."""
    return {
        "run_id": run.run_id,
        "as_of": run.as_of.isoformat() if run.as_of else None,
        "started_at": iso(run.started_at),
        "finished_at": iso(utcnow()),
        "outcome": outcome,
        "exit_code": int(code),
        "message": message,
        "rules": [],
    }
