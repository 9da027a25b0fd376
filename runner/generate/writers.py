"""Streaming table writers: buffered, counting rows and hashing the bytes as they are written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


class TableFile:
    """One CSV file written as UTF-8 with `\\n` line ends; rows are pre-formatted lines."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.path = path
        self.name = path.name
        self._f = open(path, "wb")  # noqa: SIM115 (closed in close())
        self._h = hashlib.sha256()
        self.rows = 0
        self.buf: list[str] = []
        self._emit(",".join(header) + "\n")

    def _emit(self, text: str) -> None:
        data = text.encode("utf-8")
        self._h.update(data)
        self._f.write(data)

    def flush(self) -> None:
        if self.buf:
            self.rows += len(self.buf)
            self._emit("".join(self.buf))
            self.buf.clear()

    def close(self) -> tuple[int, str]:
        self.flush()
        self._f.close()
        return self.rows, self._h.hexdigest()


def write_manifest(out: Path, exported_at: str, files: dict[str, tuple[int, str]]) -> None:
    doc = {
        "exported_at": exported_at,
        "files": {name: {"rows": rows, "sha256": sha} for name, (rows, sha) in files.items()},
    }
    (out / "manifest.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
