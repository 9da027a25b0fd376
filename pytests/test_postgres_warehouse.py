"""PostgresWarehouse and the COPY loader against a real PostgreSQL server.

The server is the session's (pytests/postgres_fixture.py): an existing one when
JUVONNO_DQ_PG_HOST is set, else a throwaway cluster. Every test works under a
schema prefix of its own, dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from runner.contract import TABLES
from runner.export.load import load_duckdb
from runner.export.load_postgres import load_postgres
from runner.export.validate import validate_export
from runner.warehouse import WarehouseError
from runner.warehouse.postgres import PostgresWarehouse

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("postgres")]


def _rows(con, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def _messy_export(sample: Path, target: Path) -> Path:
    """The sample export delivered the awkward ways the contract allows: BOM, CRLF,
    .csv.gz, header case and spaces, an extra column, blank and space-only fields
    (NBSP too), a quoted field holding a comma, quotes and a line break, and no
    optional iCBT file."""
    target.mkdir()
    customers = (sample / "customers.csv").read_text(encoding="utf-8").splitlines()
    header, *rows = customers
    out = [" ID ," + header.split(",", 1)[1] + ",Referrer Notes"]
    for i, row in enumerate(rows):
        extra = ["", "   ", '"said ""hi"", then\nleft"', "\u00a0padded\u00a0", "x"][i % 5]
        out.append(row + "," + extra)
    (target / "customers.csv").write_bytes(("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8"))
    with gzip.open(target / "appointments.csv.gz", "wb") as fh:
        fh.write((sample / "appointments.csv").read_bytes())
    staff = (sample / "staff.csv").read_text(encoding="utf-8").splitlines()
    staff[0] = staff[0].upper()
    staff[1:] = [r.replace(",Therapist,", ",  Therapist ,") for r in staff[1:]]
    (target / "staff.csv").write_text("\n".join(staff) + "\n", encoding="utf-8")
    for name in ("customer_groups", "encounters"):
        shutil.copy(sample / f"{name}.csv", target / f"{name}.csv")
    return target


def _duck_type(sql_type: str) -> str:
    return {"BIGINT": "bigint", "DATE": "date", "VARCHAR": "text"}[sql_type]


def test_raw_layer_is_the_duckdb_raw_layer(
    sample_export: Path, tmp_path: Path, postgres_server, pg_schema
) -> None:
    export = validate_export(_messy_export(sample_export, tmp_path / "export"), tmp_path / "work")
    assert export.ok, [str(p) for p in export.problems]
    db = tmp_path / "raw.duckdb"
    load_duckdb(db, export)
    raw = f"{pg_schema}_raw"
    con = postgres_server.connect()
    try:
        load_postgres(con, export, raw)
        duck = duckdb.connect(str(db), read_only=True)
        try:
            for name in TABLES:
                dcols = duck.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'juvonno_raw' and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                pcols = _rows(
                    con,
                    "select column_name, data_type from information_schema.columns "
                    f"where table_schema = '{raw}' and table_name = '{name}' order by ordinal_position",
                )
                assert [(c, _duck_type(t)) for c, t in dcols] == [
                    (c, t.replace("character varying", "text")) for c, t in pcols
                ], name
                cols = ", ".join(f'"{c}"' for c, _ in dcols)
                drows = sorted(
                    duck.execute(f"select {cols} from juvonno_raw.{name}").fetchall(), key=repr
                )
                prows = sorted(_rows(con, f'select {cols} from "{raw}"."{name}"'), key=repr)
                assert drows == prows, name
        finally:
            duck.close()
        notes = dict(_rows(con, f'select id, "referrer notes" from "{raw}".customers'))
        assert set(notes.values()) == {None, 'said "hi", then\nleft', "padded", "x"}
        assert _rows(con, f'select count(*) from "{raw}".icbt_activity') == [(0,)]
        assert {r[0] for r in _rows(con, f'select distinct staff_type from "{raw}".staff')} <= {
            "Therapist",
            "Coordinator",
            "Administrator",
            "Other",
        }
    finally:
        con.close()


def test_a_failing_load_leaves_the_previous_raw_data_intact(
    sample_export: Path, tmp_path: Path, postgres_server, pg_schema
) -> None:
    raw = f"{pg_schema}_raw"
    good = validate_export(sample_export, tmp_path / "work")
    con = postgres_server.connect()
    try:
        load_postgres(con, good, raw)
        before = {
            name: _rows(con, f'select * from "{raw}"."{name}" order by 1, 2') for name in TABLES
        }
        # A later table that COPY accepts but the cast refuses, after earlier tables loaded.
        bad_enc = tmp_path / "encounters.csv"
        text = (sample_export / "encounters.csv").read_text().splitlines()
        bad_enc.write_text(
            "\n".join(
                [
                    text[0],
                    *text[1:50],
                    "not-a-number,10001,201,Session Note,2026-01-01,",
                    *text[50:],
                ]
            )
            + "\n"
        )
        # Bypass the validator on purpose: only the database can refuse this load now.
        bad = replace(
            good,
            files={
                **good.files,
                "encounters": replace(good.files["encounters"], load_path=bad_enc),
            },
        )
        with pytest.raises(Exception, match="bigint"):
            load_postgres(con, bad, raw)
        after = {
            name: _rows(con, f'select * from "{raw}"."{name}" order by 1, 2') for name in TABLES
        }
        assert after == before
        leftovers = _rows(
            con,
            f"select tablename from pg_tables where schemaname = '{raw}' and tablename like '%loading'",
        )
        assert leftovers == []
    finally:
        con.close()


def _warehouse(postgres_server, pg_schema: str, tmp_path: Path, **extra: str) -> PostgresWarehouse:  # type: ignore[no-untyped-def]
    return PostgresWarehouse(out=tmp_path, environ=postgres_server.env(pg_schema) | extra)


def _fake_build(wh: PostgresWarehouse, run: int, postgres_server) -> None:  # type: ignore[no-untyped-def]
    """What dbt would leave in the build: a mart in sop and one in invoicing, same run."""
    con = postgres_server.connect()
    try:
        with con.cursor() as cur:
            for layer, table in (("sop", "sop_violations"), ("invoicing", "rpt_invoice_monthly")):
                schema = f"{wh.build_prefix}_{layer}"
                cur.execute(f'create schema if not exists "{schema}"')
                cur.execute(
                    f'create table "{schema}".{table} as select {run} as run, g as n from generate_series(1, 1000) g'
                )
        con.commit()
    finally:
        con.close()


def test_publish_swaps_all_marts_at_once_while_a_second_connection_reads(
    tmp_path: Path, postgres_server, pg_schema
) -> None:
    sop, inv = f"{pg_schema}_sop.sop_violations", f"{pg_schema}_invoicing.rpt_invoice_monthly"

    def publish_run(run: int) -> float:
        wh = _warehouse(postgres_server, pg_schema, tmp_path)
        wh.check_reachable()
        wh.prepare_build(f"run-{run}")
        _fake_build(wh, run, postgres_server)
        started = time.monotonic()
        wh.publish()
        return time.monotonic() - started

    assert _warehouse(postgres_server, pg_schema, tmp_path).latest_as_of() is None
    publish_run(1)

    # 1. A second connection reads both marts in one statement, over and over,
    #    while run 2 is published: every read sees one run, complete.
    seen: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        con = postgres_server.connect()
        con.autocommit = True
        try:
            while not stop.is_set():
                seen.append(
                    _rows(
                        con,
                        f"select (select min(run) || '/' || max(run) || '/' || count(*) from {sop}), "
                        f"(select min(run) || '/' || max(run) || '/' || count(*) from {inv})",
                    )[0]
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            con.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        time.sleep(0.2)
        publish_run(2)
        time.sleep(0.2)
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors
    assert set(seen) <= {("1/1/1000", "1/1/1000"), ("2/2/1000", "2/2/1000")}, set(seen)
    assert ("1/1/1000", "1/1/1000") in seen and ("2/2/1000", "2/2/1000") in seen
    con = postgres_server.connect()
    try:  # short reads never stop the old run being dropped in the publish transaction
        assert _rows(
            con, f"select count(*) from pg_namespace where nspname like '{pg_schema}\\_old%'"
        ) == [(0,)]
    finally:
        con.close()

    # 2. An analyst's open transaction holding the marts does not hold up the
    #    publish: the swap commits, the old run is dropped later, by the next run.
    holder = postgres_server.connect()
    try:
        assert _rows(holder, f"select min(run) from {sop}") == [(2,)]
        took = publish_run(3)
        assert took < 30, f"publish waited {took:.1f}s for a reader"
        assert _rows(holder, f"select min(run) from {sop}") == [
            (3,)
        ]  # its next statement sees the new run
    finally:
        holder.rollback()
        holder.close()
    _warehouse(postgres_server, pg_schema, tmp_path).cleanup_stale()
    con = postgres_server.connect()
    try:
        left = _rows(
            con, f"select nspname from pg_namespace where nspname like '{pg_schema}\\_%' order by 1"
        )
    finally:
        con.close()
    assert [r[0] for r in left] == [
        f"{pg_schema}_{layer}" for layer in ("history", "invoicing", "snapshots", "sop")
    ]


def test_state_is_carried_history_appended_and_discard_keeps_the_published_run(
    tmp_path: Path, postgres_server, pg_schema
) -> None:
    wh = _warehouse(postgres_server, pg_schema, tmp_path)
    env = wh.prepare_build("run-1")
    assert env == {"JUVONNO_DQ_PG_SCHEMA": f"{pg_schema}_build"}
    con = postgres_server.connect()
    with con.cursor() as cur:
        cur.execute(
            f'create table "{pg_schema}_build_snapshots".snp_customer_groups as select 1 as customer_id'
        )
    con.commit()
    _fake_build(wh, 1, postgres_server)
    now = dt.datetime(2026, 11, 20, 23, 30)
    row = {"run_id": "run-1", "as_of_date": dt.date(2026, 11, 20), "started_at": now, "finished_at": now,
           "rule_id": "SOP-10", "hits": 3, "outcome": "findings", "exit_code": 0}  # fmt: skip
    wh.append_history([row])
    history_table = wh.relation("history", "dq_run_history")
    assert wh.query(f"select rule_id, hits from {history_table}") == [
        {"rule_id": "SOP-10", "hits": 3}
    ]
    wh.publish()
    assert wh.latest_as_of() == dt.date(2026, 11, 20)

    wh2 = _warehouse(postgres_server, pg_schema, tmp_path)
    wh2.prepare_build("run-2")
    snapshots = wh2.relation("snapshots", "snp_customer_groups")
    assert wh2.query(f"select count(*) as n from {snapshots}") == [{"n": 1}]
    history_table = wh2.relation("history", "dq_run_history")
    assert wh2.query(f"select {', '.join(row)} from {history_table}") == [row]
    _fake_build(wh2, 2, postgres_server)
    wh2.discard()
    assert _rows(con, f"select min(run) from {pg_schema}_sop.sop_violations") == [(1,)]
    assert _rows(
        con, f"select count(*) from pg_namespace where nspname like '{pg_schema}\\_build%'"
    ) == [(0,)]
    con.close()


def test_one_run_at_a_time_per_schema(tmp_path: Path, postgres_server, pg_schema) -> None:
    first = _warehouse(postgres_server, pg_schema, tmp_path)
    first.prepare_build("run-1")
    second = _warehouse(postgres_server, pg_schema, tmp_path)
    with pytest.raises(WarehouseError, match="another juvonno-dq run"):
        second.prepare_build("run-2")
    second.discard()  # not its build: leaves the first's alone
    history_table = first.relation("history", "dq_run_history")
    assert first.query(f"select count(*) as n from {history_table}") == [{"n": 0}]
    first.discard()
    second.prepare_build("run-2")
    second.discard()


def test_analysts_role_reads_the_published_marts_only(
    tmp_path: Path, postgres_server, pg_schema
) -> None:
    role = f"{pg_schema}_analyst"
    con = postgres_server.connect()
    con.autocommit = True
    import psycopg2

    try:
        with con.cursor() as cur:
            cur.execute(f"create role {role} login")
    except psycopg2.errors.InsufficientPrivilege:
        con.close()
        pytest.skip("the configured PostgreSQL user may not create roles")
    try:
        wh = _warehouse(postgres_server, pg_schema, tmp_path, JUVONNO_DQ_PG_ANALYST_ROLE=role)
        for run in (1, 2):  # grants follow each new run's schemas
            wh.prepare_build(f"run-{run}")
            _fake_build(wh, run, postgres_server)
            with con.cursor() as cur:
                cur.execute(f'create schema if not exists "{wh.build_prefix}_raw"')
                cur.execute(f'create table "{wh.build_prefix}_raw".customers as select 1 as id')
            wh.publish()
        analyst = postgres_server.connect(user=role)
        analyst.autocommit = True
        try:
            assert _rows(analyst, f"select min(run) from {pg_schema}_sop.sop_violations") == [(2,)]
            assert _rows(
                analyst, f"select count(*) from {pg_schema}_invoicing.rpt_invoice_monthly"
            ) == [(1000,)]
            assert _rows(analyst, f"select count(*) from {pg_schema}_history.dq_run_history") == [
                (0,)
            ]
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                _rows(analyst, f"select * from {pg_schema}_raw.customers")
        finally:
            analyst.close()
    finally:
        postgres_server.drop_schemas(pg_schema)
        with con.cursor() as cur:
            cur.execute(f"drop owned by {role}")
            cur.execute(f"drop role {role}")
        con.close()


def test_an_unreachable_server_is_a_warehouse_error_without_the_password(
    tmp_path: Path, postgres_server
) -> None:
    secret = "pw-unreachable-Secret-123"
    env = postgres_server.env("juvonno") | {
        "JUVONNO_DQ_PG_PORT": "1",
        "JUVONNO_DQ_PG_PASSWORD": secret,
    }
    wh = PostgresWarehouse(out=tmp_path, environ=env)
    with pytest.raises(WarehouseError) as info:
        wh.check_reachable()
    assert "cannot connect to PostgreSQL" in str(info.value)
    assert secret not in str(info.value)
    assert secret not in repr(wh)
    assert secret not in wh.redacted_url()
    assert (
        "pw-unreachable-Secret-123" in wh.sqlalchemy_url()
    )  # GX needs it; callers must not log it


def test_a_bad_schema_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="JUVONNO_DQ_PG_SCHEMA"):
        PostgresWarehouse(out=tmp_path, environ={"JUVONNO_DQ_PG_SCHEMA": "Juvonno; drop"})


def test_node_names_fit_postgres_identifiers() -> None:
    """dbt-postgres refuses relation names over 63 characters; a unit test's name is one too."""
    import yaml

    repo = Path(__file__).resolve().parents[1]
    names = [p.stem for d in ("models", "snapshots") for p in (repo / d).rglob("*.sql")]
    names += [p.stem for p in (repo / "seeds").rglob("*.csv")]
    for path in (repo / "models").rglob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names += [t["name"] for t in doc.get("unit_tests") or []]
    assert [n for n in names if len(n) > 63] == []


