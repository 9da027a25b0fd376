"""A validated export's way to a published run, as named steps:

```
preflight ── prepare build ── load raw ── dbt build ─┬─ GX (its child started before dbt)
(DuckDB: prepare build ── validate and load, then preflight: runner/pipeline.py)
                                                     └─ (a model did not build: GX skipped)
collect results ── verdict ── summary + watch ── history (in the build)
── run files ── publish (warehouse, runs/<id>, latest) ── prune ── notify
```

Each step takes what the one before returned (typed: `Built`, `Verdict`) and says
what it did on `run.progress`. A failure of the warehouse, dbt or GX is raised to
runner/pipeline.py, which discards the build.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runner import interrupts
from runner.checkpoints import Phase
from runner.dbt import DbtOutcome
from runner.exit_codes import ExitCode
from runner.export.validate import ValidatedExport
from runner.gx import step as gx_step
from runner.gx.child import GxChild
from runner.monitor.watch import Watch
from runner.progress import Progress
from runner.publish import results, runs
from runner.run import records, summary
from runner.run.state import CannotRun, RunState, utcnow
from runner.warehouse import Warehouse


@dataclass(frozen=True)
class Built:
    """What dbt and GX made of the build, and what the marts say."""

    dbt: DbtOutcome
    gx: dict[str, Any]  # summary.json's `gx`
    findings: results.Findings


@dataclass(frozen=True)
class Verdict:
    """The run's outcome (passed, findings, failed), its exit code, and whether the
    build may become the warehouse (not when a model did not build)."""

    outcome: str
    code: ExitCode
    publish_warehouse: bool
    finished_at: dt.datetime


def decide(
    dbt: DbtOutcome, gx: Mapping[str, Any], total_hits: int, strict: bool
) -> tuple[str, ExitCode]:
    """(outcome, exit code) of a completed run, per spec/outputs.md."""
    if dbt.errors or dbt.not_built or not gx.get("ok", False):
        return "failed", ExitCode.CHECK_FAILED
    if total_hits:
        return "findings", ExitCode.CHECK_FAILED if strict else ExitCode.OK
    return "passed", ExitCode.OK


def build_and_publish(
    run: RunState,
    wh: Warehouse,
    export: ValidatedExport,
    loaded: Mapping[str, str] | None = None,
) -> ExitCode:
    """loaded: dbt's environment when the build is prepared and the raw layer loaded
    already (DuckDB validates while loading: runner/pipeline.py)."""
    preflight(run)  # fail in seconds, not after the build
    env = prepare_and_load(run, wh, export) if loaded is None else loaded
    built = build(run, wh, env)
    verdict = judge(run, built)
    record = summary.completed(
        run,
        export,
        built.findings,
        built.dbt,
        built.gx,
        verdict.outcome,
        verdict.code,
        verdict.finished_at,
        verdict.publish_warehouse,
    )
    watching = watch(run, wh, built.findings, export, record)
    append_history(run, wh, built.findings, verdict, record, watching)
    built.findings.trend = results.collect_trend(wh)
    from runner.monitor.watch import trend_points

    built.findings.trend_points = trend_points(wh)
    return publish(run, wh, built.findings, record, verdict)


def preflight(run: RunState) -> None:
    """What publishing needs (free space, writable folders), checked before the work."""
    try:
        runs.preflight(run.out, run.run_id)
    except runs.PublishBlocked as exc:
        raise CannotRun(str(exc)) from None


def prepare(run: RunState, wh: Warehouse) -> dict[str, str]:
    """A fresh build with the state carried over; dbt's environment."""
    with run.progress.step("prepare build"):
        return dict(wh.prepare_build(run.run_id))


def prepare_and_load(run: RunState, wh: Warehouse, export: ValidatedExport) -> dict[str, str]:
    """A fresh build with the state carried over, the raw layer loaded; dbt's environment."""
    env = prepare(run, wh)
    with run.progress.step("load raw"):
        wh.load_raw(export)
        run.checkpoints.reached(Phase.LOAD)
    return env


