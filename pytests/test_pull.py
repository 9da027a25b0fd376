"""`juvonno-dq pull` against the replay server (pytests/pull_replay.py): the real command in a
subprocess, the real HTTP stack on loopback, the shared sample export as the data."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pytests.pull_replay import (
    FAST,
    SENTINEL_KEY,
    Faults,
    ReplayServer,
    api_from_export,
    files_holding,
    pull_cli,
    table,
)
from pytests.test_run_support import CLI, REPO, env_for, pii_values

TABLES = ("customers", "customer_groups", "appointments", "staff", "encounters")


@pytest.fixture(scope="module")
def api(sample_export: Path):
    return api_from_export(sample_export)


def assert_same_export(pulled: Path, source: Path, api) -> None:  # type: ignore[no-untyped-def]
    """Every table equal to the file export's, row for row (group codes only where the API gave them)."""
    for name in ("customers", "appointments", "staff", "encounters"):
        assert table(pulled / f"{name}.csv") == table(source / f"{name}.csv"), name
    got, want = table(pulled / "customer_groups.csv"), table(source / "customer_groups.csv")
    for row in want:
        if int(row["customer_id"]) in api.string_groups:
            row["group_code"] = ""
    key = lambda r: (int(r["customer_id"]), r["group_name"])  # noqa: E731
    assert sorted(got, key=key) == sorted(want, key=key)


def no_export_left(export: Path) -> None:
    assert not export.exists(), f"a failed pull left {export}"
    leftovers = [p.name for p in export.parent.iterdir() if p.name != f".{export.name}.pull"]
    assert leftovers == [], leftovers


def test_pull_survives_transient_failures_and_matches_the_file_export(
    tmp_path: Path, sample_export: Path, api
) -> None:
    faults = Faults(every_503=23, every_drop=41, every_429=59, retry_after="0")
    export = tmp_path / "export"
    with ReplayServer(api, SENTINEL_KEY, faults) as server:
        done = pull_cli(export, server.url)
    assert done.code == 0, done.console
    statuses = server.statuses()
    assert statuses.get(503, 0) >= 5 and statuses.get(-1, 0) >= 5 and statuses.get(429, 0) >= 5, (
        statuses
    )
    assert_same_export(export, sample_export, api)
    manifest = json.loads((export / "manifest.json").read_text())
    assert set(manifest["files"]) == {f"{t}.csv" for t in TABLES}
    assert manifest["files"]["appointments.csv"]["rows"] == 312
    assert manifest["exported_at"].endswith("Z")
    # The folder is the only thing left: no state folder, no temp files.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]
    assert oct(export.stat().st_mode & 0o777) == "0o700"
    # The key: sent as the header on every request, never as a query parameter, found nowhere.
    assert all(s.header_key == SENTINEL_KEY for s in server.seen)
    assert not any("api_key" in s.query for s in server.seen)
    assert SENTINEL_KEY not in done.console
    assert files_holding(tmp_path, SENTINEL_KEY) == []
    # Personal data goes only into the export files, never to the console.
    assert not [v for v in pii_values(sample_export) if v in done.console]
    assert "retried" in done.stdout and "RemoteProtocolError" in done.stderr


def test_paging_reads_every_page(tmp_path: Path, sample_export: Path, api) -> None:
    """100 per page: the 'active' customers of the sample fit one page, so make a listing of 250."""
    big = api_from_export(sample_export)
    template = big.listed[min(big.listed)]
    for n in range(250):
        cid = 900001 + n
        big.listed[cid] = {**template, "id": cid, "status": "inactive"}
        big.customers[cid] = big.listed[cid]
    with ReplayServer(big, SENTINEL_KEY) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 0, done.console
    pages = sorted(
        int(s.query["page"])
        for s in server.seen
        if s.path.endswith("customers/list") and s.query["status"] == "inactive"
    )
    assert pages == [1, 2, 3]
    assert len(table(tmp_path / "export" / "customers.csv")) == 60 + 250


