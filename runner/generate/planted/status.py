"""Planted cases of SOP-110 (customer status) and DQ-01 (a past appointment without an outcome)."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    MIDNIGHT_BST,
    Family,
)

scenario = Family()


# --- SOP-110 Status -----------------------------------------------------------------------------
@scenario
def sop110_therapy_inactive(g, c):
    A.therapy(g, c, status="inactive")
    c.hit("SOP-110", "Therapy, status inactive")


@scenario
def sop110_graduated_active(g, c):
    A.graduated_therapy(g, c, grad_staff="Therapist", status="active")
    c.hit("SOP-110", "Graduated, status active")


@scenario
def sop110_test_active(g, c):
    A.test_account(g, c, status="active")
    c.hit("SOP-110", "Test, status active")


@scenario
def sop110_discharged_inactive(g, c):
    A.discharged(g, c, status="inactive")
    c.hit("SOP-110", "Discharged, status inactive")


@scenario
def sop110_sandbox_active(g, c):
    A.sandbox(g, c, status="active")
    c.hit("SOP-110", "Sandbox, status active")


@scenario
def sop110_caps(g, c):
    A.therapy(g, c, status="ACTIVE")
    c.near("SOP-110", "status written ACTIVE")


@scenario
def sop110_pt_requested_active(g, c):
    A.pt_requested_end(g, c, began="therapy", status="active")
    c.near("SOP-110", "Pt Requested End of Services has no SOP status")


@scenario
def sop110_referred_active(g, c):
    A.referred(g, c, status="active")
    c.near("SOP-110", "Referred to External Services has no SOP status")


# --- DQ-01 Past appointment without an outcome --------------------------------------------------
@scenario
def dq01_pending_yesterday(g, c):
    A.therapy(g, c, last=-g.ri(7, 30))
    g.appt(c, -1, V.THERAPY, "Pending", staff=c.therapist)
    c.hit("DQ-01", "Pending therapy the day before D")


@scenario
def dq01_confirmed_triage(g, c):
    A.therapy(g, c)
    g.appt(c, g.ri(c.created, -2), V.TRIAGE, "Confirmed", staff=g.pick(g.coordinators))
    c.hit("DQ-01", "an old triage call still Confirmed")


@scenario
def dq01_group_pending(g, c):
    A.group_therapy(g, c, start=-20, attended=[True, True, True, True, True, True])
    g.appt(c, -6, V.GROUP, "Pending", sfx="T23:30:00+01:00", staff=c.therapist)
    c.hit("DQ-01", "a group session 6 days ago still Pending")


@scenario
def dq01_today_midnight_bst(g, c):
    A.therapy(g, c)
    g.appt(c, 0, V.THERAPY, "Confirmed", sfx=MIDNIGHT_BST, staff=c.therapist)
    c.near("DQ-01", "booked today just after midnight +01:00 (UTC would be yesterday)")


@scenario
def dq01_today(g, c):
    A.therapy(g, c)
    g.appt(c, 0, V.THERAPY, "Pending", staff=c.therapist)
    c.near("DQ-01", "Pending today: not before D")
