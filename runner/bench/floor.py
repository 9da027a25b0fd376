"""The floor: DuckDB alone, one process, the same work as a run (no dbt, no GX).

    python -m runner.bench.floor EXPORT_DIR MANIFEST_JSON DB_FILE SELECTED_JSON

1. read: every export file read once (DuckDB's CSV reader) straight into its typed
   raw table, with a column flagging the rows that break a contract check (required,
   shape, enum, calendar date); its SHA-256 computed in a thread beside it;
2. check: the flags and uniqueness counted over the typed table;
3. models: seeds, then the compiled SQL of every model and the snapshot (from
   `dbt compile`'s manifest.json, made outside the measurement) in dependency
   order, each materialized as the project says;
4. tests: the compiled SQL of every data test, counted.

Only the nodes the runner builds: SELECTED_JSON lists the unique ids of
`dbt ls --selector nightly` (the grouped structural tests, not the ~130
per-column tests they stand for), so the floor does the run's work, no more.

Prints one JSON object: wall and CPU seconds per phase, node and failure counts.
The database file must be named as the one `dbt compile` saw (relation names in
compiled SQL carry the database name, the file's stem).
"""

from __future__ import annotations

import csv
import graphlib
import hashlib
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from runner.contract import (
    DATE_GLOB,
    NON_DIGIT_GLOB,
    PATTERN_BY_TYPE,
    TABLES,
    Column,
    ColumnType,
    Table,
)
from runner.export.headers import map_headers, read_csv_sql, sql_string
from runner.export.load import RAW_SCHEMA, quote, raw_column_sql, raw_columns_sql

