"""`--share-group NAME` with real Unix accounts: a run published for a group is
readable by a member of that group and by no one else; the private warehouse
stays private. The accounts are created for the test (useradd/groupadd) and
removed after: that needs root, so without it the test is skipped locally and
fails under CI=true (as pytests/postgres_fixture.py does)."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytests.test_run_support import AS_OF, baseline, copy_instance, run_cli  # noqa: F401 - fixture

pytestmark = pytest.mark.xdist_group("runner-baseline")


def _tool(name: str) -> str | None:
    return shutil.which(
        name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    )


@dataclass(frozen=True)
class Accounts:
    group: str
    member: str
    outsider: str

    def can_read(self, user: str, path: Path) -> bool:
        done = subprocess.run(
            [_tool("runuser"), "-u", user, "--", "cat", str(path)], capture_output=True, timeout=30
        )
        return done.returncode == 0


@pytest.fixture(scope="module")
def accounts() -> Iterator[Accounts]:
    tools = {
        name: _tool(name) for name in ("groupadd", "useradd", "userdel", "groupdel", "runuser")
    }
    missing = [n for n, path in tools.items() if path is None]
    if os.geteuid() != 0 or missing:
        reason = f"needs root and {', '.join(tools)} (missing: {', '.join(missing) or 'root'})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    tag = secrets.token_hex(3)
    acc = Accounts(
        group=f"jdq-share-{tag}", member=f"jdq-member-{tag}", outsider=f"jdq-outside-{tag}"
    )
    subprocess.run([tools["groupadd"], acc.group], check=True)
    try:
        for user, groups in ((acc.member, [acc.group]), (acc.outsider, [])):
            args = [tools["useradd"], "--no-create-home", "--shell", "/usr/sbin/nologin", user]
            subprocess.run(args + (["-G", ",".join(groups)] if groups else []), check=True)
        yield acc
    finally:
        for user in (acc.member, acc.outsider):
            subprocess.run([tools["userdel"], user], capture_output=True)
        subprocess.run([tools["groupdel"], acc.group], capture_output=True)


@pytest.fixture(scope="module")
def reachable_dir() -> Iterator[Path]:
    """A folder other accounts may pass through (pytest's own tmp is 0700 to root)."""
    path = Path(tempfile.mkdtemp(prefix="juvonno-share-", dir="/tmp"))
    os.chmod(path, 0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def shared_run(baseline, accounts: Accounts, reachable_dir: Path):  # noqa: F811
    out = copy_instance(baseline.out, reachable_dir / "out")
    done = run_cli(out, "--as-of", AS_OF, "--share-group", accounts.group)
    assert done.code == 0, done.console
    return out


def test_a_member_of_the_group_reads_the_worklist_and_an_outsider_cannot(
    shared_run: Path, accounts: Accounts
) -> None:
    latest = shared_run / "latest"
    for name in (
        "worklist.csv",
        "worklist.xlsx",
        "acknowledged.csv",
        "resolved.csv",
        "summary.json",
        "report.html",
        "data-docs/index.html",
        "data-docs/static/vendor/jquery-3.7.1/jquery.min.js",  # through the link to OUT/assets
    ):
        assert accounts.can_read(accounts.member, latest / name), name
        assert not accounts.can_read(accounts.outsider, latest / name), name


def test_shared_modes_are_0750_and_0640_in_that_group_only(
    shared_run: Path, accounts: Accounts
) -> None:
    import grp

    gid = grp.getgrnam(accounts.group).gr_gid
    run_dir = (shared_run / "latest").resolve()
    for path in (run_dir, shared_run / "runs"):
        st = path.stat()
        assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o750, gid), path
    assets = shared_run / "assets"  # the Data Docs' static files all runs link to
    for path in [run_dir, *run_dir.rglob("*"), assets, *assets.rglob("*")]:
        st = path.lstat()
        if path.is_symlink():
            continue
        assert st.st_gid == gid and stat.S_IMODE(st.st_mode) == (
            0o750 if path.is_dir() else 0o640
        ), path
    assert stat.S_IMODE(shared_run.stat().st_mode) & 0o007 == 0  # nothing for others, ever


def test_the_private_warehouse_stays_private_to_the_service_user(
    shared_run: Path, accounts: Accounts
) -> None:
    assert not accounts.can_read(accounts.member, shared_run / "warehouse" / "juvonno.duckdb")
    assert stat.S_IMODE((shared_run / "warehouse" / "juvonno.duckdb").stat().st_mode) == 0o600


def test_an_unknown_group_is_a_configuration_error(tmp_path: Path) -> None:
    done = run_cli(
        tmp_path / "out", "--as-of", AS_OF, "--share-group", "no-such-group-" + secrets.token_hex(3)
    )
    assert done.code == 3
    assert "no such group" in done.console and "Traceback" not in done.console
    assert not (tmp_path / "out" / "latest").exists()
