"""The synthetic export generator: deterministic, in contract, and its planted.csv is exact.

The planted ground truth is checked against a small reference evaluation of
spec/sop-rules.md written here (pure Python, test-only). That evaluation is first
checked against the shared sample export's expected worklist, so a mistake in it
cannot silently agree with a mistake in the generator.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from runner.contract import APPOINTMENT_STATUS_CLASSES, PATTERN_BY_TYPE, TABLES, ColumnType
from runner.generate import PLANTED_FILE, write_export
from runner.generate.calendar import months_before
from runner.generate.planted import SCENARIOS

ALL_RULES = (
    "SOP-01 SOP-02 SOP-03 SOP-04 SOP-05 SOP-10 SOP-20 SOP-21 SOP-22 SOP-23 SOP-24 SOP-30 SOP-40 SOP-41 "
    "SOP-50 SOP-52 SOP-60 SOP-70 SOP-71 SOP-80 SOP-81 SOP-85 SOP-86 SOP-90 SOP-91 SOP-100 SOP-101 "
    "SOP-102 SOP-103 SOP-110 DQ-01"
).split()
AS_OF = dt.date(2026, 11, 20)
N = 3000


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------------------------------------
# A reference evaluation of sop-rules.md (test-only; the product's engine is the dbt project)
# ------------------------------------------------------------------------------------------------
CATALOGUE_STATUS = {
    "No Group": None,
    "Triage": "active",
    "Therapy": "active",
    "iCBT": "active",
    "Group Therapy": "active",
    "Hybrid": None,
    "Lost Sheep": None,
    "Parent Contact": "inactive",
    "Sandbox": "inactive",
    "Test": "inactive",
    "Discharged": "discharged",
    "Graduated": "discharged",
    "Pt Requested End of Services": None,
    "Referred to External Services": None,
}
CATALOGUE = {k.lower(): k for k in CATALOGUE_STATUS}
SERVICES = {
    "1:1 therapy session": "therapy",
    "initial assessment": "assessment",
    "triage call": "triage",
    "group therapy session": "group_therapy",
    "icbt review": "icbt_review",
    "admin": "admin",
}
EVENTS = {
    "graduation summary": "graduation",
    "discharge summary": "discharge",
    "external referral": "external_referral",
    "end of services request": "end_of_services_request",
    "chase attempt": "chase_attempt",
    "triage outcome": "triage_outcome",
    "session note": "note",
}
CLASS = {k.lower(): v for k, v in APPOINTMENT_STATUS_CLASSES.items()}
ENGAGEMENT_SERVICES = {"therapy", "group_therapy", "assessment", "triage"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", (text or "").lower()))


def _d(text: str) -> dt.date | None:
    text = (text or "").strip()
    return dt.date.fromisoformat(text[:10]) if text else None


def evaluate(export: Path, as_of: dt.date) -> set[tuple[int, str]]:
    D = as_of
    M3 = months_before(D, 3)
    staff_type = {
        int(s["id"]): s["staff_type"].strip().capitalize() for s in _read(export / "staff.csv")
    }
    groups: dict[int, set[str]] = defaultdict(set)
    for row in _read(export / "customer_groups.csv"):
        name = row["group_name"].strip()
        name = CATALOGUE.get(name.lower(), name)
        if name != "No Group":
            groups[int(row["customer_id"])].add(name)
    appts = defaultdict(list)
    for a in _read(export / "appointments.csv"):
        appts[int(a["customer_id"])].append(
            (
                CLASS[a["status"].strip().lower()],
                SERVICES.get(a["schedule_type_name"].strip().lower(), "other"),
                _d(a["start"]),
                _d(a["created"]) or _d(a["start"]),
            )
        )
    encs = defaultdict(list)
    for e in _read(export / "encounters.csv"):
        encs[int(e["customer_id"])].append(
            (
                EVENTS.get(e["template_name"].strip().lower(), "unknown"),
                _d(e["chart_date"]),
                int(e["id"]),
                (e["outcome"] or "").strip(),
                int(e["staff_id"]) if e["staff_id"].strip() else None,
            )
        )
    icbt = defaultdict(list)
    if (export / "icbt_activity.csv").exists():
        for m in _read(export / "icbt_activity.csv"):
            icbt[int(m["customer_id"])].append(
                (_d(m["started_at"]), _d(m["completed_at"]), _d(m["last_activity_at"]))
            )

    hits: set[tuple[int, str]] = set()
    for c in _read(export / "customers.csv"):
        cid = int(c["id"])
        status = c["status"].strip().lower()
        if status == "deleted":
            continue
        created = _d(c["created"])
        gs = groups.get(cid, set())
        A = appts.get(cid, [])
        E = [e for e in encs.get(cid, []) if e[1] <= D]
        icbt_rows = icbt.get(cid, [])
        att = [a for a in A if a[0] == "attended" and a[2] <= D]
        offered = [a for a in A if a[0] in ("attended", "missed", "booked")]
        th_att = sorted(a[2] for a in att if a[1] == "therapy")
        th_off = [a[3] for a in offered if a[1] == "therapy"]
        grp_att = sum(1 for a in att if a[1] == "group_therapy")
        grp_start = min((a[2] for a in offered if a[1] == "group_therapy"), default=None)
        icbt_started = sum(1 for m in icbt_rows if m[0] <= D)
        eng = [a[2] for a in att if a[1] in ENGAGEMENT_SERVICES]
        eng += [x for m in icbt_rows for x in m if x is not None and x <= D]
        last_eng = max(eng, default=None)
        began = bool(th_att) or grp_att > 0 or icbt_started > 0
        since = last_eng or created
        chases = sum(1 for e in E if e[0] == "chase_attempt" and e[1] > since)
        grad = any(
            e[0] == "graduation" and staff_type.get(e[4]) in ("Therapist", "Coordinator") for e in E
        )
        finished = grp_start is not None and grp_start + dt.timedelta(days=42) <= D
        referral = max((e[1] for e in E if e[0] == "external_referral"), default=None)
        end_req = any(e[0] == "end_of_services_request" for e in E)
        tri = sorted((e[1], e[2], e[3]) for e in E if e[0] == "triage_outcome")
        outcome = tri[-1][2] if tri else None
        email = (c["email"] or "").strip()
        local, _, domain = email.rpartition("@") if "@" in email else (email, "", "")
        domain = domain.lower()
        comm_domain = domain == "commissioner.nhs.uk"
        comm_warn = bool(_words(c["warnings"]) & {"commissioner", "commissioners"})
        test_like = (
            bool((_words(c["first_name"]) | _words(c["last_name"])) & {"test", "admin", "meeting"})
            or "test" in _words(local)
            or domain in ("thesandbox.org.uk", "commissioner.nhs.uk")
            or comm_warn
        )

        def hit(rule: str) -> None:
            hits.add((cid, rule))  # noqa: B023 - called within this iteration only

        if not gs:
            hit("SOP-01")
        if "Hybrid" in gs:
            hit("SOP-02")
        if "Lost Sheep" in gs:
            hit("SOP-03")
        if len(gs) >= 2:
            hit("SOP-04")
        if any(g not in CATALOGUE_STATUS for g in gs):
            hit("SOP-05")
        if "Triage" in gs and (D - created).days > 7:
            hit("SOP-10")
        if "Discharged" in gs:
            if last_eng is not None and last_eng >= M3:
                hit("SOP-20")
            if chases < 2:
                hit("SOP-21")
            if grad or len(th_att) >= 12:
                hit("SOP-22")
            if referral is not None:
                hit("SOP-23")
            if end_req and began:
                hit("SOP-24")
        if "Graduated" in gs and not grad and not (finished and grp_att > 2):
            hit("SOP-30")
        if "Group Therapy" in gs and finished:
            hit("SOP-40" if grp_att > 2 else "SOP-41")
        if "iCBT" in gs:
            if th_off:
                hit("SOP-50")
            if (last_eng < M3) if last_eng is not None else (created < M3):
                hit("SOP-52")
        if "Parent Contact" in gs and last_eng is not None:
            hit("SOP-60")
        if "Pt Requested End of Services" in gs:
            if not began:
                hit("SOP-70")
            if not end_req:
                hit("SOP-71")
        if "Referred to External Services" in gs:
            if referral is None:
                hit("SOP-80")
            elif last_eng is not None and last_eng > referral:
                hit("SOP-81")
        if "Sandbox" in gs:
            if began:
                hit("SOP-85")
            if (outcome or "").lower() != "sandbox website":
                hit("SOP-86")
        if test_like and (not gs or gs - {"Test"}):
            hit("SOP-90")
        if comm_domain and not comm_warn:
            hit("SOP-91")
        if "Therapy" in gs:
            if not th_att and th_off and max(th_off) < M3:
                hit("SOP-100")
            if th_att and th_att[-1] < M3:
                hit("SOP-101")
            if len(th_att) >= 12:
                hit("SOP-102")
            if not th_off:
                hit("SOP-103")
        if any(CATALOGUE_STATUS.get(g) not in (None, status) for g in gs):
            hit("SOP-110")
        if any(a[0] == "booked" and a[2] < D for a in A):
            hit("DQ-01")
    return hits


def test_reference_evaluation_matches_the_sample(sample_export: Path) -> None:
    expected = {
        (int(r["customer_id"]), r["rule_id"])
        for r in _read(sample_export / "expected-worklist.csv")
    }
    assert evaluate(sample_export, AS_OF) == expected


# ------------------------------------------------------------------------------------------------
# Generated exports
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "export"
    write_export(out, customers=N, seed=7, as_of=AS_OF)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_export(a, customers=400, seed=3, as_of=AS_OF)
    write_export(b, customers=400, seed=3, as_of=AS_OF)
    write_export(c, customers=400, seed=4, as_of=AS_OF)
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert set(da) == {f"{t}.csv" for t in TABLES} | {"manifest.json", PLANTED_FILE}
    assert da == db
    assert all(da[f] != dc[f] for f in ("customers.csv", "appointments.csv", "encounters.csv"))


def test_cli_writes_the_export(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    exe = Path(sys.executable).with_name("juvonno-dq")
    subprocess.run(
        [
            str(exe),
            "generate",
            "--out",
            str(out),
            "--customers",
            "300",
            "--seed",
            "5",
            "--as-of",
            "2026-11-20",
        ],
        check=True,
    )
    ref = tmp_path / "ref"
    write_export(ref, customers=300, seed=5, as_of=AS_OF)
    assert _digest(out) == _digest(ref)


def test_files_satisfy_the_contract(export: Path) -> None:
    patterns = {t: re.compile(p) for t, p in PATTERN_BY_TYPE.items()}
    for table in TABLES.values():
        path = export / f"{table.name}.csv"
        raw = path.read_bytes()
        raw.decode("utf-8")
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            rows = list(reader)
        assert tuple(header) == table.column_names, table.name
        assert rows, table.name
        for col_i, col in enumerate(table.columns):
            seen: set[str] = set()
            allowed = {a.lower() for a in col.allowed}
            for n, row in enumerate(rows, 1):
                assert len(row) == len(header), (table.name, n)
                v = row[col_i].strip()
                if not v:
                    assert not col.required, (table.name, n, col.name)
                    continue
                if col.type in patterns:
                    assert patterns[col.type].match(v), (table.name, n, col.name, v)
                if col.type in (ColumnType.DATE, ColumnType.DATETIME):
                    dt.date.fromisoformat(v[:10])
                if col.type is ColumnType.ID:
                    assert int(v) > 0
                if col.type is ColumnType.ENUM:
                    assert v.lower() in allowed, (table.name, n, col.name, v)
                if col.unique:
                    assert v not in seen, (table.name, n, col.name, v)
                    seen.add(v)


def test_references_and_id_order(export: Path) -> None:
    customers = {int(r["id"]) for r in _read(export / "customers.csv")}
    staff = {int(r["id"]) for r in _read(export / "staff.csv")}
    assert min(customers) == 100001 and len(customers) == N
    for name in ("customer_groups", "appointments", "encounters", "icbt_activity"):
        for r in _read(export / f"{name}.csv"):
            assert int(r["customer_id"]) in customers
            if r.get("staff_id"):
                assert int(r["staff_id"]) in staff
    for name in ("appointments", "encounters"):
        ids = [int(r["id"]) for r in _read(export / f"{name}.csv")]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_manifest_matches_files(export: Path) -> None:
    m = json.loads((export / "manifest.json").read_text())
    assert m["exported_at"] == "2026-11-20T23:30:00Z"
    assert set(m["files"]) == {f"{t}.csv" for t in TABLES}
    for name, info in m["files"].items():
        data = (export / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"]
        with (export / name).open(newline="", encoding="utf-8") as f:
            assert sum(1 for _ in csv.reader(f)) - 1 == info["rows"]


def test_realistic_mix(export: Path) -> None:
    appts = _read(export / "appointments.csv")
    statuses = {a["status"] for a in appts}
    assert statuses == set(APPOINTMENT_STATUS_CLASSES)
    assert 8 <= len(appts) / N <= 25
    encs = {e["template_name"] for e in _read(export / "encounters.csv")}
    assert {
        "Session Note",
        "Triage Outcome",
        "Chase Attempt",
        "Graduation Summary",
        "Discharge Summary",
        "External Referral",
        "End of Services Request",
    } <= encs
    starts = [a["start"] for a in appts]
    for form in ("T", " "):
        assert any(s[10] == form for s in starts if len(s) > 10)
    for suffix in ("Z", "+01:00", "+00:00", "+0100"):
        assert any(s.endswith(suffix) for s in starts), suffix
    assert any(re.search(r":\d\d\.\d+$", s) for s in starts)  # fractions of a second
    groups = {g["group_name"] for g in _read(export / "customer_groups.csv")}
    assert {
        "Therapy",
        "Discharged",
        "Graduated",
        "iCBT",
        "Group Therapy",
        "Triage",
        "Sandbox",
        "Test",
    } <= groups
    staff_types = {s["staff_type"] for s in _read(export / "staff.csv")}
    assert {"Therapist", "Coordinator", "Administrator"} <= staff_types


def test_planted_covers_every_rule(export: Path) -> None:
    planted = _read(export / PLANTED_FILE)
    hits = defaultdict(set)
    near = defaultdict(set)
    for p in planted:
        assert p["kind"] in ("hit", "near_miss")
        (hits if p["kind"] == "hit" else near)[p["rule_id"]].add(int(p["customer_id"]))
    assert set(hits) | set(near) <= set(ALL_RULES)
    for rule in ALL_RULES:
        assert len(hits[rule]) >= 2, rule
        assert len(near[rule]) >= 1, rule


@pytest.mark.parametrize(
    "as_of",
    [
        AS_OF,
        dt.date(2026, 5, 31),  # D-3m clamps to 28 February
        dt.date(2028, 5, 31),  # ... to 29 February (leap year)
        dt.date(2027, 3, 30),  # D-3m = 30 December: across the year end
    ],
)
def test_planted_is_the_exact_worklist(tmp_path: Path, as_of: dt.date) -> None:
    """Every hit in the export is a planted hit, every planted hit hits, no near miss hits."""
    out = tmp_path / "x"
    write_export(out, customers=N if as_of == AS_OF else 1500, seed=11, as_of=as_of)
    planted = _read(out / PLANTED_FILE)
    expected = {(int(p["customer_id"]), p["rule_id"]) for p in planted if p["kind"] == "hit"}
    near = {(int(p["customer_id"]), p["rule_id"]) for p in planted if p["kind"] == "near_miss"}
    got = evaluate(out, as_of)
    assert sorted(got - expected) == []
    assert sorted(expected - got) == []
    assert not near & got


def test_every_scenario_is_planted_at_small_sizes(tmp_path: Path) -> None:
    write_export(tmp_path, customers=len(SCENARIOS), seed=1, as_of=AS_OF)
    rules = {p["rule_id"] for p in _read(tmp_path / PLANTED_FILE)}
    assert rules == set(ALL_RULES)


def test_dates_are_plausible(export: Path) -> None:
    """Records are created on or before D, bookings on or before their start, nothing wildly old."""
    oldest = AS_OF - dt.timedelta(days=5 * 366)
    for c in _read(export / "customers.csv"):
        d = _d(c["created"])
        assert oldest <= d <= AS_OF
        if c["date_of_birth"]:
            assert _d(c["date_of_birth"]) < d
    for a in _read(export / "appointments.csv"):
        start = _d(a["start"])
        assert oldest <= start <= AS_OF + dt.timedelta(days=60)
        if a["created"]:
            assert _d(a["created"]) <= min(start, AS_OF)
    for e in _read(export / "encounters.csv"):
        assert oldest <= _d(e["chart_date"]) <= AS_OF + dt.timedelta(days=3)
