"""Completed parts of a pull, kept in its private state folder so a re-run resumes.

One JSON file per completed unit (branches and staff, the customers, each date
window's appointments and encounters), written to a temp name, fsynced and
renamed, so a unit is either complete or absent. A unit with record problems is
never checkpointed (its problems must be reported again). The checkpoints hold
mapped rows, personal fields included, exactly like the export they become: the
state folder is 0700 and removed once the export is in place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Checkpoints:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.resumed: list[str] = []  # units taken from an earlier attempt

    def _path(self, unit: str) -> Path:
        return self.folder / f"{unit}.json"

    def get(self, unit: str) -> Any | None:
        path = self._path(unit)
        if not path.is_file():
            return None
        self.resumed.append(unit)
        return json.loads(path.read_bytes())

    def put(self, unit: str, value: Any) -> None:
        write_durably(self._path(unit), json.dumps(value, separators=(",", ":")).encode())

    def move_into(self, other: Checkpoints, prefix: str) -> None:
        """Hand the units named `prefix*` over to `other` (the reuse cache), replacing its copies."""
        for path in self.folder.glob(f"{prefix}*.json"):
            os.replace(path, other.folder / path.name)
        fsync_dir(other.folder)
