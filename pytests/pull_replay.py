"""A replay of Juvonno's REST API for the pull tests (no tests here).

`api_from_export(export_dir)` turns an export in the contract's format (the
shared sample, or one `runner/generate` writes) into API records of the shapes
issue 16 documents, spreading the variants over the records: groups as strings,
`{name, code}` objects and nested `{group: {…}}`; customers listed in part (the
rest from `customers/{id}?include=full`); attendants as objects, bare ids or a
`staff` object; templates and dates under either name; staff `type`/`staff_type`.
Each encounter hangs off its customer's appointment nearest in date.

`ReplayServer(api, key, faults)` serves them on 127.0.0.1 (a free port) with
paging, a server-side rate limit (429 + Retry-After), transient failures (503,
a dropped connection) on a fixed schedule, and records every request.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

INTAKE_TEMPLATES = {
    "triage outcome",
    "end of services request",
}  # forms; the rest are chart entries


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _v(text: str) -> str | None:
    return text if text.strip() else None


def _i(text: str) -> int | None:
    return int(text) if text.strip() else None


@dataclass
class ApiData:
    branches: list[dict[str, Any]]
    staff: list[dict[str, Any]]
    customers: dict[int, dict[str, Any]]  # the full records (`include=full`)
    listed: dict[int, dict[str, Any]]  # what customers/list shows of each
    appointments: dict[int, list[dict[str, Any]]]  # by branch id
    links: dict[int, dict[str, list[int]]]  # appointment id -> {charts, intakes}
    encounters: dict[int, dict[str, Any]]
    string_groups: set[int] = field(
        default_factory=set
    )  # customers whose groups are bare strings (no code)


def api_from_export(export: Path) -> ApiData:
    customers_csv = _read(export / "customers.csv")
    appointments_csv = _read(export / "appointments.csv")
    codes = sorted(
        {r["branch_code"] for r in customers_csv + appointments_csv if r["branch_code"].strip()}
    )
    branch_id = {code: n for n, code in enumerate(codes, start=1)}
    branches = [{"id": n, "code": code, "name": f"Branch {code}"} for code, n in branch_id.items()]

    staff = []
    for n, r in enumerate(_read(export / "staff.csv")):
        kind = "staff_type" if n % 2 else "type"
        staff.append(
            {
                "id": int(r["id"]),
                "num": _v(r["num"]),
                "first_name": _v(r["first_name"]),
                "last_name": _v(r["last_name"]),
                kind: r["staff_type"],
                "status": _v(r["status"]),
            }
        )

    groups_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in _read(export / "customer_groups.csv"):
        groups_of[r["customer_id"]].append(r)
    customers: dict[int, dict[str, Any]] = {}
    listed: dict[int, dict[str, Any]] = {}
    string_groups: set[int] = set()
    for n, r in enumerate(customers_csv):
        cid = int(r["id"])
        shape = n % 3
        if shape == 0:
            string_groups.add(cid)
            groups: list[Any] = [g["group_name"] for g in groups_of[r["id"]]]
        elif shape == 1:
            groups = [
                {"name": g["group_name"], "code": _v(g["group_code"])} for g in groups_of[r["id"]]
            ]
        else:
            groups = [
                {"group": {"name": g["group_name"], "code": _v(g["group_code"])}}
                for g in groups_of[r["id"]]
            ]
        full = {
            "id": cid,
            "num": {"chart": _v(r["chart_num"])},
            "first_name": _v(r["first_name"]),
            "last_name": _v(r["last_name"]),
            "gender": _v(r["gender"]),
            "date_of_birth": _v(r["date_of_birth"]),
            "email": _v(r["email"]),
            "phone": _v(r["phone"]),
            "status": r["status"],
            "branch_id": branch_id.get(r["branch_code"]),
            "created": r["created"],
            "warnings": _v(r["warnings"]),
            "groups": groups,
        }
        customers[cid] = full
        # Every fourth customer is listed in part: contact details, dates and warnings only in the detail.
        omit = ("email", "phone", "created", "warnings") if n % 4 == 3 else ()
        listed[cid] = {k: v for k, v in full.items() if k not in omit}

    appointments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_customer: dict[str, list[dict[str, str]]] = defaultdict(list)
    for n, r in enumerate(appointments_csv):
        by_customer[r["customer_id"]].append(r)
        record: dict[str, Any] = {
            "id": int(r["id"]),
            "customer": {"id": int(r["customer_id"]), "first_name": None},
            "start": r["start"],
            "duration": _i(r["duration"]),
            "status": r["status"],
            "schedule_type": {"id": _i(r["schedule_type_id"]), "name": r["schedule_type_name"]},
            "created": _v(r["created"]),
        }
        staff_id = _i(r["staff_id"])
        if staff_id is None:
            record["attendants"] = []
        elif n % 3 == 0:
            record["attendants"] = [{"id": staff_id}]
        elif n % 3 == 1:
            record["attendants"] = [staff_id]
        else:
            record["staff"] = {"id": staff_id}
        appointments[branch_id[r["branch_code"]]].append(record)
        if r["customer_id"] in customers and (
            name := customers[int(r["customer_id"])]["first_name"]
        ):
            record["customer"]["first_name"] = (
                name  # the embedded customer, personal data as the API gives it
            )

    links: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"charts": [], "intakes": []})
    encounters: dict[int, dict[str, Any]] = {}
    for n, r in enumerate(_read(export / "encounters.csv")):
        eid = int(r["id"])
        day = dt.date.fromisoformat(r["chart_date"][:10])
        own = by_customer[r["customer_id"]]
        if not own:
            raise ValueError(f"encounter {eid}: its customer has no appointment to hang it on")
        near = min(
            own,
            key=lambda a: (abs((dt.date.fromisoformat(a["start"][:10]) - day).days), int(a["id"])),
        )
        kind = "intakes" if r["template_name"].strip().lower() in INTAKE_TEMPLATES else "charts"
        links[int(near["id"])][kind].append(eid)
        record = {"id": eid, "outcome": _v(r["outcome"])}
        if n % 5 != 4:  # every fifth names no customer: it is the appointment's
            record["customer_id"] = int(r["customer_id"])
        record.update(
            {"template": {"name": r["template_name"]}}
            if n % 2
            else {"template_name": r["template_name"]}
        )
        record.update({"date": r["chart_date"]} if n % 2 else {"chart_date": r["chart_date"]})
        staff_id = _i(r["staff_id"])
        record.update(
            {"staff": {"id": staff_id}} if n % 3 == 0 and staff_id else {"staff_id": staff_id}
        )
        encounters[eid] = record
    return ApiData(
        branches,
        staff,
        customers,
        listed,
        dict(appointments),
        dict(links),
        encounters,
        string_groups,
    )


@dataclass
class Faults:
    """Request number n (from 1, counted over all requests) gets the first that applies."""

    every_503: int = 0
    every_drop: int = 0  # the connection is closed without an answer
    every_429: int = 0
    retry_after: str = "1"
    rate_limit: float = 0.0  # requests per second the server accepts (0: no limit); more get 429
    fail_after_windows: int = (
        0  # after this many distinct appointment windows were answered, every request is 500
    )
    total_off_by_one: bool = False  # paged answers announce one record more than they hold


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # a client that hung up (a killed pull): nothing to report


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    header_key: str | None
    status: int


class ReplayServer:
    def __init__(self, api: ApiData, key: str, faults: Faults | None = None, port: int = 0) -> None:
        self.api = api
        self.key = key
        self.faults = faults or Faults()
        self.seen: list[Seen] = []
        self.windows: list[
            tuple[str, str, str]
        ] = []  # (branch, start, end) answered with 200, page 1
        self._lock = threading.Lock()
        self._count = 0
        self._recent: list[float] = []
        self._server = _QuietServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[
            1
        ]  # give it to the next server to stand in for the same API
        self.url = f"http://127.0.0.1:{self.port}/api"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = defaultdict(int)
        for s in self.seen:
            counts[s.status] += 1
        return dict(counts)

    # -- answers -----------------------------------------------------------
    def _page(self, records: list[Any], query: dict[str, str]) -> dict[str, Any]:
        page, count = int(query.get("page", 1)), int(query.get("count", 100))
        chunk = records[(page - 1) * count : page * count]
        total = len(records) + (1 if self.faults.total_off_by_one else 0)
        return {"total": total, "page": page, "count": count, "list": chunk}

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        api = self.api
        parts = path.removeprefix("/api/").strip("/").split("/")
        if parts == ["branches"]:
            return 200, api.branches
        if parts == ["staff"]:
            return 200, {"count": len(api.staff), "data": api.staff}
        if parts == ["customers", "list"]:
            chosen = [
                c
                for cid, c in sorted(api.listed.items())
                if c["status"].lower() == query.get("status")
            ]
            return 200, self._page(chosen, query)
        if len(parts) == 2 and parts[0] == "customers" and parts[1].isdigit():
            found = api.customers.get(int(parts[1]))
            return (200, found) if found else (404, {"error": "not found"})
        if len(parts) == 3 and parts[:2] == ["appointments", "list"]:
            start, end = query["start_date"], query["end_date"]
            within = [
                a
                for a in api.appointments.get(int(parts[2]), [])
                if start <= a["start"][:10] <= end
            ]
            if query.get("page", "1") == "1":
                with self._lock:
                    self.windows.append((parts[2], start, end))
            return 200, self._page(sorted(within, key=lambda a: a["id"]), query)
        if parts == ["encounters", "appointment"]:
            return 200, api.links.get(int(query["appointment_id"]), {"charts": [], "intakes": []})
        if len(parts) == 2 and parts[0] == "encounters" and parts[1].isdigit():
            found = api.encounters.get(int(parts[1]))
            return (200, found) if found else (404, {"error": "not found"})
        return 404, {"error": "no such endpoint"}

    def _fault(self) -> tuple[int, str | None] | str | None:
        f = self.faults
        with self._lock:
            self._count += 1
            n = self._count
            now = time.monotonic()
            self._recent = [t for t in self._recent if now - t < 1.0] + [now]
            over_rate = f.rate_limit and len(self._recent) > f.rate_limit
            failing = (
                f.fail_after_windows and len({w[1] for w in self.windows}) >= f.fail_after_windows
            )
        if failing:
            return 500, None
        if f.every_drop and n % f.every_drop == 0:
            return "drop"
        if f.every_503 and n % f.every_503 == 0:
            return 503, None
        if (f.every_429 and n % f.every_429 == 0) or over_rate:
            return 429, f.retry_after
        return None

    def _handler(self):  # type: ignore[no-untyped-def]
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                header_key = self.headers.get("X-API-Key")
                seen = Seen(url.path, query, header_key, 0)
                with replay._lock:
                    replay.seen.append(seen)
                if header_key != replay.key and query.get("api_key") != replay.key:
                    seen.status = 401
                    return self._send(401, {"error": "invalid API key"})
                fault = replay._fault()
                if fault == "drop":
                    seen.status = -1
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if fault:
                    status, retry_after = fault  # type: ignore[misc]
                    seen.status = status
                    return self._send(
                        status,
                        {"error": "try later"},
                        {"Retry-After": retry_after} if retry_after else None,
                    )
                status, body = replay.answer(url.path, query)
                seen.status = status
                self._send(status, body)

        return Handler


def pages_needed(records: int, count: int = 100) -> int:
    return max(1, math.ceil(records / count))


# -- running the real command against a replay ------------------------------------------
SENTINEL_KEY = "sentinel-key-Zq8v3XkP1wY7"  # searched for in everything a pull writes or prints
FAST = (
    "--api-rate",
    "500",
    "--api-backoff",
    "0.01",
    "--api-concurrency",
    "8",
    "--api-timeout",
    "10",
)


@dataclass
class Pulled:
    code: int
    stdout: str
    stderr: str

    @property
    def console(self) -> str:
        return self.stdout + self.stderr


def pull_cli(
    export_dir: Path,
    url: str,
    *args: str,
    key: str = SENTINEL_KEY,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> Pulled:
    import subprocess

    from pytests.test_run_support import CLI, REPO, env_for

    cmd = [str(CLI), "pull", "--api-url", url, "--export-dir", str(export_dir), *FAST, *args]
    extra = {"JUVONNO_DQ_API_KEY": key, **(env or {})}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env_for(extra), timeout=timeout, cwd=str(REPO)
    )
    return Pulled(proc.returncode, proc.stdout, proc.stderr)


def files_holding(root: Path, needle: str) -> list[Path]:
    """Every file under `root` whose bytes contain `needle` (plain or URL-encoded)."""
    from urllib.parse import quote

    forms = {needle.encode(), quote(needle, safe="").encode()}
    return [
        p
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and any(f in p.read_bytes() for f in forms)
    ]


def table(path: Path) -> list[dict[str, str]]:
    return _read(path)
