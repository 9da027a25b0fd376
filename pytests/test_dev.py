"""The data team's own dbt (README: Run dbt by hand): `juvonno-dq dev` loads an export
into the development warehouse, then the README's dbt commands run on it as typed,
from the project root, as subprocesses. Each test gives dbt a private warehouse,
target and log folder through the environment, so parallel tests never collide;
the commands themselves stay the README's."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from runner.exit_codes import ExitCode

REPO = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).parent / "dbt")
CLI = [sys.executable, "-m", "runner.cli"]
FULL_PARSE = "Unable to do partial parsing"

pytestmark = pytest.mark.xdist_group("dev_warehouse")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUVONNO_DQ_", "DBT_"))}
    (tmp_path / "dev").mkdir(exist_ok=True)
    return {
        **env,
        "JUVONNO_DQ_DEV_DUCKDB_PATH": str(tmp_path / "dev" / "juvonno_dev.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DO_NOT_TRACK": "1",
    }


def _sh(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


def _readme_dbt_commands() -> list[list[str]]:
    """The dbt commands of the README's "Run dbt by hand" block, as typed."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.split(r"\n#{2,3} ", text.split("### Run dbt by hand", 1)[1], maxsplit=1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README: Run dbt by hand has a sh block"
    lines = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines()]
    return [line.split() for line in lines if line.startswith(".venv/bin/dbt")]


def test_dev_then_the_readme_dbt_commands_keep_partial_parsing(
    tmp_path: Path, sample_export: Path
) -> None:
    env = _env(tmp_path)
    dev_file = Path(env["JUVONNO_DQ_DEV_DUCKDB_PATH"])

    # A fresh clone: no development warehouse yet. One clear message, no traceback.
    fresh = _sh([DBT, "build"], env)
    assert fresh.returncode != 0
    said = fresh.stdout + fresh.stderr
    assert f"No development warehouse at {dev_file} yet" in said
    assert "juvonno-dq dev --export-dir DIR" in said
    assert "Traceback" not in said

    loaded = _sh([*CLI, "dev", "--export-dir", str(sample_export)], env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert f"Development warehouse: {dev_file}" in loaded.stdout
    assert "as-of date 2026-11-20 (from manifest exported_at)" in loaded.stdout
    assert f"JUVONNO_DQ_DEV_DUCKDB_PATH={dev_file} .venv/bin/dbt build" in loaded.stdout
    assert (
        f"JUVONNO_DQ_DEV_DUCKDB_PATH={dev_file} .venv/bin/dbt test --selector sop" in loaded.stdout
    )
    assert dev_file.stat().st_mode & 0o077 == 0

    commands = _readme_dbt_commands()
    assert [c[1:] for c in commands] == [["build"], ["test", "--selector", "sop"], ["build"]]
    for command in commands:
        proc = _sh([DBT, *command[1:]], env)
        assert proc.returncode == 0, f"{' '.join(command)}:\n{proc.stdout[-3000:]}"
        assert (tmp_path / "target" / "partial_parse.msgpack").is_file()
    log = (tmp_path / "logs" / "dbt.log").read_text(encoding="utf-8")
    # the first build parses fully (no saved manifest); switching commands never does again
    assert log.count(FULL_PARSE) == 1 and "saved manifest not found" in log

    # plain dbt build evaluated the export as of its own date, as the runner would
    with (sample_export / "expected-worklist.csv").open(newline="") as handle:
        expected = {(int(r["customer_id"]), r["rule_id"]) for r in csv.DictReader(handle)}
    con = duckdb.connect(str(dev_file), read_only=True)
    try:
        hits = set(
            con.sql("select customer_id, rule_id from juvonno_sop.sop_violations").fetchall()
        )
        dates = con.sql("select distinct as_of_date from juvonno_sop.sop_violations").fetchall()
    finally:
        con.close()
    assert hits == expected
    assert [str(d[0]) for d in dates] == ["2026-11-20"]


def test_tags_select_what_their_names_say(tmp_path: Path) -> None:
    env = _env(tmp_path)

    def ls(selector: str, *types: str) -> set[str]:
        args = [DBT, "ls", "-q", "--select", selector, "--output", "name"]
        proc = _sh([*args, "--resource-type", *types] if types else args, env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return set(proc.stdout.split())

    pii = ls("tag:pii", "model", "source")
    assert pii == {
        "stg_juvonno__customers",
        "stg_juvonno__staff",
        "juvonno.customers",
        "juvonno.staff",
    }
    assert ls("tag:invoicing", "model") == {
        "int_customer_monthly_service_activity",
        "fct_customer_monthly_activity",
        "rpt_invoice_monthly",
    }
    sop_models = {p.stem for p in (REPO / "models" / "marts" / "sop").rglob("*.sql")}
    assert {"sop_violations", "patient_group_audit"} <= sop_models
    assert ls("tag:sop", "model") == sop_models
    rule_models = {p.stem for p in (REPO / "models" / "marts" / "sop" / "rules").glob("*.sql")}
    # each rule's is_empty test (is_empty_<model>) comes with its model
    assert {f"is_empty_{m}" for m in rule_models} <= ls("tag:sop", "test")


def test_dev_refuses_an_instance_private_warehouse_and_a_bad_export(tmp_path: Path) -> None:
    env = _env(tmp_path)
    instance = tmp_path / "out"
    (instance / "runs").mkdir(parents=True)
    (instance / "warehouse").mkdir()
    proc = subprocess.run(
        [*CLI, "dev", "--export-dir", str(tmp_path), "--warehouse", "out/warehouse/juvonno.duckdb"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == ExitCode.CANNOT_RUN
    assert (
        f"{instance / 'warehouse' / 'juvonno.duckdb'} belongs to the juvonno-dq instance"
        in proc.stderr
    )
    assert not (instance / "warehouse" / "juvonno.duckdb").exists()

    (tmp_path / "empty").mkdir()
    rejected = _sh([*CLI, "dev", "--export-dir", str(tmp_path / "empty")], env)
    assert rejected.returncode == ExitCode.BAD_INPUT
    assert "customers.csv: required file is missing" in rejected.stderr
    assert not Path(env["JUVONNO_DQ_DEV_DUCKDB_PATH"]).exists()


def test_the_runner_targets_have_no_default_warehouse(tmp_path: Path) -> None:
    """dbt run by hand with the runner's duckdb target cannot fall back to a path
    (an instance's private warehouse): the runner always sets it."""
    proc = _sh([DBT, "build", "--target", "duckdb"], _env(tmp_path))
    assert proc.returncode != 0
    assert "JUVONNO_DQ_DUCKDB_PATH" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
