"""Validate an export folder against the contract (runner/contract.py), every problem
at once, before anything is loaded.

Reading is DuckDB's bulk CSV reader on a private in-memory connection (never the
warehouse): each file is read with all columns as text, bound by position to the
header read here in Python, with malformed records caught into a rejects table;
the type, enum, required and unique checks are one SQL query per table. No
Python loop runs over CSV rows (only the .xlsx conversion walks cells).

Row numbers count data rows: the first record after the header is row 1, a
quoted field holding line breaks is still one row (blank lines are not rows).
Values of personal columns (contract pii=True) never leave SQL: messages carry
only their length.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from runner.contract import (
    FILE_SUFFIXES,
    MANIFEST_FILE,
    PATTERN_BY_TYPE,
    TABLES,
    Column,
    ColumnType,
    Table,
)
from runner.export import boundary, unknown_names
from runner.export.headers import (
    HeaderMap,
    describe_field,
    describe_header,
    map_headers,
    read_csv_sql,
    sql_string,
)
from runner.export.manifest import ManifestCheck
from runner.export.problems import Kind, Problem, mask_personal, shape, shown_identifier

LISTED_PER_GROUP = 20  # problems listed per (file, column, kind); all are counted
_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 20  # the header row must fit in the first MiB
# Give up on a file after this many blank lines in a row (a gzip of gigabytes of
# blank lines is a few KiB delivered): no export has them, and reading on costs minutes.
BLANK_LINES_RUN = 10_000
_BLANK_RUNS = (b"\n" * BLANK_LINES_RUN, b"\r\n" * BLANK_LINES_RUN)
_CHUNK = 1 << 22

__all__ = [
    "Kind",
    "Problem",
    "ExportFile",
    "ValidatedExport",
    "validate_export",
    "LISTED_PER_GROUP",
]


@dataclass(frozen=True)
class ExportFile:
    table: str
    path: Path  # as delivered
    load_path: Path  # a plain UTF-8 CSV (or .csv.gz) the database's bulk reader reads
    format: str  # "csv", "csv.gz" or "xlsx"
    rows: int  # data rows (CSV records after the header)
    sha256: str  # of the bytes as delivered
    headers: tuple[str, ...]  # in file order, as delivered (BOM removed)
    extra_columns: tuple[str, ...] = ()  # raw-layer names of columns the contract does not know

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass
class ValidatedExport:
    export_dir: Path
    files: dict[str, ExportFile]
    notices: list[str]
    problems: list[Problem]
    manifest_exported_at: str | None = None
    # (file, column, kind) -> how many problems of that group exist in all, where
    # more than LISTED_PER_GROUP were found (only the first ones are in `problems`).
    problem_totals: dict[tuple[str, str | None, str], int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        listed: dict[tuple[str, str | None, str], int] = defaultdict(int)
        for p in self.problems:
            listed[(p.file, p.column, p.kind)] += 1
        return sum(max(n, self.problem_totals.get(key, 0)) for key, n in listed.items())


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class _Scan:
    """What one pass over a file's bytes found (runs in a thread: hashlib and zlib
    release the GIL)."""

    sha256: str  # of the bytes as delivered
    newlines: int  # b"\n" in a plain CSV (0 for .gz / .xlsx)
    nul_at: int | None = None  # byte offset (of the CSV text) of the first NUL byte
    blank_run_at: int | None = None  # byte offset where BLANK_LINES_RUN blank lines in a row end


def _find_blank_run(window: bytes) -> int:
    return max(window.find(b) for b in _BLANK_RUNS)


def _scan_text(chunks, scan_from: int = 0):  # type: ignore[no-untyped-def]
    """(newlines, first NUL offset, blank-run offset) over an iterable of CSV text chunks;
    stops at a run of blank lines."""
    newlines, nul_at, blank_at, offset, tail = 0, None, None, scan_from, b""
    for chunk in chunks:
        newlines += chunk.count(b"\n")
        if nul_at is None and (i := chunk.find(b"\0")) >= 0:
            nul_at = offset + i
        window = tail + chunk
        if (j := _find_blank_run(window)) >= 0:
            blank_at = offset - len(tail) + j
            break
        tail = window[-len(_BLANK_RUNS[1]) :]
        offset += len(chunk)
    return newlines, nul_at, blank_at


def _read_chunks(fh):  # type: ignore[no-untyped-def]
    while chunk := fh.read(_CHUNK):
        yield chunk


def _hash_and_scan(path: Path) -> _Scan:
    """SHA-256 of the bytes as delivered; for a CSV (plain or gzip) also its newline
    count, its first NUL byte and whether it holds a run of blank lines."""
    import gzip

    digest = hashlib.sha256()
    fd = boundary.open_regular(path)
    with open(fd, "rb") as fh:
        if path.name.endswith(".xlsx"):
            for chunk in _read_chunks(fh):
                digest.update(chunk)
            return _Scan(digest.hexdigest(), 0)
        if path.name.endswith(".gz"):
            for chunk in _read_chunks(fh):
                digest.update(chunk)
            fh.seek(0)
            try:
                with gzip.GzipFile(fileobj=fh) as gz:
                    _, nul_at, blank_at = _scan_text(_read_chunks(gz))
            except (OSError, EOFError):
                nul_at = blank_at = None  # not gzip: the reader says so
            return _Scan(digest.hexdigest(), 0, nul_at, blank_at)

        def hashed():  # type: ignore[no-untyped-def]
            for chunk in _read_chunks(fh):
                digest.update(chunk)
                yield chunk

        chunks = hashed()
        newlines, nul_at, blank_at = _scan_text(chunks)
        for chunk in chunks:  # a blank run stopped the scan: the hash still covers every byte
            newlines += chunk.count(b"\n")
        return _Scan(digest.hexdigest(), newlines, nul_at, blank_at)


def _hash_and_lines(path: Path) -> tuple[str, int]:
    """SHA-256 of the bytes as delivered and their count of b'\\n'."""
    scan = _hash_and_scan(path)
    return scan.sha256, scan.newlines


def _open_head(path: Path) -> bytes:
    fd = boundary.open_regular(path)
    with open(fd, "rb") as fh:
        if path.name.endswith(".gz"):
            import gzip

            with gzip.GzipFile(fileobj=fh) as gz:
                return gz.read(_HEAD_BYTES)
        return fh.read(_HEAD_BYTES)


@dataclass
class _Head:
    headers: list[str] | None  # None: no header (empty file)
    bom: bool = False
    crlf: bool = False
    bad_utf8_at: int | None = None  # byte offset of invalid UTF-8 in the header row
    unreadable: str | None = None  # why the header row cannot be read (never its text)


def _read_head(path: Path) -> _Head:
    raw = _open_head(path)
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    if not body.strip(b" \t\r\n"):
        return _Head(headers=None, bom=bom)
    if len(raw) == _HEAD_BYTES and b"\n" not in body:
        return _Head(
            headers=None, bom=bom, unreadable=f"a header row shorter than {_HEAD_BYTES:,} bytes"
        )
    text = body.decode("utf-8", errors="replace")
    try:
        record = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        # e.g. a field over csv.field_size_limit() (128 KiB): not a header
        return _Head(
            headers=None,
            bom=bom,
            unreadable=f"header fields of at most {csv.field_size_limit():,} characters",
        )
    if not any(h.strip() for h in record):
        return _Head(headers=None, bom=bom)
    bad_at = None
    if "\ufffd" in "".join(record):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as err:
            bad_at = err.start + (len(_BOM) if bom else 0)
    first_nl = body.find(b"\n")
    crlf = first_nl > 0 and body[first_nl - 1 : first_nl] == b"\r"
    return _Head(headers=record, bom=bom, crlf=crlf, bad_utf8_at=bad_at)


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel stores datetimes as floats: round away sub-millisecond noise.
        micro = round(value.microsecond / 1000) * 1000
        value = value.replace(microsecond=0) + dt.timedelta(microseconds=micro)
        if value.time() == dt.time(0):
            return value.date().isoformat()
        spec = "milliseconds" if value.microsecond else "seconds"
        return value.isoformat(sep="T", timespec=spec)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an Excel number cell has no int/float distinction
    return str(value)


def _convert_xlsx(path: Path, target: Path) -> tuple[list[str] | None, int, str | None]:
    """One-sheet workbook -> plain UTF-8 CSV. Returns (headers, data rows, problem)."""
    import openpyxl

    try:
        fh = open(boundary.open_regular(path), "rb")
    except OSError as err:
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - any unreadable workbook is bad input
        fh.close()
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    try:
        return _write_sheet(wb, target)
    except Exception as err:  # noqa: BLE001 - a workbook that breaks half way is bad input too
        return None, 0, f"a readable .xlsx workbook ({type(err).__name__})"
    finally:
        wb.close()
        fh.close()


def _write_sheet(wb, target: Path) -> tuple[list[str] | None, int, str | None]:  # type: ignore[no-untyped-def]
    if len(wb.sheetnames) != 1:
        return None, 0, f"a workbook with exactly one sheet (found {len(wb.sheetnames)})"
    ws = wb[wb.sheetnames[0]]
    # Read-only mode stops at the sheet's <dimension> record, which any writer may get
    # wrong (or lie in): read every row there is.
    ws.reset_dimensions()
    rows = ws.iter_rows()
    headers: list[str] | None = None
    for first in rows:
        cells = [_cell_text(c) for c in first]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            headers = cells
            break
    if headers is None:
        return None, 0, None
    width = len(headers)
    n = 0
    pending_blank = 0
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(
            out, lineterminator="\n", quoting=csv.QUOTE_ALL
        )  # a bare \r in a cell stays in its field
        writer.writerow(headers)
        for row in rows:
            cells = [_cell_text(c) for c in row]
            while len(cells) > width and cells[-1] == "":
                cells.pop()
            if not any(cells):
                pending_blank += 1  # trailing blank rows are not data; inner ones are
                continue
            for _ in range(pending_blank):
                writer.writerow([""] * width)
            n += pending_blank
            pending_blank = 0
            writer.writerow(cells + [""] * (width - len(cells)))
            n += 1
    return headers, n, None


# --------------------------------------------------------------------------- checks


def _ok_value_sql(column: Column, v: str) -> str | None:
    """SQL true when the non-blank text v parses as the column's type (None: any text)."""
    t = column.type
    if t is ColumnType.ENUM:
        allowed = ", ".join(sql_string(a.lower()) for a in column.allowed)
        return f"lower({v}) in ({allowed})"
    if t not in PATTERN_BY_TYPE:
        return None
    matches = f"regexp_full_match({v}, {sql_string(PATTERN_BY_TYPE[t])})"
    if t is ColumnType.ID:
        return f"{matches} and try_cast({v} as bigint) > 0"
    if t is ColumnType.INTEGER:
        return f"{matches} and try_cast({v} as bigint) is not null"  # within BIGINT
    if t is ColumnType.DATE:
        return f"{matches} and try_cast({v} as date) is not null"  # a real calendar date
    return f"{matches} and try_cast(substr({v}, 1, 10) as date) is not null"  # DATETIME


