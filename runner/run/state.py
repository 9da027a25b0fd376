"""What a run was asked to do (RunRequest) and what it knows as it goes (RunState)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from runner import options
from runner.checkpoints import Checkpoints
from runner.monitor.anomaly import Sensitivity
from runner.progress import Progress
from runner.publish.sharing import Sharing


@dataclass
class RunRequest:
    export_dir: Path
    as_of: dt.date | None = None
    out: Path = options.DEFAULT_OUT
    target: str = options.DEFAULT_TARGET
    warehouse: Path | None = None
    strict: bool = False
    keep_runs: int = options.DEFAULT_KEEP_RUNS
    share_group: str | None = None  # readable by this Unix group (runner/publish/sharing.py)
    as_of_source: str = "--as-of"  # where a given as_of came from, for the log (config.source_of)
    anomaly: Sensitivity = field(default_factory=Sensitivity)

    def __post_init__(self) -> None:
        # The CLI passes absolute paths already; a caller in Python gets the same
        # guarantee (GX's Data Docs config, for one, refuses a relative folder).
        self.export_dir = Path(os.path.abspath(self.export_dir))
        self.out = Path(os.path.abspath(self.out))
        if self.warehouse is not None:
            self.warehouse = Path(os.path.abspath(self.warehouse))


class CannotRun(Exception):
    """A known reason the run cannot be done (exit 3), said in one line."""


@dataclass
class RunState:
    """One run, from the lock to its record; filled in step by step."""

    req: RunRequest
    progress: Progress
    run_id: str
    started_at: dt.datetime
    checkpoints: Checkpoints
    run_dir: Path | None = None  # runs/.<id>.partial, then runs/<id>
    as_of: dt.date | None = None
    notices: list[str] = field(default_factory=list)
    sharing: Sharing = field(default_factory=Sharing)  # of --share-group

    @property
    def out(self) -> Path:
        return self.req.out

    @property
    def folder(self) -> Path:
        """The run folder (the partial one until it is renamed into place)."""
        if self.run_dir is None:
            raise RuntimeError("the run folder is made right after the lock")
        return self.run_dir

    @property
    def as_of_date(self) -> dt.date:
        if self.as_of is None:
            raise RuntimeError("the as-of date is resolved before the build")
        return self.as_of


def new_run_id(now: dt.datetime) -> str:
    """Sorts by start time; unique enough for two runs in one second."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(t: dt.datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")
