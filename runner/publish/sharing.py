"""`--share-group NAME`: who besides the service user may read the published runs.

Default (no group): private, as runs.py says (0600 files, 0700 folders). With a
group: the run folders and everything in them are 0640/0750 and belong to that
group, `OUT/runs` is 0750 in that group, and `OUT` itself gets group search and
read (g+rx, chgrp) so members reach `OUT/latest`; nobody else gets anything.
The rest of OUT (warehouse/, work/, .dbt/, the lock) keeps its own private modes.
"""

from __future__ import annotations

import grp
import os
import stat
from dataclasses import dataclass
from pathlib import Path

SHARED_FILE_MODE = 0o640
SHARED_DIR_MODE = 0o750


class ShareGroupError(ValueError):
    """The group cannot be used (unknown, or the service user may not give files to it)."""


@dataclass(frozen=True)
class Sharing:
    group: str | None = None
    gid: int | None = None

    @property
    def shared(self) -> bool:
        return self.gid is not None

    def file_mode(self, private: int) -> int:
        return SHARED_FILE_MODE if self.shared else private

    def dir_mode(self, private: int) -> int:
        return SHARED_DIR_MODE if self.shared else private

    def chgrp(self, path: Path | str) -> None:
        if self.gid is not None:
            os.chown(path, -1, self.gid, follow_symlinks=False)

    def open_out(self, out: Path) -> None:
        """Let the group reach OUT/latest: OUT in the group with g+rx (others untouched)."""
        if not self.shared:
            return
        self.chgrp(out)
        mode = stat.S_IMODE(os.stat(out).st_mode)
        os.chmod(out, mode | stat.S_IRGRP | stat.S_IXGRP)


def resolve(group: str | None) -> Sharing:
    """The Sharing of --share-group; ShareGroupError with a one-line reason."""
    if not group:
        return Sharing()
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise ShareGroupError(f"--share-group {group!r}: no such group on this machine") from None
    if os.geteuid() != 0 and gid not in os.getgroups() and gid != os.getegid():
        raise ShareGroupError(
            f"--share-group {group!r}: the service user is not a member of that group, so it cannot give files to it"
        )
    return Sharing(group=group, gid=gid)
