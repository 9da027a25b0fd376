"""Planted cases of SOP-80/81: referred to external services."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
    set_groups,
)

scenario = Family()


# --- SOP-80/81 Referred to External Services ----------------------------------------------------
@scenario
def sop80_no_record(g, c):
    A.referred(g, c, record=False)
    c.hit("SOP-80", "triage outcome External referral, no External Referral recorded")


@scenario
def sop80_record_after_d(g, c):
    A.referred(g, c, ref=-10, record=False)
    g.enc(c, 2, V.T_REFERRAL)
    c.hit("SOP-80", "External Referral dated after D: ignored")


@scenario
def sop80_same_day_as_triage(g, c):
    t = -g.ri(5, 600)
    g.appt(c, t, V.TRIAGE, g.att(t), staff=g.pick(g.coordinators))
    g.enc(c, t, V.T_TRIAGE, "External referral")
    g.enc(c, t, V.T_REFERRAL)
    c.created = t - g.ri(1, 10)
    set_groups(c, "Referred to External Services")
    c.status = "discharged"
    c.near("SOP-80", "External Referral recorded on the triage date")
    c.near("SOP-81", "last engagement on the referral date (not after)")


@scenario
def sop81_therapy_after(g, c):
    A.referred(g, c, ref=-60)
    g.appt(c, -30, V.THERAPY, "Completed", staff=c.therapist)
    c.hit("SOP-81", "referred 60 days ago, therapy attended 30 days ago")


@scenario
def sop81_icbt_after(g, c):
    A.referred(g, c, ref=-40)
    g.module(c, -35, -10)
    c.hit("SOP-81", "referred 40 days ago, iCBT activity 10 days ago")


@scenario
def sop81_no_show_after(g, c):
    A.referred(g, c, ref=-50)
    g.appt(c, -20, V.THERAPY, "No Show", staff=c.therapist)
    c.near("SOP-81", "a missed therapy session after the referral is not engagement")


@scenario
def sop81_booked_after(g, c):
    A.referred(g, c, ref=-5)
    g.appt(c, 4, V.THERAPY, "Confirmed", staff=c.therapist)
    c.near("SOP-81", "therapy booked after D is not engagement")