WORD_SAMPLES = [
    "TESTÉ qa.test", "Zoë Test1", "Contestant", "Testa", "ÅSA-TEST", "x\u00a0test", "ÉCOLE test", "ß straße", "日本 test",
]  # fmt: skip


def _text_macros():  # type: ignore[no-untyped-def]
    import jinja2

    repo = Path(__file__).resolve().parents[1]
    source = "".join(
        p.read_text(encoding="utf-8") for p in sorted((repo / "macros" / "text").glob("*.sql"))
    )
    return jinja2.Environment().from_string(source).module


def test_text_macros_give_duckdbs_words_and_order_whatever_the_servers_collation(
    postgres_server,
) -> None:
    """The dispatched text macros on PostgreSQL, with input in the "C" collation (a
    server whose default is C: ASCII-only lower() and [[:alpha:]]) and in the
    database's default (ICU en-US here: linguistic order), against DuckDB's."""
    macros = _text_macros()
    duck = duckdb.connect()
    duck.execute(
        "create table t as select * from (select unnest(?) as x, generate_subscripts(?, 1) as ord)",
        [WORD_SAMPLES, WORD_SAMPLES],
    )
    expected = sorted(
        duck.execute(
            f"select ord, word from (select ord, {macros.duckdb__split_words('x')} as word from t) where word <> ''"
        ).fetchall()
    )
    names = ["iCBT", "Therapy", "Éva", "eva", "Zed", "_x", "No Group", "group therapy"]
    expected_order = [
        r[0]
        for r in duck.execute(
            f"select x from (select unnest(?) as x) order by {macros.default__binary_sort_key('x')}",
            [names],
        ).fetchall()
    ]
    con = postgres_server.connect()
    try:
        for collation in ('"C"', '"default"'):
            rows = _pg_rows(
                con,
                f"select ord, word from (select ord, {macros.postgres__split_words('x')} as word from "
                f"(select x collate {collation} as x, ord from unnest(%s::text[]) with ordinality u(x, ord)) t) w where word <> ''",
                (WORD_SAMPLES,),
            )
            assert sorted(rows) == expected, collation
            order = _pg_rows(
                con,
                f"select x from (select x collate {collation} as x from unnest(%s::text[]) u(x)) t order by {macros.postgres__binary_sort_key('x')}",
                (names,),
            )
            assert [r[0] for r in order] == expected_order, collation
    finally:
        con.close()
        duck.close()


