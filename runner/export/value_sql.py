"""The SQL of the value checks: per contract column, the text that is not of its type
or enum (exact, on trimmed text) and pass 1's cheaper over-approximation."""

from __future__ import annotations

from dataclasses import dataclass

from runner.contract import PATTERN_BY_TYPE, Column, ColumnType, Table
from runner.export.headers import HeaderMap, sql_string
from runner.export.problems import Kind


def _ok_value_sql(column: Column, v: str) -> str | None:
    """SQL true when the non-blank text v parses as the column's type (None: any text)."""
    t = column.type
    if t is ColumnType.ENUM:
        allowed = ", ".join(sql_string(a.lower()) for a in column.allowed)
        return f"lower({v}) in ({allowed})"
    if t not in PATTERN_BY_TYPE:
        return None
    matches = f"regexp_full_match({v}, {sql_string(PATTERN_BY_TYPE[t])})"
    if t is ColumnType.ID:
        return f"{matches} and try_cast({v} as bigint) > 0"
    if t is ColumnType.INTEGER:
        return f"{matches} and try_cast({v} as bigint) is not null"  # within BIGINT
    if t is ColumnType.DATE:
        return f"{matches} and try_cast({v} as date) is not null"  # a real calendar date
    return f"{matches} and try_cast(substr({v}, 1, 10) as date) is not null"  # DATETIME


def _bad_value_sql(column: Column, v: str) -> str:
    """SQL true when the trimmed, non-blank text v does not parse as the column's type."""
    ok = _ok_value_sql(column, v)
    return f"not coalesce({ok}, false)" if ok else "false"


def _maybe_bad_sql(column: Column, raw: str) -> str | None:
    """Pass 1's cheap test on the untrimmed text: true for every value the exact
    check (kind_sql, on trimmed text) finds bad, and maybe for a few good ones
    (padded with spaces, a text starting with a non-ASCII letter), which pass 2
    then clears. trim() is the costly part of the exact check, so it is left out here."""
    ok = _ok_value_sql(column, raw)
    if ok is None:
        # blank = only (Unicode) spaces: such a value starts with a character outside printable ASCII
        return (
            f"({raw} is null or ascii({raw}) not between 33 and 126)" if column.required else None
        )
    if column.required:
        return f"not coalesce({ok}, false)"
    return f"({raw} is not null and not coalesce({ok}, false))"


@dataclass(frozen=True)
class ValueCheck:
    index: int  # the column's position in the contract table
    column: Column
    kind_sql: str  # SQL: the problem kind of a row's value, NULL when fine
    maybe_bad: str | None  # SQL for pass 1: true for every bad value (and maybe a few good ones)
    shown: str  # SQL: the value for a message (its length for a personal column)
    key: str | None  # SQL: the uniqueness key (unique columns only)


def value_checks(table: Table, hmap: HeaderMap) -> list[ValueCheck]:
    """One check per contract column the header has that can hold a bad value."""
    checks: list[ValueCheck] = []
    for i, column in enumerate(table.columns):
        pos = hmap.positions.get(column.name)
        if pos is None:
            continue
        raw = f"c{pos}"
        v = f"trim({raw})"
        blank = f"({raw} is null or {v} = '')"
        bad = _bad_value_sql(column, v)
        kind_bad = Kind.ENUM if column.type is ColumnType.ENUM else Kind.TYPE
        conditions = []
        if column.required:
            conditions.append(f"when {blank} then '{Kind.REQUIRED}'")
        if bad != "false":
            conditions.append(f"when not {blank} and {bad} then '{kind_bad}'")
        if not conditions and not column.unique:
            continue
        kind_sql = ("case " + " ".join(conditions) + " end") if conditions else "null"
        key = None
        if column.unique:
            # coalesce evaluates trim() only where the plain cast fails
            key = (
                f"coalesce(try_cast({raw} as bigint), try_cast({v} as bigint))"
                if column.type is ColumnType.ID
                else f"nullif({v}, '')"
            )
        shown = f"cast(length({v}) as varchar)" if column.pii else v
        checks.append(ValueCheck(i, column, kind_sql, _maybe_bad_sql(column, raw), shown, key))
    return checks


def pair_key(hmap: HeaderMap) -> str | None:
    """SQL: customer_groups' (customer_id, group_name) key, None when a column is absent."""
    cid, gname = hmap.positions.get("customer_id"), hmap.positions.get("group_name")
    if cid is None or gname is None:
        return None
    return f"(trim(c{cid}) || chr(31) || lower(nullif(trim(c{gname}), '')))"
