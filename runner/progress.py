"""What a run tells the console and its run.log.

- Console on a TTY: a rich live status line per step, then one line per finished step.
- Console otherwise (cron, systemd, CI): plain `YYYY-MM-DDTHH:MM:SSZ message` lines,
  one per step, nothing else.
- `run.log` in the run folder: the same lines plus details and, for an internal
  error, the traceback (the console gets only a one-line message).

Nothing here ever logs a data value: messages carry counts, ids of rules and
nodes, file names and paths.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

LOGGER_NAME = "juvonno_dq.run"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%dT%H:%M:%SZ")


class Progress:
    """The run's voice. `step()` frames a phase; `info/warn/error` add lines."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.log = logging.getLogger(f"{LOGGER_NAME}.{id(self)}")
        self.log.setLevel(logging.DEBUG)
        self.log.propagate = False
        self._file_handler: logging.FileHandler | None = None
        self._root_handler: logging.FileHandler | None = None
        self._buffer: list[logging.LogRecord] = []
        self._console = None
        self._status = None
        if self.tty:
            try:
                from rich.console import Console

                self._console = Console(file=self.stream, highlight=False, force_terminal=True)
            except Exception:  # noqa: BLE001 - rich missing: plain lines
                self.tty = False

    # -- run.log ---------------------------------------------------------
    def attach_file(self, path: Path) -> None:
        """Start writing run.log (mode 0600); lines logged before are written first."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        os.close(fd)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(_UTCFormatter())
        for record in self._buffer:
            handler.handle(record)
        self._buffer.clear()
        self.log.addHandler(handler)
        self._file_handler = handler
        # Libraries that log through the root logger (GX, SQLAlchemy, ...) go to
        # run.log, never to the console.
        self._root_handler = logging.FileHandler(path, encoding="utf-8")
        self._root_handler.setFormatter(_UTCFormatter())
        self._root_handler.setLevel(logging.WARNING)
        logging.getLogger().addHandler(self._root_handler)
        logging.captureWarnings(True)

    def close(self) -> None:
        self._stop_status()
        if self._root_handler is not None:
            logging.getLogger().removeHandler(self._root_handler)
            self._root_handler.close()
            self._root_handler = None
            logging.captureWarnings(False)
        if self._file_handler is not None:
            self._file_handler.close()
            self.log.removeHandler(self._file_handler)
            self._file_handler = None

    def _record(self, level: int, msg: str, exc_info: bool = False) -> None:
        if self._file_handler is None:
            record = self.log.makeRecord(
                self.log.name, level, "", 0, msg, (), sys.exc_info() if exc_info else None
            )
            self._buffer.append(record)
        else:
            self.log.log(level, msg, exc_info=exc_info)

    # -- console ---------------------------------------------------------
    def _say(self, msg: str, style: str | None = None) -> None:
        if self._console is not None:
            self._console.print(f"[{style}]{_escape(msg)}[/]" if style else _escape(msg))
        else:
            print(f"{_now()} {msg}", file=self.stream, flush=True)

    def info(self, msg: str, console: bool = True) -> None:
        self._record(logging.INFO, msg)
        if console:
            self._say(msg)

    def detail(self, msg: str) -> None:
        """run.log only."""
        self._record(logging.INFO, msg)

    def warn(self, msg: str) -> None:
        self._record(logging.WARNING, msg)
        self._say(msg, "yellow")

    def error(self, msg: str) -> None:
        self._record(logging.ERROR, msg)
        self._say(msg, "bold red")

    def exception(self, msg: str) -> None:
        """One line on the console; the traceback only in run.log."""
        self._record(logging.ERROR, msg, exc_info=True)
        self._say(msg, "bold red")

    def update(self, msg: str) -> None:
        """A transient status (TTY only), e.g. dbt node counts."""
        if self._status is not None:
            self._status.update(_escape(msg))

    def _stop_status(self) -> None:
        if self._status is not None:
            try:
                self._status.stop()
            finally:
                self._status = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        self._record(logging.INFO, f"{name} ...")
        if self._console is not None:
            self._status = self._console.status(_escape(name + " ..."))
            self._status.start()
        else:
            print(f"{_now()} {name} ...", file=self.stream, flush=True)
        try:
            yield
        except BaseException:
            self._stop_status()
            raise
        self._stop_status()
        took = time.monotonic() - started
        self._record(logging.INFO, f"{name}: done in {took:.1f}s")
        self._say(f"{name}: done in {took:.1f}s", "green" if self._console is not None else None)


def _escape(text: str) -> str:
    try:
        from rich.markup import escape

        return escape(text)
    except Exception:  # noqa: BLE001
        return text


def one_line(text: object, limit: int = 300) -> str:
    """A message (an exception's, say) as one line of at most `limit` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
