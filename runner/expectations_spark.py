"""Great Expectations on Spark: the same suites as runner/expectations.py, run on
the build's tables as Spark DataFrames of the runner's own session.

Why in process (the SQL path runs GX in a child process): the Derby metastore of
a local session admits one process, so a child could not open the build's tables.
The suites are the committed JSON ones; the raw suites' type lists name DuckDB's
and PostgreSQL's types, so the Spark type of each is added (GX on Spark compares
pyspark type classes). Results, reconciliation and Data Docs are the SQL path's
(`runner.expectations.outcome_of`): counts only, never a value.
"""

from __future__ import annotations

import copy
import time
import warnings
from pathlib import Path
from typing import Any

from runner.expectations import (
    DATA_DOCS_DIR,
    RESULT_FORMAT,
    GxOutcome,
    _build_suite,
    _make_context,
    _suite_kind,
    outcome_of,
    quiet_gx,
)
from runner.gx.rendering import gx_run_id
from runner.gx.suites import EXPECTATIONS_DIR, load_suites

# SQL type names in the suites -> the pyspark.sql.types class GX checks on Spark.
SPARK_TYPES = {
    "BIGINT": "LongType",
    "INT8": "LongType",
    "INTEGER": "IntegerType",
    "DATE": "DateType",
    "TIMESTAMP": "TimestampType",
    "VARCHAR": "StringType",
    "TEXT": "StringType",
    "BOOLEAN": "BooleanType",
}


def for_spark(suite: dict[str, Any]) -> dict[str, Any]:
    """The suite with each type list extended by the Spark types of its SQL types."""
    suite = copy.deepcopy(suite)
    for e in suite["expectations"]:
        if e["type"] == "expect_column_values_to_be_in_type_list":
            types = list(e["kwargs"]["type_list"])
            e["kwargs"]["type_list"] = types + sorted(
                {SPARK_TYPES[t] for t in types if t in SPARK_TYPES} - set(types)
            )
    return suite


def run_expectations_spark(
    spark: Any,
    run_dir: Path,
    dbt_rule_hits: dict[str, int],
    *,
    schema_prefix: str = "juvonno",
    expectations_dir: Path = EXPECTATIONS_DIR,
    build_docs: bool = True,
    run_name: str | None = None,
    shared_assets: str | None = None,
) -> GxOutcome:
    """Validate every suite against `<schema_prefix>_<schema>.<table>` in `spark`."""
    started = time.monotonic()
    quiet_gx()
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    import great_expectations as gx

    data_docs_dir = (
        Path(run_dir).resolve() / DATA_DOCS_DIR
    )  # GX wants it absolute (a relative --out)
    context = _make_context(data_docs_dir)
    datasource = context.data_sources.add_spark(name="warehouse")
    validations = []
    kinds: dict[str, str] = {}
    run_id = gx_run_id(run_name)  # one for all suites, as a checkpoint run gives
    for suite in (for_spark(s) for s in load_suites(expectations_dir)):
        target = suite["meta"]["juvonno_dq"]
        table = f"{schema_prefix}_{target['schema']}.{target['table']}"
        asset = datasource.add_dataframe_asset(name=suite["name"])
        batch = asset.add_batch_definition_whole_dataframe(f"{suite['name']}:whole")
        gx_suite = context.suites.add(_build_suite(suite))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite["name"], data=batch, suite=gx_suite)
        )
        frame = spark.table(table)
        validations.append(
            definition.run(
                batch_parameters={"dataframe": frame},
                result_format=RESULT_FORMAT,
                run_id=run_id,
            )
        )
        kinds[suite["name"]] = _suite_kind(suite)
    return outcome_of(
        validations,
        kinds,
        dbt_rule_hits,
        context,
        data_docs_dir,
        build_docs,
        started,
        shared_assets=shared_assets,
    )
