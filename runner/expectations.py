"""Great Expectations: validate the build with the suites in expectations/, reconcile
the SOP expectations with dbt's rule hits, and build offline Data Docs.

    outcome = run_expectations(warehouse.sqlalchemy_url(), run_dir, dbt_rule_hits)

- Context: an *ephemeral* GX context (in-memory stores, nothing written but the Data
  Docs), built fresh for each run from the JSON suites. Nothing to keep in sync on
  disk, no `gx/` folder, no state shared between runs or instances.
- Data source: GX's SQL data source on the URL the warehouse gives (DuckDB through
  duckdb-engine by default; PostgreSQL through its URL). The DuckDB workarounds are
  in runner/gx/fixes.py.
- Results: `result_format` BASIC with `partial_unexpected_count: 0` for every suite:
  counts only, never a value of any column (raw customers/staff hold personal data).
  UnexpectedRowsExpectation returns only its row count at BASIC.
- Reconciliation: for every rule with a dbt count (dbt_rule_hits: rule id -> rows of
  the rule model) and an SOP expectation (meta.rule_id), the number of customers GX
  finds unexpected must equal dbt's. The SOP suites run on patient_group_audit, one
  row per customer (the marts suite checks customer_id is unique), so GX's unexpected
  row count is a count of distinct customers.
- `success` is False when a raw or mart suite fails, an expectation errored, or a
  rule mismatches. A failed SOP expectation is a rule hit (severity warn), not a
  failure: the runner reports hits from dbt.

`great_expectations` is imported inside the functions only (it costs ~5 s).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from runner.gx.rendering import build_suite as _build_suite
from runner.gx.rendering import gx_run_id
from runner.gx.suites import EXPECTATIONS_DIR, load_suites

log = logging.getLogger(__name__)

# Counts only: no unexpected values, no unexpected rows, no index lists.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "BASIC",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
}
DATA_DOCS_DIR = "data-docs"
SITE_NAME = "juvonno_dq"


@dataclass(frozen=True)
class SuiteOutcome:
    name: str
    kind: str  # raw, marts, sop
    evaluated: int
    successful: int
    failed: int
    errored: int  # expectations GX could not evaluate (counted in failed too)


@dataclass(frozen=True)
class RuleExpectationOutcome:
    rule_id: str
    suite: str
    expectation_type: str
    unexpected_customers: int | None  # None when the expectation errored
    success: bool


@dataclass(frozen=True)
class Mismatch:
    rule_id: str
    gx_count: int | None  # None: the GX expectation could not be evaluated
    dbt_count: int


@dataclass(frozen=True)
class GxOutcome:
    suites: list[SuiteOutcome]
    rules: list[RuleExpectationOutcome]
    mismatches: list[Mismatch]
    success: bool
    reconciled_rules: list[str] = field(default_factory=list)  # rules with both counts
    rules_without_gx: list[str] = field(default_factory=list)  # dbt counted, no GX expectation
    errors: list[str] = field(default_factory=list)  # messages, no data values
    data_docs_index: str | None = None  # relative to run_dir
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able counts for summary.json."""
        return asdict(self)


def _suite_kind(suite: dict[str, Any]) -> str:
    return str(suite.get("meta", {}).get("juvonno_dq", {}).get("kind", "other"))


def _unexpected_count(result: Any) -> int | None:
    """Rows GX found unexpected: a column (pair) map's unexpected_count, or the row
    count of an UnexpectedRowsExpectation's query (its observed_value)."""
    if result.exception_info and result.exception_info.get("raised_exception"):
        return None
    body = result.result or {}
    if "unexpected_count" in body:
        # None when the row_condition leaves no rows (element_count 0): nothing unexpected
        return int(body["unexpected_count"] or 0)
    if result.expectation_config.type == "unexpected_rows_expectation":
        return int(body.get("observed_value", 0))
    return None


