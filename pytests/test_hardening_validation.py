"""Issue 11's reproduced attacks on the validator, one test each (each failed before
its fix): personal data in messages, the export folder as a boundary, the manifest's
names and exported_at, bad input that used to be exit 3, .xlsx truncation, NUL
bytes, PostgreSQL's 63-byte identifiers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from pytests.test_run_support import pii_values
from runner.contract import TABLES
from runner.export.headers import MAX_IDENTIFIER_BYTES, map_headers
from runner.export.report import format_report
from runner.export.validate import BLANK_LINES_RUN, Kind, ValidatedExport, validate_export

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def export(tmp_path: Path, sample_export: Path) -> Path:
    out = tmp_path / "export"
    out.mkdir()
    for name in TABLES:
        shutil.copyfile(sample_export / f"{name}.csv", out / f"{name}.csv")
    return out


def validate(export_dir: Path, today: dt.date = TODAY) -> ValidatedExport:
    return validate_export(export_dir, export_dir.parent / "work", today=today)


def everything_said(v: ValidatedExport) -> str:
    return "\n".join([format_report(v), *v.notices, *(json.dumps(p.as_dict()) for p in v.problems)])


def assert_no_personal_value(v: ValidatedExport, export_dir: Path) -> None:
    said = everything_said(v)
    for value in pii_values(export_dir):
        assert value not in said, value


def problem_files(v: ValidatedExport) -> set[str]:
    return {p.file for p in v.problems}


# -- 1. personal data in rejection messages -------------------------------------------


def test_missing_header_row_is_described_by_positions_and_lengths(
    export: Path, sample_export: Path
) -> None:
    path = export / "customers.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text(
        "\n".join(lines[1:]), encoding="utf-8"
    )  # the header row lost: row 1 becomes the "header"
    v = validate(export)
    assert not v.ok and "customers.csv" in problem_files(v)
    missing = [p for p in v.problems if p.kind == Kind.MISSING_COLUMN]
    assert {p.column for p in missing} == {"id", "status", "created"}
    assert (
        "the header has 12 field(s): 1 (5 characters), 2 (9 characters), 3 (5 characters)"
        in str(missing[0])
    )
    assert_no_personal_value(v, sample_export)
    first_row = lines[1].split(",")
    said = everything_said(v)
    for value in first_row:
        if len(value) >= 4:
            assert value not in said, value


def test_a_name_shifted_into_an_enum_column_is_not_shown(export: Path) -> None:
    path = export / "customers.csv"
    rows = path.read_text(encoding="utf-8").split("\n")
    fields = rows[3].split(",")
    i = rows[0].split(",").index("status")
    fields[i] = "Joseph"
    rows[3] = ",".join(fields)
    path.write_text("\n".join(rows), encoding="utf-8")
    v = validate(export)
    (p,) = v.problems
    assert (p.file, p.row, p.column, p.kind) == ("customers.csv", 3, "status", Kind.ENUM)
    assert "Joseph" not in everything_said(v)
    assert str(p).startswith(
        "customers.csv row 3, column status: <shaped Aaaaaa, 6 characters> is not one of active"
    )


# -- 6. the export folder is a boundary -------------------------------------------------


def test_symlinked_file_is_rejected_not_followed(export: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text(
        "id,num,first_name,last_name,staff_type,status\n1,S,Secret,Outsider,Therapist,active\n"
    )
    (export / "staff.csv").unlink()
    (export / "staff.csv").symlink_to(outside)
    v = validate(export)
    (p,) = v.problems
    assert (p.file, p.kind) == ("staff.csv", Kind.NOT_REGULAR)
    assert str(p).startswith("staff.csv: is a symbolic link, not a regular file")
    assert "Secret" not in everything_said(v) and "Outsider" not in everything_said(v)


def test_symlink_inside_the_folder_and_a_folder_and_a_fifo_are_rejected(export: Path) -> None:
    (export / "icbt_activity.csv").rename(export / "elsewhere.txt")
    (export / "icbt_activity.csv").symlink_to("elsewhere.txt")
    (export / "staff.csv").unlink()
    (export / "staff.csv").mkdir()
    (export / "encounters.csv").unlink()
    os.mkfifo(export / "encounters.csv")  # would block a reader for ever
    (export / "manifest.json").symlink_to("/etc/hostname")
    v = validate(export)
    kinds = {(p.file, p.kind, p.value) for p in v.problems}
    assert kinds == {
        ("icbt_activity.csv", Kind.NOT_REGULAR, "a symbolic link"),
        ("staff.csv", Kind.NOT_REGULAR, "a folder"),
        ("encounters.csv", Kind.NOT_REGULAR, "a FIFO (named pipe)"),
        ("manifest.json", Kind.NOT_REGULAR, "a symbolic link"),
    }


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "/etc/shadow", "sub/customers.csv", "notes.txt", ".."]
)
def test_manifest_names_only_plain_contract_files(export: Path, name: str) -> None:
    (export / "manifest.json").write_text(
        json.dumps({"files": {name: {"rows": 1, "sha256": "0" * 64}}})
    )
    v = validate(export)
    (p,) = v.problems
    assert (p.file, p.kind) == ("manifest.json", Kind.MANIFEST)
    assert "plain file names of the contract" in p.expected
    assert "SHA-256" not in str(p)  # nothing outside the folder is read or hashed


# -- 4. / 8. exported_at ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exported_at", "shown"),
    [
        ("2099-01-01T00:00:00Z", "a date in the future (2099-01-01)"),
        ("2026-12-03", "a date in the future (2026-12-03)"),
        (20261120, "a JSON number"),
        ("yesterday", "<shaped aaaaaaaaa, 9 characters>"),
        ("2026-02-30", "<shaped 9999-99-99, 10 characters>"),
        (["2026-11-20"], "a JSON list"),
    ],
)
def test_exported_at_must_be_an_iso_string_not_in_the_future(
    export: Path, exported_at: object, shown: str
) -> None:
    (export / "manifest.json").write_text(json.dumps({"exported_at": exported_at, "files": {}}))
    v = validate(export)
    (p,) = v.problems
    assert (p.file, p.column, p.kind, p.value) == (
        "manifest.json",
        "exported_at",
        Kind.MANIFEST,
        shown,
    )
    assert "not after the run's date 2026-12-01 plus one day" in p.expected
    assert v.manifest_exported_at is None


@pytest.mark.parametrize(
    "exported_at", ["2026-12-02T23:59:59+01:00", "2026-11-20", "2026-11-20 23:30"]
)
def test_exported_at_up_to_one_day_of_clock_skew_is_accepted(
    export: Path, exported_at: str
) -> None:
    (export / "manifest.json").write_text(json.dumps({"exported_at": exported_at, "files": {}}))
    v = validate(export)
    assert v.ok, v.problems
    assert v.manifest_exported_at == exported_at


def test_manifest_entry_types_are_checked(export: Path) -> None:
    (export / "manifest.json").write_text(
        json.dumps({"files": {"staff.csv": {"rows": "10", "sha256": "../x"}}})
    )
    v = validate(export)
    assert {(p.file, p.kind) for p in v.problems} == {("staff.csv", Kind.MANIFEST)}
    assert len(v.problems) == 2


def test_huge_or_deep_manifest_is_bad_input(export: Path) -> None:
    (export / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    (p,) = validate(export).problems
    assert (p.file, p.kind) == ("manifest.json", Kind.MANIFEST)
    (export / "manifest.json").write_bytes(b" " * (2 << 20) + b"{}")
    (p,) = validate(export).problems
    assert "larger than" in p.expected


# -- 8. bad input that was exit 3 ------------------------------------------------------------


def test_header_field_over_128_kib_is_a_rejection(export: Path) -> None:
    path = export / "staff.csv"
    path.write_bytes(
        b"id,num,"
        + b"x" * (200 << 10)
        + b",last_name,staff_type,status\n"
        + b"1,2,3,4,Other,active\n"
    )
    (p,) = validate(export).problems
    assert (p.file, p.kind) == ("staff.csv", Kind.MALFORMED)
    assert "header fields of at most" in p.expected


def test_header_row_over_a_mib_is_a_rejection(export: Path) -> None:
    path = export / "staff.csv"
    path.write_bytes(b",".join([b"x" * 1000] * 2000) + b"\n")
    (p,) = validate(export).problems
    assert (p.file, p.kind) == ("staff.csv", Kind.MALFORMED)
    assert "header row shorter than" in p.expected


@pytest.mark.parametrize("header", [True, False])
def test_gzip_of_endless_blank_lines_is_rejected_quickly(export: Path, header: bool) -> None:
    """64 MiB of blank lines (the attack used 2 GB; the scan stops after BLANK_LINES_RUN of them)."""
    path = export / "icbt_activity.csv"
    head = path.read_bytes().split(b"\n")[0] + b"\n" if header else b""
    with gzip.open(export / "icbt_activity.csv.gz", "wb", compresslevel=1) as gz:
        gz.write(head)
        block = b"\n" * (1 << 20)
        for _ in range(64):
            gz.write(block)
    path.unlink()
    v = validate(export)
    (p,) = v.problems
    assert (p.file, p.kind) == ("icbt_activity.csv.gz", Kind.MALFORMED)
    assert f"at most {BLANK_LINES_RUN:,} blank lines in a row" in p.expected


def test_extra_headers_colliding_after_63_bytes_get_distinct_names() -> None:
    long = "referral_source_" + "x" * 80
    hmap = map_headers(TABLES["staff"], ["id", "staff_type", long + "a", long + "b", "É" * 40])
    names = hmap.extra_names()
    assert len(set(names)) == 3
    assert all(len(n.encode()) <= MAX_IDENTIFIER_BYTES for n in names)
    assert names[0] == long[:MAX_IDENTIFIER_BYTES] and names[1].endswith("_2")
    assert map_headers(TABLES["staff"], ["<script>alert(1)</script>"]).extra_names() == (
        "_script_alert_1___script_",
    )


def test_nul_bytes_are_a_rejection(export: Path) -> None:
    path = export / "appointments.csv"
    data = path.read_bytes()
    second = data.index(b"\n", data.index(b"\n") + 1)
    path.write_bytes(data[: second - 3] + b"\x00" + data[second - 3 :])
    (p,) = [p for p in validate(export).problems if p.kind == Kind.NUL_BYTE]
    assert p.file == "appointments.csv"
    assert (
        str(p)
        == "appointments.csv: holds a NUL byte at byte 187 of the CSV text (expected text without NUL bytes (a database cannot store them))"
    )


# -- 5. .xlsx whose <dimension> lies ----------------------------------------------------------


def test_xlsx_with_a_lying_dimension_record_loads_every_row(export: Path) -> None:
    import openpyxl

    src = export / "appointments.csv"
    import csv

    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    honest = export / "honest.xlsx"
    wb.save(honest)
    # Rewrite <dimension ref="A1:J313"/> to say 101 rows.
    target = export / "appointments.xlsx"
    with zipfile.ZipFile(honest) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert f'<dimension ref="A1:J{len(rows)}" />'.encode() in data
                data = data.replace(
                    f'<dimension ref="A1:J{len(rows)}" />'.encode(), b'<dimension ref="A1:J101" />'
                )
            zout.writestr(item, data)
    honest.unlink()
    src.unlink()
    v = validate(export)
    assert v.ok, v.problems
    assert v.files["appointments"].rows == len(rows) - 1 == 312


# -- 10. unknown schedule types and templates ----------------------------------------------------


def test_unknown_schedule_types_and_templates_are_notices(export: Path) -> None:
    import csv

    def rename(table: str, column: str, every: int, name: str) -> int:
        path = export / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        i = rows[0].index(column)
        changed = 0
        for r in rows[1::every]:
            r[i] = name
            changed += 1
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
        return changed

    yoga = rename("appointments", "schedule_type_name", 50, "  Yoga Session ")
    rename("encounters", "template_name", 90, "Risk Review\r\n" + "x" * 200)
    v = validate(export)
    assert v.ok, v.problems
    (sched,) = [
        n
        for n in v.notices
        if n.startswith("appointments.csv: 1 schedule type name(s) not in the schedule_types seed")
    ]
    assert f"'Yoga Session' ({yoga:,} rows)" in sched
    (tmpl,) = [
        n
        for n in v.notices
        if n.startswith("encounters.csv: 1 template name(s) not in the encounter_templates seed")
    ]
    assert (
        "'Risk Review\\r\\nxxx" in tmpl and "x" * 61 not in tmpl
    )  # control characters escaped, cut to 60


def test_known_names_in_any_case_are_not_notices(export: Path) -> None:
    v = validate(export)
    assert not [n for n in v.notices if "seed" in n]


def test_xlsx_cell_with_a_bare_carriage_return_stays_one_record(
    export: Path, tmp_path: Path
) -> None:
    import csv

    import duckdb
    import openpyxl

    from runner.export.load import load_duckdb

    with (export / "customers.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("chart_num")] = "\r99999,FORGED"
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(export / "customers.xlsx")
    (export / "customers.csv").unlink()
    v = validate(export)
    assert v.ok, v.problems
    assert v.files["customers"].rows == len(rows) - 1
    load_duckdb(tmp_path / "w.duckdb", v)
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute(
        "select count(*), count(*) filter (where chart_num like '%99999,FORGED') from juvonno_raw.customers"
    ).fetchone() == (60, 1)
