"""Optional notifications after a run: a chat webhook and/or an e-mail.

Configured only by environment variables (nothing secret in files):

| variable | meaning |
|---|---|
| `JUVONNO_DQ_WEBHOOK_URL` | the incoming webhook to POST to |
| `JUVONNO_DQ_WEBHOOK_FORMAT` | `auto` (default: by the URL), `slack` (Block Kit), `teams` (Workflows: an Adaptive Card), `text` (`{"text": ...}`) |
| `JUVONNO_DQ_SMTP_HOST`, `JUVONNO_DQ_SMTP_PORT` (25) | the mail relay |
| `JUVONNO_DQ_SMTP_FROM`, `JUVONNO_DQ_SMTP_TO` | sender; recipients, comma-separated |
| `JUVONNO_DQ_SMTP_USER`, `JUVONNO_DQ_SMTP_PASSWORD` | optional login |
| `JUVONNO_DQ_SMTP_STARTTLS` | `1`/`true` to upgrade with STARTTLS |
| `JUVONNO_DQ_NOTIFY_TIMEOUT` | seconds per attempt (10) |
| `JUVONNO_DQ_NOTIFY_ATTEMPTS` | attempts per channel (4) |
| `JUVONNO_DQ_NOTIFY_BACKOFF` | first wait between attempts in seconds (1), doubling, at most 30 |

Delivery is retried with exponential backoff (tenacity) on what may pass: a
connection error, a timeout, HTTP 429 or 5xx, an SMTP 4xx reply. Anything else
(HTTP 4xx, a bad URL) fails at once.

The message holds the run's outcome, exit code, as-of date, the export's age,
the number of hits per rule with its population and the change since the
previous run, and the anomalies: never a customer id, chart number, name or any
other row-level value. A notification that fails is logged; it never changes the
run's exit code.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from email.message import EmailMessage
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from runner.publish import notify_format as fmt

ENV = "JUVONNO_DQ_"
FORMATS = ("auto", "slack", "teams", "text")

message = fmt.message  # (subject, text) from summary.json: counts only


class RetryableHTTPError(Exception):
    """An HTTP status worth retrying (429, 5xx)."""


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, (RetryableHTTPError, httpx.TransportError)):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(
        exc,
        (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError),
    )


def _retrying(env: Mapping[str, str]) -> Retrying:
    attempts = max(1, int(env.get(ENV + "NOTIFY_ATTEMPTS") or 4))
    backoff = float(env.get(ENV + "NOTIFY_BACKOFF") or 1)
    return Retrying(
        retry=retry_if_exception(_retryable),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=backoff, min=backoff, max=30),
        reraise=True,
    )


def webhook_format(url: str, chosen: str | None) -> str:
    """slack, teams or text: as chosen, else from the URL's host."""
    chosen = (chosen or "auto").strip().lower()
    if chosen not in FORMATS:
        raise ValueError(f"JUVONNO_DQ_WEBHOOK_FORMAT must be one of {', '.join(FORMATS)}")
    if chosen != "auto":
        return chosen
    host = httpx.URL(url).host.lower()
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith(
        (
            ".logic.azure.com",
            ".powerplatform.com",
            ".webhook.office.com",
            ".environment.api.powerplatform.com",
        )
    ):
        return "teams"
    return "text"


def send_all(
    summary: Mapping[str, Any],
    report_path: str | None,
    log: Callable[[str], None],
    env: Mapping[str, str] | None = None,
) -> dict[str, bool]:
    """Send every configured notification; returns {channel: delivered}."""
    env = os.environ if env is None else env
    subject, text = message(summary, report_path)
    return _deliver(
        env,
        lambda kind: fmt.payload(kind, summary, report_path),
        subject,
        text,
        log,
        "notification",
    )


def send_text(
    subject: str, text: str, log: Callable[[str], None], env: Mapping[str, str] | None = None
) -> dict[str, bool]:
    """Send a short alert (e.g. check-export's) to every configured channel."""
    env = os.environ if env is None else env
    return _deliver(
        env, lambda kind: fmt.text_payload(kind, subject, text), subject, text, log, "alert"
    )


def _deliver(
    env: Mapping[str, str],
    webhook_payload: Callable[[str], Mapping[str, Any]],
    subject: str,
    text: str,
    log: Callable[[str], None],
    noun: str,
) -> dict[str, bool]:
    """Each configured channel once, with retries; a failure is logged, never raised."""
    timeout = float(env.get(ENV + "NOTIFY_TIMEOUT", "10") or 10)
    sent: dict[str, bool] = {}
    url = env.get(ENV + "WEBHOOK_URL")
    if url:
        try:
            kind = webhook_format(url, env.get(ENV + "WEBHOOK_FORMAT"))
            payload = webhook_payload(kind)
            for attempt in _retrying(env):
                with attempt:
                    post_webhook(url, payload, timeout)
            sent["webhook"] = True
            log(f"{noun} sent to the webhook ({kind})")
        except Exception as exc:  # noqa: BLE001 - never fail the run
            sent["webhook"] = False
            log(f"webhook {noun} failed: {type(exc).__name__}: {_short(exc)}")
    if env.get(ENV + "SMTP_HOST"):
        try:
            for attempt in _retrying(env):
                with attempt:
                    send_mail(env, subject, text, timeout)
            sent["email"] = True
            log(f"{noun} e-mail sent")
        except Exception as exc:  # noqa: BLE001 - never fail the run
            sent["email"] = False
            log(f"e-mail {noun} failed: {type(exc).__name__}: {_short(exc)}")
    return sent


def post_webhook(url: str, payload: Mapping[str, Any], timeout: float) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("JUVONNO_DQ_WEBHOOK_URL must be an http(s) URL")
    response = httpx.post(url, json=payload, timeout=timeout, follow_redirects=False)
    if response.status_code == 429 or response.status_code >= 500:
        raise RetryableHTTPError(f"HTTP {response.status_code}")
    if response.status_code >= 300:
        raise OSError(f"HTTP {response.status_code}")


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
