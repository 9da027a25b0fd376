"""What the dbt sources YAML must say about the raw tables, derived from the contract.

`models/staging/juvonno/_juvonno__sources.yml` and `models/staging/icbt/_icbt__sources.yml`
mirror `runner/contract.py` (the one home of the raw tables): table and column names
in order, raw data types, descriptions and the `pii` tags and meta of personal columns.
`pytests/test_contract_sources.py` fails when a sources file and `source_tables()`
differ; a contract change is made in contract.py, then copied into the YAML.
"""

from __future__ import annotations

from typing import Any

from runner.contract import TABLES, Column, ColumnType, Table

# The raw layer's types (docs/ARCHITECTURE.md "Raw column types"), as dbt's data_type.
RAW_DATA_TYPE: dict[ColumnType, str] = {
    ColumnType.ID: "bigint",
    ColumnType.INTEGER: "bigint",
    ColumnType.DATE: "date",
    ColumnType.DATETIME: "varchar",  # the text as written, trimmed: staging parses it
    ColumnType.TEXT: "varchar",
    ColumnType.ENUM: "varchar",
}

# The dbt source each raw table belongs to (every other table is Juvonno's).
SOURCE_OF_TABLE: dict[str, str] = {"icbt_activity": "icbt"}

PII_CONFIG: dict[str, Any] = {
    "tags": ["pii"],
    "meta": {"pii": True, "contains_personal_data": True},
}


def source_of(table: Table) -> str:
    return SOURCE_OF_TABLE.get(table.name, "juvonno")


def column_description(column: Column) -> str:
    """The contract's description, then what its type, requirement and reference imply."""
    parts = [column.description] if column.description else []
    if column.type is ColumnType.ENUM:
        parts.append(
            f"One of {', '.join(column.allowed)} (matched case-insensitively; "
            "staging normalises the casing)."
        )
    if column.type is ColumnType.DATETIME:
        parts.append(
            "ISO 8601 datetime as written (trimmed text); staging takes its wall-clock date."
        )
    if column.required:
        parts.append("Required.")
    if column.unique:
        parts.append("Unique.")
    if column.references:
        parts.append(f"References {column.references} (an orphan is a finding, not a rejection).")
    # a column the contract says nothing about is named in words ("Branch code.")
    return " ".join(parts) or column.name.replace("_", " ").capitalize() + "."


def source_column(column: Column) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": column.name,
        "data_type": RAW_DATA_TYPE[column.type],
        "description": column_description(column),
    }
    if column.pii:
        entry["config"] = PII_CONFIG
    return entry


def source_table(table: Table) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": table.name, "description": table.description}
    if any(c.pii for c in table.columns):
        entry["config"] = {"tags": ["pii"]}  # select the tables holding personal columns
    entry["columns"] = [source_column(c) for c in table.columns]
    return entry


def source_tables(source: str) -> list[dict[str, Any]]:
    """The `tables:` entries of one dbt source, in the contract's order."""
    return [source_table(t) for t in TABLES.values() if source_of(t) == source]
