"""Planted cases of SOP-70/71: patient requested end of services."""

from __future__ import annotations

from runner.generate import archetypes as A
from runner.generate.planted.base import (
    Family,
)

scenario = Family()


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
