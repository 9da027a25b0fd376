"""Validate while loading (runner/export/fused.py): the same verdict as the streaming
validator, the same raw layer as the loader, each CSV read once; a rejected export
leaves everything published byte for byte as it was."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings

from pytests.hardening_support import write_hostile_export
from pytests.test_fuzz_export import mutated_exports
from pytests.test_run_support import (  # noqa: F401 - fixture
    AS_OF,
    SAMPLE_EXPORT,
    baseline,
    copy_instance,
    run_cli,
)
from runner.contract import MANIFEST_FILE, TABLES
from runner.exit_codes import ExitCode
from runner.export.fused import validate_and_load
from runner.export.load import RAW_SCHEMA, load_duckdb
from runner.export.validate import ValidatedExport, validate_export

EXAMPLES = int(os.environ.get("JUVONNO_DQ_FUZZ_EXAMPLES", "60"))


def _verdict(v: ValidatedExport) -> tuple:  # type: ignore[type-arg]
    files = {
        name: (f.path.name, f.format, f.rows, f.sha256, f.headers, f.extra_columns)
        for name, f in v.files.items()
    }
    return (
        [str(p) for p in v.problems],
        list(v.notices),
        dict(v.problem_totals),
        files,
        v.manifest_exported_at,
    )


def _raw_layer(db: Path) -> dict[str, tuple]:  # type: ignore[type-arg]
    """Every raw table: its columns and types, and its rows in order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        return {
            t: (
                con.execute(f"describe {RAW_SCHEMA}.{t}").fetchall(),
                con.execute(f"select * from {RAW_SCHEMA}.{t} order by rowid").fetchall(),
            )
            for t in names
        }
    finally:
        con.close()


def _both(export: Path, work: Path) -> tuple[ValidatedExport, ValidatedExport]:
    """(streaming validator + loader, fused); when accepted, the same raw layer."""
    old = validate_export(export, work / "old")
    new = validate_and_load(export, work / "new", work / "fused.duckdb")
    assert _verdict(new) == _verdict(old)
    if old.ok:
        load_duckdb(work / "loaded.duckdb", old)
        assert _raw_layer(work / "fused.duckdb") == _raw_layer(work / "loaded.duckdb")
    return old, new


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_exports())
def test_fused_verdict_and_raw_layer_equal_validate_then_load(case) -> None:  # type: ignore[no-untyped-def]
    root, export, _applied = case
    try:
        _both(export, root / "work")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _sample(dst: Path) -> Path:
    shutil.copytree(SAMPLE_EXPORT, dst, copy_function=shutil.copyfile)
    (dst / MANIFEST_FILE).unlink()  # the edits below would break its hashes
    return dst


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _edit(path: Path, column: str, values: dict[int, str]) -> None:
    """Set `column` of data rows (1-based) to the given raw text."""
    rows = _rows(path)
    at = rows[0].index(column)
    for row, text in values.items():
        rows[row][at] = text
    _write(path, rows)


def test_the_sample_and_the_hostile_export_agree(tmp_path: Path) -> None:
    old, _ = _both(SAMPLE_EXPORT, tmp_path / "sample")
    assert old.ok
    write_hostile_export(tmp_path / "hostile")
    old, _ = _both(tmp_path / "hostile", tmp_path / "hostile-work")
    assert old.ok and old.files["customers"].extra_columns


def test_pairs_on_customer_id_text_not_its_number(tmp_path: Path) -> None:
    """The pair key is customer_id's text: '012' and '12' are two pairs (streaming
    pass), although the loaded numbers are equal; a leading-zero id is valid."""
    export = _sample(tmp_path / "export")
    path = export / "customer_groups.csv"
    rows = _rows(path)
    cid, gname = rows[0].index("customer_id"), rows[0].index("group_name")
    first = rows[1]
    assert first[gname]
    twin = list(first)
    twin[cid] = "0" + first[cid]  # same number, other text
    _write(path, [*rows, twin, list(first)])  # and a real repeat of the first pair
    old, _ = _both(export, tmp_path / "work")
    assert old.ok
    repeated = [n for n in old.notices if "repeated (customer_id, group_name)" in n]
    assert repeated and repeated[0].startswith("customer_groups.csv: 1 repeated")


