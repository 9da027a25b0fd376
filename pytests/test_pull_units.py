"""The pull's parts without a server: rate limiter (injected clock), Retry-After, mapping variants, windows, redaction."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from runner.contract import TABLES
from runner.pull.fetch import month_windows
from runner.pull.http import parse_retry_after
from runner.pull.mapping import MAPPING, Problems, map_groups, map_record
from runner.pull.ratelimit import RateLimiter
from runner.pull.secret import MASK, RedactingFilter, Redactor


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))


def test_rate_limiter_spaces_requests_and_a_pause_holds_everyone() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4.0, clock=clock, sleep=clock.sleep)

    async def go() -> None:
        for _ in range(3):
            await limiter.acquire()
        limiter.pause(2.0)  # a 429 said Retry-After: 2
        await limiter.acquire()

    asyncio.run(go())
    assert clock.sleeps == [0.25, 0.5, 2.0]


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    assert 25 <= parse_retry_after(later) <= 31  # type: ignore[operator]


def test_mapping_covers_every_contract_column_once() -> None:
    for table, columns in MAPPING.items():
        assert tuple(columns) == TABLES[table].column_names, table


@pytest.mark.parametrize(
    "groups",
    [
        ["Therapy", "No Group"],
        [{"name": "Therapy", "code": "THR"}, {"name": "No Group"}],
        [
            {"group": {"name": "Therapy", "code": "THR"}},
            {"group": {"name": "No Group", "code": None}},
        ],
    ],
)
def test_group_shapes(groups: list) -> None:  # type: ignore[type-arg]
    problems = Problems()
    rows = map_groups({"id": 7, "groups": groups}, "7", "customers/list", problems)
    assert problems.count == 0
    assert [r["group_name"] for r in rows] == ["Therapy", "No Group"]
    assert all(r["customer_id"] == "7" for r in rows)
    assert rows[0]["group_code"] in ("", "THR")


def test_no_groups_means_no_rows_and_a_bad_group_is_a_problem() -> None:
    problems = Problems()
    assert map_groups({"id": 7}, "7", "customers/list", problems) == []
    assert (
        map_groups({"id": 7, "groups": [42, {"code": "THR"}]}, "7", "customers/list", problems)[0][
            "group_name"
        ]
        == ""
    )
    assert problems.lines() == [
        'customers/list: customer id 7, group 1: neither a group name nor an object with a name (expected "Therapy", {name} or {group: {name}})',
        "customers/list: customer id 7, group 2: field . {'code': 'THR'} is not text (customer_groups.group_name)",
    ]


@pytest.mark.parametrize(
    ("staffing", "expected"),
    [
        ({"attendants": [{"id": 1001}, {"id": 1002}]}, "1001"),
        ({"attendants": [1003]}, "1003"),
        ({"staff": {"id": 1004}}, "1004"),
        ({"staff_id": 1005}, "1005"),
        ({"attendants": []}, ""),
    ],
)
def test_appointment_staff_variants(staffing: dict, expected: str) -> None:  # type: ignore[type-arg]
    record = {
        "id": 5,
        "customer": {"id": 9},
        "start": "2026-11-02T10:00:00+00:00",
        "duration": 50,
        "status": "Completed",
        "schedule_type": {"id": 11, "name": "1:1 Therapy Session"},
        **staffing,
    }
    problems = Problems()
    row = map_record(
        "appointments", record, "appointments/list/1", problems, {"branch_code": "SBX-N"}
    )
    assert problems.count == 0
    assert row == {
        "id": "5",
        "customer_id": "9",
        "start": "2026-11-02T10:00:00+00:00",
        "duration": "50",
        "status": "Completed",
        "schedule_type_id": "11",
        "schedule_type_name": "1:1 Therapy Session",
        "staff_id": expected,
        "branch_code": "SBX-N",
        "created": "",
    }


def test_encounter_variants_and_the_appointments_customer() -> None:
    problems = Problems()
    a = map_record(
        "encounters",
        {"id": 1, "template": {"name": "Session Note"}, "date": "2026-11-02", "staff": {"id": 3}},
        "encounters/{id}",
        problems,
        {"customer_id": "9"},
    )
    b = map_record(
        "encounters",
        {
            "id": 2,
            "customer_id": 8,
            "template_name": "Triage Outcome",
            "chart_date": "2026-11-01",
            "staff_id": None,
            "outcome": "Therapy",
        },
        "encounters/{id}",
        problems,
        {"customer_id": "9"},
    )
    assert problems.count == 0
    assert (a["customer_id"], a["template_name"], a["chart_date"], a["staff_id"]) == (
        "9",
        "Session Note",
        "2026-11-02",
        "3",
    )
    assert (b["customer_id"], b["outcome"], b["staff_id"]) == ("8", "Therapy", "")


def test_values_the_contract_cannot_hold() -> None:
    problems = Problems()
    record = {
        "id": 4,
        "customer": {"id": 0},
        "start": "12/03/2026",
        "duration": -5,
        "status": "Rescheduled",
        "schedule_type": {"id": 1},
    }
    map_record("appointments", record, "appointments/list/2", problems)
    assert problems.lines() == [
        "appointments/list/2: appointments record id 4: field customer.id 0 is not a positive integer (appointments.customer_id)",
        "appointments/list/2: appointments record id 4: field start '12/03/2026' is not an ISO 8601 datetime "
        "(YYYY-MM-DD, then T or a space, HH:MM[:SS[.ffffff]], optional Z or +HH:MM) (appointments.start)",
        "appointments/list/2: appointments record id 4: field duration -5 is not a whole number (appointments.duration)",
        "appointments/list/2: appointments record id 4: field status 'Rescheduled' is not one of Arrived, Completed, "
        "Billed, Paid, No Show, Late Cancel, Pending, Confirmed, Cancelled, Dismissed, Deleted (appointments.status)",
        "appointments/list/2: appointments record id 4: field schedule_type {'id': 1} is not text (appointments.schedule_type_name)",
    ]


def test_personal_values_are_never_shown() -> None:
    problems = Problems()
    record = {
        "id": 3,
        "num": {"chart": "C1"},
        "first_name": ["Ada"],
        "date_of_birth": "2002-02-30",
        "email": 5,
        "status": "active",
        "created": "2026-01-01",
        "warnings": {"x": "Lives with grandmother"},
    }
    map_record("customers", record, "customers/list", problems)
    text = "\n".join(problems.lines())
    assert "Ada" not in text and "2002-02-30" not in text and "grandmother" not in text
    assert "field date_of_birth <personal data, 10 characters> is not a date YYYY-MM-DD" in text
    assert "field warnings <personal data, 31 characters> is not text" in text
    assert (
        problems.count == 3
    )  # e-mail 5 is text "5"; the name list, the impossible date and the object are not


def test_month_windows() -> None:
    windows = month_windows(dt.date(2026, 1, 15), dt.date(2026, 3, 2))
    assert windows == [
        (dt.date(2026, 1, 15), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 2)),
    ]


def test_redactor_and_logging_filter() -> None:
    redact = Redactor("k+y/=1")
    assert redact("url ?api_key=k%2By%2F%3D1 and k+y/=1") == f"url ?api_key={MASK} and {MASK}"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "GET %s", ("https://h/api?x=k+y/=1",), None
    )
    RedactingFilter(redact).filter(record)
    assert record.getMessage() == f"GET https://h/api?x={MASK}"