def _bad_value_sql(column: Column, v: str) -> str:
    """SQL true when the trimmed, non-blank text v does not parse as the column's type."""
    ok = _ok_value_sql(column, v)
    return f"not coalesce({ok}, false)" if ok else "false"


def _maybe_bad_sql(column: Column, raw: str) -> str | None:
    """Pass 1's cheap test on the untrimmed text: true for every value the exact
    check (kind_sql, on trimmed text) finds bad, and maybe for a few good ones
    (padded with spaces, a text starting with a non-ASCII letter), which pass 2
    then clears. trim() is the costly part of the exact check, so it is left out here."""
    ok = _ok_value_sql(column, raw)
    if ok is None:
        # blank = only (Unicode) spaces: such a value starts with a character outside printable ASCII
        return (
            f"({raw} is null or ascii({raw}) not between 33 and 126)" if column.required else None
        )
    if column.required:
        return f"not coalesce({ok}, false)"
    return f"({raw} is not null and not coalesce({ok}, false))"


class _RowMap:
    """Data row number of the k-th good record, given the records DuckDB rejected."""

    def __init__(self, rejected_rows: list[int]):
        self.gaps = [r - i for i, r in enumerate(sorted(set(rejected_rows)), start=1)]

    def row(self, rowid: int) -> int:
        k = rowid + 1
        return k + bisect.bisect_left(self.gaps, k)


