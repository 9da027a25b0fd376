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

DuckDB reads each file once: prepare_build, then validate and load in one pass into
the build (runner/export/fused.py); problems discard the build (exit 2, as above),
then as-of and the history check; the rest is the same.
                    │
                 collect results (marts, seeds, history) ── append history (in the build)
                    │
                 write OUT/runs/.<id>.partial/ completely ── warehouse.publish (renames)
                 ── rename to runs/<id> ── switch OUT/latest ── prune ── notify
```

Exit codes follow spec/outputs.md (runner/exit_codes.py). Anything unexpected is
exit 3 with a one-line message; the traceback goes to run.log only.

Here: the lock, validation, the as-of date and the warehouse checks, and what any
failure becomes. After validation the steps are runner/run/steps.py; a run's state
is runner/run/state.py, its summary.json runner/run/summary.py, and how every run
that took the lock ends (record, prune, notify) runner/run/records.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from typing import TYPE_CHECKING

from runner import interrupts
from runner.checkpoints import Checkpoints, Phase
from runner.exit_codes import ExitCode
from runner.lock import RunLock
from runner.progress import Progress, one_line
from runner.run import records
from runner.run.state import CannotRun, RunRequest, RunState, iso, new_run_id, utcnow
from runner.warehouse import Warehouse

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from runner.export.validate import ValidatedExport
    from runner.publish.sharing import Sharing
    from runner.warehouse.duckdb import DuckDBWarehouse

__all__ = ["CannotRun", "RunRequest", "resolve_as_of", "run_pipeline"]


def resolve_as_of(
    requested: dt.date | None,
    exported_at: str | dt.date | None,
    today: dt.date,
    requested_source: str = "--as-of",
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


def run_pipeline(req: RunRequest, progress: Progress | None = None) -> ExitCode:
    """Run once; returns the exit code (never raises, never prints a traceback)."""
    import os

    old_umask = os.umask(0o077)  # every file and folder this run creates is private
    progress = progress or Progress()
    started = utcnow()
    run = RunState(
        req=req,
        progress=progress,
        run_id=new_run_id(started),
        started_at=started,
        checkpoints=Checkpoints.from_env(req.out),
    )
    try:
        with interrupts.handled():
            return _run_locked(run)
    except KeyboardInterrupt:
        progress.error(f"interrupted by {interrupts.received() or 'SIGINT'}; nothing was published")
        return ExitCode.CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        progress.exception(
            f"internal error: {type(exc).__name__}: {one_line(exc)} (traceback in run.log)"
        )
        return ExitCode.CANNOT_RUN
    finally:
        progress.close()
        os.umask(old_umask)


def _run_locked(run: RunState) -> ExitCode:
    from runner.lock import LockHeld

    p, out = run.progress, run.out
    try:
        if out.exists() and not out.is_dir():
            raise CannotRun(f"--out {out} is not a folder")
        run.sharing = _sharing(run.req.share_group)
        lock = RunLock(out, run.run_id, started_at=iso(run.started_at)).acquire()
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


def _run(run: RunState, lock: RunLock) -> ExitCode:
    from runner.publish import runs

    req, p, out = run.req, run.progress, run.out
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
        records.record_failure(run, ExitCode.CANNOT_RUN, str(exc))
        return ExitCode.CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - traceback to run.log, one line on the console
        if interrupts.received():
            return _interrupted(run)
        p.exception(f"internal error: {type(exc).__name__}: {one_line(exc)} (traceback in run.log)")
        records.record_failure(run, ExitCode.CANNOT_RUN, f"internal error: {type(exc).__name__}")
        return ExitCode.CANNOT_RUN


def _interrupted(run: RunState) -> ExitCode:
    """SIGTERM/SIGINT before the publish: the build is discarded (by _stages), the run
    recorded as interrupted, exit 3. One line on the console."""
    name = interrupts.received() or "SIGINT"
    with interrupts.deferred():
        run.progress.error(f"interrupted by {name}: the run stopped; nothing was published")
        records.record_failure(
            run, ExitCode.CANNOT_RUN, f"interrupted by {name}", outcome="interrupted"
        )
    return ExitCode.CANNOT_RUN


def _stages(run: RunState) -> ExitCode:
    from runner.export.validate import validate_export
    from runner.run import steps
    from runner.warehouse.duckdb import DuckDBWarehouse

    req, p, out = run.req, run.progress, run.out
    wh = _open_warehouse(run)  # configuration first: a bad target is exit 3 before any work
    workdir = out / "work" / run.run_id
    try:
        if isinstance(wh, DuckDBWarehouse):
            return _validate_while_loading(run, wh, workdir)
        with p.step("validate export"):
            export = validate_export(req.export_dir, workdir, today=dt.date.today())
        if not _accept(run, export):
            return records.reject(run, export)
        _check_warehouse(run, wh)
        wh.cleanup_stale()
        return _build(run, wh, lambda: steps.build_and_publish(run, wh, export))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with contextlib.suppress(OSError):
            (out / "work").rmdir()


def _validate_while_loading(run: RunState, wh: DuckDBWarehouse, workdir: Path) -> ExitCode:
    """DuckDB: the build first, then each file read once, validated as it loads into
    the build; a rejected export discards the build (nothing published changes)."""
    from runner.run import steps
    from runner.warehouse import WarehouseError

    p = run.progress
    try:
        wh.check_reachable()
        wh.cleanup_stale()  # before prepare_build: it empties the build folder
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from None

    def stages() -> ExitCode:
        env = steps.prepare(run, wh)
        with p.step("validate and load"):
            export = wh.validate_and_load(run.req.export_dir, workdir, dt.date.today())
        if not _accept(run, export):
            wh.discard()
            return records.reject(run, export)
        run.checkpoints.reached(Phase.LOAD)
        _check_warehouse(run, wh)
        return steps.build_and_publish(run, wh, export, loaded=env)

    return _build(run, wh, stages)


def _accept(run: RunState, export: ValidatedExport) -> bool:
    """The notices said; for an export without problems, its as-of date (run.as_of)."""
    p = run.progress
    run.notices = [str(n) for n in export.notices]
    for n in run.notices:
        p.detail(f"notice: {n}")
    if not export.ok:
        return False
    p.info(
        f"export ok: {len(export.files)} files, {sum(f.rows for f in export.files.values())} rows, {len(run.notices)} notices"
    )
    run.as_of, source = resolve_as_of(
        run.req.as_of, export.manifest_exported_at, dt.date.today(), run.req.as_of_source
    )
    p.info(f"as-of date {run.as_of.isoformat()} (from {source})")
    return True


def _open_warehouse(run: RunState) -> Warehouse:
    from runner.warehouse import WarehouseError, open_warehouse

    req = run.req
    try:
        return open_warehouse(req.target, run.out, req.warehouse, run.checkpoints)
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from None
    except ImportError as exc:
        raise CannotRun(f"target {req.target!r} is not available: {exc}") from None


def _check_warehouse(run: RunState, wh: Warehouse) -> None:
    """Reachable, and the history moves forward."""
    from runner.warehouse import WarehouseError

    try:
        wh.check_reachable()
        latest = wh.latest_as_of()
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from None
    if latest is not None and run.as_of_date < latest:
        raise CannotRun(
            f"history moves forward: as-of {run.as_of_date.isoformat()} is earlier than the latest run in this "
            f"instance's history ({latest.isoformat()}); use another --out for back-filling"
        )


def _build(run: RunState, wh: Warehouse, work: Callable[[], ExitCode]) -> ExitCode:
    """The steps; a failure of the warehouse, dbt or GX discards the build (exit 3)."""
    from runner.dbt import DbtCannotRun
    from runner.gx.child import GxFailed
    from runner.warehouse import WarehouseError

    try:
        return work()
    except (WarehouseError, DbtCannotRun, GxFailed) as exc:
        wh.discard()
        raise CannotRun(str(exc)) from None
    except BaseException:
        wh.discard()
        raise


def _sharing(group: str | None) -> Sharing:
    from runner.publish.sharing import ShareGroupError, resolve

    try:
        return resolve(group)
    except ShareGroupError as exc:
        raise CannotRun(str(exc)) from None
