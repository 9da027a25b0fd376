"""Great Expectations in a child process, started early so its import overlaps dbt.

```
parent: start() ──────────── dbt build ──────────── run(url, rule hits) ── result
child:  spawn, import GX, build context + suites ── wait on the pipe ── "go": validate ── send
```

- GX costs ~5 s to import and ~1 s to build its context; the child does that on
  the second core while dbt builds. It opens no database connection before "go"
  (DuckDB allows one writer, and dbt is writing the build file).
- Spawned (not forked), so no dbt state is inherited; its SQLAlchemy/DuckDB
  connections end with it, so nothing holds the build file when we publish, and
  GX's logging lands in run.log.
- The child dies with the parent (PR_SET_PDEATHSIG) and exits when the pipe closes
  without "go" (the run stopped before GX).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from runner.checkpoints import NOWHERE, Checkpoints, Phase
from runner.progress import one_line

JOIN_SECONDS = 30


class GxFailed(Exception):
    """Great Expectations could not run (its traceback is in run.log)."""


class GxChild:
    """One GX child per run: start() early, then run() once, or close()."""

    def __init__(self, run_dir: Path, log_path: Path, checkpoints: Checkpoints = NOWHERE) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._to_child, child_end = ctx.Pipe()
        self._process = ctx.Process(
            target=_child_main,
            args=(child_end, str(run_dir), str(log_path), checkpoints),
            daemon=True,
        )
        self._process.start()
        child_end.close()

    def run(self, url: str, rule_hits: dict[str, int], kwargs: dict[str, Any]) -> Any:
        """Validate now (dbt has closed its connection); the GxOutcome, or GxFailed."""
        try:
            self._to_child.send(("go", url, rule_hits, kwargs))
            status, payload = self._to_child.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self._process.join(timeout=JOIN_SECONDS)
            status, payload = (
                "error",
                f"the Great Expectations process died (exit code {self._process.exitcode})",
            )
        except BaseException:
            self._process.kill()  # the run was interrupted (SIGTERM/SIGINT): do not wait for GX
            raise
        finally:
            self.close()
        if status != "ok":
            raise GxFailed(payload)
        return payload

    def close(self) -> None:
        """Tell the child to stop (closing the pipe) and reap it."""
        with contextlib.suppress(OSError):
            self._to_child.close()
        self._process.join(timeout=JOIN_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _child_main(conn: Any, run_dir: str, log_path: str, checkpoints: Checkpoints) -> None:
    import logging
    import traceback

    _die_with_parent()
    root = logging.getLogger()
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)-7s [gx] %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ"
        )
    )
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    try:
        from runner.expectations import prepare_expectations, run_prepared

        prepared = prepare_expectations(Path(run_dir))
        try:
            message = conn.recv()
        except EOFError:
            return  # the run stopped before GX: nothing to do
        _, url, rule_hits, kwargs = message
        checkpoints.reached(Phase.GX)
        outcome = run_prepared(prepared, url, rule_hits, **kwargs)
        conn.send(("ok", outcome))
        _fast_exit(conn)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, traceback to run.log
        logging.getLogger("juvonno_dq.gx").error(
            "Great Expectations failed:\n%s", traceback.format_exc()
        )
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {one_line(exc)}"))
    finally:
        conn.close()


def _fast_exit(conn: Any) -> None:
    """A normal interpreter exit tears GX's objects down (~3 s) while the run waits
    to publish. GX's engine is disposed; multiprocessing's finalizers release the
    semaphores (tqdm's lock), logging is flushed; then exit at once."""
    import logging
    from multiprocessing import util

    conn.close()
    util._exit_function()  # what a normal exit would run for multiprocessing
    logging.shutdown()
    os._exit(0)


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (a killed run leaves no GX behind)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except Exception:  # noqa: BLE001 - not Linux: best effort
        pass
