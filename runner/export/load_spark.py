"""Load a validated export into a Spark database with Spark's own CSV reader.

Every delivered column is read as text (the contract's schema binds by position:
the validator has mapped the header), then trimmed, blank -> NULL, and cast to the
raw layer's type (docs/ARCHITECTURE.md "Raw column types"): ids and integers
bigint, dates date, datetimes/text/enums string. Absent optional files load as
empty tables; `export_files` records what was loaded.

Spark has no multi-table transaction, and needs none here: the raw database is
new and private to the run's build (runner/warehouse/spark.py), nothing reads it
before the build is published, and a failed load discards the whole build.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.contract import TABLES, Column, ColumnType, Table
from runner.export.headers import map_headers
from runner.export.load_postgres import SPACES

if TYPE_CHECKING:
    from runner.export.validate import ExportFile, ValidatedExport

SPARK_TYPE = {
    ColumnType.ID: "bigint",
    ColumnType.INTEGER: "bigint",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "string",
    ColumnType.TEXT: "string",
    ColumnType.ENUM: "string",
}


def q(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def _literal(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _clean(column: str) -> str:
    # DuckDB's trim() strips the Unicode space separators; Spark's only U+0020.
    return f"nullif(trim(both {_literal(SPACES)} from {q(column)}), '')"


def _raw_column(column: Column, source: str | None) -> str:
    sql_type = SPARK_TYPE[column.type]
    if source is None:
        return f"cast(null as {sql_type}) as {q(column.name)}"
    value = _clean(source)
    return (
        f"{value if sql_type == 'string' else f'cast({value} as {sql_type})'} as {q(column.name)}"
    )


def _read(spark: Any, export_file: ExportFile) -> Any:
    from pyspark.sql.types import StringType, StructField, StructType

    n = len(export_file.headers)
    schema = StructType([StructField(f"c{i}", StringType(), True) for i in range(n)])
    return (
        spark.read.format("csv")
        .schema(schema)
        .options(
            header="true",
            enforceSchema="true",
            multiLine="true",
            quote='"',
            escape='"',
            sep=",",
            encoding="UTF-8",
            mode="FAILFAST",
            ignoreLeadingWhiteSpace="false",
            ignoreTrailingWhiteSpace="false",
        )
        .load(str(Path(export_file.load_path).resolve()))
    )


def _table_frame(spark: Any, table: Table, export_file: ExportFile | None) -> Any:
    if export_file is None:
        return spark.sql(
            f"select {', '.join(_raw_column(c, None) for c in table.columns)} where false"
        )
    hmap = map_headers(table, list(export_file.headers))
    columns = [
        _raw_column(c, f"c{hmap.positions[c.name]}" if c.name in hmap.positions else None)
        for c in table.columns
    ]
    columns += [f"{_clean(f'c{pos}')} as {q(name)}" for pos, name in hmap.extras]
    return _read(spark, export_file).selectExpr(*columns)


def _export_files_frame(spark: Any, export: ValidatedExport) -> Any:
    rows = [
        (f.table, f.path.name, f.format, int(f.rows), f.sha256 or None)
        for f in export.files.values()
    ]
    return spark.createDataFrame(
        rows, "table_name string, file_name string, format string, rows bigint, sha256 string"
    )


def load_spark(spark: Any, export: ValidatedExport, database: str) -> None:
    """Load every contract table of a validated export into `database` (the build's raw)."""
    if not export.ok:
        raise ValueError(f"refusing to load an export with {len(export.problems)} problem(s)")
    spark.sql(f"create database if not exists {q(database)}")
    frames = {
        name: _table_frame(spark, table, export.files.get(name)) for name, table in TABLES.items()
    }
    frames["export_files"] = _export_files_frame(spark, export)
    for name, frame in frames.items():
        frame.write.format("parquet").mode("overwrite").saveAsTable(f"{q(database)}.{q(name)}")