def test_unknown_names_repeats_and_bad_values_agree(tmp_path: Path) -> None:
    export = _sample(tmp_path / "export")
    _edit(
        export / "appointments.csv",
        "schedule_type_name",
        {2: "Brand new type", 5: " Brand new type "},
    )
    _edit(
        export / "appointments.csv", "duration", {3: " 50 "}
    )  # padded: pass 1 flags, pass 2 clears
    _edit(export / "encounters.csv", "id", {4: "+7", 6: "abc"})
    _edit(export / "customers.csv", "id", {3: "00" + _rows(export / "customers.csv")[2][0]})
    old, _ = _both(export, tmp_path / "work")
    assert not old.ok
    said = [str(p) for p in old.problems]
    assert any("encounters.csv row 4, column id" in s for s in said), said
    assert any("customers.csv row 3, column id" in s and "unique" in s for s in said), said
    assert not any("appointments.csv" in s for s in said), said
    assert any("not in the schedule_types seed" in n for n in old.notices)


def test_an_extra_column_named_rowid_or_like_a_flag(tmp_path: Path) -> None:
    export = _sample(tmp_path / "export")
    path = export / "customer_groups.csv"
    rows = _rows(path)
    rows = [rows[0] + ["rowid", "juvonno bad 0"]] + [
        [*r, str(9 - i % 7), "x"] for i, r in enumerate(rows[1:])
    ]
    # a repeated pair, its row found in file order (not by the extra rowid column)
    _write(path, [*rows, rows[1]])
    n = len(rows)
    old, _ = _both(export, tmp_path / "work")
    assert old.ok
    assert any(f"first repeat at row {n}" in x for x in old.notices), old.notices


class _Reads:
    """duckdb.connect, spied: how many executed statements read each CSV."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts: Counter[str] = Counter()
        real = duckdb.connect
        spy = self

        class Connection:
            def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
                self._con = con

            def execute(self, sql: str, *args):  # type: ignore[no-untyped-def]
                for path in re.findall(r"read_csv\('([^']+)'", sql):
                    spy.counts[Path(path).name] += 1
                return self._con.execute(sql, *args)

            def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
                return getattr(self._con, name)

        monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Connection(real(*a, **k)))


def test_each_csv_is_read_once_on_a_clean_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole run in this process (dbt too; GX's child is another process and reads
    no CSV) executes one read_csv per CSV; the streaming validator and the loader
    read each one twice (the control: the spy sees what it counts)."""
    from runner.pipeline import run_pipeline
    from runner.run.state import RunRequest

    reads = _Reads(monkeypatch)
    request = RunRequest(
        export_dir=SAMPLE_EXPORT, out=tmp_path / "out", as_of=dt.date.fromisoformat(AS_OF)
    )
    assert run_pipeline(request) == ExitCode.OK
    csvs = {f"{name}.csv" for name in TABLES}
    assert dict(reads.counts) == dict.fromkeys(csvs, 1)
    assert (tmp_path / "out" / "latest" / "summary.json").is_file()

    reads.counts.clear()
    load_duckdb(tmp_path / "old.duckdb", validate_export(SAMPLE_EXPORT, tmp_path / "work-old"))
    assert dict(reads.counts) == dict.fromkeys(csvs, 2)


def _tree(path: Path) -> dict[str, str]:
    """Every file under path (links followed) with the sha256 of its bytes."""
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


