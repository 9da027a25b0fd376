"""What a pull asks Juvonno for, endpoint by endpoint, and the rows it makes of the answers.

Order: branches and staff, then customers (every status, groups included, the
detail record where the list leaves fields out), then appointments per branch
and date window with each appointment's encounters. Each part is checkpointed
once complete; date windows are calendar months from `since` to `until`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from runner.contract import CUSTOMER_STATUSES
from runner.pull.checkpoint import Checkpoints
from runner.pull.errors import ApiUnavailable
from runner.pull.http import ApiClient
from runner.pull.mapping import (
    CUSTOMER_DETAIL_FIELDS,
    Problems,
    branch_codes,
    map_groups,
    map_record,
)
from runner.pull.paging import list_all

WINDOWS_IN_FLIGHT = 2  # date windows fetched at once (a kill loses at most these)

Rows = list[dict[str, str]]


@dataclass
class Pulled:
    """All rows of one pull, per contract table."""

    tables: dict[str, Rows] = field(
        default_factory=lambda: {
            t: [] for t in ("customers", "customer_groups", "appointments", "staff", "encounters")
        }
    )
    problems: Problems = field(default_factory=Problems)


def month_windows(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar-month windows covering [since, until], both ends inclusive."""
    windows = []
    start = since
    while start <= until:
        next_month = (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        end = min(next_month - dt.timedelta(days=1), until)
        windows.append((start, end))
        start = end + dt.timedelta(days=1)
    return windows


def _unwrap(answer: Any, endpoint: str) -> dict[str, Any]:
    """A single record: a bare object, or one wrapped as {data: …}."""
    if isinstance(answer, dict) and isinstance(answer.get("data"), dict) and len(answer) <= 2:
        answer = answer["data"]
    if not isinstance(answer, dict):
        raise ApiUnavailable(f"{endpoint}: expected one record (a JSON object)")
    return answer


async def fetch_reference(api: ApiClient, store: Checkpoints) -> tuple[dict[int, str], Rows]:
    saved = store.get("reference")
    if saved is not None:
        return {int(k): v for k, v in saved["branches"].items()}, saved["staff"]
    branches_answer, staff_answer = await asyncio.gather(
        list_all(api, "branches", paged=False), list_all(api, "staff", paged=False)
    )
    branches = branch_codes(branches_answer, "branches")
    problems = Problems()
    staff = [map_record("staff", r, "staff", problems) for r in staff_answer]
    _raise_if(problems)
    store.put("reference", {"branches": {str(k): v for k, v in branches.items()}, "staff": staff})
    return branches, staff


async def fetch_customers(
    api: ApiClient, store: Checkpoints, branches: dict[int, str]
) -> tuple[Rows, Rows]:
    saved = store.get("customers")
    if saved is not None:
        return saved["customers"], saved["customer_groups"]
    listings = await asyncio.gather(
        *(
            list_all(api, "customers/list", {"include": "groups", "status": s})
            for s in CUSTOMER_STATUSES
        )
    )
    records: dict[Any, dict[str, Any]] = {}
    for _status, listing in zip(CUSTOMER_STATUSES, listings, strict=True):
        for record in listing:
            rid = record.get("id") if isinstance(record, dict) else None
            if rid in records:
                raise ApiUnavailable(
                    f"customers/list: customer id {rid} is listed under two statuses (it changed while pulling); pull again"
                )
            records[rid] = record if isinstance(record, dict) else {"id": None}
    await _fill_details(api, records)
    problems = Problems()
    customers: Rows = []
    groups: Rows = []
    for record in records.values():
        context = {"branch_code": _branch_of(record, branches, problems)}
        row = map_record("customers", record, "customers/list", problems, context)
        customers.append(row)
        if row["id"]:
            groups.extend(map_groups(record, row["id"], "customers/list", problems))
    _raise_if(problems)
    customers.sort(key=lambda r: int(r["id"]))
    groups.sort(key=lambda r: int(r["customer_id"]))  # stable: a customer's groups keep their order
    store.put("customers", {"customers": customers, "customer_groups": groups})
    return customers, groups


async def _fill_details(api: ApiClient, records: dict[Any, dict[str, Any]]) -> None:
    """Read `customers/{id}?include=full` for every listed customer the list gave only in part."""
    partial = [
        rid
        for rid, r in records.items()
        if isinstance(rid, int) and any(f not in r for f in CUSTOMER_DETAIL_FIELDS)
    ]

    async def one(rid: int) -> None:
        detail = _unwrap(
            await api.get_json(f"customers/{rid}", {"include": "full"}), f"customers/{rid}"
        )
        records[rid] = {**records[rid], **detail}

    await asyncio.gather(*(one(rid) for rid in partial))


def _branch_of(record: dict[str, Any], branches: dict[int, str], problems: Problems) -> str | None:
    bid = record.get("branch_id")
    if bid is None:
        return None
    if isinstance(bid, str) and bid.isdigit():
        bid = int(bid)
    if bid not in branches:
        problems.add(
            f"customers/list: customers record id {record.get('id')}: branch_id {bid!r} is not one of the branches"
        )
        return None
    return branches[bid]


@dataclass
class Reuse:
    """`--reuse-days N`: appointments older than N days are taken not to change any more, so a
    window that ended more than N days ago is read once after that and then taken from the cache."""

    cache: Checkpoints
    days: int
    today: dt.date
    used: int = 0

    def get(self, unit: str, end: dt.date) -> Any | None:
        settled = end < self.today - dt.timedelta(days=self.days)
        saved = self.cache.get(unit) if settled else None
        if saved is None or dt.date.fromisoformat(
            saved.get("fetched_on", "1970-01-01")
        ) <= end + dt.timedelta(days=self.days):
            return None  # not cached, or fetched before it settled
        self.used += 1
        return saved


async def fetch_appointments(
    api: ApiClient,
    store: Checkpoints,
    branches: dict[int, str],
    since: dt.date,
    until: dt.date,
    pulled: Pulled,
    reuse: Reuse | None = None,
) -> None:
    """Every window's appointments and encounters into `pulled` (problems collected, not raised)."""
    gate = asyncio.Semaphore(WINDOWS_IN_FLIGHT)
    today = dt.datetime.now(dt.UTC).date()

    async def one(window: tuple[dt.date, dt.date]) -> tuple[Rows, Rows, Problems]:
        unit = f"appointments-{window[0]}-{window[1]}"
        saved = store.get(unit) or (reuse.get(unit, window[1]) if reuse else None)
        if saved is not None:
            return saved["appointments"], saved["encounters"], Problems()
        async with gate:
            appointments, encounters, problems = await _fetch_window(api, branches, window)
        if problems.count == 0:
            store.put(
                unit,
                {"appointments": appointments, "encounters": encounters, "fetched_on": str(today)},
            )
        return appointments, encounters, problems

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(w)) for w in month_windows(since, until)]
    for task in tasks:
        appointments, encounters, problems = task.result()
        pulled.tables["appointments"].extend(appointments)
        pulled.tables["encounters"].extend(encounters)
        for line in problems.listed:
            pulled.problems.add(line)
        pulled.problems.count += problems.count - len(problems.listed)


