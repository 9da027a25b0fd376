"""The outcome and exit code of a completed run (no dbt: the decision alone)."""

from __future__ import annotations

import datetime as dt

import pytest

from runner.dbt import DbtOutcome, NodeResult
from runner.exit_codes import ExitCode
from runner.pipeline import resolve_as_of
from runner.run.state import CannotRun
from runner.run.steps import decide


def node(
    rtype: str,
    status: str,
    severity: str | None = None,
    rule_id: str | None = None,
    failures: int | None = 0,
) -> NodeResult:
    return NodeResult(f"{rtype}.p.x", "x", rtype, status, failures, severity, rule_id)


GX_OK = {"available": True, "ok": True}
GREEN = [node("seed", "success"), node("model", "success"), node("test", "pass", "error")]


@pytest.mark.parametrize(
    ("nodes", "gx", "hits", "strict", "expected"),
    [
        (GREEN, GX_OK, 0, False, ("passed", ExitCode.OK)),
        (GREEN, GX_OK, 0, True, ("passed", ExitCode.OK)),
        (
            [*GREEN, node("test", "warn", "warn", "SOP-10", 3)],
            GX_OK,
            3,
            False,
            ("findings", ExitCode.OK),
        ),
        (
            [*GREEN, node("test", "warn", "warn", "SOP-10", 3)],
            GX_OK,
            3,
            True,
            ("findings", ExitCode.CHECK_FAILED),
        ),
        (
            [*GREEN, node("test", "fail", "error", None, 2)],
            GX_OK,
            0,
            False,
            ("failed", ExitCode.CHECK_FAILED),
        ),
        ([*GREEN, node("model", "error")], GX_OK, 0, False, ("failed", ExitCode.CHECK_FAILED)),
        ([*GREEN, node("model", "skipped")], GX_OK, 0, False, ("failed", ExitCode.CHECK_FAILED)),
        ([*GREEN, node("unit_test", "fail")], GX_OK, 0, False, ("failed", ExitCode.CHECK_FAILED)),
        (
            GREEN,
            {"available": True, "ok": False, "mismatches": 1},
            5,
            False,
            ("failed", ExitCode.CHECK_FAILED),
        ),
        (
            GREEN,
            {"available": False, "ok": True},
            0,
            False,
            ("passed", ExitCode.OK),
        ),  # GX module absent
    ],
)
def test_decide(nodes, gx, hits, strict, expected) -> None:
    assert decide(DbtOutcome(success=True, nodes=nodes), gx, hits, strict) == expected


def test_as_of_sources() -> None:
    today = dt.date(2026, 11, 27)
    assert resolve_as_of(dt.date(2026, 1, 2), "2026-11-20T23:30:00Z", today) == (
        dt.date(2026, 1, 2),
        "--as-of",
    )
    # the date as written: 23:30Z is not moved to another day by a time zone
    assert resolve_as_of(None, "2026-11-20T23:30:00-05:00", today)[0] == dt.date(2026, 11, 20)
    assert resolve_as_of(None, None, today) == (today, "today")
    with pytest.raises(CannotRun):
        resolve_as_of(None, "20/11/2026", today)
