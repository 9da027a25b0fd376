"""The wheel ships every file the runner reads at run time: each non-Python file
under runner/ matches a pattern of pyproject.toml's package-data (templates, the
report's vendored JavaScript, the Data Docs' offline assets, Spark's log config).
Checked with setuptools' own pattern semantics (glob, ** recursive), without
building a wheel (that needs the network for the build backend)."""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "runner"


def _shipped() -> set[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["runner"]
    return {
        Path(p)
        for pattern in patterns
        for p in glob.glob(str(PACKAGE / pattern), recursive=True)
        if Path(p).is_file()
    }


def test_every_data_file_of_the_package_is_package_data() -> None:
    data = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }
    assert data, "runner/ has no data files: the test looks in the wrong place"
    missing = sorted(str(p.relative_to(ROOT)) for p in data - _shipped())
    assert missing == []


def test_the_run_time_assets_are_among_them() -> None:
    shipped = {str(p.relative_to(PACKAGE)) for p in _shipped()}
    for needed in (
        "publish/templates/report.html.j2",
        "publish/vendor/tabulator-6.5.3/tabulator.min.js",
        "gx_assets/vega-5.33.1/vega.min.js",
        "gx_assets/fontawesome-free-6.6.0/webfonts/fa-solid-900.woff2",
        "warehouse/spark-log4j2.properties",
    ):
        assert needed in shipped
