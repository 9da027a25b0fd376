"""Load a validated export into the warehouse's raw schema with the database's own
bulk CSV reader (DuckDB `read_csv`, all columns read as text, then cast).

The raw layer keeps what was delivered: every contract column under its
canonical name (ids and integers as BIGINT, dates as DATE, datetimes as the text
written so staging can take the wall-clock date), extra columns as text, empty or
blank fields as NULL. Absent optional files load as empty tables.
`juvonno_raw.export_files` records what was loaded (table, file, format, rows, sha256).

Columns are bound by position (the header was read and mapped by the validator),
so a BOM, odd casing, spaces or quotes in header names never matter here; .csv.gz
is read by DuckDB directly and .xlsx from the validator's converted CSV.
Everything happens in one transaction: a failing load leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from runner.contract import TABLES, Column, ColumnType, Table
from runner.export.headers import (
    HeaderMap,
    map_headers,
    normalise_header,
    read_csv_sql,
    sql_string,
)

if TYPE_CHECKING:
    from runner.export.validate import ExportFile, ValidatedExport

__all__ = [
    "EXPORT_FILES_TABLE",
    "RAW_SCHEMA",
    "create_empty_sql",
    "load_duckdb",
    "normalise_header",
    "quote",
    "raw_column_sql",
    "raw_columns_sql",
    "record_files",
    "select_sql",
]

RAW_SCHEMA = "juvonno_raw"
EXPORT_FILES_TABLE = "export_files"

_SQL_TYPE = {
    ColumnType.ID: "bigint",
    ColumnType.INTEGER: "bigint",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "varchar",
    ColumnType.TEXT: "varchar",
    ColumnType.ENUM: "varchar",
}


class LoadError(Exception):
    """The export cannot be loaded (it was not validated, or the database refused it)."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def raw_column_sql(column: Column, source_column: str | None, *, lenient: bool = False) -> str:
    """The select expression that turns delivered text (a column of the reader) into the raw
    column. lenient: try_cast (NULL for a bad value), for a load that validates as it reads
    (runner/export/fused.py); where validation accepted a value the two casts agree."""
    if source_column is None:
        return f"cast(null as {_SQL_TYPE[column.type]}) as {quote(column.name)}"
    text = f"nullif(trim({quote(source_column)}), '')"
    sql_type = _SQL_TYPE[column.type]
    cast = "try_cast" if lenient else "cast"
    value = text if sql_type == "varchar" else f"{cast}({text} as {sql_type})"
    return f"{value} as {quote(column.name)}"


def raw_columns_sql(table: Table, hmap: HeaderMap, *, lenient: bool = False) -> list[str]:
    """The raw table's select list over the reader's c0..cN: contract columns, then extras."""
    columns = [
        raw_column_sql(
            c, f"c{hmap.positions[c.name]}" if c.name in hmap.positions else None, lenient=lenient
        )
        for c in table.columns
    ]
    return columns + [f"nullif(trim(c{pos}), '') as {quote(name)}" for pos, name in hmap.extras]


def select_sql(table: Table, export_file: ExportFile) -> str:
    """`select <raw columns> from read_csv(...)` for one delivered file."""
    columns = raw_columns_sql(table, map_headers(table, list(export_file.headers)))
    reader = read_csv_sql(str(export_file.load_path), len(export_file.headers))
    return f"select {', '.join(columns)} from {reader}"


def create_empty_sql(table: Table, schema: str = RAW_SCHEMA) -> str:
    """An absent (or header-less optional) file: its raw table, empty."""
    columns = ", ".join(raw_column_sql(c, None) for c in table.columns)
    return f"create or replace table {schema}.{quote(table.name)} as select {columns} where false"


def record_files(
    con: duckdb.DuckDBPyConnection, files: Iterable[ExportFile], schema: str = RAW_SCHEMA
) -> None:
    """juvonno_raw.export_files: what was loaded (table, file, format, rows, sha256)."""
    con.execute(
        f"create or replace table {schema}.{EXPORT_FILES_TABLE} "
        "(table_name varchar, file_name varchar, format varchar, rows bigint, sha256 varchar)"
    )
    values = []
    for f in files:
        sha = sql_string(f.sha256) if f.sha256 else "null"
        values.append(
            f"({sql_string(f.table)}, {sql_string(f.path.name)}, {sql_string(f.format)}, {int(f.rows)}, {sha})"
        )
    if values:
        con.execute(f"insert into {schema}.{EXPORT_FILES_TABLE} values {', '.join(values)}")


def load_duckdb(
    db_path: Path,
    export: ValidatedExport,
    schema: str = RAW_SCHEMA,
) -> None:
    """Load every contract table of a validated export in one transaction.

    An export with problems is refused before the database is opened.
    """
    if not export.ok:
        raise LoadError(f"refusing to load an export with {len(export.problems)} problem(s)")
    files = dict(export.files)
    con = duckdb.connect(str(db_path))
    try:
        con.execute("set preserve_insertion_order = true")
        con.execute("begin transaction")
        try:
            con.execute(f"create schema if not exists {schema}")
            for name, table in TABLES.items():
                export_file = files.get(name)
                target = f"{schema}.{quote(table.name)}"
                if export_file is None:
                    con.execute(create_empty_sql(table, schema))
                else:
                    con.execute(
                        f"create or replace table {target} as {select_sql(table, export_file)}"
                    )
            record_files(con, files.values(), schema)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    finally:
        con.close()
