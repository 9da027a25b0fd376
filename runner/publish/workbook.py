"""worklist.xlsx: the worklist as a workbook coordinators can open, as safe as
worklist.csv. One sheet of open findings and one of acknowledged ones, each an
Excel table (filters on every column) under a frozen header row, columns sized
to their content, dates as dates, ids and day counts as numbers. Every text cell
goes through runner/publish/cells.py `spreadsheet_safe`, so no cell is a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from runner.publish.cells import spreadsheet_safe

DATE_FORMAT = "yyyy-mm-dd"
NUMBER_COLUMNS = frozenset({"customer_id", "days_open", "owner_staff_id"})
MAX_WIDTH = 60
SHEETS = (("Open findings", "OpenFindings"), ("Acknowledged", "Acknowledged"))


def workbook_bytes(
    sheets: Sequence[tuple[Sequence[str], Sequence[Mapping[str, Any]]]],
) -> bytes:
    """The .xlsx file: one (columns, rows) per sheet of SHEETS, in that order."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for (title, table_name), (columns, rows) in zip(SHEETS, sheets, strict=True):
        _sheet(book.create_sheet(title), table_name, columns, rows)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _sheet(
    sheet: Any, table_name: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    sheet.append(list(columns))
    widths = [len(c) for c in columns]
    for row in rows:
        values = [_cell(c, row.get(c)) for c in columns]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = max(
                widths[i], len(v.isoformat()) if isinstance(v, dt.date) else len(str(v or ""))
            )
    for i in range(1, len(columns) + 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = min(MAX_WIDTH, widths[i - 1] + 2)
        if rows and isinstance(sheet.cell(row=2, column=i).value, dt.date):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    if rows:  # an Excel table needs a data row; an empty sheet gets plain filters
        table = Table(displayName=table_name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)
    else:
        sheet.auto_filter.ref = ref


def _cell(column: str, value: Any) -> Any:
    """A typed cell value: dates as dates, whole numbers as numbers, anything else safe text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if column in NUMBER_COLUMNS:
        try:
            return int(value)
        except (TypeError, ValueError):
            pass
    # characters XML cannot hold (control characters) become a visible U+FFFD
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", spreadsheet_safe(value))
