"""Validate while loading (DuckDB): each CSV is parsed once, into the run's private build.

The validator (validate.py) reads every file into a streaming aggregate, and the loader
(load.py) reads it again to cast it into juvonno_raw. Here pass 1 is instead one
`create table juvonno_raw.<table> as select ...` from the same reader (rejects
caught the same way): the raw typed columns (try_cast, so a bad value cannot fail the
statement) plus one boolean per value check holding pass 1's `maybe_bad` condition
(value_sql.py: the same SQL the streaming pass counts). The counts are then read from
the loaded table, which is cheap (the flags, and the uniqueness, unknown-name and
customer_groups pair checks over the typed values shown as text), and the flag
columns are dropped (DuckDB drops a column without rewriting the table).

Why the typed values give the same counts as the text: a key is
`try_cast(trim(text) as bigint)` or `nullif(trim(text), '')`, which is exactly how the
raw column is made; a seeded name is compared after trim() and lower(), as before. The
one exception is the customer_groups pair key, built from customer_id's *text*: when a
customer_id's text is not the plain digits of its number (leading zeros, blank, not a
number), that count is taken from the file again, as the streaming pass does.

A file with a problem keeps pass 2 (locate.py reads it again, for row numbers). The
build is not cleaned up here: an export with problems leaves tables behind, and the
caller discards the whole build (nothing published is touched). A file whose header is
wrong is not loaded at all (the streaming pass counts it: the export is rejected).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from runner.checkpoints import NOWHERE, Checkpoints, Phase
from runner.contract import TABLES, ColumnType, Table
from runner.export.headers import HeaderMap, read_csv_sql
from runner.export.load import (
    RAW_SCHEMA,
    create_empty_sql,
    quote,
    raw_columns_sql,
    record_files,
)
from runner.export.validate import PassOne, ValidatedExport, _Checker, run_checks
from runner.export.value_sql import ValueCheck

__all__ = ["validate_and_load"]

# Names no delivered header can take (headers.safe_column_name never keeps '#').
_FLAG = '"juvonno#{}"'
_TEXT_TYPES = (ColumnType.TEXT, ColumnType.ENUM, ColumnType.DATETIME)


def _text_view(table: Table, hmap: HeaderMap, target: str, extra: list[str]) -> str:
    """The loaded table as c<pos> text columns, so value_sql's key, pair and unknown-name
    SQL (written over the reader's columns) runs unchanged on it; rowid is file order."""
    columns = ["rowid as rowid", *extra]
    for column in table.columns:
        pos = hmap.positions.get(column.name)
        if pos is None:
            continue
        value = quote(column.name)
        if column.type not in _TEXT_TYPES:
            value = f"cast({value} as varchar)"
        columns.append(f"{value} as c{pos}")
    return f"(select {', '.join(columns)} from {target}) as loaded"


class _LoadingChecker(_Checker):
    def __init__(
        self,
        export_dir: Path,
        workdir: Path,
        build: duckdb.DuckDBPyConnection,
        checkpoints: Checkpoints,
    ):
        super().__init__(export_dir, workdir)
        self.build = build
        self.checkpoints = checkpoints
        self.loaded = 0  # files loaded into the build so far

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
        if not header_ok:  # rejected whatever the values: count, load nothing
            return super().pass_one(
                table, load_path, headers, hmap, header_ok, rel, checks, pairs, unknown
            )
        target = f"{RAW_SCHEMA}.{quote(table.name)}"
        flags = {_FLAG.format(f"bad {c.index}"): c.maybe_bad for c in checks if c.maybe_bad}
        odd_ids = _FLAG.format("odd customer_id")
        if pairs:
            cid = f"c{hmap.positions['customer_id']}"
            flags[odd_ids] = (
                f"({cid} is not null and coalesce(trim({cid}) <> "
                f"cast(try_cast(nullif(trim({cid}), '') as bigint) as varchar), true))"
            )
        columns = raw_columns_sql(table, hmap, lenient=True)
        columns += [f"{sql} as {name}" for name, sql in flags.items()]
        reader = read_csv_sql(str(load_path), len(headers), rejects=rel)
        con = self.build
        con.execute("begin transaction")
        try:
            con.execute(
                f"create or replace table {target} as select {', '.join(columns)} from {reader}"
            )
            counted = _text_view(table, hmap, target, list(flags))
            aggs = ["count(*)"]
            aggs += [
                f"count(*) filter (where {_FLAG.format(f'bad {c.index}')})" if c.maybe_bad else "0"
                for c in checks
            ]
            aggs += [f"count({c.key}) - count(distinct {c.key})" for c in checks if c.key]
            aggs.append(f"count(*) filter (where {unknown})" if unknown else "0")
            aggs.append(f"count({pairs}) - count(distinct {pairs})" if pairs else "0")
            aggs.append(f"count(*) filter (where {odd_ids})" if pairs else "0")
            counts = con.execute(f"select {', '.join(aggs)} from {counted}").fetchone()
            assert counts is not None
            for name in flags:
                con.execute(f"alter table {target} drop column {name}")
            con.execute("commit")
        except duckdb.Error:
            con.execute("rollback")
            raise
        self.loaded += 1
        if self.loaded == 1:  # a kill test stops the run here: one file in, the rest unread
            self.checkpoints.reached(Phase.VALIDATE_LOAD)
        n_value, n_unique = len(checks), sum(1 for c in checks if c.key)
        repeated_pairs, odd = counts[-2], counts[-1]
        if odd:  # the pair key is customer_id's text: count it on the text, as pass 1 does
            text = read_csv_sql(str(load_path), len(headers))
            (repeated_pairs,) = self.con.execute(
                f"select count({pairs}) - count(distinct {pairs}) from {text}"
            ).fetchone()  # type: ignore[misc]
        # an extra column named rowid would hide the table's own rowid (file order)
        in_order = not odd and "rowid" not in {n.lower() for n in hmap.extra_names()}
        return PassOne(
            con=con,
            good=counts[0],
            bad_values=counts[1 : 1 + n_value],
            repeated_keys=counts[1 + n_value : 1 + n_value + n_unique],
            unknown_names=counts[-3],
            repeated_pairs=repeated_pairs,
            source=_text_view(table, hmap, target, []),
            rows_in_file_order=in_order,
        )


def validate_and_load(
    export_dir: Path,
    workdir: Path,
    db_path: Path,
    today: dt.date | None = None,
    checkpoints: Checkpoints = NOWHERE,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> ValidatedExport:
    """validate_export's verdict, every file read once, loading juvonno_raw in db_path
    (a private build). When the export is ok the raw layer is complete (absent files as
    empty tables, export_files); when not, the caller discards db_path. memory_limit and
    threads: DuckDB's settings for the build's connection (beyond the limit it spills to
    <db_path>.tmp/); None keeps DuckDB's defaults."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    build = duckdb.connect(str(db_path))
    try:
        if memory_limit is not None:
            build.execute("set memory_limit = ?", [memory_limit])
        if threads is not None:
            build.execute(f"set threads = {int(threads)}")
        build.execute("set preserve_insertion_order = true")
        build.execute(f"create schema if not exists {RAW_SCHEMA}")
        checker = _LoadingChecker(Path(export_dir), workdir, build, checkpoints)
        try:
            export = run_checks(checker, today or dt.date.today())
        finally:
            checker.con.close()
        if export.ok:
            build.execute("begin transaction")
            for name, table in TABLES.items():
                if name not in export.files:
                    build.execute(create_empty_sql(table))
            record_files(build, export.files.values())
            build.execute("commit")
        return export
    finally:
        build.close()
