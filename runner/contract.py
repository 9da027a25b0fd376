"""The raw export contract (spec/export-contract.md) as data: its one home.

The validator, the loader's DDL and the raw Great Expectations suites read this
module; `models/staging/*/_*__sources.yml` mirrors it (what they must say is
`runner/contract_sources.py`) and pytests/test_contract_sources.py keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ColumnType(str, Enum):  # noqa: UP042 - StrEnum would change str(member)
    ID = "id"  # positive integer identifier
    INTEGER = "integer"  # non-negative integer (duration in minutes)
    TEXT = "text"
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # ISO 8601, see DATETIME_PATTERN; a bare date means midnight
    ENUM = "enum"  # one of Column.allowed, matched case-insensitively


# Patterns the text of a value must match (after trimming). DuckDB's casts are
# lenient ("11559.0" becomes a BIGINT, "24:00" a TIME), so strictness lives here.
ID_PATTERN = r"^[0-9]+$"  # plus: value > 0
INTEGER_PATTERN = r"^[0-9]+$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"  # plus: a real calendar date
DATETIME_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?$"
)
# The same shapes as GLOBs, which DuckDB matches about twice as fast as a regex:
# "not digits only" (the complement of ID/INTEGER_PATTERN) and dddd-dd-dd (with the
# date cast's range check, DATE_PATTERN). pytests/test_contract_globs.py keeps them equal.
NON_DIGIT_GLOB = "*[!0-9]*"
DATE_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"

PATTERN_BY_TYPE: dict[ColumnType, str] = {
    ColumnType.ID: ID_PATTERN,
    ColumnType.INTEGER: INTEGER_PATTERN,
    ColumnType.DATE: DATE_PATTERN,
    ColumnType.DATETIME: DATETIME_PATTERN,
}

EXPECTED_BY_TYPE: dict[ColumnType, str] = {
    ColumnType.ID: "a positive integer",
    ColumnType.INTEGER: "a whole number",
    ColumnType.DATE: "a date YYYY-MM-DD",
    ColumnType.DATETIME: "an ISO 8601 datetime (YYYY-MM-DD, then T or a space, HH:MM[:SS[.ffffff]], optional Z or +HH:MM)",
    ColumnType.TEXT: "text",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    unique: bool = False
    allowed: tuple[str, ...] = ()  # ENUM only, in the casing stored
    pii: bool = False
    references: str | None = None  # "customers.id": orphans are findings, not rejections
    description: str = ""

    @property
    def expected(self) -> str:
        if self.type is ColumnType.ENUM:
            return "one of " + ", ".join(self.allowed)
        return EXPECTED_BY_TYPE[self.type]


@dataclass(frozen=True)
class Table:
    name: str  # file base name and raw table name
    required: bool
    columns: tuple[Column, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


APPOINTMENT_STATUS_CLASSES: dict[str, str] = {
    "Arrived": "attended",
    "Completed": "attended",
    "Billed": "attended",
    "Paid": "attended",
    "No Show": "missed",
    "Late Cancel": "missed",
    "Pending": "booked",
    "Confirmed": "booked",
    "Cancelled": "cancelled",
    "Dismissed": "cancelled",
    "Deleted": "deleted",
}

CUSTOMER_STATUSES = ("active", "inactive", "discharged", "deleted")
GENDERS = ("male", "female", "private", "unknown")
STAFF_TYPES = ("Therapist", "Coordinator", "Administrator", "Other")
STAFF_STATUSES = ("active", "inactive")

C = Column
T = ColumnType

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            required=True,
            description="One row per Juvonno customer (patients, parent-contact, test and commissioner accounts).",
            columns=(
                C("id", T.ID, required=True, unique=True, description="Juvonno customer id."),
                C("chart_num", T.TEXT, description="The chart number staff search by in Juvonno."),
                C("first_name", T.TEXT, pii=True, description="Personal data."),
                C("last_name", T.TEXT, pii=True, description="Personal data."),
                C("gender", T.ENUM, allowed=GENDERS),
                C("date_of_birth", T.DATE, pii=True, description="Personal data."),
                C("email", T.TEXT, pii=True, description="Personal data."),
                C("phone", T.TEXT, pii=True, description="Personal data."),
                C(
                    "status",
                    T.ENUM,
                    required=True,
                    allowed=CUSTOMER_STATUSES,
                    description="Juvonno customer status.",
                ),
                C("branch_code", T.TEXT),
                C(
                    "created",
                    T.DATETIME,
                    required=True,
                    description="When the customer record was created.",
                ),
                C("warnings", T.TEXT, description="The profile's free-text Warnings block."),
            ),
        ),
        Table(
            "customer_groups",
            required=True,
            description="One row per group membership.",
            columns=(
                C("customer_id", T.ID, required=True, references="customers.id"),
                C("group_code", T.TEXT, description="Juvonno's short code for the group."),
                C(
                    "group_name",
                    T.TEXT,
                    required=True,
                    description="Matched to the catalogue trimmed, case-insensitively.",
                ),
            ),
        ),
        Table(
            "appointments",
            required=True,
            description="One row per appointment.",
            columns=(
                C("id", T.ID, required=True, unique=True),
                C("customer_id", T.ID, required=True, references="customers.id"),
                C("start", T.DATETIME, required=True),
                C("duration", T.INTEGER, description="Minutes."),
                C("status", T.ENUM, required=True, allowed=tuple(APPOINTMENT_STATUS_CLASSES)),
                C("schedule_type_id", T.ID),
                C(
                    "schedule_type_name",
                    T.TEXT,
                    required=True,
                    description="Mapped to a service by the schedule_types seed.",
                ),
                C("staff_id", T.ID, references="staff.id", description="The first attendant."),
                C("branch_code", T.TEXT),
                C(
                    "created",
                    T.DATETIME,
                    description="When booked (offered); when empty, start stands in.",
                ),
            ),
        ),
        Table(
            "staff",
            required=True,
            description="One row per staff member.",
            columns=(
                C("id", T.ID, required=True, unique=True),
                C("num", T.TEXT),
                C("first_name", T.TEXT, pii=True, description="Personal data."),
                C("last_name", T.TEXT, pii=True, description="Personal data."),
                C("staff_type", T.ENUM, required=True, allowed=STAFF_TYPES),
                C("status", T.ENUM, allowed=STAFF_STATUSES),
            ),
        ),
        Table(
            "encounters",
            required=True,
            description="One row per chart entry or form (templated clinical and administrative events).",
            columns=(
                C("id", T.ID, required=True, unique=True),
                C("customer_id", T.ID, required=True, references="customers.id"),
                C("staff_id", T.ID, references="staff.id", description="Who recorded it."),
                C(
                    "template_name",
                    T.TEXT,
                    required=True,
                    description="Mapped to an event by the encounter_templates seed.",
                ),
                C("chart_date", T.DATETIME, required=True, description="A date or a datetime."),
                C("outcome", T.TEXT, description="Used by the Triage Outcome template."),
            ),
        ),
        Table(
            "icbt_activity",
            required=False,
            description="From the iCBT platform: one row per module a patient started.",
            columns=(
                C("customer_id", T.ID, required=True, references="customers.id"),
                C("module_name", T.TEXT, required=True),
                C("started_at", T.DATETIME, required=True),
                C("completed_at", T.DATETIME),
                C("last_activity_at", T.DATETIME),
            ),
        ),
    )
}

del C, T

# Accepted file forms for one table, in the order they are looked for.
FILE_SUFFIXES = (".csv", ".csv.gz", ".xlsx")
MANIFEST_FILE = "manifest.json"

# The triage outcome values the SOP names (free text otherwise).
TRIAGE_OUTCOMES = ("Therapy", "iCBT", "Group Therapy", "Sandbox website", "External referral")
