"""The nightly job: lock, validate, load, dbt build, Great Expectations, publish.

```
lock OUT/.lock ── validate ──(problems)──> exit 2: a rejected record in runs/<id>/, nothing else touched
                    │
                 as-of (--as-of, else the manifest's exported_at date as written, else today)
                    │
                 history moves forward? ──(no)──> exit 3
                    │
                 prepare_build (fresh build file, snapshots + history carried over)
                 load_raw ── dbt build (one invocation) ── GX (after dbt has closed its connection)
                    │
                 collect results (marts, seeds, history) ── append history (in the build)
                    │
                 write OUT/runs/.<id>.partial/ completely ── warehouse.publish (renames)
                 ── rename to runs/<id> ── switch OUT/latest ── prune ── notify
```

Exit codes follow spec/outputs.md (runner/exit_codes.py). Anything unexpected is
exit 3 with a one-line message; the traceback goes to run.log only.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner import interrupts
from runner.exit_codes import ExitCode
from runner.gx.child import GxChild, GxFailed, run_gx_isolated  # noqa: F401 - run_gx_isolated: public before
from runner.progress import Progress, test_pause

ERROR_SEVERITY = "error"


@dataclass
class RunRequest:
    export_dir: Path
    as_of: dt.date | None = None
    out: Path = Path("dq-output")
    target: str = "duckdb"
    warehouse: Path | None = None
    strict: bool = False
    keep_runs: int = 90
    share_group: str | None = None  # readable by this Unix group (runner/publish/sharing.py)
    as_of_source: str = (
        "--as-of"  # where a given as_of came from, for the log (runner/config.py source_of)
    )
    anomaly: Any = None  # runner.monitor.anomaly.Sensitivity (its defaults when None)

    def __post_init__(self) -> None:
        # The CLI passes absolute paths already; a caller in Python gets the same
        # guarantee (GX's Data Docs config, for one, refuses a relative folder).
        self.export_dir = Path(os.path.abspath(self.export_dir))
        self.out = Path(os.path.abspath(self.out))
        if self.warehouse is not None:
            self.warehouse = Path(os.path.abspath(self.warehouse))


class CannotRun(Exception):
    """A known reason the run cannot be done (exit 3), said in one line."""


def new_run_id(now: dt.datetime) -> str:
    """Sorts by start time; unique enough for two runs in one second."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _iso(t: dt.datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def resolve_as_of(
    requested: dt.date | None, exported_at: Any, today: dt.date, requested_source: str = "--as-of"
) -> tuple[dt.date, str]:
    """(as-of date, where it came from). exported_at's date is the date *as written*
    (its first 10 characters), never converted between time zones. requested_source
    says where a requested date came from (flag, environment, config file, demo)."""
    if requested is not None:
        return requested, requested_source
    if exported_at:
        if isinstance(exported_at, dt.datetime):
            return exported_at.date(), "manifest exported_at"
        if isinstance(exported_at, dt.date):
            return exported_at, "manifest exported_at"
        try:
            return dt.date.fromisoformat(str(exported_at).strip()[:10]), "manifest exported_at"
        except ValueError:
            raise CannotRun(
                f"manifest.json exported_at {str(exported_at)[:40]!r} does not start with a date YYYY-MM-DD"
            ) from None
    return today, "today"


@dataclass
class _Run:
    req: RunRequest
    progress: Progress
    run_id: str
    started_at: dt.datetime
    run_dir: Path | None = None
    as_of: dt.date | None = None
    notices: list[str] = field(default_factory=list)
    sharing: Any = None  # runner.publish.sharing.Sharing of --share-group


def run_pipeline(req: RunRequest, progress: Progress | None = None) -> ExitCode:
    """Run once; returns the exit code (never raises, never prints a traceback)."""
    old_umask = os.umask(0o077)  # every file and folder this run creates is private
    progress = progress or Progress()
    started = _utcnow()
    run = _Run(req=req, progress=progress, run_id=new_run_id(started), started_at=started)
    try:
        with interrupts.handled():
            return _run_locked(run)
    except KeyboardInterrupt:
        progress.error(f"interrupted by {interrupts.received() or 'SIGINT'}; nothing was published")
        return ExitCode.CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        progress.exception(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} (traceback in run.log)"
        )
        return ExitCode.CANNOT_RUN
    finally:
        progress.close()
        os.umask(old_umask)


