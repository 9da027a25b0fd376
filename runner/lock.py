"""One run per instance (`--out` folder).

The lock is `fcntl.flock(LOCK_EX | LOCK_NB)` on `OUT/.lock`; the file's body is a
JSON record of the holder (pid, run_id, started_at, host) so a refused run can say
who is running. The kernel releases a flock when its holder dies, SIGKILL
included, so a lock left by a dead run is *stale by construction*: the next run
takes it and overwrites the body. The file itself is never deleted (deleting a
locked file would let two runs lock two different inodes).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_NAME = ".lock"


class LockHeld(Exception):
    """Another run holds the instance's lock."""

    def __init__(self, path: Path, holder: dict[str, Any]) -> None:
        self.path = path
        self.holder = holder
        super().__init__(self.describe())

    def describe(self) -> str:
        h = self.holder
        if not h:
            return f"another run holds the lock {self.path} (its details are not readable yet)"
        return (
            f"another run is in progress on this --out folder: run_id {h.get('run_id', '?')}, "
            f"pid {h.get('pid', '?')}, started_at {h.get('started_at', '?')}"
            + (
                f" on {h['host']}"
                if h.get("host") and h.get("host") != socket.gethostname()
                else ""
            )
            + f" (lock {self.path})"
        )


@dataclass
class RunLock:
    """`with RunLock(out, run_id) as lock:`; raises LockHeld when taken."""

    out: Path
    run_id: str
    started_at: str = ""
    _fd: int | None = None
    stale: dict[str, Any] | None = None  # the body a dead holder left behind, if any

    @property
    def path(self) -> Path:
        return self.out / LOCK_NAME

    def acquire(self) -> RunLock:
        self.out.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_body(fd)
            os.close(fd)
            raise LockHeld(self.path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        # We hold it. A body left behind means its writer died without releasing.
        previous = _read_body(fd)
        self.stale = previous or None
        self.started_at = self.started_at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        body = json.dumps(
            {
                "pid": os.getpid(),
                "run_id": self.run_id,
                "started_at": self.started_at,
                "host": socket.gethostname(),
            }
        ).encode()
        os.ftruncate(fd, 0)
        os.pwrite(fd, body, 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)  # an empty body = released cleanly
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_body(fd: int) -> dict[str, Any]:
    try:
        raw = os.pread(fd, 4096, 0)
        data = json.loads(raw.decode()) if raw.strip() else {}
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def read_holder(out: Path) -> dict[str, Any] | None:
    """The current holder, or None when nobody holds the lock (for tools and tests)."""
    path = out / LOCK_NAME
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_body(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
