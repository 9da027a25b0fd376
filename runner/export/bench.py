"""Measure validation + load on a big synthetic export (not realistic data: only the
shape and size matter here; runner/generate writes the realistic one).

    python -m runner.export.bench --customers 1000000 --dir /tmp/big-export

Writes the export with DuckDB (once; reused when present), then times
validate_export and load_duckdb into a fresh DuckDB file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import duckdb

from runner.export.load import load_duckdb
from runner.export.validate import validate_export

_QUERIES = {
    "customers": """
        select i as id, 'SBX' || (100000 + i) as chart_num, 'First' || (i % 997) as first_name,
               'Last' || (i % 1999) as last_name, ['male','female','private','unknown'][1 + i % 4] as gender,
               strftime(date '1990-01-01' + (i % 9000)::int, '%Y-%m-%d') as date_of_birth,
               'person' || i || '@example.org' as email, '07' || (100000000 + i) as phone,
               ['active','inactive','discharged','deleted'][1 + i % 4] as status, 'SBX-N' as branch_code,
               strftime(timestamp '2024-01-01' + to_seconds(i * 37), '%Y-%m-%dT%H:%M:%S') as created,
               case when i % 10 = 0 then 'Line one, with a comma' || chr(10) || 'line "two"' end as warnings
        from range(1, {n} + 1) t(i)""",
    "customer_groups": """
        select 1 + (i % {n}) as customer_id, 'THR' as group_code,
               ['Therapy','Triage','iCBT','Graduated','Discharged'][1 + i % 5] as group_name
        from range(0, {n} * 105 // 100) t(i)""",
    "appointments": """
        select i as id, 1 + (i % {n}) as customer_id,
               strftime(timestamp '2025-01-01 08:00' + to_minutes(i % 500000), '%Y-%m-%d %H:%M:%S') as start,
               50 as duration, ['Completed','No Show','Pending','Cancelled','Billed'][1 + i % 5] as status,
               11 as schedule_type_id, '1:1 Therapy Session' as schedule_type_name, 100 + i % 200 as staff_id,
               'SBX-N' as branch_code,
               strftime(timestamp '2024-12-01 08:00' + to_minutes(i % 500000), '%Y-%m-%dT%H:%M:%SZ') as created
        from range(1, {n} * 6 + 1) t(i)""",
    "staff": """
        select 100 + i as id, 'T' || i as num, 'Staff' || i as first_name, 'Member' as last_name,
               'Therapist' as staff_type, 'active' as status from range(0, 200) t(i)""",
    "encounters": """
        select i as id, 1 + (i % {n}) as customer_id, 100 + i % 200 as staff_id, 'Session Note' as template_name,
               strftime(date '2025-01-01' + (i % 600)::int, '%Y-%m-%d') as chart_date, null as outcome
        from range(1, {n} * 35 // 10 + 1) t(i)""",
    "icbt_activity": """
        select 1 + (i % {n}) as customer_id, 'Managing Worry' as module_name,
               strftime(timestamp '2025-03-01' + to_minutes(i), '%Y-%m-%dT%H:%M:%S+01:00') as started_at,
               null as completed_at, null as last_activity_at
        from range(0, {n} * 4 // 10) t(i)""",
}


def write_big_export(out: Path, customers: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    manifest: dict[str, dict[str, object]] = {}
    for name, sql in _QUERIES.items():
        path = out / f"{name}.csv"
        con.execute(f"copy ({sql.format(n=customers)}) to '{path}' (header, delimiter ',')")
        rows = con.execute(f"select count(*) from ({sql.format(n=customers)})").fetchone()[0]  # type: ignore[index]
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
        manifest[path.name] = {"rows": rows, "sha256": digest.hexdigest()}
    (out / "manifest.json").write_text(
        json.dumps({"exported_at": "2026-11-20T23:30:00Z", "files": manifest})
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/juvonno-big-export"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/juvonno-big-work"))
    args = parser.parse_args()
    if not (args.dir / "manifest.json").exists():
        t = time.perf_counter()
        write_big_export(args.dir, args.customers)
        print(f"wrote export in {time.perf_counter() - t:.1f}s")
    size = sum(p.stat().st_size for p in args.dir.iterdir())
    t0, c0 = time.perf_counter(), time.process_time()
    export = validate_export(args.dir, args.workdir)
    t1, c1 = time.perf_counter(), time.process_time()
    rows = sum(f.rows for f in export.files.values())
    print(
        f"validate: {t1 - t0:.1f}s wall, {c1 - c0:.1f}s CPU for {rows:,} rows, {size / 1e9:.2f} GB; ok={export.ok}"
    )
    for p in export.problems[:10]:
        print("  ", p)
    db = args.workdir / "bench.duckdb"
    db.unlink(missing_ok=True)
    load_duckdb(db, export)
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        f"load: {t2 - t1:.1f}s wall, {c2 - c1:.1f}s CPU; total {t2 - t0:.1f}s wall, {c2 - c0:.1f}s CPU"
    )
    print("(CPU is summed over threads: on an idle 2-core machine wall is about CPU / 2)")


if __name__ == "__main__":
    main()