def _run_locked(run: _Run) -> ExitCode:
    from runner.lock import LockHeld, RunLock

    req, p = run.req, run.progress
    out = Path(req.out)
    try:
        if out.exists() and not out.is_dir():
            raise CannotRun(f"--out {out} is not a folder")
        run.sharing = _sharing(req.share_group)
        lock = RunLock(out, run.run_id, started_at=_iso(run.started_at)).acquire()
    except LockHeld as exc:
        p.error(f"cannot run: {exc.describe()}")
        return ExitCode.CANNOT_RUN
    except CannotRun as exc:
        p.error(f"cannot run: {exc}")
        return ExitCode.CANNOT_RUN
    except OSError as exc:
        p.error(f"cannot run: cannot use --out {out}: {exc.strerror or exc}")
        return ExitCode.CANNOT_RUN
    try:
        return _run(run, lock)
    finally:
        lock.release()


def _run(run: _Run, lock: Any) -> ExitCode:
    from runner.publish import runs

    req, p = run.req, run.progress
    out = Path(req.out)
    removed = runs.cleanup_partials(out, keep=run.run_id)
    run.run_dir = runs.make_partial(out, run.run_id, run.sharing)
    p.attach_file(run.run_dir / "run.log")
    p.info(f"run {run.run_id}: export {req.export_dir}, out {out}, target {req.target}")
    if lock.stale:
        p.warn(
            f"recovered the lock of a run that died: run_id {lock.stale.get('run_id', '?')}, "
            f"pid {lock.stale.get('pid', '?')}, started_at {lock.stale.get('started_at', '?')}"
        )
    if removed:
        p.detail(f"removed what killed runs left: {', '.join(sorted(removed))}")

    try:
        return _stages(run)
    except KeyboardInterrupt:
        return _interrupted(run)
    except CannotRun as exc:
        if interrupts.received():  # dbt turns an interruption into a failed invocation
            return _interrupted(run)
        p.error(f"cannot run: {exc}")
        _record_failure(run, ExitCode.CANNOT_RUN, str(exc))
        return ExitCode.CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - traceback to run.log, one line on the console
        if interrupts.received():
            return _interrupted(run)
        p.exception(
            f"internal error: {type(exc).__name__}: {_one_line(exc)} (traceback in run.log)"
        )
        _record_failure(run, ExitCode.CANNOT_RUN, f"internal error: {type(exc).__name__}")
        return ExitCode.CANNOT_RUN


def _interrupted(run: _Run) -> ExitCode:
    """SIGTERM/SIGINT before the publish: the build is discarded (by _stages), the run
    recorded as interrupted, exit 3. One line on the console."""
    name = interrupts.received() or "SIGINT"
    with interrupts.deferred():
        run.progress.error(f"interrupted by {name}: the run stopped; nothing was published")
        _record_failure(run, ExitCode.CANNOT_RUN, f"interrupted by {name}", outcome="interrupted")
    return ExitCode.CANNOT_RUN


def _stages(run: _Run) -> ExitCode:
    from runner.dbt import DbtCannotRun
    from runner.export.validate import validate_export
    from runner.warehouse import WarehouseError, open_warehouse

    req, p = run.req, run.progress
    out = Path(req.out)

    # -- configuration first: a bad target is exit 3 before any work ---------------
    try:
        wh = open_warehouse(req.target, out, req.warehouse)
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from None
    except ImportError as exc:
        raise CannotRun(f"target {req.target!r} is not available: {exc}") from None

    # -- validate -----------------------------------------------------------------
    workdir = out / "work" / run.run_id
    try:
        with p.step("validate export"):
            export = validate_export(Path(req.export_dir), workdir, today=dt.date.today())
        run.notices = [str(n) for n in export.notices]
        for n in run.notices:
            p.detail(f"notice: {n}")
        if not export.ok:
            return _reject(run, export)
        p.info(
            f"export ok: {len(export.files)} files, {sum(f.rows for f in export.files.values())} rows, {len(run.notices)} notices"
        )

        exported_at = export.manifest_exported_at
        run.as_of, source = resolve_as_of(req.as_of, exported_at, dt.date.today(), req.as_of_source)
        p.info(f"as-of date {run.as_of.isoformat()} (from {source})")

        # -- the warehouse: reachable, history moves forward -----------------------
        try:
            wh.check_reachable()
            latest = wh.latest_as_of()
        except WarehouseError as exc:
            raise CannotRun(str(exc)) from None
        if latest is not None and run.as_of < latest:
            raise CannotRun(
                f"history moves forward: as-of {run.as_of.isoformat()} is earlier than the latest run in this "
                f"instance's history ({latest.isoformat()}); use another --out for back-filling"
            )
        if hasattr(wh, "cleanup_stale"):
            wh.cleanup_stale()

        try:
            return _build_and_publish(run, wh, export)
        except (WarehouseError, DbtCannotRun, GxFailed) as exc:
            wh.discard()
            raise CannotRun(str(exc)) from None
        except BaseException:
            wh.discard()
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            (out / "work").rmdir()
        except OSError:
            pass


