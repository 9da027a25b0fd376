"""A PostgreSQL server for the tests marked `postgres`.

When JUVONNO_DQ_PG_HOST is set, the tests use that (already running) server with
the other JUVONNO_DQ_PG_* variables. Otherwise the session starts a throwaway
cluster of its own from the Debian binaries (/usr/lib/postgresql/15/bin, or
JUVONNO_DQ_PG_BIN): initdb into a private temporary folder, trust
authentication (plus one password-protected role, so the password path is
exercised), a unix socket in that private folder and loopback TCP on a
non-default port (55432 + the pytest-xdist worker number, the next free one if
taken), run as the `postgres` system user when the tests run as root (initdb
refuses root), stopped and removed at the end of the session.

The cluster's default collation is ICU en-US, as on a typical server: text
sorted by the database's default collation would then differ from DuckDB's
byte order, and the parity tests catch it.

`require()` makes a missing server a skip locally and a failure in CI.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("JUVONNO_DQ_PG_BIN", "/usr/lib/postgresql/15/bin"))
BASE_PORT = 55432
SUPERUSER = "postgres"
DATABASE = "juvonno_dq"
# A role that must log in with a password over TCP (scram-sha-256): the tests that
# check the password never shows up anywhere run as this role.
PASSWORD_ROLE = "juvonno_pw"
PASSWORD = "pw-" + uuid.uuid4().hex  # never a real secret; unique so a leak is greppable

ENV_VARS = (
    "JUVONNO_DQ_PG_HOST",
    "JUVONNO_DQ_PG_PORT",
    "JUVONNO_DQ_PG_USER",
    "JUVONNO_DQ_PG_PASSWORD",
    "JUVONNO_DQ_PG_DATABASE",
    "JUVONNO_DQ_PG_SCHEMA",
)


def _system_tool(name: str) -> str:
    """An administration tool, found even when PATH lacks the sbin folders (cron, env -i)."""
    return (
        shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
        or name
    )


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    database: str
    # Set on the throwaway cluster only: the role that must give PASSWORD.
    password_user: str | None = None
    password_password: str | None = None

    def env(self, schema: str, *, with_password_role: bool = False) -> dict[str, str]:
        """The JUVONNO_DQ_PG_* variables pointing at this server and a schema prefix."""
        user, password = self.user, self.password
        if with_password_role and self.password_user:
            user, password = self.password_user, self.password_password or ""
        return {
            "JUVONNO_DQ_PG_HOST": self.host,
            "JUVONNO_DQ_PG_PORT": str(self.port),
            "JUVONNO_DQ_PG_USER": user,
            "JUVONNO_DQ_PG_PASSWORD": password,
            "JUVONNO_DQ_PG_DATABASE": self.database,
            "JUVONNO_DQ_PG_SCHEMA": schema,
        }

    def connect(self, **kwargs):  # type: ignore[no-untyped-def]
        import psycopg2

        params = dict(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.database,
        )
        params.update(kwargs)
        return psycopg2.connect(**params)

    def drop_schemas(self, prefix: str) -> None:
        """Drop every schema a test made under its prefix (prefix, prefix_*)."""
        con = self.connect()
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(
                    "select nspname from pg_namespace where nspname = %s or nspname like %s",
                    (prefix, prefix.replace("_", r"\_") + r"\_%"),
                )
                for (name,) in cur.fetchall():
                    cur.execute(f'drop schema if exists "{name}" cascade')
        finally:
            con.close()


def _worker_offset() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    digits = "".join(ch for ch in worker if ch.isdigit())
    return int(digits) if digits else 0


def _port_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            [
                _system_tool("useradd"),
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
        )


class ThrowawayCluster:
    """initdb + pg_ctl start in a private folder; stop() removes everything."""

    def __init__(self, bin_dir: Path = PG_BIN, port: int | None = None) -> None:
        self.bin_dir = bin_dir
        self.wanted_port = port if port is not None else BASE_PORT + 10 * _worker_offset()
        self.root = Path(tempfile.mkdtemp(prefix="juvonno-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = 0
        self.as_user: str | None = None

    def _run(self, args: list[str], **kwargs):  # type: ignore[no-untyped-def]
        if self.as_user:
            args = [_system_tool("runuser"), "-u", self.as_user, "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)

    def start(self) -> PgServer:
        if os.geteuid() == 0:
            _ensure_system_user(SUPERUSER)
            self.as_user = SUPERUSER
        self.sockets.mkdir()
        if self.as_user:
            info = pwd.getpwnam(self.as_user)
            for path in (self.root, self.sockets):
                os.chown(path, info.pw_uid, info.pw_gid)
        os.chmod(self.root, 0o700)
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D", str(self.data),
                "--username", SUPERUSER,
                "--auth", "trust",
                "--encoding", "UTF8",
                "--locale-provider", "icu",
                "--icu-locale", "en-US",
                "--locale", "C.UTF-8",
                "--no-sync",
            ]
        )  # fmt: skip
        # First match wins: the password role must authenticate over TCP.
        hba = (
            "local all all trust\n"
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n"
        )
        (self.data / "pg_hba.conf").write_text(hba)
        last_error = ""
        for attempt in range(20):
            port = self.wanted_port + attempt
            if not _port_free(port):
                continue
            opts = (
                f"-p {port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=60 -c shared_buffers=64MB"
            )
            try:
                self._run(
                    [
                        str(self.bin_dir / "pg_ctl"),
                        "-D",
                        str(self.data),
                        "-l",
                        str(self.log),
                        "-o",
                        opts,
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ]
                )
            except subprocess.CalledProcessError as exc:
                last_error = exc.stderr + (self.log.read_text() if self.log.exists() else "")
                continue
            self.port = port
            break
        else:
            raise RuntimeError(f"could not start a throwaway PostgreSQL cluster: {last_error}")
        psql = [
            str(self.bin_dir / "psql"),
            "-h",
            str(self.sockets),
            "-p",
            str(self.port),
            "-U",
            SUPERUSER,
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
        ]
        self._run([*psql, "-d", "postgres", "-c", f"create database {DATABASE}"])
        self._run(
            [
                *psql, "-d", DATABASE, "-c",
                f"create role {PASSWORD_ROLE} login password '{PASSWORD}'; "
                f"grant create on database {DATABASE} to {PASSWORD_ROLE};",
            ]
        )  # fmt: skip
        return PgServer(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password="",
            database=DATABASE,
            password_user=PASSWORD_ROLE,
            password_password=PASSWORD,
        )

    def stop(self) -> None:
        try:
            if self.port:
                self._run(
                    [
                        str(self.bin_dir / "pg_ctl"),
                        "-D",
                        str(self.data),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ]
                )
        except subprocess.CalledProcessError:
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _server_from_env() -> PgServer:
    return PgServer(
        host=os.environ["JUVONNO_DQ_PG_HOST"],
        port=int(os.environ.get("JUVONNO_DQ_PG_PORT", "5432")),
        user=os.environ.get("JUVONNO_DQ_PG_USER", "juvonno_dq"),
        password=os.environ.get("JUVONNO_DQ_PG_PASSWORD", ""),
        database=os.environ.get("JUVONNO_DQ_PG_DATABASE", "juvonno_dq"),
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server: the configured one, else a throwaway cluster."""
    from pytests.conftest import require

    if os.environ.get("JUVONNO_DQ_PG_HOST"):
        yield _server_from_env()
        return
    require(
        (PG_BIN / "initdb").exists() and (PG_BIN / "pg_ctl").exists(),
        f"no PostgreSQL server binaries at {PG_BIN} (apt-get install postgresql-15) and JUVONNO_DQ_PG_HOST unset",
    )
    cluster = ThrowawayCluster()
    try:
        server = cluster.start()
    except (subprocess.CalledProcessError, RuntimeError, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        cluster.stop()
        require(False, f"could not start a throwaway PostgreSQL cluster: {detail}")
        raise
    try:
        yield server
    finally:
        cluster.stop()


@pytest.fixture
def pg_schema(postgres_server: PgServer) -> Iterator[str]:
    """A schema prefix of this test's own (t_<hex>), dropped with everything under it afterwards."""
    prefix = "t_" + uuid.uuid4().hex[:10]
    try:
        yield prefix
    finally:
        postgres_server.drop_schemas(prefix)


@pytest.fixture
def pg_env(
    postgres_server: PgServer, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """JUVONNO_DQ_PG_* set in os.environ for this test, pointing at its own schema prefix."""
    env = postgres_server.env(pg_schema)
    for name in ENV_VARS:
        monkeypatch.setenv(name, env[name])
    return env
