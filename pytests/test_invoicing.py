"""The invoicing marts (models/marts/invoicing) on a build of the shared sample export.

One dbt build of the sample (as of 2026-11-20) is shared by the module; a second,
small build checks the edge cases the sample lacks (orphan rows, a deleted
customer's attendance, an attendance dated after D). The example queries of the
README ("Querying the marts") are read from docs/queries/*.sql, so the test runs
exactly what the README shows.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import require
from pytests.dbt_harness import REPO, SAMPLE_AS_OF, SAMPLE_EXPORT, DbtHarness

pytestmark = pytest.mark.xdist_group("invoicing")

QUERIES = REPO / "docs" / "queries"
QUERY_FILES = sorted(QUERIES.glob("*.sql"))
NOTES = REPO / "docs" / "notes" / "invoicing.md"
SEED = REPO / "seeds" / "invoice_excluded_groups.csv"
INVOICING_MODELS = ("fct_customer_monthly_activity", "rpt_invoice_monthly")
NAMED_TESTS = (
    "assert_invoice_units_reconcile_with_customer_activity",
    "assert_customer_activity_reconciles_with_staging",
    "assert_no_excluded_or_test_like_customer_billable",
    "assert_no_row_without_activity",
    # one grain test per model (unique_combination_of_columns), not a shared singular one
    "int_customer_monthly_service_activity_grain",
    "fct_customer_monthly_activity_grain",
    "rpt_invoice_monthly_grain",
    "assert_services_invoiced_consistently",
)
PERSONAL = {"first_name", "last_name", "email", "phone", "date_of_birth"}


def _read_csv(name: str) -> list[dict[str, str]]:
    with (SAMPLE_EXPORT / name).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _rows(harness: DbtHarness, sql: str, params: list | None = None) -> list[dict]:
    con = duckdb.connect(str(harness.db_path), read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _dbt(harness: DbtHarness, command: str, *extra: str, as_of: str = SAMPLE_AS_OF):
    """harness.dbt, then release dbt-duckdb's in-process DuckDB instance so the
    build file can be opened read-only, as an analyst would."""
    run = harness.dbt(command, *extra, as_of=as_of)
    from runner.dbt import _close_connections

    _close_connections()
    return run


def _build(harness: DbtHarness, as_of: str = SAMPLE_AS_OF) -> list[dict]:
    """Seeds, snapshots and models first, then the tests of the invoicing marts.

    Two steps, so a failing test elsewhere in the project cannot skip the
    invoicing models (their own tests would then not tell us anything)."""
    models = _dbt(harness, "build", "--exclude", "resource_type:test", as_of=as_of)
    built_models = {r["name"] for r in models.results if r["status"] == "success"}
    missing = set(INVOICING_MODELS) - built_models
    assert not missing, (
        f"not built: {missing}; failed: {models.failed(('error', 'fail', 'skipped'))}"
    )
    tests = _dbt(harness, "test", "--selector", "invoicing", as_of=as_of)
    return [r for r in tests.results if r["resource_type"] == "test"]  # not the on-run-start hook


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> DbtHarness:
    require(SAMPLE_EXPORT.is_dir(), f"the shared sample export is not at {SAMPLE_EXPORT}")
    harness = DbtHarness(tmp_path_factory.mktemp("invoicing"))
    harness.load(SAMPLE_EXPORT)
    harness.test_results = _build(harness)  # type: ignore[attr-defined]
    return harness


# ---- the dbt tests of the invoicing marts ---------------------------------------------


def test_invoicing_dbt_tests_pass(built: DbtHarness) -> None:
    results = built.test_results  # type: ignore[attr-defined]
    tests = [r for r in results if r["resource_type"] == "test"]
    names = {r["name"] for r in tests}
    for named in NAMED_TESTS:
        assert named in names, f"{named} did not run"
    assert any(
        "fct_customer_monthly_activity" in r["unique_id"]
        for r in tests
        if r["name"] not in NAMED_TESTS
    )
    assert any(
        "rpt_invoice_monthly" in r["unique_id"] for r in tests if r["name"] not in NAMED_TESTS
    )
    bad = [(r["name"], r["status"], r["message"]) for r in tests if r["status"] != "pass"]
    assert not bad, bad
    manifest = json.loads((built.target_path / "manifest.json").read_text())
    severities = {
        node["name"]: str(node["config"]["severity"]).lower()
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node["name"] in NAMED_TESTS
    }
    assert severities == dict.fromkeys(NAMED_TESTS, "error"), severities


def test_reconciliation_holds_from_python(built: DbtHarness) -> None:
    """The reconciliation again, outside dbt: invoice units = attended + iCBT starts of billable customers."""
    invoiced = _rows(
        built,
        "select coalesce(sum(billable_units), 0) as units from juvonno_invoicing.rpt_invoice_monthly",
    )
    activity = _rows(
        built,
        "select coalesce(sum(attended_appointments + icbt_modules_started), 0) as units "
        "from juvonno_invoicing.fct_customer_monthly_activity where is_billable",
    )
    assert invoiced[0]["units"] == activity[0]["units"] > 0


# ---- a hand-checked customer and month ------------------------------------------------


def test_hand_checked_customer_month(built: DbtHarness) -> None:
    """Computed by hand from the sample's CSVs (as of 2026-11-20).

    10091 (Therapy, no rule hit) in November 2026: 1:1 Therapy Session
    500653 (11-01, Completed), 500672 (11-08, Completed), 500692 (11-15,
    Completed) are attended; 500659 (Dismissed) and 500684 (Cancelled) are not
    activity; 500721 (11-27, Confirmed) is after D. So 3 therapy units, nothing
    missed, billable, no findings.

    10058 (Therapy and iCBT: SOP-04, SOP-50) in October 2026: therapy 500545
    (10-08) and 500624 (10-22) Completed; iCBT module Healthy Thinking started
    09-28 (September), completed 10-08. So 2 therapy units, 0 iCBT starts, 1
    completion, billable, with findings. In September: assessment 500424
    (09-11, Billed) and the iCBT start.
    """
    row = _rows(
        built,
        "select * from juvonno_invoicing.fct_customer_monthly_activity "
        "where customer_id = 10091 and activity_month = date '2026-11-01'",
    )
    assert len(row) == 1
    r = row[0]
    assert (
        r["therapy_sessions_attended"],
        r["group_sessions_attended"],
        r["assessments_attended"],
    ) == (3, 0, 0)
    assert (r["triage_calls_attended"], r["attended_appointments"], r["missed_appointments"]) == (
        0,
        3,
        0,
    )
    assert (r["icbt_modules_started"], r["has_icbt_activity"]) == (0, False)
    assert r["engaged_in_month"] and r["is_billable"] and r["is_as_of_month"]
    assert not r["has_open_findings"] and r["open_findings"] == 0
    assert r["group_names"] == "Therapy"

    october = _rows(
        built,
        "select * from juvonno_invoicing.fct_customer_monthly_activity "
        "where customer_id = 10058 and activity_month = date '2026-10-01'",
    )[0]
    assert october["therapy_sessions_attended"] == 2
    assert (october["icbt_modules_started"], october["icbt_modules_completed"]) == (0, 1)
    assert october["has_icbt_activity"] and october["is_billable"] and october["has_open_findings"]
    assert october["open_findings"] == 2
    assert october["group_names"] == "Therapy; iCBT"
    september = _rows(
        built,
        "select * from juvonno_invoicing.fct_customer_monthly_activity "
        "where customer_id = 10058 and activity_month = date '2026-09-01'",
    )[0]
    assert (september["assessments_attended"], september["icbt_modules_started"]) == (1, 1)
    assert september["therapy_sessions_attended"] == 0 and september["is_billable"]


def test_hand_checked_invoice_row(built: DbtHarness) -> None:
    """November 2026, group_therapy, by hand: attended 500685 (10010, Billed),
    500686 (10028, Arrived), 500670 and 500691 (10032): 4 units, 3 customers;
    10010 carries SOP-40 (1 customer, 1 unit with findings). Missed: 500666
    (10010), 500668 (10028), 500658, 500677, 500693 (10024): 5."""
    rows = _rows(
        built,
        "select * from juvonno_invoicing.rpt_invoice_monthly "
        "where invoice_month = date '2026-11-01' and service = 'group_therapy'",
    )
    assert len(rows) == 1
    r = rows[0]
    assert (r["billable_customers"], r["billable_units"], r["missed_sessions"]) == (3, 4, 5)
    assert (r["billable_customers_with_findings"], r["billable_units_with_findings"]) == (1, 1)
    # 10024 only missed group sessions in November: a row, but not billable.
    missed_only = _rows(
        built,
        "select * from juvonno_invoicing.fct_customer_monthly_activity "
        "where customer_id = 10024 and activity_month = date '2026-11-01'",
    )[0]
    assert missed_only["missed_group_sessions"] == 3
    assert not missed_only["engaged_in_month"] and not missed_only["is_billable"]


# ---- who is never billable --------------------------------------------------------------


def test_excluded_groups_are_never_billable(built: DbtHarness) -> None:
    with SEED.open(newline="") as handle:
        excluded = {row["group_name"].strip().lower() for row in csv.DictReader(handle)}
    assert {"test", "parent contact", "sandbox"} <= excluded
    members = {
        int(row["customer_id"])
        for row in _read_csv("customer_groups.csv")
        if row["group_name"].strip().lower() in excluded
    }
    rows = _rows(
        built,
        "select customer_id, activity_month, engaged_in_month, is_billable, is_in_excluded_group "
        "from juvonno_invoicing.fct_customer_monthly_activity",
    )
    in_excluded = [r for r in rows if r["customer_id"] in members]
    # not vacuous: the sample has Parent Contact and Sandbox customers who attended
    assert any(r["engaged_in_month"] for r in in_excluded)
    assert all(r["is_in_excluded_group"] and not r["is_billable"] for r in in_excluded), in_excluded
    assert all(not r["is_in_excluded_group"] for r in rows if r["customer_id"] not in members)


def test_test_like_and_deleted_are_never_billable(built: DbtHarness) -> None:
    rows = _rows(
        built,
        "select customer_id, engaged_in_month, is_billable, is_test_like "
        "from juvonno_invoicing.fct_customer_monthly_activity",
    )
    # 10011 ('TEST1', in Therapy) attends therapy: engaged, but never billable
    test_account = [r for r in rows if r["customer_id"] == 10011]
    assert test_account and any(r["engaged_in_month"] for r in test_account)
    assert all(r["is_test_like"] and not r["is_billable"] for r in test_account)
    assert not [r for r in rows if r["is_test_like"] and r["is_billable"]]
    deleted = {
        int(r["id"]) for r in _read_csv("customers.csv") if r["status"].strip().lower() == "deleted"
    }
    assert deleted and not [r for r in rows if r["customer_id"] in deleted]


def test_no_personal_columns_in_the_marts(built: DbtHarness) -> None:
    cols = _rows(
        built,
        "select table_name, column_name from information_schema.columns where table_schema = 'juvonno_invoicing'",
    )
    assert {c["table_name"] for c in cols} >= set(INVOICING_MODELS)
    assert not [c for c in cols if c["column_name"] in PERSONAL]


def test_every_column_is_documented(built: DbtHarness) -> None:
    manifest = json.loads((built.target_path / "manifest.json").read_text())
    for model in INVOICING_MODELS:
        node = manifest["nodes"][f"model.juvonno_dq.{model}"]
        assert node["description"].strip(), model
        documented = {name: c["description"].strip() for name, c in node["columns"].items()}
        actual = {
            r["column_name"]
            for r in _rows(
                built,
                "select column_name from information_schema.columns "
                "where table_schema = 'juvonno_invoicing' and table_name = ?",
                [model],
            )
        }
        assert actual == set(documented), (model, actual ^ set(documented))
        assert all(documented.values()), [n for n, d in documented.items() if not d]
    exposure = manifest["exposures"]["exposure.juvonno_dq.monthly_invoice"]
    assert "model.juvonno_dq.rpt_invoice_monthly" in exposure["depends_on"]["nodes"]


# ---- the README's example queries -------------------------------------------------------


def test_there_are_three_example_queries() -> None:
    assert len(QUERY_FILES) == 3, QUERY_FILES


@pytest.mark.parametrize("query_file", QUERY_FILES, ids=lambda p: p.stem)
def test_example_query_returns_rows_read_only(built: DbtHarness, query_file: Path) -> None:
    """As an analyst would: a read-only connection, the file's SQL as it is."""
    con = duckdb.connect(str(built.db_path), read_only=True)
    try:
        rows = con.execute(query_file.read_text()).fetchall()
    finally:
        con.close()
    assert rows, f"{query_file.name} returned no rows on the sample"


