"""What the data lead watches, gathered once per run: each rule's population and
status (sop_rule_populations), anomalies against the instance's history, the
export's age, and the previous published run for deltas.

The pipeline calls `observe()` after the results are collected and before
history is appended; `Watch` then annotates summary.json and the history rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.monitor import anomaly, exported
from runner.publish import history

if TYPE_CHECKING:
    from runner.warehouse.reader import BuildReader

POPULATIONS = ("sop", "sop_rule_populations")  # (layer, name): runner/warehouse/reader.py
METHOD = "robust z-score: (value - median) / (1.4826 x MAD) over the last as-of dates, same-date re-runs once"


def _naive(t: dt.datetime | None) -> dt.datetime | None:
    return t.astimezone(dt.UTC).replace(tzinfo=None) if t else None


@dataclass
class Watch:
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)
    rule_checks: list[anomaly.Check] = field(default_factory=list)
    file_checks: list[anomaly.Check] = field(default_factory=list)
    sensitivity: anomaly.Sensitivity = field(default_factory=anomaly.Sensitivity)
    exported_at: dt.datetime | None = None
    exported_at_source: str = "unknown"
    fingerprint: str = ""
    previous: dict[str, Any] | None = None
    export_age_hours: float | None = None

    # -- summary.json ------------------------------------------------------------
    def annotate(self, summary: dict[str, Any]) -> None:
        """Population, %, status, category and anomaly per rule; the export, the
        anomalies and the deltas against the previous run."""
        checks = {c.key: c for c in self.rule_checks}
        prev_rules = {r["rule_id"]: r.get("hits") for r in (self.previous or {}).get("rules", [])}
        for r in summary.get("rules", []):
            m = self.measures.get(r["rule_id"], {})
            c = checks.get(r["rule_id"])
            prev = prev_rules.get(r["rule_id"])
            r.update(
                population=m.get("population_size"),
                population_key=m.get("population"),
                hit_pct=_float(m.get("hit_pct")),
                threshold_pct=_float(m.get("threshold_pct")),
                check_status=m.get("status"),
                kahn_category=m.get("kahn_category"),
                anomaly=_anomaly(c),
                previous_hits=prev,
                delta=None if prev is None else int(r["hits"]) - int(prev),
            )
        summary["export"] = {
            "exported_at": exported.iso(self.exported_at),
            "exported_at_source": self.exported_at_source,
            "age_hours": self.export_age_hours,
            "fingerprint": self.fingerprint,
        }
        file_checks = {c.key: c for c in self.file_checks}
        for f in summary.get("files", []):
            f["anomaly"] = _anomaly(file_checks.get(f["table"]))
        flagged = [c for c in self.rule_checks + self.file_checks if c.is_anomaly]
        summary["anomalies"] = {
            "method": METHOD,
            "sensitivity": asdict(self.sensitivity),
            "flagged": [
                {
                    "kind": c.kind,
                    "key": c.key,
                    "value": c.value,
                    "direction": c.direction,
                    "median": c.median,
                    "score": c.score,
                }
                for c in flagged
            ],
            "insufficient_history": sum(
                1 for c in self.rule_checks if c.status == "insufficient_history"
            ),
        }
        summary["rule_status"] = {
            s: sum(1 for r in summary.get("rules", []) if r.get("check_status") == s)
            for s in ("pass", "fail", "not_applicable")
        }
        summary["previous"] = self._previous_counts(summary)

    def _previous_counts(self, summary: Mapping[str, Any]) -> dict[str, Any] | None:
        p = self.previous
        if not p or p.get("outcome") in {"rejected", "error"}:
            return None
        now = _counts(summary)
        before = _counts(p)
        return {
            "run_id": p.get("run_id"),
            "as_of": p.get("as_of"),
            "counts": before,
            "deltas": {
                k: (now[k] - before[k]) if now[k] is not None and before[k] is not None else None
                for k in now
            },
        }

    # -- history ------------------------------------------------------------------
    def history_rows(
        self, rows: Sequence[dict[str, Any]], summary: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        by_rule = {r["rule_id"]: r for r in summary.get("rules", [])}
        out = []
        for row in rows:
            r = by_rule.get(row["rule_id"], {})
            out.append(
                {
                    **row,
                    "population": r.get("population"),
                    "hit_pct": r.get("hit_pct"),
                    "threshold_pct": r.get("threshold_pct"),
                    "rule_status": r.get("check_status"),
                    "kahn_category": r.get("kahn_category"),
                    "anomaly": (r.get("anomaly") or {}).get("direction"),
                    "exported_at": _naive(self.exported_at),
                    "export_fingerprint": self.fingerprint,
                }
            )
        return out

    def file_rows(
        self, summary: Mapping[str, Any], started_at: dt.datetime
    ) -> list[dict[str, Any]]:
        return [
            {
                "run_id": summary["run_id"],
                "as_of_date": dt.date.fromisoformat(summary["as_of"]),
                "started_at": _naive(started_at),
                "exported_at": _naive(self.exported_at),
                "table_name": f["table"],
                "file_name": f["file"],
                "file_format": f.get("format"),
                "file_rows": f.get("rows"),
                "sha256": f.get("sha256"),
                "anomaly": (f.get("anomaly") or {}).get("direction"),
            }
            for f in summary.get("files", [])
        ]


def observe(
    db: BuildReader,
    *,
    run_id: str,
    as_of: dt.date,
    started_at: dt.datetime,
    rule_hits: Mapping[str, int],
    export: Any,
    out: Path,
    sensitivity: anomaly.Sensitivity,
) -> Watch:
    w = Watch(sensitivity=sensitivity)
    if db.relation_exists(*POPULATIONS):
        for m in db.query(
            "select rule_id, population, population_size, hit_pct, threshold_pct, status, kahn_category "
            f"from {db.relation(*POPULATIONS)}"
        ):
            w.measures[str(m["rule_id"])] = m
    files = list(export.files.values())
    w.exported_at, w.exported_at_source = exported.exported_at(
        export.manifest_exported_at, [f.path for f in files]
    )
    w.export_age_hours = exported.age_hours(w.exported_at, started_at)
    w.fingerprint = exported.fingerprint(f.sha256 for f in files if f.sha256)
    if db.relation_exists(history.LAYER, history.TABLE):
        rows = db.query(
            f"select as_of_date, started_at, rule_id, hits from {db.relation(history.LAYER, history.TABLE)} "
            f"where run_id <> '{run_id}' and outcome <> 'failed'"
        )
        w.rule_checks = anomaly.check_all(
            "rule", rule_hits, rows, as_of, sensitivity, key_field="rule_id", value_field="hits"
        )
    if db.relation_exists(history.LAYER, history.FILE_TABLE):
        rows = db.query(
            "select as_of_date, started_at, table_name, file_rows "
            f"from {db.relation(history.LAYER, history.FILE_TABLE)} where run_id <> '{run_id}'"
        )
        current = {f.table: int(f.rows) for f in files}
        w.file_checks = anomaly.check_all(
            "file",
            current,
            rows,
            as_of,
            sensitivity,
            key_field="table_name",
            value_field="file_rows",
        )
    w.previous = read_previous_summary(out)
    return w


def read_previous_summary(out: Path) -> dict[str, Any] | None:
    """summary.json of the run OUT/latest points at (the previous published run)."""
    path = Path(out) / "latest" / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _counts(s: Mapping[str, Any]) -> dict[str, int | None]:
    rules = s.get("rules") or []
    gx = s.get("gx") or {}
    return {
        "total_hits": s.get("total_hits"),
        "rules_hit": sum(1 for r in rules if r.get("hits")),
        "customers": (s.get("worklist") or {}).get("customers"),
        "dbt_errors": len((s.get("dbt") or {}).get("errors") or []),
        "gx_structural_failed": (gx.get("failed_suites", 0) - gx.get("failed_sop_suites", 0))
        if gx.get("available")
        else None,
    }


def _anomaly(c: anomaly.Check | None) -> dict[str, Any] | None:
    if c is None or not c.is_anomaly:
        return None
    return {
        "direction": c.direction,
        "median": c.median,
        "score": c.score,
        "baseline_dates": c.baseline_dates,
    }


def _float(v: Any) -> float | None:
    return None if v is None else float(v)


def trend_points(db: BuildReader) -> list[dict[str, Any]]:
    """Hits per rule and as-of date for the report's chart. Re-runs of one date
    collapse to the latest run; `reexported` marks a date whose runs read
    different exports (a corrected re-export), `runs` says how many ran."""
    if not db.relation_exists(history.LAYER, history.TABLE):
        return []
    rows = db.query(
        "select run_id, as_of_date, started_at, rule_id, hits, export_fingerprint "
        f"from {db.relation(history.LAYER, history.TABLE)} "
        "where outcome <> 'failed' order by started_at, run_id"
    )
    latest: dict[
        str, dict[str, Any]
    ] = {}  # as-of date -> its latest run's hits (rows come oldest first)
    prints: dict[str, set[str]] = {}
    run_ids: dict[str, set[str]] = {}
    for r in rows:
        day = str(r["as_of_date"])[:10]
        run_ids.setdefault(day, set()).add(str(r["run_id"]))
        if r.get("export_fingerprint"):
            prints.setdefault(day, set()).add(str(r["export_fingerprint"]))
        if latest.get(day, {}).get("run_id") != r["run_id"]:
            latest[day] = {"run_id": r["run_id"], "hits": {}}
        latest[day]["hits"][str(r["rule_id"])] = int(r["hits"] or 0)
    return [
        {
            "date": day,
            "rule_id": rule_id,
            "hits": hits,
            "runs": len(run_ids[day]),
            "reexported": len(prints.get(day, ())) > 1,
        }
        for day in sorted(latest)
        for rule_id, hits in sorted(latest[day]["hits"].items())
    ]
