"""One export through the runner's own steps, without dbt's tests and GX: the
later exports of the Spark parity test's history sequence (test_spark_parity.py).

    validate -> prepare_build (state carried from the published run) -> load_raw
    -> dbt build of seeds and models -> results (worklist, run-history rows) -> publish

What the nightly run adds on top (dbt's ~180 tests, GX, monitoring, the report)
is compared through the full CLI on the sample and the generated export; here
the history over a sequence is the point, and on Spark the tests and GX are
two thirds of a run's cost.

For DuckDB it runs as a subprocess beside the Spark steps of the test process
(one dbt adapter per process):
`python -m pytests.parity_steps OUT EXPORT_DIR:AS_OF ...`.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any

SELECTOR = "nightly_models"  # selectors.yml: seeds, snapshots, models; no tests


class StepFailed(Exception):
    pass


def worklist_path(out: Path, as_of: dt.date) -> Path:
    return Path(out) / "steps" / f"{as_of.isoformat()}-worklist.csv"


def run_step(wh: Any, export_dir: Path, as_of: dt.date, out: Path) -> Path:
    """Build and publish one export on `wh`; the worklist.csv the run would write."""
    from runner import dbt
    from runner.export.validate import validate_export
    from runner.publish import results, runs
    from runner.run.state import new_run_id

    started = dt.datetime.now(dt.UTC)
    run_id = new_run_id(started)
    workdir = Path(out) / "work" / run_id
    try:
        export = validate_export(Path(export_dir), workdir, today=dt.date.today())
        if not export.ok:
            raise StepFailed(f"{export_dir}: {len(export.problems)} problems")
        env = dict(wh.prepare_build(run_id))
        try:
            wh.load_raw(export)
            outcome = dbt.build(
                target=wh.target,
                as_of=as_of.isoformat(),
                run_id=run_id,
                target_path=Path(out) / ".dbt" / "target",
                log_path=Path(out) / "steps" / run_id,
                env=env,
                selector=SELECTOR,
            )
            if outcome.errors or outcome.not_built:
                bad = [n.unique_id for n in outcome.errors + outcome.not_built]
                raise StepFailed(f"{wh.target} {as_of}: dbt failed: {bad}")
            findings = results.collect(wh)
            wh.append_history(
                results.history_rows(
                    run_id=run_id,
                    as_of=as_of,
                    started_at=started,
                    finished_at=dt.datetime.now(dt.UTC),
                    rules=findings.rules,
                    outcome="findings" if findings.total_hits else "passed",
                    exit_code=0,
                )
            )
            path = worklist_path(out, as_of)
            path.parent.mkdir(parents=True, exist_ok=True)
            runs.write_csv(path, results.WORKLIST_COLUMNS, findings.worklist)
            wh.publish()
        except BaseException:
            wh.discard()
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return path


def main(argv: list[str]) -> int:
    from runner.warehouse.duckdb import DuckDBWarehouse

    out = Path(argv[0])
    wh = DuckDBWarehouse(out=out)
    for step in argv[1:]:
        export_dir, as_of = step.rsplit(":", 1)
        run_step(wh, Path(export_dir), dt.date.fromisoformat(as_of), out)
        wh.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
