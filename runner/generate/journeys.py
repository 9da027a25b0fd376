"""One customer under construction, and the building blocks of the SOP journey.

Journeys are built backwards from an anchor (the last session, the last iCBT
activity), so the facts a rule reads can be placed exactly; `intake` then adds
the triage call, the assessment and the customer's `created` date before them.
Days are ints relative to the as-of date D (see calendar.py).
"""

from __future__ import annotations

import random

from runner.generate import vocab as V
from runner.generate.calendar import Calendar

ATT_OLD = ("Paid", "Paid", "Billed", "Billed", "Completed", "Completed", "Arrived")
ATT_NEW = ("Completed", "Completed", "Completed", "Arrived", "Arrived", "Billed")
MISSED = ("No Show", "No Show", "No Show", "Late Cancel")
CANCELLED = ("Cancelled", "Cancelled", "Cancelled", "Dismissed")
BOOKED = ("Confirmed", "Confirmed", "Pending")

AUTO = None  # appointment created: drawn when written (a few days before start, never before the customer)
BLANK = -(10**7)  # appointment created: written empty (start stands in)


class Cust:
    __slots__ = (
        "adult",
        "appts",
        "branch",
        "chart",
        "created",
        "created_sfx",
        "dob",
        "email",
        "encs",
        "first",
        "gender",
        "groups",
        "icbt",
        "last",
        "phone",
        "planted",
        "status",
        "therapist",
        "warnings",
    )

    def __init__(self) -> None:
        self.created = 0
        self.created_sfx: str | None = None
        self.status = "active"
        self.groups: list[tuple[str, str]] = []
        # (day, sfx|None, status, stype, staff|None, created(AUTO|BLANK|day), created_sfx|None)
        self.appts: list[tuple] = []
        self.encs: list[tuple] = []  # (day, sfx|None, template, outcome, staff|None)
        self.icbt: list[tuple] = []  # (module, start, sfx, completed|None, sfx, last|None, sfx)
        self.first = self.last = self.gender = self.dob = self.email = self.phone = None
        self.warnings: str | None = None
        self.chart = self.branch = None
        self.therapist = 0
        self.planted: list[tuple[str, str, str]] = []  # (rule_id, hit|near_miss, note)
        self.adult = False

    def group(self, name: str, written: str | None = None, code: str | None = None) -> None:
        self.groups.append((V.GROUP_CODES.get(name, "") if code is None else code, written or name))

    def hit(self, rule: str, note: str) -> None:
        self.planted.append((rule, "hit", note))

    def near(self, rule: str, note: str) -> None:
        self.planted.append((rule, "near_miss", note))