def _errored(result: Any) -> bool:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return True
    # GX keys exception_info by metric id when several metrics fail
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _make_context(data_docs_dir: Path):  # type: ignore[no-untyped-def]
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "show_cta_footer": False,
                },
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def run_expectations(
    sqlalchemy_url: str,
    run_dir: Path,
    dbt_rule_hits: dict[str, int],
    *,
    schema_prefix: str = "juvonno",
    expectations_dir: Path = EXPECTATIONS_DIR,
    build_docs: bool = True,
    run_name: str | None = None,
    shared_assets: str | None = None,
) -> GxOutcome:
    """Validate every suite of expectations_dir against the warehouse at sqlalchemy_url.

    schema_prefix is the dbt target's schema (suites name the suffix: raw, sop, ...).
    Data Docs go to run_dir/data-docs/ (index.html), viewable offline; run_name is
    their run name (the runner's run id); shared_assets a folder their static files
    are shared in (runner/gx/docs.py), else they are copied into the site.
    """
    prepared = prepare_expectations(run_dir, expectations_dir)
    return run_prepared(
        prepared,
        sqlalchemy_url,
        dbt_rule_hits,
        schema_prefix=schema_prefix,
        build_docs=build_docs,
        run_name=run_name,
        shared_assets=shared_assets,
    )


@dataclass
class Prepared:
    """GX imported, its context and suites built: everything but the database."""

    context: Any
    suites: list[dict[str, Any]]
    gx_suites: dict[str, Any]
    data_docs_dir: Path


def quiet_gx() -> None:
    """No analytics; GX's own logging at warnings and up (any data source)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GX logs hundreds of INFO lines about itself (docs decorators, metrics): warnings
    # and up only. It also warns "No sqlalchemy dialect found" once per type
    # expectation on DuckDB (it then compares SQLAlchemy's generic types, as wanted).
    gx_logger = logging.getLogger("great_expectations")
    if gx_logger.level == logging.NOTSET:
        gx_logger.setLevel(logging.WARNING)
    logging.getLogger("great_expectations.expectations.type_comparison").setLevel(logging.ERROR)


def prepare_expectations(run_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR) -> Prepared:
    """The slow part that needs no database (the import, ~5 s; context and suites):
    the runner does it in a child process while dbt still holds the build file."""
    suites = load_suites(expectations_dir)
    data_docs_dir = Path(run_dir) / DATA_DOCS_DIR

    quiet_gx()
    import great_expectations  # noqa: F401 - the import is the cost being moved

    from runner.gx.fixes import apply_gx_fixes

    # One data source serves several schemas (raw, sop): the table asset's schema_name
    # is the way, deprecated or not.
    warnings.filterwarnings(
        "ignore", message="`schema_name` is deprecated", category=DeprecationWarning
    )
    # The generic SQL data source is deliberate: one code path for DuckDB and PostgreSQL.
    warnings.filterwarnings("ignore", message="You are using a generic SQLDatasource")
    context = _make_context(data_docs_dir)
    apply_gx_fixes()
    gx_suites = {suite["name"]: context.suites.add(_build_suite(suite)) for suite in suites}
    return Prepared(
        context=context, suites=suites, gx_suites=gx_suites, data_docs_dir=data_docs_dir
    )


def run_prepared(
    prepared: Prepared,
    sqlalchemy_url: str,
    dbt_rule_hits: dict[str, int],
    *,
    schema_prefix: str = "juvonno",
    build_docs: bool = True,
    run_name: str | None = None,
    shared_assets: str | None = None,
) -> GxOutcome:
    """Connect, validate every suite, reconcile with dbt's rule hits, build the Data Docs."""
    import great_expectations as gx

    started = time.monotonic()
    context, suites, data_docs_dir = prepared.context, prepared.suites, prepared.data_docs_dir
    datasource = context.data_sources.add_sql(name="warehouse", connection_string=sqlalchemy_url)

    definitions = []
    kinds: dict[str, str] = {}
    for suite in suites:
        target = suite["meta"]["juvonno_dq"]
        schema = f"{schema_prefix}_{target['schema']}"
        asset_name = f"{schema}.{target['table']}"
        try:
            asset = datasource.get_asset(asset_name)
        except LookupError:
            asset = datasource.add_table_asset(
                name=asset_name, table_name=target["table"], schema_name=schema
            )
        batch = asset.add_batch_definition_whole_table(f"{suite['name']}:whole")
        gx_suite = prepared.gx_suites[suite["name"]]
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=suite["name"], data=batch, suite=gx_suite)
            )
        )
        kinds[suite["name"]] = _suite_kind(suite)

    # No UpdateDataDocsAction: it rebuilds the whole site after every validation
    # definition; the site is built once below.
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="juvonno_dq",
            validation_definitions=definitions,
            actions=[],
            result_format=RESULT_FORMAT,
        )
    )
    try:
        result = checkpoint.run(run_id=gx_run_id(run_name))
    finally:
        _dispose(datasource)

    return outcome_of(
        list(result.run_results.values()),
        kinds,
        dbt_rule_hits,
        context,
        data_docs_dir,
        build_docs,
        started,
        shared_assets=shared_assets,
    )


