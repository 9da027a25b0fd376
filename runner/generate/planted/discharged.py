"""Planted cases of SOP-20..24: discharged patients (engaged within 3 months, chases, graduated, referred out, asked to end)."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
)

scenario = Family()


# --- SOP-20..24 Discharged ----------------------------------------------------------------------
@scenario
def sop20_on_m3(g, c):
    A.discharged(g, c, last=g.m3)
    c.hit("SOP-20", "last session exactly on D-3m: within")


@scenario
def sop20_30_days(g, c):
    A.discharged(g, c, last=-30)
    c.hit("SOP-20", "last session 30 days ago")


@scenario
def sop20_icbt_recent(g, c):
    A.discharged(g, c, chase_after=-20)
    g.module(c, -50, -20)
    c.hit("SOP-20", "old therapy, but iCBT activity 20 days ago")


@scenario
def sop20_day_before_m3(g, c):
    A.discharged(g, c, last=g.m3 - 1)
    c.near("SOP-20", "last session one day before D-3m: not within")


@scenario
def sop20_icbt_day_before_m3(g, c):
    A.discharged_icbt(g, c, last=g.m3 - 1)
    c.near("SOP-20", "last iCBT activity one day before D-3m")


@scenario
def sop21_no_chase(g, c):
    A.discharged(g, c, chases=0)
    c.hit("SOP-21", "no chase attempt")


@scenario
def sop21_one_after_one_before(g, c):
    last = A.discharged(g, c, chases=1)
    g.enc(c, last - 3, V.T_CHASE)
    c.hit("SOP-21", "one chase after last engagement, one before it")


@scenario
def sop21_one_same_day(g, c):
    last = A.discharged(g, c, chases=1)
    g.enc(c, last, V.T_CHASE)
    c.hit("SOP-21", "one chase after last engagement, one on its date (not after)")


@scenario
def sop21_two(g, c):
    A.discharged(g, c, chases=2)
    c.near("SOP-21", "exactly two chases after last engagement")


@scenario
def sop21_never_engaged(g, c):
    A.discharged_never(g, c, chases=2)
    c.near("SOP-21", "never engaged: two chases after the created date")


@scenario
def sop22_grad_therapist(g, c):
    last = A.discharged(g, c)
    g.enc(c, last + 1, V.T_GRAD, staff=c.therapist)
    c.hit("SOP-22", "graduation recorded by a Therapist")


@scenario
def sop22_grad_coordinator(g, c):
    last = A.discharged(g, c)
    g.enc(c, last + 2, V.T_GRAD, staff=g.pick(g.coordinators))
    c.hit("SOP-22", "graduation recorded by a Coordinator")


@scenario
def sop22_12_sessions(g, c):
    A.discharged(g, c, n=12)
    c.hit("SOP-22", "12 therapy sessions attended")


@scenario
def sop22_grad_admin(g, c):
    last = A.discharged(g, c)
    g.enc(c, last + 1, V.T_GRAD, staff=g.pick(g.admins))
    c.near("SOP-22", "graduation recorded by an Administrator: not formal")


@scenario
def sop22_11_sessions(g, c):
    A.discharged(g, c, n=11)
    c.near("SOP-22", "11 therapy sessions attended")


@scenario
def sop23_referral_after(g, c):
    last = A.discharged(g, c)
    g.enc(c, last + 2, V.T_REFERRAL)
    c.hit("SOP-23", "external referral after the last session")


@scenario
def sop23_referral_early(g, c):
    last = A.discharged(g, c, n=3)
    g.enc(c, last - 30, V.T_REFERRAL)
    c.hit("SOP-23", "external referral early in treatment")


@scenario
def sop23_referral_after_d(g, c):
    A.discharged(g, c)
    g.enc(c, 1, V.T_REFERRAL)
    c.near("SOP-23", "external referral dated the day after D: ignored")


@scenario
def sop24_end_after_therapy(g, c):
    last = A.discharged(g, c)
    g.enc(c, last + 1, V.T_END)
    c.hit("SOP-24", "asked to end after therapy sessions")


@scenario
def sop24_end_after_icbt(g, c):
    A.discharged_icbt(g, c)
    g.enc(c, -3, V.T_END)
    c.hit("SOP-24", "asked to end after iCBT")


@scenario
def sop24_end_never_began(g, c):
    A.discharged_never(g, c)
    g.enc(c, c.created + 1, V.T_END)
    c.near("SOP-24", "asked to end, but treatment never began")


@scenario
def sop24_end_after_d(g, c):
    A.discharged(g, c)
    g.enc(c, 2, V.T_END)
    c.near("SOP-24", "end-of-services request dated after D: ignored")
