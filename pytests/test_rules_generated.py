"""The rule engine on generated exports: every planted hit is on the worklist,
no planted near miss is, and nothing else is (planted.csv is the whole expected
worklist, see docs/notes/generator.md). Several seeds and as-of dates, 5,000
customers each; one dbt build of the models (no tests) per export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from pytests.dbt_harness import DbtHarness
from runner.generate import PLANTED_FILE, write_export

CUSTOMERS = 5_000

# (seed, as-of): the second puts D minus 3 months on 29 February of a leap year
# (in the past: an export dated in the future is rejected, export-contract.md).
CASES = [(11, "2026-11-20"), (12, "2024-05-31")]


def _planted(export_dir: Path) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    hits: set[tuple[int, str]] = set()
    near_misses: set[tuple[int, str]] = set()
    with (export_dir / PLANTED_FILE).open(newline="") as handle:
        for row in csv.DictReader(handle):
            pair = (int(row["customer_id"]), row["rule_id"])
            (hits if row["kind"] == "hit" else near_misses).add(pair)
    return hits, near_misses


@pytest.mark.parametrize(("seed", "as_of"), CASES, ids=[f"seed{s}-{d}" for s, d in CASES])
def test_worklist_is_exactly_the_planted_hits(tmp_path: Path, seed: int, as_of: str) -> None:
    export_dir = tmp_path / "export"
    write_export(export_dir, customers=CUSTOMERS, seed=seed, as_of=dt.date.fromisoformat(as_of))
    hits, near_misses = _planted(export_dir)
    assert len({rule for _, rule in hits}) == 31, "the generator plants every rule"

    harness = DbtHarness(tmp_path / "dbt")
    harness.load(export_dir)
    run = harness.dbt(
        "build",
        "--select",
        "+sop_violations",
        "--exclude-resource-type",
        "test",
        "unit_test",
        as_of=as_of,
    )
    assert run.exception is None, run.exception
    assert run.failed() == []

    found = {
        (int(c), r)
        for c, r in harness.query("select customer_id, rule_id from juvonno_sop.sop_violations")
    }
    assert sorted(hits - found) == [], "planted hits missing from the worklist"
    assert sorted(found & near_misses) == [], "planted near misses on the worklist"
    assert sorted(found - hits) == [], "hits nobody planted"