_REJECT_EXPECTED = {
    "MISSING COLUMNS": "as many fields as the header",
    "TOO MANY COLUMNS": "as many fields as the header",
    "UNQUOTED VALUE": "a well-quoted CSV record (a quote opened and never closed, or text after a closing quote)",
    "LINE SIZE OVER MAXIMUM": "a record shorter than the reader's maximum line size",
    "INVALID ENCODING": "UTF-8 text",
    "INVALID UNICODE": "UTF-8 text",
}


@dataclass(frozen=True)
class _Check:
    index: int  # the column's position in the contract table
    column: Column
    kind_sql: str  # SQL: the problem kind of a row's value, NULL when fine
    maybe_bad: str | None  # SQL for pass 1: true for every bad value (and maybe a few good ones)
    shown: str  # SQL: the value for a message (its length for a personal column)
    key: str | None  # SQL: the uniqueness key (unique columns only)


class _Checker:
    def __init__(self, export_dir: Path, workdir: Path):
        self.export_dir = export_dir
        self.workdir = workdir
        self.problems: list[Problem] = []
        self.notices: list[str] = []
        self.totals: dict[tuple[str, str | None, str], int] = {}
        self.files: dict[str, ExportFile] = {}
        self.record_counts: dict[str, int] = {}  # file name -> records (incl. rejected)
        self.con = duckdb.connect(":memory:")
        self.con.execute("set preserve_insertion_order = true")

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    # ---------------------------------------------------------------- discovery

    def discover(self) -> dict[str, Path]:
        chosen: dict[str, Path] = {}
        known_names = {MANIFEST_FILE}
        present = boundary.entries(self.export_dir)
        for name in sorted(present):
            what = boundary.not_regular(present[name])
            if what and (
                name == MANIFEST_FILE or any(name == t + s for t in TABLES for s in FILE_SUFFIXES)
            ):
                self.add(
                    Problem(
                        name,
                        None,
                        None,
                        what,
                        boundary.EXPECTED,
                        kind=Kind.NOT_REGULAR,
                        masked=True,
                    )
                )
        for name, table in TABLES.items():
            candidates = [name + s for s in FILE_SUFFIXES]
            known_names.update(candidates)
            found = [self.export_dir / c for c in candidates if c in present]
            regular = [f for f in found if not boundary.not_regular(present[f.name])]
            if len(found) > 1:
                self.add(
                    Problem(
                        file=", ".join(p.name for p in found),
                        row=None,
                        column=None,
                        value=None,
                        expected=f"exactly one file for table {name} (which one is the export?)",
                        kind=Kind.DUPLICATE_FILE,
                    )
                )
            elif regular:
                chosen[name] = regular[0]
            elif found:
                pass  # not a regular file: reported above
            elif table.required:
                near = [n for n in present if n.lower() in {c.lower() for c in candidates}]
                hint = f"; found {', '.join(near)} (names are lower case)" if near else ""
                self.add(
                    Problem(
                        file=name + ".csv",
                        row=None,
                        column=None,
                        value=None,
                        expected=" or ".join(candidates) + f" in {self.export_dir}{hint}",
                        kind=Kind.MISSING_FILE,
                    )
                )
            else:
                self.notices.append(f"{name}: no file delivered; loaded as an empty table")
        ignored = sorted(n for n in present if n not in known_names and not n.startswith("."))
        if ignored:
            shown = ", ".join(repr(n)[:60] for n in ignored[:20]) + (
                f", … {len(ignored) - 20} more" if len(ignored) > 20 else ""
            )
            self.notices.append(f"files not in the contract, ignored: {shown}")
        return chosen

    # ---------------------------------------------------------------- one file

    def check_file(self, table: Table, path: Path, digest: Future[_Scan]) -> None:
        fmt = next(s for s in FILE_SUFFIXES if path.name.endswith(s)).lstrip(".")
        fname = path.name
        if fmt == "xlsx":
            load_path = self.workdir / f"{table.name}.from-xlsx.csv"
            headers, _, bad = _convert_xlsx(path, load_path)
            if bad:
                self.add(Problem(fname, None, None, None, bad, kind=Kind.BAD_WORKBOOK))
                return
            head = _Head(headers=headers)
            self.notices.append(
                f"{fname}: Excel workbook converted to CSV (date cells as YYYY-MM-DD)"
            )
        else:
            load_path = path
            try:
                head = _read_head(path)
            except (OSError, EOFError) as err:  # e.g. a .csv.gz that is not gzip
                self.add(
                    Problem(
                        fname,
                        None,
                        None,
                        None,
                        f"a readable {fmt} file ({type(err).__name__})",
                        kind=Kind.MALFORMED,
                    )
                )
                return
            if fmt == "csv.gz":
                self.notices.append(f"{fname}: gzip-compressed CSV")
                if digest.result().blank_run_at is not None:
                    return  # a gzip of endless blank lines: check_scans says so; never let DuckDB read on
        if head.unreadable:
            self.add(Problem(fname, None, None, None, head.unreadable, kind=Kind.MALFORMED))
            return
        if head.headers is None:
            if table.required:
                self.add(Problem(fname, None, None, None, "a header row", kind=Kind.EMPTY_FILE))
            else:
                self.notices.append(f"{fname}: empty (no header); loaded as an empty table")
            return
        if head.bad_utf8_at is not None:
            self.add(
                Problem(
                    fname,
                    None,
                    None,
                    f"byte {head.bad_utf8_at} of the header row",
                    "UTF-8 text",
                    kind=Kind.ENCODING,
                )
            )
            return
        if head.bom:
            self.notices.append(f"{fname}: starts with a UTF-8 byte-order mark")
        if head.crlf:
            self.notices.append(f"{fname}: CRLF line ends")
        headers = [h.replace("\ufeff", "") for h in head.headers]
        hmap = map_headers(table, headers)
        header_ok = self._check_headers(table, fname, headers, hmap)

        rel = f"f_{table.name}"
        checks = self._value_checks(table, hmap) if header_ok else []
        pairs = self._pair_key(hmap) if table.name == "customer_groups" else None
        # Pass 1, streaming: counts only (no table is built for a clean file).
        aggs = ["count(*)"] + [
            f"count(*) filter (where {c.maybe_bad})" if c.maybe_bad else "0" for c in checks
        ]
        aggs += [f"count({c.key}) - count(distinct {c.key})" for c in checks if c.key]
        # Every column must be read: DuckDB checks UTF-8 only in the columns a query uses.
        aggs += [f"count(c{i})" for i in range(len(headers))]
        unknown = unknown_names.unknown_sql(table.name, hmap.positions) if header_ok else None
        aggs.append(f"count(*) filter (where {unknown})" if unknown else "0")
        unknown_at = len(aggs) - 1
        if pairs:
            aggs.append(f"count({pairs}) - count(distinct {pairs})")
        try:
            counts = self.con.execute(
                f"select {', '.join(aggs)} from {read_csv_sql(str(load_path), len(headers), rejects=rel)}"
            ).fetchall()[0]  # fetchall: the rejects table exists once the result is consumed
        except duckdb.Error as err:
            # Not the message: DuckDB quotes the offending line, which may hold personal data.
            self.add(
                Problem(
                    fname,
                    None,
                    None,
                    None,
                    f"a readable CSV file ({type(err).__name__})",
                    kind=Kind.MALFORMED,
                )
            )
            return
        good = counts[0]
        rejected = [
            r
            for (r,) in self.con.execute(
                f"select distinct line - 1 from {rel}_errors order by 1"
            ).fetchall()
        ]
        rows = good + len(rejected)
        self.record_counts[fname] = rows
        rowmap = _RowMap(rejected)
        if rejected:
            self._report_rejects(fname, rel, len(headers))
        n_value = len(checks)
        failing = [c for c, n in zip(checks, counts[1 : 1 + n_value]) if n]
        unique_checks = [c for c in checks if c.key]
        failing_unique = [
            c
            for c, n in zip(unique_checks, counts[1 + n_value : 1 + n_value + len(unique_checks)])
            if n
        ]
        repeated_pairs = bool(pairs) and bool(counts[-1])
        if counts[unknown_at] and not rejected:
            source = read_csv_sql(str(load_path), len(headers))
            self.notices.append(
                unknown_names.notice(self.con, table.name, fname, source, hmap.positions)
            )
        # Pass 2, only for a file with something to point at: a table whose rowid is file order.
        if failing or failing_unique or repeated_pairs:
            self.con.execute(
                f"create or replace table {rel} as select * from "
                f"{read_csv_sql(str(load_path), len(headers), rejects=rel + '_again')}"
            )
            self._locate_values(table, fname, rel, failing, failing_unique, rowmap)
            if repeated_pairs:
                self._repeated_groups(fname, rel, hmap, rowmap)
            self.con.execute(f"drop table {rel}")
        if fmt == "csv":
            newlines = digest.result().newlines
            physical = newlines + (0 if self._ends_with_newline(path) else 1)
            spanning = physical - 1 - rows
            if spanning > 0 and not rejected:
                self.notices.append(
                    f"{fname}: {spanning:,} more line(s) than records "
                    "(quoted fields holding line breaks, or blank lines); each record is one row"
                )
        self.files[table.name] = ExportFile(
            table=table.name,
            path=path,
            load_path=load_path,
            format=fmt,
            rows=rows,
            sha256="",  # filled in once the hash thread is done
            headers=tuple(headers),
            extra_columns=hmap.extra_names(),
        )

    @staticmethod
    def _ends_with_newline(path: Path) -> bool:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return False
            fh.seek(-1, 2)
            return fh.read(1) == b"\n"

    def _check_headers(self, table: Table, fname: str, headers: list[str], hmap: HeaderMap) -> bool:
        """Header problems and notices. Fields are named only when the contract uses
        the name (headers.describe_field): a missing header row starts with data."""
        ok = True
        for name, positions in hmap.duplicates.items():
            self.add(
                Problem(
                    fname,
                    None,
                    name if name in table.column_names else None,
                    f"{len(positions)} times (positions {', '.join(str(p + 1) for p in positions)})",
                    "each column once in the header (names match case-insensitively)",
                    kind=Kind.DUPLICATE_COLUMN,
                )
            )
            ok = False
        missing_required = False
        for column in table.columns:
            if column.name in hmap.positions:
                continue
            if column.required:
                missing_required = True
                self.add(
                    Problem(
                        fname,
                        None,
                        column.name,
                        None,
                        f"a column named {column.name}; the header has {describe_header(headers)}",
                        kind=Kind.MISSING_COLUMN,
                    )
                )
            else:
                self.notices.append(
                    f"{fname}: optional column {column.name} is absent (loaded as empty)"
                )
        renamed = [
            h for h in headers if h != h.strip().lower() and h.strip().lower() in table.column_names
        ]
        if renamed:
            self.notices.append(
                f"{fname}: header names matched ignoring case and spaces: "
                + ", ".join(repr(h) for h in renamed)
            )
        if hmap.extras:
            # A header missing a required column may be a data row: extras by position only.
            shown = [
                describe_field(pos, headers[pos]) if missing_required else f"{pos + 1} {name}"
                for pos, name in hmap.extras[:30]
            ]
            more = f", … {len(hmap.extras) - 30} more" if len(hmap.extras) > 30 else ""
            self.notices.append(
                f"{fname}: extra column(s) kept in the raw layer, ignored by the models: "
                + ", ".join(shown)
                + more
            )
        return ok

    def _report_rejects(self, fname: str, rel: str, width: int) -> None:
        sql = f"""
            select line - 1 as row, error_type, byte_position, column_idx,
                   count(*) over (partition by error_type) as total
            from (select distinct on (line) * from {rel}_errors order by line, column_idx)
            qualify row_number() over (partition by error_type order by line) <= {LISTED_PER_GROUP}
            order by error_type, line
        """
        for row, error_type, byte_position, column_idx, total in self.con.execute(sql).fetchall():
            if error_type in ("INVALID ENCODING", "INVALID UNICODE"):
                kind, value = (
                    Kind.ENCODING,
                    f"invalid byte sequence near byte {byte_position} of the file",
                )
                expected = "UTF-8 text"
            else:
                kind = Kind.MALFORMED
                value = error_type.lower()
                expected = _REJECT_EXPECTED.get(error_type, "a well-formed CSV record")
                if "COLUMNS" in error_type:
                    expected = f"{width} fields, like the header"
            self.add(Problem(fname, row, None, value, expected, kind=kind))
            if total > LISTED_PER_GROUP:
                self.totals[(fname, None, kind)] = self.totals.get((fname, None, kind), 0) + int(
                    total
                )

    def _value_checks(self, table: Table, hmap: HeaderMap) -> list[_Check]:
        checks: list[_Check] = []
        for i, column in enumerate(table.columns):
            pos = hmap.positions.get(column.name)
            if pos is None:
                continue
            raw = f"c{pos}"
            v = f"trim({raw})"
            blank = f"({raw} is null or {v} = '')"
            bad = _bad_value_sql(column, v)
            kind_bad = Kind.ENUM if column.type is ColumnType.ENUM else Kind.TYPE
            conditions = []
            if column.required:
                conditions.append(f"when {blank} then '{Kind.REQUIRED}'")
            if bad != "false":
                conditions.append(f"when not {blank} and {bad} then '{kind_bad}'")
            if not conditions and not column.unique:
                continue
            kind_sql = ("case " + " ".join(conditions) + " end") if conditions else "null"
            key = None
            if column.unique:
                # coalesce evaluates trim() only where the plain cast fails
                key = (
                    f"coalesce(try_cast({raw} as bigint), try_cast({v} as bigint))"
                    if column.type is ColumnType.ID
                    else f"nullif({v}, '')"
                )
            shown = f"cast(length({v}) as varchar)" if column.pii else v
            checks.append(_Check(i, column, kind_sql, _maybe_bad_sql(column, raw), shown, key))
        return checks

    @staticmethod
    def _pair_key(hmap: HeaderMap) -> str | None:
        cid, gname = hmap.positions.get("customer_id"), hmap.positions.get("group_name")
        if cid is None or gname is None:
            return None
        return f"(trim(c{cid}) || chr(31) || lower(nullif(trim(c{gname}), '')))"

    def _locate_values(
        self,
        table: Table,
        fname: str,
        rel: str,
        failing: list[_Check],
        failing_unique: list[_Check],
        rowmap: _RowMap,
    ) -> None:
        parts = [
            f"select {c.index} as col, {c.kind_sql} as kind, rowid as rid, {c.shown} as val from {rel}"
            for c in failing
        ]
        for c in failing_unique:
            parts.append(
                f"select {c.index} as col, '{Kind.UNIQUE}' as kind, rid, cast(first_rid as varchar) || '|' || val as val "
                f"from (select rowid as rid, {c.shown} as val, min(rowid) over (partition by {c.key}) as first_rid "
                f"from {rel} where {c.key} in "
                f"(select {c.key} from {rel} where {c.key} is not null group by 1 having count(*) > 1)) "
                f"where rid <> first_rid"
            )
        if not parts:
            return
        sql = f"""
            select col, kind, rid, val, count(*) over (partition by col, kind) as total
            from ({" union all ".join(parts)}) where kind is not null
            qualify row_number() over (partition by col, kind order by rid) <= {LISTED_PER_GROUP}
            order by col, kind, rid
        """
        for col, kind, rid, val, total in self.con.execute(sql).fetchall():
            column = table.columns[col]
            row = rowmap.row(rid)
            value: str | None = val
            expected = column.expected
            masked = value is not None
            if kind == Kind.UNIQUE:
                first_rid, _, value = val.partition("|")
                expected = f"a unique {column.name}; first seen at row {rowmap.row(int(first_rid))}"
                value = mask_personal(int(value)) if column.pii else shown_identifier(value)
                masked = value.startswith("<")
            elif kind == Kind.REQUIRED:
                value, masked = None, False
            elif column.pii:
                value = mask_personal(int(value))
            elif value is not None:
                value = shape(value)  # never the value itself: a shifted row puts names anywhere
            personal = column.pii and value is not None
            self.add(
                Problem(
                    fname,
                    row,
                    column.name,
                    value,
                    expected,
                    kind=kind,
                    personal=personal,
                    masked=masked and not personal,
                )
            )
            if total > LISTED_PER_GROUP:
                self.totals[(fname, column.name, kind)] = int(total)

    def _repeated_groups(self, fname: str, rel: str, hmap: HeaderMap, rowmap: _RowMap) -> None:
        cid, gname = hmap.positions.get("customer_id"), hmap.positions.get("group_name")
        if cid is None or gname is None:
            return
        sql = f"""
            select count(*), min(rid) from (
              select rowid as rid, row_number() over (partition by trim(c{cid}), lower(trim(c{gname})) order by rowid) as n
              from {rel} where nullif(trim(c{gname}), '') is not null
            ) where n > 1
        """
        count, first = self.con.execute(sql).fetchone()  # type: ignore[misc]
        if count:
            self.notices.append(
                f"{fname}: {count} repeated (customer_id, group_name) pair(s), each counted once "
                f"(first repeat at row {rowmap.row(first)})"
            )

    # ---------------------------------------------------------------- manifest

    def check_manifest(self, hashes: dict[str, str], today: dt.date) -> str | None:
        """manifest.json (runner/export/manifest.py); returns a valid exported_at."""

        def hash_of(name: str) -> str | None:
            if name in hashes:
                return hashes[name]
            try:
                return _hash_and_scan(self.export_dir / name).sha256
            except OSError:
                return None  # absent, or not a regular file (discovery said so)

        return ManifestCheck(self.export_dir, today, self.record_counts, hash_of, self.add).run()

    def check_scans(self, scans: dict[str, _Scan]) -> None:
        """Problems the byte scan found: NUL bytes (PostgreSQL cannot store them) and
        runs of blank lines."""
        for fname, scan in scans.items():
            if scan.nul_at is not None:
                self.add(
                    Problem(
                        fname,
                        None,
                        None,
                        f"a NUL byte at byte {scan.nul_at:,} of the CSV text",
                        "text without NUL bytes (a database cannot store them)",
                        kind=Kind.NUL_BYTE,
                        masked=True,
                    )
                )
            if scan.blank_run_at is not None:
                self.add(
                    Problem(
                        fname,
                        None,
                        None,
                        None,
                        f"at most {BLANK_LINES_RUN:,} blank lines in a row (a run of them ends near byte {scan.blank_run_at:,}; reading stopped there)",
                        kind=Kind.MALFORMED,
                    )
                )