@pytest.mark.parametrize("query_file", QUERY_FILES, ids=lambda p: p.stem)
def test_readme_shows_the_query_files_verbatim(query_file: Path) -> None:
    documents = [NOTES]
    readme = REPO / "README.md"
    if readme.exists() and re.search(r"^#+ Querying the marts", readme.read_text(), flags=re.M):
        documents.append(readme)  # once the lead has merged the section
    for document in documents:
        blocks = re.findall(r"```sql\n(.*?)```", document.read_text(), flags=re.S)
        assert query_file.read_text() in blocks, (
            f"{document.name} does not show {query_file.name} verbatim"
        )


# ---- edge cases the sample lacks --------------------------------------------------------


def test_orphans_deleted_and_after_as_of_are_left_out(tmp_path: Path) -> None:
    require(SAMPLE_EXPORT.is_dir(), f"the shared sample export is not at {SAMPLE_EXPORT}")
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_EXPORT, export)
    (export / "manifest.json").unlink()
    with (export / "appointments.csv").open("a", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        # orphan customer 99999; deleted customer 10009; 10091 attended after D (an offer, not an attendance)
        writer.writerow(
            [
                900001,
                99999,
                "2026-10-05T10:00:00",
                50,
                "Completed",
                11,
                "1:1 Therapy Session",
                101,
                "SBX-N",
                "",
            ]
        )
        writer.writerow(
            [
                900002,
                10009,
                "2026-10-06T10:00:00",
                50,
                "Completed",
                11,
                "1:1 Therapy Session",
                101,
                "SBX-N",
                "",
            ]
        )
        writer.writerow(
            [
                900003,
                10091,
                "2026-11-21T10:00:00",
                50,
                "Completed",
                11,
                "1:1 Therapy Session",
                101,
                "SBX-N",
                "",
            ]
        )
        writer.writerow(
            [
                900004,
                10091,
                "2026-12-02T10:00:00",
                50,
                "No Show",
                11,
                "1:1 Therapy Session",
                101,
                "SBX-N",
                "",
            ]
        )
    with (export / "icbt_activity.csv").open("a", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [99999, "Sleep Well", "2026-10-01T10:00:00", "", ""]
        )
    harness = DbtHarness(tmp_path / "wh")
    harness.load(export)
    results = _build(harness)
    failed = [(r["name"], r["status"]) for r in results if r["status"] != "pass"]
    assert not failed, failed
    rows = _rows(harness, "select * from juvonno_invoicing.fct_customer_monthly_activity")
    assert not [r for r in rows if r["customer_id"] in (99999, 10009)]
    assert max(r["activity_month"] for r in rows).isoformat() == "2026-11-01"
    nov = next(
        r
        for r in rows
        if r["customer_id"] == 10091 and r["activity_month"].isoformat() == "2026-11-01"
    )
    assert nov["therapy_sessions_attended"] == 3
    october_therapy = _rows(
        harness,
        "select billable_units from juvonno_invoicing.rpt_invoice_monthly "
        "where invoice_month = date '2026-10-01' and service = 'therapy'",
    )[0]["billable_units"]
    fct_october = sum(
        r["therapy_sessions_attended"]
        for r in rows
        if r["is_billable"] and r["activity_month"].isoformat() == "2026-10-01"
    )
    assert october_therapy == fct_october


# ---- dbt docs, offline ------------------------------------------------------------------


def test_dbt_docs_generate_works_offline(
    built: DbtHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError(f"network disabled in this test: {address}")
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)

    def guarded_create_connection(address: object, *args: object, **kwargs: object) -> None:
        attempts.append(address)
        raise OSError(f"network disabled in this test: {address}")

    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    index = built.target_path / "index.html"
    index.unlink(missing_ok=True)
    run = _dbt(built, "docs generate")
    assert run.success, run.exception
    assert not attempts, attempts
    assert index.is_file() and index.stat().st_size > 0
    catalog = json.loads((built.target_path / "catalog.json").read_text())
    assert {f"model.juvonno_dq.{m}" for m in INVOICING_MODELS} <= set(catalog["nodes"])


# ---- the same marts on PostgreSQL -------------------------------------------------------


def _dbt_subprocess(
    args: list[str], env: dict[str, str], target_dir: Path
) -> subprocess.CompletedProcess[str]:
    """dbt in its own process: one adapter per process (DuckDB here, PostgreSQL there)."""
    cli = str(Path(sys.executable).with_name("dbt"))
    full = [
        cli,
        *args,
        "--target",
        "postgres",
        "--project-dir",
        str(REPO),
        "--profiles-dir",
        str(REPO),
        "--target-path",
        str(target_dir / "target"),
        "--log-path",
        str(target_dir / "logs"),
        "--vars",
        json.dumps({"as_of_date": SAMPLE_AS_OF, "run_id": "pytest"}),
    ]
    return subprocess.run(full, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.postgres
def test_postgres_builds_the_same_invoice(
    built: DbtHarness, postgres_server, pg_schema: str, tmp_path: Path
) -> None:
    """Cross-database SQL: the invoicing marts and their tests run on PostgreSQL
    and give the same rows as on DuckDB."""
    from pytests.dbt_harness import validated_export
    from runner.export.load_postgres import load_postgres

    con = postgres_server.connect()
    try:
        load_postgres(con, validated_export(SAMPLE_EXPORT), f"{pg_schema}_raw")
        con.commit()
    finally:
        con.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    env.update(
        postgres_server.env(pg_schema), DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false"
    )
    build = _dbt_subprocess(
        ["build", "--select", "+tag:invoicing", "--exclude", "resource_type:test"], env, tmp_path
    )
    assert build.returncode == 0, build.stdout[-4000:]
    tests = _dbt_subprocess(["test", "--selector", "invoicing"], env, tmp_path)
    assert tests.returncode == 0, tests.stdout[-4000:]

    for model, order in (
        ("rpt_invoice_monthly", "invoice_month, service"),
        ("fct_customer_monthly_activity", "customer_id, activity_month"),
    ):
        duck = [
            tuple(r.values())
            for r in _rows(built, f"select * from juvonno_invoicing.{model} order by {order}")
        ]
        con = postgres_server.connect()
        try:
            with con.cursor() as cur:
                cur.execute(f'select * from "{pg_schema}_invoicing".{model} order by {order}')
                pg = [tuple(r) for r in cur.fetchall()]
        finally:
            con.close()
        assert duck and pg == duck, model
