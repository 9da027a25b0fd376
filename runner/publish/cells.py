"""Cell values that are safe to open in a spreadsheet, for every CSV or workbook
the project publishes (worklist.csv, worklist.xlsx, ...).

- No cell can start a formula: a value beginning with `= + - @`, a tab or a
  carriage return gets a leading apostrophe, as OWASP advises for CSV injection
  (spreadsheets show the text; a CSV reader sees the apostrophe).
- No value can break a record: CSV fields are always quoted (`QUOTE_ALL`), so a
  bare `\\r` (which Python's csv module does not quote with `lineterminator="\\n"`)
  stays inside its field.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]*")


def spreadsheet_safe(value: Any) -> str:
    """The text of a cell, neutralised so that no spreadsheet reads it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV document (header + rows), every field quoted and spreadsheet-safe."""
    if not all(_PLAIN_NAME.fullmatch(c) for c in columns):
        raise ValueError("CSV column names must be plain lower-case identifiers")
    buf = io.StringIO(newline="")
    buf.write(",".join(columns) + "\n")  # our own identifiers: nothing to quote
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in rows:
        writer.writerow([spreadsheet_safe(row.get(c)) for c in columns])
    return buf.getvalue()
