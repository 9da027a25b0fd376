"""worklist.xlsx as written by runner/publish/workbook.py, read back with openpyxl:
no cell is a formula whatever the text, dates are dates, numbers are numbers,
each sheet is a filtered table under a frozen header, control characters cannot
break the file."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from runner.publish import results, workbook

HOSTILE = ['=HYPERLINK("x","y")', "+1+1", "-2", "@SUM(A1)", "\tTAB", "\rCR", "a\x01b\x1fc", "plain"]


def _rows(n: int) -> list[dict]:
    return [
        {
            "customer_id": 1000 + i,
            "chart_num": "=1+1" if i == 0 else f"C{i}",
            "group_name": "Therapy; iCBT",
            "rule_id": "SOP-01",
            "rule_title": "No Group must be empty",
            "severity": "warn",
            "expected_group": None,
            "detail": HOSTILE[i % len(HOSTILE)],
            "action": "Allocate the patient",
            "status": "persisting",
            "first_seen": dt.date(2026, 11, 20),
            "days_open": 3,
            "owner_staff_id": 101,
            "owner_role": "Therapist",
            "acknowledged_until": dt.date(2026, 12, 1),
            "exception_reason": "@agreed",
            "exception_agreed_by": "coordinator 104",
            "exception_agreed_on": dt.date(2026, 11, 21),
        }
        for i in range(n)
    ]


def _book(open_rows: list[dict], ack_rows: list[dict]):
    data = workbook.workbook_bytes(
        [(results.WORKLIST_COLUMNS, open_rows), (results.ACKNOWLEDGED_COLUMNS, ack_rows)]
    )
    return load_workbook(io.BytesIO(data))


def test_no_cell_is_a_formula_and_the_text_is_kept() -> None:
    book = _book(_rows(len(HOSTILE)), _rows(2))
    assert book.sheetnames == ["Open findings", "Acknowledged"]
    sheet = book["Open findings"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells)
    column = results.WORKLIST_COLUMNS.index("detail") + 1
    details = [sheet.cell(row=r, column=column).value for r in range(2, len(HOSTILE) + 2)]
    assert details[:4] == ['\'=HYPERLINK("x","y")', "'+1+1", "'-2", "'@SUM(A1)"]
    assert details[6] == "a\ufffdb\ufffdc" and details[7] == "plain"
    assert sheet.cell(row=2, column=2).value == "'=1+1"


def test_dates_are_dates_and_ids_numbers() -> None:
    sheet = _book(_rows(2), [])["Open findings"]
    header = [c.value for c in sheet[1]]
    first_seen = sheet.cell(row=2, column=header.index("first_seen") + 1)
    assert first_seen.is_date and first_seen.value == dt.datetime(2026, 11, 20)
    assert first_seen.number_format == workbook.DATE_FORMAT
    assert sheet.cell(row=2, column=header.index("customer_id") + 1).value == 1000
    assert sheet.cell(row=2, column=header.index("days_open") + 1).value == 3


def test_each_sheet_is_a_filtered_table_under_a_frozen_header_with_sized_columns() -> None:
    book = _book(_rows(3), [])
    open_sheet, ack_sheet = book["Open findings"], book["Acknowledged"]
    assert open_sheet.freeze_panes == ack_sheet.freeze_panes == "A2"
    (table,) = open_sheet.tables.values()
    assert table.ref == "A1:N4"
    assert [c.value for c in open_sheet[1]] == list(results.WORKLIST_COLUMNS)
    assert (
        open_sheet.column_dimensions["I"].width > open_sheet.column_dimensions["F"].width
    )  # action > severity
    # an empty sheet: header, filters, no table (Excel wants a data row in a table)
    assert [c.value for c in ack_sheet[1]] == list(results.ACKNOWLEDGED_COLUMNS)
    assert ack_sheet.max_row == 1 and not ack_sheet.tables and ack_sheet.auto_filter.ref
