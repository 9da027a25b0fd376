"""Issue 11: no name, e-mail, phone or date of birth of the export in anything a run
writes, on accepted, rejected and interrupted runs: the console, every file under
OUT (published run folders, run.log, dbt's logs and OUT/.dbt/target, Data Docs,
summary.json) and every text value of the analysts' database. Only the runner's
private warehouse (juvonno.duckdb, 0600) holds the raw layer, by design; the
vendored Data Docs libraries (copied verbatim from runner/gx_assets, shared in
OUT/assets/<version>/vendor) are skipped.

A DuckDB file is scanned by its values (every column cast to text), not its bytes:
its string dictionaries put values side by side ("Test" + "active" reads "Testa").
Values that the project's own source also holds (its synthetic unit-test rows and
docs use the same name vocabulary as the sample, e.g. `Testa` in macros/text/words.sql)
are left out: dbt's target/ holds the project's source, and nothing would tell the two
apart."""

from __future__ import annotations

import csv
import os
import shutil
import signal
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import REPO
from pytests.hardening_support import hostile_run  # noqa: F401 - fixture
from pytests.test_run_support import (  # noqa: F401 - fixture
    AS_OF,
    PII_COLUMNS,
    SAMPLE_EXPORT,
    baseline,
    copy_instance,
    kill_group,
    run_cli,
    start_cli,
    wait_for,
)

pytestmark = pytest.mark.xdist_group("runner-baseline")

PRIVATE_WAREHOUSE = "juvonno.duckdb"


PROJECT_SOURCES = (
    "models",
    "macros",
    "tests",
    "seeds",
    "snapshots",
    "expectations",
    "dbt_project.yml",
)


def _project_text() -> str:
    parts = []
    for name in PROJECT_SOURCES:
        root = REPO / name
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        parts += [p.read_text(encoding="utf-8", errors="replace") for p in files]
    return "\n".join(parts)


def personal_values(export: Path) -> set[str]:
    """Every personal value of the export (names, e-mail, phone, date of birth) of 4+
    characters that the project's own source does not hold."""
    values: set[str] = set()
    for name in ("customers.csv", "staff.csv"):
        with (export / name).open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for col in PII_COLUMNS:
                    v = (row.get(col) or "").strip()
                    if len(v) >= 4:
                        values.add(v)
    project = _project_text()
    return {v for v in values if v not in project}


def _written_files(out: Path) -> list[Path]:
    files = []
    for dirpath, dirnames, filenames in os.walk(out):
        # a run's data-docs/static/vendor, or the one they share in OUT/assets/<version>/vendor
        dirnames[:] = [
            d
            for d in dirnames
            if not (
                d == "vendor"
                and (Path(dirpath).name == "static" or Path(dirpath).parent.name == "assets")
            )
        ]
        for f in filenames:
            p = Path(dirpath) / f
            if p.is_file() and not p.is_symlink() and p.name != PRIVATE_WAREHOUSE:
                files.append(p)
    return files


def _analysts_text(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        parts = []
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type in ('VARCHAR', 'DATE') or data_type like 'VARCHAR%'"
        ).fetchall()
        for schema, table, column in columns:
            rows = con.execute(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}"'
            ).fetchall()
            parts.extend(str(v) for (v,) in rows if v is not None)
        return "\n".join(parts)
    finally:
        con.close()


def _inlined_library_code() -> list[bytes]:
    """The vendored libraries report.html inlines verbatim (Vega for the trend, Tabulator
    for the worklist): library code with colour and sample words, not data. The page's
    own data around them is still scanned."""
    from runner.publish.report import _vendored
    from runner.publish.report_watch import vega_sources

    code = [*vega_sources(), _vendored("tabulator.min.js"), _vendored("tabulator.min.css")]
    return [c.encode("utf-8") for c in code]


def assert_nothing_personal(out: Path, console: str, values: set[str]) -> int:
    """Fails naming the file (never the value) that holds one; returns the files scanned."""
    files = _written_files(out)
    libraries = _inlined_library_code()
    assert files
    found = [("console", v) for v in values if v in console]
    for path in files:
        if path.suffix == ".duckdb":
            text = _analysts_text(path)
            found += [(f"{path.relative_to(out)} (a value)", "…") for v in values if v in text]
            continue
        data = path.read_bytes()
        if path.suffix == ".html":
            for code in libraries:
                data = data.replace(code, b"")
        found += [(str(path.relative_to(out)), "…") for v in values if v.encode("utf-8") in data]
    assert not found, f"personal data in: {sorted({f for f, _ in found})}"
    return len(files)


def test_sample_holds_the_values_we_look_for() -> None:
    values = personal_values(SAMPLE_EXPORT)
    assert len(values) > 100  # after leaving out the few the project's source holds too
    assert "priyachen2002@outlook.com" in values and "2002-07-13" in values


def test_accepted_run_writes_nothing_personal(hostile_run) -> None:  # noqa: F811
    done, _, export = hostile_run
    assert (done.out / "warehouse" / "analysts.duckdb").exists() and (done.out / ".dbt").is_dir()
    scanned = assert_nothing_personal(done.out, done.console, personal_values(export))
    assert scanned > 20


def test_rejected_run_writes_nothing_personal(baseline, tmp_path: Path) -> None:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path / "out")
    bad = tmp_path / "bad"
    shutil.copytree(SAMPLE_EXPORT, bad, copy_function=shutil.copyfile)
    (bad / "manifest.json").unlink()
    lines = (bad / "customers.csv").read_text(encoding="utf-8").split("\n")
    (bad / "customers.csv").write_text("\n".join(lines[1:]), encoding="utf-8")  # header row lost
    staff = (bad / "staff.csv").read_text(encoding="utf-8").split("\n")
    fields = staff[2].split(",")
    fields[4] = fields[2]  # a first name shifted into staff_type (an enum)
    staff[2] = ",".join(fields)
    (bad / "staff.csv").write_text("\n".join(staff), encoding="utf-8")
    done = run_cli(out, export=bad)
    assert done.code == 2, done.console
    assert "customers.csv" in done.stdout and "staff.csv row 2, column staff_type" in done.stdout
    assert_nothing_personal(out, done.console, personal_values(SAMPLE_EXPORT))


@pytest.mark.slow
def test_interrupted_run_writes_nothing_personal(baseline, tmp_path: Path) -> None:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path / "out")
    # dbt finishes the nodes already running before it stops: the pause (in a dbt
    # worker thread) is short, as a running query would be.
    proc = start_cli(
        out,
        "--as-of",
        AS_OF,
        env={"JUVONNO_DQ_TEST_PAUSE_AT": "dbt", "JUVONNO_DQ_TEST_PAUSE_SECONDS": "5"},
    )
    try:
        wait_for(out / ".test-paused-at-dbt", proc)
        os.kill(proc.pid, signal.SIGTERM)
        console, _ = proc.communicate(timeout=120)
    finally:
        kill_group(proc)
    (out / ".test-paused-at-dbt").unlink()
    assert proc.returncode == 3, console
    assert "interrupted by SIGTERM" in console
    assert_nothing_personal(out, console, personal_values(SAMPLE_EXPORT))
