"""Planted cases of SOP-30, SOP-40/41: graduation, and Group Therapy finished (graduate or discharge)."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
    attended_flags,
)

scenario = Family()


# --- SOP-30 Graduated ---------------------------------------------------------------------------
@scenario
def sop30_12_no_grad(g, c):
    A.graduated_therapy(g, c, n=12, grad_staff="none")
    c.hit("SOP-30", "12 sessions, no graduation recorded")


@scenario
def sop30_grad_admin(g, c):
    A.graduated_therapy(g, c, grad_staff="Administrator")
    c.hit("SOP-30", "graduation recorded by an Administrator only")


@scenario
def sop30_group_2(g, c):
    A.graduated_group(g, c, start=-g.ri(60, 400), n_att=2, summary=False)
    c.hit("SOP-30", "group programme finished, only 2 sessions attended")


@scenario
def sop30_group_day41(g, c):
    A.graduated_group(g, c, start=-41, n_att=3, summary=False)
    c.hit("SOP-30", "group programme on day 41: not finished yet")


@scenario
def sop30_group_day42(g, c):
    A.graduated_group(g, c, start=-42, n_att=3, summary=False)
    c.near("SOP-30", "group started exactly 42 days ago, 3 attended: finished")


@scenario
def sop30_grad_coordinator(g, c):
    A.graduated_therapy(g, c, grad_staff="Coordinator")
    c.near("SOP-30", "graduation recorded by a Coordinator")


# --- SOP-40/41 Group Therapy --------------------------------------------------------------------
@scenario
def sop40_day42_3(g, c):
    A.group_therapy(g, c, start=-42, attended=attended_flags(g, 3))
    c.hit("SOP-40", "group started exactly 42 days ago, 3 attended")


@scenario
def sop40_day60_5(g, c):
    A.group_therapy(g, c, start=-60, attended=attended_flags(g, 5))
    c.hit("SOP-40", "group started 60 days ago, 5 attended")


@scenario
def sop40_day41_3(g, c):
    A.group_therapy(g, c, start=-41, attended=attended_flags(g, 3))
    c.near("SOP-40", "day 41: not finished")
    c.near("SOP-41", "day 41: not finished")


@scenario
def sop41_day50_2(g, c):
    A.group_therapy(g, c, start=-50, attended=attended_flags(g, 2))
    c.hit("SOP-41", "group started 50 days ago, 2 attended")


@scenario
def sop41_day42_0(g, c):
    A.group_therapy(g, c, start=-42, attended=attended_flags(g, 0))
    c.hit("SOP-41", "group started exactly 42 days ago, none attended")


@scenario
def sop41_day41_2(g, c):
    A.group_therapy(g, c, start=-41, attended=attended_flags(g, 2))
    c.near("SOP-41", "day 41, 2 attended: not finished")


@scenario
def sop41_cancelled_first(g, c):
    A.group_therapy(g, c, start=-38, attended=attended_flags(g, 2))
    g.appt(c, -45, V.GROUP, "Cancelled", staff=c.therapist)
    c.near(
        "SOP-41", "a cancelled session 45 days ago does not start the programme (real start day 38)"
    )
    c.near(
        "SOP-40", "a cancelled session 45 days ago does not start the programme (real start day 38)"
    )