class Gen:
    """The RNG and the staff pools, with the journey building blocks."""

    def __init__(self, rng: random.Random, cal: Calendar, staff: dict[str, list[int]]) -> None:
        self.rng = rng
        self.r = rng.random
        self.cal = cal
        self.m3 = cal.m3
        self.therapists = staff["Therapist"]
        self.coordinators = staff["Coordinator"]
        self.admins = staff["Administrator"]

    # --- small helpers -------------------------------------------------
    def ri(self, a: int, b: int) -> int:
        return a + int(self.r() * (b - a + 1))

    def pick(self, seq):  # type: ignore[no-untyped-def]
        return seq[int(self.r() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.r() < p

    def att(self, day: int) -> str:
        return self.pick(ATT_OLD if day < -45 else ATT_NEW)

    # --- rows --------------------------------------------------------------
    def appt(
        self,
        c: Cust,
        day: int,
        stype: int,
        status: str,
        created=AUTO,
        sfx=None,
        staff=None,
        csfx=None,
    ) -> None:
        c.appts.append((day, sfx, status, stype, staff, created, csfx))

    def enc(
        self, c: Cust, day: int, template: str, outcome: str = "", staff=None, sfx=None
    ) -> None:
        if staff is None:
            if template == V.T_NOTE or template == V.T_GRAD:
                staff = c.therapist
            elif template == V.T_CHASE or template == V.T_END:
                staff = self.pick(self.coordinators) if self.r() < 0.6 else self.pick(self.admins)
            else:
                staff = self.pick(self.coordinators)
        c.encs.append((day, sfx, template, outcome, staff))

    def module(
        self,
        c: Cust,
        start: int,
        last: int | None,
        completed: int | None = None,
        name=None,
        sfx=(None, None, None),
    ) -> None:
        c.icbt.append(
            (name or self.pick(V.ICBT_MODULES), start, sfx[0], completed, sfx[1], last, sfx[2])
        )

    # --- journey blocks ----------------------------------------------------
    def intake(
        self, c: Cust, first_day: int, outcome: str, assess: bool = True, gap=(3, 14)
    ) -> int:
        """Triage call (attended) and, when `assess`, an initial assessment, before `first_day`.
        Sets the customer's created date. Returns the triage call's day."""
        day = first_day
        if assess:
            day = first_day - self.ri(*gap)
            if self.chance(0.06):
                self.appt(c, day - self.ri(3, 7), V.ASSESS, self.pick(MISSED), staff=c.therapist)
                day -= 8
            self.appt(c, day, V.ASSESS, self.att(day), staff=c.therapist)
        t = day - self.ri(*gap)
        if self.r() < 0.5 and t + 1 < day:  # admin call between triage and the next step
            self.appt(c, t + 1, V.ADMIN, self.att(t + 1), staff=self.pick(self.admins))
        self.appt(c, t, V.TRIAGE, self.att(t), staff=self.pick(self.coordinators))
        self.enc(c, t, V.T_TRIAGE, outcome)
        first = t
        if self.chance(0.12):
            first = t - self.ri(2, 6)
            self.appt(c, first, V.TRIAGE, self.pick(MISSED), staff=self.pick(self.coordinators))
        c.created = first - self.ri(0, 10)
        return t

    def therapy_block(
        self, c: Cust, last: int, n_att: int, p_miss: float = 0.14, note: float = 0.8
    ) -> int:
        """n_att attended 1:1 sessions, the last on `last`, weekly going back (sometimes a fortnight),
        with missed and cancelled ones between. Returns the first session's day."""
        day = last
        done = 0
        first = last
        while done < n_att:
            x = self.r()
            if done and x < p_miss:
                self.appt(c, day, V.THERAPY, self.pick(MISSED), staff=c.therapist)
            elif done and x < p_miss + 0.08:
                # cancelled (or deleted) and rebooked a few days later
                self.appt(
                    c,
                    day,
                    V.THERAPY,
                    "Deleted" if x < p_miss + 0.01 else self.pick(CANCELLED),
                    staff=c.therapist,
                )
                if day + 2 <= last:
                    if self.r() < 0.3:
                        self.appt(c, day + 2, V.THERAPY, self.pick(MISSED), staff=c.therapist)
                    else:
                        self.appt(c, day + 2, V.THERAPY, self.att(day + 2), staff=c.therapist)
                        if self.r() < note:
                            self.enc(c, day + 2, V.T_NOTE)
                        done += 1
            else:
                self.appt(c, day, V.THERAPY, self.att(day), staff=c.therapist)
                if self.r() < note:
                    self.enc(c, day, V.T_NOTE)
                done += 1
            if self.r() < 0.2:  # a short admin call (review, letter, risk check): never engagement
                self.appt(
                    c,
                    day - 1,
                    V.ADMIN,
                    self.att(day - 1) if self.r() < 0.85 else self.pick(CANCELLED),
                    staff=c.therapist,
                )
            first = day
            day -= 14 if self.r() < 0.15 else 7
        return first

    def book_future(self, c: Cust, stype: int, n: int, start: int = 1, staff=None) -> None:
        day = start + self.ri(0, 6)
        for _ in range(n):
            self.appt(c, day, stype, self.pick(BOOKED), staff=staff or c.therapist)
            day += 7

    def group_block(self, c: Cust, start: int, attended: list[bool]) -> None:
        """Weekly group sessions from `start`; past ones attended/missed per `attended`, future ones booked."""
        for i, a in enumerate(attended):
            day = start + 7 * i
            if day > 0:
                st = self.pick(BOOKED)
            elif a:
                st = self.att(day)
            elif day == 0:
                st = self.pick(BOOKED)
            else:
                st = self.pick(MISSED)
            self.appt(c, day, V.GROUP, st, staff=c.therapist)

    def icbt_course(self, c: Cust, first_start: int, last: int, n: int) -> None:
        """n modules started between first_start and last; the latest activity of all is `last`."""
        starts = sorted({first_start} | {self.ri(first_start, last) for _ in range(n - 1)})
        for i, s in enumerate(starts):
            if i == len(starts) - 1:
                self.module(c, s, last, last if self.chance(0.3) else None)
            else:
                end = self.ri(s, last)
                self.module(c, s, end, end if self.chance(0.6) else None)

    def chases(self, c: Cust, after: int, n: int, until: int = 0) -> int:
        """n chase attempts strictly after `after`, on or before `until`; returns the last one's day."""
        day = after
        span = max(1, (until - after) // (n + 1))
        for _ in range(n):
            day = min(until, day + self.ri(1, min(span, 21)))
            self.enc(c, day, V.T_CHASE)
        return day
