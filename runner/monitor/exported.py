"""When an export was made: the manifest's `exported_at`, else the newest file's
modification time. Shared by the run (summary, history, raw.export_batches) and
the scheduled freshness check, which reads the export folder without a run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

MANIFEST = "manifest.json"


def parse_timestamp(text: str) -> dt.datetime | None:
    """An ISO 8601 date or date-time as UTC (naive times and plain dates read as UTC)."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def newest_mtime(paths: Iterable[Path]) -> dt.datetime | None:
    times = [p.stat().st_mtime for p in paths if p.is_file()]
    return dt.datetime.fromtimestamp(max(times), dt.UTC).replace(microsecond=0) if times else None


def exported_at(
    manifest_value: str | None, files: Iterable[Path]
) -> tuple[dt.datetime | None, str]:
    """(when, where it came from: "manifest", "file mtime" or "unknown")."""
    if manifest_value:
        parsed = parse_timestamp(manifest_value)
        if parsed is not None:
            return parsed, "manifest"
    mtime = newest_mtime(files)
    return (mtime, "file mtime") if mtime else (None, "unknown")


def read_folder(export_dir: Path) -> tuple[dt.datetime | None, str]:
    """exported_at of an export folder as it lies (no validation: the run does that)."""
    manifest = export_dir / MANIFEST
    value = None
    if manifest.is_file():
        try:
            doc = json.loads(manifest.read_text(encoding="utf-8-sig"))
            value = (
                doc.get("exported_at")
                if isinstance(doc, dict) and isinstance(doc.get("exported_at"), str)
                else None
            )
        except (OSError, ValueError):
            value = None
    data = (
        [p for p in export_dir.iterdir() if p.name != MANIFEST and not p.name.startswith(".")]
        if export_dir.is_dir()
        else []
    )
    return exported_at(value, data)


def fingerprint(sha256s: Iterable[str]) -> str:
    """One hash for the whole export: changes when any file's content does."""
    h = hashlib.sha256()
    for s in sorted(sha256s):
        h.update(s.encode("ascii"))
    return h.hexdigest()


def iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if t else None


def age_hours(t: dt.datetime | None, now: dt.datetime) -> float | None:
    return round((now - t).total_seconds() / 3600, 1) if t else None
