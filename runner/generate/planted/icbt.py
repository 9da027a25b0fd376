"""Planted cases of SOP-50/52: iCBT (stepped up to therapy, not engaged for 3 months)."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
    set_groups,
)

scenario = Family()


# --- SOP-50/52 iCBT -----------------------------------------------------------------------------
@scenario
def sop50_booked_future(g, c):
    A.icbt(g, c)
    g.appt(c, g.ri(1, 10), V.THERAPY, "Confirmed", staff=c.therapist)
    c.hit("SOP-50", "therapy booked for after D")


@scenario
def sop50_attended(g, c):
    start = A.icbt(g, c, last=-10)
    for d in sorted({g.ri(start, -10), g.ri(start, -10) - 7}):
        g.appt(c, d, V.THERAPY, g.att(d), staff=c.therapist)
    c.hit("SOP-50", "therapy sessions attended while in iCBT")


@scenario
def sop50_no_show(g, c):
    start = A.icbt(g, c, last=-5)
    g.appt(c, g.ri(start, -5), V.THERAPY, "No Show", staff=c.therapist)
    c.hit("SOP-50", "a missed therapy appointment is an offer")


@scenario
def sop50_cancelled(g, c):
    start = A.icbt(g, c, last=-5)
    g.appt(c, g.ri(start, -5), V.THERAPY, "Cancelled", staff=c.therapist)
    c.near("SOP-50", "a cancelled therapy appointment is not an offer")


@scenario
def sop50_deleted(g, c):
    A.icbt(g, c)
    g.appt(c, g.ri(1, 10), V.THERAPY, "Deleted", staff=c.therapist)
    c.near("SOP-50", "a deleted therapy appointment is not an offer")


@scenario
def sop52_day_before_m3(g, c):
    A.icbt(g, c, last=g.m3 - 1)
    c.hit("SOP-52", "last iCBT activity one day before D-3m")


@scenario
def sop52_never_engaged(g, c):
    c.created = g.m3 - 1
    g.appt(c, c.created + 1, V.TRIAGE, "No Show", staff=g.pick(g.coordinators))
    g.enc(c, c.created + 1, V.T_TRIAGE, "iCBT")
    set_groups(c, "iCBT")
    c.status = "active"
    c.hit("SOP-52", "never engaged, created one day before D-3m")


@scenario
def sop52_long_ago(g, c):
    A.icbt(g, c, last=g.m3 - g.ri(30, 300))
    c.hit("SOP-52", "last iCBT activity months before D-3m")


@scenario
def sop52_on_m3_midnight_bst(g, c):
    start = g.m3 - g.ri(10, 40)
    g.module(c, start, g.m3, sfx=(None, None, "T00:30:00+01:00"))
    g.intake(c, start, "iCBT", assess=False)
    set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "last activity exactly on D-3m, written +01:00 just after midnight")


@scenario
def sop52_never_engaged_on_m3(g, c):
    c.created = g.m3
    g.appt(c, g.m3 + 2, V.TRIAGE, "No Show", staff=g.pick(g.coordinators))
    g.enc(c, g.m3 + 2, V.T_TRIAGE, "iCBT")
    set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "never engaged, created exactly on D-3m")


@scenario
def sop52_completed_on_m3(g, c):
    start = g.m3 - 20
    g.module(c, start, None, completed=g.m3)
    g.intake(c, start, "iCBT", assess=False)
    set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "module completed exactly on D-3m, no last_activity_at")
