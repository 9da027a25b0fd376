"""Load a validated export into the warehouse's raw schema with the database's own
bulk CSV reader (DuckDB `read_csv`, all columns read as text, then cast).

The raw layer keeps what was delivered: every contract column under its
canonical name (ids and integers as BIGINT, dates as DATE, datetimes as the text
written so staging can take the wall-clock date), extra columns as text, empty or
blank fields as NULL. Absent optional files load as empty tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from runner.contract import TABLES, Column, ColumnType, Table

RAW_SCHEMA = "juvonno_raw"

_SQL_TYPE = {
    ColumnType.ID: "bigint",
    ColumnType.INTEGER: "bigint",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "varchar",
    ColumnType.TEXT: "varchar",
    ColumnType.ENUM: "varchar",
}


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def raw_column_sql(column: Column, source_column: str | None) -> str:
    """The select expression that turns delivered text into the raw column."""
    if source_column is None:
        return f"cast(null as {_SQL_TYPE[column.type]}) as {quote(column.name)}"
    text = f"nullif(trim({quote(source_column)}), '')"
    sql_type = _SQL_TYPE[column.type]
    value = text if sql_type == "varchar" else f"cast({text} as {sql_type})"
    return f"{value} as {quote(column.name)}"


def normalise_header(header: str) -> str:
    """Headers match case-insensitively after trimming spaces."""
    return header.strip().lower()


def _struct_entry(header: str) -> str:
    return "'" + header.replace("'", "''") + "': 'varchar'"


def _create_empty(table: Table, schema: str) -> str:
    columns = ", ".join(raw_column_sql(c, None) for c in table.columns)
    return f"create or replace table {schema}.{quote(table.name)} as select {columns} where false"


def load_duckdb(
    db_path: Path,
    files: Mapping[str, tuple[Path, list[str]] | None],
    schema: str = RAW_SCHEMA,
) -> None:
    """Load every contract table in one transaction.

    files maps a table name to (plain CSV path, headers in file order as
    delivered) or None when the optional file is absent.
    """
    con = duckdb.connect(str(db_path))
    try:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {schema}")
        for name, table in TABLES.items():
            entry = files.get(name)
            if entry is None:
                con.execute(_create_empty(table, schema))
                continue
            csv_path, headers = entry
            con.execute(_create_from_headers(table, csv_path, headers, schema))
        con.execute("commit")
    finally:
        con.close()


def _create_from_headers(table: Table, csv_path: Path, headers: list[str], schema: str) -> str:
    by_name = {normalise_header(h): h for h in headers}
    header_map = {c.name: by_name[c.name] for c in table.columns if c.name in by_name}
    known = set(header_map.values())
    extra = tuple(h for h in headers if h not in known)
    target = f"{schema}.{quote(table.name)}"
    columns = [raw_column_sql(c, header_map.get(c.name)) for c in table.columns]
    columns += [f"nullif(trim({quote(h)}), '') as {quote(normalise_header(h))}" for h in extra]
    path = str(csv_path).replace("'", "''")
    struct = ", ".join(_struct_entry(h) for h in headers)
    reader = (
        f"read_csv('{path}', header = true, auto_detect = false, delim = ',', quote = '\"', "
        f"escape = '\"', columns = {{{struct}}})"
    )
    return f"create or replace table {target} as select {', '.join(columns)} from {reader}"
