"""The findings' lifecycle across runs of one instance (issue 14), end to end
through `juvonno-dq run`: the sample export's SOP-01 finding (customer 10020,
in No Group) appears (new), persists while acknowledged by an exception that
expires the same day, comes back open the day after, then resolves when the
customer gets a group. The worklist, acknowledged.csv, resolved.csv, the xlsx,
summary.json, the marts and the report all have to say so."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pytests.lifecycle_support import project_with_exceptions, table_rows, worklist_data
from pytests.test_run_support import (  # noqa: F401 - fixture
    SAMPLE_EXPORT,
    baseline,
    copy_instance,
    read_csv,
    run_cli,
)

pytestmark = pytest.mark.xdist_group("runner-baseline")

CUSTOMER, RULE = "10020", "SOP-01"
DAY1, DAY2, DAY3, DAY4 = "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"
EXCEPTION = f"{CUSTOMER},{RULE},Placement agreed with the team while the referral is reviewed,coordinator 104,{DAY2},{DAY2}"


def _finding(rows: list[dict[str, str]]) -> dict[str, str] | None:
    found = [r for r in rows if r["customer_id"] == CUSTOMER and r["rule_id"] == RULE]
    assert len(found) <= 1
    return found[0] if found else None


def _rule(summary: dict, rule_id: str = RULE) -> dict:
    return next(r for r in summary["rules"] if r["rule_id"] == rule_id)


def _mart(out: Path) -> list[tuple]:
    con = duckdb.connect(str(out / "warehouse" / "analysts.duckdb"), read_only=True)
    try:
        return con.execute(
            "select status, first_seen, days_open, is_acknowledged, acknowledged_until from juvonno_sop.sop_findings "
            "where customer_id = ? and rule_id = ?",
            [int(CUSTOMER), RULE],
        ).fetchall()
    finally:
        con.close()


def _history(out: Path) -> list[tuple]:
    con = duckdb.connect(str(out / "warehouse" / "analysts.duckdb"), read_only=True)
    try:
        return con.execute(
            "select as_of_date, status, first_seen from juvonno_history.sop_findings_history "
            "where customer_id = ? and rule_id = ? order by as_of_date",
            [int(CUSTOMER), RULE],
        ).fetchall()
    finally:
        con.close()


def _xlsx(path: Path) -> dict[str, list[dict]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        values = list(ws.iter_rows(values_only=True))
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
        header = values[0]
        sheets[ws.title] = [dict(zip(header, v, strict=False)) for v in values[1:]]
    return sheets


def _resolving_export(dest: Path) -> Path:
    """The sample export where customer 10020 has a group (no manifest: its counts changed)."""
    shutil.copytree(
        SAMPLE_EXPORT,
        dest,
        ignore=shutil.ignore_patterns("manifest.json", "expected-worklist.csv", "*.md"),
    )
    with (dest / "customer_groups.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"{CUSTOMER},TRI,Triage\n")
    return dest


@pytest.fixture(scope="module")
def sequence(baseline, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:  # noqa: F811
    """Four published runs in one instance; day 1 is the shared baseline run."""
    tmp = tmp_path_factory.mktemp("lifecycle")
    out = copy_instance(baseline.out, tmp / "out")
    project = project_with_exceptions(tmp / "project", [EXCEPTION])
    env = {"JUVONNO_DQ_PROJECT_DIR": str(project)}
    days = {DAY1: out / "runs" / Path(str((out / "latest").readlink())).name}
    for day, export in (
        (DAY2, SAMPLE_EXPORT),
        (DAY3, SAMPLE_EXPORT),
        (DAY4, _resolving_export(tmp / "export4")),
    ):
        done = run_cli(out, "--as-of", day, export=export, env=env)
        assert done.code == 0, done.console
        days[day] = out / "runs" / Path(str((out / "latest").readlink())).name
    days["out"] = out
    return days


def test_day1_the_finding_is_new(sequence) -> None:
    run = sequence[DAY1]
    row = _finding(read_csv(run / "worklist.csv"))
    assert row and (row["status"], row["first_seen"], row["days_open"]) == ("new", DAY1, "0")
    assert row["owner_staff_id"] and row["owner_role"]
    assert _rule(json.loads((run / "summary.json").read_text()))["new"] == 1


def test_day2_acknowledged_leaves_the_worklist_and_is_still_counted(sequence) -> None:
    run = sequence[DAY2]
    assert _finding(read_csv(run / "worklist.csv")) is None
    ack = _finding(read_csv(run / "acknowledged.csv"))
    assert ack and (
        ack["status"],
        ack["first_seen"],
        ack["days_open"],
        ack["acknowledged_until"],
    ) == (
        "persisting",
        DAY1,
        "1",
        DAY2,
    )
    rule = _rule(json.loads((run / "summary.json").read_text()))
    assert (rule["hits"], rule["acknowledged"], rule["open"], rule["persisting"]) == (1, 1, 0, 1)
    sheets = _xlsx(run / "worklist.xlsx")
    assert len(sheets["Open findings"]) == len(read_csv(run / "worklist.csv"))
    acknowledged = [
        r
        for r in sheets["Acknowledged"]
        if r["customer_id"] == int(CUSTOMER) and r["rule_id"] == RULE
    ]
    assert len(acknowledged) == 1 and acknowledged[0]["first_seen"] == dt.datetime(2026, 11, 20)
    html = (run / "report.html").read_text()
    assert any(r.startswith(f"{CUSTOMER} {RULE}") for r in table_rows(html, "acknowledged"))
    assert any(
        r.startswith(f"{CUSTOMER} {RULE} {DAY2} {DAY2}") and r.endswith("applied")
        for r in table_rows(html, "exceptions")
    )
    assert not [
        r for r in worklist_data(html) if (str(r["customer_id"]), r["rule_id"]) == (CUSTOMER, RULE)
    ]


def test_day3_the_expired_acknowledgement_is_open_again_and_days_open_grew(sequence) -> None:
    run = sequence[DAY3]
    row = _finding(read_csv(run / "worklist.csv"))
    assert row and (row["status"], row["first_seen"], row["days_open"]) == ("persisting", DAY1, "2")
    assert _finding(read_csv(run / "acknowledged.csv")) is None
    rule = _rule(json.loads((run / "summary.json").read_text()))
    assert (rule["hits"], rule["acknowledged"], rule["open"]) == (1, 0, 1)
    sheet = _xlsx(run / "worklist.xlsx")["Open findings"]
    assert [(r["customer_id"], r["rule_id"]) for r in sheet] == [
        (int(r["customer_id"]), r["rule_id"]) for r in read_csv(run / "worklist.csv")
    ]
    html = (run / "report.html").read_text()
    assert any(
        r.endswith("expired") and r.startswith(f"{CUSTOMER} {RULE}")
        for r in table_rows(html, "exceptions")
    )


def test_day4_the_finding_is_resolved(sequence) -> None:
    run, out = sequence[DAY4], sequence["out"]
    assert _finding(read_csv(run / "worklist.csv")) is None
    resolved = _finding(read_csv(run / "resolved.csv"))
    assert resolved and (
        resolved["status"],
        resolved["first_seen"],
        resolved["last_seen"],
        resolved["days_open"],
    ) == (
        "resolved",
        DAY1,
        DAY3,
        "2",
    )
    rule = _rule(json.loads((run / "summary.json").read_text()))
    assert (rule["hits"], rule["resolved"]) == (0, 1)
    html = (run / "report.html").read_text()
    assert any(r.startswith(f"{CUSTOMER} {RULE}") for r in table_rows(html, "resolved"))
    assert _mart(out) == [("resolved", dt.date(2026, 11, 20), 2, False, None)]
    assert _history(out) == [
        (dt.date(2026, 11, 20), "new", dt.date(2026, 11, 20)),
        (dt.date(2026, 11, 21), "persisting", dt.date(2026, 11, 20)),
        (dt.date(2026, 11, 22), "persisting", dt.date(2026, 11, 20)),
    ]


def test_every_worklist_is_in_catalogue_order_and_the_lifecycle_columns_follow_action(
    sequence,
) -> None:
    for day in (DAY1, DAY2, DAY3, DAY4):
        run = sequence[day]
        header = (run / "worklist.csv").read_text().splitlines()[0].split(",")
        assert header[header.index("action") + 1 : header.index("action") + 4] == [
            "status",
            "first_seen",
            "days_open",
        ]
        order = [r["rule_id"] for r in json.loads((run / "summary.json").read_text())["rules"]]
        keys = [
            (order.index(r["rule_id"]), int(r["customer_id"]))
            for r in read_csv(run / "worklist.csv")
        ]
        assert keys == sorted(keys), day
        for r in read_csv(run / "worklist.csv"):
            days_open = (dt.date.fromisoformat(day) - dt.date.fromisoformat(r["first_seen"])).days
            assert int(r["days_open"]) == days_open and r["status"] in {"new", "persisting"}


@pytest.mark.browser
def test_day3_report_searches_sorts_and_shows_a_rules_rows_offline(
    sequence, offline_page, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    page, run = offline_page, sequence[DAY3]
    worklist = read_csv(run / "worklist.csv")
    page.goto((run / "report.html").resolve().as_uri())
    page.wait_for_selector("#worklist[data-ready=true]")
    rows = page.locator("#worklist .tabulator-row:not(.tabulator-group)")
    assert rows.count() == len(worklist) and page.context.external_requests == []
    shown = [(int(c), r) for c, r in zip(
        page.locator('#worklist [tabulator-field="customer_id"].tabulator-cell').all_inner_texts(),
        page.locator('#worklist [tabulator-field="rule_id"].tabulator-cell').all_inner_texts(),
        strict=True,
    )]  # fmt: skip
    assert shown == [
        (int(r["customer_id"]), r["rule_id"]) for r in worklist
    ]  # catalogue order, as worklist.csv
    # a click on a rule: its rows, its SOP sentence and its action
    page.locator(f'#rule-lifecycle a.rule-link[data-rule="{RULE}"]').click()
    expect(rows).to_have_count(sum(1 for r in worklist if r["rule_id"] == RULE))
    assert "should not contain any patients" in page.locator("#rule-panel-sentence").inner_text()
    assert page.locator("#rule-panel-action").inner_text() == worklist[0]["action"]
    page.select_option("#filter-rule", "")
    # search narrows to the rows that mention the text
    page.fill("#worklist-search", CUSTOMER)
    expect(rows).to_have_count(sum(1 for r in worklist if CUSTOMER in " ".join(r.values())))
    page.fill("#worklist-search", "")
    expect(rows).to_have_count(len(worklist))
    # oldest first: days_open never grows down the grid
    page.select_option("#worklist-view", "oldest")
    days = [
        int(t)
        for t in page.locator(
            '#worklist [tabulator-field="days_open"].tabulator-cell'
        ).all_inner_texts()
    ]
    assert days == sorted(days, reverse=True) and days[0] == 2
    # by owner: one group per owner, every row under one
    page.select_option("#worklist-view", "owner")
    owners = {r["owner_staff_id"] or "" for r in worklist}
    expect(page.locator("#worklist .tabulator-group")).to_have_count(len(owners))
    expect(rows).to_have_count(len(worklist))
    page.screenshot(path=str(artifacts_dir / "report-lifecycle.png"), full_page=True)
    assert page.console_errors == []
