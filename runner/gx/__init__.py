"""Great Expectations support code (no `great_expectations` import at module level).

- `suites`: the raw suites generated from runner/contract.py, and suite loading.
- `fixes`: the DuckDB workarounds GX 1.24.1 + duckdb-engine 0.17 + SQLAlchemy 2.1 need.
- `docs`: offline Data Docs (vendored CSS/JS from runner/gx_assets/).
The entry point is `runner.expectations.run_expectations`.
"""