async def _fetch_window(
    api: ApiClient, branches: dict[int, str], window: tuple[dt.date, dt.date]
) -> tuple[Rows, Rows, Problems]:
    start, end = window
    problems = Problems()
    params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "status": "all"}
    listings = await asyncio.gather(
        *(list_all(api, f"appointments/list/{b}", params) for b in branches)
    )
    appointments: Rows = []
    for branch, listing in zip(branches, listings, strict=True):
        endpoint = f"appointments/list/{branch}"
        for record in listing:
            row = map_record(
                "appointments", record, endpoint, problems, {"branch_code": branches[branch]}
            )
            if row["start"] and not start.isoformat() <= row["start"][:10] <= end.isoformat():
                raise ApiUnavailable(
                    f"{endpoint}: appointment id {row['id']} starts outside the asked window {start}..{end}; "
                    "the API's date window does not behave as assumed (docs/notes/pull.md)"
                )
            appointments.append(row)
    encounters = await _fetch_encounters(
        api, [r for r in appointments if r["id"] and r["customer_id"]], problems
    )
    return appointments, encounters, problems


async def _fetch_encounters(api: ApiClient, appointments: Rows, problems: Problems) -> Rows:
    """Charts and intakes of each appointment: the id lists, then each encounter once."""

    async def ids_of(appointment: dict[str, str]) -> list[tuple[int, str]]:
        endpoint = "encounters/appointment"
        answer = await api.get_json(endpoint, {"appointment_id": appointment["id"]})
        if not isinstance(answer, dict):
            raise ApiUnavailable(
                f"{endpoint}: expected {{charts, intakes}} for appointment id {appointment['id']}"
            )
        found = []
        for kind in ("charts", "intakes"):
            for item in answer.get(kind) or []:
                eid = item.get("id") if isinstance(item, dict) else item
                if not isinstance(eid, int) or isinstance(eid, bool) or eid < 1:
                    problems.add(
                        f"{endpoint}: appointment id {appointment['id']}: an entry of {kind} is not an encounter id"
                    )
                    continue
                found.append((eid, appointment["customer_id"]))
        return found

    lists = await asyncio.gather(*(ids_of(a) for a in appointments))
    wanted = dict(pair for found in lists for pair in found)  # one fetch per encounter id

    async def one(eid: int, customer_id: str) -> dict[str, str]:
        endpoint = f"encounters/{eid}"
        record = _unwrap(await api.get_json(endpoint), endpoint)
        return map_record(
            "encounters", record, "encounters/{id}", problems, {"customer_id": customer_id}
        )

    return list(await asyncio.gather(*(one(eid, cid) for eid, cid in sorted(wanted.items()))))


async def fetch_unlisted_customers(
    api: ApiClient, branches: dict[int, str], pulled: Pulled
) -> None:
    """Customers that appointments name but no status listing held: read each one.

    A customer with a status outside the contract's four would otherwise vanish
    silently; read on its own, it becomes a problem naming its id. One that does
    not exist (404) stays an orphan reference, reported by the run as with a file export.
    """
    known = {row["id"] for row in pulled.tables["customers"]}
    wanted = sorted(
        {
            int(a["customer_id"])
            for a in pulled.tables["appointments"]
            if a["customer_id"] and a["customer_id"] not in known
        }
    )

    async def one(cid: int) -> None:
        endpoint = f"customers/{cid}"
        answer = await api.get_json(endpoint, {"include": "full"}, missing_ok=True)
        if answer is None:
            return
        record = _unwrap(answer, endpoint)
        context = {"branch_code": _branch_of(record, branches, pulled.problems)}
        row = map_record("customers", record, endpoint, pulled.problems, context)
        if row["id"]:
            pulled.tables["customers"].append(row)
            pulled.tables["customer_groups"].extend(
                map_groups(record, row["id"], endpoint, pulled.problems)
            )

    await asyncio.gather(*(one(cid) for cid in wanted))
    pulled.tables["customers"].sort(key=lambda r: int(r["id"]))
    pulled.tables["customer_groups"].sort(key=lambda r: int(r["customer_id"]))


def _raise_if(problems: Problems) -> None:
    if problems.count:
        from runner.pull.errors import BadApiData

        raise BadApiData(problems.lines())
