"""A PostgreSQL warehouse: one schema prefix on one server = one instance.

Connection settings come from the environment, as in profiles.yml's `postgres`
target: JUVONNO_DQ_PG_HOST, _PORT, _USER, _PASSWORD, _DATABASE and _SCHEMA (the
published prefix, default `juvonno`). The password is read from the environment
when a connection is made and never appears in a message, a log or a repr.

```
juvonno_raw, juvonno_seeds, juvonno_staging, ...   published (analysts read sop, invoicing, history)
juvonno_build_raw, juvonno_build_staging, ...      this run's build (dbt runs with schema juvonno_build)
juvonno_old_<token>_*                              the previous run, between the swap and its drop
```

A run builds in its own schemas (prefix `<schema>_build`), state carried over by
copy from the published ones (`<schema>_snapshots.*`, `<schema>_history.*`), so
analysts keep reading a complete previous run while the nightly run builds.
`publish()` swaps every layer in ONE transaction (published -> old, build ->
published, then drops the old), so a reader sees the previous run or the new
one, never a mix. A session advisory lock, held from prepare_build() to
publish()/discard(), keeps two runners off one prefix; it dies with the process.

What reads the build names its relations through `relation(layer, name)`
(`"<schema>_build_sop"."sop_violations"`, runner/warehouse/reader.py).

Longer than 400 lines on purpose: one class, the Warehouse protocol on PostgreSQL,
whose parts (the advisory lock, the build schemas, the swap at publish, the
clean-up of old schemas) are one protocol over the same names; the loader itself
is runner/export/load_postgres.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as urlquote

from runner.publish import history
from runner.warehouse import WarehouseError
from runner.warehouse.reader import CANONICAL_PREFIX

if TYPE_CHECKING:
    from runner.expectations import GxOutcome
    from runner.export.validate import ValidatedExport
    from runner.gx.child import GxChild
    from runner.gx.step import DataDocs

# Every schema layer a run builds (<prefix>_<layer>), in the project's naming.
LAYERS = (
    "raw",
    "seeds",
    "staging",
    "intermediate",
    "snapshots",
    "sop",
    "invoicing",
    "history",
    "dq_tests",
)
# Carried from the published instance into each build (state across runs).
CARRIED_LAYERS = ("snapshots", "history")
# What an analysts' read-only role may read (no personal data in these).
ANALYST_LAYERS = ("sop", "invoicing", "history", "seeds")

CONNECT_TIMEOUT_S = 10
DROP_LOCK_TIMEOUT = "3s"  # how long publish waits to drop the old run before leaving it for later
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_MAX_IDENT = 63
_LONGEST_SUFFIX = len("_old_xxxxxxxx_") + max(len(layer) for layer in LAYERS)

ENV_HOST = "JUVONNO_DQ_PG_HOST"
ENV_PORT = "JUVONNO_DQ_PG_PORT"
ENV_USER = "JUVONNO_DQ_PG_USER"
ENV_PASSWORD = "JUVONNO_DQ_PG_PASSWORD"
ENV_DATABASE = "JUVONNO_DQ_PG_DATABASE"
ENV_SCHEMA = "JUVONNO_DQ_PG_SCHEMA"
ENV_SSLMODE = "JUVONNO_DQ_PG_SSLMODE"
ENV_ANALYST_ROLE = "JUVONNO_DQ_PG_ANALYST_ROLE"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern matching prefix_<anything> (underscores literal)."""
    return prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "\\_%"


