"""`juvonno-dq bench`: the runner against two references, at several export sizes.

- runner: `juvonno-dq run` (every step), one process;
- floor: DuckDB alone in one process over the same export (read, contract checks,
  the compiled SQL of every model and data test; no dbt, no GX): `runner.bench.floor`;
- chain: what a team would wire by hand, as separate processes: load, `dbt seed`,
  `dbt snapshot`, `dbt build`, a GX checkpoint script (`runner.bench.chain`).

Modules: exports (cached generated exports), measure (one process tree: wall,
CPU, peak RSS, load average), floor, chain, suite (warm-up, runs, medians),
report (BENCHMARKS.md and the raw JSON).
"""
