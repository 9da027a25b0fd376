"""One pull, start to end: lock, resume or start afresh, fetch, write aside, validate, switch.

The export folder only ever changes in `writer.publish`'s one atomic step, after
the whole export has been written, fsynced and accepted by the same validator
`juvonno-dq run` uses. Everything before lives in the state folder
`<parent>/.<name>.pull/` (0700): the lock, the resume state, the checkpoints and
the export being written. A failed or killed pull leaves only that folder; the
next pull with the same parameters resumes from its checkpoints.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from runner.exit_codes import ExitCode
from runner.pull.checkpoint import Checkpoints, write_durably
from runner.pull.errors import BadApiData, PullError
from runner.pull.fetch import (
    Pulled,
    Reuse,
    fetch_appointments,
    fetch_customers,
    fetch_reference,
    fetch_unlisted_customers,
    month_windows,
)
from runner.pull.http import ApiClient, HttpSettings
from runner.pull.secret import RedactingFilter, Redactor, read_api_key
from runner.pull.writer import check_replaceable, copy_file, publish, write_manifest, write_table

ICBT_TABLE = "icbt_activity"


@dataclass(frozen=True)
class PullRequest:
    api_url: str
    export_dir: Path
    since: dt.date | None = None
    days_ahead: int = 365
    icbt_file: Path | None = None
    reuse_days: int = 0  # 0: every window is read every night
    http: HttpSettings = field(default_factory=HttpSettings)


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Voice:
    """Plain `YYYY-MM-DDTHH:MM:SSZ message` lines, every one through the redactor."""

    def __init__(self, redact: Callable[[object], str]) -> None:
        self.redact = redact

    def info(self, msg: str) -> None:
        print(f"{_now()} {self.redact(msg)}", flush=True)

    def error(self, msg: str) -> None:
        print(f"{_now()} {self.redact(msg)}", file=sys.stderr, flush=True)


def check_api_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PullError(
            f"--api-url must be an http(s) URL such as https://SUBDOMAIN.juvonno.com/api, not {parts.scheme or 'a bare name'}"
        )
    if "api_key" in parts.query.lower() or parts.username or parts.password:
        raise PullError(
            "--api-url must not carry a key (api_key=, user:password@): set JUVONNO_DQ_API_KEY instead"
        )
    return url


def pull_export(request: PullRequest) -> ExitCode:
    """The whole pull; returns the exit code (0, 2 bad data, 3 could not run). Never raises PullError."""
    redact: Callable[[object], str] = str
    voice = _Voice(redact)
    try:
        key = read_api_key()
        redact = Redactor(key)
        voice = _Voice(redact)
        check_api_url(request.api_url)
        if key in request.api_url:
            raise PullError("--api-url must not carry the key: set JUVONNO_DQ_API_KEY instead")
        return _locked_pull(request, key, redact, voice)
    except BadApiData as exc:
        for line in exc.problems:
            voice.error(line)
        voice.error(
            f"pull: the API returned data the export contract cannot hold ({len(exc.problems)} problem line(s)); no export written"
        )
        return exc.code
    except PullError as exc:
        voice.error(f"pull: {exc}; no export written")
        return exc.code
    except KeyboardInterrupt:
        voice.error("pull: interrupted; no export written (a re-run resumes)")
        return ExitCode.CANNOT_RUN
    except Exception as exc:  # noqa: BLE001 - a bug: one redacted line, never a traceback with the key in it
        voice.error(f"pull: internal error {type(exc).__name__}: {redact(exc)}; no export written")
        return ExitCode.CANNOT_RUN


def _locked_pull(request: PullRequest, key: str, redact: Redactor, voice: _Voice) -> ExitCode:
    export_dir = Path(os.path.abspath(request.export_dir))
    if not export_dir.parent.is_dir():
        raise PullError(f"--export-dir {export_dir}: its parent folder does not exist")
    check_replaceable(export_dir)
    state_dir = export_dir.with_name(f".{export_dir.name}.pull")
    state_dir.mkdir(mode=0o700, exist_ok=True)
    lock_fd = os.open(state_dir / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PullError(f"another pull into {export_dir} is running") from None
        filters = _redact_logging(redact)
        try:
            code = _pull(request, key, redact, voice, export_dir, state_dir)
        finally:
            for logger, f in filters:
                logger.removeFilter(f)
        shutil.rmtree(
            state_dir, ignore_errors=True
        )  # done: nothing to resume (we still hold the lock)
        return code
    finally:
        os.close(lock_fd)


def _redact_logging(redact: Redactor) -> list[tuple[logging.Logger, logging.Filter]]:
    """Library loggers (httpx logs every URL) pass through the redactor; ours print to stderr."""
    added = []
    for name in ("runner.pull", "httpx", "httpcore", "tenacity"):
        logger = logging.getLogger(name)
        f = RedactingFilter(redact)
        logger.addFilter(f)
        added.append((logger, f))
    ours = logging.getLogger("runner.pull")
    if not ours.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
    return added


def _resume_state(request: PullRequest, state_dir: Path, until: dt.date) -> Checkpoints:
    """The checkpoints of an earlier attempt with the same parameters, else a fresh start."""
    state = {"api_url": request.api_url, "since": str(request.since), "until": str(until)}
    state_file = state_dir / "state.json"
    try:
        same = json.loads(state_file.read_bytes()) == state
    except (OSError, ValueError):
        same = False
    checkpoints = state_dir / "checkpoints"
    if not same:
        shutil.rmtree(checkpoints, ignore_errors=True)
        write_durably(state_file, json.dumps(state).encode())
    return Checkpoints(checkpoints)


def _pull(
    request: PullRequest,
    key: str,
    redact: Redactor,
    voice: _Voice,
    export_dir: Path,
    state_dir: Path,
) -> ExitCode:
    started = dt.datetime.now(dt.UTC)
    exported_at = started.strftime("%Y-%m-%dT%H:%M:%SZ")
    until = started.date() + dt.timedelta(days=request.days_ahead)
    store = _resume_state(request, state_dir, until)
    cache_dir = export_dir.with_name(f".{export_dir.name}.pull-cache")
    reuse = None
    if request.reuse_days:
        reuse = Reuse(Checkpoints(cache_dir), request.reuse_days, started.date())
    else:
        shutil.rmtree(cache_dir, ignore_errors=True)  # reuse switched off: no copy of the data kept
    host = urlsplit(request.api_url).netloc
    voice.info(f"pull: from {host} into {export_dir} (appointments up to {until})")
    pulled, counts = asyncio.run(_fetch_all(request, key, redact, store, until, voice, reuse))
    if pulled.problems.count:
        raise BadApiData(pulled.problems.lines())
    staged = state_dir / "export"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(mode=0o700)
    files = {
        f"{table}.csv": write_table(staged, table, rows) for table, rows in pulled.tables.items()
    }
    if request.icbt_file is not None:
        source = Path(os.path.abspath(request.icbt_file))
        if not source.is_file():
            raise PullError(f"--icbt-file {source} is not a file")
        name = ICBT_TABLE + "".join(
            source.suffixes[-2:] if source.name.endswith(".csv.gz") else source.suffixes[-1:]
        )
        files[name] = copy_file(source, staged, name)
    write_manifest(staged, exported_at, files)
    _validate(staged, state_dir / "validate")
    publish(staged, export_dir)
    if reuse is not None:
        store.move_into(reuse.cache, "appointments-")
    rows = ", ".join(f"{t} {len(r)}" for t, r in pulled.tables.items())
    voice.info(f"pull: export written to {export_dir}: {rows}; {counts}")
    return ExitCode.OK


async def _fetch_all(
    request: PullRequest,
    key: str,
    redact: Redactor,
    store: Checkpoints,
    until: dt.date,
    voice: _Voice,
    reuse: Reuse | None,
) -> tuple[Pulled, str]:
    pulled = Pulled()
    async with ApiClient(request.api_url, key, request.http, redact) as api:
        try:
            branches, staff = await fetch_reference(api, store)
            customers, groups = await fetch_customers(api, store, branches)
            voice.info(
                f"pull: {len(branches)} branch(es), {len(staff)} staff, {len(customers)} customers"
            )
            since = request.since or min(
                (dt.date.fromisoformat(c["created"][:10]) for c in customers), default=until
            )
            windows = month_windows(since, until)
            voice.info(
                f"pull: appointments and encounters in {len(windows)} monthly window(s) from {since}"
            )
            await fetch_appointments(api, store, branches, since, until, pulled, reuse)
            pulled.tables.update(staff=staff, customers=customers, customer_groups=groups)
            pulled.tables["appointments"] = _unique_by_id(pulled.tables["appointments"])
            pulled.tables["encounters"] = _unique_by_id(pulled.tables["encounters"])
            await fetch_unlisted_customers(api, branches, pulled)
        except (
            BaseExceptionGroup
        ) as group:  # a window's task failed: report its reason, not the group
            raise _first_pull_error(group) from None
    resumed = len(store.resumed)
    reused = reuse.used if reuse else 0
    return pulled, (
        f"{api.requests} requests, {api.retried} retried"
        + (f", {resumed} part(s) resumed" if resumed else "")
        + (f", {reused} settled window(s) reused" if reused else "")
    )


def _first_pull_error(group: BaseExceptionGroup) -> BaseException:
    for exc in group.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first_pull_error(exc)
        if isinstance(exc, (PullError, KeyboardInterrupt)):
            return exc
    return group.exceptions[0]


def _unique_by_id(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """One row per id (an encounter linked from two appointments is fetched once per window), by id."""
    by_id = {row["id"]: row for row in rows}
    return sorted(by_id.values(), key=lambda r: int(r["id"]))


def _validate(staged: Path, workdir: Path) -> None:
    """The run's own validator on the staged export: what it would reject is never published."""
    from runner.export.validate import validate_export

    export = validate_export(staged, workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    if not export.ok:
        raise BadApiData([f"pulled export: {problem}" for problem in export.problems])
