"""Make GX Data Docs viewable offline.

GX 1.24.1's page templates load bootstrap, bootstrap-table, bootstrap-datepicker,
bootstrap-dark, jQuery, Popper, Font Awesome and vega from CDNs, and its logo from
S3. `make_offline(site)` copies the files vendored in runner/gx_assets/ (from the
npm registry, see its README.md; licences beside each package) into
`site/static/vendor/` and rewrites every such reference in the built HTML and CSS
to a relative path. `integrity`/`crossorigin` attributes go too: a `crossorigin`
script from file:// is a CORS request Chromium refuses.

After it, no page of the site loads anything from the network
(`external_references()` lists what is left; the tests assert it is empty), and
every page carries a strict Content-Security-Policy (runner/publish/csp.py).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "gx_assets"
VENDOR = "static/vendor"

# CDN URL in GX's templates -> file under runner/gx_assets/ (same versions, except
# the unversioned vega@5 / vega-lite@5 / vega-embed@6: pinned to what they resolved to).
CDN_FILES: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap-4.3.1/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap-4.3.1/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table-1.19.1/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table-1.19.1/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.js",
    # GX asks for 1.19.0 of the filter-control CSS next to 1.19.1 of the rest: one version serves both
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": "bootstrap-datepicker-1.9.0/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "bootstrap-dark-1.1.0/bootstrap-prefers-dark.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js-1.12.9/popper.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome-free-6.6.0/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/vega-embed.min.js",
}
# GX's logos on S3 -> the copies GX itself ships in the site's static/images/.
_S3_IMAGE = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/([A-Za-z0-9_.-]+?)(\?[^\"')\s]*)?(?=[\"')\s])"
)
_S3_SUBSTITUTE = {"full_logo_dark.png": "logo-long.png"}
_SRI = re.compile(r'\s+(?:integrity="[^"]*"|crossorigin="[^"]*")')
# What would make a browser fetch: src/href of script/link/img, CSS url(), @import.
_LOADS = re.compile(
    r"""<(?:script|img|link|source|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["'](https?:)?//[^"']+["']"""
    r"""|url\(\s*["']?(?:https?:)?//[^)]+\)|@import\s+["'](?:https?:)?//""",
    re.IGNORECASE,
)


def _relative(target: str, from_dir: Path, site: Path) -> str:
    return Path(os.path.relpath(site / target, from_dir)).as_posix()


def _rewrite(text: str, from_dir: Path, site: Path) -> str:
    for url, local in CDN_FILES.items():
        if url in text:
            pattern = re.compile(re.escape(url) + r"(?=[\"'])")
            text = pattern.sub(_relative(f"{VENDOR}/{local}", from_dir, site), text)

    def image(m: re.Match[str]) -> str:
        name = _S3_SUBSTITUTE.get(m.group(1), m.group(1))
        return _relative(f"static/images/{name}", from_dir, site)

    text = _S3_IMAGE.sub(image, text)
    return _SRI.sub("", text)


def make_offline(site: Path) -> None:
    """Vendor the assets into site/static/vendor and point every page at them."""
    site = Path(site)
    vendor = site / VENDOR
    if vendor.exists():
        shutil.rmtree(vendor)
    shutil.copytree(ASSETS, vendor, ignore=shutil.ignore_patterns("README.md", "__pycache__"))
    from runner.publish.csp import harden_page

    for path in list(site.rglob("*.html")) + list((site / "static" / "styles").glob("*.css")):
        text = path.read_text(encoding="utf-8")
        new = _rewrite(text, path.parent, site)
        if path.suffix == ".html":
            new = harden_page(new)  # a strict Content-Security-Policy (runner/publish/csp.py)
        if new != text:
            path.write_text(new, encoding="utf-8")


def external_references(site: Path) -> dict[str, list[str]]:
    """Per file (relative to site), what in it would still load from the network."""
    found: dict[str, list[str]] = {}
    for path in list(Path(site).rglob("*.html")) + list(Path(site).rglob("*.css")):
        hits = [
            m.group(0)[:160]
            for m in _LOADS.finditer(path.read_text(encoding="utf-8", errors="replace"))
        ]
        if hits:
            found[path.relative_to(site).as_posix()] = hits
    return found