def test_pages_that_do_not_add_up_to_total_exit_3(tmp_path: Path, api) -> None:
    with ReplayServer(api, SENTINEL_KEY, Faults(total_off_by_one=True)) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 3, done.console
    assert "but total is" in done.stderr and "no export written" in done.stderr
    no_export_left(tmp_path / "export")


def test_retry_after_is_honoured(tmp_path: Path, api) -> None:
    with ReplayServer(api, SENTINEL_KEY, Faults(every_429=50, retry_after="2")) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 0, done.console
    waits = [line for line in done.stderr.splitlines() if "HTTP 429" in line]
    assert waits and all(line.endswith("in 2.00 s") for line in waits), waits


def test_a_server_side_rate_limit_is_survived(tmp_path: Path, sample_export: Path, api) -> None:
    """The server accepts 60 requests a second and answers 429 + Retry-After: 1 beyond that; the client
    (allowed 500/s here) must back off, everyone at once, and still finish with the whole export."""
    with ReplayServer(api, SENTINEL_KEY, Faults(rate_limit=60, retry_after="1")) as server:
        done = pull_cli(tmp_path / "export", server.url, "--api-retries", "10")
    assert done.code == 0, done.console
    assert server.statuses().get(429, 0) >= 1, server.statuses()
    assert_same_export(tmp_path / "export", sample_export, api)


def test_bad_record_exits_2_naming_endpoint_and_id_without_personal_data(
    tmp_path: Path, sample_export: Path
) -> None:
    api = api_from_export(sample_export)
    first = min(api.listed)
    api.listed[first]["date_of_birth"] = "13/07/2002"  # a personal value in the wrong form
    api.listed[first]["first_name"] = {"given": "Priya"}
    api.listed[first]["gender"] = "M"
    with ReplayServer(api, SENTINEL_KEY) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 2, done.console
    where = f"customers/list: customers record id {first}"
    assert (
        f"{where}: field date_of_birth <personal data, 10 characters> is not a date YYYY-MM-DD"
        in done.stderr
    )
    assert f"{where}: field first_name <personal data, " in done.stderr
    assert f"{where}: field gender 'M' is not one of male, female, private, unknown" in done.stderr
    assert "13/07/2002" not in done.console and "Priya" not in done.console
    assert "no export written" in done.stderr
    no_export_left(tmp_path / "export")


def test_a_customer_no_status_listing_holds_is_read_and_rejected(
    tmp_path: Path, sample_export: Path
) -> None:
    """A status outside the four would hide a customer from every listing: its appointments give it away."""
    api = api_from_export(sample_export)
    victim = min(
        a["customer"]["id"] for appointments in api.appointments.values() for a in appointments
    )
    api.listed[victim]["status"] = api.customers[victim]["status"] = "archived"
    with ReplayServer(api, SENTINEL_KEY) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 2, done.console
    assert (
        f"customers/{victim}: customers record id {victim}: field status 'archived' is not one of active"
        in done.stderr
    )
    assert any(s.path.endswith(f"customers/{victim}") for s in server.seen)
    no_export_left(tmp_path / "export")


def test_unknown_appointment_status_is_bad_data(tmp_path: Path, sample_export: Path) -> None:
    api = api_from_export(sample_export)
    branch = min(api.appointments)
    victim = api.appointments[branch][0]
    victim["status"] = "Rescheduled"
    with ReplayServer(api, SENTINEL_KEY) as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 2, done.console
    assert (
        f"appointments/list/{branch}: appointments record id {victim['id']}: field status 'Rescheduled'"
        in done.stderr
    )
    no_export_left(tmp_path / "export")


def test_wrong_key_exits_3_and_names_no_key(tmp_path: Path, api) -> None:
    with ReplayServer(api, "the-real-key") as server:
        done = pull_cli(tmp_path / "export", server.url)
    assert done.code == 3, done.console
    assert "refused the key" in done.stderr and SENTINEL_KEY not in done.console
    no_export_left(tmp_path / "export")


