"""Export freshness: `dbt source freshness` warns and errors on the history's
exported_at; `juvonno-dq check-export` alerts (exit 1 and a webhook on loopback)
when no new export has arrived by the due time, with no run involved."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pytests.dbt_harness import DbtHarness
from pytests.test_notify import webhook  # noqa: F401 - fixture
from pytests.test_run_support import CLI, SAMPLE_EXPORT, env_for
from runner.publish import history

AT = "2026-11-21T07:00:00+00:00"  # the check runs at 07:00 UTC; due by 06:00


def _freshness(h: DbtHarness, exported_hours_ago: float | None) -> str:
    con = duckdb.connect(str(h.db_path))
    try:
        con.execute("create schema if not exists juvonno_history")
        for statement in history.ddl():
            con.execute(statement)
        con.execute("delete from juvonno_history.dq_file_history")
        if exported_hours_ago is not None:
            when = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(
                hours=exported_hours_ago
            )
            con.execute(
                "insert into juvonno_history.dq_file_history (run_id, as_of_date, exported_at, table_name, file_rows) "
                "values ('r1', ?, ?, 'customers', 60)",
                [when.date(), when],
            )
    finally:
        con.close()
    run = h.dbt("source freshness", "--select", "source:juvonno_history.dq_file_history")
    assert run.exception is None, run.exception
    (result,) = [
        r for r in run.results if r["unique_id"].startswith("source.")
    ]  # not the project's hooks
    return result["status"]


def test_dbt_source_freshness_pass_warn_error(tmp_path: Path) -> None:
    h = DbtHarness(tmp_path / "wh")
    assert _freshness(h, 2) == "pass"
    assert _freshness(h, 30) == "warn"  # warn_after 26 h
    assert _freshness(h, 60) == "error"  # error_after 50 h


def _export(tmp_path: Path, exported_at: str | None) -> Path:
    d = tmp_path / "export"
    shutil.copytree(SAMPLE_EXPORT, d, copy_function=shutil.copyfile)
    manifest = json.loads((d / "manifest.json").read_text())
    if exported_at is None:
        (d / "manifest.json").unlink()
    else:
        manifest["exported_at"] = exported_at
        (d / "manifest.json").write_text(json.dumps(manifest))
    return d


def _instance(tmp_path: Path, run_exported_at: str | None) -> Path:
    """An OUT folder whose latest published run read an export of `run_exported_at`."""
    out = tmp_path / "out"
    run = out / "runs" / "20261120T013000Z-aaaaaa"
    run.mkdir(parents=True)
    summary = {"run_id": run.name, "as_of": "2026-11-20", "outcome": "findings", "finished_at": "2026-11-20T01:31:00Z",
               "export": {"exported_at": run_exported_at}}  # fmt: skip
    (run / "summary.json").write_text(json.dumps(summary))
    (out / "latest").symlink_to(Path("runs") / run.name)
    return out


def _check(export: Path, out: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    import subprocess

    cmd = [
        str(CLI),
        "check-export",
        "--export-dir",
        str(export),
        "--out",
        str(out),
        "--due-by",
        "06:00",
        "--at",
        AT,
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, env=env_for(env), timeout=120)


def test_fresh_and_processed_export_is_ok(tmp_path: Path) -> None:
    export = _export(tmp_path, "2026-11-20T23:30:00Z")
    done = _check(export, _instance(tmp_path, "2026-11-20T23:30:00Z"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "export fresh" in done.stdout and "2026-11-20T23:30:00Z (manifest)" in done.stdout


def test_stale_export_alerts_by_webhook_without_a_run(tmp_path: Path, webhook) -> None:  # noqa: F811
    url, received = webhook
    export = _export(tmp_path, "2026-11-19T23:30:00Z")  # last night's export never came
    out = _instance(tmp_path, "2026-11-19T23:30:00Z")
    done = _check(export, out, env={"JUVONNO_DQ_WEBHOOK_URL": url})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ALERT: no new export" in done.stdout and "31.5 h ago" in done.stdout
    assert len(received) == 1
    text = received[0]["body"]["text"]
    assert "ALERT: no new export" in text and "no new export since 2026-11-20T06:00:00Z" in text
    assert not (out / "runs" / ".lock").exists() and sorted(
        p.name for p in (out / "runs").iterdir()
    ) == ["20261120T013000Z-aaaaaa"]


def test_before_the_due_time_nothing_is_due(tmp_path: Path) -> None:
    export = _export(tmp_path, "2026-11-19T23:30:00Z")
    done = _check(export, _instance(tmp_path, None), "--due-by", "08:00")
    assert done.returncode == 0 and "not due yet" in done.stdout


def test_missing_export_folder_alerts(tmp_path: Path) -> None:
    done = _check(tmp_path / "nowhere", tmp_path / "out")
    assert done.returncode == 1 and "ALERT: no export" in done.stdout and "not found" in done.stdout


def test_fresh_export_no_run_read_it(tmp_path: Path) -> None:
    export = _export(tmp_path, "2026-11-20T23:30:00Z")
    done = _check(export, _instance(tmp_path, "2026-11-19T23:30:00Z"))
    assert done.returncode == 1 and "export not processed" in done.stdout
    assert _check(export, tmp_path / "empty").returncode == 1  # no run at all


def test_without_a_manifest_the_files_mtime_counts(tmp_path: Path) -> None:
    export = _export(tmp_path, None)
    old = dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC).timestamp()
    for p in export.iterdir():
        os.utime(p, (old, old))
    done = _check(export, _instance(tmp_path, None))
    assert (
        done.returncode == 1
        and "(file mtime)" in done.stdout
        and "2026-11-18T23:30:00Z" in done.stdout
    )
    new = dt.datetime(2026, 11, 20, 23, 45, tzinfo=dt.UTC).timestamp()
    os.utime(export / "customers.csv", (new, new))
    done = _check(export, _instance(tmp_path / "b", "2026-11-20T23:45:00Z"))
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    "args", [("--due-by", "25:00"), ("--at", "yesterday"), ("--max-age-hours", "0")]
)
def test_bad_options_exit_3(tmp_path: Path, args: tuple[str, str]) -> None:
    done = _check(tmp_path, tmp_path, *args)
    assert done.returncode == 3, done.stdout + done.stderr
