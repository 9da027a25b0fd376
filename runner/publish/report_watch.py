"""The report's parts for a data lead: the top cards (with deltas against the
previous run and the export's age), the rule checks by Kahn category, the trend
charts (Vega-Lite, vendored and inlined: real date axes, re-runs of a date
collapsed, a re-export marked) and the invoicing table formatted for people.

Vega runs with its expression interpreter (vega-interpreter), so the page's
Content-Security-Policy needs no 'unsafe-eval'."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

RUNNER = Path(__file__).resolve().parents[1]
VEGA_FILES = (
    RUNNER / "gx_assets" / "vega-5.33.1" / "vega.min.js",
    RUNNER / "gx_assets" / "vega-lite-5.23.0" / "vega-lite.min.js",
    RUNNER / "publish" / "vendor" / "vega-interpreter-1.2.1" / "vega-interpreter.min.js",
)
KAHN_ORDER = ("conformance", "completeness", "plausibility")
KAHN_MEANING = {
    "conformance": "values and relations follow the SOP's catalogue",
    "completeness": "what must be recorded is recorded",
    "plausibility": "the recorded facts agree with the patient's group",
}
STATUS_LABEL = {"pass": "pass", "fail": "fail", "not_applicable": "not applicable", None: "–"}
SMALL_MULTIPLE_COLUMNS = 4
# what a rule of an older summary.json (or a failed run) lacks
RULE_DEFAULTS = {"population": None, "hit_pct": None, "threshold_pct": None, "check_status": None, "kahn_category": None,
                 "anomaly": None, "delta": None}  # fmt: skip

# Invoicing columns: people's labels (anything else: snake_case → Sentence case).
INVOICE_LABELS = {
    "invoice_month": "Invoice month",
    "service": "Service",
    "as_of_date": "As of",
    "is_as_of_month": "Month in progress",
    "billable_customers": "Billable customers",
    "billable_units": "Billable units",
    "missed_sessions": "Missed sessions",
    "billable_customers_with_findings": "Billable customers with findings",
    "billable_units_with_findings": "Billable units with findings",
}
SERVICE_LABELS = {
    "therapy": "Therapy",
    "icbt": "iCBT",
    "group_therapy": "Group therapy",
    "assessment": "Assessment",
    "triage": "Triage",
}


@lru_cache(maxsize=1)
def vega_sources() -> tuple[str, ...]:
    """The code of Vega, Vega-Lite and the interpreter exactly as inlined (the
    report's CSP lists their hashes: runner/publish/csp.py)."""
    sources = []
    for path in VEGA_FILES:
        text = path.read_text(encoding="utf-8").replace("</script", "<\\/script")
        # the maps are not shipped: a browser's developer tools would try to fetch them
        sources.append(re.sub(r"^//# sourceMappingURL=.*$", "", text, flags=re.M))
    return tuple(sources)


def vega_scripts() -> Markup:
    """Vega, Vega-Lite and the interpreter, each in its own inline <script>."""
    return Markup("\n".join(f"<script>{code}</script>" for code in vega_sources()))


def json_script(element_id: str, value: Any) -> Markup:
    """Data for the page's scripts, safe inside <script> (no '<', '>' or '&' survive)."""
    text = json.dumps(value, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/json" id="{element_id}">{text}</script>')


def cards(summary: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The count cards: value, label, delta against the previous run."""
    deltas = ((summary.get("previous") or {}).get("deltas")) or {}
    rules = summary.get("rules") or []
    gx = summary.get("gx") or {}
    structural = (
        (gx.get("failed_suites", 0) - gx.get("failed_sop_suites", 0))
        if gx.get("available")
        else None
    )
    status = summary.get("rule_status") or {}
    anomalies = ((summary.get("anomalies") or {}).get("flagged")) or []
    out = [
        {"id": "card-hits", "value": summary.get("total_hits", 0), "label": "rule hits", "delta": deltas.get("total_hits")},
        {"id": "card-rules", "value": sum(1 for r in rules if r.get("hits")), "label": f"of {len(rules)} rules hit",
         "delta": deltas.get("rules_hit")},
        {"id": "card-customers", "value": (summary.get("worklist") or {}).get("customers", 0),
         "label": "customers on the worklist", "delta": deltas.get("customers")},
        {"id": "card-failing", "value": status.get("fail", 0), "label": "rules over their threshold",
         "note": f"{status.get('pass', 0)} pass, {status.get('not_applicable', 0)} not applicable"},
        {"id": "card-anomalies", "value": len(anomalies), "label": "anomalies vs the recent history",
         "alert": bool(anomalies)},
        {"id": "card-dbt", "value": len((summary.get("dbt") or {}).get("errors") or []), "label": "dbt errors",
         "delta": deltas.get("dbt_errors")},
        {"id": "card-gx", "value": "–" if structural is None else structural, "label": "GX structural suites failed",
         "delta": deltas.get("gx_structural_failed")},
    ]  # fmt: skip
    return [{"delta": None, "note": "", "alert": False, **c} for c in out]


def delta_text(delta: Any) -> str:
    if delta is None:
        return ""
    return "= previous run" if delta == 0 else f"{delta:+d} vs previous run"


def export_age(summary: Mapping[str, Any]) -> str:
    e = summary.get("export") or {}
    if not e.get("exported_at"):
        return "unknown"
    age = e.get("age_hours")
    when = f"exported {e['exported_at']}" + (
        " (file time)" if e.get("exported_at_source") == "file mtime" else ""
    )
    if age is None:
        return when
    return f"{when}, {_hours(age)} old when the run started"


def _hours(h: float) -> str:
    return f"{h:g} h" if h < 48 else f"{h / 24:.1f} days"


def rule_groups(rules: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rules by Kahn category, in catalogue order within each."""
    groups = []
    for category in (*KAHN_ORDER, None):
        members = [r for r in rules if r.get("kahn_category") == category]
        if members:
            groups.append(
                {
                    "category": category or "uncategorised",
                    "meaning": KAHN_MEANING.get(category or "", ""),
                    "rules": members,
                }
            )
    return groups


def pct(v: Any) -> str:
    return "–" if v is None else f"{float(v):.2f} %".replace(".00 %", " %")


def trend_specs(points: Sequence[Mapping[str, Any]], titles: Mapping[str, str]) -> dict[str, Any]:
    """Two Vega-Lite specs: total hits per as-of date (re-exports marked) and one
    small chart per rule that had hits in the history."""
    totals: dict[str, dict[str, Any]] = {}
    for p in points:
        t = totals.setdefault(
            p["date"],
            {"date": p["date"], "hits": 0, "runs": p["runs"], "reexported": p["reexported"]},
        )
        t["hits"] += int(p["hits"])
    total_values = sorted(totals.values(), key=lambda t: t["date"])
    hit_rules = {p["rule_id"] for p in points if p["hits"]}
    rule_values = [
        {**p, "rule": f"{p['rule_id']} {titles.get(p['rule_id'], '')}".strip()}
        for p in points
        if p["rule_id"] in hit_rules
    ]
    x = {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": "as-of date",
         "axis": {"format": "%d %b %Y", "labelAngle": -30}}  # fmt: skip
    tooltip = [
        {
            "field": "date",
            "type": "temporal",
            "timeUnit": "utcyearmonthdate",
            "title": "as of",
            "format": "%Y-%m-%d",
        },
        {"field": "hits", "type": "quantitative", "title": "hits"},
        {"field": "runs", "type": "quantitative", "title": "runs that date"},
    ]
    total = {
        "width": "container",
        "height": 180,
        "data": {"values": total_values},
        "layer": [
            {"mark": {"type": "line", "point": {"size": 40}, "tooltip": True},
             "encoding": {"x": x, "y": {"field": "hits", "type": "quantitative", "title": "total hits", "axis": {"tickMinStep": 1, "format": "d"}}, "tooltip": tooltip}},
            {"name": "reexport", "transform": [{"filter": "datum.reexported"}],
             "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b42318"},
             "encoding": {"x": x, "tooltip": [{"value": "re-exported: the runs of this date read different exports"}]}},
            {"transform": [{"filter": "datum.reexported"}],
             "mark": {"type": "text", "text": "re-export", "dy": -6, "color": "#b42318", "baseline": "bottom"},
             "encoding": {"x": x, "y": {"value": 0}}},
        ],
    }  # fmt: skip
    per_rule = {
        "data": {"values": rule_values},
        "facet": {"field": "rule", "type": "nominal", "title": None, "sort": {"field": "rule_order"}, "header": {"labelLimit": 220, "labelFontSize": 11}},
        "columns": SMALL_MULTIPLE_COLUMNS,
        "resolve": {"scale": {"y": "independent"}},
        "spec": {
            "width": 220,
            "height": 70,
            "layer": [
                {"mark": {"type": "line", "point": {"size": 20}, "tooltip": True},
                 "encoding": {"x": {**x, "title": None, "axis": {"format": "%d %b", "labelAngle": 0, "tickCount": 4}},
                              "y": {"field": "hits", "type": "quantitative", "title": None, "axis": {"tickMinStep": 1, "tickCount": 3,
                                       "labelExpr": "datum.value == floor(datum.value) ? datum.label : ''"}},
                              "tooltip": [{"field": "rule_id", "title": "rule"}, *tooltip]}},
                {"transform": [{"filter": "datum.reexported"}],
                 "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#b42318"},
                 "encoding": {"x": {**x, "title": None}}},
            ],
        },
    }  # fmt: skip
    order = {rid: i for i, rid in enumerate(titles)}
    for v in rule_values:
        v["rule_order"] = order.get(v["rule_id"], len(order))
    return {
        "total": total,
        "per_rule": per_rule,
        "dates": len(total_values),
        "rules_with_hits": len(hit_rules),
    }


def invoicing_table(rows: Sequence[Mapping[str, Any]] | None) -> dict[str, Any] | None:
    if not rows:
        return None
    columns = list(rows[0].keys())
    numeric = {
        c
        for c in columns
        if any(
            isinstance(r.get(c), (int, float, Decimal)) and not isinstance(r.get(c), bool)
            for r in rows
        )
    }
    numeric |= {
        c
        for c in columns
        if c.startswith(("billable_", "missed_")) or c.endswith(("_count", "_units"))
    }
    return {
        "columns": [
            {
                "name": c,
                "label": INVOICE_LABELS.get(c, c.replace("_", " ").capitalize()),
                "numeric": c in numeric,
            }
            for c in columns
        ],
        "rows": [[cell(c, r.get(c), c in numeric) for c in columns] for r in rows],
    }


def cell(column: str, value: Any, numeric: bool) -> str:
    """A value as people read it: 0 not blank, yes/no not True/False, months by name."""
    if value is None:
        return "0" if numeric else "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column == "invoice_month" and isinstance(value, (dt.date, str)):
        d = value if isinstance(value, dt.date) else _date(value)
        return d.strftime("%B %Y") if d else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    if column == "service":
        return SERVICE_LABELS.get(str(value), str(value).replace("_", " ").capitalize())
    if isinstance(value, (float, Decimal)):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def context(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """What the monitoring partials need, from the render context."""
    summary = ctx["summary"]
    rules = summary.get("rules") or []
    points = ctx.get("trend_points") or []
    titles = {r["rule_id"]: r.get("title") or "" for r in rules}
    specs = trend_specs(points, titles) if points else None
    return {
        "watch_cards": cards(summary),
        "delta_text": delta_text,
        "export_age": export_age(summary),
        "rule_groups": rule_groups([{**RULE_DEFAULTS, **r} for r in rules]),
        "watch_previous": summary.get("previous"),
        "watch_anomalies": ((summary.get("anomalies") or {}).get("flagged")) or [],
        "status_label": STATUS_LABEL,
        "pct": pct,
        "trend_specs": specs,
        "trend_json": json_script(
            "trend-data", {"total": specs["total"], "per_rule": specs["per_rule"]}
        )
        if specs
        else "",
        "vega_scripts": vega_scripts(),  # always: the page's CSP lists every script's hash
        "invoice_table": invoicing_table(ctx.get("invoicing")),
    }