def validate_export(
    export_dir: Path, workdir: Path, today: dt.date | None = None
) -> ValidatedExport:
    """Check every file of the export against the contract; all problems at once.
    `today` is the run's own date (manifest exported_at may not be after it + 1 day)."""
    export_dir = Path(export_dir)
    workdir = Path(workdir)
    today = today or dt.date.today()
    workdir.mkdir(parents=True, exist_ok=True)
    checker = _Checker(export_dir, workdir)
    try:
        if not export_dir.is_dir():
            checker.add(
                Problem(
                    str(export_dir), None, None, None, "an export folder", kind=Kind.MISSING_FILE
                )
            )
            return ValidatedExport(export_dir, {}, checker.notices, checker.problems)
        chosen = checker.discover()
        with ThreadPoolExecutor(max_workers=1) as pool:
            digests = {name: pool.submit(_hash_and_scan, path) for name, path in chosen.items()}
            for name, path in chosen.items():
                checker.check_file(TABLES[name], path, digests[name])
            scans = {chosen[name].name: fut.result() for name, fut in digests.items()}
        hashes = {fname: scan.sha256 for fname, scan in scans.items()}
        checker.check_scans(scans)
        for name, ef in list(checker.files.items()):
            checker.files[name] = replace(ef, sha256=hashes[ef.path.name])
        exported_at = checker.check_manifest(hashes, today)
        return ValidatedExport(
            export_dir=export_dir,
            files=checker.files,
            notices=checker.notices,
            problems=checker.problems,
            manifest_exported_at=exported_at,
            problem_totals=checker.totals,
        )
    finally:
        checker.con.close()
