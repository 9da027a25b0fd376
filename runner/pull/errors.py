"""Why a pull stopped, and the exit code the scheduler gets for it."""

from __future__ import annotations

from runner.exit_codes import ExitCode


class PullError(Exception):
    """A pull that cannot finish. The message never holds the API key or a personal value."""

    code: ExitCode = ExitCode.CANNOT_RUN


class ApiUnavailable(PullError):
    """Unreachable, refused the key, kept failing after the retries, or paged inconsistently (exit 3)."""

    code = ExitCode.CANNOT_RUN


class BadApiData(PullError):
    """A record the export contract cannot hold (exit 2, like a rejected export); all of them at once."""

    code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} record problem(s) in the API's answers")