class PostgresWarehouse:
    target = "postgres"
    gx_in_child = True

    def __init__(self, out: Path, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.out = Path(out)
        self.host = env.get(ENV_HOST, "localhost")
        port = env.get(ENV_PORT, "5432")
        try:
            self.port = int(port)
        except ValueError:
            raise WarehouseError(f"{ENV_PORT} must be a port number, not {port!r}") from None
        self.user = env.get(ENV_USER, "juvonno_dq")
        self.database = env.get(ENV_DATABASE, "juvonno_dq")
        self.prefix = env.get(ENV_SCHEMA, CANONICAL_PREFIX)
        self.analyst_role = env.get(ENV_ANALYST_ROLE) or None
        self.sslmode = env.get(ENV_SSLMODE, "prefer")
        self._password_env = ENV_PASSWORD
        self._environ = env
        if not _IDENT.match(self.prefix) or len(self.prefix) + _LONGEST_SUFFIX > _MAX_IDENT:
            raise WarehouseError(
                f"{ENV_SCHEMA}={self.prefix!r}: use lower-case letters, digits and _ "
                f"(at most {_MAX_IDENT - _LONGEST_SUFFIX} characters, so every layer's schema name fits)"
            )
        if self.analyst_role is not None and not _IDENT.match(self.analyst_role):
            raise WarehouseError(
                f"{ENV_ANALYST_ROLE}={self.analyst_role!r} is not a plain role name"
            )
        self.build_prefix = f"{self.prefix}_build"
        self.old_prefix = f"{self.prefix}_old"
        self.run_id: str | None = None
        self._lock_con: Any = None

    @property
    def schema(self) -> str:
        """The dbt target schema this run works on: the build's once prepared
        (Great Expectations reads `<schema>_<layer>`), else the published prefix."""
        return self.build_prefix if self._lock_con is not None else self.prefix

    def __repr__(self) -> str:  # never the password
        return f"PostgresWarehouse({self.user}@{self.host}:{self.port}/{self.database}, schema={self.prefix})"

    # -- connections ---------------------------------------------------------
    def _password(self) -> str:
        return self._environ.get(self._password_env, "")

    def _redact(self, text: str) -> str:
        password = self._password()
        text = " ".join(str(text).split())
        return text.replace(password, "***") if password else text

    def connect(self, autocommit: bool = False) -> Any:
        import psycopg2

        try:
            con = psycopg2.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self._password() or None,
                dbname=self.database,
                connect_timeout=CONNECT_TIMEOUT_S,
                sslmode=self.sslmode,
                application_name="juvonno-dq",
            )
        except psycopg2.Error as exc:
            raise WarehouseError(
                f"cannot connect to PostgreSQL {self.user}@{self.host}:{self.port}/{self.database}: {self._redact(str(exc))}"
            ) from None
        con.autocommit = autocommit
        return con

    def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        con = self.connect(autocommit=True)
        try:
            with con.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall() if cur.description else []
        finally:
            con.close()

    # -- names -----------------------------------------------------------------
    def published_schema(self, layer: str) -> str:
        return f"{self.prefix}_{layer}"

    def _schemas_like(self, cur: Any, prefix: str) -> list[str]:
        cur.execute(
            "select nspname from pg_namespace where nspname like %s order by nspname",
            (_like_prefix(prefix),),
        )
        return [r[0] for r in cur.fetchall()]

    def _exists(self, cur: Any, schema: str, table: str) -> bool:
        cur.execute(
            "select 1 from pg_tables where schemaname = %s and tablename = %s",
            (schema, table),
        )
        return cur.fetchone() is not None

    # -- state -------------------------------------------------------------------
    def check_reachable(self) -> None:
        rows = self._fetch(
            "select current_user, has_database_privilege(current_user, current_database(), 'CREATE')"
        )
        user, can_create = rows[0]
        if not can_create:
            raise WarehouseError(
                f"PostgreSQL role {user} may not create schemas in database {self.database} "
                f"(GRANT CREATE ON DATABASE {self.database} TO {user})"
            )

    def latest_as_of(self) -> dt.date | None:
        schema = self.published_schema("history")
        con = self.connect(autocommit=True)
        try:
            with con.cursor() as cur:
                if not self._exists(cur, schema, history.TABLE):
                    return None
                cur.execute(f"select max(as_of_date) from {_q(schema)}.{_q(history.TABLE)}")
                value = cur.fetchone()[0]
                return value
        finally:
            con.close()

    # -- build -------------------------------------------------------------------
    def _lock(self) -> None:
        if self._lock_con is not None:
            return
        con = self.connect(autocommit=True)
        with con.cursor() as cur:
            cur.execute(
                "select pg_try_advisory_lock(hashtextextended(%s, 0))",
                (f"juvonno-dq:{self.prefix}",),
            )
            if not cur.fetchone()[0]:
                con.close()
                raise WarehouseError(
                    f"another juvonno-dq run is building schema {self.prefix} on {self.host}:{self.port}/{self.database}"
                )
        self._lock_con = con

    def _unlock(self) -> None:
        con, self._lock_con = self._lock_con, None
        if con is not None:
            with contextlib.suppress(Exception):  # already gone
                con.close()  # the session lock ends with the session

    def prepare_build(self, run_id: str) -> Mapping[str, str]:
        self._lock()
        self.run_id = run_id
        try:
            con = self.connect()
            try:
                with con.cursor() as cur:
                    for name in self._schemas_like(cur, self.build_prefix):
                        cur.execute(f"drop schema {_q(name)} cascade")
                    for layer in CARRIED_LAYERS:
                        source, target = (
                            self.published_schema(layer),
                            f"{self.build_prefix}_{layer}",
                        )
                        cur.execute(f"create schema {_q(target)}")
                        cur.execute(
                            "select tablename from pg_tables where schemaname = %s order by 1",
                            (source,),
                        )
                        for (table,) in cur.fetchall():
                            src, dst = f"{_q(source)}.{_q(table)}", f"{_q(target)}.{_q(table)}"
                            cur.execute(f"create table {dst} (like {src} including all)")
                            cur.execute(f"insert into {dst} select * from {src}")
                    for statement in self._history_ddl():
                        cur.execute(statement)
                con.commit()
            finally:
                con.close()
            self._drop_old(wait=DROP_LOCK_TIMEOUT)
        except BaseException:
            self._unlock()
            raise
        return {ENV_SCHEMA: self.build_prefix}

    def _history_ddl(self) -> list[str]:
        return history.ddl(self.build_prefix + "_history", _q)

    def _require_build(self) -> None:
        if self._lock_con is None:
            raise WarehouseError("prepare_build was not called")

    def load_raw(self, export: ValidatedExport) -> None:
        from runner.export.load_postgres import load_postgres

        self._require_build()
        import psycopg2

        con = self.connect()
        try:
            load_postgres(con, export, f"{self.build_prefix}_raw")
        except psycopg2.Error as exc:
            # e.g. a NUL byte, which DuckDB stores and PostgreSQL text cannot hold.
            # Nothing was loaded (one transaction) and nothing published changed.
            raise WarehouseError(
                f"PostgreSQL refused the raw load: {self._redact(str(exc))}"
            ) from None
        finally:
            con.close()

    def query(self, sql: str) -> list[dict[str, Any]]:
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                names = [d[0] for d in cur.description or []]
                rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            con.rollback()
            return rows
        finally:
            con.close()

    def relation(self, layer: str, name: str) -> str:
        return f"{_q(f'{self.build_prefix}_{layer}')}.{_q(name)}"

    def relation_exists(self, layer: str, name: str) -> bool:
        return bool(
            self._fetch(
                "select 1 from information_schema.tables where table_schema = %s and table_name = %s",
                (f"{self.build_prefix}_{layer}", name),
            )
        )

    def columns(self, layer: str, name: str) -> list[str]:
        rows = self._fetch(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            (f"{self.build_prefix}_{layer}", name),
        )
        return [r[0] for r in rows]

    def append_history(self, rows: Sequence[Mapping[str, Any]], table: str = history.TABLE) -> None:
        if not rows:
            return
        self._require_build()
        cols = history.column_names(table)
        target = f"{_q(self.build_prefix + '_history')}.{_q(table)}"
        con = self.connect()
        try:
            with con.cursor() as cur:
                cur.execute(f"create schema if not exists {_q(self.build_prefix + '_history')}")
                for statement in self._history_ddl():
                    cur.execute(statement)
                cur.executemany(
                    f"insert into {target} ({', '.join(cols)}) values ({', '.join(['%s'] * len(cols))})",
                    [[row.get(c) for c in cols] for row in rows],
                )
            con.commit()
        finally:
            con.close()

    def sqlalchemy_url(self) -> str:
        """postgresql+psycopg2://user:password@host:port/db (the password from the
        environment, URL-quoted). It is a secret: never log or print it; use
        redacted_url() for messages."""
        password = self._password()
        auth = urlquote(self.user, safe="") + (
            ":" + urlquote(password, safe="") if password else ""
        )
        database = urlquote(self.database, safe="")
        query = f"sslmode={urlquote(self.sslmode, safe='')}"
        if self.host.startswith("/"):  # a unix socket directory
            return f"postgresql+psycopg2://{auth}@/{database}?host={urlquote(self.host, safe='')}&port={self.port}&{query}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql+psycopg2://{auth}@{host}:{self.port}/{database}?{query}"

    def redacted_url(self) -> str:
        return f"postgresql+psycopg2://{self.user}:***@{self.host}:{self.port}/{self.database}"

    def validate_with_gx(
        self,
        run_dir: Path,
        rule_hits: dict[str, int],
        child: GxChild | None,
        docs: DataDocs | None = None,
    ) -> GxOutcome:
        from runner.gx.step import in_child

        return in_child(child, self.sqlalchemy_url(), rule_hits, self.schema, docs)

    # -- publish -----------------------------------------------------------------
    def publish(self) -> None:
        """Swap every layer of the build in for the published one, in one transaction."""
        self._require_build()
        old = f"{self.old_prefix}_{secrets.token_hex(4)}"
        con = self.connect()
        try:
            with con.cursor() as cur:
                built = {
                    name.removeprefix(self.build_prefix + "_")
                    for name in self._schemas_like(cur, self.build_prefix)
                }
                layers = [layer for layer in LAYERS if layer in built]
                if "sop" not in layers:
                    raise WarehouseError(
                        f"the build has no {self.build_prefix}_sop schema: nothing to publish"
                    )
                cur.execute(
                    "select nspname from pg_namespace where nspname = any(%s)",
                    ([self.published_schema(layer) for layer in LAYERS],),
                )
                published = {r[0] for r in cur.fetchall()}
                for layer in LAYERS:
                    if self.published_schema(layer) in published:
                        cur.execute(
                            f"alter schema {_q(self.published_schema(layer))} rename to {_q(f'{old}_{layer}')}"
                        )
                for layer in layers:
                    cur.execute(
                        f"alter schema {_q(f'{self.build_prefix}_{layer}')} rename to {_q(self.published_schema(layer))}"
                    )
                if self.analyst_role:
                    self._grant(cur, [layer for layer in ANALYST_LAYERS if layer in layers])
                # The previous run goes in the same transaction when no reader holds
                # it; else it is left (renamed, invisible) and dropped by a later run.
                cur.execute("savepoint drop_old")
                try:
                    cur.execute(f"set local lock_timeout = '{DROP_LOCK_TIMEOUT}'")
                    for layer in LAYERS:
                        if self.published_schema(layer) in published:
                            cur.execute(f"drop schema {_q(f'{old}_{layer}')} cascade")
                    cur.execute("release savepoint drop_old")
                except Exception as exc:  # lock timeout: keep the swap
                    import psycopg2.errors

                    if not isinstance(exc, psycopg2.errors.LockNotAvailable):
                        raise
                    cur.execute("rollback to savepoint drop_old")
                cur.execute("set local lock_timeout = 0")
            con.commit()
        except Exception:
            con.rollback()
            raise
        finally:
            con.close()
        self._unlock()

    def _grant(self, cur: Any, layers: Sequence[str]) -> None:
        role = _q(self.analyst_role or "")
        for layer in layers:
            schema = _q(self.published_schema(layer))
            cur.execute(f"grant usage on schema {schema} to {role}")
            cur.execute(f"grant select on all tables in schema {schema} to {role}")

    def cleanup_stale(self) -> list[str]:
        """Drop previous runs that a publish had to leave (a reader held them)."""
        return self._drop_old(wait=DROP_LOCK_TIMEOUT)

    def _drop_old(self, wait: str) -> list[str]:
        """Drop what earlier publishes could not (best effort: never blocks a reader long)."""
        con = self.connect()
        names: list[str] = []
        try:
            with con.cursor() as cur:
                names = self._schemas_like(cur, self.old_prefix)
                cur.execute(f"set local lock_timeout = '{wait}'")
                for name in names:
                    cur.execute(f"drop schema if exists {_q(name)} cascade")
            con.commit()
        except Exception:  # noqa: BLE001 - a reader holds it: next time
            con.rollback()
            names = []
        finally:
            con.close()
        return names

    def discard(self) -> None:
        """Drop this run's build schemas; the published ones are untouched."""
        if self._lock_con is None:
            return  # no build of ours (another run's build is not ours to drop)
        try:
            con = self.connect()
        except WarehouseError:
            self._unlock()
            raise
        try:
            with con.cursor() as cur:
                for name in self._schemas_like(cur, self.build_prefix):
                    cur.execute(f"drop schema {_q(name)} cascade")
            con.commit()
        finally:
            con.close()
            self._unlock()
