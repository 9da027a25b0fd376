"""The findings' lifecycle across runs, read from `juvonno_sop.sop_findings`
(models/marts/sop/findings/): the open worklist, the acknowledged and the
resolved findings, every exception of seeds/sop_exceptions.csv, and per-rule
counts. Plain data for the published files; no personal column is ever read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runner.warehouse.reader import BuildReader

# (layer, name): runner/warehouse/reader.py
SOP_FINDINGS = ("sop", "sop_findings")
EXCEPTIONS_SEED = ("seeds", "sop_exceptions")
EXCEPTION_PROBLEMS = ("sop", "sop_exception_problems")

# The worklist's lifecycle columns (spec/outputs.md: after `action`), then the owner.
LIFECYCLE_COLUMNS = ("status", "first_seen", "days_open", "owner_staff_id", "owner_role")
ACKNOWLEDGEMENT_COLUMNS = (
    "acknowledged_until",
    "exception_reason",
    "exception_agreed_by",
    "exception_agreed_on",
)
RESOLVED_COLUMNS = (
    "status",
    "first_seen",
    "last_seen",
    "days_open",
    "owner_staff_id",
    "owner_role",
)
COUNT_KEYS = ("acknowledged", "open", "new", "persisting", "resolved")


@dataclass
class Lifecycle:
    available: bool = False
    open: list[dict[str, Any]] = field(default_factory=list)  # the worklist
    acknowledged: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(
        default_factory=list
    )  # every seed row, with its state on D
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # rule_id -> COUNT_KEYS
    rule_text: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # rule_id -> title, sop_sentence, action


def collect(db: BuildReader, base_columns: Sequence[str], order: dict[str, int]) -> Lifecycle:
    """Read the lifecycle of D; `available` is False when the mart was not built."""
    life = Lifecycle()
    if not db.relation_exists(*SOP_FINDINGS):
        return life
    life.available = True
    wanted = (
        *base_columns,
        "rule_order",
        "as_of_date",
        "last_seen",
        "is_acknowledged",
        *LIFECYCLE_COLUMNS,
        *ACKNOWLEDGEMENT_COLUMNS,
    )
    columns = ", ".join(dict.fromkeys(wanted))
    rows = db.query(f"select {columns} from {db.relation(*SOP_FINDINGS)}")
    rows.sort(
        key=lambda r: (
            order.get(str(r["rule_id"]), 10**6),
            str(r["rule_id"]),
            _as_int(r["customer_id"]),
        )
    )
    for r in rows:
        if r["status"] == "resolved":
            life.resolved.append(r)
        elif _truthy(r["is_acknowledged"]):
            life.acknowledged.append(r)
        else:
            life.open.append(r)
        c = life.counts.setdefault(str(r["rule_id"]), dict.fromkeys(COUNT_KEYS, 0))
        if r["status"] != "resolved":
            c["acknowledged" if _truthy(r["is_acknowledged"]) else "open"] += 1
        c[str(r["status"])] += 1
    if db.relation_exists(*EXCEPTIONS_SEED):
        life.exceptions = _exceptions(db, rows)
    return life


def _exceptions(db: BuildReader, findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every exception of the seed, so none hides a finding silently: `applied`
    (it acknowledges a finding on D), `no finding`, `expired`, `not yet` or `invalid`."""
    rows = db.query(
        "select customer_id, rule_id, reason, agreed_by, agreed_on, expires_on "
        f"from {db.relation(*EXCEPTIONS_SEED)}"
    )
    applied = {
        (str(r["customer_id"]), str(r["rule_id"]))
        for r in findings
        if _truthy(r.get("is_acknowledged"))
    }
    as_of = findings[0]["as_of_date"] if findings else None
    for r in rows:
        key = (str(r["customer_id"]), str(r["rule_id"]))
        if key in applied:
            r["state"] = "applied"
        elif not r.get("reason") or r.get("agreed_on") is None or r.get("expires_on") is None:
            r["state"] = "invalid"
        elif as_of is not None and r["expires_on"] < as_of:
            r["state"] = "expired"
        elif as_of is not None and r["agreed_on"] > as_of:
            r["state"] = "not yet"
        else:
            r["state"] = "no finding"
    rows.sort(key=lambda r: (str(r["expires_on"]), _as_int(r["customer_id"]), str(r["rule_id"])))
    return rows


def exception_problems(db: BuildReader) -> list[str]:
    """One line per bad row of seeds/sop_exceptions.csv (ids and the problem; never the reason)."""
    if not db.relation_exists(*EXCEPTION_PROBLEMS):
        return []
    rows = db.query(
        f"select customer_id, rule_id, agreed_on, problem from {db.relation(*EXCEPTION_PROBLEMS)}"
    )
    return [
        f"seeds/sop_exceptions.csv: the row customer_id {r['customer_id']}, rule_id {r['rule_id']}, "
        f"agreed_on {r['agreed_on']}: {r['problem']}"
        for r in sorted(
            rows, key=lambda r: (_as_int(r["customer_id"]), str(r["rule_id"]), str(r["problem"]))
        )
    ]


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in {"true", "t", "1"}


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 10**18
