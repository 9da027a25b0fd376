"""End to end: a sequence of nightly runs of one instance builds the history; a
planted jump (15 new customers in No Group, 15 more customer rows) is flagged as
an anomaly in summary.json, the history, the report and the notification, while
the steady nights before it are not; a re-run of a date counts once and a
re-export of it is marked in the trend. The last report renders in Chromium
(offline) with its trend charts on real date axes; a screenshot goes to
test-artifacts/report-monitoring.png.

Five full runs of the sample export (tens of seconds each): one module fixture."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from pytests.test_notify import _Hook
from pytests.test_run_support import SAMPLE_EXPORT, Completed, pii_values, run_cli

pytestmark = pytest.mark.xdist_group("monitoring-sequence")

EXTRA = 15
DATES = ("2026-11-20", "2026-11-21", "2026-11-21", "2026-11-22", "2026-11-23")


def _copy(dest: Path) -> Path:
    shutil.copytree(SAMPLE_EXPORT, dest, copy_function=shutil.copyfile)
    (dest / "manifest.json").unlink()  # the copies change files; --as-of gives the date
    return dest


def _reexport(dest: Path) -> Path:
    """The same data with CRLF line ends: other bytes, same hits (a corrected re-export)."""
    d = _copy(dest)
    text = (d / "staff.csv").read_text(encoding="utf-8")
    (d / "staff.csv").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return d


def _jump(dest: Path) -> Path:
    d = _copy(dest)
    rows = [
        f"{90001 + i},SBX9{i:05d},Alex,Morgan,unknown,2010-01-01,,,active,SBX-N,2026-11-01T09:00:00,"
        for i in range(EXTRA)
    ]
    with (d / "customers.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    return d


@pytest.fixture(scope="module")
def hook() -> Iterator[tuple[str, list[dict]]]:
    """An HTTP webhook on loopback for the whole sequence."""
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Hook.received
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory, hook) -> tuple[list[Completed], list[dict]]:
    url, received = hook
    base = tmp_path_factory.mktemp("monitoring")
    out = base / "out"
    exports = [
        SAMPLE_EXPORT,
        SAMPLE_EXPORT,
        _reexport(base / "re"),
        SAMPLE_EXPORT,
        _jump(base / "jump"),
    ]
    env = {"JUVONNO_DQ_WEBHOOK_URL": url, "JUVONNO_DQ_NOTIFY_BACKOFF": "0.01"}
    runs = []
    for as_of, export in zip(DATES, exports, strict=True):
        done = run_cli(out, "--as-of", as_of, "--anomaly-min-history", "3", export=export, env=env)
        assert done.code == 0, done.console
        runs.append(done)
    return runs, received


def _summaries(runs: list[Completed]) -> list[dict]:
    out = runs[0].out
    return [json.loads(p.read_text()) for p in sorted((out / "runs").glob("*/summary.json"))]


def test_steady_nights_do_not_alert_and_the_jump_does(sequence) -> None:
    runs, _ = sequence
    summaries = _summaries(runs)
    assert [s["as_of"] for s in summaries] == list(DATES)
    for s in summaries[:-1]:
        assert s["anomalies"]["flagged"] == [], s["as_of"]
    last = summaries[-1]
    flagged = {(a["kind"], a["key"]): a for a in last["anomalies"]["flagged"]}
    assert ("rule", "SOP-01") in flagged and flagged[("rule", "SOP-01")]["direction"] == "up"
    assert ("file", "customers") in flagged
    sop01 = next(r for r in last["rules"] if r["rule_id"] == "SOP-01")
    assert sop01["anomaly"]["baseline_dates"] == 3  # 20, 21 (re-run once), 22
    assert sop01["delta"] == EXTRA and sop01["previous_hits"] == sop01["hits"] - EXTRA
    assert last["previous"]["deltas"]["total_hits"] >= EXTRA
    assert "anomaly: rule SOP-01" in runs[-1].console


def test_history_keeps_populations_status_and_anomalies(sequence) -> None:
    runs, _ = sequence
    con = duckdb.connect(str(runs[0].out / "warehouse" / "analysts.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select as_of_date, population, rule_status, kahn_category, anomaly, exported_at is not null "
            "from juvonno_history.dq_run_history where rule_id = 'SOP-01' order by started_at"
        ).fetchall()
        files = con.execute(
            "select count(distinct run_id), max(file_rows) from juvonno_history.dq_file_history where table_name = 'customers'"
        ).fetchone()
    finally:
        con.close()
    assert len(rows) == len(DATES)
    assert [r[4] for r in rows] == [None] * (len(DATES) - 1) + ["up"]
    assert all(r[2] == "fail" and r[3] == "conformance" and r[5] for r in rows)
    assert rows[-1][1] == rows[0][1] + EXTRA  # the population grew with the new customers
    assert files == (len(DATES), 60 + EXTRA)


def test_notification_carries_the_anomaly_and_deltas_without_personal_data(sequence) -> None:
    _, received = sequence
    assert len(received) == len(DATES)
    text = received[-1]["body"]["text"]
    assert (
        "Anomalies against the recent history:" in text
        and "rule SOP-01:" in text
        and "jump from a median" in text
    )
    assert f"(+{EXTRA} since the previous run)" in text or "since the previous run" in text
    assert "file customers:" in text
    for message in received:
        body = json.dumps(message["body"])
        assert not [v for v in pii_values() if v in body]
        assert "9000" not in body  # none of the planted customer ids


def test_report_trend_in_chromium(sequence, offline_page, artifacts_dir: Path) -> None:
    runs, _ = sequence
    page = offline_page
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto((runs[-1].out / "latest" / "report.html").resolve().as_uri())
    page.wait_for_selector("body[data-trend]", timeout=30000)
    assert page.get_attribute("body", "data-trend") == "rendered"
    assert page.console_errors == [] and page.context.external_requests == []
    # the total chart: one point per as-of date (the re-run collapsed), real date labels
    total = page.locator("#trend-chart svg")
    assert total.count() == 1
    assert page.locator("#trend-chart svg .mark-symbol path").count() == len(set(DATES))
    labels = page.locator("#trend-chart svg .role-axis-label text").all_text_contents()
    assert "21 Nov 2026" in labels and "23 Nov 2026" in labels
    assert (
        page.locator("#trend-chart svg .reexport_marks line").count() == 1
    )  # the re-export of 21 Nov
    assert page.locator("#trend-rules svg").count() == 1
    # the top cards: deltas and the anomaly
    customers = _summaries(runs)[-1]["previous"]["deltas"]["customers"]
    assert customers >= EXTRA  # the planted 15 (and whoever the later date adds)
    assert f"+{customers} vs previous run" in page.locator("#card-customers").inner_text()
    assert page.locator("#anomalies").inner_text().count("Rule SOP-01") == 1
    assert "findings for coordinators" in page.locator("#gx-card").inner_text()
    assert page.locator("#rule-checks tbody.kahn").count() == 3
    page.locator("#watch-cards").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "report-monitoring.png"), full_page=False)
    page.locator("#trend-chart").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "report-monitoring-trend.png"), full_page=False)
    assert page.console_errors == []