def build(run: RunState, wh: Warehouse, env: Mapping[str, str]) -> Built:
    """One dbt build, GX (its child imports GX while dbt runs), then the results."""
    p = run.progress
    child = GxChild(run.folder, run.folder / "run.log", run.checkpoints) if wh.gx_in_child else None
    try:
        dbt = dbt_build(run, env, wh)
        if dbt.not_built:
            p.warn(
                f"{len(dbt.not_built)} models/seeds/snapshots did not build; Great Expectations skipped"
            )
            gx = gx_step.skipped("skipped: the models did not build")
        else:
            # GX's run name is the run id; the Data Docs' static files are shared in OUT/assets
            docs = gx_step.DataDocs(run.run_id, runs.assets_dir(run.out))
            gx = gx_step.run_gx(p, wh, dbt, run.folder, child, docs)
    finally:
        if child is not None:
            child.close()
    rule_hits = {n.rule_id: int(n.failures or 0) for n in dbt.nodes if n.rule_id}
    findings = results.collect(wh, rule_hits_from_dbt=rule_hits)
    for m in findings.missing:
        p.warn(f"not built: {m}")
    for line in findings.exception_problems:
        p.error(line)
    return Built(dbt=dbt, gx=gx, findings=findings)


class _DbtEvents:
    """dbt's node events: counts for the status line, and the `dbt` checkpoint once
    the first node is done (so a kill test stops the run inside dbt)."""

    def __init__(self, run: RunState) -> None:
        self.run = run
        self.started = 0
        self.done = 0
        # dbt fires these from its worker threads (threads: 2): count under a lock, or
        # two nodes finishing together can both read done == 2 and skip the checkpoint.
        self._lock = threading.Lock()

    def __call__(self, kind: str, unique_id: str, status: str) -> None:
        p = self.run.progress
        with self._lock:
            if kind == "NodeStart":
                self.started += 1
                first_done = False
            else:
                self.done += 1
                first_done = self.done == 1
            done = self.done
        if kind != "NodeStart":
            p.detail(f"dbt {unique_id}: {status}")
        p.update(f"dbt build: {done} nodes done")
        if first_done:
            self.run.checkpoints.reached(Phase.DBT)


def dbt_build(run: RunState, env: Mapping[str, str], wh: Warehouse) -> DbtOutcome:
    from runner import dbt as dbt_mod

    p = run.progress
    with p.step("dbt build"):
        outcome = dbt_mod.build(
            target=run.req.target,
            as_of=run.as_of_date.isoformat(),
            run_id=run.run_id,
            target_path=run.out / ".dbt" / "target",
            log_path=run.folder,
            env=env,
            on_event=_DbtEvents(run),
        )
    outcome = dbt_mod.explain_structure_failures(outcome, wh.query)  # before GX opens the build
    for n in outcome.errors:
        p.detail(f"dbt {n.unique_id}: {n.status}" + (f": {n.message}" if n.message else ""))
    p.info(f"dbt: {_fmt_counts(outcome.counts())}; {len(outcome.errors)} errors")
    return outcome


def judge(run: RunState, built: Built) -> Verdict:
    outcome, code = decide(built.dbt, built.gx, built.findings.total_hits, run.req.strict)
    return Verdict(
        outcome=outcome,
        code=code,
        publish_warehouse=not built.dbt.not_built,
        finished_at=utcnow(),
    )


