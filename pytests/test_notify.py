"""Notifications against real servers on loopback: an HTTP webhook (http.server)
and a tiny SMTP server (socketserver). They carry counts, never personal data,
and a dead endpoint never fails the run."""

from __future__ import annotations

import json
import shutil
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from pytests.test_run_support import SAMPLE_EXPORT, pii_values, read_csv, run_cli
from runner.publish import notify


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(
            {"path": self.path, "type": self.headers["Content-Type"], "body": json.loads(body)}
        )
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        server: _SMTPServer = self.server  # type: ignore[assignment]
        self.wfile.write(b"220 localhost test SMTP\r\n")
        mail: dict = {"rcpt": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode().strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-localhost\r\n250 8BITMIME\r\n")
            elif verb == "MAIL":
                mail["from"] = cmd
                self.wfile.write(b"250 OK\r\n")
            elif verb == "RCPT":
                mail["rcpt"].append(cmd)
                self.wfile.write(b"250 OK\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                mail["data"] = data
                server.messages.append(dict(mail))
                mail = {"rcpt": []}
                self.wfile.write(b"250 OK queued\r\n")
            elif verb == "RSET":
                mail = {"rcpt": []}
                self.wfile.write(b"250 OK\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"502 not implemented\r\n")


class _SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[dict] = []


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Hook.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[_SMTPServer]:
    server = _SMTPServer()
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield server
    server.shutdown()
    server.server_close()


SUMMARY = {
    "run_id": "20261121T013000Z-abc123",
    "as_of": "2026-11-20",
    "outcome": "findings",
    "exit_code": 0,
    "rules": [
        {"rule_id": "SOP-01", "title": "No Group must be empty", "severity": "warn", "hits": 1},
        {"rule_id": "SOP-10", "title": "Triage for at most 7 days", "severity": "warn", "hits": 4},
        {
            "rule_id": "SOP-20",
            "title": "Discharged but engaged within 3 months",
            "severity": "warn",
            "hits": 0,
        },
    ],
    "dbt": {"errors": []},
    "gx": {"available": True, "suites": 8, "failed_suites": 0},
}


def _env(url: str | None, smtp: _SMTPServer | None) -> dict[str, str]:
    env = {}
    if url:
        env["JUVONNO_DQ_WEBHOOK_URL"] = url
    if smtp:
        env |= {
            "JUVONNO_DQ_SMTP_HOST": "127.0.0.1",
            "JUVONNO_DQ_SMTP_PORT": str(smtp.server_address[1]),
            "JUVONNO_DQ_SMTP_FROM": "dq@example.org",
            "JUVONNO_DQ_SMTP_TO": "team@example.org, lead@example.org",
        }
    return env


def test_webhook_and_email_carry_outcome_and_counts(webhook, smtp) -> None:
    url, received = webhook
    logs: list[str] = []
    sent = notify.send_all(SUMMARY, "/srv/dq/runs/x/report.html", logs.append, env=_env(url, smtp))
    assert sent == {"webhook": True, "email": True}
    assert len(received) == 1 and received[0]["type"] == "application/json"
    text = received[0]["body"]["text"]
    assert set(received[0]["body"]) == {"text"}
    assert (
        "findings" in text and "2026-11-20" in text and "SOP-10: 4" in text and "SOP-20" not in text
    )
    assert len(smtp.messages) == 1
    mail = message_from_bytes(smtp.messages[0]["data"])
    assert mail["Subject"].startswith("juvonno-dq findings (exit 0)")
    assert len(smtp.messages[0]["rcpt"]) == 2
    assert "SOP-10: 4" in mail.get_payload(decode=True).decode()


def test_unreachable_endpoints_are_logged_not_raised(smtp) -> None:
    port = smtp.server_address[1]
    smtp.shutdown()
    smtp.server_close()
    logs: list[str] = []
    env = _env("http://127.0.0.1:9/none", None) | {
        "JUVONNO_DQ_SMTP_HOST": "127.0.0.1",
        "JUVONNO_DQ_SMTP_PORT": str(port),
        "JUVONNO_DQ_SMTP_TO": "a@example.org",
        "JUVONNO_DQ_NOTIFY_TIMEOUT": "2",
        "JUVONNO_DQ_NOTIFY_BACKOFF": "0.01",  # retried, quickly
    }
    assert notify.send_all(SUMMARY, None, logs.append, env=env) == {
        "webhook": False,
        "email": False,
    }
    assert any("webhook notification failed" in line for line in logs)
    assert any("e-mail notification failed" in line for line in logs)


def test_nothing_configured_sends_nothing() -> None:
    assert notify.send_all(SUMMARY, None, lambda _m: None, env={}) == {}


def test_a_real_run_notifies_without_personal_data(webhook, smtp, tmp_path: Path) -> None:
    """A rejected run (no dbt, fast) goes through the pipeline's notification path."""
    url, received = webhook
    bad = tmp_path / "export"
    shutil.copytree(SAMPLE_EXPORT, bad, copy_function=shutil.copyfile)
    bad.chmod(0o700)
    (bad / "manifest.json").unlink()
    # a personal value that fails its type: the message must not carry it
    rows = read_csv(bad / "customers.csv")
    lines = (bad / "customers.csv").read_text().splitlines()
    dob = rows[0]["date_of_birth"]
    assert dob and dob in lines[1]
    lines[1] = lines[1].replace(dob, "31/12/2010", 1)
    (bad / "customers.csv").write_text("\n".join(lines) + "\n")
    done = run_cli(tmp_path / "out", export=bad, env=_env(url, smtp))
    assert done.code == 2, done.console
    assert len(received) == 1 and len(smtp.messages) == 1
    texts = [received[0]["body"]["text"], smtp.messages[0]["data"].decode()]
    assert "rejected" in texts[0]
    for text in texts:
        assert "31/12/2010" not in text
        assert not [v for v in pii_values() if v in text]
        assert not [r["id"] for r in rows if f" {r['id']}" in text]  # no customer ids either


# -- deltas, anomalies, formats and retries (monitoring) ---------------------------


class _Flaky(BaseHTTPRequestHandler):
    """Fails with `statuses` in turn, then answers 200; records every attempt."""

    statuses: ClassVar[list[int]] = []
    attempts: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).attempts.append(body)
        status = type(self).statuses.pop(0) if type(self).statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[tuple[str, type[_Flaky]]]:
    _Flaky.statuses, _Flaky.attempts = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/workflows/hook", _Flaky
    server.shutdown()
    server.server_close()


MONITORED = {
    **SUMMARY,
    "rules": [
        {**SUMMARY["rules"][0], "population": 50, "hit_pct": 2.0, "check_status": "fail", "delta": 1, "previous_hits": 0},
        {**SUMMARY["rules"][1], "population": 8, "hit_pct": 50.0, "check_status": "fail", "delta": 3, "previous_hits": 1},
        {**SUMMARY["rules"][2], "population": 0, "hit_pct": None, "check_status": "not_applicable", "delta": 0},
    ],
    "rule_status": {"pass": 0, "fail": 2, "not_applicable": 1},
    "previous": {"run_id": "r0", "as_of": "2026-11-19", "deltas": {"total_hits": 4, "rules_hit": 1}},
    "export": {"exported_at": "2026-11-20T23:30:00Z", "age_hours": 2.0},
    "anomalies": {"flagged": [
        {"kind": "rule", "key": "SOP-10", "value": 4, "direction": "up", "median": 1.0, "score": 6.1},
        {"kind": "file", "key": "appointments", "value": 12, "direction": "down", "median": 900.0, "score": -40.0},
    ]},
}  # fmt: skip
FAST = {"JUVONNO_DQ_NOTIFY_BACKOFF": "0.01", "JUVONNO_DQ_NOTIFY_ATTEMPTS": "4"}


def test_message_carries_deltas_populations_and_anomalies() -> None:
    _, text = notify.message(MONITORED, None)
    assert "Hits: 5 (+4 since the previous run)" in text
    assert "Rules hit: 2 of 3 (+1 since the previous run)" in text
    assert "SOP-10: 4 of 8 (50 %), +3  Triage for at most 7 days" in text
    assert "rule SOP-10: 4 (jump from a median of 1, score 6.1)" in text
    assert "file appointments: 12 (drop from a median of 900" in text
    assert "2 fail, 0 pass, 1 not applicable" in text
    assert "SOP-20" not in text  # no hits, no change


def test_webhook_retried_with_backoff_after_two_failures(flaky) -> None:
    url, server = flaky
    server.statuses = [503, 502]
    logs: list[str] = []
    assert notify.send_all(
        MONITORED, None, logs.append, env={"JUVONNO_DQ_WEBHOOK_URL": url, **FAST}
    ) == {"webhook": True}
    assert len(server.attempts) == 3 and server.attempts[0] == server.attempts[2]
    assert any("notification sent" in line for line in logs)


def test_webhook_gives_up_after_the_attempts_and_never_retries_a_4xx(flaky) -> None:
    url, server = flaky
    server.statuses = [500] * 10
    logs: list[str] = []
    env = {"JUVONNO_DQ_WEBHOOK_URL": url, **FAST, "JUVONNO_DQ_NOTIFY_ATTEMPTS": "3"}
    assert notify.send_all(MONITORED, None, logs.append, env=env) == {"webhook": False}
    assert len(server.attempts) == 3 and "HTTP 500" in logs[-1]
    server.statuses, server.attempts[:] = [400], []
    assert notify.send_all(MONITORED, None, logs.append, env=env) == {"webhook": False}
    assert len(server.attempts) == 1 and "HTTP 400" in logs[-1]


def test_teams_workflows_adaptive_card(flaky) -> None:
    url, server = flaky
    env = {"JUVONNO_DQ_WEBHOOK_URL": url, "JUVONNO_DQ_WEBHOOK_FORMAT": "teams", **FAST}
    assert notify.send_all(MONITORED, "/srv/report.html", lambda _m: None, env=env) == {
        "webhook": True
    }
    (body,) = server.attempts
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts["Hits"] == "5 (+4 since the previous run)"
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert any("SOP-10: 4 (jump" in t for t in texts)
    assert (
        notify.webhook_format(
            "https://prod-12.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke",
            None,
        )
        == "teams"
    )


def test_slack_block_kit(flaky) -> None:
    url, server = flaky
    env = {"JUVONNO_DQ_WEBHOOK_URL": url, "JUVONNO_DQ_WEBHOOK_FORMAT": "slack", **FAST}
    assert notify.send_all(MONITORED, None, lambda _m: None, env=env) == {"webhook": True}
    (body,) = server.attempts
    assert body["blocks"][0]["type"] == "header" and "findings" in body["blocks"][0]["text"]["text"]
    assert "Anomalies" in json.dumps(body["blocks"]) and body["text"].startswith(
        "juvonno-dq findings"
    )
    assert notify.webhook_format("https://hooks.slack.com/services/T/B/X", None) == "slack"
    assert notify.webhook_format("http://127.0.0.1:9/hook", "auto") == "text"
    logs: list[str] = []
    bad = {"JUVONNO_DQ_WEBHOOK_URL": url, "JUVONNO_DQ_WEBHOOK_FORMAT": "discord"}
    assert notify.send_all(MONITORED, None, logs.append, env=bad) == {"webhook": False}
    assert "JUVONNO_DQ_WEBHOOK_FORMAT must be one of" in logs[-1]


class _BusySMTPServer(_SMTPServer):
    """Answers the first `busy` connections with 421 (service not available)."""

    def __init__(self, busy: int) -> None:
        super().__init__()
        self.busy = busy
        self.connections = 0

    def finish_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        self.connections += 1
        if self.connections <= self.busy:
            request.sendall(b"421 localhost busy, try later\r\n")
            return
        super().finish_request(request, client_address)


def test_email_retried_after_two_busy_replies() -> None:
    server = _BusySMTPServer(busy=2)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        logs: list[str] = []
        env = _env(None, server) | FAST
        assert notify.send_all(MONITORED, None, logs.append, env=env) == {"email": True}
        assert server.connections == 3 and len(server.messages) == 1
        body = message_from_bytes(server.messages[0]["data"]).get_payload(decode=True).decode()
        assert "jump from a median" in body
    finally:
        server.shutdown()
        server.server_close()
