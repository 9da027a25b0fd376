"""GX suites as data: the raw suites generated from the export contract, and loading.

The raw suites (`expectations/raw.<table>.json`) are generated from
`runner/contract.py` by `raw_suite()`; `python -m runner.gx.suites` rewrites them
and pytests/test_gx_suites.py fails when the committed files differ. The SOP suites
(`expectations/sop.*.json`) are written by hand (one expectation per rule).

Every suite's `meta.juvonno_dq` says what it validates: `{"schema": "raw", "table":
"customers"}`; the schema is the suffix of dbt's `<target schema>_<custom>`, so the
runner resolves it against the target's schema (`juvonno` → `juvonno_raw`).

No `great_expectations` import here: this module is plain JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from runner.contract import TABLES, Column, ColumnType, Table

REPO = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = REPO / "expectations"

# The raw layer's column types (docs/ARCHITECTURE.md "Raw column types"), as the
# database reports them: DuckDB's names first, PostgreSQL's beside them.
RAW_TYPE_LIST: dict[ColumnType, list[str]] = {
    ColumnType.ID: ["BIGINT", "INT8"],
    ColumnType.INTEGER: ["BIGINT", "INT8"],
    ColumnType.DATE: ["DATE"],
    ColumnType.DATETIME: ["VARCHAR", "TEXT"],
    ColumnType.TEXT: ["VARCHAR", "TEXT"],
    ColumnType.ENUM: ["VARCHAR", "TEXT"],
}


def suite_file(name: str, directory: Path = EXPECTATIONS_DIR) -> Path:
    return directory / f"{name}.json"


def _expectation(type_: str, kwargs: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"type": type_, "kwargs": kwargs, "meta": meta}


def _type_expectation(table: Table, column: Column) -> dict[str, Any]:
    return _expectation(
        "expect_column_values_to_be_in_type_list",
        {"column": column.name, "type_list": RAW_TYPE_LIST[column.type]},
        check="type",
        contract=f"contract: {table.name}.{column.name}",
        contract_type=column.type.value,
    )


def raw_suite(table: Table) -> dict[str, Any]:
    """The GX Core 1.x suite (JSON form) for one raw table, from the contract: what the
    load made of the validated files, i.e. the contract's columns and their types.

    No per-value expectation (required, unique, id >= 1, integer >= 0, enum, datetime
    pattern): the validator proved each of them on the same bytes before anything was
    loaded, and rejects an export that breaks one with its file, row and column. Run
    again on the raw tables they added no information and cost 4.5-5 s of CPU at 1M
    customers (GX's share of the run: docs/notes/perf.md, session 4); the column set and
    the types are the table's metadata, no scan of its rows."""
    expectations = [
        _expectation(
            "expect_table_columns_to_match_set",
            {"column_set": list(table.column_names), "exact_match": False},
            check="contract columns present",
            contract=f"contract: {table.name}",
        )
    ]
    expectations += [_type_expectation(table, column) for column in table.columns]
    return {
        "name": f"raw.{table.name}",
        "expectations": expectations,
        "meta": {
            "juvonno_dq": {"schema": "raw", "table": table.name, "kind": "raw"},
            "generated_by": "python -m runner.gx.suites (from runner/contract.py); do not edit by hand",
        },
        "notes": None,
    }


def raw_suites() -> dict[str, dict[str, Any]]:
    return {f"raw.{name}": raw_suite(table) for name, table in TABLES.items()}


def dump(suite: dict[str, Any]) -> str:
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def load_suites(directory: Path = EXPECTATIONS_DIR) -> list[dict[str, Any]]:
    """Every suite in the folder, in file-name order (raw.* before sop.*)."""
    suites = []
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        if suite.get("name") != path.stem:
            raise ValueError(f"{path}: suite name {suite.get('name')!r} differs from the file name")
        target = suite.get("meta", {}).get("juvonno_dq", {})
        if not target.get("schema") or not target.get("table"):
            raise ValueError(f"{path}: meta.juvonno_dq needs schema and table")
        suites.append(suite)
    return suites


def write_generated_suites(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in generated_suites().items():
        path = suite_file(name, directory)
        path.write_text(dump(suite), encoding="utf-8")
        written.append(path)
    return written


# --- the audit mart's shape (docs/ARCHITECTURE.md "Marts the other parts read") ----
AUDIT_GROUP_FLAGS = (
    "in_no_group",
    "in_triage",
    "in_therapy",
    "in_icbt",
    "in_group_therapy",
    "in_hybrid",
    "in_lost_sheep",
    "in_parent_contact",
    "in_sandbox",
    "in_test",
    "in_discharged",
    "in_graduated",
    "in_pt_requested_end_of_services",
    "in_referred_to_external_services",
)
AUDIT_BOOLEANS = (
    *AUDIT_GROUP_FLAGS,
    "has_unknown_group",
    "status_matches_groups",
    "began_treatment",
    "graduated_formally",
    "group_programme_finished",
    "end_requested",
    "is_test_like",
    "is_commissioner",
    "is_commissioner_by_domain",
    "has_commissioner_warning",
)
AUDIT_COUNTS = (
    "group_count",
    "therapy_attended",
    "therapy_offers",
    "group_attended",
    "icbt_started",
    "chase_attempts",
    "booked_past_count",
    "hit_count",
)


def audit_shape_suite() -> dict[str, Any]:
    """What the SOP expectations assume of patient_group_audit: one row per customer,
    booleans never NULL (a NULL flag would silently drop a customer from a
    row_condition), counts never NULL or negative.

    The NULL/negative checks are one SQL expectation rather than ~40 column ones:
    GX's cost is per expectation (~20 ms of Python each), not per column scanned."""
    source = "docs/ARCHITECTURE.md: patient_group_audit"
    bad = [f"{c} is null" for c in ("three_months_before_date", *AUDIT_BOOLEANS)]
    bad += [f"{c} is null or {c} < 0" for c in AUDIT_COUNTS]
    expectations = [
        _expectation(
            "expect_column_values_to_not_be_null",
            {"column": "customer_id"},
            check="key",
            contract=source,
        ),
        _expectation(
            "expect_column_values_to_be_unique",
            {"column": "customer_id"},
            check="one row per customer",
            contract=source,
        ),
        _expectation(
            "unexpected_rows_expectation",
            {
                "unexpected_rows_query": "select customer_id from {batch} where "
                + " or ".join(bad),
                "description": "booleans and three_months_before_date never NULL; counts never NULL or negative",
            },
            check="no NULL flag or count, no negative count",
            contract=source,
            columns=[*AUDIT_BOOLEANS, *AUDIT_COUNTS, "three_months_before_date"],
        ),
    ]
    return {
        "name": "marts.patient_group_audit",
        "expectations": expectations,
        "meta": {
            "juvonno_dq": {"schema": "sop", "table": "patient_group_audit", "kind": "marts"},
            "generated_by": "python -m runner.gx.suites (from runner/gx/suites.py); do not edit by hand",
        },
        "notes": None,
    }


def generated_suites() -> dict[str, dict[str, Any]]:
    """Every suite generated from code (the SOP suite is hand-written JSON)."""
    suites = raw_suites()
    shape = audit_shape_suite()
    suites[shape["name"]] = shape
    return suites


if __name__ == "__main__":  # python -m runner.gx.suites [DIR]
    for p in write_generated_suites(Path(sys.argv[1]) if len(sys.argv) > 1 else EXPECTATIONS_DIR):
        print(p)
