"""The export folder: CSV files in the contract's column order, a manifest, then one atomic switch.

Files are written into `<state>/export/` and fsynced; then that folder becomes
the export folder in one rename. When an export folder from an earlier pull is
already there, the two are exchanged atomically (Linux `renameat2(RENAME_EXCHANGE)`)
and the old one deleted, so a reader sees the old export or the new one, never a
mix and never nothing. A folder that pull did not write is never replaced.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

from runner.contract import MANIFEST_FILE, TABLES
from runner.pull.checkpoint import fsync_dir, write_durably
from runner.pull.errors import PullError

WRITTEN_BY = (
    "juvonno-dq pull"  # manifest.json's `written_by`: this folder may be replaced by the next pull
)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def write_table(folder: Path, table: str, rows: list[dict[str, str]]) -> tuple[int, str]:
    """`<table>.csv`: header, then rows; returns (rows, sha256 of the bytes)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    columns = TABLES[table].column_names
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    data = buffer.getvalue().encode("utf-8")
    write_durably(folder / f"{table}.csv", data)
    return len(rows), hashlib.sha256(data).hexdigest()


def copy_file(source: Path, folder: Path, name: str) -> tuple[int | None, str]:
    """A file delivered as it is (the iCBT export): copied byte for byte; (data rows of a .csv, sha256)."""
    data = source.read_bytes()
    write_durably(folder / name, data)
    rows = None
    if name.endswith(".csv"):
        records = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=""))
        rows = max(0, sum(1 for _ in records) - 1)
    return rows, hashlib.sha256(data).hexdigest()


def write_manifest(
    folder: Path, exported_at: str, files: dict[str, tuple[int | None, str]]
) -> None:
    entries = {
        name: ({"rows": rows} if rows is not None else {}) | {"sha256": sha}
        for name, (rows, sha) in files.items()
    }
    doc = {"exported_at": exported_at, "written_by": WRITTEN_BY, "files": entries}
    write_durably(folder / MANIFEST_FILE, (json.dumps(doc, indent=2) + "\n").encode())


def written_by_pull(folder: Path) -> bool:
    try:
        return json.loads((folder / MANIFEST_FILE).read_bytes()).get("written_by") == WRITTEN_BY
    except (OSError, ValueError, AttributeError):
        return False


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot (then the caller falls back)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def check_replaceable(export_dir: Path) -> None:
    if export_dir.is_symlink() or (export_dir.exists() and not export_dir.is_dir()):
        raise PullError(f"--export-dir {export_dir} is not a folder")
    if export_dir.is_dir() and any(export_dir.iterdir()) and not written_by_pull(export_dir):
        raise PullError(
            f"--export-dir {export_dir} holds files that juvonno-dq pull did not write; "
            "pull never replaces them: give an empty or new folder"
        )


def publish(staged: Path, export_dir: Path) -> None:
    """Make `staged` the export folder in one step; the previous pull's export is removed."""
    fsync_dir(staged)
    check_replaceable(export_dir)
    if export_dir.is_dir() and not any(export_dir.iterdir()):
        export_dir.rmdir()
    if not export_dir.exists():
        os.rename(staged, export_dir)
    elif _exchange(staged, export_dir):
        shutil.rmtree(staged)  # now the previous export
    else:  # no atomic exchange here: move the old one aside first (a moment without an export)
        aside = staged.with_name(staged.name + ".previous")
        os.rename(export_dir, aside)
        os.rename(staged, export_dir)
        shutil.rmtree(aside)
    fsync_dir(export_dir.parent)
