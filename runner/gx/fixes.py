"""Workarounds for GX 1.24.1 on DuckDB (duckdb-engine 0.17.0, SQLAlchemy 2.1.9).

Both failures are silent: GX catches the exception, marks every expectation
unsuccessful with a `MetricResolutionError`, and the run looks like "all failed".
pytests/test_gx_duckdb_fixes.py fails the day either workaround stops working
(or stops being needed: it also checks the failure still happens without it).

1. Results fetched after the connection is returned (GX issues #10738, #11579).
   `SqlAlchemyExecutionEngine.execute_query` returns the cursor result *after*
   leaving `with self.get_connection()`. duckdb-engine runs every query of a
   connection on one cursor, so by the time GX calls `.fetchall()` the cursor is
   gone or holds another statement's result: "list index out of range".
   Fix: buffer the rows inside the connection block (`result.freeze()()`, a
   fully-fetched `Result` with the same interface) for row-returning queries.

2. Column reflection. SQLAlchemy 2.1's PostgreSQL column query (which duckdb-engine
   inherits) joins `pg_catalog.pg_collation`, which DuckDB does not have, so
   `inspector.get_columns()` raises; GX then falls back to `SELECT * FROM <table>`
   *without the schema*, which fails for every table outside `main` (all of ours):
   `table.columns`/`table.column_types` fail and with them every column expectation.
   Fix: duckdb-engine's `get_multi_columns` reads `information_schema.columns`
   instead (names, DuckDB's type names as SQLAlchemy's generic types, nullability).

Both patches are process-wide, idempotent, and touch only GX's SQL engine and the
duckdb dialect (dbt-duckdb does not use SQLAlchemy, PostgreSQL's dialect is untouched).
"""

from __future__ import annotations

from typing import Any

_MARK = "_juvonno_dq_fix"


def apply_gx_fixes() -> None:
    _buffer_query_results()
    _duckdb_column_reflection()


def _buffer_query_results() -> None:
    from great_expectations.execution_engine.sqlalchemy_execution_engine import (
        SqlAlchemyExecutionEngine,
    )

    if getattr(SqlAlchemyExecutionEngine.execute_query, _MARK, False):
        return

    def execute_query(self, query):  # type: ignore[no-untyped-def]
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            if result.returns_rows:
                # Fetch everything while the connection (and duckdb's cursor) is ours.
                return result.freeze()()
            return result

    setattr(execute_query, _MARK, True)
    execute_query.__doc__ = SqlAlchemyExecutionEngine.execute_query.__doc__
    SqlAlchemyExecutionEngine.execute_query = execute_query  # type: ignore[method-assign]


def _duckdb_column_reflection() -> None:
    try:
        import duckdb_engine
    except ImportError:  # PostgreSQL-only installs
        return
    import sqlalchemy as sa

    dialect_cls: Any = duckdb_engine.Dialect
    if getattr(dialect_cls.get_multi_columns, _MARK, False):
        return

    def get_multi_columns(
        self, connection, schema=None, filter_names=None, scope=None, kind=None, **kw
    ):  # type: ignore[no-untyped-def]
        query = sa.text(
            "select table_name, column_name, data_type, is_nullable, column_default "
            "from information_schema.columns where table_schema = :schema "
            "order by table_name, ordinal_position"
        )
        wanted = set(filter_names) if filter_names else None
        columns: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
        for table, name, data_type, nullable, default in connection.execute(
            query, {"schema": schema or "main"}
        ).fetchall():
            if wanted is not None and table not in wanted:
                continue
            base = str(data_type).split("(")[0].strip()
            # SQLAlchemy's generic upper-case type of the same name (BIGINT, VARCHAR,
            # DATE, BOOLEAN, ...) so GX reports DuckDB's own type names; else the
            # dialect's mapping.
            type_cls = getattr(sa.types, base.upper(), None)
            if not (isinstance(type_cls, type) and issubclass(type_cls, sa.types.TypeEngine)):
                type_cls = self.ischema_names.get(base.lower(), sa.types.NullType)
            columns.setdefault((schema, table), []).append(
                {
                    "name": name,
                    "type": type_cls(),
                    "nullable": nullable == "YES",
                    "default": default,
                    "autoincrement": False,
                    "comment": None,
                }
            )
        return columns.items()

    setattr(get_multi_columns, _MARK, True)
    dialect_cls.get_multi_columns = get_multi_columns
