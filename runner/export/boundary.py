"""The export folder is a boundary: the run reads only regular files lying directly
in it. A symbolic link (even to a file inside the folder), a folder, a device, a
FIFO or a socket under a name the run would read is a rejection, never followed."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def entries(export_dir: Path) -> dict[str, os.stat_result]:
    """Every entry of the folder (not followed): name -> lstat."""
    found: dict[str, os.stat_result] = {}
    with os.scandir(export_dir) as it:
        for entry in it:
            try:
                found[entry.name] = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # vanished while listed
    return found


def not_regular(st: os.stat_result) -> str | None:
    """What the entry is when it is not a regular file (None for a regular file)."""
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def open_regular(path: Path) -> int:
    """Open for reading without following a symbolic link and without blocking on a
    FIFO; OSError unless it is (still) a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


EXPECTED = (
    "a regular file lying in the export folder (the folder is a boundary: links are not followed)"
)
