"""report.html: one self-contained file that works offline in Chromium."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pytests.test_run_support import baseline  # noqa: F401 - fixture
from runner.publish import report

# One xdist worker runs every test that needs the shared baseline run (one run, not one per worker).
pytestmark = pytest.mark.xdist_group("runner-baseline")


RULES = [
    {"rule_id": "SOP-01", "title": "No Group must be empty", "severity": "warn", "hits": 2},
    {"rule_id": "SOP-10", "title": "Triage for at most 7 days", "severity": "warn", "hits": 1},
    {
        "rule_id": "SOP-20",
        "title": "Discharged but engaged <within> 3 months",
        "severity": "warn",
        "hits": 0,
    },
]
WORKLIST = [
    {"customer_id": 101, "chart_num": "C101", "group_name": "No Group", "rule_id": "SOP-01", "rule_title": "No Group must be empty",
     "severity": "warn", "expected_group": None, "detail": "no group", "action": "Allocate"},
    {"customer_id": 205, "chart_num": "C205", "group_name": "Therapy; iCBT", "rule_id": "SOP-01", "rule_title": "No Group must be empty",
     "severity": "warn", "expected_group": None, "detail": "x", "action": "y"},
    {"customer_id": 7, "chart_num": None, "group_name": "Triage", "rule_id": "SOP-10", "rule_title": "Triage for at most 7 days",
     "severity": "warn", "expected_group": None, "detail": "in Triage since 2026-11-01 (19 days)", "action": "Triage"},
]  # fmt: skip
TREND = [
    {
        "run_id": f"r{i}",
        "as_of_date": f"2026-11-{10 + i}",
        "started_at": i,
        "rule_id": rid,
        "hits": h,
        "outcome": "findings",
    }
    for i in range(4)
    for rid, h in (("SOP-01", i), ("SOP-10", 3 - i), ("SOP-20", 0))
]


def _ctx(**over) -> dict:
    summary = {
        "run_id": "20261121T013000Z-abc123", "as_of": "2026-11-20", "started_at": "2026-11-21T01:30:00Z",
        "finished_at": "2026-11-21T01:31:10Z", "outcome": "findings", "exit_code": 0, "rules": RULES, "total_hits": 3,
        "worklist": {"available": True, "rows": 3, "customers": 3},
        "dbt": {"counts": {"model": {"success": 51}, "test": {"pass": 100, "warn": 31}}, "errors": []},
        "gx": {"available": True, "suites": 8, "failed_suites": 0, "expectations_evaluated": 160,
               "expectations_failed": 0, "mismatches": 0},
        "files": [{"table": "customers", "file": "customers.csv", "rows": 60, "sha256": "ab" * 32}],
        "orphans": {"appointments.customer_id": 1}, "notices": ["a notice"],
    }  # fmt: skip
    ctx = {"summary": summary, "worklist": WORKLIST, "groups": [{"group_name": "No Group", "hits": 1}],
           "trend": TREND, "invoicing": None, "data_docs": False}  # fmt: skip
    ctx.update(over)
    return ctx


TREND_POINTS = [
    {
        "date": f"2026-11-{10 + i}",
        "rule_id": rid,
        "hits": h,
        "runs": 1 + (i == 2),
        "reexported": i == 2,
    }
    for i in range(4)
    for rid, h in (("SOP-01", i), ("SOP-10", 3 - i), ("SOP-20", 0))
]


def _without_vendored(html: str) -> str:
    """The page minus the inlined Vega libraries (their code names URLs it never loads)."""
    from runner.publish.report_watch import vega_sources

    for code in vega_sources():
        html = html.replace(code, "")
    return html


def test_report_is_self_contained() -> None:
    full = report.render(_ctx(trend_points=TREND_POINTS))
    from runner.publish.report_watch import vega_sources

    assert all(code in full for code in vega_sources())  # vega, vega-lite, vega-interpreter
    assert "unsafe-eval" not in full
    html = _without_vendored(full)
    assert "<svg" in html and "<script>" in html and "<style>" in html
    # nothing is fetched: no src/href to anything but in-page anchors and the run's own data-docs
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|data-docs/)""", html)
    # the SVG namespace is a name, not an address (inline SVG and the table library's icons use it)
    assert (
        "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    )
    assert "&lt;within&gt;" in html  # escaped
    assert "Invoicing summary: not available" in html
    assert "Data Docs</td><td>not available" in html


def test_report_shows_invoicing_when_built() -> None:
    html = report.render(
        _ctx(
            invoicing=[{"invoice_month": "2026-11-01", "service": "therapy", "billable_units": 12}]
        )
    )
    assert (
        'id="invoicing"' in html
        and "Billable units" in html
        and "not available" not in html.split("Invoicing")[1][:200]
    )


def _check_in_browser(
    page, path: Path, artifacts: Path, shot: str, rule: str, n_rule: int, n_all: int
) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    assert page.console_errors == []
    assert page.context.external_requests == []
    assert page.locator("svg.chart").count() >= 2
    assert page.locator("svg.chart rect.bar").count() >= 1
    page.wait_for_selector(
        "#worklist[data-ready=true]"
    )  # the vendored table library built the grid
    rows = page.locator("#worklist .tabulator-row")
    assert rows.count() == n_all
    page.select_option("#filter-rule", rule)
    assert page.locator("#worklist .tabulator-row").count() == n_rule
    assert page.locator("#shown-count").inner_text().startswith(f"{n_rule} of {n_all}")
    page.select_option("#filter-rule", "")
    assert page.locator("#worklist .tabulator-row").count() == n_all
    page.screenshot(path=str(artifacts / shot), full_page=True)
    assert page.console_errors == []


@pytest.mark.browser
def test_synthetic_report_renders_and_filters_offline(
    offline_page, artifacts_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(report.render(_ctx()), encoding="utf-8")
    _check_in_browser(offline_page, path, artifacts_dir, "report-synthetic.png", "SOP-01", 2, 3)
    offline_page.select_option("#filter-group", "iCBT")  # a customer with two groups matches either
    assert offline_page.locator("#worklist .tabulator-row").count() == 1


@pytest.mark.browser
def test_published_report_renders_offline(baseline, offline_page, artifacts_dir: Path) -> None:  # noqa: F811
    path = baseline.out / "latest" / "report.html"
    summary = baseline.summary()
    sop50 = next(r["hits"] for r in summary["rules"] if r["rule_id"] == "SOP-50")
    _check_in_browser(
        offline_page, path, artifacts_dir, "report.png", "SOP-50", sop50, summary["total_hits"]
    )
    assert offline_page.locator("#outcome").inner_text() == summary["outcome"]
    assert offline_page.locator("#exit-code").inner_text() == str(summary["exit_code"])
    assert offline_page.locator("#trend-chart").count() == 1
    # the top section a data lead sees first (cards, export age, GX card): issue 15's screenshot
    offline_page.evaluate("() => window.scrollTo(0, 0)")
    assert offline_page.locator("#outcome").is_visible()
    offline_page.screenshot(path=str(artifacts_dir / "report-top.png"), full_page=False)


def test_report_of_a_failed_run_without_marts() -> None:
    ctx = _ctx(worklist=[], groups=[], trend=[], invoicing=None)
    s = ctx["summary"]
    s.update(
        outcome="failed",
        exit_code=1,
        total_hits=0,
        worklist={"available": False, "rows": 0, "customers": 0},
    )
    s["rules"] = [dict(r, hits=0) for r in RULES]
    s["dbt"] = {
        "counts": {"model": {"error": 1, "skipped": 3}},
        "errors": [
            {
                "unique_id": "model.juvonno_dq.sop_violations",
                "resource_type": "model",
                "status": "error",
                "failures": None,
            }
        ],
    }
    s["gx"] = {"available": False, "ok": False, "reason": "skipped: the models did not build"}
    html = report.render(ctx)
    assert "The worklist is not available" in html and 'id="worklist"' not in html
    assert "model.juvonno_dq.sop_violations" in html and "skipped: the models did not build" in html
    assert 'class="badge failed"' in html and "No history yet." in html


# -- the data lead's parts (monitoring) ---------------------------------------------

INVOICING = [
    {"invoice_month": dt.date(2026, 11, 1), "service": "group_therapy", "as_of_date": dt.date(2026, 11, 20),
     "is_as_of_month": True, "billable_customers": 4, "billable_units": None, "missed_sessions": 0},
    {"invoice_month": dt.date(2026, 10, 1), "service": "icbt", "as_of_date": dt.date(2026, 11, 20),
     "is_as_of_month": False, "billable_customers": 1200, "billable_units": 7, "missed_sessions": None},
]  # fmt: skip


def _monitored() -> dict:
    ctx = _ctx(trend_points=TREND_POINTS, invoicing=INVOICING)
    s = ctx["summary"]
    s["rules"] = [
        {**RULES[0], "population": 50, "hit_pct": 4.0, "threshold_pct": 5.0, "check_status": "pass", "kahn_category": "conformance",
         "anomaly": None, "delta": -1},
        {**RULES[1], "population": 8, "hit_pct": 12.5, "threshold_pct": 0.0, "check_status": "fail", "kahn_category": "plausibility",
         "anomaly": {"direction": "up", "median": 0.0, "score": 9.0, "baseline_dates": 14}, "delta": 1},
        {**RULES[2], "population": 0, "hit_pct": None, "threshold_pct": 0.0, "check_status": "not_applicable",
         "kahn_category": "plausibility", "anomaly": None, "delta": 0},
    ]  # fmt: skip
    s["rule_status"] = {"pass": 1, "fail": 1, "not_applicable": 1}
    s["previous"] = {
        "run_id": "20261120T013000Z-aaa111",
        "as_of": "2026-11-19",
        "deltas": {
            "total_hits": 2,
            "rules_hit": 0,
            "customers": -1,
            "dbt_errors": 0,
            "gx_structural_failed": None,
        },
    }
    s["export"] = {
        "exported_at": "2026-11-20T23:30:00Z",
        "exported_at_source": "manifest",
        "age_hours": 2.0,
    }
    s["anomalies"] = {
        "flagged": [
            {
                "kind": "rule",
                "key": "SOP-10",
                "value": 1,
                "direction": "up",
                "median": 0.0,
                "score": 9.0,
            }
        ]
    }
    s["gx"]["failed_sop_suites"] = 1
    s["gx"]["failed_suites"] = 1
    return ctx


def test_cards_carry_deltas_export_age_and_the_gx_explanation() -> None:
    html = report.render(_monitored())
    assert (
        "+2 vs previous run" in html and "-1 vs previous run" in html and "= previous run" in html
    )
    assert "exported 2026-11-20T23:30:00Z, 2 h old when the run started" in html
    assert "20261120T013000Z-aaa111" in html
    assert "findings for coordinators" in html and "not an error of the pipeline" in html
    assert 'id="anomalies"' in html and "jump from a median of 0" in html


def test_rule_checks_by_kahn_category_with_not_applicable() -> None:
    html = report.render(_monitored())
    table = html[html.index('id="rule-checks"') :]
    table = table[: table.index("</table>")]
    assert table.index("Conformance") < table.index("Plausibility") and "Completeness" not in table
    assert (
        '<span class="status pass">pass</span>' in table
        and '<span class="status fail">fail</span>' in table
    )
    assert '<span class="status not_applicable">not applicable</span>' in table
    assert "12.50 %" in table and "4 %" in table and "–" in table


def test_invoicing_is_formatted_for_people() -> None:
    html = report.render(_monitored())
    table = html[html.index('id="invoicing"') :]
    table = table[: table.index("</table>")]
    assert (
        "Billable customers" in table
        and "Month in progress" in table
        and "billable_customers" not in table
    )
    assert "November 2026" in table and "Group therapy" in table and "iCBT" in table
    assert ">yes<" in table and ">no<" in table and "True" not in table and "False" not in table
    assert "1,200" in table and "None" not in table
    assert '<td class="num">0</td>' in table  # NULL counts read 0, not blank


def test_old_summaries_render_without_the_monitoring_fields() -> None:
    html = report.render(_ctx())  # no populations, previous run, export or trend points
    assert (
        "No history yet." in html
        and "no previous run to compare with" in html
        and "Export: unknown" in html
    )


@pytest.mark.browser
def test_trend_renders_with_date_axes_in_chromium(
    offline_page, artifacts_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "report.html"
    path.write_text(report.render(_monitored()), encoding="utf-8")
    page = offline_page
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-trend]", timeout=30000)
    assert page.get_attribute("body", "data-trend") == "rendered"
    assert page.console_errors == [] and page.context.external_requests == []
    labels = page.locator("#trend-chart svg .role-axis-label text").all_text_contents()
    assert "10 Nov 2026" in labels and "13 Nov 2026" in labels
    assert page.locator("#trend-chart svg .mark-symbol path").count() == 4
    assert page.locator("#trend-chart svg .reexport_marks line").count() == 1  # the re-export
    # small multiples: one per rule that had hits (SOP-20 never did)
    headers = page.locator("#trend-rules svg .role-title-text").all_text_contents()
    assert [h.split()[0] for h in headers] == ["SOP-01", "SOP-10"]
    page.screenshot(path=str(artifacts_dir / "report-synthetic-trend.png"), full_page=True)
