"""One in-process `dbt build` (seeds, snapshots, models, tests), results as plain data.

The project and profiles directory is the repository root (overridable by
JUVONNO_DQ_PROJECT_DIR). dbt's target and log paths are private to the instance:
`OUT/.dbt/target` (kept between runs for partial parsing) and the run folder (for
`dbt.log`). dbt writes nothing to the console: its events go to its log file and
to our progress callback.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import runner
from runner.progress import one_line

ERROR_STATUSES = {"error", "runtime error"}
AS_OF_ENV = "JUVONNO_DQ_AS_OF_DATE"  # read by the as_of_date() macro
RUN_ID_ENV = "JUVONNO_DQ_RUN_ID"  # read by the run_id() macro
STRUCTURE_TEST_PREFIX = "structure_"  # tests/structure/: the column tests, grouped per layer


def project_dir() -> Path:
    override = os.environ.get("JUVONNO_DQ_PROJECT_DIR")
    return Path(override) if override else Path(runner.__file__).resolve().parents[1]


class DbtCannotRun(Exception):
    """dbt could not start (bad project, profile, adapter): exit code 3."""


@dataclass(frozen=True)
class NodeResult:
    unique_id: str
    name: str
    resource_type: str  # model, seed, snapshot, test, ...
    status: str  # success, error, skipped, pass, fail, warn, ...
    failures: int | None
    severity: str | None  # tests only: warn or error
    rule_id: str | None  # meta.rule_id of a rule test
    message: str | None = None
    execution_time: float = 0.0
    relation_name: str | None = None  # a test's stored failures (store_failures), if any

    @property
    def is_error(self) -> bool:
        """A failure that makes the run exit 1: a node error, or an error-severity test failing."""
        if self.status in ERROR_STATUSES:
            return True
        return self.resource_type in {"test", "unit_test"} and self.status == "fail"


@dataclass
class DbtOutcome:
    success: bool
    nodes: list[NodeResult] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def errors(self) -> list[NodeResult]:
        return [n for n in self.nodes if n.is_error]

    @property
    def not_built(self) -> list[NodeResult]:
        """Models, seeds or snapshots that failed or were skipped: the marts cannot be trusted."""
        return [
            n
            for n in self.nodes
            if n.resource_type in {"model", "seed", "snapshot"}
            and (n.status in ERROR_STATUSES or n.status == "skipped")
        ]

    def counts(self) -> dict[str, dict[str, int]]:
        """{resource_type: {status: n}}, for summary.json."""
        out: dict[str, dict[str, int]] = {}
        for n in self.nodes:
            by_status = out.setdefault(n.resource_type, {})
            by_status[n.status] = by_status.get(n.status, 0) + 1
        return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


@contextmanager
def _environ(extra: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build(
    *,
    target: str,
    as_of: str,
    run_id: str,
    target_path: Path,
    log_path: Path,
    env: Mapping[str, str],
    on_event: Callable[[str, str, str], None] | None = None,
    selector: str = "nightly",
) -> DbtOutcome:
    """`dbt build --selector SELECTOR` once (selectors.yml; the run's is `nightly`);
    on_event(kind, unique_id, status) for NodeStart/NodeFinished."""
    from dbt.cli.main import dbtRunner

    proj = project_dir()
    target_path.mkdir(parents=True, exist_ok=True)
    log_path.mkdir(parents=True, exist_ok=True)

    def _callback(msg: Any) -> None:
        if on_event is None:
            return
        name = msg.info.name
        if name in ("NodeStart", "NodeFinished"):
            info = msg.data.node_info
            on_event(name, info.unique_id, info.node_status)

    args = [
        "build",
        # selectors.yml's nightly: everything but the unit tests (they check our
        # SQL, not the night's data, and run in CI, as dbt advises) and the per-column
        # structural tests, which run grouped (tests/structure/, docs/notes/perf.md).
        "--selector", selector,
        "--project-dir", str(proj),
        "--profiles-dir", str(proj),
        "--target", target,
        "--target-path", str(target_path),
        "--log-path", str(log_path),
        "--log-level", "none",  # console: nothing
        "--log-level-file", "info",
        "--log-format-file", "text",
        "--no-use-colors",
        "--no-use-colors-file",
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
    ]  # fmt: skip
    # The as-of date and run id go by environment, not --vars: a changed --vars makes
    # dbt re-parse the whole project (~1.5 s); a changed env var re-parses only the
    # files that read it (macros/as_of_date.sql, macros/run_id.sql).
    run_env = {**env, AS_OF_ENV: as_of, RUN_ID_ENV: run_id}
    with _environ(run_env):
        try:
            res = dbtRunner(callbacks=[_callback]).invoke(args)
        finally:
            _close_connections()
    if res.exception is not None and res.result is None:
        raise DbtCannotRun(one_line(str(res.exception)))
    results = getattr(res.result, "results", None)
    if results is None:
        raise DbtCannotRun(
            "dbt build returned no results"
            + (f": {one_line(str(res.exception))}" if res.exception else "")
        )
    nodes = [_node(r) for r in results]
    return DbtOutcome(
        success=bool(res.success),
        nodes=nodes,
        elapsed=float(getattr(res.result, "elapsed_time", 0) or 0),
    )


def _node(r: Any) -> NodeResult:
    node = r.node
    config = getattr(node, "config", None)
    meta = dict(getattr(config, "meta", None) or {}) | dict(getattr(node, "meta", None) or {})
    rtype = str(getattr(node, "resource_type", ""))
    rtype = rtype.split(".")[-1].lower()
    severity = getattr(config, "severity", None) if rtype in {"test", "unit_test"} else None
    status = str(getattr(r.status, "value", r.status))
    failures = getattr(r, "failures", None)
    return NodeResult(
        unique_id=node.unique_id,
        name=node.name,
        resource_type=rtype,
        status=status,
        failures=int(failures) if failures is not None else None,
        severity=str(severity).lower() if severity else None,
        rule_id=str(meta["rule_id"]) if meta.get("rule_id") else None,
        message=one_line(r.message) if status in ERROR_STATUSES and r.message else None,
        execution_time=float(getattr(r, "execution_time", 0) or 0),
        relation_name=getattr(node, "relation_name", None) if rtype == "test" else None,
    )


def explain_structure_failures(
    outcome: DbtOutcome, query: Callable[[str], list[dict[str, Any]]]
) -> DbtOutcome:
    """A failed structure_* test names what failed, as the per-column test's name did:
    "stg_juvonno__customers.customer_id not_null: 2 rows; ..." (from its stored
    failures: names and counts, never a value)."""
    nodes = []
    for n in outcome.nodes:
        if n.name.startswith(STRUCTURE_TEST_PREFIX) and n.status == "fail" and n.relation_name:
            try:
                rows = query(
                    "select relation_name, column_name, check_name, failing_rows "
                    f"from {n.relation_name} order by 1, 2, 3"
                )
            except Exception:  # noqa: BLE001 - the failed test still fails the run
                rows = []
            if rows:
                detail = "; ".join(
                    f"{r['relation_name']}.{r['column_name']} {r['check_name']}: "
                    f"{r['failing_rows']} rows"
                    for r in rows
                )
                n = replace(n, message=one_line(detail, limit=1000))
        nodes.append(n)
    return replace(outcome, nodes=nodes)


def _close_connections() -> None:
    """dbt-duckdb keeps its DuckDB instance open in a class attribute after the
    invocation; close it so nothing holds the build file once dbt has returned
    (GX and publish must never run beside a dbt connection)."""
    try:
        from dbt.adapters.factory import reset_adapters

        reset_adapters()
    except Exception:  # noqa: BLE001 - best effort
        pass
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        env = DuckDBConnectionManager._ENV
        if env is not None:
            try:
                env.close()
            finally:
                DuckDBConnectionManager.close_all_connections()
    except Exception:  # noqa: BLE001 - not installed or already closed
        pass
    import gc

    gc.collect()


def docs_generate(
    *, target: str, as_of: str, target_path: Path, log_path: Path, env: Mapping[str, str]
) -> Path:
    """`dbt docs generate --static`: the project's documentation (models, columns,
    lineage, the invoicing exposure) as one HTML file that opens with no network."""
    from dbt.cli.main import dbtRunner

    proj = project_dir()
    args = [
        "docs", "generate", "--static",
        "--project-dir", str(proj),
        "--profiles-dir", str(proj),
        "--target", target,
        "--vars", json.dumps({"as_of_date": as_of}),
        "--target-path", str(target_path),
        "--log-path", str(log_path),
        "--log-level", "none",
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
    ]  # fmt: skip
    with _environ(env):
        try:
            res = dbtRunner().invoke(args)
        finally:
            _close_connections()
    page = target_path / "static_index.html"
    if not res.success or not page.exists():
        raise DbtCannotRun(
            "dbt docs generate failed"
            + (f": {one_line(str(res.exception))}" if res.exception else "")
        )
    return page
