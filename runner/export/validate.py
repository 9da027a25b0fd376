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

Here: the order of the passes. The parts are their own modules: scan.py (bytes:
hash, NUL, blank runs, the header row), xlsx.py (a workbook to CSV), layout.py
(files and headers), value_sql.py (the checks' SQL), locate.py (pass 2: rows of
the problems), manifest.py, problems.py (messages, masking).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from runner.contract import FILE_SUFFIXES, TABLES, Table
from runner.export import unknown_names
from runner.export.headers import HeaderMap, map_headers, read_csv_sql
from runner.export.layout import check_headers, discover
from runner.export.locate import (
    LISTED_PER_GROUP,
    RowMap,
    locate_values,
    repeated_groups,
    report_rejects,
)
from runner.export.manifest import ManifestCheck
from runner.export.problems import Found, Kind, Problem
from runner.export.scan import BLANK_LINES_RUN, Head, Scan, hash_and_scan, read_head
from runner.export.value_sql import ValueCheck, pair_key, value_checks
from runner.export.xlsx import convert_xlsx

__all__ = [
    "BLANK_LINES_RUN",
    "LISTED_PER_GROUP",
    "ExportFile",
    "Kind",
    "Problem",
    "ValidatedExport",
    "validate_export",
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


@dataclass(frozen=True)
class PassOne:
    """Pass 1's counts for one file (malformed records: table <rel>_errors on `con`)."""

    con: duckdb.DuckDBPyConnection
    good: int  # records read (not rejected)
    bad_values: Sequence[int]  # per value check: values its maybe_bad condition matched
    repeated_keys: Sequence[int]  # per unique check: values seen more than once
    unknown_names: int  # values of the seeded column the seed does not list
    repeated_pairs: int  # customer_groups: repeated (customer_id, group_name) pairs
    source: str  # a relation over c0..cN (the values as text) for the unknown-names notice
    rows_in_file_order: bool  # source's rowid is the good records' order in the file


class _Checker:
    def __init__(self, export_dir: Path, workdir: Path):
        self.export_dir = export_dir
        self.workdir = workdir
        self.found = Found()
        self.files: dict[str, ExportFile] = {}
        self.record_counts: dict[str, int] = {}  # file name -> records (incl. rejected)
        self.con = duckdb.connect(":memory:")
        self.con.execute("set preserve_insertion_order = true")

    def add(self, problem: Problem) -> None:
        self.found.add(problem)

    # ---------------------------------------------------------------- one file

    def check_file(self, table: Table, path: Path, digest: Future[Scan]) -> None:
        fmt = next(s for s in FILE_SUFFIXES if path.name.endswith(s)).lstrip(".")
        fname = path.name
        if fmt == "xlsx":
            load_path = self.workdir / f"{table.name}.from-xlsx.csv"
            headers, _, bad = convert_xlsx(path, load_path)
            if bad:
                self.add(Problem(fname, None, None, None, bad, kind=Kind.BAD_WORKBOOK))
                return
            head = Head(headers=headers)
            self.found.notices.append(
                f"{fname}: Excel workbook converted to CSV (date cells as YYYY-MM-DD)"
            )
        else:
            load_path = path
            try:
                head = read_head(path)
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
                self.found.notices.append(f"{fname}: gzip-compressed CSV")
                if digest.result().blank_run_at is not None:
                    return  # a gzip of endless blank lines: check_scans says so; never let DuckDB read on
        if head.unreadable:
            self.add(Problem(fname, None, None, None, head.unreadable, kind=Kind.MALFORMED))
            return
        if head.headers is None:
            if table.required:
                self.add(Problem(fname, None, None, None, "a header row", kind=Kind.EMPTY_FILE))
            else:
                self.found.notices.append(f"{fname}: empty (no header); loaded as an empty table")
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
            self.found.notices.append(f"{fname}: starts with a UTF-8 byte-order mark")
        if head.crlf:
            self.found.notices.append(f"{fname}: CRLF line ends")
        headers = [h.replace("\ufeff", "") for h in head.headers]
        hmap = map_headers(table, headers)
        header_ok = check_headers(self.found, table, fname, headers, hmap)

        rel = f"f_{table.name}"
        checks = value_checks(table, hmap) if header_ok else []
        pairs = pair_key(hmap) if table.name == "customer_groups" else None
        unknown = unknown_names.unknown_sql(table.name, hmap.positions) if header_ok else None
        try:
            one = self.pass_one(
                table, load_path, headers, hmap, header_ok, rel, checks, pairs, unknown
            )
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
        rejected = [
            r
            for (r,) in one.con.execute(
                f"select distinct line - 1 from {rel}_errors order by 1"
            ).fetchall()
        ]
        rows = one.good + len(rejected)
        self.record_counts[fname] = rows
        rowmap = RowMap(rejected)
        if rejected:
            report_rejects(one.con, self.found, fname, rel, len(headers))
        failing = [c for c, n in zip(checks, one.bad_values, strict=True) if n]
        unique_checks = [c for c in checks if c.key]
        failing_unique = [c for c, n in zip(unique_checks, one.repeated_keys, strict=True) if n]
        repeated_pairs = bool(pairs) and bool(one.repeated_pairs)
        if one.unknown_names and not rejected:
            self.found.notices.append(
                unknown_names.notice(one.con, table.name, fname, one.source, hmap.positions)
            )
        # Pass 2, only for a file with something to point at: a table whose rowid is file order.
        if failing or failing_unique or (repeated_pairs and not one.rows_in_file_order):
            self.con.execute(
                f"create or replace table {rel} as select * from "
                f"{read_csv_sql(str(load_path), len(headers), rejects=rel + '_again')}"
            )
            locate_values(self.con, self.found, table, fname, rel, failing, failing_unique, rowmap)
            if repeated_pairs:
                repeated_groups(self.con, self.found, fname, rel, hmap, rowmap)
            self.con.execute(f"drop table {rel}")
        elif repeated_pairs:  # the loaded table's rowid is file order: no second read
            repeated_groups(one.con, self.found, fname, one.source, hmap, rowmap)
        if fmt == "csv":
            newlines = digest.result().newlines
            physical = newlines + (0 if self._ends_with_newline(path) else 1)
            spanning = physical - 1 - rows
            if spanning > 0 and not rejected:
                self.found.notices.append(
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

    def pass_one(
        self,
        table: Table,
        load_path: Path,
        headers: list[str],
        hmap: HeaderMap,
        header_ok: bool,
        rel: str,
        checks: list[ValueCheck],
        pairs: str | None,
        unknown: str | None,
    ) -> PassOne:
        """Pass 1, streaming: one aggregate over the file, counts only (no table is built
        for a clean file); malformed records land in <rel>_errors on self.con."""
        aggs = ["count(*)"] + [
            f"count(*) filter (where {c.maybe_bad})" if c.maybe_bad else "0" for c in checks
        ]
        aggs += [f"count({c.key}) - count(distinct {c.key})" for c in checks if c.key]
        # Every column must be read: DuckDB checks UTF-8 only in the columns a query uses.
        aggs += [f"count(c{i})" for i in range(len(headers))]
        aggs.append(f"count(*) filter (where {unknown})" if unknown else "0")
        aggs.append(f"count({pairs}) - count(distinct {pairs})" if pairs else "0")
        reader = read_csv_sql(str(load_path), len(headers), rejects=rel)
        # fetchall: the rejects table exists once the result is consumed
        counts = self.con.execute(f"select {', '.join(aggs)} from {reader}").fetchall()[0]
        n_value, n_unique = len(checks), sum(1 for c in checks if c.key)
        return PassOne(
            con=self.con,
            good=counts[0],
            bad_values=counts[1 : 1 + n_value],
            repeated_keys=counts[1 + n_value : 1 + n_value + n_unique],
            unknown_names=counts[-2],
            repeated_pairs=counts[-1],
            source=read_csv_sql(str(load_path), len(headers)),
            rows_in_file_order=False,
        )

    @staticmethod
    def _ends_with_newline(path: Path) -> bool:
        with path.open("rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return False
            fh.seek(-1, 2)
            return fh.read(1) == b"\n"

    # ---------------------------------------------------------------- manifest

    def check_manifest(self, hashes: dict[str, str], today: dt.date) -> str | None:
        """manifest.json (runner/export/manifest.py); returns a valid exported_at."""

        def hash_of(name: str) -> str | None:
            if name in hashes:
                return hashes[name]
            try:
                return hash_and_scan(self.export_dir / name).sha256
            except OSError:
                return None  # absent, or not a regular file (discovery said so)

        return ManifestCheck(self.export_dir, today, self.record_counts, hash_of, self.add).run()

    def check_scans(self, scans: dict[str, Scan]) -> None:
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
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    checker = _Checker(Path(export_dir), workdir)
    try:
        return run_checks(checker, today or dt.date.today())
    finally:
        checker.con.close()


def run_checks(checker: _Checker, today: dt.date) -> ValidatedExport:
    """Every check of the export, in order, with `checker`'s pass 1 (runner/export/fused.py
    has one that loads while it counts)."""
    export_dir = checker.export_dir
    if not export_dir.is_dir():
        checker.add(
            Problem(str(export_dir), None, None, None, "an export folder", kind=Kind.MISSING_FILE)
        )
        return ValidatedExport(export_dir, {}, checker.found.notices, checker.found.problems)
    chosen = discover(export_dir, checker.found)
    with ThreadPoolExecutor(max_workers=1) as pool:
        digests = {name: pool.submit(hash_and_scan, path) for name, path in chosen.items()}
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
        notices=checker.found.notices,
        problems=checker.found.problems,
        manifest_exported_at=exported_at,
        problem_totals=checker.found.totals,
    )