def _build_and_publish(run: _Run, wh: Any, export: Any) -> ExitCode:
    req, p = run.req, run.progress
    out = Path(req.out)
    assert run.as_of is not None and run.run_dir is not None

    _preflight(run)  # fail in seconds, not after the build
    with p.step("prepare build"):
        env = dict(wh.prepare_build(run.run_id))
    with p.step("load raw"):
        wh.load_raw(export)
        test_pause("load", out)
    # GX imports and builds its suites in a child while dbt runs (runner/gx/child.py)
    # (a warehouse with its own GX, Spark, runs it in process afterwards instead)
    in_process = hasattr(wh, "run_expectations")
    gx_child = None if in_process else GxChild(Path(run.run_dir), out, run.run_dir / "run.log")
    try:
        return _dbt_gx_publish(run, wh, export, env, gx_child)
    finally:
        if gx_child is not None:
            gx_child.close()


def _dbt_gx_publish(
    run: _Run, wh: Any, export: Any, env: dict[str, str], gx_child: GxChild | None
) -> ExitCode:
    from runner import dbt as dbt_mod
    from runner.publish import results as res
    from runner.publish import runs

    req, p = run.req, run.progress
    out = Path(req.out)
    assert run.as_of is not None and run.run_dir is not None

    # -- dbt: one invocation ------------------------------------------------------
    counts = {"done": 0, "started": 0}
    paused = {"done": False}

    def on_event(kind: str, unique_id: str, status: str) -> None:
        if kind == "NodeStart":
            counts["started"] += 1
        else:
            counts["done"] += 1
            p.detail(f"dbt {unique_id}: {status}")
            if not paused["done"]:
                paused["done"] = True
                test_pause("dbt", out)
        p.update(f"dbt build: {counts['done']} nodes done")

    with p.step("dbt build"):
        outcome = dbt_mod.build(
            target=req.target,
            as_of=run.as_of.isoformat(),
            run_id=run.run_id,
            target_path=out / ".dbt" / "target",
            log_path=run.run_dir,
            env=env,
            on_event=on_event,
        )
    for n in outcome.errors:
        p.detail(f"dbt {n.unique_id}: {n.status}" + (f": {n.message}" if n.message else ""))
    p.info(f"dbt: {_fmt_counts(outcome.counts())}; {len(outcome.errors)} errors")

    # -- Great Expectations (dbt's connection is closed by now) ------------------
    if outcome.not_built:
        p.warn(
            f"{len(outcome.not_built)} models/seeds/snapshots did not build; Great Expectations skipped"
        )
        gx = {"available": False, "ok": False, "reason": "skipped: the models did not build"}
    else:
        gx = _run_gx(run, wh, outcome, gx_child)

    # -- results ----------------------------------------------------------------
    rule_hits_dbt = {n.rule_id: int(n.failures or 0) for n in outcome.nodes if n.rule_id}
    findings = res.collect(wh.query, rule_hits_from_dbt=rule_hits_dbt)
    for m in findings.missing:
        p.warn(f"not built: {m}")
    for line in findings.exception_problems:
        p.error(line)
    outcome_name, code = decide(outcome, gx, findings.total_hits, req.strict)
    publish_warehouse = not outcome.not_built

    finished = _utcnow()
    summary = _summary(
        run, export, findings, outcome, gx, outcome_name, code, finished, publish_warehouse
    )
    watching = _watch(run, wh, findings, export, summary)

    if publish_warehouse:
        with p.step("history"):
            wh.append_history(
                watching.history_rows(
                    res.history_rows(
                        run_id=run.run_id,
                        as_of=run.as_of,
                        started_at=run.started_at,
                        finished_at=finished,
                        rules=findings.rules,
                        outcome=outcome_name,
                        exit_code=int(code),
                    ),
                    summary,
                )
            )
            wh.append_history(watching.file_rows(summary, run.started_at), table="dq_file_history")
    else:
        p.warn(
            "models did not build: the warehouse and the analysts' marts stay as they were; no history row"
        )
    findings.trend = res.collect_trend(wh.query)
    from runner.monitor.watch import trend_points

    findings.trend_points = trend_points(wh.query)

    # -- publish ----------------------------------------------------------------
    with p.step("publish"):
        _write_run_files(run, findings, summary)
        test_pause("publish", out)
        _preflight(run)  # all or nothing: what every step below needs, before the first one
        with interrupts.deferred():  # a stop signal waits until everything is in place
            if publish_warehouse:
                wh.publish()
            else:
                wh.discard()
            final = runs.finalize(out, run.run_id, run.sharing)
            run.run_dir = final
            test_pause("publish-latest", out)
            runs.switch_latest(out, run.run_id)
        if interrupts.received():
            p.warn(
                f"{interrupts.received()} received while publishing: the run was published completely; stopping"
            )
            return code
        pruned = runs.prune(out, req.keep_runs)
        if pruned:
            p.detail(f"pruned {len(pruned)} old runs: {', '.join(pruned)}")

    hit_rules = [r for r in findings.rules if r["hits"]]
    p.info(
        f"{outcome_name}: {findings.total_hits} hits on {len(hit_rules)} rules"
        f"{'' if findings.worklist_available else ' (worklist not available)'}; exit {int(code)}"
    )
    p.info(f"report: {(out / runs.LATEST / 'report.html')}")
    _notify(run, summary, str((final / "report.html").resolve()))
    return code


