"""SIGTERM (systemd's stop and timeout) and SIGINT (Ctrl-C) during a run.

`handled()` turns the first signal into `Interrupted` (a KeyboardInterrupt, so dbt
cancels its queries the way it does for Ctrl-C) raised in the main thread; the run
then discards its build, records itself as interrupted, releases the lock and exits 3.
Inside `deferred()` (the publish critical section: warehouse renames, the run
folder's rename, the `latest` switch) a signal is only remembered: the section
completes, so nothing is ever half-published, and the caller checks `received()`.
A second signal while the run cleans up is remembered, never raised.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Interrupted(KeyboardInterrupt):
    """The run was asked to stop (SIGTERM or SIGINT)."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


class _State:
    received: str | None = None
    raised: bool = False
    deferring: int = 0


_state = _State()


def received() -> str | None:
    """The name of the first stop signal this run got (None: none)."""
    return _state.received


def _handler(signum: int, _frame: FrameType | None) -> None:
    name = signal.Signals(signum).name
    if _state.received is None:
        _state.received = name
    if _state.deferring or _state.raised:
        return
    _state.raised = True
    raise Interrupted(name)


@contextmanager
def handled() -> Iterator[None]:
    """Install the handlers for one run (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.received, _state.raised, _state.deferring = None, False, 0
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """A section no signal interrupts (it is remembered and acted on after)."""
    _state.deferring += 1
    try:
        yield
    finally:
        _state.deferring -= 1
