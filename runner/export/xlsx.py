"""An Excel export file (.xlsx, one sheet) converted to the plain UTF-8 CSV the bulk
reader reads; dates as YYYY-MM-DD. The only place that walks cells in Python."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from runner.export import boundary


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel stores datetimes as floats: round away sub-millisecond noise.
        micro = round(value.microsecond / 1000) * 1000
        value = value.replace(microsecond=0) + dt.timedelta(microseconds=micro)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        spec = "milliseconds" if value.microsecond else "seconds"
        return value.isoformat(sep="T", timespec=spec)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an Excel number cell has no int/float distinction
    return str(value)


def convert_xlsx(path: Path, target: Path) -> tuple[list[str] | None, int, str | None]:
    """One-sheet workbook -> plain UTF-8 CSV. Returns (headers, data rows, problem)."""
    import openpyxl

    try:
        fh = open(boundary.open_regular(path), "rb")  # noqa: SIM115 - closed with the workbook
    except OSError as err:
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is bad input
        fh.close()
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    try:
        return _write_sheet(wb, target)
    except Exception as err:  # noqa: BLE001 - a workbook that breaks half way is bad input too
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    finally:
        wb.close()
        fh.close()


def _write_sheet(wb, target: Path) -> tuple[list[str] | None, int, str | None]:  # type: ignore[no-untyped-def]
    if len(wb.sheetnames) != 1:
        return None, 0, f"a workbook with exactly one sheet (found {len(wb.sheetnames)})"
    ws = wb[wb.sheetnames[0]]
    # Read-only mode stops at the sheet's <dimension> record, which any writer may get
    # wrong (or lie in): read every row there is.
    ws.reset_dimensions()
    rows = ws.iter_rows()
    headers: list[str] | None = None
    for first in rows:
        cells = [_cell_text(c) for c in first]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            headers = cells
            break
    if headers is None:
        return None, 0, None
    width = len(headers)
    n = 0
    pending_blank = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(
            out, lineterminator="\n", quoting=csv.QUOTE_ALL
        )  # a bare \r in a cell stays in its field
        writer.writerow(headers)
        for row in rows:
            cells = [_cell_text(c) for c in row]
            while len(cells) > width and cells[-1] == "":
                cells.pop()
            if not any(cells):
                pending_blank += 1  # trailing blank rows are not data; inner ones are
                continue
            for _ in range(pending_blank):
                writer.writerow([""] * width)
            n += pending_blank
            pending_blank = 0
            writer.writerow(cells + [""] * (width - len(cells)))
            n += 1
    return headers, n, None


# --------------------------------------------------------------------------- checks