def test_unreachable_api_exits_3(tmp_path: Path, api) -> None:
    with ReplayServer(api, SENTINEL_KEY) as server:
        url = server.url  # the port is closed once the server is gone
    done = pull_cli(tmp_path / "export", url, "--api-retries", "2")
    assert done.code == 3, done.console
    assert "ConnectError after 2 attempts" in done.stderr
    no_export_left(tmp_path / "export")


def test_the_key_is_never_taken_from_the_url_or_a_flag(tmp_path: Path, api) -> None:
    done = pull_cli(tmp_path / "export", f"http://127.0.0.1:9/api?api_key={SENTINEL_KEY}")
    assert done.code == 3 and "must not carry a key" in done.stderr
    assert SENTINEL_KEY not in done.console
    done = pull_cli(tmp_path / "export", "http://127.0.0.1:9/api", key="")
    assert done.code == 3 and "JUVONNO_DQ_API_KEY" in done.stderr
    proc = subprocess.run(
        [str(CLI), "pull", "--api-key", "x", "--export-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env_for(),
        cwd=str(REPO),
    )
    assert proc.returncode == 3 and "No such option" in proc.stderr


def test_a_failure_midway_leaves_no_export_and_the_next_pull_resumes(
    tmp_path: Path, sample_export: Path, api
) -> None:
    export = tmp_path / "export"
    with ReplayServer(api, SENTINEL_KEY, Faults(fail_after_windows=6)) as server:
        failed = pull_cli(export, server.url, "--api-retries", "2")
        port = server.port
    assert failed.code == 3, failed.console
    no_export_left(export)
    checkpoints = sorted(p.name for p in (tmp_path / ".export.pull" / "checkpoints").iterdir())
    done_windows = [n for n in checkpoints if n.startswith("appointments-")]
    assert "reference.json" in checkpoints and "customers.json" in checkpoints and done_windows
    assert files_holding(tmp_path, SENTINEL_KEY) == []

    with ReplayServer(api, SENTINEL_KEY, port=port) as server:  # the same API, up again
        resumed = pull_cli(export, server.url)
    assert resumed.code == 0, resumed.console
    assert f"{len(done_windows) + 2} part(s) resumed" in resumed.stdout
    asked = {f"appointments-{start}-{end}.json" for _, start, end in server.windows}
    assert not asked & set(done_windows), "a checkpointed window was fetched again"
    assert not any(s.path.endswith(("branches", "staff", "customers/list")) for s in server.seen)
    assert_same_export(export, sample_export, api)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def kill_after_a_window(export: Path, url: str) -> None:
    """Start a pull, SIGKILL it once its first date window is checkpointed."""
    slow = ("--api-rate", "40")  # slow enough to be killed between two windows
    cmd = [str(CLI), "pull", "--api-url", url, "--export-dir", str(export), *FAST, *slow]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=str(REPO),
        env=env_for({"JUVONNO_DQ_API_KEY": SENTINEL_KEY}),
        start_new_session=True,
    )
    checkpoints = export.with_name(f".{export.name}.pull") / "checkpoints"
    deadline = time.monotonic() + 120
    while not (
        checkpoints.is_dir()
        and any(p.name.startswith("appointments-") for p in checkpoints.iterdir())
    ):
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        assert time.monotonic() < deadline, "no window was checkpointed"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_sigkill_midway_of_a_first_pull_leaves_no_export(tmp_path: Path, api) -> None:
    export = tmp_path / "export"
    with ReplayServer(api, SENTINEL_KEY) as server:
        kill_after_a_window(export, server.url)
    no_export_left(export)
    assert files_holding(tmp_path, SENTINEL_KEY) == []


