"""Make GX Data Docs viewable offline.

GX 1.24.1's page templates load bootstrap, bootstrap-table, bootstrap-datepicker,
bootstrap-dark, jQuery, Popper, Font Awesome and vega from CDNs, and its logo from
S3. `make_offline(site)` copies the files vendored in runner/gx_assets/ (from the
npm registry, see its README.md; licences beside each package) into
`site/static/vendor/` and rewrites every such reference in the built HTML and CSS
to a relative path. `integrity`/`crossorigin` attributes go too: a `crossorigin`
script from file:// is a CORS request Chromium refuses.

It also drops GX's newsletter footer ("Subscribe", with utm_ tracking) and turns
every other link off the site into plain text: nothing on a page leads off the
machine. After it, no page loads anything from the network (`external_references()`
lists what is left; the tests assert it is empty), and every page carries a strict
Content-Security-Policy (runner/publish/csp.py).

Shared assets: `site/static/` (GX's images and fonts plus the vendored libraries,
~7.4 MB, the same for every run of one GX version) is moved once into
`<shared>/gx-<version>-<digest>/` (content-addressed: a GX upgrade or a new
vendored file is a new folder, never a change to one a kept run points at) and
`site/static` becomes a relative symbolic link to it. Pages keep their relative
`static/...` URLs, so a run reached through `OUT/latest` (one level less deep than
`OUT/runs/<id>`) finds them too: the kernel resolves the link from where it is.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from importlib.metadata import version
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


# GX's templates include a footer on every page: "Stay current on everything GX with our
# newsletter <a href=https://greatexpectations.io/newsletter?utm_...>Subscribe</a>".
_FOOTER = re.compile(r"<footer\b[^>]*>.*?</footer>\s*", re.DOTALL | re.IGNORECASE)
# A link off the site (GX's "Data Docs autogenerated using <a>Great Expectations</a>"): its text stays.
_EXTERNAL_LINK = re.compile(
    r"""<a\b[^>]*\bhref\s*=\s*["'](?:https?:)?//[^"']*["'][^>]*>(.*?)</a>""",
    re.DOTALL | re.IGNORECASE,
)
STATIC = "static"


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


def _no_external_links(html: str) -> str:
    return _EXTERNAL_LINK.sub(lambda m: m.group(1), _FOOTER.sub("", html))


def make_offline(site: Path, shared: Path | None = None) -> None:
    """Vendor the assets into site/static/vendor and point every page at them; with
    `shared`, site/static then becomes a link into that folder (share_static)."""
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
            new = harden_page(
                _no_external_links(new)
            )  # a strict Content-Security-Policy (runner/publish/csp.py)
        if new != text:
            path.write_text(new, encoding="utf-8")

    if shared is not None:
        share_static(site, Path(shared))


def share_static(site: Path, shared: Path) -> Path:
    """Replace site/static by a relative link to its content-addressed copy under
    `shared` (made once, by an atomic rename); returns that folder."""
    from runner.publish.runs import make_private

    static = site / STATIC
    target = shared / f"gx-{version('great_expectations')}-{_tree_digest(static)[:12]}"
    if target.is_dir():
        shutil.rmtree(static)
    else:
        shared.mkdir(mode=0o700, parents=True, exist_ok=True)
        staging = shared / f".{target.name}.tmp-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.move(static, staging)  # a rename: the run folder and `shared` are both under OUT
        make_private(staging)  # 0700/0600 until the run's publish applies --share-group
        try:
            os.rename(staging, target)
        except OSError:  # made meanwhile by another process: the same content
            shutil.rmtree(staging, ignore_errors=True)
    os.symlink(os.path.relpath(target.resolve(), site.resolve()), static)
    return target


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def external_references(site: Path) -> dict[str, list[str]]:
    """Per file (relative to site), what in it would still load from the network."""
    found: dict[str, list[str]] = {}
    site = Path(site)
    pages = [
        Path(folder, name)
        for folder, _dirs, names in os.walk(site, followlinks=True)  # static/ may be a link
        for name in names
        if name.endswith((".html", ".css"))
    ]
    for path in pages:
        hits = [
            m.group(0)[:160]
            for m in _LOADS.finditer(path.read_text(encoding="utf-8", errors="replace"))
        ]
        if hits:
            found[path.relative_to(site).as_posix()] = hits
    return found
