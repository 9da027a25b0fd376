"""The export contract's "Bad input" section and its accepted variants, one test each.

Each test copies the shared sample export into tmp_path (without manifest.json
unless the manifest is under test), breaks or varies one thing, and checks the
problems (file, row, column, value, expected) or, for a variant, what loads.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from runner.contract import TABLES
from runner.export.load import load_duckdb
from runner.export.problems import shape
from runner.export.report import format_report
from runner.export.validate import LISTED_PER_GROUP, Kind, Problem, ValidatedExport, validate_export

SAMPLE_ROWS = {
    "customers": 60,
    "customer_groups": 61,
    "appointments": 312,
    "staff": 10,
    "encounters": 181,
    "icbt_activity": 10,
}


# --------------------------------------------------------------------------- helpers


@pytest.fixture
def export(tmp_path: Path, sample_export: Path) -> Path:
    """A writable copy of the sample export, without its manifest."""
    out = tmp_path / "export"
    out.mkdir()
    for name in TABLES:
        shutil.copyfile(sample_export / f"{name}.csv", out / f"{name}.csv")
    return out


def validate(export_dir: Path) -> ValidatedExport:
    return validate_export(export_dir, export_dir.parent / "work")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cell(export_dir: Path, table: str, row: int, column: str, value: str) -> str:
    """Set data row `row` (1-based) of `column`; returns the value it replaced."""
    path = export_dir / f"{table}.csv"
    rows = read_rows(path)
    i = rows[0].index(column)
    old = rows[row][i]
    rows[row][i] = value
    write_rows(path, rows)
    return old


def load_into(tmp_path: Path, validated: ValidatedExport) -> duckdb.DuckDBPyConnection:
    db = tmp_path / "warehouse.duckdb"
    load_duckdb(db, validated)
    return duckdb.connect(str(db), read_only=True)


def only(problems: list[Problem], **match: object) -> Problem:
    found = [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one problem matching {match}, got {found} among {problems}"
    return found[0]


def assert_loads(
    tmp_path: Path, validated: ValidatedExport, rows: dict[str, int] | None = None
) -> duckdb.DuckDBPyConnection:
    assert validated.ok, [str(p) for p in validated.problems]
    con = load_into(tmp_path, validated)
    for table, n in (rows or SAMPLE_ROWS).items():
        assert con.execute(f"select count(*) from juvonno_raw.{table}").fetchone()[0] == n, table
    return con


# --------------------------------------------------------------------------- the sample


def test_sample_export_validates_with_manifest(sample_export: Path, tmp_path: Path) -> None:
    validated = validate_export(sample_export, tmp_path / "work")
    assert validated.problems == []
    assert validated.ok
    assert validated.manifest_exported_at == "2026-11-20T23:30:00Z"
    assert {t: f.rows for t, f in validated.files.items()} == SAMPLE_ROWS
    manifest = json.loads((sample_export / "manifest.json").read_text())
    for f in validated.files.values():
        assert f.sha256 == manifest["files"][f.path.name]["sha256"]
        assert f.format == "csv" and f.load_path == f.path
        assert f.extra_columns == ()
    assert_loads(tmp_path, validated)


# --------------------------------------------------------------------------- rejections: files


def test_required_file_missing(export: Path) -> None:
    (export / "staff.csv").unlink()
    p = only(validate(export).problems, kind=Kind.MISSING_FILE)
    assert (p.file, p.row, p.column, p.value) == ("staff.csv", None, None, None)
    assert "staff.csv or staff.csv.gz or staff.xlsx" in p.expected
    assert str(p).startswith("staff.csv: required file is missing")


def test_optional_file_missing_is_not_a_problem(export: Path, tmp_path: Path) -> None:
    (export / "icbt_activity.csv").unlink()
    validated = validate(export)
    assert any("icbt_activity" in n and "empty table" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated, {**SAMPLE_ROWS, "icbt_activity": 0})
    assert [r[0] for r in con.execute("describe juvonno_raw.icbt_activity").fetchall()] == list(
        TABLES["icbt_activity"].column_names
    )


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n"])
def test_required_file_empty(export: Path, content: bytes) -> None:
    (export / "customers.csv").write_bytes(content)
    problems = validate(export).problems
    p = only(problems, kind=Kind.EMPTY_FILE)
    assert (p.file, p.row, p.column, p.expected) == ("customers.csv", None, None, "a header row")
    assert len(problems) == 1


def test_two_files_for_one_table(export: Path) -> None:
    data = (export / "customers.csv").read_bytes()
    (export / "customers.csv.gz").write_bytes(gzip.compress(data))
    validated = validate(export)
    p = only(validated.problems, kind=Kind.DUPLICATE_FILE)
    assert p.file == "customers.csv, customers.csv.gz"
    assert "exactly one file for table customers" in p.expected
    assert "customers" not in validated.files


# --------------------------------------------------------------------------- rejections: columns and values


def test_required_column_missing(export: Path) -> None:
    path = export / "appointments.csv"
    rows = read_rows(path)
    i = rows[0].index("status")
    write_rows(path, [r[:i] + r[i + 1 :] for r in rows])
    problems = validate(export).problems
    p = only(problems, kind=Kind.MISSING_COLUMN)
    assert (p.file, p.row, p.column, p.value) == ("appointments.csv", None, "status", None)
    assert p.expected.startswith("a column named status")
    assert len(problems) == 1


def test_optional_column_missing_is_a_notice(export: Path, tmp_path: Path) -> None:
    path = export / "customers.csv"
    rows = read_rows(path)
    i = rows[0].index("gender")
    write_rows(path, [r[:i] + r[i + 1 :] for r in rows])
    validated = validate(export)
    assert any("optional column gender is absent" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated)
    assert con.execute("select count(gender) from juvonno_raw.customers").fetchone()[0] == 0


@pytest.mark.parametrize("blank", ["", "   "])
def test_required_value_empty(export: Path, blank: str) -> None:
    set_cell(export, "customers", 7, "status", blank)
    p = only(validate(export).problems)
    assert (p.file, p.row, p.column, p.value, p.kind) == (
        "customers.csv",
        7,
        "status",
        None,
        Kind.REQUIRED,
    )
    assert p.expected == "one of active, inactive, discharged, deleted"
    assert str(p) == (
        "customers.csv row 7, column status: required value is empty "
        "(expected one of active, inactive, discharged, deleted)"
    )


@pytest.mark.parametrize(
    ("table", "column", "value", "expected_start"),
    [
        ("appointments", "start", "12/03/2026", "an ISO 8601 datetime"),
        ("appointments", "start", "2026-03-12T24:00", "an ISO 8601 datetime"),
        ("appointments", "start", "2026-02-30T10:00:00", "an ISO 8601 datetime"),
        ("appointments", "created", "2026-03-12T10:00:00 +01:00", "an ISO 8601 datetime"),
        ("encounters", "chart_date", "2026-3-12", "an ISO 8601 datetime"),
        ("appointments", "duration", "11559.0", "a whole number"),
        ("appointments", "duration", "-5", "a whole number"),
        ("appointments", "customer_id", "11559.0", "a positive integer"),
        ("appointments", "staff_id", "0", "a positive integer"),
        ("appointments", "id", "-7", "a positive integer"),
        ("appointments", "schedule_type_id", "1e3", "a positive integer"),
        ("encounters", "id", "99999999999999999999", "a positive integer"),
        ("icbt_activity", "started_at", "yesterday", "an ISO 8601 datetime"),
    ],
)
def test_value_does_not_parse(
    export: Path, table: str, column: str, value: str, expected_start: str
) -> None:
    set_cell(export, table, 5, column, value)
    p = only(validate(export).problems)
    # never the value itself (a shifted row puts personal data anywhere): its shape
    assert (p.file, p.row, p.column, p.value, p.kind) == (
        f"{table}.csv",
        5,
        column,
        shape(value),
        Kind.TYPE,
    )
    assert p.expected.startswith(expected_start)
    assert str(p).startswith(
        f"{table}.csv row 5, column {column}: {shape(value)} is not {expected_start}"
    )
    assert value not in str(p) or set(value) <= set("9")


def test_date_that_is_not_a_calendar_date_is_masked_when_personal(export: Path) -> None:
    set_cell(export, "customers", 3, "date_of_birth", "2010-02-30")
    validated = validate(export)
    p = only(validated.problems)
    assert (p.file, p.row, p.column, p.kind) == ("customers.csv", 3, "date_of_birth", Kind.TYPE)
    assert p.value == "<personal data, 10 characters>" and p.personal
    assert p.expected == "a date YYYY-MM-DD"
    assert "2010-02-30" not in str(p) and "2010-02-30" not in format_report(validated)


def test_personal_values_never_appear_in_messages(export: Path) -> None:
    set_cell(export, "customers", 2, "date_of_birth", "22/07/2002")
    set_cell(export, "customers", 4, "date_of_birth", "Priya Chen priyachen2002@outlook.com")
    set_cell(export, "staff", 1, "first_name", "Hannah")  # text: never checked, never shown
    path = export / "customers.csv"
    path.write_bytes(path.read_bytes() + b"10999,SBX1,Secret,Person,female\n")  # malformed row
    validated = validate(export)
    text = format_report(validated) + "\n".join(validated.notices) + repr(validated.problems)
    assert not validated.ok
    for personal in ("22/07/2002", "Priya", "priyachen2002", "Secret", "Person", "Hannah"):
        assert personal not in text
    assert "<personal data, 10 characters>" in text
    assert "<personal data, 36 characters>" in text


def test_enum_outside_its_list(export: Path) -> None:
    set_cell(export, "appointments", 9, "status", "Rescheduled")
    set_cell(export, "staff", 2, "staff_type", "Intern")
    problems = validate(export).problems
    p = only(problems, file="appointments.csv")
    assert (p.row, p.column, p.value, p.kind) == (
        9,
        "status",
        "<shaped Aaaaaaaaaaa, 11 characters>",
        Kind.ENUM,
    )
    assert p.expected.startswith("one of Arrived, Completed, Billed, Paid, No Show")
    q = only(problems, file="staff.csv")
    assert (q.row, q.column, q.value, q.expected) == (
        2,
        "staff_type",
        shape("Intern"),
        "one of Therapist, Coordinator, Administrator, Other",
    )
    assert (
        str(q)
        == "staff.csv row 2, column staff_type: <shaped Aaaaaa, 6 characters> is not one of Therapist, Coordinator, Administrator, Other"
    )


def test_enum_matches_case_insensitively(export: Path, tmp_path: Path) -> None:
    set_cell(export, "appointments", 1, "status", "  no SHOW ")
    set_cell(export, "customers", 1, "status", "ACTIVE")
    con = assert_loads(tmp_path, validate(export))
    assert (
        con.execute("select status from juvonno_raw.appointments where id = 500001").fetchone()[0]
        == "no SHOW"
    )


def test_unique_id_repeats(export: Path) -> None:
    rows = read_rows(export / "staff.csv")
    first_id = rows[1][0]
    set_cell(export, "staff", 7, "id", first_id)
    set_cell(export, "staff", 9, "id", f" {first_id} ")
    problems = validate(export).problems
    assert [(p.file, p.row, p.column, p.value, p.kind) for p in problems] == [
        ("staff.csv", 7, "id", first_id, Kind.UNIQUE),
        ("staff.csv", 9, "id", first_id, Kind.UNIQUE),
    ]
    assert problems[0].expected == "a unique id; first seen at row 1"
    assert (
        str(problems[0])
        == f"staff.csv row 7, column id: '{first_id}' repeats (expected a unique id; first seen at row 1)"
    )


def test_non_unique_columns_may_repeat(export: Path) -> None:
    set_cell(export, "appointments", 2, "customer_id", read_rows(export / "appointments.csv")[1][1])
    assert validate(export).ok


# --------------------------------------------------------------------------- rejections: encoding and records


def test_not_utf8_reports_the_row(export: Path) -> None:
    path = export / "staff.csv"
    lines = path.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"Gillespie", b"Gill\xe9spie")  # Latin-1 e-acute: data row 4
    path.write_bytes(b"\n".join(lines))
    p = only(validate(export).problems)
    assert (p.file, p.row, p.column, p.kind) == ("staff.csv", 4, None, Kind.ENCODING)
    assert p.expected == "UTF-8 text"
    assert "byte" in p.value and "Gill" not in str(p)


def test_not_utf8_in_the_header(export: Path) -> None:
    path = export / "staff.csv"
    path.write_bytes(path.read_bytes().replace(b"staff_type", b"staff_t\xffpe", 1))
    problems = validate(export).problems
    p = only(problems, kind=Kind.ENCODING)
    assert (p.file, p.row, p.column) == ("staff.csv", None, None)
    assert "header" in p.value


def test_utf16_file_is_rejected(export: Path) -> None:
    path = export / "staff.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    validated = validate(export)
    assert not validated.ok
    assert {p.file for p in validated.problems} == {"staff.csv"}


def test_malformed_record_and_row_numbers_after_it(export: Path) -> None:
    path = export / "staff.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3] + ",surplus"  # data row 3 has 7 fields
    path.write_text("\n".join(lines), encoding="utf-8")
    set_cell_raw = lines[6].split(",")
    set_cell_raw[4] = "Nurse"  # data row 6: bad enum, after the rejected record
    lines[6] = ",".join(set_cell_raw)
    path.write_text("\n".join(lines), encoding="utf-8")
    validated = validate(export)
    malformed = only(validated.problems, kind=Kind.MALFORMED)
    assert (malformed.file, malformed.row, malformed.column) == ("staff.csv", 3, None)
    assert malformed.expected == "6 fields, like the header"
    enum = only(validated.problems, kind=Kind.ENUM)
    assert (enum.row, enum.column, enum.value) == (6, "staff_type", shape("Nurse"))
    assert validated.files["staff"].rows == 10  # the rejected record is still a record


def test_unterminated_quote(export: Path) -> None:
    path = export / "staff.csv"
    path.write_bytes(path.read_bytes() + b'999,T99,"Open,Quote,Therapist,active\n')
    p = only(validate(export).problems)
    assert (p.file, p.row, p.kind) == ("staff.csv", 11, Kind.MALFORMED)


def test_row_numbers_count_records_not_lines(export: Path) -> None:
    # customers.csv row 29 (id 10039) holds a quoted line break; row 30 is the next record.
    rows = read_rows(export / "customers.csv")
    assert "\n" in rows[29][rows[0].index("warnings")]
    set_cell(export, "customers", 31, "created", "31/12/2025")
    p = only(validate(export).problems)
    assert (p.row, p.column, p.value) == (31, "created", shape("31/12/2025"))


# --------------------------------------------------------------------------- rejections: the manifest


def _manifest(export_dir: Path, **overrides: dict[str, object]) -> None:
    files = {}
    for path in sorted(export_dir.iterdir()):
        if path.name.endswith((".csv", ".csv.gz", ".xlsx")):
            rows = len(read_rows(path)) - 1 if path.suffix == ".csv" else None
            files[path.name] = {
                "rows": rows,
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            }
    for name, entry in overrides.items():
        files[name] = {**files.get(name, {}), **entry}
    (export_dir / "manifest.json").write_text(
        json.dumps({"exported_at": "2026-11-20T23:30:00Z", "files": files})
    )


def test_manifest_matches(export: Path) -> None:
    _manifest(export)
    validated = validate(export)
    assert validated.ok and validated.manifest_exported_at == "2026-11-20T23:30:00Z"


def test_manifest_row_count_disagrees(export: Path) -> None:
    _manifest(export, **{"appointments.csv": {"rows": 313}})
    p = only(validate(export).problems)
    assert (p.file, p.row, p.column, p.value, p.kind) == (
        "appointments.csv",
        None,
        None,
        "312 data rows",
        Kind.MANIFEST,
    )
    assert p.expected == "313 rows, as manifest.json says"


def test_manifest_checksum_disagrees_on_truncated_file(export: Path, sample_export: Path) -> None:
    shutil.copyfile(sample_export / "manifest.json", export / "manifest.json")
    path = export / "encounters.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 1) + 1])  # last record lost
    problems = validate(export).problems
    assert {(p.file, p.kind) for p in problems} == {("encounters.csv", Kind.MANIFEST)}
    rows = only(problems, value="180 data rows")
    assert rows.expected == "181 rows, as manifest.json says"
    sha = only(
        problems,
        expected=f"SHA-256 {json.loads((export / 'manifest.json').read_text())['files']['encounters.csv']['sha256']}, as manifest.json says (a truncated or corrupted transfer?)",
    )
    assert sha.value == f"SHA-256 {hashlib.sha256(path.read_bytes()).hexdigest()}"


def test_manifest_rows_count_a_multiline_record_once(export: Path) -> None:
    _manifest(export, **{"customers.csv": {"rows": 60}})
    assert validate(export).ok


def test_manifest_lists_a_missing_file(export: Path) -> None:
    _manifest(export, **{"icbt_activity.csv.gz": {"rows": 10, "sha256": "0" * 64}})
    p = only(validate(export).problems)
    assert (p.file, p.kind, p.value) == (
        "icbt_activity.csv.gz",
        Kind.MANIFEST,
        "listed in manifest.json",
    )


def test_manifest_not_json(export: Path) -> None:
    (export / "manifest.json").write_text("{not json")
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("manifest.json", Kind.MANIFEST)


def test_manifest_checksum_of_gz_is_of_compressed_bytes(export: Path, tmp_path: Path) -> None:
    path = export / "appointments.csv"
    (export / "appointments.csv.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    _manifest(export, **{"appointments.csv.gz": {"rows": 312}})
    validated = validate(export)
    assert validated.ok, validated.problems
    _manifest(
        export,
        **{
            "appointments.csv.gz": {
                "rows": 312,
                "sha256": hashlib.sha256(
                    gzip.decompress((export / "appointments.csv.gz").read_bytes())
                ).hexdigest(),
            }
        },
    )
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("appointments.csv.gz", Kind.MANIFEST)


# --------------------------------------------------------------------------- all at once, capped


def test_every_problem_at_once(export: Path) -> None:
    (export / "staff.csv").unlink()
    set_cell(export, "customers", 1, "created", "12/03/2026")
    set_cell(export, "customers", 2, "status", "gone")
    set_cell(export, "appointments", 3, "start", "")
    set_cell(export, "encounters", 4, "id", read_rows(export / "encounters.csv")[1][0])
    set_cell(export, "icbt_activity", 5, "customer_id", "abc")
    problems = validate(export).problems
    assert sorted((p.file, p.row, p.column, p.kind) for p in problems if p.row) == [
        ("appointments.csv", 3, "start", Kind.REQUIRED),
        ("customers.csv", 1, "created", Kind.TYPE),
        ("customers.csv", 2, "status", Kind.ENUM),
        ("encounters.csv", 4, "id", Kind.UNIQUE),
        ("icbt_activity.csv", 5, "customer_id", Kind.TYPE),
    ]
    only(problems, file="staff.csv", kind=Kind.MISSING_FILE)
    assert len(problems) == 6


def test_many_problems_are_all_counted_first_ones_listed(export: Path) -> None:
    path = export / "appointments.csv"
    rows = read_rows(path)
    i = rows[0].index("duration")
    for r in rows[1:]:
        r[i] = "1.5"
    write_rows(path, rows)
    validated = validate(export)
    listed = [p for p in validated.problems if p.column == "duration"]
    assert [p.row for p in listed] == list(range(1, LISTED_PER_GROUP + 1))
    assert validated.problem_totals[("appointments.csv", "duration", Kind.TYPE)] == 312
    assert validated.problem_count == 312
    report = format_report(validated)
    assert f"… and {312 - LISTED_PER_GROUP} more type problem(s) in column duration" in report
    assert "export rejected: 312 problems" in report


# --------------------------------------------------------------------------- accepted variants


def test_bom_crlf_and_header_case_and_spaces(export: Path, tmp_path: Path) -> None:
    path = export / "customers.csv"
    rows = read_rows(path)
    rows[0] = [" ID", "Chart_Num ", *rows[0][2:8], " STATUS ", *rows[0][9:]]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # BOM
        csv.writer(fh, lineterminator="\r\n").writerows(rows)  # CRLF
    validated = validate(export)
    assert validated.files["customers"].headers[:2] == (" ID", "Chart_Num ")
    notices = "\n".join(validated.notices)
    assert (
        "byte-order mark" in notices and "CRLF" in notices and "ignoring case and spaces" in notices
    )
    con = assert_loads(tmp_path, validated)
    assert con.execute(
        "select status, chart_num from juvonno_raw.customers where id = 10001"
    ).fetchone() == (
        "inactive",
        "SBX278064",
    )
    warnings = con.execute(
        "select warnings from juvonno_raw.customers where id = 10039"
    ).fetchone()[0]
    assert warnings == "Safeguarding plan in place.\nSpeak to the duty coordinator before contact"


def test_quoted_commas_quotes_and_line_breaks(export: Path, tmp_path: Path) -> None:
    validated = validate(export)
    assert any("line breaks" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated)
    got = dict(
        con.execute(
            "select id, warnings from juvonno_raw.customers where id in (10016, 10039, 10055)"
        ).fetchall()
    )
    assert got == {
        10016: "Hearing impaired, email preferred",
        10039: "Safeguarding plan in place.\nSpeak to the duty coordinator before contact",
        10055: 'Uses the name "Sam"; please use it',
    }


def test_csv_gz(export: Path, tmp_path: Path) -> None:
    for name in ("appointments", "encounters"):
        path = export / f"{name}.csv"
        (export / f"{name}.csv.gz").write_bytes(gzip.compress(path.read_bytes()))
        path.unlink()
    validated = validate(export)
    f = validated.files["appointments"]
    assert (f.format, f.path.name, f.load_path.name, f.rows) == (
        "csv.gz",
        "appointments.csv.gz",
        "appointments.csv.gz",
        312,
    )
    assert f.sha256 == hashlib.sha256(f.path.read_bytes()).hexdigest()
    assert any("gzip" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated)
    assert con.execute(
        "select file_name, format from juvonno_raw.export_files where table_name = 'appointments'"
    ).fetchone() == (
        "appointments.csv.gz",
        "csv.gz",
    )


def test_csv_gz_problems_are_found_too(export: Path) -> None:
    set_cell(export, "staff", 3, "staff_type", "Janitor")
    path = export / "staff.csv"
    (export / "staff.csv.gz").write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    p = only(validate(export).problems)
    assert (p.file, p.row, p.column, p.value) == ("staff.csv.gz", 3, "staff_type", shape("Janitor"))


def _to_xlsx(csv_path: Path, *, typed: bool = True, sheets: int = 1) -> Path:
    import openpyxl

    rows = read_rows(csv_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    header = rows[0]
    ws.append(header)
    for row in rows[1:]:
        cells: list[object] = []
        for name, value in zip(header, row, strict=False):
            if not typed or value == "":
                cells.append(value or None)
            elif name == "date_of_birth":
                cells.append(dt.datetime.fromisoformat(value))  # a date cell (midnight)
            elif name == "created" and len(value) == 19:
                cells.append(dt.datetime.fromisoformat(value.replace(" ", "T")))  # a datetime cell
            elif name == "id":
                cells.append(int(value))
            else:
                cells.append(value)
        ws.append(cells)
    for _ in range(sheets - 1):
        wb.create_sheet("Notes")
    out = csv_path.with_suffix(".xlsx")
    wb.save(out)
    csv_path.unlink()
    return out


def test_xlsx_one_sheet(export: Path, tmp_path: Path) -> None:
    _to_xlsx(export / "customers.csv")
    validated = validate(export)
    f = validated.files["customers"]
    assert f.format == "xlsx" and f.rows == 60 and f.path.name == "customers.xlsx"
    assert f.load_path.parent == export.parent / "work" and f.load_path.suffix == ".csv"
    assert any("Excel" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated)
    row = con.execute(
        "select date_of_birth, created, warnings from juvonno_raw.customers where id = 10039"
    ).fetchone()
    assert row == (
        dt.date(2012, 1, 7),
        "2026-06-17T12:15",
        "Safeguarding plan in place.\nSpeak to the duty coordinator before contact",
    )
    created = dict(
        con.execute(
            "select id, created from juvonno_raw.customers where id in (10001, 10002)"
        ).fetchall()
    )
    assert created == {10001: "2026-05-23T09:00:53", 10002: "2026-09-11T08:00:00+01:00"}


def test_xlsx_problems_use_sheet_data_rows(export: Path) -> None:
    set_cell(export, "staff", 4, "staff_type", "Volunteer")
    _to_xlsx(export / "staff.csv", typed=False)
    p = only(validate(export).problems)
    assert (p.file, p.row, p.column, p.value) == ("staff.xlsx", 4, "staff_type", shape("Volunteer"))


def test_xlsx_with_two_sheets_is_rejected(export: Path) -> None:
    _to_xlsx(export / "staff.csv", sheets=2)
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("staff.xlsx", Kind.BAD_WORKBOOK)
    assert "exactly one sheet" in p.expected


def test_extra_columns_and_free_order(export: Path, tmp_path: Path) -> None:
    path = export / "staff.csv"
    rows = read_rows(path)
    rows = [[r[4], "x" if i else "Team Lead", *reversed(r[:4]), r[5]] for i, r in enumerate(rows)]
    write_rows(path, rows)
    validated = validate(export)
    assert validated.files["staff"].extra_columns == ("team lead",)
    assert any("extra column" in n and "team lead" in n for n in validated.notices)
    con = assert_loads(tmp_path, validated)
    assert con.execute(
        'select id, staff_type, "team lead" from juvonno_raw.staff order by id limit 1'
    ).fetchone() == (
        101,
        "Therapist",
        "x",
    )


def test_repeated_group_membership_is_a_notice(export: Path, tmp_path: Path) -> None:
    path = export / "customer_groups.csv"
    rows = read_rows(path)
    rows.append([rows[2][0], rows[2][1], f"  {rows[2][2].upper()} "])
    write_rows(path, rows)
    validated = validate(export)
    assert any(
        "1 repeated (customer_id, group_name) pair" in n and "row 62" in n
        for n in validated.notices
    )
    assert_loads(tmp_path, validated, {**SAMPLE_ROWS, "customer_groups": 62})


def test_datetime_forms_and_blank_optional_values(export: Path, tmp_path: Path) -> None:
    forms = [
        "2026-03-12",
        "2026-03-12 10:00",
        "2026-03-12T10:00:00.123456",
        "2026-03-12T10:00:00+0100",
        "2026-03-12T10:00Z",
    ]
    for row, value in enumerate(forms, start=1):
        set_cell(export, "appointments", row, "created", value)
    set_cell(export, "appointments", 6, "duration", "  ")
    con = assert_loads(tmp_path, validate(export))
    got = [
        r[0] for r in con.execute("select created from juvonno_raw.appointments limit 5").fetchall()
    ]
    assert got == forms
    assert (
        con.execute(
            "select count(*) from juvonno_raw.appointments where duration is null"
        ).fetchone()[0]
        >= 1
    )


# --------------------------------------------------------------------------- unreadable files


def test_corrupt_gz_is_rejected_without_quoting_it(export: Path) -> None:
    path = export / "staff.csv"
    (export / "staff.csv.gz").write_bytes(b"not gzip at all, Hannah Okonjo")
    path.unlink()
    validated = validate(export)
    p = only(validated.problems)
    assert (p.file, p.kind) == ("staff.csv.gz", Kind.MALFORMED)
    assert str(p).startswith("staff.csv.gz: cannot be read (expected a readable csv.gz file")
    assert "Hannah" not in format_report(validated)


def test_truncated_gz_is_rejected(export: Path) -> None:
    path = export / "appointments.csv"
    data = gzip.compress(path.read_bytes())
    (export / "appointments.csv.gz").write_bytes(data[: len(data) // 2])
    path.unlink()
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("appointments.csv.gz", Kind.MALFORMED)


def test_xlsx_that_is_not_a_workbook(export: Path) -> None:
    (export / "staff.csv").unlink()
    (export / "staff.xlsx").write_bytes(b"id,num\n1,2\n")
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("staff.xlsx", Kind.BAD_WORKBOOK)
    assert p.expected.startswith("a readable .xlsx workbook")


def test_a_column_named_twice_is_rejected(export: Path) -> None:
    path = export / "staff.csv"
    rows = read_rows(path)
    rows[0][1] = "ID"
    write_rows(path, rows)
    problems = validate(export).problems
    p = only(problems, kind=Kind.DUPLICATE_COLUMN)
    assert (p.file, p.column, p.value) == ("staff.csv", "id", "2 times (positions 1, 2)")


def test_missing_file_hints_at_other_casing(export: Path) -> None:
    (export / "staff.csv").rename(export / "Staff.CSV")
    p = only(validate(export).problems)
    assert (p.file, p.kind) == ("staff.csv", Kind.MISSING_FILE)
    assert "found Staff.CSV" in p.expected


def test_empty_optional_file_is_a_notice(export: Path, tmp_path: Path) -> None:
    (export / "icbt_activity.csv").write_bytes(b"")
    validated = validate(export)
    assert any("icbt_activity.csv: empty" in n for n in validated.notices)
    assert_loads(tmp_path, validated, {**SAMPLE_ROWS, "icbt_activity": 0})


def test_header_only_required_file_is_accepted(export: Path, tmp_path: Path) -> None:
    path = export / "icbt_activity.csv"
    path.write_text(path.read_text().split("\n")[0] + "\n")
    validated = validate(export)
    assert validated.files["icbt_activity"].rows == 0
    assert_loads(tmp_path, validated, {**SAMPLE_ROWS, "icbt_activity": 0})


def test_missing_export_dir(tmp_path: Path) -> None:
    validated = validate_export(tmp_path / "nowhere", tmp_path / "work")
    assert not validated.ok
    assert validated.problems[0].kind == Kind.MISSING_FILE


def test_row_map_accounts_for_rejected_records() -> None:
    from runner.export.locate import RowMap

    # records 1..10; 3, 4 and 8 rejected -> good records are 1, 2, 5, 6, 7, 9, 10
    rowmap = RowMap([8, 3, 4])
    assert [rowmap.row(rid) for rid in range(7)] == [1, 2, 5, 6, 7, 9, 10]
    assert [RowMap([]).row(rid) for rid in range(3)] == [1, 2, 3]


def test_padding_and_unicode_spaces_are_trimmed_like_the_loader(
    export: Path, tmp_path: Path
) -> None:
    nbsp = "\u00a0"
    set_cell(export, "customer_groups", 3, "group_name", f"{nbsp} {nbsp}")  # only spaces: blank
    set_cell(export, "appointments", 4, "schedule_type_name", "Évaluation")  # non-ASCII start: fine
    set_cell(export, "appointments", 5, "id", f"{nbsp}500001 ")  # padded: fine, but repeats row 1
    set_cell(export, "appointments", 6, "status", " completed")
    problems = validate(export).problems
    assert sorted((p.file, p.row, p.column, p.kind) for p in problems) == [
        ("appointments.csv", 5, "id", Kind.UNIQUE),
        ("customer_groups.csv", 3, "group_name", Kind.REQUIRED),
    ]
    assert only(problems, kind=Kind.UNIQUE).value == "500001"


def test_report_groups_problems_per_file(export: Path) -> None:
    (export / "staff.csv").unlink()
    set_cell(export, "customers", 2, "status", "gone")
    set_cell(export, "customers", 5, "created", "05/05/2025")
    validated = validate(export)
    lines = format_report(validated).splitlines()
    problem_part = [line for line in lines if not line.startswith("notice:")]
    assert problem_part == [
        "staff.csv: 1 problem",
        f"  staff.csv: required file is missing (expected staff.csv or staff.csv.gz or staff.xlsx in {export})",
        "customers.csv: 2 problems",
        "  customers.csv row 2, column status: <shaped aaaa, 4 characters> is not one of active, inactive, discharged, deleted",
        "  customers.csv row 5, column created: <shaped 99/99/9999, 10 characters> is not an ISO 8601 datetime "
        "(YYYY-MM-DD, then T or a space, HH:MM[:SS[.ffffff]], optional Z or +HH:MM)",
        "export rejected: 3 problems (nothing was loaded)",
    ]
    assert [p.as_dict()["message"] for p in validated.problems] == [
        str(p) for p in validated.problems
    ]
