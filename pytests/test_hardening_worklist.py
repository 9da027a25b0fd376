"""Issue 11, attacks 2 and 3 through a full run: worklist.csv cannot be forged or
start a formula, and the Data Docs and report carry no markup from the export and a
strict Content-Security-Policy."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest

from pytests.hardening_support import HOSTILE_CHART_NUMS, XSS_HEADERS, hostile_run  # noqa: F401 - fixture
from runner.publish.cells import FORMULA_TRIGGERS, spreadsheet_safe
from runner.publish.results import WORKLIST_COLUMNS

pytestmark = pytest.mark.xdist_group("runner-baseline")


def _summary(done) -> dict:  # type: ignore[no-untyped-def]
    return json.loads((done.out / "latest" / "summary.json").read_text())


def test_worklist_reads_back_as_exactly_the_hits_with_python_csv(hostile_run) -> None:  # noqa: F811
    done, chosen, _ = hostile_run
    path = done.out / "latest" / "worklist.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    summary = _summary(done)
    assert len(rows) == summary["total_hits"] == sum(r["hits"] for r in summary["rules"]) == 33
    assert {r["customer_id"] for r in rows} <= set(chosen)  # no forged customer 99999
    assert "99999" not in {r["customer_id"] for r in rows}
    per_rule = {r["rule_id"]: r["hits"] for r in summary["rules"] if r["hits"]}
    assert {k: sum(1 for r in rows if r["rule_id"] == k) for k in per_rule} == per_rule
    for r in rows:
        assert r["chart_num"] == spreadsheet_safe(chosen[r["customer_id"]])
        for value in r.values():
            assert not value.startswith(FORMULA_TRIGGERS), value


def test_worklist_reads_back_as_exactly_the_hits_with_duckdb(hostile_run) -> None:  # noqa: F811
    done, chosen, _ = hostile_run
    path = done.out / "latest" / "worklist.csv"
    con = duckdb.connect()
    got = con.execute(
        f"select customer_id::varchar, rule_id, chart_num from read_csv('{path}', header = true, all_varchar = true)"
    ).fetchall()
    summary = _summary(done)
    assert len(got) == summary["total_hits"] == 33
    assert sorted((c, r) for c, r, _ in got) == sorted(
        (row["customer_id"], row["rule_id"])
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    )
    assert {cn for _, _, cn in got} == {spreadsheet_safe(chosen[c]) for c, _, _ in got}


def test_every_field_is_quoted_and_the_header_is_plain(hostile_run) -> None:  # noqa: F811
    done, _, _ = hostile_run
    text = (
        (done.out / "latest" / "worklist.csv").read_bytes().decode("utf-8")
    )  # no newline translation
    header, _, body = text.partition("\n")
    assert header == ",".join(WORKLIST_COLUMNS)
    assert body.startswith('"') and "\r" in body  # the bare CR is data, inside quotes


def test_no_markup_from_the_export_in_data_docs_or_report(hostile_run) -> None:  # noqa: F811
    done, _, _ = hostile_run
    run_dir = done.out / "latest"
    pages = [run_dir / "report.html", *(run_dir / "data-docs").rglob("*.html")]
    assert len(pages) > 5
    raw_customers = [p for p in pages if "raw" in p.parts and "customers" in p.as_posix()]
    assert raw_customers
    assert any(
        "_script_alert__xss____script_" in p.read_text(encoding="utf-8") for p in raw_customers
    )
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for needle in ("<script>alert", "onerror=alert", "<img src=x"):
            assert needle not in html, (page, needle)
        metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert len(metas) == 1, page
        script_src = next(d for d in metas[0].split("; ") if d.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "default-src 'none'" in metas[0]


@pytest.mark.browser
def test_hostile_pages_render_in_chromium_without_errors(hostile_run, offline_page) -> None:  # noqa: F811
    done, _, _ = hostile_run
    run_dir = done.out / "latest"
    page = offline_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((run_dir / "report.html").as_uri(), wait_until="load")
    page.wait_for_selector(
        "#worklist[data-ready=true]"
    )  # the report's scripts run under the policy
    assert page.locator("#worklist .tabulator-row").count() == 33
    assert page.console_errors == []
    raw = next(
        p
        for p in (run_dir / "data-docs" / "validations" / "raw").rglob("*.html")
        if "customers" in p.as_posix()
    )
    page.goto(raw.as_uri(), wait_until="load")
    assert page.evaluate("() => typeof window.jQuery === 'function'")
    assert dialogs == []
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    assert page.context.external_requests == []
    assert XSS_HEADERS and HOSTILE_CHART_NUMS
