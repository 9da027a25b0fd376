"""The same nightly run on DuckDB and on PostgreSQL gives the same results.

Full `juvonno-dq run` invocations (subprocesses, so each has its own dbt
adapter state), one per target, on the same export: worklist.csv must be
byte-identical and dq_run_history must hold the same hits per rule. The
PostgreSQL run logs in as a role that needs its password (on the throwaway
cluster), and that password must not appear in anything the run wrote or said.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.postgres_fixture import ENV_VARS, PgServer

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]

CLI = str(Path(sys.executable).with_name("juvonno-dq"))
SAMPLE_AS_OF = "2026-11-20"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=900)


def _base_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ENV_VARS and not k.startswith("JUVONNO_DQ_")
    }
    env.update(DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


def _both_targets(export: Path, tmp_path: Path, server: PgServer, schema: str) -> dict[str, dict]:
    """Run the export on both targets at once; return per target its outputs."""
    pg_env = _base_env() | server.env(schema, with_password_role=True)
    jobs = {
        "duckdb": (
            [
                "run",
                "--export-dir",
                str(export),
                "--as-of",
                SAMPLE_AS_OF,
                "--out",
                str(tmp_path / "duckdb"),
            ],
            _base_env(),
        ),
        "postgres": (
            [
                "run",
                "--export-dir",
                str(export),
                "--as-of",
                SAMPLE_AS_OF,
                "--out",
                str(tmp_path / "postgres"),
                "--target",
                "postgres",
            ],
            pg_env,
        ),
    }
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {name: pool.submit(_run, args, env) for name, (args, env) in jobs.items()}
        procs = {name: f.result() for name, f in futures.items()}
    out: dict[str, dict] = {}
    for name, proc in procs.items():
        latest = tmp_path / name / "latest"
        assert proc.returncode in (0, 1), (
            f"{name} run exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
        )
        assert (latest / "worklist.csv").exists(), (
            f"{name}: no worklist\n{proc.stdout}\n{proc.stderr}"
        )
        out[name] = {
            "proc": proc,
            "worklist": (latest / "worklist.csv").read_bytes(),
            "summary": json.loads((latest / "summary.json").read_text()),
        }
    duck = duckdb.connect(str(tmp_path / "duckdb" / "warehouse" / "juvonno.duckdb"), read_only=True)
    try:
        out["duckdb"]["history"] = sorted(
            duck.execute(
                "select as_of_date, rule_id, hits, outcome from juvonno_history.dq_run_history"
            ).fetchall()
        )
    finally:
        duck.close()
    con = server.connect()
    try:
        with con.cursor() as cur:
            cur.execute(
                f'select as_of_date, rule_id, hits, outcome from "{schema}_history".dq_run_history'
            )
            out["postgres"]["history"] = sorted(cur.fetchall())
    finally:
        con.close()
    out["postgres"]["password"] = pg_env["JUVONNO_DQ_PG_PASSWORD"]
    return out


def _assert_same(results: dict[str, dict]) -> None:
    duck, pg = results["duckdb"], results["postgres"]
    assert duck["proc"].returncode == pg["proc"].returncode
    assert pg["worklist"] == duck["worklist"]
    assert pg["history"] == duck["history"]
    assert pg["history"], "no history rows"
    rules = lambda s: [(r["rule_id"], r["hits"]) for r in s["rules"]]  # noqa: E731
    assert rules(pg["summary"]) == rules(duck["summary"])


def _assert_password_nowhere(results: dict[str, dict], out: Path) -> None:
    password = results["postgres"]["password"]
    if not password:
        return  # a configured server without a password: nothing to leak
    proc = results["postgres"]["proc"]
    assert password not in proc.stdout and password not in proc.stderr
    leaks = [str(p) for p in out.rglob("*") if p.is_file() and password.encode() in p.read_bytes()]
    assert leaks == []


def test_sample_export_gives_the_same_results_on_postgres(
    sample_export: Path, tmp_path: Path, postgres_server, pg_schema
) -> None:
    results = _both_targets(sample_export, tmp_path, postgres_server, pg_schema)
    _assert_same(results)
    _assert_password_nowhere(results, tmp_path / "postgres")


@pytest.mark.slow
def test_generated_5000_customers_give_the_same_results_on_postgres(
    tmp_path: Path, postgres_server, pg_schema
) -> None:
    export = tmp_path / "export"
    gen = _run(
        [
            "generate",
            "--out",
            str(export),
            "--customers",
            "5000",
            "--seed",
            "7",
            "--as-of",
            SAMPLE_AS_OF,
        ],
        _base_env(),
    )
    assert gen.returncode == 0, gen.stderr
    results = _both_targets(export, tmp_path, postgres_server, pg_schema)
    _assert_same(results)
    assert results["postgres"]["summary"]["exit_code"] == results["duckdb"]["summary"]["exit_code"]


def test_an_unreachable_server_exits_3_without_the_password(
    sample_export: Path, tmp_path: Path, postgres_server
) -> None:
    secret = "pw-Unreachable-7f3a"
    env = (
        _base_env()
        | postgres_server.env("juvonno")
        | {"JUVONNO_DQ_PG_PORT": "1", "JUVONNO_DQ_PG_PASSWORD": secret}
    )
    proc = _run(
        [
            "run",
            "--export-dir",
            str(sample_export),
            "--out",
            str(tmp_path / "out"),
            "--target",
            "postgres",
        ],
        env,
    )
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "cannot connect to PostgreSQL" in proc.stdout + proc.stderr
    assert secret not in proc.stdout + proc.stderr
    assert not [
        p
        for p in (tmp_path / "out").rglob("*")
        if p.is_file() and secret.encode() in p.read_bytes()
    ]
