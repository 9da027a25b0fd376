"""What a run found, read from the build after dbt and GX, as plain data.

Everything the published files say comes from here; every query reads marts,
seeds, history or counts, never a personal column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runner.contract import TABLES
from runner.publish import history, lifecycle
from runner.warehouse.reader import canonical

if TYPE_CHECKING:
    from runner.warehouse.reader import BuildReader

# What sop_violations says about a hit (the worklist's first columns).
VIOLATION_COLUMNS = (
    "customer_id",
    "chart_num",
    "group_name",
    "rule_id",
    "rule_title",
    "severity",
    "expected_group",
    "detail",
    "action",
)
# spec/outputs.md: the violation, then the finding's lifecycle, then its owner.
WORKLIST_COLUMNS = (*VIOLATION_COLUMNS, *lifecycle.LIFECYCLE_COLUMNS)
ACKNOWLEDGED_COLUMNS = (*WORKLIST_COLUMNS, *lifecycle.ACKNOWLEDGEMENT_COLUMNS)
RESOLVED_COLUMNS = (*VIOLATION_COLUMNS, *lifecycle.RESOLVED_COLUMNS)

# Relations (layer, name) other parts build; their absence is reported, not fatal.
SOP_VIOLATIONS = ("sop", "sop_violations")
SOP_RULES_SEED = ("seeds", "sop_rules")
INVOICE_REPORT = ("invoicing", "rpt_invoice_monthly")
INVOICE_MONTHS = 3

# References whose orphans are counted (spec: kept in raw, left out of the marts).
ORPHAN_CHECKS = (
    ("customer_groups", "customer_id", "customers", "id"),
    ("appointments", "customer_id", "customers", "id"),
    ("appointments", "staff_id", "staff", "id"),
    ("encounters", "customer_id", "customers", "id"),
    ("encounters", "staff_id", "staff", "id"),
    ("icbt_activity", "customer_id", "customers", "id"),
)


@dataclass
class Findings:
    rules: list[dict[str, Any]] = field(
        default_factory=list
    )  # rule_id, title, severity, hits, rule_order
    worklist: list[dict[str, Any]] = field(default_factory=list)  # the open findings
    worklist_available: bool = False
    lifecycle: lifecycle.Lifecycle = field(default_factory=lifecycle.Lifecycle)
    groups: list[dict[str, Any]] = field(default_factory=list)  # group_name, hits
    orphans: dict[str, int] = field(default_factory=dict)
    raw_rows: dict[str, int] = field(default_factory=dict)
    invoicing: list[dict[str, Any]] | None = None
    trend: list[dict[str, Any]] = field(
        default_factory=list
    )  # run_id, as_of_date, started_at, rule_id, hits
    trend_points: list[dict[str, Any]] = field(
        default_factory=list
    )  # date, rule_id, hits, runs, reexported
    missing: list[str] = field(default_factory=list)  # relations that were not there
    exception_problems: list[str] = field(
        default_factory=list
    )  # bad rows of seeds/sop_exceptions.csv

    @property
    def total_hits(self) -> int:
        return sum(int(r["hits"]) for r in self.rules)


def collect(db: BuildReader, *, rule_hits_from_dbt: dict[str, int] | None = None) -> Findings:
    f = Findings()
    have_violations = db.relation_exists(*SOP_VIOLATIONS)
    have_rules = db.relation_exists(*SOP_RULES_SEED)
    violations = db.relation(*SOP_VIOLATIONS)

    # The rule catalogue, in its order, with hits.
    hits: dict[str, int] = {}
    if have_violations:
        for r in db.query(f"select rule_id, count(*) as hits from {violations} group by rule_id"):
            hits[str(r["rule_id"])] = int(r["hits"])
    elif rule_hits_from_dbt:
        hits = dict(rule_hits_from_dbt)
    else:
        f.missing.append(canonical(*SOP_VIOLATIONS))
    rule_text: dict[str, dict[str, Any]] = {}
    if have_rules:
        for r in db.query(
            "select rule_id, rule_order, title, severity, sop_sentence, action "
            f"from {db.relation(*SOP_RULES_SEED)} order by rule_order"
        ):
            rule_text[str(r["rule_id"])] = {
                "title": r["title"],
                "sop_sentence": r["sop_sentence"],
                "action": r["action"],
            }
            f.rules.append(
                {
                    "rule_id": str(r["rule_id"]),
                    "rule_order": int(r["rule_order"]),
                    "title": r["title"],
                    "severity": r["severity"],
                    "hits": hits.pop(str(r["rule_id"]), 0),
                }
            )
    else:
        f.missing.append(canonical(*SOP_RULES_SEED))
    for n, (rule_id, count) in enumerate(sorted(hits.items()), start=len(f.rules) + 1):
        f.rules.append(
            {"rule_id": rule_id, "rule_order": n, "title": None, "severity": None, "hits": count}
        )
    order = {r["rule_id"]: r["rule_order"] for r in f.rules}

    if have_violations:
        f.lifecycle = lifecycle.collect(db, VIOLATION_COLUMNS, order)
        f.lifecycle.rule_text = rule_text
        if f.lifecycle.available:
            rows = f.lifecycle.open
            for r in f.rules:
                r.update(
                    f.lifecycle.counts.get(r["rule_id"], dict.fromkeys(lifecycle.COUNT_KEYS, 0))
                )
                r["open"] = r["hits"] - r["acknowledged"]
        else:  # the lifecycle mart did not build: the violations, lifecycle columns empty
            cols = set(db.columns(*SOP_VIOLATIONS))
            select = ", ".join(c if c in cols else f"null as {c}" for c in WORKLIST_COLUMNS)
            rows = db.query(f"select {select} from {violations}")
            f.missing.append(canonical(*lifecycle.SOP_FINDINGS))
        # Catalogue order of rule_id, then customer_id as a number.
        rows.sort(
            key=lambda r: (
                order.get(str(r["rule_id"]), 10**6),
                str(r["rule_id"]),
                _as_int(r["customer_id"]),
            )
        )
        f.worklist = rows
        f.worklist_available = True
        grouped: dict[str, int] = {}
        for r in [*rows, *f.lifecycle.acknowledged]:
            key = r["group_name"] or "No Group"
            grouped[key] = grouped.get(key, 0) + 1
        f.groups = [
            {"group_name": g, "hits": n}
            for g, n in sorted(grouped.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    f.exception_problems = lifecycle.exception_problems(db)

    # Raw row counts and orphans.
    for table in TABLES:
        if db.relation_exists("raw", table):
            f.raw_rows[table] = int(
                db.query(f"select count(*) as n from {db.relation('raw', table)}")[0]["n"]
            )
    for child, col, parent, pcol in ORPHAN_CHECKS:
        if child in f.raw_rows and parent in f.raw_rows:
            n = db.query(
                f"select count(*) as n from {db.relation('raw', child)} c where c.{col} is not null and not exists "
                f"(select 1 from {db.relation('raw', parent)} p where p.{pcol} = c.{col})"
            )[0]["n"]
            f.orphans[f"{child}.{col}"] = int(n)

    if db.relation_exists(*INVOICE_REPORT):
        rows = db.query(f"select * from {db.relation(*INVOICE_REPORT)}")
        if rows and "invoice_month" in rows[0]:
            # the report shows the last INVOICE_MONTHS months, newest first
            months = sorted(
                {r["invoice_month"] for r in rows if r["invoice_month"] is not None}, reverse=True
            )
            keep = set(months[:INVOICE_MONTHS])
            rows = [r for r in rows if r["invoice_month"] in keep]
            rows.sort(key=lambda r: tuple(str(v) for v in r.values()))
            rows.sort(
                key=lambda r: str(r["invoice_month"]), reverse=True
            )  # stable: newest month first
        else:
            rows.sort(key=lambda r: tuple(str(v) for v in r.values()))
        f.invoicing = rows

    return f


def summary_rules(f: Findings) -> list[dict[str, Any]]:
    """summary.json's rules: hits, and (when the lifecycle mart built) acknowledged,
    open (hits = acknowledged + open), new, persisting and resolved."""
    keys = ("rule_id", "title", "severity", "hits", *lifecycle.COUNT_KEYS)
    return [{k: r[k] for k in keys if k in r} for r in f.rules]


def summary_worklist(f: Findings) -> dict[str, Any]:
    return {
        "available": f.worklist_available,
        "rows": len(f.worklist),
        "customers": len({w["customer_id"] for w in f.worklist}),
        "acknowledged": len(f.lifecycle.acknowledged),
        "resolved": len(f.lifecycle.resolved),
        "exceptions": [
            {
                k: str(e[k]) if e[k] is not None else None
                for k in ("customer_id", "rule_id", "expires_on", "state")
            }
            for e in f.lifecycle.exceptions
        ],
        "exception_problems": f.exception_problems,  # ids and the problem, never the reason
    }


def collect_trend(db: BuildReader, runs: int = 60) -> list[dict[str, Any]]:
    """Hits per rule of the last `runs` runs in dq_run_history, oldest first."""
    if not db.relation_exists(history.LAYER, history.TABLE):
        return []
    table = db.relation(history.LAYER, history.TABLE)
    return db.query(
        f"select run_id, as_of_date, started_at, rule_id, hits, outcome from {table} "
        "where run_id in (select run_id from (select run_id, max(started_at) as s "
        f"from {table} group by run_id order by s desc limit {int(runs)}) r) "
        "order by started_at, run_id, rule_id"
    )


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 10**18


def history_rows(
    *,
    run_id: str,
    as_of: dt.date,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    rules: Sequence[dict[str, Any]],
    outcome: str,
    exit_code: int,
) -> list[dict[str, Any]]:
    def naive(t: dt.datetime) -> dt.datetime:
        return t.astimezone(dt.UTC).replace(tzinfo=None)

    return [
        {
            "run_id": run_id,
            "as_of_date": as_of,
            "started_at": naive(started_at),
            "finished_at": naive(finished_at),
            "rule_id": r["rule_id"],
            "hits": int(r["hits"]),
            "outcome": outcome,
            "exit_code": int(exit_code),
        }
        for r in rules
    ]
