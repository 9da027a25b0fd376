"""The conventional chain, as a team would wire it by hand: separate processes.

    load (the runner's validator + loader) -> dbt seed -> dbt run of the
    snapshot's upstream models (the snapshot reads a model) -> dbt snapshot
    -> dbt build (models and data tests; seeds and snapshots were just built,
       unit tests are CI's) -> a GX checkpoint script (the project's suites,
       reconciled with the rule hits in dbt's run_results.json)

`steps()` lists the commands; this module is also the two scripts:

    python -m runner.bench.chain load EXPORT_DIR DB_FILE
    python -m runner.bench.chain gx DB_FILE DBT_TARGET_PATH RUN_DIR
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from runner.bench.exports import AS_OF


def _dbt(
    bin_dir: Path, command: list[str], project: Path, target_path: Path, log_path: Path
) -> list[str]:
    return [
        str(bin_dir / "dbt"), *command,
        "--project-dir", str(project), "--profiles-dir", str(project), "--target", "duckdb",
        "--target-path", str(target_path), "--log-path", str(log_path),
        "--vars", json.dumps({"as_of_date": AS_OF.isoformat(), "run_id": "bench-chain"}),
        "--no-send-anonymous-usage-stats", "--no-version-check", "--quiet",
    ]  # fmt: skip


def steps(export: Path, db: Path, workdir: Path, project: Path) -> list[tuple[str, list[str]]]:
    """(phase, argv) in order; every one reads JUVONNO_DQ_DUCKDB_PATH=db."""
    py = sys.executable
    bin_dir = Path(py).parent
    target, logs = workdir / "target", workdir / "logs"
    return [
        ("load", [py, "-m", "runner.bench.chain", "load", str(export), str(db)]),
        ("dbt seed", _dbt(bin_dir, ["seed"], project, target, logs)),
        # the snapshot reads a model: build what it needs first
        (
            "dbt run (snapshot's upstream)",
            _dbt(bin_dir, ["run", "--select", "+snp_customer_groups"], project, target, logs),
        ),
        ("dbt snapshot", _dbt(bin_dir, ["snapshot"], project, target, logs)),
        (
            "dbt build",
            _dbt(
                bin_dir,
                ["build", "--exclude-resource-type", "seed", "snapshot", "unit_test"],
                project,
                target,
                logs,
            ),
        ),
        (
            "gx checkpoint",
            [py, "-m", "runner.bench.chain", "gx", str(db), str(target), str(workdir / "gx-run")],
        ),
    ]


def load(export: Path, db: Path) -> None:
    from runner.export.load import load_duckdb
    from runner.export.validate import validate_export

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as work:
        validated = validate_export(export, Path(work))
        if not validated.ok:
            raise SystemExit(f"export rejected: {validated.problem_count} problems")
        load_duckdb(db, validated)


def rule_hits(target_path: Path) -> dict[str, int]:
    """rule id -> failures of its test, from dbt's manifest.json and run_results.json."""
    manifest = json.loads((target_path / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((target_path / "run_results.json").read_text(encoding="utf-8"))
    hits: dict[str, int] = {}
    for r in results["results"]:
        node = manifest["nodes"].get(r["unique_id"], {})
        rule_id = (node.get("config", {}).get("meta") or {}).get("rule_id") or (
            node.get("meta") or {}
        ).get("rule_id")
        if rule_id:
            hits[str(rule_id)] = int(r.get("failures") or 0)
    return hits


def gx(db: Path, target_path: Path, run_dir: Path) -> None:
    from runner.expectations import run_expectations

    run_dir.mkdir(parents=True, exist_ok=True)
    outcome = run_expectations(f"duckdb:///{db}", run_dir, rule_hits(target_path))
    if outcome.errors or outcome.mismatches:
        raise SystemExit(f"GX: {len(outcome.errors)} errors, {len(outcome.mismatches)} mismatches")


def main(argv: list[str]) -> None:
    if argv[0] == "load":
        load(Path(argv[1]), Path(argv[2]))
    elif argv[0] == "gx":
        gx(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    else:
        raise SystemExit(f"unknown step {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
