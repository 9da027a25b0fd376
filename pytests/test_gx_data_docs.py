"""The Data Docs of published runs (issue 15 part 5): named after the run id, no
newsletter footer or link off the machine, the rule id on each SOP expectation,
and GX's static files (≈7.4 MB) shared by all runs under OUT/assets instead of
copied into each run folder; pruning never removes what a kept run links to.

Two real runs of the sample export in one OUT (the session's baseline, copied,
then one more run), opened in Debian's headless Chromium with networking off."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pytests.conftest import REPO
from pytests.test_run_support import AS_OF, baseline, copy_instance, run_cli  # noqa: F401
from runner.gx.docs import external_references
from runner.publish import runs

pytestmark = pytest.mark.xdist_group("runner-baseline")

VENDORED_FILE = Path("static", "vendor", "jquery-3.7.1", "jquery.min.js")


@pytest.fixture(scope="module")
def two_runs(baseline, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    out = copy_instance(baseline.out, tmp_path_factory.mktemp("datadocs") / "out")
    done = run_cli(out, "--as-of", AS_OF)
    assert done.code == 0, done.console
    return out


def _run_ids(out: Path) -> list[str]:
    return sorted(p.name for p in runs.runs_dir(out).iterdir() if not p.name.startswith("."))


def _bytes_in(folder: Path) -> int:
    """Bytes of the files really in folder (links not followed: a link is not a copy)."""
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        total += sum(os.lstat(os.path.join(dirpath, f)).st_size for f in files)
    return total


def _sop_validation_page(site: Path) -> Path:
    (page,) = (site / "validations" / "sop").rglob("*.html")
    return page


def test_two_runs_hold_no_copy_of_the_static_files(two_runs: Path) -> None:
    ids = _run_ids(two_runs)
    assert len(ids) == 2
    (shared,) = runs.assets_dir(two_runs).iterdir()
    assert shared.name.startswith("gx-1.24.1-")
    assert _bytes_in(shared) > 5_000_000  # GX's images and fonts, bootstrap, vega, ...
    for run_id in ids:
        site = runs.final_dir(two_runs, run_id) / "data-docs"
        link = site / "static"
        assert link.is_symlink() and not os.path.isabs(os.readlink(link))
        assert link.resolve() == shared.resolve()
        assert _bytes_in(site) < 1_000_000, run_id  # the pages only
        assert (site / VENDORED_FILE).is_file()
        assert external_references(site) == {}
    # through OUT/latest (one level less deep than runs/<id>) the same link resolves
    assert (two_runs / "latest" / "data-docs" / VENDORED_FILE).is_file()


def test_each_run_is_named_after_its_run_id(two_runs: Path) -> None:
    for run_id in _run_ids(two_runs):
        site = runs.final_dir(two_runs, run_id) / "data-docs"
        page = _sop_validation_page(site)
        assert page.relative_to(site).parts[3] == run_id  # validations/sop/<table>/<run name>/
        assert f"'run_name': '{run_id}'" in (site / "index.html").read_text(encoding="utf-8")
        summary = json.loads((site.parent / "summary.json").read_text(encoding="utf-8"))
        assert summary["run_id"] == run_id


def test_no_page_has_the_newsletter_footer_or_a_link_off_the_machine(two_runs: Path) -> None:
    site = two_runs / "latest" / "data-docs"
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 17  # index, 8 suites, 8 validations
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "newsletter" not in text.lower() and "<footer" not in text, page
        assert "utm_" not in text and "greatexpectations.io" not in text, page


@pytest.mark.browser
def test_data_docs_offline_show_the_run_id_and_the_rule_ids(
    two_runs: Path, offline_page, artifacts_dir: Path
) -> None:
    page = offline_page
    latest_id = runs.latest_run_id(two_runs)
    site = two_runs / "latest" / "data-docs"
    page.goto((site / "index.html").as_uri(), wait_until="load")
    assert page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).display") == "flex"
    run_names = page.locator("table.ge-index-page-validation-results-table td", has_text=latest_id)
    assert run_names.count() == 8  # every suite's row names the run (one run per site)
    assert page.locator("footer").count() == 0
    assert "Subscribe" not in page.inner_text("body")
    off_site = page.eval_on_selector_all(
        "a[href]",
        "links => links.map(a => a.getAttribute('href')).filter(h => /^([a-z]+:)?\\/\\//i.test(h))",
    )
    assert off_site == []
    page.screenshot(path=str(artifacts_dir / "data-docs-index.png"), full_page=False)

    validation = _sop_validation_page(site)
    page.goto(validation.as_uri(), wait_until="load")
    assert page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).display") == "flex"
    # the breadcrumb: Validations / <suite> / <asset> / <run name> / <time>
    assert f" / {latest_id} / " in page.locator(".ge-breadcrumbs-item.active").inner_text()
    # the SOP expectation of SOP-10 (days_in_group ≤ 7 where in_triage) with its rule id
    section = page.locator(
        "div.ge-section", has=page.locator("h5", has_text=re.compile(r"^\s*days_in_group\s*$"))
    )
    assert section.count() == 1
    headers = [h.strip() for h in section.locator("th").all_inner_texts()]
    assert headers[-2:] == ["Rule", "Title"]
    row = section.locator("tr", has=page.locator("td", has_text=re.compile(r"^\s*SOP-10\s*$")))
    assert row.count() == 1
    assert "Triage for at most 7 days" in row.inner_text()
    assert "in_triage" in row.inner_text()
    rule_cells = page.locator("td", has_text=re.compile(r"^\s*(SOP|DQ)-\d+\s*$"))
    assert rule_cells.count() == 31  # every rule, one expectation each
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "data-docs-rule-ids.png"), full_page=False)
    assert page.locator("footer").count() == 0
    assert page.context.external_requests == []
    assert page.console_errors == []

    # an older run's pages, by their own folder, are styled from the same shared files
    older = next(r for r in _run_ids(two_runs) if r != latest_id)
    page.goto(
        (runs.final_dir(two_runs, older) / "data-docs" / "index.html").as_uri(), wait_until="load"
    )
    assert page.eval_on_selector("nav.navbar", "e => getComputedStyle(e).display") == "flex"
    assert page.evaluate("() => typeof window.jQuery === 'function'")
    assert page.context.external_requests == []
    assert page.console_errors == []


def test_pruning_keeps_the_assets_a_kept_run_links_to(two_runs: Path, tmp_path: Path) -> None:
    out = copy_instance(two_runs, tmp_path / "out")
    (shared,) = runs.assets_dir(out).iterdir()
    old_version = runs.assets_dir(out) / "gx-0.18.0-0123456789ab"  # no run links to it
    old_version.mkdir()
    (old_version / "x.js").write_text("//", encoding="utf-8")
    staging = runs.assets_dir(out) / f".{shared.name}.tmp-12345"  # a killed run's leftover
    staging.mkdir()
    older, newer = _run_ids(out)

    assert runs.prune(out, keep=1) == [older]
    assert sorted(p.name for p in runs.assets_dir(out).iterdir()) == [shared.name]
    assert (out / "latest" / "data-docs" / VENDORED_FILE).is_file()
    # keep=0 still keeps the run latest points at, and so its assets
    assert runs.prune(out, keep=0) == []
    assert (runs.final_dir(out, newer) / "data-docs" / VENDORED_FILE).is_file()
    # once no run links to them, they go
    os.unlink(runs.final_dir(out, newer) / "data-docs" / "static")
    assert runs.prune_assets(out) == [shared.name]


META_PROPERTIES_SCRIPT = r"""
import json, sys
from pathlib import Path
import great_expectations as gx
from runner.expectations import _make_context
from runner.gx.fixes import apply_gx_fixes
from runner.gx.rendering import build_suite, fix_meta_properties_rendering

