"""Anomaly alerts: a value compared with the same metric's recent history.

Method: a robust z-score (Iglewicz and Hoaglin's *modified z-score*) against the
median and the median absolute deviation (MAD) of the last `window` as-of dates:

    score = (value - median) / (1.4826 * MAD)

The median and MAD ignore the odd outlier in the history (one bad night does not
widen the band for the next fortnight, as a mean and standard deviation would),
and need no assumption about the distribution of rule hits. Re-runs of one as-of
date count once (the latest run of that date), and today's date is never part of
its own baseline. No alert until `min_history` dates exist. A steady series has
MAD 0, so the scale has a floor (`min_scale`: at least 1, or 5 % of the median),
and a change smaller than `min_change` never alerts: 0 → 2 hits is not news.
Pure Python, no I/O.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

MAD_TO_SIGMA = 1.4826  # MAD × this estimates the standard deviation of a normal series


@dataclass(frozen=True)
class Sensitivity:
    window: int = 14  # as-of dates in the baseline
    min_history: int = 7  # dates needed before any alert
    threshold: float = 3.5  # |score| above this alerts (Iglewicz and Hoaglin's cut-off)
    min_change: int = 3  # |value - median| below this never alerts
    relative_floor: float = 0.05  # the scale is at least this share of the median


@dataclass(frozen=True)
class Point:
    as_of: dt.date
    started_at: Any  # orders re-runs of one date (the latest wins)
    value: int


@dataclass(frozen=True)
class Check:
    kind: str  # "rule" or "file"
    key: str  # rule id or table name
    value: int
    status: str  # "anomaly", "ok" or "insufficient_history"
    direction: str | None  # "up" or "down" when an anomaly
    median: float | None
    mad: float | None
    score: float | None
    baseline_dates: int

    @property
    def is_anomaly(self) -> bool:
        return self.status == "anomaly"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def one_per_date(points: Iterable[Point], before: dt.date) -> list[Point]:
    """The latest run of each as-of date earlier than `before`, oldest first."""
    latest: dict[dt.date, Point] = {}
    for p in points:
        if p.as_of >= before:
            continue
        kept = latest.get(p.as_of)
        if kept is None or str(p.started_at) >= str(kept.started_at):
            latest[p.as_of] = p
    return [latest[d] for d in sorted(latest)]


def check(
    kind: str, key: str, value: int, history: Iterable[Point], as_of: dt.date, s: Sensitivity
) -> Check:
    baseline = [p.value for p in one_per_date(history, as_of)][-s.window :]
    if len(baseline) < s.min_history:
        return Check(
            kind, key, value, "insufficient_history", None, None, None, None, len(baseline)
        )
    median = float(statistics.median(baseline))
    mad = float(statistics.median(abs(v - median) for v in baseline))
    scale = max(MAD_TO_SIGMA * mad, 1.0, s.relative_floor * abs(median))
    score = (value - median) / scale
    alert = abs(score) > s.threshold and abs(value - median) >= s.min_change
    return Check(
        kind,
        key,
        value,
        "anomaly" if alert else "ok",
        ("up" if score > 0 else "down") if alert else None,
        median,
        mad,
        round(score, 2),
        len(baseline),
    )


def check_all(
    kind: str,
    current: Mapping[str, int],
    history: Sequence[Mapping[str, Any]],
    as_of: dt.date,
    s: Sensitivity,
    *,
    key_field: str,
    value_field: str,
) -> list[Check]:
    """One check per key of `current`; `history` rows carry as_of_date, started_at,
    the key and the value (e.g. dq_run_history's rule_id and hits)."""
    series: dict[str, list[Point]] = {}
    for row in history:
        if row.get(value_field) is None:
            continue
        series.setdefault(str(row[key_field]), []).append(
            Point(_date(row["as_of_date"]), row.get("started_at"), int(row[value_field]))
        )
    return [
        check(kind, key, int(value), series.get(key, []), as_of, s)
        for key, value in current.items()
    ]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
