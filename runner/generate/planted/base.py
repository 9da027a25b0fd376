"""What every planted scenario module shares: its registry (`Family`) and small helpers."""

from __future__ import annotations

from collections.abc import Callable

from runner.generate import vocab as V
from runner.generate.journeys import Cust, Gen

MIDNIGHT_BST = (
    "T00:15:00+01:00"  # just after midnight, BST: a UTC conversion would give the day before
)
LATE_UTC = "T23:45:00Z"

Scenario = Callable[[Gen, Cust], None]


class Family:
    """The scenarios of one rule family in the order they are defined: each module
    has one, `scenario = Family()`, and registers with `@scenario`."""

    def __init__(self) -> None:
        self.scenarios: list[Scenario] = []

    def __call__(self, fn: Scenario) -> Scenario:
        self.scenarios.append(fn)
        return fn


def set_groups(c: Cust, *groups: tuple[str, str] | str) -> None:
    c.groups[:] = []
    for gr in groups:
        if isinstance(gr, str):
            c.group(gr)
        else:
            c.groups.append(gr)


def set_sfx(c: Cust, day: int, stype: int, sfx: str) -> None:
    c.appts[:] = [(a[0], sfx, *a[2:]) if a[0] == day and a[3] == stype else a for a in c.appts]


def attended_flags(g: Gen, n_att: int, total: int = 6) -> list[bool]:
    f = [True] * n_att + [False] * (total - n_att)
    g.rng.shuffle(f)
    return f


def stale_booking(g: Gen, c: Cust, day: int) -> None:
    g.appt(c, day, V.THERAPY, "Pending", staff=c.therapist)
