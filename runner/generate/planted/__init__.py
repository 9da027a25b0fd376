"""Planted cases: for every rule, customers that must hit it and near misses that must not.

Each scenario starts from an archetype that hits nothing (archetypes.py) and moves
one fact to, or just across, the rule's boundary. It records in `c.planted` every
rule it must hit (`hit`) and the rules it sits next to but must not hit
(`near_miss`). A planted customer hits exactly its `hit` rules, so the expected
worklist of an export is exactly the `hit` rows of planted.csv.

Day arithmetic: 0 is D, g.m3 is "D minus 3 calendar months" (clamped to month end).

The scenarios live in one module per rule family (groups.py, triage.py, ...);
SCENARIOS lists them in FAMILIES order, each family's in the order it defines them:
the order the generator has always run them (an export is a function of that
order and the seed).
"""

from __future__ import annotations

import datetime as dt
import random

from runner.generate import archetypes as A
from runner.generate.calendar import Calendar
from runner.generate.journeys import Cust, Gen
from runner.generate.planted import (
    discharged,
    ended,
    graduated,
    groups,
    icbt,
    parent_contact,
    referred,
    sandbox,
    status,
    test_accounts,
    therapy,
    triage,
)
from runner.generate.planted.base import Scenario

__all__ = ["SCENARIOS", "rules_covered"]

FAMILIES = (
    groups,
    triage,
    discharged,
    graduated,
    icbt,
    parent_contact,
    ended,
    referred,
    sandbox,
    test_accounts,
    therapy,
    status,
)
SCENARIOS: list[Scenario] = [fn for family in FAMILIES for fn in family.scenario.scenarios]


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
