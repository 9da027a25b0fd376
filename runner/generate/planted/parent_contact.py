"""Planted cases of SOP-60: parent contact in treatment."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
)

scenario = Family()


# --- SOP-60 Parent Contact ----------------------------------------------------------------------
@scenario
def sop60_triage_attended(g, c):
    A.identity(g, c, adult=True)
    A.parent_contact(g, c)
    d = min(-1, c.created + g.ri(1, 20))
    g.appt(c, d, V.TRIAGE, g.att(d), staff=g.pick(g.coordinators))
    c.hit("SOP-60", "parent account with an attended triage call")


@scenario
def sop60_icbt(g, c):
    A.identity(g, c, adult=True)
    A.parent_contact(g, c)
    s = min(-1, c.created + g.ri(1, 40))
    g.module(c, s, s)
    c.hit("SOP-60", "parent account that started an iCBT module")


@scenario
def sop60_no_show(g, c):
    A.identity(g, c, adult=True)
    A.parent_contact(g, c)
    g.appt(c, min(-1, c.created + g.ri(1, 20)), V.TRIAGE, "No Show", staff=g.pick(g.coordinators))
    c.near("SOP-60", "parent account with a missed triage call only")


@scenario
def sop60_admin(g, c):
    A.identity(g, c, adult=True)
    A.parent_contact(g, c)
    g.appt(c, min(-1, c.created + g.ri(1, 20)), V.ADMIN, "Completed", staff=g.pick(g.admins))
    c.near("SOP-60", "parent account with an attended Admin appointment (not engagement)")
