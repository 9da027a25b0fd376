"""Pass 2 of the validation: point at the rows of a file that pass 1 counted as bad
(malformed records DuckDB rejected, values of the wrong type, repeated keys), at
most LISTED_PER_GROUP per (file, column, kind), each group's total counted.

Values never leave as they are: a personal column's as its length, any other as
its shape (runner/export/problems.py).
"""

from __future__ import annotations

import bisect

import duckdb

from runner.contract import Table
from runner.export.headers import HeaderMap
from runner.export.problems import Found, Kind, Problem, mask_personal, shape, shown_identifier
from runner.export.value_sql import ValueCheck

LISTED_PER_GROUP = 20  # problems listed per (file, column, kind); all are counted


class RowMap:
    """Data row number of the k-th good record, given the records DuckDB rejected."""

    def __init__(self, rejected_rows: list[int]):
        self.gaps = [r - i for i, r in enumerate(sorted(set(rejected_rows)), start=1)]

    def row(self, rowid: int) -> int:
        k = rowid + 1
        return k + bisect.bisect_left(self.gaps, k)


REJECT_EXPECTED = {
    "MISSING COLUMNS": "as many fields as the header",
    "TOO MANY COLUMNS": "as many fields as the header",
    "UNQUOTED VALUE": "a well-quoted CSV record (a quote opened and never closed, or text after a closing quote)",
    "LINE SIZE OVER MAXIMUM": "a record shorter than the reader's maximum line size",
    "INVALID ENCODING": "UTF-8 text",
    "INVALID UNICODE": "UTF-8 text",
}


def report_rejects(
    con: duckdb.DuckDBPyConnection, found: Found, fname: str, rel: str, width: int
) -> None:
    """The records DuckDB's reader rejected (table <rel>_errors): malformed or not UTF-8."""
    sql = f"""
        select line - 1 as row, error_type, byte_position, column_idx,
               count(*) over (partition by error_type) as total
        from (select distinct on (line) * from {rel}_errors order by line, column_idx)
        qualify row_number() over (partition by error_type order by line) <= {LISTED_PER_GROUP}
        order by error_type, line
    """
    for row, error_type, byte_position, _column_idx, total in con.execute(sql).fetchall():
        if error_type in ("INVALID ENCODING", "INVALID UNICODE"):
            kind, value = (
                Kind.ENCODING,
                f"invalid byte sequence near byte {byte_position} of the file",
            )
            expected = "UTF-8 text"
        else:
            kind = Kind.MALFORMED
            value = error_type.lower()
            expected = REJECT_EXPECTED.get(error_type, "a well-formed CSV record")
            if "COLUMNS" in error_type:
                expected = f"{width} fields, like the header"
        found.add(Problem(fname, row, None, value, expected, kind=kind))
        if total > LISTED_PER_GROUP:
            found.totals[(fname, None, kind)] = found.totals.get((fname, None, kind), 0) + int(
                total
            )


def locate_values(
    con: duckdb.DuckDBPyConnection,
    found: Found,
    table: Table,
    fname: str,
    rel: str,
    failing: list[ValueCheck],
    failing_unique: list[ValueCheck],
    rowmap: RowMap,
) -> None:
    """The rows of the failing checks, in the table <rel> whose rowid is file order."""
    parts = [
        f"select {c.index} as col, {c.kind_sql} as kind, rowid as rid, {c.shown} as val from {rel}"
        for c in failing
    ]
    for c in failing_unique:
        parts.append(
            f"select {c.index} as col, '{Kind.UNIQUE}' as kind, rid, cast(first_rid as varchar) || '|' || val as val "
            f"from (select rowid as rid, {c.shown} as val, min(rowid) over (partition by {c.key}) as first_rid "
            f"from {rel} where {c.key} in "
            f"(select {c.key} from {rel} where {c.key} is not null group by 1 having count(*) > 1)) "
            f"where rid <> first_rid"
        )
    if not parts:
        return
    sql = f"""
        select col, kind, rid, val, count(*) over (partition by col, kind) as total
        from ({" union all ".join(parts)}) where kind is not null
        qualify row_number() over (partition by col, kind order by rid) <= {LISTED_PER_GROUP}
        order by col, kind, rid
    """
    for col, kind, rid, val, total in con.execute(sql).fetchall():
        column = table.columns[col]
        row = rowmap.row(rid)
        value: str | None = val
        expected = column.expected
        masked = value is not None
        if kind == Kind.UNIQUE:
            first_rid, _, value = val.partition("|")
            expected = f"a unique {column.name}; first seen at row {rowmap.row(int(first_rid))}"
            value = mask_personal(int(value)) if column.pii else shown_identifier(value)
            masked = value.startswith("<")
        elif kind == Kind.REQUIRED:
            value, masked = None, False
        elif column.pii:
            value = mask_personal(int(value) if value is not None else None)
        elif value is not None:
            value = shape(value)  # never the value itself: a shifted row puts names anywhere
        personal = column.pii and value is not None
        found.add(
            Problem(
                fname,
                row,
                column.name,
                value,
                expected,
                kind=kind,
                personal=personal,
                masked=masked and not personal,
            )
        )
        if total > LISTED_PER_GROUP:
            found.totals[(fname, column.name, kind)] = int(total)


def repeated_groups(
    con: duckdb.DuckDBPyConnection,
    found: Found,
    fname: str,
    rel: str,
    hmap: HeaderMap,
    rowmap: RowMap,
) -> None:
    """customer_groups: a notice for repeated (customer_id, group_name) pairs."""
    cid, gname = hmap.positions.get("customer_id"), hmap.positions.get("group_name")
    if cid is None or gname is None:
        return
    sql = f"""
        select count(*), min(rid) from (
          select rowid as rid, row_number() over (partition by trim(c{cid}), lower(trim(c{gname})) order by rowid) as n
          from {rel} where nullif(trim(c{gname}), '') is not null
        ) where n > 1
    """
    count, first = con.execute(sql).fetchone()  # type: ignore[misc]
    if count:
        found.notices.append(
            f"{fname}: {count} repeated (customer_id, group_name) pair(s), each counted once "
            f"(first repeat at row {rowmap.row(first)})"
        )
