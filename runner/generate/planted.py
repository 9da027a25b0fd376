"""Planted cases: for every rule, customers that must hit it and near misses that must not.

Each scenario starts from an archetype that hits nothing (archetypes.py) and moves
one fact to, or just across, the rule's boundary. It records in `c.planted` every
rule it must hit (`hit`) and the rules it sits next to but must not hit
(`near_miss`). A planted customer hits exactly its `hit` rules, so the expected
worklist of an export is exactly the `hit` rows of planted.csv.

Day arithmetic: 0 is D, g.m3 is "D minus 3 calendar months" (clamped to month end).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from runner.generate import archetypes as A
from runner.generate import vocab as V
from runner.generate.calendar import Calendar
from runner.generate.journeys import BLANK, Cust, Gen

MIDNIGHT_BST = (
    "T00:15:00+01:00"  # just after midnight, BST: a UTC conversion would give the day before
)
LATE_UTC = "T23:45:00Z"

SCENARIOS: list[Callable[[Gen, Cust], None]] = []


def scenario(fn: Callable[[Gen, Cust], None]) -> Callable[[Gen, Cust], None]:
    SCENARIOS.append(fn)
    return fn


def _set_groups(c: Cust, *groups: tuple[str, str] | str) -> None:
    c.groups[:] = []
    for gr in groups:
        if isinstance(gr, str):
            c.group(gr)
        else:
            c.groups.append(gr)


def _set_sfx(c: Cust, day: int, stype: int, sfx: str) -> None:
    c.appts[:] = [(a[0], sfx, *a[2:]) if a[0] == day and a[3] == stype else a for a in c.appts]


def _flags(g: Gen, n_att: int, total: int = 6) -> list[bool]:
    f = [True] * n_att + [False] * (total - n_att)
    g.rng.shuffle(f)
    return f


def _stale(g: Gen, c: Cust, day: int) -> None:
    g.appt(c, day, V.THERAPY, "Pending", staff=c.therapist)


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
    _stale(g, c, -3)
    c.near("SOP-01", "deleted customer without a group")
    c.near("DQ-01", "deleted customer with a stale booking")


# --- SOP-02 Hybrid ------------------------------------------------------------------------------
@scenario
def sop02_hybrid(g, c):
    A.therapy(g, c, icbt=True)
    _set_groups(c, "Hybrid")
    c.hit("SOP-02", "in Hybrid (therapy and iCBT)")


@scenario
def sop02_hybrid_caps(g, c):
    A.icbt(g, c)
    _set_groups(c, ("HYB", "HYBRID"))
    c.hit("SOP-02", "in Hybrid written HYBRID")


@scenario
def sop02_therapy_and_icbt_in_therapy(g, c):
    A.therapy(g, c, icbt=True)
    c.near("SOP-02", "therapy and iCBT, correctly in Therapy")


@scenario
def deleted_hybrid(g, c):
    A.therapy(g, c, icbt=True)
    _set_groups(c, "Hybrid")
    c.status = "deleted"
    c.near("SOP-02", "deleted customer in Hybrid")
    c.near("SOP-110", "deleted customer in Hybrid")


# --- SOP-03 Lost Sheep --------------------------------------------------------------------------
@scenario
def sop03_lost_sheep(g, c):
    A.discharged(g, c)
    _set_groups(c, "Lost Sheep")
    c.status = "inactive"
    c.hit("SOP-03", "in Lost Sheep")


@scenario
def sop03_lost_sheep_lower(g, c):
    A.therapy(g, c)
    _set_groups(c, ("LST", "lost sheep"))
    c.hit("SOP-03", "in Lost Sheep written lower case")


@scenario
def deleted_lost_sheep(g, c):
    A.discharged(g, c)
    _set_groups(c, "Lost Sheep")
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
    _set_groups(c, "Triage", "Therapy")
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
    _set_groups(c, ("WL", "Waiting List"))
    c.hit("SOP-05", "only an unknown group 'Waiting List'")


@scenario
def sop05_camhs(g, c):
    A.icbt(g, c)
    _set_groups(c, ("CAMHS", "CAMHS Waiting"))
    c.hit("SOP-05", "only an unknown group 'CAMHS Waiting'")


@scenario
def sop05_caps_catalogue_name(g, c):
    A.therapy(g, c)
    _set_groups(c, ("THR", "THERAPY"))
    c.near("SOP-05", "catalogue group written THERAPY")


@scenario
def sop05_lower_catalogue_name(g, c):
    A.graduated_therapy(g, c, grad_staff="Therapist")
    _set_groups(c, ("GRAD", "graduated"))
    c.near("SOP-05", "catalogue group written graduated")


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
    _stale(g, c, -10)
    c.near("SOP-10", "deleted, 40 days in Triage")
    c.near("SOP-110", "deleted customer")
    c.near("DQ-01", "deleted, stale booking")


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
    A.group_therapy(g, c, start=-42, attended=_flags(g, 3))
    c.hit("SOP-40", "group started exactly 42 days ago, 3 attended")


@scenario
def sop40_day60_5(g, c):
    A.group_therapy(g, c, start=-60, attended=_flags(g, 5))
    c.hit("SOP-40", "group started 60 days ago, 5 attended")


@scenario
def sop40_day41_3(g, c):
    A.group_therapy(g, c, start=-41, attended=_flags(g, 3))
    c.near("SOP-40", "day 41: not finished")
    c.near("SOP-41", "day 41: not finished")


@scenario
def sop41_day50_2(g, c):
    A.group_therapy(g, c, start=-50, attended=_flags(g, 2))
    c.hit("SOP-41", "group started 50 days ago, 2 attended")


@scenario
def sop41_day42_0(g, c):
    A.group_therapy(g, c, start=-42, attended=_flags(g, 0))
    c.hit("SOP-41", "group started exactly 42 days ago, none attended")


@scenario
def sop41_day41_2(g, c):
    A.group_therapy(g, c, start=-41, attended=_flags(g, 2))
    c.near("SOP-41", "day 41, 2 attended: not finished")


@scenario
def sop41_cancelled_first(g, c):
    A.group_therapy(g, c, start=-38, attended=_flags(g, 2))
    g.appt(c, -45, V.GROUP, "Cancelled", staff=c.therapist)
    c.near(
        "SOP-41", "a cancelled session 45 days ago does not start the programme (real start day 38)"
    )
    c.near(
        "SOP-40", "a cancelled session 45 days ago does not start the programme (real start day 38)"
    )


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
    _set_groups(c, "iCBT")
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
    _set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "last activity exactly on D-3m, written +01:00 just after midnight")


@scenario
def sop52_never_engaged_on_m3(g, c):
    c.created = g.m3
    g.appt(c, g.m3 + 2, V.TRIAGE, "No Show", staff=g.pick(g.coordinators))
    g.enc(c, g.m3 + 2, V.T_TRIAGE, "iCBT")
    _set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "never engaged, created exactly on D-3m")


@scenario
def sop52_completed_on_m3(g, c):
    start = g.m3 - 20
    g.module(c, start, None, completed=g.m3)
    g.intake(c, start, "iCBT", assess=False)
    _set_groups(c, "iCBT")
    c.status = "active"
    c.near("SOP-52", "module completed exactly on D-3m, no last_activity_at")


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


# --- SOP-70/71 Pt Requested End of Services -----------------------------------------------------
@scenario
def sop70_never_began(g, c):
    A.pt_requested_end(g, c, began="none")
    c.hit("SOP-70", "asked to end after triage and assessment only")


@scenario
def sop70_never_began_active(g, c):
    A.pt_requested_end(g, c, began="none", status="active")
    c.hit(
        "SOP-70",
        "asked to end after triage and a missed therapy session (status active: no SOP status)",
    )


@scenario
def sop70_began_therapy(g, c):
    A.pt_requested_end(g, c, began="therapy")
    c.near("SOP-70", "therapy attended, then asked to end")
    c.near("SOP-71", "end-of-services request recorded")


@scenario
def sop70_began_icbt(g, c):
    A.pt_requested_end(g, c, began="icbt")
    c.near("SOP-70", "an iCBT module started, then asked to end")


@scenario
def sop71_no_request(g, c):
    A.pt_requested_end(g, c, began="therapy", request=None)
    c.hit("SOP-71", "therapy attended, no request recorded")


@scenario
def sop71_request_after_d(g, c):
    A.pt_requested_end(g, c, began="icbt", request=1)
    c.hit("SOP-71", "request dated the day after D: not on or before D")


@scenario
def sop71_request_on_d(g, c):
    A.pt_requested_end(g, c, began="therapy", request=0)
    c.near("SOP-71", "request dated exactly D")


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
    _set_groups(c, "Referred to External Services")
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


# --- SOP-90/91 Test accounts --------------------------------------------------------------------
@scenario
def sop90_test1(g, c):
    A.therapy(g, c)
    c.first = "TEST1"
    c.hit("SOP-90", "first name 'TEST1', in Therapy")


@scenario
def sop90_email_word(g, c):
    A.therapy(g, c)
    c.email = f"qa.test{g.ri(1, 9)}@gmail.com"
    c.hit("SOP-90", "e-mail local part 'qa.test', in Therapy")


@scenario
def sop90_admin_name(g, c):
    A.icbt(g, c)
    c.last = "Admin"
    c.hit("SOP-90", "last name 'Admin', in iCBT")


@scenario
def sop90_staff_domain(g, c):
    A.sandbox(g, c)
    c.email = f"{c.first.lower()}.{g.ri(1, 99)}@thesandbox.org.uk"
    c.hit("SOP-90", "internal thesandbox.org.uk e-mail, in Sandbox")


@scenario
def sop90_commissioner_warning(g, c):
    A.therapy(g, c)
    c.warnings = "Commissioner - do not book"
    c.hit("SOP-90", "commissioner by warning note, in Therapy")


@scenario
def sop90_commissioner_domain_warned(g, c):
    A.discharged(g, c)
    c.email = (
        f"{c.last.lower().replace(' ', '').replace(chr(39), '')}{g.ri(1, 99)}@commissioner.nhs.uk"
    )
    c.warnings = "NHS commissioner"
    c.hit("SOP-90", "commissioner e-mail domain and warning, in Discharged")


@scenario
def sop90_commissioner_domain_unwarned(g, c):
    A.therapy(g, c)
    c.email = (
        f"{c.last.lower().replace(' ', '').replace(chr(39), '')}{g.ri(1, 99)}@commissioner.nhs.uk"
    )
    c.warnings = ""
    c.hit("SOP-90", "commissioner e-mail domain, in Therapy")
    c.hit("SOP-91", "commissioner e-mail domain, no warning")


@scenario
def sop90_contestant(g, c):
    A.icbt(g, c)
    c.last = "Contestant"
    c.email = f"contestant{g.ri(10, 99)}@hotmail.co.uk"
    c.near("SOP-90", "'Contestant' is not the word 'test'")


@scenario
def sop90_testa(g, c):
    A.therapy(g, c)
    c.last = "Testa"
    c.email = f"{c.first.lower()}.testa@outlook.com"
    c.near("SOP-90", "'Testa' is not the word 'test'")


@scenario
def sop90_subdomain(g, c):
    A.therapy(g, c)
    c.email = f"{c.first.lower()}@mail.thesandbox.org.uk"
    c.near("SOP-90", "a subdomain of thesandbox.org.uk does not match")


@scenario
def sop90_attestation(g, c):
    A.discharged(g, c)
    c.email = f"attestation.{c.first.lower()}@gmail.com"
    c.warnings = 'Uses the name "Admiral"; meetings on Fridays'
    c.near("SOP-90", "'attestation', 'Admiral' and 'meetings' are not the words")


@scenario
def sop90_in_test(g, c):
    A.test_account(g, c)
    c.near("SOP-90", "test-like account already in Test")


@scenario
def sop91_no_warning(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{f}.{l}@commissioner.nhs.uk", ""))
    c.hit("SOP-91", "commissioner e-mail domain, no warning")


@scenario
def sop91_other_warning(g, c):
    A.test_account(
        g, c, ident=("{first}", "{last}", "{f}{n}@commissioner.nhs.uk", "NHS contact - do not book")
    )
    c.hit("SOP-91", "commissioner e-mail domain, warning without the word")


@scenario
def sop91_commissioning(g, c):
    A.test_account(
        g,
        c,
        ident=(
            "{first}",
            "{last}",
            "{l}.{f}@commissioner.nhs.uk",
            "Commissioning lead for the ICB",
        ),
    )
    c.hit("SOP-91", "warning says 'Commissioning' (not the word)")


@scenario
def sop91_upper_domain(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{F}.{L}@COMMISSIONER.NHS.UK", ""))
    c.hit("SOP-91", "e-mail domain in capitals, no warning")


@scenario
def sop91_warned(g, c):
    A.test_account(
        g,
        c,
        ident=(
            "{first}",
            "{last}",
            "{f}.{l}@commissioner.nhs.uk",
            "NHS commissioner - do not book",
        ),
    )
    c.near("SOP-91", "domain and 'NHS commissioner' warning")


@scenario
def sop91_warned_plural(g, c):
    A.test_account(
        g,
        c,
        ident=("{first}", "{last}", "{f}{n}@commissioner.nhs.uk", "COMMISSIONERS' shared account"),
    )
    c.near("SOP-91", "domain and 'COMMISSIONERS' warning")


@scenario
def sop91_subdomain(g, c):
    A.test_account(g, c, ident=("{first}", "{last}", "{f}.{l}@north.commissioner.nhs.uk", ""))
    c.near("SOP-91", "a subdomain of commissioner.nhs.uk is not the domain")


@scenario
def sop91_by_warning_only(g, c):
    A.test_account(
        g, c, ident=("{first}", "{last}", "{f}{l}{n}@gmail.com", "Commissioner (personal e-mail)")
    )
    c.near("SOP-91", "commissioner by warning only, not by domain")


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
    _set_groups(c, "Therapy")
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
    _set_sfx(c, g.m3, V.THERAPY, MIDNIGHT_BST)
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
    _set_groups(c, "Therapy")
    c.hit("SOP-103", "triage and assessment only, no therapy appointment")


@scenario
def sop103_cancelled(g, c):
    d = -g.ri(5, 30)
    g.appt(c, d, V.THERAPY, "Cancelled", staff=c.therapist)
    g.intake(c, d, "Therapy")
    _set_groups(c, "Therapy")
    c.hit("SOP-103", "only a cancelled therapy appointment")


@scenario
def sop103_deleted(g, c):
    d = g.ri(2, 10)
    g.appt(c, d, V.THERAPY, "Deleted", staff=c.therapist)
    g.intake(c, -1, "Therapy")
    _set_groups(c, "Therapy")
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
    _set_groups(c, "Therapy")
    c.near("SOP-103", "a recent missed therapy appointment is an offer")


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


def rules_covered() -> dict[str, dict[str, int]]:
    """rule_id -> {"hit": n scenarios, "near_miss": n scenarios} (for docs and tests)."""
    g = Gen(
        random.Random(0),
        Calendar(dt.date(2026, 11, 20)),
        {"Therapist": [1001], "Coordinator": [2001], "Administrator": [3001]},
    )
    out: dict[str, dict[str, int]] = {}
    for fn in SCENARIOS:
        c = Cust()
        A.identity(g, c)
        fn(g, c)
        for rule, kind, _ in c.planted:
            out.setdefault(rule, {"hit": 0, "near_miss": 0})[kind] += 1
    return out
