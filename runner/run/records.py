"""How a run that took the lock ends: its folder renamed to runs/<id>, old runs
pruned, the notification sent. Shared by published runs, rejected runs (exit 2) and
failure records (exit 3); a published run also switches OUT/latest first (steps.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runner.exit_codes import ExitCode
from runner.export.validate import ValidatedExport
from runner.publish import runs
from runner.run import summary
from runner.run.state import RunState


def reject(run: RunState, export: ValidatedExport) -> ExitCode:
    """Exit 2: every problem on the console; a record in runs/<id>/ (summary.json
    with outcome rejected + run.log); the warehouse and OUT/latest untouched."""
    p = run.progress
    total = export.problem_count
    p.error(f"the export was rejected: {total} problem(s); nothing was built or published")
    for problem in export.problems:
        p.error(f"  {problem}")
    if total > len(export.problems):
        p.error(
            f"  ... {total - len(export.problems)} more of the same kinds (see the first ones above)"
        )
    record = summary.rejected(run, export)
    runs.write_json(run.folder / "summary.json", record)
    finish_record(run, record)
    return ExitCode.BAD_INPUT


def record_failure(run: RunState, code: ExitCode, message: str, outcome: str = "error") -> None:
    """Exit 3 after the lock: keep the run.log (renamed to runs/<id>/) for the operator;
    OUT/latest, the warehouse and the marts stay as they were."""
    if run.run_dir is None or not run.run_dir.exists():
        return
    try:
        record = summary.failure(run, code, message, outcome)
        runs.write_json(run.run_dir / "summary.json", record)
        finish_record(run, record)
    except OSError:
        pass


def finish_record(run: RunState, record: dict[str, Any]) -> None:
    """A run that published nothing: its folder into place, then prune and notify."""
    run.run_dir = runs.finalize(run.out, run.run_id, run.sharing)
    prune(run)
    notify(run, record, None)


def prune(run: RunState) -> None:
    """Keep the newest --keep-runs runs (never the one OUT/latest points at)."""
    pruned = runs.prune(run.out, run.req.keep_runs)
    if pruned:
        run.progress.detail(f"pruned {len(pruned)} old runs: {', '.join(pruned)}")


def notify(run: RunState, record: dict[str, Any], report: Path | None) -> None:
    from runner.publish import notify as notifier

    try:
        notifier.send_all(record, str(report.resolve()) if report else None, run.progress.info)
    except Exception as exc:  # noqa: BLE001 - a notification never fails the run
        run.progress.warn(f"notification failed: {type(exc).__name__}")
