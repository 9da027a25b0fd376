"""Planted cases of SOP-85/86: the Sandbox group."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
)

scenario = Family()


# --- SOP-85/86 Sandbox --------------------------------------------------------------------------
@scenario
def sop85_therapy(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600))
    g.appt(c, t + 14, V.THERAPY, g.att(t + 14), staff=c.therapist)
    c.hit("SOP-85", "therapy attended")


@scenario
def sop85_icbt(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600))
    g.module(c, t + 5, t + 9)
    c.hit("SOP-85", "an iCBT module started")


@scenario
def sop85_no_show(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600))
    g.appt(c, t + 14, V.THERAPY, "No Show", staff=c.therapist)
    c.near("SOP-85", "a missed therapy session is not treatment")


@scenario
def sop85_icbt_review(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600))
    g.appt(c, t + 10, V.ICBT_REVIEW, "Completed", staff=c.therapist)
    c.near("SOP-85", "an attended iCBT Review appointment is not treatment")


@scenario
def sop86_no_outcome(g, c):
    A.sandbox(g, c, outcome=None)
    c.hit("SOP-86", "no triage outcome")


@scenario
def sop86_later_therapy(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600))
    g.enc(c, t + 3, V.T_TRIAGE, "Therapy")
    c.hit("SOP-86", "Sandbox website first, later outcome Therapy")


@scenario
def sop86_same_day_later_id(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600), outcome=None)
    g.enc(c, t, V.T_TRIAGE, "Sandbox website", sfx="")
    g.enc(c, t, V.T_TRIAGE, "iCBT", sfx="")
    c.hit("SOP-86", "two outcomes the same date: the later id says iCBT")


@scenario
def sop86_earlier_therapy(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600), outcome=None)
    g.enc(c, t - 5, V.T_TRIAGE, "Therapy")
    g.enc(c, t, V.T_TRIAGE, "Sandbox website")
    c.near("SOP-86", "earlier Therapy, later Sandbox website")


@scenario
def sop86_casing(g, c):
    A.sandbox(g, c, outcome="sandbox WEBSITE")
    c.near("SOP-86", "outcome written 'sandbox WEBSITE'")


@scenario
def sop86_same_day_later_sandbox(g, c):
    t = A.sandbox(g, c, t=-g.ri(30, 600), outcome=None)
    g.enc(c, t, V.T_TRIAGE, "Therapy", sfx="")
    g.enc(c, t, V.T_TRIAGE, "Sandbox website", sfx="")
    c.near("SOP-86", "two outcomes the same date: the later id says Sandbox website")
