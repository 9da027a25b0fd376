"""Planted cases of SOP-100..103: therapy offers, gaps, twelve sessions, therapy without an offer."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.journeys import BLANK, Cust, Gen
from runner.generate.planted.base import (
    MIDNIGHT_BST,
    Family,
    set_groups,
    set_sfx,
)

scenario = Family()


# --- SOP-100..103 Therapy -----------------------------------------------------------------------
def _therapy_offers(g: Gen, c: Cust, offers: list[tuple[int, int]]) -> None:
    """offers: (created day or BLANK, start day); all missed. Intake before the first."""
    first = min(s if cr == BLANK else min(cr, s) for cr, s in offers)
    for cr, s in offers:
        g.appt(
            c,
            s,
            V.THERAPY,
            g.pick(("No Show", "No Show", "Late Cancel")),
            created=cr,
            staff=c.therapist,
        )
    g.intake(c, first, "Therapy")
    set_groups(c, "Therapy")
    c.status = "active"


@scenario
def sop100_day_before(g, c):
    m = g.m3
    _therapy_offers(g, c, [(m - 1, m + 6)])
    c.hit("SOP-100", "offer booked one day before D-3m, never attended")


@scenario
def sop100_blank_created(g, c):
    m = g.m3
    _therapy_offers(g, c, [(BLANK, m - 1)])
    c.hit("SOP-100", "no created date, start one day before D-3m")


@scenario
def sop100_two_old(g, c):
    m = g.m3
    _therapy_offers(g, c, [(m - 30, m - 25), (m - 5, m - 1)])
    c.hit("SOP-100", "two offers, both before D-3m")


@scenario
def sop100_on_m3(g, c):
    m = g.m3
    _therapy_offers(g, c, [(m, m + 7)])
    c.near("SOP-100", "offered exactly on D-3m")


@scenario
def sop100_blank_on_m3(g, c):
    m = g.m3
    _therapy_offers(g, c, [(BLANK, m)])
    c.near("SOP-100", "no created date, start exactly on D-3m")


@scenario
def sop100_newer_offer(g, c):
    m = g.m3
    _therapy_offers(g, c, [(m - 10, m - 3), (m + 5, m + 12)])
    c.near("SOP-100", "an old offer, and a newer one within 3 months")


@scenario
def sop101_day_before(g, c):
    A.therapy(g, c, last=g.m3 - 1, future=0, icbt=False)
    c.hit("SOP-101", "last session one day before D-3m")


@scenario
def sop101_long_gap_booked(g, c):
    A.therapy(g, c, last=g.m3 - g.ri(20, 120), future=1, icbt=False)
    c.hit("SOP-101", "last session months before D-3m, a new session booked")


@scenario
def sop101_on_m3_midnight_bst(g, c):
    A.therapy(g, c, last=g.m3, future=0, icbt=False)
    set_sfx(c, g.m3, V.THERAPY, MIDNIGHT_BST)
    c.near(
        "SOP-101", "last session on D-3m just after midnight +01:00 (UTC would be the day before)"
    )


@scenario
def sop101_on_m3(g, c):
    A.therapy(g, c, last=g.m3, icbt=False)
    c.near("SOP-101", "last session exactly on D-3m")


@scenario
def sop102_12(g, c):
    A.therapy(g, c, n=12)
    c.hit("SOP-102", "12 sessions attended")


@scenario
def sop102_14(g, c):
    A.therapy(g, c, n=14)
    c.hit("SOP-102", "14 sessions attended")


@scenario
def sop102_11_booked(g, c):
    A.therapy(g, c, n=11, future=1)
    c.near("SOP-102", "11 attended, the 12th booked")


@scenario
def sop102_11_late_cancel(g, c):
    last = -g.ri(1, 20)
    A.therapy(g, c, n=11, last=last, future=0)
    g.appt(c, last + 1, V.THERAPY, "Late Cancel", staff=c.therapist)
    c.near("SOP-102", "11 attended, the 12th a late cancel")


@scenario
def sop103_assessment_only(g, c):
    g.intake(c, -g.ri(5, 30), "Therapy")
    set_groups(c, "Therapy")
    c.hit("SOP-103", "triage and assessment only, no therapy appointment")


@scenario
def sop103_cancelled(g, c):
    d = -g.ri(5, 30)
    g.appt(c, d, V.THERAPY, "Cancelled", staff=c.therapist)
    g.intake(c, d, "Therapy")
    set_groups(c, "Therapy")
    c.hit("SOP-103", "only a cancelled therapy appointment")


@scenario
def sop103_deleted(g, c):
    d = g.ri(2, 10)
    g.appt(c, d, V.THERAPY, "Deleted", staff=c.therapist)
    g.intake(c, -1, "Therapy")
    set_groups(c, "Therapy")
    c.hit("SOP-103", "only a deleted therapy appointment")


@scenario
def sop103_booked(g, c):
    A.therapy_waiting(g, c, missed=False)
    c.near("SOP-103", "therapy booked for after D is an offer")


@scenario
def sop103_no_show(g, c):
    d = -g.ri(1, 30)
    g.appt(c, d, V.THERAPY, "No Show", staff=c.therapist)
    g.intake(c, d, "Therapy")
    set_groups(c, "Therapy")
    c.near("SOP-103", "a recent missed therapy appointment is an offer")
