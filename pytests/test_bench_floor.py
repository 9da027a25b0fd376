"""The floor's contract checks (runner/bench/floor.py) count what they should: a floor
that checked nothing would be fast for the wrong reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from runner.bench.floor import read_and_check

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "sample-export"


def _problems(export: Path) -> int:
    con = duckdb.connect(":memory:")
    try:
        return read_and_check(con, export)[1]
    finally:
        con.close()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(SAMPLE, target)
    return target


def _replace_first(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_sample_has_no_contract_problems(export: Path) -> None:
    assert _problems(export) == 0


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n10001,", "\n1000x,"),  # id: not digits
        ("\n10001,", "\n0,"),  # id: not > 0
        ("2002-07-13", "2002-02-30"),  # date_of_birth: no such day
        ("2002-07-13", "13/07/2002"),  # date_of_birth: not YYYY-MM-DD
        (",inactive,", ",retired,"),  # status: not in the enum
        ("\n10002,", "\n10001,"),  # id: a duplicate
        ("\n10001,", "\n,"),  # id: required and blank
    ],
)
def test_each_broken_value_is_counted(export: Path, old: str, new: str) -> None:
    _replace_first(export / "customers.csv", old, new)
    assert _problems(export) == 1