def watch(
    run: RunState,
    wh: Warehouse,
    findings: results.Findings,
    export: ValidatedExport,
    record: dict[str, Any],
) -> Watch:
    """Populations, anomalies, export age and deltas into the summary (runner/monitor)."""
    from runner.monitor import watch as monitor

    watching = monitor.observe(
        wh,
        run_id=run.run_id,
        as_of=run.as_of_date,
        started_at=run.started_at,
        rule_hits={r["rule_id"]: int(r["hits"]) for r in findings.rules},
        export=export,
        out=run.out,
        sensitivity=run.req.anomaly,
    )
    watching.annotate(record)
    for a in record["anomalies"]["flagged"]:
        run.progress.warn(
            f"anomaly: {a['kind']} {a['key']} {a['value']} ({a['direction']}; median {a['median']:g}, score {a['score']:g})"
        )
    return watching


def append_history(
    run: RunState,
    wh: Warehouse,
    findings: results.Findings,
    verdict: Verdict,
    record: dict[str, Any],
    watching: Watch,
) -> None:
    """This run's rows of dq_run_history and dq_file_history, in the build (published
    with the marts); none when the models did not build."""
    p = run.progress
    if not verdict.publish_warehouse:
        p.warn(
            "models did not build: the warehouse and the analysts' marts stay as they were; no history row"
        )
        return
    with p.step("history"):
        rows = results.history_rows(
            run_id=run.run_id,
            as_of=run.as_of_date,
            started_at=run.started_at,
            finished_at=verdict.finished_at,
            rules=findings.rules,
            outcome=verdict.outcome,
            exit_code=int(verdict.code),
        )
        wh.append_history(watching.history_rows(rows, record))
        wh.append_history(watching.file_rows(record, run.started_at), table="dq_file_history")


def write_run_files(run: RunState, findings: results.Findings, record: dict[str, Any]) -> None:
    from runner.publish import report, worklist_files

    d = run.folder
    worklist_files.write(d, findings)
    runs.write_json(d / "summary.json", record)
    html = report.render(
        {
            "summary": record,
            "worklist": findings.worklist,
            "lifecycle": findings.lifecycle,
            "groups": findings.groups,
            "trend": findings.trend,
            "trend_points": findings.trend_points,
            "invoicing": findings.invoicing,
            "data_docs": (d / "data-docs" / "index.html").exists(),
        }
    )
    runs.write_text(d / "report.html", html)


def publish(
    run: RunState,
    wh: Warehouse,
    findings: results.Findings,
    record: dict[str, Any],
    verdict: Verdict,
) -> ExitCode:
    """The run folder complete, then warehouse, runs/<id> and latest in one critical
    section (a stop signal waits for it); then prune and notify."""
    p = run.progress
    with p.step("publish"):
        write_run_files(run, findings, record)
        run.checkpoints.reached(Phase.PUBLISH)
        preflight(run)  # all or nothing: what every step below needs, before the first one
        with interrupts.deferred():  # a stop signal waits until everything is in place
            if verdict.publish_warehouse:
                wh.publish()
            else:
                wh.discard()
            run.run_dir = runs.finalize(run.out, run.run_id, run.sharing)
            run.checkpoints.reached(Phase.PUBLISH_LATEST)
            runs.switch_latest(run.out, run.run_id)
        if interrupts.received():
            p.warn(
                f"{interrupts.received()} received while publishing: the run was published completely; stopping"
            )
            return verdict.code
        records.prune(run)
    _say_done(p, findings, verdict)
    p.info(f"report: {(run.out / runs.LATEST / 'report.html')}")
    records.notify(run, record, run.folder / "report.html")
    return verdict.code


def _say_done(p: Progress, findings: results.Findings, verdict: Verdict) -> None:
    hit_rules = [r for r in findings.rules if r["hits"]]
    p.info(
        f"{verdict.outcome}: {findings.total_hits} hits on {len(hit_rules)} rules"
        f"{'' if findings.worklist_available else ' (worklist not available)'}; exit {int(verdict.code)}"
    )


def _fmt_counts(counts: dict[str, dict[str, int]]) -> str:
    return (
        "; ".join(
            f"{t} " + ", ".join(f"{n} {s}" for s, n in by.items()) for t, by in counts.items()
        )
        or "no nodes"
    )
