"""runner.monitor.anomaly: a planted jump alerts, a steady noisy series does not."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from runner.monitor.anomaly import Point, Sensitivity, check, check_all, one_per_date

D = dt.date(2026, 11, 20)
S = Sensitivity()


def series(values: list[int], end: dt.date = D) -> list[Point]:
    """One run per date, the last value the day before `end`."""
    n = len(values)
    return [Point(end - dt.timedelta(days=n - i), f"t{i:03d}", v) for i, v in enumerate(values)]


def noisy(n: int, level: int, spread: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    return [level + rng.randint(-spread, spread) for _ in range(n)]


def test_a_planted_jump_alerts() -> None:
    history = series(noisy(14, 40, 4, seed=1))
    c = check("rule", "SOP-10", 90, history, D, S)
    assert c.is_anomaly and c.direction == "up" and c.score > S.threshold
    assert c.baseline_dates == 14 and 36 <= c.median <= 44


def test_a_drop_in_a_file_row_count_alerts() -> None:
    history = series(noisy(20, 1200, 15, seed=2))
    c = check("file", "appointments", 300, history, D, S)
    assert c.is_anomaly and c.direction == "down"


def test_a_steady_noisy_series_does_not_alert() -> None:
    for seed in range(50):
        values = noisy(15, 40, 4, seed=seed)
        c = check("rule", "SOP-10", values[-1], series(values[:-1]), D, S)
        assert not c.is_anomaly, (seed, values)


def test_a_constant_series_tolerates_small_changes() -> None:
    history = series([12] * 14)
    assert check("rule", "SOP-21", 14, history, D, S).status == "ok"  # below min_change
    assert check(
        "rule", "SOP-21", 30, history, D, S
    ).is_anomaly  # MAD 0: the floor scale, not infinity
    assert check("rule", "SOP-01", 2, series([0] * 14), D, S).status == "ok"


def test_no_alert_before_min_history() -> None:
    c = check("rule", "SOP-10", 1000, series([5, 5, 5, 5, 5, 5]), D, S)
    assert c.status == "insufficient_history" and not c.is_anomaly and c.baseline_dates == 6
    assert check("rule", "SOP-10", 1000, series([5] * 7), D, S).is_anomaly


def test_same_date_reruns_count_once_and_today_is_not_its_own_baseline() -> None:
    base = series([10] * 6)
    # six more runs on one date: still 6 dates of history, not 12
    reruns = [Point(D - dt.timedelta(days=1), f"u{i}", 10) for i in range(6)]
    assert check("rule", "SOP-10", 50, base + reruns, D, S).status == "insufficient_history"
    today = [Point(D, f"v{i}", 50) for i in range(10)]  # earlier runs of today's date
    assert len(one_per_date(base + today, D)) == 6
    # the latest run of a date wins
    kept = one_per_date(
        [Point(D - dt.timedelta(days=1), "a", 1), Point(D - dt.timedelta(days=1), "b", 7)], D
    )
    assert [p.value for p in kept] == [7]


def test_only_the_window_counts() -> None:
    old_high = series([500] * 30 + [20] * 14)
    assert check("rule", "SOP-10", 21, old_high, D, S).status == "ok"
    assert check("rule", "SOP-10", 21, old_high, D, Sensitivity(window=44)).is_anomaly  # median 500


def test_sensitivity_is_configurable() -> None:
    history = series(noisy(14, 40, 4, seed=3))
    loose, tight = Sensitivity(threshold=20), Sensitivity(threshold=1.5, min_change=1)
    assert not check("rule", "SOP-10", 60, history, D, loose).is_anomaly
    assert check("rule", "SOP-10", 52, history, D, tight).is_anomaly


def test_check_all_reads_history_rows() -> None:
    rows = [
        {
            "as_of_date": (D - dt.timedelta(days=i)).isoformat(),
            "started_at": i,
            "rule_id": rid,
            "hits": h,
        }
        for i in range(1, 15)
        for rid, h in (("SOP-10", 40 + i % 3), ("SOP-20", 5))
    ]
    checks = {c.key: c for c in check_all("rule", {"SOP-10": 41, "SOP-20": 30, "SOP-30": 3}, rows, D, S,
                                           key_field="rule_id", value_field="hits")}  # fmt: skip
    assert checks["SOP-10"].status == "ok"
    assert checks["SOP-20"].is_anomaly and checks["SOP-20"].as_dict()["direction"] == "up"
    assert checks["SOP-30"].status == "insufficient_history"


@settings(max_examples=200, deadline=None)
@given(
    level=st.integers(min_value=0, max_value=5000),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_values_inside_the_history_range_never_alert(level: int, seed: int) -> None:
    """Noise of ±10 % around any level: a value within the last fortnight's range is no anomaly."""
    spread = max(1, level // 10)
    values = noisy(14, level, spread, seed)
    current = random.Random(seed + 1).randint(min(values), max(values))
    assert not check("rule", "R", current, series(values), D, S).is_anomaly
