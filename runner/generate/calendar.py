"""Dates relative to the as-of date D, and the precomputed text forms of datetimes.

Days are plain ints: 0 is D, -1 the day before, +3 three days after. Every date
string is computed once (`Calendar.ds`); times are picked from precomputed
suffix tables, so writing a row never formats a datetime.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import random

BACK_DAYS = 1600  # oldest event: about 4.4 years before D
FWD_DAYS = 200


def months_before(d: dt.date, months: int) -> dt.date:
    """D minus N calendar months, clamped to the month's end (31 May -> 28/29 Feb)."""
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    m += 1
    return dt.date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def csv_field(s: str) -> str:
    """One CSV field, quoted only when needed."""
    if any(c in s for c in ',"\n\r') or s != s.strip():
        return '"' + s.replace('"', '""') + '"'
    return s


class Calendar:
    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self.d0 = as_of.toordinal()
        self.m3 = (
            months_before(as_of, 3).toordinal() - self.d0
        )  # negative: D-3 months as a day offset
        self._dates = [
            dt.date.fromordinal(self.d0 + i).isoformat() for i in range(-BACK_DAYS, FWD_DAYS + 1)
        ]
        # dates of birth: 7..27 years before D
        self.dob_lo = -27 * 366
        self.dob_hi = -7 * 365
        self._dob = [
            dt.date.fromordinal(self.d0 + i).isoformat()
            for i in range(self.dob_lo, self.dob_hi + 1)
        ]
        self._adult_dob = [
            dt.date.fromordinal(self.d0 + i).isoformat() for i in range(-60 * 365, -30 * 365, 7)
        ]

        # Time-of-day suffixes; a fixed RNG so tables are the same for every seed.
        t = random.Random(20261120)
        slots = [f"{h:02d}:{m:02d}" for h in range(8, 19) for m in (0, 15, 30, 45)]
        forms = []
        for hm in slots:
            forms += [f"T{hm}:00"] * 4 + [f" {hm}:00"] * 3 + [f"T{hm}"] * 2 + [f"T{hm}:00Z"] * 2
            forms += [f"T{hm}:00+01:00"] * 3 + [f"T{hm}:00+00:00", f"T{hm}:00+0100"]
        for _ in range(400):  # with seconds, as Juvonno writes record creation times
            hm = t.choice(slots)
            sec = t.randrange(60)
            form = t.choice(("T{}:{:02d}", " {}:{:02d}", "T{}:{:02d}", "T{}:{:02d}.{:06d}"))
            forms.append(
                form.format(hm, sec, t.randrange(1_000_000))
                if "{:06d}" in form
                else form.format(hm, sec)
            )
        self.dt_suffixes = tuple(forms)
        # chart dates: mostly bare dates
        self.chart_suffixes = ("",) * len(forms) + tuple(
            t.choice(forms) for _ in range(len(forms) // 2)
        )

    @property
    def dates_from_back(self) -> list[str]:
        """The date strings; index = day + BACK_DAYS (for hot loops)."""
        return self._dates

    def ds(self, day: int) -> str:
        return self._dates[day + BACK_DAYS]

    def dob(self, day: int) -> str:
        return self._dob[day - self.dob_lo]

    def adult_dob(self, i: int) -> str:
        return self._adult_dob[i % len(self._adult_dob)]

    @property
    def dob_count(self) -> int:
        return len(self._dob)
