"""Optional notifications after a run: a chat webhook and/or an e-mail.

Configured only by environment variables (nothing secret in files):

| variable | meaning |
|---|---|
| `JUVONNO_DQ_WEBHOOK_URL` | POST `{"text": ...}` (Slack and Teams incoming webhooks accept it) |
| `JUVONNO_DQ_SMTP_HOST`, `JUVONNO_DQ_SMTP_PORT` (25) | the mail relay |
| `JUVONNO_DQ_SMTP_FROM`, `JUVONNO_DQ_SMTP_TO` | sender; recipients, comma-separated |
| `JUVONNO_DQ_SMTP_USER`, `JUVONNO_DQ_SMTP_PASSWORD` | optional login |
| `JUVONNO_DQ_SMTP_STARTTLS` | `1`/`true` to upgrade with STARTTLS |
| `JUVONNO_DQ_NOTIFY_TIMEOUT` | seconds per attempt (10) |

The message holds the run's outcome, exit code, as-of date and the number of hits
per rule: never a customer id, chart number, name or any other row-level value. A
notification that fails is logged; it never changes the run's exit code.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any

ENV = "JUVONNO_DQ_"


def message(summary: Mapping[str, Any], report_path: str | None = None) -> tuple[str, str]:
    """(subject, text) from summary.json's content: counts only."""
    outcome = summary.get("outcome", "?")
    subject = f"juvonno-dq {outcome} (exit {summary.get('exit_code')}) as of {summary.get('as_of') or '?'}"
    lines = [subject, f"run {summary.get('run_id')}"]
    rules = summary.get("rules") or []
    if rules:
        hit = [r for r in rules if r.get("hits")]
        lines.append(f"{sum(int(r['hits']) for r in rules)} hits on {len(hit)} of {len(rules)} rules")
        lines += [f"  {r['rule_id']}: {r['hits']}  {r.get('title') or ''}".rstrip() for r in hit]
    dbt = summary.get("dbt") or {}
    if dbt.get("errors"):
        lines.append(f"dbt: {len(dbt['errors'])} failing nodes")
    gx = summary.get("gx") or {}
    if gx.get("available"):
        lines.append(f"Great Expectations: {gx.get('failed_suites', 0)} of {gx.get('suites', 0)} suites failed")
    if summary.get("problems"):
        lines.append(f"{len(summary['problems'])} problems in the export (see run.log)")
    if summary.get("message"):
        lines.append(str(summary["message"]))
    if report_path:
        lines.append(f"report: {report_path}")
    return subject, "\n".join(lines)


def send_all(
    summary: Mapping[str, Any],
    report_path: str | None,
    log: Callable[[str], None],
    env: Mapping[str, str] | None = None,
) -> dict[str, bool]:
    """Send every configured notification; returns {channel: delivered}."""
    env = os.environ if env is None else env
    subject, text = message(summary, report_path)
    timeout = float(env.get(ENV + "NOTIFY_TIMEOUT", "10") or 10)
    sent: dict[str, bool] = {}
    url = env.get(ENV + "WEBHOOK_URL")
    if url:
        try:
            post_webhook(url, text, timeout)
            sent["webhook"] = True
            log("notification sent to the webhook")
        except Exception as exc:  # noqa: BLE001 - never fail the run
            sent["webhook"] = False
            log(f"webhook notification failed: {type(exc).__name__}: {_short(exc)}")
    if env.get(ENV + "SMTP_HOST"):
        try:
            send_mail(env, subject, text, timeout)
            sent["email"] = True
            log("notification e-mail sent")
        except Exception as exc:  # noqa: BLE001
            sent["email"] = False
            log(f"e-mail notification failed: {type(exc).__name__}: {_short(exc)}")
    return sent


def post_webhook(url: str, text: str, timeout: float) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("JUVONNO_DQ_WEBHOOK_URL must be an http(s) URL")
    body = json.dumps({"text": text}).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
        if resp.status >= 300:
            raise OSError(f"HTTP {resp.status}")


def send_mail(env: Mapping[str, str], subject: str, text: str, timeout: float) -> None:
    host = env[ENV + "SMTP_HOST"]
    port = int(env.get(ENV + "SMTP_PORT") or 25)
    sender = env.get(ENV + "SMTP_FROM") or "juvonno-dq@localhost"
    recipients = [a.strip() for a in (env.get(ENV + "SMTP_TO") or "").split(",") if a.strip()]
    if not recipients:
        raise ValueError("JUVONNO_DQ_SMTP_TO is empty")
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg.set_content(text)
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.ehlo()
        if (env.get(ENV + "SMTP_STARTTLS") or "").lower() in {"1", "true", "yes"}:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        user = env.get(ENV + "SMTP_USER")
        if user:
            smtp.login(user, env.get(ENV + "SMTP_PASSWORD") or "")
        smtp.send_message(msg, from_addr=sender, to_addrs=recipients)


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
