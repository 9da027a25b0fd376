"""report.html: one self-contained page (inline CSS, inline SVG, inline JS: a little of
our own and the vendored Vega for the trend, see report_watch.py; no CDN, no font, no
request of any kind), rendered from templates/report.html.j2.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"
# The worklist's table library, inlined so the page needs no network (MIT, LICENSE beside it).
TABLE_LIBRARY = Path(__file__).parent / "vendor" / "tabulator-6.5.3"
WORKLIST_FIELDS = (
    "customer_id",
    "chart_num",
    "group_name",
    "rule_id",
    "rule_order",
    "rule_title",
    "expected_group",
    "detail",
    "action",
    "status",
    "first_seen",
    "days_open",
    "owner_staff_id",
    "owner_role",
)

OUTCOME_LABEL = {
    "passed": "Passed: no rule hit, every check green",
    "findings": "Findings: rules hit (warnings for coordinators)",
    "failed": "Failed: an error-severity check failed",
    "rejected": "Rejected: the export was bad input",
}


def render(ctx: dict[str, Any]) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    summary = ctx["summary"]
    rules = summary["rules"]
    trend = ctx.get("trend") or []
    groups = ctx.get("groups") or []
    worklist = ctx.get("worklist") or []
    group_options = sorted(
        {g.strip() for r in worklist for g in str(r.get("group_name") or "No Group").split(";")}
    )
    from runner.publish import report_watch

    context = {
        **ctx,
        **report_watch.context(ctx),
        "outcome_label": OUTCOME_LABEL.get(summary["outcome"], summary["outcome"]),
        "rules_chart": bar_chart(
            [(r["rule_id"], int(r["hits"])) for r in rules], title="Hits per rule"
        ),
        "groups_chart": bar_chart(
            [(g["group_name"], int(g["hits"])) for g in groups], title="Hits per group"
        ),
        "sparklines": {r["rule_id"]: sparkline(trend, r["rule_id"]) for r in rules},
        "group_options": group_options,
        "lifecycle": ctx.get("lifecycle"),
        "worklist_json": script_json([_worklist_row(i, w) for i, w in enumerate(worklist)]),
        "rule_text_json": script_json(getattr(ctx.get("lifecycle"), "rule_text", None) or {}),
        "table_library_js": Markup(_vendored("tabulator.min.js")),
        "table_library_css": Markup(_vendored("tabulator.min.css")),
    }
    from runner.publish.csp import harden_report

    return harden_report(env.get_template("report.html.j2").render(**context))


def script_json(value: object) -> Markup:
    """JSON for a <script type="application/json"> block: nothing in it can close the tag."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _worklist_row(index: int, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in WORKLIST_FIELDS}
    out["key"] = index
    return out


@cache
def _vendored(name: str) -> str:
    text = (TABLE_LIBRARY / name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{name} cannot be inlined: it contains a closing tag")
    return text


def bar_chart(items: Sequence[tuple[str, int]], *, title: str, width: int = 560) -> Markup:
    """A horizontal bar chart as inline SVG."""
    if not items:
        return Markup('<p class="muted">Nothing to chart.</p>')
    bar_h, gap, label_w, value_w = 16, 6, 210, 44
    height = len(items) * (bar_h + gap) + gap
    top = max((v for _, v in items), default=0) or 1
    plot_w = width - label_w - value_w
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = 0 if value == 0 else max(2, round(plot_w * value / top))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" class="lbl">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" class="bar{" zero" if value == 0 else ""}">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_w + w + 4}" y="{y + bar_h - 4}" class="val">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _runs(trend: Sequence[dict[str, Any]]) -> OrderedDict[str, dict[str, Any]]:
    runs: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in trend:
        run = runs.setdefault(str(row["run_id"]), {"as_of": str(row["as_of_date"]), "hits": {}})
        run["hits"][str(row["rule_id"])] = int(row["hits"] or 0)
    return runs


def sparkline(
    trend: Sequence[dict[str, Any]], rule_id: str, width: int = 120, height: int = 22
) -> Markup:
    runs = _runs(trend)
    values = [r["hits"].get(rule_id, 0) for r in runs.values()]
    if not values:
        return Markup("")
    top = max(values) or 1
    n = len(values)
    pts = []
    for i, v in enumerate(values):
        x = width / 2 if n == 1 else 2 + (width - 4) * i / (n - 1)
        y = height - 2 - (height - 4) * v / top
        pts.append(f"{x:.1f},{y:.1f}")
    label = f"{rule_id}: " + ", ".join(str(v) for v in values[-10:])
    shape = (
        f'<polyline class="line" points="{" ".join(pts)}"/>'
        if n > 1
        else f'<circle cx="{pts[0].split(",")[0]}" cy="{pts[0].split(",")[1]}" r="2" class="dot"/>'
    )
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f"{shape}</svg>"
    )
