"""`juvonno-dq demo` (what `make demo` runs): generate, run on DuckDB, publish,
and write the dbt docs, all into one --out folder."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path


def test_demo_publishes_a_report_worklist_marts_and_dbt_docs(tmp_path: Path) -> None:
    """As the README runs it: a relative --out (the default is ./dq-output), from a
    working directory of its own."""
    out = tmp_path / "dq-output"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUVONNO_DQ_")}
    proc = subprocess.run(
        [sys.executable, "-m", "runner.cli", "demo", "--out", "dq-output", "--customers", "300"],
        capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    latest = out / "latest"
    assert f"Report:    {out / 'latest' / 'report.html'}" in proc.stdout
    assert "(from demo: the generated export's date, today)" in proc.stdout
    assert (latest / "report.html").is_file()
    with (latest / "worklist.csv").open(newline="") as handle:
        hits = {(r["customer_id"], r["rule_id"]) for r in csv.DictReader(handle)}
    with (out / "demo-export" / "planted.csv").open(newline="") as handle:
        planted = {
            (r["customer_id"], r["rule_id"]) for r in csv.DictReader(handle) if r["kind"] == "hit"
        }
    assert hits == planted
    assert (out / "warehouse" / "analysts.duckdb").is_file()
    docs = out / "dbt-docs" / "static_index.html"
    assert docs.is_file() and "rpt_invoice_monthly" in docs.read_text(encoding="utf-8")
    assert docs.stat().st_mode & 0o077 == 0
