"""The run's Great Expectations step: validate the build, report its outcome as counts.

Where GX runs is the warehouse's choice (`Warehouse.validate_with_gx`): DuckDB and
PostgreSQL in the child started before dbt (runner/gx/child.py), Spark in process on
its own DataFrames (`in_process`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.dbt import DbtOutcome
from runner.gx.child import GxChild, GxFailed
from runner.progress import Progress, one_line

if TYPE_CHECKING:
    from runner.expectations import GxOutcome
    from runner.warehouse import Warehouse


@dataclass(frozen=True)
class DataDocs:
    """The run's Data Docs: GX's run name (the run id) and the folder their static
    files are shared in (OUT/assets; runner/gx/docs.py)."""

    run_name: str
    shared_assets: Path

    def kwargs(self) -> dict[str, str]:
        """run_expectations()'s keyword arguments (plain strings: they cross a pipe)."""
        return {"run_name": self.run_name, "shared_assets": str(self.shared_assets)}


def docs_kwargs(docs: DataDocs | None) -> dict[str, str]:
    return docs.kwargs() if docs is not None else {}


def run_gx(
    progress: Progress,
    wh: Warehouse,
    dbt: DbtOutcome,
    run_dir: Path,
    child: GxChild | None,
    docs: DataDocs | None = None,
) -> dict[str, Any]:
    """GX on the build (dbt's connection is closed by now); summary.json's `gx`."""
    rule_hits = {n.rule_id: int(n.failures or 0) for n in dbt.nodes if n.rule_id}
    with progress.step("great expectations"):
        outcome = wh.validate_with_gx(run_dir, rule_hits, child, docs)
    gx = summarise_gx(outcome)
    for e in gx["error_messages"]:
        progress.detail(f"GX: {e}")
    progress.info(
        f"GX: {gx['suites']} suites, {gx['failed_suites']} failed; {gx['expectations_evaluated']} expectations, "
        f"{gx['expectations_failed']} failed; {gx['mismatches']} reconciliation mismatches"
    )
    return gx


def skipped(reason: str) -> dict[str, Any]:
    """summary.json's `gx` when GX did not run (the models did not build)."""
    return {"available": False, "ok": False, "reason": reason}


def in_child(
    child: GxChild | None,
    url: str,
    rule_hits: dict[str, int],
    schema: str,
    docs: DataDocs | None = None,
) -> GxOutcome:
    """A SQL warehouse's GX: in the child started before dbt, on `<schema>_<layer>`."""
    if child is None:
        raise GxFailed("no Great Expectations process was started for this run")
    kwargs = {"schema_prefix": schema, **docs_kwargs(docs)}
    outcome: GxOutcome = child.run(url, rule_hits, kwargs)
    return outcome


def in_process(validate: Callable[[], GxOutcome]) -> GxOutcome:
    """A warehouse's own GX run (Spark); a failure is GxFailed, its traceback in run.log."""
    try:
        return validate()
    except Exception as exc:  # reported as GX failing, as from the child
        logging.getLogger("juvonno_dq.gx").exception("Great Expectations failed")
        raise GxFailed(f"{type(exc).__name__}: {one_line(exc)}") from None


def summarise_gx(o: GxOutcome) -> dict[str, Any]:
    """Counts from runner.expectations.GxOutcome for summary.json (no data values)."""
    suites = list(o.suites)
    errors = [str(e) for e in o.errors]
    return {
        "available": True,
        "ok": bool(o.success),
        "suites": len(suites),
        "suite_results": [
            {
                "name": s.name,
                "kind": s.kind,
                "evaluated": s.evaluated,
                "successful": s.successful,
                "failed": s.failed,
                "errored": s.errored,
            }
            for s in suites
        ],
        "failed_suites": sum(1 for s in suites if s.failed),
        "failed_sop_suites": sum(1 for s in suites if s.failed and s.kind == "sop"),
        "expectations_evaluated": sum(int(s.evaluated) for s in suites),
        "expectations_failed": sum(int(s.failed) for s in suites),
        "expectations_errored": sum(int(s.errored) for s in suites),
        "mismatches": len(o.mismatches),
        "mismatched_rules": [
            {"rule_id": m.rule_id, "gx_count": m.gx_count, "dbt_count": m.dbt_count}
            for m in o.mismatches
        ],
        "reconciled_rules": len(o.reconciled_rules),
        "errors": len(errors),
        "error_messages": errors,
        "data_docs": o.data_docs_index,
        "seconds": o.seconds,
        "reason": "",
    }