def _sharing(group: str | None) -> Any:
    from runner.publish.sharing import ShareGroupError, resolve

    try:
        return resolve(group)
    except ShareGroupError as exc:
        raise CannotRun(str(exc)) from None


def _preflight(run: _Run) -> None:
    from runner.publish.runs import PublishBlocked, preflight

    try:
        preflight(Path(run.req.out), run.run_id)
    except PublishBlocked as exc:
        raise CannotRun(str(exc)) from None


def _watch(run: _Run, wh: Any, findings: Any, export: Any, summary: dict[str, Any]) -> Any:
    """Populations, anomalies, export age and deltas into summary (runner/monitor)."""
    from runner.monitor import anomaly, watch

    assert run.as_of is not None
    watching = watch.observe(
        wh.query,
        run_id=run.run_id,
        as_of=run.as_of,
        started_at=run.started_at,
        rule_hits={r["rule_id"]: int(r["hits"]) for r in findings.rules},
        export=export,
        out=Path(run.req.out),
        sensitivity=run.req.anomaly or anomaly.Sensitivity(),
    )
    watching.annotate(summary)
    for a in summary["anomalies"]["flagged"]:
        run.progress.warn(
            f"anomaly: {a['kind']} {a['key']} {a['value']} ({a['direction']}; median {a['median']:g}, score {a['score']:g})"
        )
    return watching


def decide(outcome: Any, gx: dict[str, Any], total_hits: int, strict: bool) -> tuple[str, ExitCode]:
    """(outcome, exit code) of a completed run, per spec/outputs.md."""
    if outcome.errors or outcome.not_built or not gx.get("ok", False):
        return "failed", ExitCode.CHECK_FAILED
    if total_hits:
        return "findings", ExitCode.CHECK_FAILED if strict else ExitCode.OK
    return "passed", ExitCode.OK


