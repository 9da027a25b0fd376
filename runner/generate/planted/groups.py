"""Planted cases of SOP-01..05: the group a patient is in (No Group, Hybrid, Lost Sheep, one group, the catalogue)."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.planted.base import (
    Family,
    set_groups,
    stale_booking,
)

scenario = Family()


# --- SOP-01 No Group ----------------------------------------------------------------------------
@scenario
def sop01_no_rows(g, c):
    A.therapy(g, c, group=False)
    c.hit("SOP-01", "no customer_groups row at all")


@scenario
def sop01_only_no_group(g, c):
    A.therapy(g, c, group=False)
    c.group("No Group")
    c.hit("SOP-01", "only a No Group row")


@scenario
def sop01_no_group_next_to_real(g, c):
    A.therapy(g, c)
    c.groups.insert(0, ("", "No Group"))
    c.near("SOP-01", "No Group row next to a real group (Therapy)")
    c.near("SOP-04", "No Group row next to a real group (Therapy)")


@scenario
def deleted_no_group(g, c):
    A.therapy(g, c, group=False)
    c.status = "deleted"
    stale_booking(g, c, -3)
    c.near("SOP-01", "deleted customer without a group")
    c.near("DQ-01", "deleted customer with a stale booking")


# --- SOP-02 Hybrid ------------------------------------------------------------------------------
@scenario
def sop02_hybrid(g, c):
    A.therapy(g, c, icbt=True)
    set_groups(c, "Hybrid")
    c.hit("SOP-02", "in Hybrid (therapy and iCBT)")


@scenario
def sop02_hybrid_caps(g, c):
    A.icbt(g, c)
    set_groups(c, ("HYB", "HYBRID"))
    c.hit("SOP-02", "in Hybrid written HYBRID")


@scenario
def sop02_therapy_and_icbt_in_therapy(g, c):
    A.therapy(g, c, icbt=True)
    c.near("SOP-02", "therapy and iCBT, correctly in Therapy")


@scenario
def deleted_hybrid(g, c):
    A.therapy(g, c, icbt=True)
    set_groups(c, "Hybrid")
    c.status = "deleted"
    c.near("SOP-02", "deleted customer in Hybrid")
    c.near("SOP-110", "deleted customer in Hybrid")


# --- SOP-03 Lost Sheep --------------------------------------------------------------------------
@scenario
def sop03_lost_sheep(g, c):
    A.discharged(g, c)
    set_groups(c, "Lost Sheep")
    c.status = "inactive"
    c.hit("SOP-03", "in Lost Sheep")


@scenario
def sop03_lost_sheep_lower(g, c):
    A.therapy(g, c)
    set_groups(c, ("LST", "lost sheep"))
    c.hit("SOP-03", "in Lost Sheep written lower case")


@scenario
def deleted_lost_sheep(g, c):
    A.discharged(g, c)
    set_groups(c, "Lost Sheep")
    c.status = "deleted"
    c.near("SOP-03", "deleted customer in Lost Sheep")


# --- SOP-04 One group per patient ---------------------------------------------------------------
@scenario
def sop04_triage_and_therapy(g, c):
    c.created = -g.ri(2, 6)
    t = c.created + 1
    g.appt(c, t, V.TRIAGE, "Completed", created=c.created, staff=g.pick(g.coordinators))
    g.enc(c, t, V.T_TRIAGE, "Therapy")
    g.appt(c, g.ri(2, 9), V.THERAPY, "Confirmed", created=t, staff=c.therapist)
    set_groups(c, "Triage", "Therapy")
    c.status = "active"
    c.hit("SOP-04", "in Triage (3-6 days) and Therapy (therapy booked)")


@scenario
def sop04_sandbox_and_test(g, c):
    A.sandbox(g, c)
    c.group("Test")
    c.hit("SOP-04", "in Sandbox and Test (both inactive)")


@scenario
def sop04_therapy_and_icbt(g, c):
    A.therapy(g, c, icbt=True)
    c.group("iCBT")
    c.hit("SOP-04", "in Therapy and iCBT")
    c.hit("SOP-50", "in Therapy and iCBT: iCBT with therapy offered")


@scenario
def sop04_same_group_twice(g, c):
    A.therapy(g, c)
    c.group("Therapy")
    c.near("SOP-04", "the same group (Therapy) listed twice counts once")


@scenario
def deleted_two_groups(g, c):
    A.discharged(g, c)
    c.group("Therapy")
    c.status = "deleted"
    c.near("SOP-04", "deleted customer in Discharged and Therapy")


# --- SOP-05 Catalogue ---------------------------------------------------------------------------
@scenario
def sop05_waiting_list(g, c):
    A.therapy(g, c)
    set_groups(c, ("WL", "Waiting List"))
    c.hit("SOP-05", "only an unknown group 'Waiting List'")


@scenario
def sop05_camhs(g, c):
    A.icbt(g, c)
    set_groups(c, ("CAMHS", "CAMHS Waiting"))
    c.hit("SOP-05", "only an unknown group 'CAMHS Waiting'")


@scenario
def sop05_caps_catalogue_name(g, c):
    A.therapy(g, c)
    set_groups(c, ("THR", "THERAPY"))
    c.near("SOP-05", "catalogue group written THERAPY")


@scenario
def sop05_lower_catalogue_name(g, c):
    A.graduated_therapy(g, c, grad_staff="Therapist")
    set_groups(c, ("GRAD", "graduated"))
    c.near("SOP-05", "catalogue group written graduated")