db, site, mode = sys.argv[1:4]
apply_gx_fixes()
if mode == "fixed":
    fix_meta_properties_rendering()
ctx = _make_context(Path(site))
ds = ctx.data_sources.add_sql(name="w", connection_string="duckdb:///" + db)
asset = ds.add_table_asset(name="t", table_name="t", schema_name="juvonno_sop")
suite = ctx.suites.add(build_suite({"name": "sop.t", "meta": {}, "expectations": [
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "x", "max_value": 2},
     "meta": {"rule_id": "SOP-77", "rule_title": "A planted rule"}}]}))
vd = ctx.validation_definitions.add(
    gx.ValidationDefinition(name="v", data=asset.add_batch_definition_whole_table("all"), suite=suite))
vd.run(result_format={"result_format": "BASIC", "partial_unexpected_count": 0})
ctx.build_data_docs()
pages = list((Path(site) / "validations").rglob("*.html"))
print(json.dumps({"pages": len(pages), "rule": any("SOP-77" in p.read_text() for p in pages)}))
"""


def test_the_rule_columns_need_the_rendering_fix(tmp_path: Path) -> None:
    """runner/gx/rendering.py's fix_meta_properties_rendering: with it the validation
    page has the rule id; without it GX 1.24.1 writes no validation page at all (the
    day this fails on "unfixed", the fix can go)."""
    db = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema juvonno_sop")
    con.execute("create table juvonno_sop.t as select range + 1 as x from range(5)")
    con.close()
    found = {}
    for mode in ("fixed", "unfixed"):
        proc = subprocess.run(
            [sys.executable, "-c", META_PROPERTIES_SCRIPT, str(db), str(tmp_path / mode), mode],
            check=False,
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        found[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["fixed"] == {"pages": 1, "rule": True}
    assert found["unfixed"] == {"pages": 0, "rule": False}
