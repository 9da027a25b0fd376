"""`juvonno_history`: append-only tables, one row per run and rule
(`dq_run_history`) and per run and export file (`dq_file_history`).

The tables' shapes are defined here once, for every warehouse implementation.
Instances created before a column existed have the older table: `ddl()` adds the
missing columns (`alter table ... add column if not exists`, DuckDB and
PostgreSQL alike), so old rows read NULL there and nothing is rewritten.
"""

from __future__ import annotations

LAYER = "history"  # the build's layer (runner/warehouse/reader.py)
SCHEMA = "juvonno_history"  # DuckDB's name of that layer
TABLE = "dq_run_history"
QUALIFIED = f"{SCHEMA}.{TABLE}"
FILE_TABLE = "dq_file_history"

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
    # added by the monitoring issue (NULL in older rows)
    ("population", "integer"),  # the rule's denominator (sop_rule_populations)
    ("hit_pct", "double precision"),
    ("threshold_pct", "double precision"),
    ("rule_status", "varchar(16)"),  # pass, fail, not_applicable
    ("kahn_category", "varchar(16)"),
    ("anomaly", "varchar(8)"),  # up, down; NULL when none
    ("exported_at", "timestamp"),
    ("export_fingerprint", "varchar(64)"),  # sha256 over the export's files: a change of export
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)

FILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("run_id", "varchar(64)"),
    ("as_of_date", "date"),
    ("started_at", "timestamp"),
    ("exported_at", "timestamp"),
    ("table_name", "varchar(64)"),
    ("file_name", "varchar(255)"),
    ("file_format", "varchar(16)"),
    ("file_rows", "bigint"),
    ("sha256", "varchar(64)"),
    ("anomaly", "varchar(8)"),
)

TABLES: dict[str, tuple[tuple[str, str], ...]] = {TABLE: COLUMNS, FILE_TABLE: FILE_COLUMNS}


def column_names(table: str = TABLE) -> tuple[str, ...]:
    return tuple(name for name, _ in TABLES[table])


def create_table_sql(schema: str = SCHEMA, table: str = TABLE, quote=lambda s: s) -> str:  # type: ignore[no-untyped-def]
    cols = ", ".join(f"{name} {sql_type}" for name, sql_type in TABLES[table])
    return f"create table if not exists {quote(schema)}.{quote(table)} ({cols})"


def ddl(schema: str = SCHEMA, quote=lambda s: s) -> list[str]:  # type: ignore[no-untyped-def]
    """Every history table, created or brought up to date (idempotent)."""
    statements = []
    for table, columns in TABLES.items():
        statements.append(create_table_sql(schema, table, quote))
        statements += [
            f"alter table {quote(schema)}.{quote(table)} add column if not exists {name} {sql_type}"
            for name, sql_type in columns
        ]
    return statements
