"""Exit codes of `juvonno-dq`, the scheduler's contract (see spec/outputs.md)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # completed; no error-severity check failed (SOP findings are warnings)
    CHECK_FAILED = 1  # completed, but an error-severity check failed (or --strict and any hit)
    BAD_INPUT = 2  # the export was rejected; nothing was built or published
    CANNOT_RUN = 3  # bad configuration, warehouse unreachable, lock held, internal error
