"""What GX's Data Docs show of a run: the suites as GX objects with each SOP
expectation's rule id and title as columns of the validation page and as notes on
the suite page, and the run named after the runner's run id.

GX 1.24.1 renders an expectation's `notes` only on the suite page (collapsed under
a comment icon; a single string in red, a list plainly). On the validation page it
adds one column per entry of the suite meta's `notes` when their format is
`renderer.diagnostic.meta_properties`, each read from the expectation's
`meta.attributes` ("meta properties"). Both are added here, when the suite is
built, so the JSON suites keep the rule id, title and SOP sentence once, in `meta`.
"""

from __future__ import annotations

from typing import Any

META_PROPERTIES = "renderer.diagnostic.meta_properties"
# validation page column -> key of the expectation's meta
RULE_COLUMNS = {"Rule": "rule_id", "Title": "rule_title"}


def build_suite(suite: dict[str, Any]):  # type: ignore[no-untyped-def]
    """The gx.ExpectationSuite of a JSON suite (runner/gx/suites.py's load_suites)."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    expectations = [
        ExpectationConfiguration(
            type=e["type"],
            kwargs=e["kwargs"],
            meta=with_attributes(e.get("meta") or {}),
            notes=notes(e.get("meta") or {}),
        ).to_domain_obj()
        for e in suite["expectations"]
    ]
    meta = dict(suite.get("meta") or {})
    if any("rule_id" in (e.get("meta") or {}) for e in suite["expectations"]):
        meta["notes"] = {"format": META_PROPERTIES, "content": RULE_COLUMNS}
    return gx.ExpectationSuite(name=suite["name"], expectations=expectations, meta=meta)


def with_attributes(meta: dict[str, Any]) -> dict[str, Any]:
    """meta plus the copy under `attributes` that the validation page's Rule and Title
    columns read."""
    if "rule_id" not in meta:
        return meta
    return {**meta, "attributes": {key: meta.get(key, "") for key in RULE_COLUMNS.values()}}


def notes(meta: dict[str, Any]) -> list[str] | None:
    """The rule id, title and SOP sentence (markdown) for the suite page."""
    if "rule_id" not in meta:
        return None
    return [
        f"**{meta['rule_id']}** {meta.get('rule_title', '')}",
        f"SOP: {meta.get('sop_sentence', '')}",
    ]


def gx_run_id(run_name: str | None) -> Any:
    """GX's run identifier named after the runner's run id (GX's default name is `__none__`)."""
    if not run_name:
        return None
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_name)


_MARK = "_juvonno_dq_fix"


def fix_meta_properties_rendering() -> None:
    """GX 1.24.1 bug: the validation page puts `meta_properties_to_render` into each
    expectation configuration's kwargs for its extra columns, then builds the
    expectation from that configuration to look up its `description`, which pydantic
    refuses ("extra fields not permitted"): the SOP suite's validation page is not
    written at all. The lookup gets a copy without that key. Process-wide, idempotent;
    pytests/test_gx_data_docs.py checks it is still needed."""
    import copy

    from great_expectations.render.renderer.content_block.content_block import (
        ContentBlockRenderer,
    )

    name = "_get_content_block_fn_from_expectation_description"
    lookup = ContentBlockRenderer.__dict__[name].__func__
    if getattr(lookup, _MARK, False):
        return

    def without_render_columns(cls, expectation_config):  # type: ignore[no-untyped-def]
        if "meta_properties_to_render" in expectation_config.kwargs:
            expectation_config = copy.deepcopy(expectation_config)
            del expectation_config.kwargs["meta_properties_to_render"]
        return lookup(cls, expectation_config)

    setattr(without_render_columns, _MARK, True)
    setattr(ContentBlockRenderer, name, classmethod(without_render_columns))
