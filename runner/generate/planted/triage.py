"""Planted cases of SOP-10: triage over 7 days."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate.planted.base import (
    LATE_UTC,
    MIDNIGHT_BST,
    Family,
    stale_booking,
)

scenario = Family()


# --- SOP-10 Triage ------------------------------------------------------------------------------
@scenario
def sop10_8_days(g, c):
    A.triage(g, c, created=-8)
    c.hit("SOP-10", "created 8 days before D")


@scenario
def sop10_30_days(g, c):
    A.triage(g, c, created=-30)
    c.hit("SOP-10", "created 30 days before D")


@scenario
def sop10_8_days_late_utc(g, c):
    A.triage(g, c, created=-8)
    c.created_sfx = LATE_UTC
    c.hit("SOP-10", "created D-8 at 23:45Z (8 days by wall-clock date)")


@scenario
def sop10_7_days_midnight_bst(g, c):
    A.triage(g, c, created=-7)
    c.created_sfx = MIDNIGHT_BST
    c.near("SOP-10", "wall-clock D-7 just after midnight +01:00; UTC would make it D-8")


@scenario
def sop10_7_days(g, c):
    A.triage(g, c, created=-7)
    c.near("SOP-10", "created exactly 7 days before D")


@scenario
def deleted_long_triage(g, c):
    A.triage(g, c, created=-40)
    c.status = "deleted"
    stale_booking(g, c, -10)
    c.near("SOP-10", "deleted, 40 days in Triage")
    c.near("SOP-110", "deleted customer")
    c.near("DQ-01", "deleted, stale booking")