def _run_gx(run: _Run, wh: Any, outcome: Any, gx_child: GxChild | None) -> dict[str, Any]:
    """runner.expectations.run_expectations (in the child started before dbt); its outcome as counts."""
    p = run.progress
    rule_hits = {n.rule_id: int(n.failures or 0) for n in outcome.nodes if n.rule_id}
    kwargs = {}
    schema = getattr(wh, "schema", None)
    if schema:
        kwargs["schema_prefix"] = schema
    with p.step("great expectations"):
        if gx_child is None:  # Spark: on its DataFrames, in process
            gx_outcome = _gx_in_process(wh, Path(run.run_dir), rule_hits)
        else:
            gx_outcome = gx_child.run(wh.sqlalchemy_url(), rule_hits, kwargs)
    gx = summarise_gx(gx_outcome)
    for e in gx.get("error_messages", []):
        p.detail(f"GX: {e}")
    p.info(
        f"GX: {gx['suites']} suites, {gx['failed_suites']} failed; {gx['expectations_evaluated']} expectations, "
        f"{gx['expectations_failed']} failed; {gx['mismatches']} reconciliation mismatches"
    )
    return gx


def _gx_in_process(wh: Any, run_dir: Path, rule_hits: dict[str, int]) -> Any:
    """A warehouse's own GX run (Spark); a failure is GxFailed, its traceback in run.log."""
    import logging

    try:
        return wh.run_expectations(run_dir, rule_hits)
    except Exception as exc:  # noqa: BLE001 - reported as GX failing, as from the child
        logging.getLogger("juvonno_dq.gx").exception("Great Expectations failed")
        raise GxFailed(f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}") from None


def summarise_gx(o: Any) -> dict[str, Any]:
    """Counts from runner.expectations.GxOutcome for summary.json (no data values)."""
    suites = list(getattr(o, "suites", []) or [])
    mismatches = list(getattr(o, "mismatches", []) or [])
    errors = [str(e) for e in (getattr(o, "errors", []) or [])]
    return {
        "available": True,
        "ok": bool(getattr(o, "success", False)),
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
        "failed_suites": sum(1 for s in suites if getattr(s, "failed", 0)),
        "failed_sop_suites": sum(
            1 for s in suites if getattr(s, "failed", 0) and getattr(s, "kind", "") == "sop"
        ),
        "expectations_evaluated": sum(int(getattr(s, "evaluated", 0)) for s in suites),
        "expectations_failed": sum(int(getattr(s, "failed", 0)) for s in suites),
        "expectations_errored": sum(int(getattr(s, "errored", 0)) for s in suites),
        "mismatches": len(mismatches),
        "mismatched_rules": [
            {"rule_id": m.rule_id, "gx_count": m.gx_count, "dbt_count": m.dbt_count}
            for m in mismatches
        ],
        "reconciled_rules": len(getattr(o, "reconciled_rules", []) or []),
        "errors": len(errors),
        "error_messages": errors,
        "data_docs": getattr(o, "data_docs_index", None),
        "seconds": getattr(o, "seconds", None),
        "reason": "",
    }


def _summary(
    run: _Run,
    export: Any,
    findings: Any,
    outcome: Any,
    gx: dict[str, Any],
    outcome_name: str,
    code: ExitCode,
    finished: dt.datetime,
    warehouse_published: bool,
) -> dict[str, Any]:
    from runner.publish import results as res

    assert run.as_of is not None
    return {
        "run_id": run.run_id,
        "as_of": run.as_of.isoformat(),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(finished),
        "outcome": outcome_name,
        "exit_code": int(code),
        "strict": bool(run.req.strict),
        "target": run.req.target,
        "files": [
            {
                "table": f.table,
                "file": f.file_name,
                "format": f.format,
                "rows": f.rows,
                "sha256": f.sha256,
            }
            for f in export.files.values()
        ],
        "raw_rows": findings.raw_rows,
        "rules": res.summary_rules(findings),
        "total_hits": findings.total_hits,
        "worklist": res.summary_worklist(findings),
        "groups": findings.groups,
        "dbt": {
            "success": outcome.success,
            "counts": outcome.counts(),
            "errors": [
                {
                    "unique_id": n.unique_id,
                    "resource_type": n.resource_type,
                    "status": n.status,
                    "failures": n.failures,
                }
                for n in outcome.errors
            ],
            "rule_tests": {
                n.rule_id: {"status": n.status, "failures": n.failures}
                for n in outcome.nodes
                if n.rule_id
            },
            "elapsed_seconds": round(outcome.elapsed, 2),
        },
        "gx": gx,
        "notices": run.notices,
        "orphans": findings.orphans,
        "warehouse_published": warehouse_published,
        "not_built": findings.missing,
    }


