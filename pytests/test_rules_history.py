"""Group history across exports (the snp_customer_groups snapshot):
entered_group_date is the first export date of the current unbroken stretch, or
`created` when the stretch goes back to the customer's first export; an absence
breaks the stretch; re-running the same export adds no history.

Three exports a week apart, built into one private DuckDB file:
  E1 2026-11-20  the shared sample
  E2 2026-11-27  10002 and 10005 moved into Triage; 10013 absent
  E3 2026-12-04  as E2, but 10013 back (same group as in E1)
then E3 again."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from pytests.dbt_harness import SAMPLE_EXPORT, DbtHarness

pytestmark = pytest.mark.xdist_group("rules_history")

MODELS_ONLY = ("--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model")
MOVED = (10002, 10005)
ABSENT = 10013


def _rewrite(path: Path, keep) -> None:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = [r for r in (keep(row) for row in reader) if r is not None]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _move_to_triage(row: dict[str, str]) -> dict[str, str]:
    if int(row["customer_id"]) in MOVED:
        return {**row, "group_code": "TRI", "group_name": "Triage"}
    return row


def make_export(base: Path, dest: Path, *, absent: bool) -> Path:
    dest.mkdir(parents=True)
    for name in (
        "customers",
        "customer_groups",
        "appointments",
        "staff",
        "encounters",
        "icbt_activity",
    ):
        (dest / f"{name}.csv").write_bytes((base / f"{name}.csv").read_bytes())
    _rewrite(dest / "customer_groups.csv", _move_to_triage)
    if absent:
        _rewrite(dest / "customers.csv", lambda r: None if int(r["id"]) == ABSENT else r)
    return dest


def created(customer_id: int) -> date:
    with (SAMPLE_EXPORT / "customers.csv").open(newline="", encoding="utf-8-sig") as handle:
        for r in csv.DictReader(handle):
            if int(r["id"]) == customer_id:
                return date.fromisoformat(r["created"].strip()[:10])
    raise KeyError(customer_id)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("rules_history")
    harness = DbtHarness(root / "warehouse")
    e2 = make_export(SAMPLE_EXPORT, root / "e2", absent=True)
    e3 = make_export(SAMPLE_EXPORT, root / "e3", absent=False)
    select = ("--select", "+int_customer_entered_group", *MODELS_ONLY)
    out: dict[str, object] = {"harness": harness}

    def entered() -> dict[int, date]:
        return dict(
            harness.query(
                "select customer_id, entered_group_date from juvonno_intermediate.int_customer_entered_group"
            )
        )

    harness.load(SAMPLE_EXPORT)
    runs = [harness.dbt("build", *select, as_of="2026-11-20")]
    out["e1"] = entered()
    harness.load(e2)
    runs.append(harness.dbt("build", *select, as_of="2026-11-27"))
    out["e2"] = entered()
    harness.load(e3)
    runs.append(harness.dbt("build", *select, as_of="2026-12-04"))
    out["e3"] = entered()
    out["snapshot_e3"] = harness.query(
        "select * from juvonno_snapshots.snp_customer_groups order by all"
    )
    runs.append(
        harness.dbt("build", "--select", "+patient_group_audit", *MODELS_ONLY, as_of="2026-12-04")
    )
    out["snapshot_rerun"] = harness.query(
        "select * from juvonno_snapshots.snp_customer_groups order by all"
    )
    out["audit"] = {
        c: (e, d)
        for c, e, d in harness.query(
            "select customer_id, entered_group_date, days_in_group from juvonno_sop.patient_group_audit"
        )
    }
    out["runs"] = runs
    return out


def test_every_build_succeeded(history: dict[str, object]) -> None:
    for run in history["runs"]:  # type: ignore[attr-defined]
        assert run.success, [(r["unique_id"], r["message"]) for r in run.failed()]


def test_single_export_is_always_created(history: dict[str, object]) -> None:
    e1 = history["e1"]
    assert len(e1) == 59  # type: ignore[arg-type]
    for customer_id in (10002, 10005, 10013, 10015, 10017):
        assert e1[customer_id] == created(customer_id)  # type: ignore[index]


def test_moved_customers_entered_triage_at_the_export_date(history: dict[str, object]) -> None:
    for customer_id in MOVED:
        assert history["e2"][customer_id] == date(2026, 11, 27)  # type: ignore[index]
        assert history["e3"][customer_id] == date(2026, 11, 27)  # type: ignore[index]


def test_unchanged_customers_keep_created(history: dict[str, object]) -> None:
    for customer_id in (10015, 10017, 10058, 10020):
        assert history["e2"][customer_id] == created(customer_id)  # type: ignore[index]
        assert history["e3"][customer_id] == created(customer_id)  # type: ignore[index]


def test_absence_breaks_the_stretch(history: dict[str, object]) -> None:
    assert ABSENT not in history["e2"]  # type: ignore[operator]
    assert history["e3"][ABSENT] == date(2026, 12, 4)  # type: ignore[index]


def test_rerunning_the_same_export_creates_no_history(history: dict[str, object]) -> None:
    assert history["snapshot_rerun"] == history["snapshot_e3"]
    rows = history["snapshot_rerun"]
    # 59 first records + 2 moves + the returning customer's second record
    assert len(rows) == 59 + len(MOVED) + 1  # type: ignore[arg-type]


def test_audit_reports_the_history(history: dict[str, object]) -> None:
    audit = history["audit"]
    assert audit[10002] == (date(2026, 11, 27), 7)  # type: ignore[index]
    assert audit[ABSENT] == (date(2026, 12, 4), 0)  # type: ignore[index]
    assert audit[10015][0] == created(10015)  # type: ignore[index]
