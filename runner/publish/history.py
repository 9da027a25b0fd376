"""`juvonno_history.dq_run_history`: append-only, one row per run and rule.

The table's shape is defined here once, for every warehouse implementation.
"""

from __future__ import annotations

SCHEMA = "juvonno_history"
TABLE = "dq_run_history"
QUALIFIED = f"{SCHEMA}.{TABLE}"

# (name, portable SQL type). Timestamps are UTC, without time zone.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar(64)"),
    ("as_of_date", "date"),
    ("started_at", "timestamp"),
    ("finished_at", "timestamp"),
    ("rule_id", "varchar(32)"),
    ("hits", "integer"),
    ("outcome", "varchar(16)"),  # passed, findings, failed
    ("exit_code", "integer"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)


def create_table_sql() -> str:
    cols = ", ".join(f"{name} {sql_type}" for name, sql_type in COLUMNS)
    return f"create table if not exists {QUALIFIED} ({cols})"
