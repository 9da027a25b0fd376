"""The scheduled freshness check: has a new export arrived by the configured hour?

It reads only the export folder (manifest `exported_at`, else the newest file's
modification time) and the instance's latest published run (OUT/latest/
summary.json), so it alerts even when no run happened at all.

At `at`, once today's due time (`due_by`, the machine's local time) has passed,
the export must be younger than `max_age_hours` at that due time (default 24 h:
it arrived after yesterday's due time). Before the due time nothing is due. A
fresh export that the latest run has not read (its exported_at is newer than the
run's) is reported too: the nightly run did not happen or failed before publish.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.monitor import exported

OK = "ok"
NOT_DUE = "not_due"
STALE = "stale"
MISSING = "missing"
UNPROCESSED = "unprocessed"
ALERTS = (STALE, MISSING, UNPROCESSED)


@dataclass
class Verdict:
    status: str
    at: dt.datetime
    due: dt.datetime
    exported_at: dt.datetime | None
    exported_at_source: str
    latest_run: dict[str, Any] | None
    lines: list[str] = field(default_factory=list)

    @property
    def alert(self) -> bool:
        return self.status in ALERTS

    def subject(self) -> str:
        label = {
            OK: "export fresh",
            NOT_DUE: "export not due yet",
            STALE: "ALERT: no new export",
            MISSING: "ALERT: no export",
            UNPROCESSED: "ALERT: export not processed",
        }[self.status]
        return f"juvonno-dq check-export: {label} (due {self.due.strftime('%Y-%m-%d %H:%M %Z')})"


def due_time(at: dt.datetime, due_by: dt.time) -> dt.datetime:
    """Today's due time in `at`'s time zone."""
    return dt.datetime.combine(at.date(), due_by, tzinfo=at.tzinfo)


def latest_run(out: Path) -> dict[str, Any] | None:
    """The latest published run: run_id, as_of, finished_at, outcome, exported_at."""
    try:
        s = json.loads((Path(out) / "latest" / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {
        "run_id": s.get("run_id"),
        "as_of": s.get("as_of"),
        "finished_at": s.get("finished_at"),
        "outcome": s.get("outcome"),
        "exported_at": (s.get("export") or {}).get("exported_at"),
    }


def check(
    export_dir: Path, out: Path, at: dt.datetime, due_by: dt.time, max_age_hours: float
) -> Verdict:
    due = due_time(at, due_by)
    when, source = exported.read_folder(export_dir) if export_dir.is_dir() else (None, "unknown")
    run = latest_run(out)
    v = Verdict(NOT_DUE if at < due else OK, at, due, when, source, run)
    age = exported.age_hours(when, at)
    if when is None:
        v.lines.append(
            f"export folder {export_dir}: {'no files' if export_dir.is_dir() else 'not found'}"
        )
    else:
        v.lines.append(
            f"export folder {export_dir}: exported at {exported.iso(when)} ({source}), {age:g} h ago"
        )
    if run:
        v.lines.append(
            f"latest run {run['run_id']}: as of {run['as_of']}, {run['outcome']}, finished {run['finished_at']}, "
            f"read the export of {run['exported_at'] or 'unknown'}"
        )
    else:
        v.lines.append(f"no published run in {out}")
    if v.status == NOT_DUE:
        return v
    if when is None:
        v.status = MISSING
    elif when < due - dt.timedelta(hours=max_age_hours):
        v.status = STALE
        v.lines.append(
            f"no new export since {exported.iso(due - dt.timedelta(hours=max_age_hours))} (max age {max_age_hours:g} h at the due time)"
        )
    elif run is None or _older(run.get("exported_at"), when):
        v.status = UNPROCESSED
        v.lines.append(
            "the export has arrived but no published run has read it (the nightly run did not happen or failed)"
        )
    return v


def _older(run_exported_at: str | None, folder: dt.datetime) -> bool:
    parsed = exported.parse_timestamp(run_exported_at) if run_exported_at else None
    return parsed is None or parsed < folder
