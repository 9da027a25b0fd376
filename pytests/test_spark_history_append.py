"""The append-only group history (Spark's, macros/history/group_history.sql) gives
the snapshot's entered_group_date for every customer and every export of the
history sequence of test_rules_history.py (forward only, an absence breaks the
stretch, a same-date re-run replaces). Checked on DuckDB, where both can run
(JUVONNO_DQ_GROUP_HISTORY picks one), so it needs no Java; the Spark parity test
checks the same on Spark."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pytests.dbt_harness import SAMPLE_EXPORT, DbtHarness
from pytests.test_rules_history import ABSENT, MODELS_ONLY, MOVED, make_export

pytestmark = pytest.mark.xdist_group("spark_history_append")

SEQUENCE = (("e1", "2026-11-20"), ("e2", "2026-11-27"), ("e3", "2026-12-04"), ("e3", "2026-12-04"))
SELECT = ("--select", "+int_customer_entered_group", *MODELS_ONLY)


def _sequence(root: Path, strategy: str, exports: dict[str, Path]) -> dict[str, object]:
    harness = DbtHarness(root / strategy)
    entered: list[dict[int, date]] = []
    for name, as_of in SEQUENCE:
        harness.load(exports[name])
        run = harness.dbt("build", *SELECT, as_of=as_of, env={"JUVONNO_DQ_GROUP_HISTORY": strategy})
        assert run.success, [(r["unique_id"], r["message"]) for r in run.failed()]
        built = {r["name"] for r in run.results}
        assert ("snp_customer_groups" in built) == (strategy == "snapshot"), sorted(built)
        assert ("int_customer_group_history" in built) == (strategy == "append"), sorted(built)
        entered.append(
            dict(
                harness.query(
                    "select customer_id, entered_group_date from juvonno_intermediate.int_customer_entered_group"
                )
            )
        )
    out: dict[str, object] = {"entered": entered}
    if strategy == "append":
        out["history"] = harness.query(
            "select as_of_date, count(*) from juvonno_snapshots.int_customer_group_history group by 1 order by 1"
        )
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("history_append")
    exports = {
        "e1": SAMPLE_EXPORT,
        "e2": make_export(SAMPLE_EXPORT, root / "e2", absent=True),
        "e3": make_export(SAMPLE_EXPORT, root / "e3", absent=False),
    }
    return {strategy: _sequence(root, strategy, exports) for strategy in ("snapshot", "append")}


def test_append_history_gives_the_snapshots_entered_group_date(
    both: dict[str, dict[str, object]],
) -> None:
    snapshot, append = both["snapshot"]["entered"], both["append"]["entered"]
    for step, (name, as_of) in enumerate(SEQUENCE):
        assert append[step] == snapshot[step], f"export {name} as of {as_of}"  # type: ignore[index]


def test_the_sequence_moves_entered_dates(both: dict[str, dict[str, object]]) -> None:
    """Guards the comparison above against a sequence where nothing happens."""
    e1, e2, e3 = both["append"]["entered"][:3]  # type: ignore[misc]
    for customer_id in MOVED:
        assert e1[customer_id] != date(2026, 11, 27)
        assert e2[customer_id] == date(2026, 11, 27)
    assert ABSENT not in e2
    assert e3[ABSENT] == date(2026, 12, 4)


def test_same_date_rerun_replaces_its_partition(both: dict[str, dict[str, object]]) -> None:
    # one partition per as-of date; the re-run of 2026-12-04 replaced, not doubled, its rows
    assert both["append"]["history"] == [
        (date(2026, 11, 20), 59),
        (date(2026, 11, 27), 58),
        (date(2026, 12, 4), 59),
    ]
