"""What a notification says, and the three webhook bodies (Slack Block Kit,
Teams Workflows Adaptive Card, plain `{"text"}`). Built from summary.json only:
counts, rule ids and titles, never a customer id or any row-level value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


def _delta(n: Any) -> str:
    if n is None:
        return ""
    return " (no change)" if n == 0 else f" ({n:+d} since the previous run)"


def _signed(n: Any) -> str:
    return "" if n is None else f", {n:+d}"


def headline(summary: Mapping[str, Any]) -> str:
    return f"juvonno-dq {summary.get('outcome', '?')} (exit {summary.get('exit_code')}) as of {summary.get('as_of') or '?'}"


def facts(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs: the run at a glance."""
    out = [("Run", str(summary.get("run_id")))]
    export = summary.get("export") or {}
    if export.get("exported_at"):
        age = export.get("age_hours")
        out.append(
            (
                "Export",
                f"{export['exported_at']}"
                + (f", {age:g} h old at the start" if age is not None else ""),
            )
        )
    rules = summary.get("rules") or []
    deltas = ((summary.get("previous") or {}).get("deltas")) or {}
    if rules:
        hit = [r for r in rules if r.get("hits")]
        out.append(
            ("Hits", f"{sum(int(r['hits']) for r in rules)}{_delta(deltas.get('total_hits'))}")
        )
        out.append(("Rules hit", f"{len(hit)} of {len(rules)}{_delta(deltas.get('rules_hit'))}"))
        status = summary.get("rule_status") or {}
        if status:
            out.append(("Rule checks", f"{status.get('fail', 0)} fail, {status.get('pass', 0)} pass, "
                                       f"{status.get('not_applicable', 0)} not applicable"))  # fmt: skip
    dbt = summary.get("dbt") or {}
    if dbt.get("errors"):
        out.append(("dbt", f"{len(dbt['errors'])} failing nodes"))
    gx = summary.get("gx") or {}
    if gx.get("available"):
        structural = gx.get("failed_suites", 0) - gx.get("failed_sop_suites", 0)
        out.append(("Great Expectations", f"{structural} structural suites failed of {gx.get('suites', 0)} "
                                          "(the SOP suite fails when rules hit: findings, not an error)"))  # fmt: skip
    if summary.get("problems"):
        out.append(("Export problems", f"{len(summary['problems'])} (see run.log)"))
    if summary.get("message"):
        out.append(("Message", str(summary["message"])))
    return out


def anomaly_lines(summary: Mapping[str, Any]) -> list[str]:
    flagged = ((summary.get("anomalies") or {}).get("flagged")) or []
    return [
        f"{'rule' if a['kind'] == 'rule' else 'file'} {a['key']}: {a['value']} "
        f"({'jump' if a['direction'] == 'up' else 'drop'} from a median of {a['median']:g}, score {a['score']:g})"
        for a in flagged
    ]


def rule_lines(summary: Mapping[str, Any]) -> list[str]:
    lines = []
    for r in summary.get("rules") or []:
        if not r.get("hits") and not r.get("delta"):
            continue
        pop = f" of {r['population']} ({r['hit_pct']:g} %)" if r.get("population") else ""
        lines.append(
            f"{r['rule_id']}: {r['hits']}{pop}{_signed(r.get('delta'))}  {r.get('title') or ''}".rstrip()
        )
    return lines


def message(summary: Mapping[str, Any], report_path: str | None = None) -> tuple[str, str]:
    """(subject, plain text)."""
    subject = headline(summary)
    lines = [subject] + [f"{k}: {v}" for k, v in facts(summary)]
    anomalies = anomaly_lines(summary)
    if anomalies:
        lines.append("Anomalies against the recent history:")
        lines += [f"  {a}" for a in anomalies]
    rules = rule_lines(summary)
    if rules:
        lines.append("Hits per rule (of its population; change since the previous run):")
        lines += [f"  {r}" for r in rules]
    if report_path:
        lines.append(f"report: {report_path}")
    return subject, "\n".join(lines)


def payload(kind: str, summary: Mapping[str, Any], report_path: str | None) -> dict[str, Any]:
    _, text = message(summary, report_path)
    if kind == "slack":
        return slack(summary, report_path, text)
    if kind == "teams":
        return teams(summary, report_path)
    return {"text": text}


def slack(summary: Mapping[str, Any], report_path: str | None, fallback: str) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(summary)[:150]}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*{k}*\n{v}"[:2000]} for k, v in facts(summary)[:10]
            ],
        },
    ]
    anomalies = anomaly_lines(summary)
    if anomalies:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ("*Anomalies*\n" + "\n".join(anomalies))[:3000]},
            }
        )
    rules = rule_lines(summary)
    if rules:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": ("*Hits per rule*\n" + "\n".join(rules))[:3000]},
            }
        )
    if report_path:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"report: {report_path}"[:2000]}],
            }
        )
    return {"text": fallback[:3000], "blocks": blocks}


def teams(summary: Mapping[str, Any], report_path: str | None) -> dict[str, Any]:
    """A Teams Workflows ("Post to a channel when a webhook request is received")
    message: one Adaptive Card attachment."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": headline(summary),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        },
        {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts(summary)]},
    ]
    anomalies = anomaly_lines(summary)
    if anomalies:
        body.append(
            {
                "type": "TextBlock",
                "text": "Anomalies",
                "weight": "Bolder",
                "color": "Attention",
                "wrap": True,
            }
        )
        body += [
            {"type": "TextBlock", "text": a, "wrap": True, "spacing": "None"} for a in anomalies
        ]
    rules = rule_lines(summary)
    if rules:
        body.append(
            {"type": "TextBlock", "text": "Hits per rule", "weight": "Bolder", "wrap": True}
        )
        body += [{"type": "TextBlock", "text": r, "wrap": True, "spacing": "None"} for r in rules]
    if report_path:
        body.append(
            {"type": "TextBlock", "text": f"report: {report_path}", "isSubtle": True, "wrap": True}
        )
    card = {"$schema": ADAPTIVE_CARD_SCHEMA, "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def text_payload(kind: str, subject: str, text: str) -> dict[str, Any]:
    """A short alert (check-export) in the webhook's format."""
    if kind == "slack":
        return {"text": text[:3000], "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}},
        ]}  # fmt: skip
    if kind == "teams":
        body = [
            {
                "type": "TextBlock",
                "text": subject,
                "weight": "Bolder",
                "color": "Attention",
                "wrap": True,
            }
        ]
        body += [
            {"type": "TextBlock", "text": line, "wrap": True, "spacing": "None"}
            for line in text.splitlines()[1:]
        ]
        card = {
            "$schema": ADAPTIVE_CARD_SCHEMA,
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        return {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}  # fmt: skip
    return {"text": text}
