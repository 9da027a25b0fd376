"""SparkWarehouse's pure parts (no Java, no session): names, the build's names of
relations (layer, name), the GX type lists. The Spark runs themselves are in
test_spark_parity.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.expectations_spark import for_spark
from runner.gx.suites import load_suites
from runner.warehouse import WarehouseError, open_warehouse
from runner.warehouse.spark import SparkWarehouse, run_token


def test_the_spark_target_opens_a_spark_warehouse(tmp_path: Path) -> None:
    wh = open_warehouse("spark", tmp_path)
    assert isinstance(wh, SparkWarehouse)
    assert wh.target == "spark"


def test_a_prefix_must_be_a_plain_name(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="JUVONNO_DQ_SPARK_SCHEMA"):
        SparkWarehouse(tmp_path, environ={"JUVONNO_DQ_SPARK_SCHEMA": "juvonno; drop"})


def test_run_databases_are_named_after_the_run() -> None:
    assert run_token("20261201T083000Z-abc123") == "r20261201t083000z_abc123"


def test_relations_are_named_in_the_build(tmp_path: Path) -> None:
    """What reads the build asks for (layer, name); no SQL text is rewritten."""
    wh = SparkWarehouse(tmp_path, environ={"JUVONNO_DQ_SPARK_SCHEMA": "svc"})
    wh.build = "svc_r20261201t083000z_abc123"
    assert (
        wh.relation("sop", "sop_violations")
        == "`svc_r20261201t083000z_abc123_sop`.`sop_violations`"
    )
    assert wh.relation("seeds", "sop_rules") == "`svc_r20261201t083000z_abc123_seeds`.`sop_rules`"


def test_a_relation_before_the_build_is_an_error(tmp_path: Path) -> None:
    wh = SparkWarehouse(tmp_path, environ={"JUVONNO_DQ_SPARK_SCHEMA": "svc"})
    with pytest.raises(WarehouseError, match="prepare_build"):
        wh.relation("sop", "sop_violations")


def test_raw_type_lists_gain_the_spark_types() -> None:
    suites = {s["name"]: for_spark(s) for s in load_suites()}
    types = {
        e["kwargs"]["column"]: e["kwargs"]["type_list"]
        for e in suites["raw.customers"]["expectations"]
        if e["type"] == "expect_column_values_to_be_in_type_list"
    }
    assert "LongType" in types["id"] and "BIGINT" in types["id"]
    assert "DateType" in types["date_of_birth"]  # contract type date
    assert "StringType" in types["created"]  # datetime: the text as written
    assert all("StringType" in t for t in types.values() if "VARCHAR" in t)
