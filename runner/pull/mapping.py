"""API record → contract row: the mapping as data (one table), then one checker for every value.

Each contract column lists the API fields it may come from, tried in order; the
first one present (and not null) wins. `a.b` is a nested field, `a.0` the first
element of a list, `.` the record itself (a group given as a bare string), and
`@name` a value from the listing the record came from (its branch, its customer).
docs/notes/pull.md has the same table in prose, with where each name comes from.

Values are checked against runner/contract.py (types, patterns, enums); anything
the contract cannot hold becomes a problem naming the endpoint, the record id and
the field. A personal value is never shown, only its length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runner.contract import PATTERN_BY_TYPE, TABLES, Column, ColumnType

MAPPING: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "id": ("id",),
        "chart_num": ("num.chart", "chart_num"),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
        "gender": ("gender",),
        "date_of_birth": ("date_of_birth",),
        "email": ("email",),
        "phone": ("phone",),
        "status": ("status",),
        "branch_code": ("branch.code", "@branch_code"),
        "created": ("created",),
        "warnings": ("warnings",),
    },
    # One row per element of a customer's `groups`: "Therapy", {"name": …, "code": …} or {"group": {…}}.
    "customer_groups": {
        "customer_id": ("@customer_id",),
        "group_code": ("group.code", "code"),
        "group_name": ("group.name", "name", "."),
    },
    "appointments": {
        "id": ("id",),
        "customer_id": ("customer.id", "customer_id"),
        "start": ("start",),
        "duration": ("duration",),
        "status": ("status",),
        "schedule_type_id": ("schedule_type.id", "schedule_type_id"),
        "schedule_type_name": ("schedule_type.name", "schedule_type_name", "schedule_type"),
        "staff_id": ("attendants.0.id", "attendants.0", "staff.id", "staff_id"),
        "branch_code": ("@branch_code",),
        "created": ("created",),
    },
    "staff": {
        "id": ("id",),
        "num": ("num",),
        "first_name": ("first_name",),
        "last_name": ("last_name",),
        "staff_type": ("staff_type", "type"),
        "status": ("status",),
    },
    "encounters": {
        "id": ("id",),
        "customer_id": ("customer_id", "customer.id", "@customer_id"),
        "staff_id": ("staff_id", "staff.id"),
        "template_name": ("template.name", "template_name", "template"),
        "chart_date": ("chart_date", "date"),
        "outcome": ("outcome",),
    },
}

# Customer fields a list answer may leave out; then `customers/{id}?include=full` is read for them.
CUSTOMER_DETAIL_FIELDS = ("email", "phone", "created", "warnings", "groups")

_MISSING = object()
_SHOWN_CHARS = 60
MAX_LISTED = 50  # problems listed; all are counted


def resolve(record: Any, path: str, context: Mapping[str, Any]) -> Any:
    """The value at `path` in `record`, or _MISSING when a step is absent or null."""
    if path.startswith("@"):
        value = context.get(path[1:])
        return _MISSING if value is None else value
    if path == ".":
        return record
    value = record
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return _MISSING
        if value is None:
            return _MISSING
    return value


@dataclass
class Problems:
    """Every record problem of a pull: the first MAX_LISTED listed, all counted."""

    listed: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.listed) < MAX_LISTED:
            self.listed.append(message)

    def lines(self) -> list[str]:
        more = self.count - len(self.listed)
        return self.listed + ([f"… and {more} more"] if more > 0 else [])


# Free text written about a patient is personal too (the quality bar), though contract.py does not flag it.
FREE_TEXT_PERSONAL = {"warnings"}


def _shown(column: Column, value: Any) -> str:
    if column.pii or column.name in FREE_TEXT_PERSONAL:
        return f"<personal data, {len(str(value))} characters>"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _real_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


def convert(column: Column, value: Any) -> str | None:
    """The CSV text for `value`, or None when the contract cannot hold it."""
    if isinstance(value, (bool, dict, list)):
        return None
    if column.type in (ColumnType.ID, ColumnType.INTEGER):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or value < (1 if column.type is ColumnType.ID else 0):
            return None
        return str(value)
    text = str(value).strip() if isinstance(value, (str, int, float)) else None
    if text is None:
        return None
    if column.type is ColumnType.TEXT:
        return str(value)  # as delivered: free text keeps its spaces and line breaks
    if column.type is ColumnType.ENUM:
        return text if text.lower() in {a.lower() for a in column.allowed} else None
    if (
        not isinstance(value, str)
        or not re.fullmatch(PATTERN_BY_TYPE[column.type], text)
        or not _real_date(text)
    ):
        return None
    return text


def map_record(
    table: str,
    record: Any,
    endpoint: str,
    problems: Problems,
    context: Mapping[str, Any] | None = None,
    where: str | None = None,
) -> dict[str, str]:
    """One contract row from one API record; problems are added, never raised."""
    context = context or {}
    contract = TABLES[table]
    record_id = record.get("id") if isinstance(record, dict) else None
    where = where or f"{endpoint}: {table} record" + (
        f" id {record_id}" if _plain_id(record_id) else " without an id"
    )
    row: dict[str, str] = {}
    for name, sources in MAPPING[table].items():
        column = contract.column(name)
        source, value = next(
            ((s, v) for s in sources if (v := resolve(record, s, context)) is not _MISSING),
            (None, _MISSING),
        )
        blank = value is _MISSING or (isinstance(value, str) and not value.strip())
        if blank:
            if column.required:
                problems.add(f"{where}: no {' or '.join(sources)} (required for {table}.{name})")
            row[name] = ""
            continue
        text = convert(column, value)
        if text is None:
            problems.add(
                f"{where}: field {source} {_shown(column, value)} is not {column.expected} ({table}.{name})"
            )
            text = ""
        row[name] = text
    return row


def _plain_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


def map_groups(
    customer: dict[str, Any], customer_id: str, endpoint: str, problems: Problems
) -> list[dict[str, str]]:
    """The customer_groups rows of one customer (none: the customer is in No Group)."""
    groups = customer.get("groups")
    if groups is None:
        return []
    if not isinstance(groups, list):
        problems.add(f"{endpoint}: customers record id {customer_id}: field groups is not a list")
        return []
    context = {"customer_id": customer_id}
    rows = []
    for n, item in enumerate(groups, start=1):
        where = f"{endpoint}: customer id {customer_id}, group {n}"
        if not isinstance(item, (str, dict)):  # a bare number would be a group id, not a name
            problems.add(
                f'{where}: neither a group name nor an object with a name (expected "Therapy", {{name}} or {{group: {{name}}}})'
            )
            continue
        rows.append(map_record("customer_groups", item, endpoint, problems, context, where=where))
    return rows


BRANCH_CODE_SOURCES = ("code", "name")  # a branch record of `branches`: {id, code, name}


def branch_codes(branches: list[Any], endpoint: str) -> dict[int, str]:
    """Branch id → the code the contract's branch_code holds."""
    codes: dict[int, str] = {}
    for branch in branches:
        bid = branch.get("id") if isinstance(branch, dict) else None
        code = next(
            (v for s in BRANCH_CODE_SOURCES if (v := resolve(branch, s, {})) is not _MISSING), None
        )
        if not _plain_id(bid) or not isinstance(code, (str, int)):
            from runner.pull.errors import ApiUnavailable

            raise ApiUnavailable(
                f"{endpoint}: a branch without an id or a code (expected {{id, code, name}})"
            )
        codes[int(bid)] = str(code)
    return codes
