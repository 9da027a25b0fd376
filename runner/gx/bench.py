"""Measure the GX step (a benchmark, not a test): `python -m runner.gx.bench URL_OR_DUCKDB_FILE [RUN_DIR]`.

Prints wall-clock and CPU seconds (user+sys of this process, all threads: less
sensitive to a busy machine than wall time) for importing great_expectations and
for run_expectations (validation + Data Docs), with dbt hits taken as GX's own
counts (so no mismatch; this measures speed only).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str]) -> None:
    target = argv[0]
    url = target if "://" in target else f"duckdb:///{Path(target).resolve()}"
    run_dir = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="gx-bench-"))
    c0, t0 = _cpu(), time.monotonic()
    import great_expectations  # noqa: F401

    c1, t1 = _cpu(), time.monotonic()
    from runner.expectations import run_expectations

    outcome = run_expectations(url, run_dir, {})
    c2, t2 = _cpu(), time.monotonic()
    print(f"import great_expectations: wall {t1 - t0:.1f} s, cpu {c1 - c0:.1f} s")
    print(f"run_expectations:          wall {t2 - t1:.1f} s, cpu {c2 - c1:.1f} s")
    print(f"total:                     wall {t2 - t0:.1f} s, cpu {c2 - c0:.1f} s")
    print(
        f"{sum(s.evaluated for s in outcome.suites)} expectations in {len(outcome.suites)} suites; errors: {len(outcome.errors)}; docs: {run_dir / 'data-docs/index.html'}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