def _pg_rows(con, sql: str, params: tuple) -> list[tuple]:  # type: ignore[no-untyped-def]
    with con.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_a_value_postgresql_cannot_store_is_a_warehouse_error(
    sample_export: Path, tmp_path: Path, postgres_server, pg_schema
) -> None:
    """The validator rejects NUL bytes (test_hardening_validation.py); a file that
    gains one after validation (changed while the run reads it) still cannot reach
    PostgreSQL half-loaded: the load is one transaction, it fails as a WarehouseError
    (exit 3) whose message holds no data, and the build's raw layer stays empty."""
    export_dir = tmp_path / "export"
    shutil.copytree(
        sample_export,
        export_dir,
        ignore=shutil.ignore_patterns("manifest.json", "expected-worklist.csv", "*.md"),
    )
    export = validate_export(export_dir, tmp_path / "work")
    assert export.ok, [str(p) for p in export.problems]
    lines = (export_dir / "customers.csv").read_bytes().split(b"\n")
    lines[1] += b"a\x00b"
    (export_dir / "customers.csv").write_bytes(b"\n".join(lines))
    wh = _warehouse(postgres_server, pg_schema, tmp_path)
    wh.prepare_build("run-1")
    try:
        with pytest.raises(WarehouseError, match="PostgreSQL refused the raw load") as refused:
            wh.load_raw(export)
        personal = lines[1].decode("utf-8", "replace").split(",")[2:8]  # names .. phone
        assert not [v for v in personal if v in str(refused.value)]
        assert wh.columns("raw", "customers") == []
        assert wh.query(
            "select count(*) as n from information_schema.tables "
            f"where table_schema = '{pg_schema}_build_raw'"
        ) == [{"n": 0}]
    finally:
        wh.discard()
