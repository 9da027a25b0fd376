"""The API key: read from the environment only, sent only as a header, scrubbed from every message."""

from __future__ import annotations

import logging
import os

API_KEY_ENV = "JUVONNO_DQ_API_KEY"
MASK = "<api key>"


def read_api_key() -> str:
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        from runner.pull.errors import PullError

        raise PullError(
            f"set the API key in the environment variable {API_KEY_ENV} (it is never taken from a flag)"
        )
    return key


class Redactor:
    """Replaces the key (and its URL-encoded form) wherever a text could carry it."""

    def __init__(self, key: str) -> None:
        from urllib.parse import quote

        self._forms = sorted({key, quote(key, safe=""), quote(key)}, key=len, reverse=True)

    def __call__(self, text: object) -> str:
        out = str(text)
        for form in self._forms:
            out = out.replace(form, MASK)
        return out


class RedactingFilter(logging.Filter):
    """A logging filter that formats each record once and redacts the result (httpx logs URLs)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
