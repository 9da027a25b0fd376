"""manifest.json: bounded, typed, and naming only the contract's own files.

- read at most MAX_MANIFEST_BYTES, a regular file (runner/export/boundary.py);
- `files` keys are plain file names of the contract (`customers.csv`, ...): no
  folders, no `..`, no absolute paths, nothing the run would not read anyway;
- `rows` a whole number, `sha256` 64 hex digits;
- `exported_at`, when present, an ISO 8601 date or datetime *string* whose date is
  not after the run's own date plus one day (clock skew): a future as-of date would
  lock the instance's forward-only history for ever.
Messages show a listed name only as a short repr (a name is not patient data) and
never a value of exported_at that is not a valid date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.contract import DATETIME_PATTERN, FILE_SUFFIXES, MANIFEST_FILE, TABLES
from runner.export.boundary import open_regular
from runner.export.problems import Kind, Problem, shape

MAX_MANIFEST_BYTES = 1 << 20
CLOCK_SKEW = dt.timedelta(days=1)
CONTRACT_FILE_NAMES = frozenset(t + s for t in TABLES for s in FILE_SUFFIXES)
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_EXPORTED_AT = re.compile(DATETIME_PATTERN)
NAME_SHOWN_CHARS = 60


@dataclass
class ManifestCheck:
    export_dir: Path
    today: dt.date
    record_counts: dict[str, int]  # file name -> records (rejected ones included)
    hash_of: Callable[[str], str | None]  # file name -> SHA-256 of a regular file, None if absent
    add: Callable[[Problem], None]

    def run(self) -> str | None:
        """Check manifest.json when present; returns a valid exported_at, else None."""
        doc = self._read()
        if doc is None:
            return None
        files = doc.get("files", {})
        if not isinstance(files, dict):
            self._problem("files is not an object")
            files = {}
        exported_at = self._exported_at(doc.get("exported_at"))
        for name, entry in files.items():
            self._entry(name, entry)
        return exported_at

    def _problem(self, detail: str) -> None:
        self.add(
            Problem(
                MANIFEST_FILE,
                None,
                None,
                None,
                f'JSON {{"exported_at": …, "files": {{…}}}} ({detail})',
                kind=Kind.MANIFEST,
            )
        )

    def _read(self) -> dict | None:
        path = self.export_dir / MANIFEST_FILE
        try:
            fd = open_regular(path)
        except FileNotFoundError:
            return None
        except OSError:
            return None  # not a regular file: discovery reported it already
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:
            self._problem(f"larger than {MAX_MANIFEST_BYTES:,} bytes")
            return None
        try:
            doc = json.loads(raw.decode("utf-8-sig"))
        except (ValueError, RecursionError) as err:
            self._problem(f"not valid JSON: {type(err).__name__}")
            return None
        if not isinstance(doc, dict):
            self._problem("not a JSON object")
            return None
        return doc

    def _exported_at(self, value: object) -> str | None:
        if value is None:
            return None
        expected = (
            "exported_at an ISO 8601 date or datetime string (YYYY-MM-DD[THH:MM[:SS][Z|+HH:MM]]) "
            f"not after the run's date {self.today.isoformat()} plus one day"
        )
        if not isinstance(value, str):
            found = f"a JSON {type(value).__name__.replace('str', 'string').replace('int', 'number').replace('float', 'number')}"
            self.add(
                Problem(
                    MANIFEST_FILE,
                    None,
                    "exported_at",
                    found,
                    expected,
                    kind=Kind.MANIFEST,
                    masked=True,
                )
            )
            return None
        text = value.strip()
        date = None
        if _EXPORTED_AT.fullmatch(text):
            try:
                date = dt.date.fromisoformat(text[:10])
            except ValueError:
                date = None
        if date is None:
            self.add(
                Problem(
                    MANIFEST_FILE,
                    None,
                    "exported_at",
                    shape(text),
                    expected,
                    kind=Kind.MANIFEST,
                    masked=True,
                )
            )
            return None
        if date > self.today + CLOCK_SKEW:
            self.add(
                Problem(
                    MANIFEST_FILE,
                    None,
                    "exported_at",
                    f"a date in the future ({date.isoformat()})",
                    expected,
                    kind=Kind.MANIFEST,
                    masked=True,
                )
            )
            return None
        return text

    def _entry(self, name: object, entry: object) -> None:
        if not isinstance(name, str) or name not in CONTRACT_FILE_NAMES:
            shown = repr(name)[:NAME_SHOWN_CHARS]
            self.add(
                Problem(
                    MANIFEST_FILE,
                    None,
                    None,
                    f"files lists {shown}",
                    "plain file names of the contract (customers.csv, customers.csv.gz, …; no folders, no '..')",
                    kind=Kind.MANIFEST,
                )
            )
            return
        have_sha = self.hash_of(name)
        if have_sha is None:
            self.add(
                Problem(
                    name,
                    None,
                    None,
                    "listed in manifest.json",
                    "the file to be in the export",
                    kind=Kind.MANIFEST,
                )
            )
            return
        entry = entry if isinstance(entry, dict) else {}
        rows = entry.get("rows")
        if rows is not None:
            if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
                self.add(
                    Problem(
                        name,
                        None,
                        None,
                        "manifest.json rows is not a whole number",
                        "rows: N",
                        kind=Kind.MANIFEST,
                    )
                )
            else:
                have = self.record_counts.get(name)
                if have is not None and have != rows:
                    self.add(
                        Problem(
                            name,
                            None,
                            None,
                            f"{have} data rows",
                            f"{rows} rows, as manifest.json says",
                            kind=Kind.MANIFEST,
                        )
                    )
        sha = entry.get("sha256")
        if sha is not None:
            if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
                self.add(
                    Problem(
                        name,
                        None,
                        None,
                        "manifest.json sha256 is not 64 hex digits",
                        "sha256: a SHA-256 hex digest",
                        kind=Kind.MANIFEST,
                    )
                )
            elif have_sha != sha.lower():
                self.add(
                    Problem(
                        name,
                        None,
                        None,
                        f"SHA-256 {have_sha}",
                        f"SHA-256 {sha}, as manifest.json says (a truncated or corrupted transfer?)",
                        kind=Kind.MANIFEST,
                    )
                )
