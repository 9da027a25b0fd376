"""report.html's strict Content-Security-Policy allows exactly the page's own scripts
(their hashes come from the templates, not from the rendered page)."""

from __future__ import annotations

import re

from pytests.test_report import _ctx
from runner.publish import csp, report


def _policy(html: str) -> str:
    (policy,) = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    return policy


def test_report_policy_lists_every_inline_script_and_nothing_else() -> None:
    html = report.render(_ctx())
    policy = _policy(html)
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert (
        "'unsafe-inline'" not in script_src
        and "'unsafe-eval'" not in script_src
        and "file:" not in script_src
    )
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert inline and {csp.source_hash(code) for code in inline} == set(script_src.split()[1:])


def test_markup_in_the_data_cannot_add_a_script() -> None:
    ctx = _ctx()
    ctx["summary"]["notices"] = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
    html = report.render(ctx)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    script_src = next(d for d in _policy(html).split("; ") if d.startswith("script-src"))
    assert csp.source_hash("alert(1)") not in script_src


def test_data_docs_policy_allows_own_files_and_hashed_inline_code_only() -> None:
    page = '<html><head><title>t</title></head><body><button onclick="go()">x</button><script>var a = 1;</script></body></html>'
    hardened = csp.harden_page(page)
    policy = _policy(hardened)
    assert "default-src 'none'" in policy and "connect-src 'none'" in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert csp.source_hash("var a = 1;") in script_src and csp.source_hash("go()") in script_src
    assert "'unsafe-inline'" not in script_src
    assert csp.harden_page(hardened).count("Content-Security-Policy") == 1  # idempotent
