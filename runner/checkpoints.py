"""Named points of a run where a test may stop it: the seam of the SIGKILL tests.

A run reads `JUVONNO_DQ_TEST_PAUSE_AT=<phase>` once, at its start, into one
`Checkpoints` object that the pipeline passes to the parts that reach a phase
(the warehouse's publish, the GX child). `reached(phase)` does nothing unless that
phase was named; then it writes `OUT/.test-paused-at-<phase>` (the process id)
and sleeps `JUVONNO_DQ_TEST_PAUSE_SECONDS` (default 600) so the test can kill the
run there. No other code of the run reads these variables.
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PAUSE_AT_ENV = "JUVONNO_DQ_TEST_PAUSE_AT"
PAUSE_SECONDS_ENV = "JUVONNO_DQ_TEST_PAUSE_SECONDS"
DEFAULT_PAUSE_SECONDS = 600.0


class Phase(str, enum.Enum):  # noqa: UP042 - StrEnum would change str(member)
    VALIDATE_LOAD = "validate-load"  # DuckDB: inside validate and load, one file in the build
    LOAD = "load"  # the raw layer loaded, before dbt
    DBT = "dbt"  # inside dbt, after its first node
    GX = "gx"  # inside the GX child, before it validates
    PUBLISH = "publish"  # the run folder written, nothing published
    PUBLISH_WAREHOUSE = "publish-warehouse"  # DuckDB: the analysts' temp file written
    PUBLISH_LATEST = "publish-latest"  # everything in place but OUT/latest


@dataclass(frozen=True)
class Checkpoints:
    """Where this run pauses (None: nowhere). Frozen and picklable: the GX child gets a copy."""

    out: Path
    pause_at: str | None = None
    seconds: float = DEFAULT_PAUSE_SECONDS

    @classmethod
    def from_env(cls, out: Path, environ: Mapping[str, str] | None = None) -> Checkpoints:
        env = os.environ if environ is None else environ
        return cls(
            out=Path(out),
            pause_at=env.get(PAUSE_AT_ENV) or None,
            seconds=float(env.get(PAUSE_SECONDS_ENV, DEFAULT_PAUSE_SECONDS)),
        )

    def reached(self, phase: Phase) -> None:
        if self.pause_at != phase.value:
            return
        marker = self.out / f".test-paused-at-{phase.value}"
        marker.write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(self.seconds)


NOWHERE = Checkpoints(out=Path("."))  # a run that never pauses (library callers, tests)
