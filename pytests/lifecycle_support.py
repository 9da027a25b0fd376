"""Helpers for the lifecycle tests (no tests here): a private copy of the dbt
project with its own seeds/sop_exceptions.csv (a test never edits the repo's
seed), and readers for the published lifecycle files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from pytests.conftest import REPO

PROJECT_PARTS = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "models",
    "seeds",
    "snapshots",
    "macros",
    "tests",
    "analyses",
)
EXCEPTION_HEADER = "customer_id,rule_id,reason,agreed_by,agreed_on,expires_on\n"


def project_with_exceptions(dest: Path, rows: list[str]) -> Path:
    """A copy of the dbt project whose sop_exceptions seed holds `rows` (CSV lines)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(
                src, dest / part, ignore=shutil.ignore_patterns("target", "logs", "__pycache__")
            )
        elif src.is_file():
            shutil.copy2(src, dest / part)
    (dest / "seeds" / "sop_exceptions.csv").write_text(
        EXCEPTION_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8"
    )
    return dest


def table_rows(html: str, table_id: str) -> list[str]:
    """The text of each body row of <table id=table_id> (tags stripped)."""
    m = re.search(rf'<table id="{re.escape(table_id)}">(.*?)</table>', html, re.S)
    assert m, f"no table {table_id} in the report"
    body = re.search(r"<tbody>(.*?)</tbody>", m.group(1), re.S)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1) if body else "", re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows]


def worklist_data(html: str) -> list[dict]:
    """The rows the report's worklist grid is built from."""
    m = re.search(r'<script type="application/json" id="worklist-data">(.*?)</script>', html, re.S)
    assert m, "no worklist data in the report"
    return json.loads(m.group(1))