SNAPSHOT_COLUMNS = (
    "*, as_of_at as dbt_updated_at, as_of_at as dbt_valid_from, cast(null as timestamp) as dbt_valid_to, "
    "md5(cast(customer_id as varchar) || cast(as_of_at as varchar)) as dbt_scd_id"
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _bad_sql(column: Column, v: str) -> str | None:
    """SQL true when the trimmed text v (NULL: blank) breaks one of the column's checks."""
    shape = None
    # the validator's shape checks: GLOBs where they equal the pattern (runner/contract.py)
    if column.type is ColumnType.ID:
        shape = f"{v} glob '{NON_DIGIT_GLOB}' or not try_cast({v} as bigint) > 0"
    elif column.type is ColumnType.INTEGER:
        shape = f"{v} glob '{NON_DIGIT_GLOB}' or try_cast({v} as bigint) is null"
    elif column.type is ColumnType.DATE:
        shape = f"not ({v} glob '{DATE_GLOB}') or try_cast({v} as date) is null"
    elif pattern := PATTERN_BY_TYPE.get(column.type):
        shape = f"not regexp_full_match({v}, {sql_string(pattern)})"
    elif column.type is ColumnType.ENUM:
        allowed = ", ".join(sql_string(a.lower()) for a in column.allowed)
        shape = f"lower({v}) not in ({allowed})"
    if column.required:
        return f"{v} is null" + (f" or {shape}" if shape else "")
    return f"({v} is not null and ({shape}))" if shape else None


def _load_sql(table: Table, path: Path, headers: list[str], target: str) -> tuple[str, str]:
    """One read of the file: the typed raw table (the loader's columns, try_cast: a bad
    value cannot stop the read) plus a column flagging rows that break a check, then the
    checks' count over it."""
    hmap = map_headers(table, headers)
    bad = [
        f"({condition})"
        for column in table.columns
        if column.name in hmap.positions
        and (condition := _bad_sql(column, f"nullif(trim(c{hmap.positions[column.name]}), '')"))
    ]
    # NULL only where a try_cast failed inside a comparison: a bad value
    flag = f"coalesce({' or '.join(bad)}, true)" if bad else "false"
    columns = raw_columns_sql(table, hmap, lenient=True)
    reader = read_csv_sql(str(path), len(headers))
    load = (
        f"create or replace table {target} as select {', '.join(columns)}, ({flag}) as _bad "
        f"from {reader}"
    )
    counts = ["count(*) filter (where _bad)"]
    counts += [
        f"count({quote(c.name)}) - count(distinct {quote(c.name)})"
        for c in table.columns
        if c.unique and c.name in hmap.positions
    ]
    return load, f"select {' + '.join(counts)} from {target}"


def read_and_check(
    con: duckdb.DuckDBPyConnection, export_dir: Path
) -> tuple[dict[str, float], int]:
    timings: dict[str, float] = {}
    problems = 0
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    files = {name: export_dir / f"{name}.csv" for name in TABLES}
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashes = {name: pool.submit(_sha256, path) for name, path in files.items() if path.exists()}
        read_s = check_s = 0.0
        for name, table in TABLES.items():
            path = files[name]
            target = f"{RAW_SCHEMA}.{quote(table.name)}"
            if not path.exists():
                columns = ", ".join(raw_column_sql(c, None) for c in table.columns)
                con.execute(f"create or replace table {target} as select {columns} where false")
                continue
            with path.open(newline="", encoding="utf-8-sig") as fh:
                headers = next(csv.reader(fh))
            load, check = _load_sql(table, path, headers, target)
            t0 = time.perf_counter()
            con.execute(load)
            t1 = time.perf_counter()
            problems += int(con.execute(check).fetchone()[0])  # type: ignore[index]
            con.execute(f"alter table {target} drop column _bad")
            read_s += t1 - t0
            check_s += time.perf_counter() - t1
        for future in hashes.values():
            future.result()
    timings["read"], timings["check"] = round(read_s, 3), round(check_s, 3)
    return timings, problems


def _seed(con: duckdb.DuckDBPyConnection, node: dict[str, Any], project: Path) -> None:
    types = dict((node["config"].get("column_types") or {}).items())
    path = project / node["original_file_path"]
    opts = (
        f", types = {{{', '.join(f'{sql_string(k)}: {sql_string(v)}' for k, v in types.items())}}}"
        if types
        else ""
    )
    con.execute(
        f"create or replace table {node['relation_name']} as select * from read_csv({sql_string(str(path))}, header = true{opts})"
    )


def build_and_test(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], project: Path, selected: set[str]
) -> dict[str, Any]:
    nodes = {
        uid: n
        for uid, n in manifest["nodes"].items()
        if n["resource_type"] in {"seed", "model", "snapshot", "test"} and uid in selected
    }
    graph = {
        uid: [d for d in n["depends_on"].get("nodes", []) if d in nodes] for uid, n in nodes.items()
    }
    order = list(graphlib.TopologicalSorter(graph).static_order())
    schemas = {n["schema"] for n in nodes.values() if n["resource_type"] != "test"}
    for schema in schemas:
        con.execute(f"create schema if not exists {quote(schema)}")
    t0 = time.perf_counter()
    built = tests = failures = 0
    tests_s = 0.0
    for uid in order:
        node = nodes[uid]
        kind, code = node["resource_type"], node.get("compiled_code") or ""
        if kind == "seed":
            _seed(con, node, project)
        elif kind == "snapshot":
            con.execute(
                f"create or replace table {node['relation_name']} as select {SNAPSHOT_COLUMNS} from ({code})"
            )
        elif kind == "model":
            materialized = node["config"].get("materialized")
            if materialized == "ephemeral":
                continue
            what = "view" if materialized == "view" else "table"
            con.execute(f"create or replace {what} {node['relation_name']} as {code}")
        else:
            t = time.perf_counter()
            failures += int(con.execute(f"select count(*) from ({code}) as t").fetchone()[0])  # type: ignore[index]
            tests += 1
            tests_s += time.perf_counter() - t
            continue
        built += 1
    total = time.perf_counter() - t0
    return {
        "models": round(total - tests_s, 3),
        "tests": round(tests_s, 3),
        "nodes_built": built,
        "tests_run": tests,
        "test_failures": failures,
    }


def main(argv: list[str]) -> None:
    export_dir, manifest_path, db_path = Path(argv[0]), Path(argv[1]), Path(argv[2])
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    selected = set(json.loads(Path(argv[3]).read_text(encoding="utf-8")))
    c0, t0 = time.process_time(), time.perf_counter()
    con = duckdb.connect(str(db_path))
    try:
        phases, problems = read_and_check(con, export_dir)
        con.execute("checkpoint")
        result = build_and_test(con, manifest, Path(__file__).resolve().parents[2], selected)
        con.execute("checkpoint")
    finally:
        con.close()
    out = {
        "phases": {
            "read": phases["read"],
            "check": phases["check"],
            "models": result.pop("models"),
            "tests": result.pop("tests"),
        },
        "contract_problems": problems,
        **result,
        "wall": round(time.perf_counter() - t0, 3),
        "cpu": round(time.process_time() - c0, 3),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
