"""Load a validated export into a PostgreSQL raw schema with COPY.

The raw layer is the DuckDB loader's (runner/export/load.py), column for column:
every contract column under its canonical name (ids and integers BIGINT, dates
DATE, datetimes as the text written), extra columns as text, every value trimmed
(the same Unicode spaces DuckDB's trim() strips) and blank values NULL. Absent
optional files load as empty tables.

Each file streams through `COPY ... FROM STDIN (FORMAT csv, HEADER)` into a
temporary all-text table (a `.csv.gz` is decompressed on the fly, never whole
in memory), then is cast into a new typed table. Only when every table has
loaded are the new tables swapped in for the previous ones, all in ONE
transaction: a rejected or failing load (a bad value, a lost connection, a
killed process) leaves the previous raw data exactly as it was.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from runner.contract import TABLES, Column, ColumnType, Table
from runner.export.headers import map_headers

if TYPE_CHECKING:
    from runner.export.validate import ValidatedExport

_SQL_TYPE = {
    ColumnType.ID: "bigint",
    ColumnType.INTEGER: "bigint",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "text",
    ColumnType.TEXT: "text",
    ColumnType.ENUM: "text",
}

# DuckDB's trim() strips the Unicode space separators (category Zs), PostgreSQL's
# only U+0020: btrim with this set makes both raw layers hold the same values.
SPACES = "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"

_NEW_SUFFIX = "__loading"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _clean(source_column: str) -> str:
    return f"nullif(btrim({source_column}, {_literal(SPACES)}), '')"


def column_ddl(table: Table, extras: tuple[str, ...] = ()) -> str:
    """The typed raw columns: the contract's, in its order, then extra columns as text."""
    columns = [f"{quote(c.name)} {_SQL_TYPE[c.type]}" for c in table.columns]
    columns += [f"{quote(name)} text" for name in extras]
    return ", ".join(columns)


def _cast(column: Column, source_column: str | None) -> str:
    if source_column is None:
        return f"cast(null as {_SQL_TYPE[column.type]})"
    value = _clean(source_column)
    sql_type = _SQL_TYPE[column.type]
    return value if sql_type == "text" else f"cast({value} as {sql_type})"


class _Stream(io.RawIOBase):
    """A file's bytes for COPY: decompressed when gzip, a leading UTF-8 BOM dropped."""

    def __init__(self, path: Path) -> None:
        with open(path, "rb") as probe:
            gz = probe.read(2) == b"\x1f\x8b"
        self._file: BinaryIO = gzip.open(path, "rb") if gz else open(path, "rb")  # type: ignore[assignment]  # noqa: SIM115 - closed by close()
        head = self._file.read(3)
        self._pending = b"" if head == b"\xef\xbb\xbf" else head

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size if size and size > 0 else -1)
        if self._pending:
            data, self._pending = self._pending + data, b""
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


def load_postgres(
    con: Any,
    export: ValidatedExport,
    schema: str,
) -> None:
    """Load every contract table of a validated export into `schema` in one
    transaction on psycopg2 connection `con`, with the raw `export_files` table
    (table_name, file_name, format, rows, sha256). The connection must not be in
    autocommit mode; on any error the transaction is rolled back and the error raised.
    """
    if not export.ok:
        raise ValueError(f"refusing to load an export with {len(export.problems)} problem(s)")
    if con.autocommit:
        raise ValueError("load_postgres needs a connection outside autocommit (one transaction)")
    s = quote(schema)
    try:
        with con.cursor() as cur:
            cur.execute("set local client_encoding = 'UTF8'")
            cur.execute(f"create schema if not exists {s}")
            loaded: list[str] = []
            for name, table in TABLES.items():
                new = f"{s}.{quote(name + _NEW_SUFFIX)}"
                cur.execute(f"drop table if exists {new}")
                export_file = export.files.get(name)
                if export_file is None:
                    cur.execute(f"create table {new} ({column_ddl(table)})")
                else:
                    _copy_table(
                        cur, table, new, Path(export_file.load_path), list(export_file.headers)
                    )
                loaded.append(name)
            _export_files_table(cur, s, export)
            loaded.append("export_files")
            # The swap: only now are the previous tables touched (and locked).
            for name in loaded:
                cur.execute(f"drop table if exists {s}.{quote(name)}")
                cur.execute(f"alter table {s}.{quote(name + _NEW_SUFFIX)} rename to {quote(name)}")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _copy_table(cur: Any, table: Table, target: str, csv_path: Path, headers: list[str]) -> None:
    header_map = map_headers(table, list(headers))
    staging = quote(f"_juvonno_copy_{table.name}")
    text_columns = ", ".join(f"c{i} text" for i in range(len(headers)))
    cur.execute(f"create temporary table {staging} ({text_columns}) on commit drop")
    stream = _Stream(Path(csv_path))
    try:
        cur.copy_expert(
            f"copy {staging} ({', '.join(f'c{i}' for i in range(len(headers)))}) "
            "from stdin with (format csv, header true, delimiter ',', quote '\"', escape '\"', encoding 'UTF8')",
            stream,
            size=1 << 20,
        )
    finally:
        stream.close()
    extras = header_map.extra_names()
    cur.execute(f"create table {target} ({column_ddl(table, extras)})")
    selects = [
        _cast(c, f"c{header_map.positions[c.name]}" if c.name in header_map.positions else None)
        for c in table.columns
    ]
    selects += [_clean(f"c{pos}") for pos, _ in header_map.extras]
    cur.execute(f"insert into {target} select {', '.join(selects)} from {staging}")
    cur.execute(f"drop table {staging}")


_EXPORT_FILES_COLUMNS = (
    ("table_name", "text"),
    ("file_name", "text"),
    ("format", "text"),
    ("rows", "bigint"),
    ("sha256", "text"),
)


def _export_files_table(cur: Any, schema_sql: str, export: ValidatedExport) -> None:
    new = f"{schema_sql}.{quote('export_files' + _NEW_SUFFIX)}"
    cur.execute(f"drop table if exists {new}")
    cur.execute(
        f"create table {new} ({', '.join(f'{quote(n)} {t}' for n, t in _EXPORT_FILES_COLUMNS)})"
    )
    names = [n for n, _ in _EXPORT_FILES_COLUMNS]
    for f in export.files.values():
        cur.execute(
            f"insert into {new} values ({', '.join(['%s'] * len(names))})",
            [f.table, f.path.name, f.format, f.rows, f.sha256 or None],
        )