def outcome_of(
    validations: list[Any],
    kinds: dict[str, str],
    dbt_rule_hits: dict[str, int],
    context: Any,
    data_docs_dir: Path,
    build_docs: bool,
    started: float,
    *,
    shared_assets: str | None = None,
) -> GxOutcome:
    """The GxOutcome of suite validation results (any data source), Data Docs built."""
    suite_outcomes: list[SuiteOutcome] = []
    rules: list[RuleExpectationOutcome] = []
    errors: list[str] = []
    for validation in validations:
        name = validation.suite_name
        evaluated = len(validation.results)
        successful = sum(1 for r in validation.results if r.success)
        errored = 0
        for r in validation.results:
            rule_id = (r.expectation_config.meta or {}).get("rule_id")
            if _errored(r):
                errored += 1
                where = f" rule {rule_id}" if rule_id else ""
                errors.append(f"{name}:{where} {r.expectation_config.type} could not be evaluated")
            if rule_id:
                rules.append(
                    RuleExpectationOutcome(
                        rule_id=rule_id,
                        suite=name,
                        expectation_type=r.expectation_config.type,
                        unexpected_customers=None if _errored(r) else _unexpected_count(r),
                        success=bool(r.success),
                    )
                )
        suite_outcomes.append(
            SuiteOutcome(
                name=name,
                kind=kinds.get(name, "other"),
                evaluated=evaluated,
                successful=successful,
                failed=evaluated - successful,
                errored=errored,
            )
        )
    suite_outcomes.sort(key=lambda s: s.name)

    mismatches, reconciled, without_gx = reconcile(rules, dbt_rule_hits)

    index = None
    if build_docs:
        from runner.gx.docs import make_offline
        from runner.gx.rendering import fix_meta_properties_rendering

        fix_meta_properties_rendering()  # the Rule and Title columns of the SOP validation page
        context.build_data_docs(site_names=[SITE_NAME])
        make_offline(data_docs_dir, Path(shared_assets) if shared_assets else None)
        index = f"{DATA_DOCS_DIR}/index.html"

    structural_ok = all(s.failed == 0 for s in suite_outcomes if s.kind != "sop")
    success = structural_ok and not errors and not mismatches
    outcome = GxOutcome(
        suites=suite_outcomes,
        rules=rules,
        mismatches=mismatches,
        success=success,
        reconciled_rules=reconciled,
        rules_without_gx=without_gx,
        errors=errors,
        data_docs_index=index,
        seconds=round(time.monotonic() - started, 2),
    )
    log.info(
        "GX: %d suites, %d expectations, %d failed, %d errored, %d rule mismatches, %.1f s",
        len(suite_outcomes),
        sum(s.evaluated for s in suite_outcomes),
        sum(s.failed for s in suite_outcomes),
        len(errors),
        len(mismatches),
        outcome.seconds,
    )
    return outcome


def _dispose(datasource: Any) -> None:
    """Close GX's pooled connections: a DuckDB file must not stay open after us."""
    try:
        datasource.get_engine().dispose()
    except Exception:  # best effort; the runner's GX process ends anyway
        log.debug("could not dispose of GX's engine", exc_info=True)


def reconcile(
    rules: list[RuleExpectationOutcome], dbt_rule_hits: dict[str, int]
) -> tuple[list[Mismatch], list[str], list[str]]:
    """(mismatches, reconciled rule ids, dbt rules without a GX expectation).

    A rule with several SOP expectations (none today) is reconciled on each."""
    mismatches: list[Mismatch] = []
    reconciled: list[str] = []
    gx_rules = {r.rule_id for r in rules}
    for r in rules:
        if r.rule_id not in dbt_rule_hits:
            continue
        dbt_count = int(dbt_rule_hits[r.rule_id])
        if r.rule_id not in reconciled:
            reconciled.append(r.rule_id)
        if r.unexpected_customers != dbt_count:
            mismatches.append(
                Mismatch(rule_id=r.rule_id, gx_count=r.unexpected_customers, dbt_count=dbt_count)
            )
    without_gx = sorted(set(dbt_rule_hits) - gx_rules)
    return mismatches, reconciled, without_gx