def _write_run_files(run: _Run, findings: Any, summary: dict[str, Any]) -> None:
    from runner.publish import report, runs, worklist_files

    d = run.run_dir
    assert d is not None
    worklist_files.write(d, findings)
    runs.write_json(d / "summary.json", summary)
    html = report.render(
        {
            "summary": summary,
            "worklist": findings.worklist,
            "lifecycle": findings.lifecycle,
            "groups": findings.groups,
            "trend": findings.trend,
            "trend_points": getattr(findings, "trend_points", []),
            "invoicing": findings.invoicing,
            "data_docs": (d / "data-docs" / "index.html").exists(),
        }
    )
    runs.write_text(d / "report.html", html)


def _reject(run: _Run, export: Any) -> ExitCode:
    """Exit 2: every problem on the console; a record in runs/<id>/ (summary.json
    with outcome rejected + run.log); the warehouse and OUT/latest untouched."""
    from runner.publish import runs

    p = run.progress
    total = getattr(export, "problem_count", len(export.problems))
    p.error(f"the export was rejected: {total} problem(s); nothing was built or published")
    for problem in export.problems:
        p.error(f"  {problem}")
    if total > len(export.problems):
        p.error(
            f"  ... {total - len(export.problems)} more of the same kinds (see the first ones above)"
        )
    finished = _utcnow()
    summary = {
        "run_id": run.run_id,
        "as_of": run.req.as_of.isoformat() if run.req.as_of else None,
        "started_at": _iso(run.started_at),
        "finished_at": _iso(finished),
        "outcome": "rejected",
        "exit_code": int(ExitCode.BAD_INPUT),
        "files": [
            {
                "table": f.table,
                "file": f.file_name,
                "format": f.format,
                "rows": f.rows,
                "sha256": f.sha256,
            }
            for f in export.files.values()
        ],
        "problem_count": total,
        "problems": [str(x) for x in export.problems],
        "notices": run.notices,
        "rules": [],
    }
    assert run.run_dir is not None
    runs.write_json(run.run_dir / "summary.json", summary)
    runs.finalize(Path(run.req.out), run.run_id, run.sharing)
    runs.prune(Path(run.req.out), run.req.keep_runs)
    _notify(run, summary, None)
    return ExitCode.BAD_INPUT


def _record_failure(run: _Run, code: ExitCode, message: str, outcome: str = "error") -> None:
    """Exit 3 after the lock: keep the run.log (renamed to runs/<id>/) for the operator;
    OUT/latest, the warehouse and the marts stay as they were."""
    from runner.publish import runs

    if run.run_dir is None or not run.run_dir.exists():
        return
    try:
        summary = {
            "run_id": run.run_id,
            "as_of": run.as_of.isoformat() if run.as_of else None,
            "started_at": _iso(run.started_at),
            "finished_at": _iso(_utcnow()),
            "outcome": outcome,
            "exit_code": int(code),
            "message": message,
            "rules": [],
        }
        runs.write_json(run.run_dir / "summary.json", summary)
        runs.finalize(Path(run.req.out), run.run_id, run.sharing)
        runs.prune(Path(run.req.out), run.req.keep_runs)
        _notify(run, summary, None)
    except OSError:
        pass


def _notify(run: _Run, summary: dict[str, Any], report_path: str | None) -> None:
    from runner.publish import notify

    try:
        notify.send_all(summary, report_path, run.progress.info)
    except Exception as exc:  # noqa: BLE001 - a notification never fails the run
        run.progress.warn(f"notification failed: {type(exc).__name__}")


def _fmt_counts(counts: dict[str, dict[str, int]]) -> str:
    return (
        "; ".join(
            f"{t} " + ", ".join(f"{n} {s}" for s, n in by.items()) for t, by in counts.items()
        )
        or "no nodes"
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
