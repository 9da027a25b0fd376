"""The dbt sources YAML says what runner/contract.py says about the raw tables
(runner/contract_sources.py derives it): names in order, data types,
descriptions, pii tags and meta. Pure file checks: no dbt."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner.contract import TABLES
from runner.contract_sources import source_tables

REPO = Path(__file__).resolve().parents[1]
SOURCES_FILES = {
    "juvonno": REPO / "models" / "staging" / "juvonno" / "_juvonno__sources.yml",
    "icbt": REPO / "models" / "staging" / "icbt" / "_icbt__sources.yml",
}
DOC_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.DOTALL)
DOC_REF = re.compile(r"""^\{\{\s*doc\(\s*["'](\w+)["']\s*\)\s*\}\}$""")


def doc_blocks() -> dict[str, str]:
    """The project's docs blocks, should a description become one."""
    blocks: dict[str, str] = {}
    for path in (REPO / "models").rglob("*.md"):
        for name, text in DOC_BLOCK.findall(path.read_text(encoding="utf-8")):
            blocks[name] = text
    return blocks


def rendered(description: str, blocks: dict[str, str]) -> str:
    text = description.strip()
    m = DOC_REF.match(text)
    return " ".join((blocks[m.group(1)] if m else text).split())


def yaml_tables(source: str) -> list[dict[str, Any]]:
    doc = yaml.safe_load(SOURCES_FILES[source].read_text(encoding="utf-8"))
    (entry,) = [s for s in doc["sources"] if s["name"] == source]
    assert entry["schema"] == "{{ target.schema }}_raw"
    blocks = doc_blocks()
    tables = entry["tables"]
    for table in tables:
        table["description"] = rendered(table["description"], blocks)
        for column in table["columns"]:
            column["description"] = rendered(column["description"], blocks)
    return tables


@pytest.mark.parametrize("source", sorted(SOURCES_FILES))
def test_sources_yaml_equals_what_the_contract_generates(source: str) -> None:
    assert yaml_tables(source) == source_tables(source)


def test_every_contract_table_is_a_source() -> None:
    names = [t["name"] for source in SOURCES_FILES for t in source_tables(source)]
    assert sorted(names) == sorted(TABLES)


def test_the_comparison_sees_a_difference() -> None:
    """A column's type or pii flag changed in the YAML alone is caught."""
    tables = yaml_tables("juvonno")
    customers = next(t for t in tables if t["name"] == "customers")
    email = next(c for c in customers["columns"] if c["name"] == "email")
    email.pop("config")
    assert tables != source_tables("juvonno")


def test_a_description_in_a_docs_block_compares_as_its_text() -> None:
    blocks = {"personal_data": "\nPersonal data.\n"}
    assert rendered("{{ doc('personal_data') }}", blocks) == "Personal data."
    assert rendered('{{ doc("personal_data") }}\n', blocks) == "Personal data."
    assert rendered("Personal  data.\n", blocks) == "Personal data."