@pytest.mark.xdist_group("runner-baseline")  # the shared baseline instance
@pytest.mark.parametrize("problem", ["last file", "manifest"])
def test_a_rejected_export_leaves_everything_published_byte_identical(
    baseline,  # noqa: F811
    tmp_path: Path,
    problem: str,
) -> None:
    """Every file but one (or every file, and then the manifest) is loaded into the
    build before the problem is found: the build is discarded, nothing published moves."""
    out = copy_instance(baseline.out, tmp_path / "out")
    bad = tmp_path / "bad-export"
    shutil.copytree(SAMPLE_EXPORT, bad, copy_function=shutil.copyfile)
    if problem == "last file":
        (bad / MANIFEST_FILE).unlink()
        last = list(TABLES)[-1]
        _edit(bad / f"{last}.csv", TABLES[last].columns[0].name, {2: "not-an-id"})
    else:  # the files are fine; the manifest's hash of one is not
        text = (bad / MANIFEST_FILE).read_text(encoding="utf-8")
        (bad / MANIFEST_FILE).write_text(re.sub(r"[0-9a-f]{64}", "0" * 64, text, count=1))
    published = {
        "warehouse": _tree(out / "warehouse"),
        "latest": _tree(out / "latest"),
        "latest link": os.readlink(out / "latest"),
    }
    done = run_cli(out, export=bad)
    assert done.code == 2, done.console
    logs = [
        r.read_text()
        for r in (out / "runs").glob("*/run.log")
        if "the export was rejected" in r.read_text()
    ]
    assert len(logs) == 1 and "validate and load: done in" in logs[0]  # the fused path ran
    assert {
        "warehouse": _tree(out / "warehouse"),
        "latest": _tree(out / "latest"),
        "latest link": os.readlink(out / "latest"),
    } == published
    assert not list((out / "warehouse" / "build").iterdir())
    assert "Traceback" not in done.console


@pytest.mark.parametrize("bad", [False, True])
def test_workbook_and_gzip_files_agree(tmp_path: Path, bad: bool) -> None:
    """An .xlsx (loaded from its converted CSV) and a .csv.gz, clean and with a bad value."""
    import gzip

    from pytests.test_export_validation import _to_xlsx

    export = _sample(tmp_path / "export")
    if bad:
        _edit(export / "customers.csv", "status", {4: "not-a-status"})
        _edit(export / "appointments.csv", "duration", {7: "-5"})
    _to_xlsx(export / "customers.csv")
    raw = (export / "appointments.csv").read_bytes()
    (export / "appointments.csv.gz").write_bytes(gzip.compress(raw))
    (export / "appointments.csv").unlink()
    old, _ = _both(export, tmp_path / "work")
    assert old.ok is not bad
    assert {old.files["customers"].format, old.files["appointments"].format} == {"xlsx", "csv.gz"}


def test_the_load_runs_under_the_duckdb_limits_dbt_gets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate and load's connection has dbt's memory_limit and threads (it spills to
    the build's .tmp/ as dbt does), not DuckDB's default of 80 % of the machine."""
    from runner.warehouse.duckdb import DuckDBWarehouse

    monkeypatch.setenv("JUVONNO_DQ_DUCKDB_MEMORY_LIMIT", "321MB")
    monkeypatch.setenv("JUVONNO_DQ_DUCKDB_THREADS", "1")
    seen: list[tuple[str, str]] = []
    real = duckdb.connect

    class Connection:
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self._con = con

        def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
            if sql.startswith(f"create or replace table {RAW_SCHEMA}."):
                seen.append(
                    self._con.execute(
                        "select current_setting('memory_limit'), current_setting('threads')"
                    ).fetchone()  # type: ignore[arg-type]
                )
            return self._con.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

    monkeypatch.setattr(duckdb, "connect", lambda *a, **k: Connection(real(*a, **k)))
    wh = DuckDBWarehouse(out=tmp_path / "out")
    wh.prepare_build("limits-test")
    try:
        export = wh.validate_and_load(SAMPLE_EXPORT, tmp_path / "work", dt.date(2026, 11, 20))
        assert export.ok
    finally:
        wh.discard()
    assert len(seen) >= len(TABLES)  # every file's table (and export_files)
    assert set(seen) == {("306.1 MiB", 1)}  # 321 MB in DuckDB's binary units
