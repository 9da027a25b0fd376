"""Strict Content-Security-Policy for the pages a run publishes (report.html and the
GX Data Docs), as a `<meta http-equiv>` since the pages are opened from disk.

Scripts run only from the page's own static files and from inline blocks whose
SHA-256 is listed; nothing loads from the network; no plugins, forms, frames or
base-URI tricks. Export-derived text cannot reach these pages as markup in the
first place (autoescaped templates, header names made safe by
runner/export/headers.py); the policy is the second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_EVENT_HANDLER = re.compile(r"""\son[a-z]+="([^"]*)\"""")
_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', re.IGNORECASE)
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Inline scripts of the templates that are a vendored file, not static text: the
# template expression -> the file (rendered unescaped, byte for byte).
VENDORED_SCRIPTS = {"{{ table_library_js }}": "tabulator.min.js"}


def source_hash(code: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"
    )


def policy(
    script_hashes: list[str], handler_hashes: list[str] = (), *, local_files: bool = False
) -> str:  # type: ignore[assignment]
    """The policy text. local_files: the page loads its own scripts, styles, images and
    fonts from files beside it (Data Docs), else everything is inline (report.html)."""
    own = "'self' file:" if local_files else ""
    scripts = " ".join(sorted(set(script_hashes)))
    if handler_hashes:
        scripts += " 'unsafe-hashes' " + " ".join(sorted(set(handler_hashes)))
    parts = [
        "default-src 'none'",
        f"script-src {own} {scripts}".replace("  ", " ").strip(),
        f"style-src {own} 'unsafe-inline'".replace("  ", " "),
        f"img-src {own} data:".replace("  ", " "),
        f"font-src {own} data:".replace("  ", " "),
        "connect-src 'none'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return "; ".join(parts)


def meta(policy_text: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy_text}">'


def report_script_hashes() -> list[str]:
    """Hashes of the report templates' own inline scripts, taken from the templates
    (static text) and the vendored files they inline, never from a rendered page."""
    from runner.publish.report import _vendored

    hashes = []
    for template in sorted(TEMPLATES.glob("*.j2")):
        for code in _INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            if code.strip() in VENDORED_SCRIPTS:
                code = _vendored(VENDORED_SCRIPTS[code.strip()])
            elif "{{" in code or "{%" in code:
                raise ValueError(
                    f"{template.name}: an inline script with template code cannot have a fixed hash"
                )
            hashes.append(source_hash(code))
    from runner.publish.report_watch import vega_sources  # the trend charts' inlined Vega

    hashes += [source_hash(code) for code in vega_sources()]
    return hashes


def harden_report(html: str) -> str:
    """report.html with its policy replaced by the strict one."""
    tag = meta(policy(report_script_hashes()))
    html = _META.sub("", html, count=1)
    return _HEAD.sub(lambda m: m.group(0) + "\n" + tag, html, count=1)


def harden_page(html: str) -> str:
    """A Data Docs page with a strict policy: its own inline scripts and handlers by hash
    (GX's static page code; the pages hold no export value but safe column names)."""
    tag = meta(
        policy(
            [source_hash(code) for code in _INLINE_SCRIPT.findall(html)],
            [source_hash(code) for code in _EVENT_HANDLER.findall(html)],
            local_files=True,
        )
    )
    html = _META.sub("", html)
    return _HEAD.sub(lambda m: m.group(0) + "\n" + tag, html, count=1)
