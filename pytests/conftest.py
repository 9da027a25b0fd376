"""Shared fixtures. Tests that need a tool the machine lacks (Chromium, a
PostgreSQL server) skip locally with the reason, and fail under CI (CI=true),
where .ci/run installs them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pytests.postgres_fixture import pg_env, pg_schema, postgres_server  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SHARED_SPEC = (REPO.parent / "shared" / "spec").resolve()
SAMPLE_EXPORT = SHARED_SPEC / "sample-export"
CHROMIUM = os.environ.get("JUVONNO_DQ_CHROMIUM", "/usr/bin/chromium")

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")


def require(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing, except in CI where it is a failure."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sample_export() -> Path:
    require(SAMPLE_EXPORT.is_dir(), f"the shared sample export is not at {SAMPLE_EXPORT}")
    return SAMPLE_EXPORT


@pytest.fixture
def offline_page(tmp_path: Path):
    """A Playwright page in Debian's headless Chromium with all networking off."""
    require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(offline=True)
        # Any request leaving file:// is refused and remembered, so a test can assert none happened.
        context.external_requests = []  # type: ignore[attr-defined]

        def _refuse(route) -> None:  # type: ignore[no-untyped-def]
            if not route.request.url.startswith(("file:", "data:", "about:")):
                context.external_requests.append(route.request.url)  # type: ignore[attr-defined]
                route.abort()
            else:
                route.continue_()

        context.route("**/*", _refuse)
        page = context.new_page()
        page.console_errors = []  # type: ignore[attr-defined]
        page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.console_errors.append(str(e)))  # type: ignore[attr-defined]
        yield page
        browser.close()


ARTIFACTS = Path(os.environ.get("JUVONNO_DQ_TEST_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def which(tool: str) -> str | None:
    return shutil.which(tool)
