"""Small DuckDB warehouses for the GX tests and the GX benchmark (no dbt needed).

`write_tiny_warehouse(path, audit_rows)` creates juvonno_raw.* (the loader's DDL,
from the contract, empty) and juvonno_sop.patient_group_audit with the columns of
docs/ARCHITECTURE.md. `AUDIT_RULES` is an independent Python statement of each
rule over one audit row (sop-rules.md), used to plant and count hits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.gx.suites import AUDIT_BOOLEANS, AUDIT_COUNTS

if TYPE_CHECKING:
    from runner.export.validate import ValidatedExport

AS_OF = dt.date(2026, 11, 20)
THREE_MONTHS_BEFORE = dt.date(2026, 8, 20)

AUDIT_COLUMNS: dict[str, str] = {
    "customer_id": "bigint",
    "chart_num": "varchar",
    "as_of_date": "date",
    "status": "varchar",
    "group_names": "varchar",
    "group_count": "integer",
    "expected_status": "varchar",
    "status_matches_groups": "boolean",
    **{c: "boolean" for c in AUDIT_BOOLEANS if c != "status_matches_groups"},
    "created_date": "date",
    "entered_group_date": "date",
    "days_in_group": "integer",
    "three_months_before_date": "date",
    "therapy_attended": "integer",
    "first_therapy_attended_date": "date",
    "last_therapy_attended_date": "date",
    "therapy_offers": "integer",
    "last_therapy_offer_date": "date",
    "group_attended": "integer",
    "group_start_date": "date",
    "icbt_started": "integer",
    "last_engagement_date": "date",
    "chase_attempts": "integer",
    "referral_date": "date",
    "triage_outcome": "varchar",
    "booked_past_count": "integer",
    "earliest_booked_past_date": "date",
    "hit_count": "integer",
}
assert all(c in AUDIT_COLUMNS for c in AUDIT_COUNTS)


def audit_row(customer_id: int, group: str = "therapy", **facts: Any) -> dict[str, Any]:
    """A customer with no hit in `group` (an in_* suffix, or None for No Group), then facts."""
    row: dict[str, Any] = dict.fromkeys(AUDIT_COLUMNS)
    row.update(dict.fromkeys(AUDIT_BOOLEANS, False))
    row.update(dict.fromkeys(AUDIT_COUNTS, 0))
    status = {
        "triage": "active",
        "therapy": "active",
        "icbt": "active",
        "group_therapy": "active",
        "parent_contact": "inactive",
        "sandbox": "inactive",
        "test": "inactive",
        "discharged": "discharged",
        "graduated": "discharged",
    }.get(group or "", "discharged")
    row.update(
        customer_id=customer_id,
        chart_num=f"C{customer_id}",
        as_of_date=AS_OF,
        status=status,
        expected_status=status,
        status_matches_groups=True,
        group_count=1 if group else 0,
        group_names=group or "No Group",
        created_date=AS_OF - dt.timedelta(days=3),
        entered_group_date=AS_OF - dt.timedelta(days=3),
        days_in_group=3,
        three_months_before_date=THREE_MONTHS_BEFORE,
        began_treatment=True,
        end_requested=group == "pt_requested_end_of_services",
        referral_date=AS_OF - dt.timedelta(days=30)
        if group == "referred_to_external_services"
        else None,
        graduated_formally=group == "graduated",
        chase_attempts=2 if group == "discharged" else 0,
        triage_outcome="Sandbox website" if group == "sandbox" else None,
    )
    if group == "therapy":
        row.update(
            therapy_attended=3,
            therapy_offers=4,
            last_therapy_attended_date=AS_OF - dt.timedelta(days=10),
            last_therapy_offer_date=AS_OF - dt.timedelta(days=10),
            last_engagement_date=AS_OF - dt.timedelta(days=10),
        )
    if group == "icbt":
        row.update(icbt_started=1, last_engagement_date=AS_OF - dt.timedelta(days=10))
    if group == "sandbox" or group == "parent_contact":
        row.update(began_treatment=False)
    row[f"in_{group}" if group else "in_no_group"] = True
    row.update(facts)
    return row


def _older(d: dt.date | None, than: dt.date) -> bool:
    return d is not None and d < than


# An independent statement of each rule over one audit row (sop-rules.md).
AUDIT_RULES: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "SOP-01": lambda r: r["in_no_group"],
    "SOP-02": lambda r: r["in_hybrid"],
    "SOP-03": lambda r: r["in_lost_sheep"],
    "SOP-04": lambda r: r["group_count"] >= 2,
    "SOP-05": lambda r: r["has_unknown_group"],
    "SOP-10": lambda r: r["in_triage"] and r["days_in_group"] > 7,
    "SOP-20": lambda r: (
        r["in_discharged"]
        and r["last_engagement_date"] is not None
        and r["last_engagement_date"] >= r["three_months_before_date"]
    ),
    "SOP-21": lambda r: r["in_discharged"] and r["chase_attempts"] < 2,
    "SOP-22": lambda r: (
        r["in_discharged"] and (r["graduated_formally"] or r["therapy_attended"] >= 12)
    ),
    "SOP-23": lambda r: r["in_discharged"] and r["referral_date"] is not None,
    "SOP-24": lambda r: r["in_discharged"] and r["end_requested"] and r["began_treatment"],
    "SOP-30": lambda r: (
        r["in_graduated"]
        and not r["graduated_formally"]
        and not (r["group_programme_finished"] and r["group_attended"] > 2)
    ),
    "SOP-40": lambda r: (
        r["in_group_therapy"] and r["group_programme_finished"] and r["group_attended"] > 2
    ),
    "SOP-41": lambda r: (
        r["in_group_therapy"] and r["group_programme_finished"] and r["group_attended"] <= 2
    ),
    "SOP-50": lambda r: r["in_icbt"] and r["therapy_offers"] >= 1,
    "SOP-52": lambda r: (
        r["in_icbt"]
        and _older(r["last_engagement_date"] or r["created_date"], r["three_months_before_date"])
    ),
    "SOP-60": lambda r: r["in_parent_contact"] and r["last_engagement_date"] is not None,
    "SOP-70": lambda r: r["in_pt_requested_end_of_services"] and not r["began_treatment"],
    "SOP-71": lambda r: r["in_pt_requested_end_of_services"] and not r["end_requested"],
    "SOP-80": lambda r: r["in_referred_to_external_services"] and r["referral_date"] is None,
    "SOP-81": lambda r: (
        r["in_referred_to_external_services"]
        and r["referral_date"] is not None
        and r["last_engagement_date"] is not None
        and r["last_engagement_date"] > r["referral_date"]
    ),
    "SOP-85": lambda r: r["in_sandbox"] and r["began_treatment"],
    "SOP-86": lambda r: (
        r["in_sandbox"] and (r["triage_outcome"] or "").strip().lower() != "sandbox website"
    ),
    "SOP-90": lambda r: (
        (r["is_test_like"] or r["is_commissioner"]) and not (r["in_test"] and r["group_count"] == 1)
    ),
    "SOP-91": lambda r: r["is_commissioner_by_domain"] and not r["has_commissioner_warning"],
    "SOP-100": lambda r: (
        r["in_therapy"]
        and r["therapy_attended"] == 0
        and r["therapy_offers"] >= 1
        and _older(r["last_therapy_offer_date"], r["three_months_before_date"])
    ),
    "SOP-101": lambda r: (
        r["in_therapy"]
        and r["therapy_attended"] >= 1
        and _older(r["last_therapy_attended_date"], r["three_months_before_date"])
    ),
    "SOP-102": lambda r: r["in_therapy"] and r["therapy_attended"] >= 12,
    "SOP-103": lambda r: r["in_therapy"] and r["therapy_offers"] == 0,
    "SOP-110": lambda r: not r["status_matches_groups"],
    "DQ-01": lambda r: r["booked_past_count"] > 0,
}


def expected_hits(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    rows = list(rows)
    return {rule: sum(1 for r in rows if hit(r)) for rule, hit in AUDIT_RULES.items()}


def write_tiny_warehouse(
    path: Path,
    audit_rows: Iterable[Mapping[str, Any]],
    schema_prefix: str = "juvonno",
    raw_files: ValidatedExport | None = None,
) -> None:
    """Raw tables loaded by the runner's loader (empty unless raw_files, a
    validated export) and the audit mart with audit_rows."""
    import duckdb

    from runner.export.load import load_duckdb
    from runner.export.validate import ValidatedExport

    nothing = ValidatedExport(export_dir=Path("."), files={}, notices=[], problems=[])
    load_duckdb(path, raw_files or nothing, schema=f"{schema_prefix}_raw")
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create schema if not exists {schema_prefix}_sop")
        cols = ", ".join(f"{name} {sql_type}" for name, sql_type in AUDIT_COLUMNS.items())
        con.execute(f"create or replace table {schema_prefix}_sop.patient_group_audit ({cols})")
        rows = [tuple(r[c] for c in AUDIT_COLUMNS) for r in audit_rows]
        if rows:
            marks = ", ".join("?" for _ in AUDIT_COLUMNS)
            con.executemany(
                f"insert into {schema_prefix}_sop.patient_group_audit values ({marks})", rows
            )
    finally:
        con.close()