def test_sigkill_midway_keeps_the_previous_export_then_a_pull_replaces_it(
    tmp_path: Path, sample_export: Path, api
) -> None:
    export = tmp_path / "export"
    with ReplayServer(api, SENTINEL_KEY) as server:
        assert pull_cli(export, server.url).code == 0
    before = {p.name: p.read_bytes() for p in export.iterdir()}

    with ReplayServer(api, SENTINEL_KEY) as server:
        port = server.port
        kill_after_a_window(export, server.url)
    assert {
        p.name: p.read_bytes() for p in export.iterdir()
    } == before  # the previous export, untouched

    with ReplayServer(api, SENTINEL_KEY, port=port) as server:
        again = pull_cli(export, server.url)
    assert again.code == 0, again.console
    assert "resumed" in again.stdout
    assert_same_export(export, sample_export, api)
    assert (
        json.loads((export / "manifest.json").read_text())["exported_at"]
        >= json.loads(before["manifest.json"])["exported_at"]
    )


def test_a_folder_pull_did_not_write_is_never_replaced(
    tmp_path: Path, sample_export: Path, api
) -> None:
    manual = tmp_path / "export"
    manual.mkdir()
    (manual / "customers.csv").write_bytes((sample_export / "customers.csv").read_bytes())
    with ReplayServer(api, SENTINEL_KEY) as server:
        done = pull_cli(manual, server.url)
    assert done.code == 3 and "did not write" in done.stderr
    assert [p.name for p in manual.iterdir()] == ["customers.csv"]
    assert server.seen == []


def test_icbt_file_is_copied_into_the_export_and_listed(
    tmp_path: Path, sample_export: Path, api
) -> None:
    export = tmp_path / "export"
    icbt = sample_export / "icbt_activity.csv"
    with ReplayServer(api, SENTINEL_KEY) as server:
        done = pull_cli(export, server.url, "--icbt-file", str(icbt))
    assert done.code == 0, done.console
    assert (export / "icbt_activity.csv").read_bytes() == icbt.read_bytes()
    entry = json.loads((export / "manifest.json").read_text())["files"]["icbt_activity.csv"]
    assert entry["rows"] == 10


def test_relative_export_dir(tmp_path: Path, api) -> None:
    with ReplayServer(api, SENTINEL_KEY) as server:
        proc = subprocess.run(
            [str(CLI), "pull", "--api-url", server.url, "--export-dir", "nightly", *FAST],
            capture_output=True,
            text=True,
            cwd=str(tmp_path),
            env=env_for({"JUVONNO_DQ_API_KEY": SENTINEL_KEY}),
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "nightly" / "customers.csv").is_file()


def test_reuse_days_reads_settled_windows_once_then_reuses_them(
    tmp_path: Path, sample_export: Path, api
) -> None:
    import datetime as dt

    export = tmp_path / "export"
    with ReplayServer(api, SENTINEL_KEY) as server:
        first = pull_cli(export, server.url, "--reuse-days", "30")
    assert first.code == 0, first.console
    cache = tmp_path / ".export.pull-cache"
    assert any(cache.iterdir()) and oct(cache.stat().st_mode & 0o777) == "0o700"
    with ReplayServer(api, SENTINEL_KEY) as server:
        second = pull_cli(export, server.url, "--reuse-days", "30")
    assert second.code == 0, second.console
    settled = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=30)
    ends = {dt.date.fromisoformat(end) for _, _, end in server.windows}
    assert ends and min(ends) >= settled, "a settled window was read again"
    assert "settled window(s) reused" in second.stdout
    assert_same_export(export, sample_export, api)
    assert files_holding(tmp_path, SENTINEL_KEY) == []
    with ReplayServer(api, SENTINEL_KEY) as server:  # switched off: everything read, no copy kept
        third = pull_cli(export, server.url)
    assert third.code == 0 and not cache.exists()
    assert len({start for _, start, _ in server.windows}) > len(ends)
