"""The run's console output and run.log (no dbt: fast), and the deploy examples."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import click

from pytests.conftest import REPO
from runner.progress import Progress


def test_plain_lines_when_not_a_tty(tmp_path: Path) -> None:
    stream = io.StringIO()
    p = Progress(stream=stream, tty=False)
    p.info("before the log exists")
    p.attach_file(tmp_path / "run.log")
    with p.step("dbt build"):
        p.update("3 nodes done")  # TTY only
        p.detail("run.log only")
    try:
        raise ValueError("boom")
    except ValueError:
        p.exception("internal error: ValueError: boom")
    p.close()
    lines = stream.getvalue().splitlines()
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", line) for line in lines), lines
    assert [line[21:] for line in lines] == [
        "before the log exists",
        "dbt build ...",
        lines[2][21:],
        "internal error: ValueError: boom",
    ]
    assert lines[2][21:].startswith("dbt build: done in ")
    log = (tmp_path / "run.log").read_text()
    assert "before the log exists" in log and "run.log only" in log
    assert "Traceback" in log and "Traceback" not in stream.getvalue()
    assert (tmp_path / "run.log").stat().st_mode & 0o077 == 0


def test_rich_status_on_a_tty(tmp_path: Path) -> None:
    stream = io.StringIO()
    p = Progress(stream=stream, tty=True)
    p.attach_file(tmp_path / "run.log")
    with p.step("load raw"):
        p.update("loading")
    p.close()
    text = stream.getvalue()
    assert "load raw: done in" in text
    assert "\x1b[" in text  # a live terminal display, not plain lines


def test_library_logging_goes_to_run_log_not_console(tmp_path: Path, capsys) -> None:
    import logging

    p = Progress(stream=io.StringIO(), tty=False)
    p.attach_file(tmp_path / "run.log")
    logging.getLogger("great_expectations.x").warning("No sqlalchemy dialect found")
    p.close()
    captured = capsys.readouterr()
    assert "dialect" not in captured.err + captured.out
    assert "No sqlalchemy dialect found" in (tmp_path / "run.log").read_text()


def test_deploy_config_example_names_real_options() -> None:
    from runner.commands.run import run

    data = tomllib.loads((REPO / "deploy" / "juvonno-dq.toml.example").read_text())
    names = {p.name for p in run.params}
    assert set(data["run"]) <= names
    ctx = click.Context(run, default_map=data["run"])
    assert run.make_context("run", [], default_map=data["run"]).params["keep_runs"] == 90
    assert ctx.lookup_default("out") == "/srv/juvonno-dq"


def test_systemd_units_point_at_each_other() -> None:
    service = (REPO / "deploy" / "systemd" / "juvonno-dq.service").read_text()
    timer = (REPO / "deploy" / "systemd" / "juvonno-dq.timer").read_text()
    assert "Type=oneshot" in service and "juvonno-dq --config" in service and " run" in service
    assert (
        "Unit=juvonno-dq.service" in timer and "OnCalendar=" in timer and "Persistent=true" in timer
    )
