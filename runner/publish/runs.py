"""The run folders under OUT and the atomic switch of OUT/latest.

```
OUT/runs/.<run_id>.partial/   a run's folder while it is being written (run.log from the start)
OUT/runs/<run_id>/            complete: renamed from .partial in one step
OUT/latest -> runs/<run_id>   a relative symlink, replaced with os.replace of a temp symlink
OUT/assets/gx-<version>-<digest>/   Data Docs' static files, shared by the runs
                              (runs/<id>/data-docs/static is a relative link to one; runner/gx/docs.py)
```

Files 0600, folders 0700: nothing published is readable by other users; with
--share-group, 0640/0750 in that one group (runner/publish/sharing.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from runner.publish.sharing import Sharing

FILE_MODE = 0o600
DIR_MODE = 0o700
LATEST = "latest"
ASSETS = "assets"
DATA_DOCS_STATIC = ("data-docs", "static")


def runs_dir(out: Path) -> Path:
    return out / "runs"


def partial_dir(out: Path, run_id: str) -> Path:
    return runs_dir(out) / f".{run_id}.partial"


def final_dir(out: Path, run_id: str) -> Path:
    return runs_dir(out) / run_id


def assets_dir(out: Path) -> Path:
    return out / ASSETS


def make_partial(out: Path, run_id: str, sharing: Sharing | None = None) -> Path:
    runs = runs_dir(out)
    runs.mkdir(parents=True, exist_ok=True)
    make_private_dir_only(runs, sharing or Sharing())
    d = partial_dir(out, run_id)
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(mode=DIR_MODE)
    os.chmod(d, DIR_MODE)
    return d


def cleanup_partials(out: Path, keep: str) -> list[str]:
    """Remove folders of killed runs (call under the lock)."""
    removed = []
    runs = runs_dir(out)
    if runs.is_dir():
        for p in runs.iterdir():
            if (
                p.name.startswith(".")
                and p.name.endswith(".partial")
                and p.name != f".{keep}.partial"
            ):
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p.name)
    work = out / "work"  # the validator's scratch folders (decompressed / converted files)
    if work.is_dir():
        for p in work.iterdir():
            if p.name != keep:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(f"work/{p.name}")
    for p in out.glob(f".{LATEST}.tmp-*"):
        try:
            p.unlink()
            removed.append(p.name)
        except OSError:
            pass
    return removed


def write_bytes(path: Path, data: bytes) -> None:
    """Write a private file (0600) via a temp name, fsynced."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """A private CSV whose cells cannot start a formula or break a record (runner/publish/cells.py)."""
    from runner.publish.cells import csv_text

    write_text(path, csv_text(columns, rows))


def make_private(root: Path, sharing: Sharing | None = None) -> None:
    """chmod a folder tree to 0700/0600 (files other tools wrote, e.g. Data Docs),
    or to 0750/0640 in the --share-group group (runner/publish/sharing.py)."""
    sharing = sharing or Sharing()
    make_private_dir_only(root, sharing)
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            if not os.path.islink(os.path.join(dirpath, d)):  # a link to the shared assets
                make_private_dir_only(Path(dirpath, d), sharing)
        for f in filenames:
            p = os.path.join(dirpath, f)
            if not os.path.islink(p):
                sharing.chgrp(p)
                os.chmod(p, sharing.file_mode(FILE_MODE))


class PublishBlocked(Exception):
    """Something a publish step needs is not there (exit 3, before anything is published)."""


def preflight(out: Path, run_id: str) -> None:
    """Check what finalize, switch_latest and prune will need, so that a run publishes
    everything or nothing: `latest` a symbolic link or absent, the run folder and
    the folders it is renamed into writable, no run folder of that id already."""
    latest = out / LATEST
    if os.path.lexists(latest) and not latest.is_symlink():
        kind = "a folder" if latest.is_dir() else "a file"
        raise PublishBlocked(
            f"cannot publish: {latest} is {kind}, not the symbolic link the runner switches "
            f"(move it away; every run is kept under {runs_dir(out)})"
        )
    for folder in (out, runs_dir(out)):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PublishBlocked(f"cannot publish: {folder} is not writable by this user")
    if not partial_dir(out, run_id).is_dir():
        raise PublishBlocked(f"cannot publish: the run folder {partial_dir(out, run_id)} is gone")
    if os.path.lexists(final_dir(out, run_id)):
        raise PublishBlocked(f"cannot publish: {final_dir(out, run_id)} already exists")


def finalize(out: Path, run_id: str, sharing: Sharing | None = None) -> Path:
    """.partial -> runs/<run_id> (one rename); returns the final folder."""
    src, dst = partial_dir(out, run_id), final_dir(out, run_id)
    make_private(src, sharing)
    if assets_dir(out).is_dir():  # what the run's Data Docs link to: the same modes and group
        make_private(assets_dir(out), sharing)
    if sharing and sharing.shared:
        make_private_dir_only(runs_dir(out), sharing)
        sharing.open_out(out)
    _fsync_tree(src)
    os.rename(src, dst)
    _fsync_dir(runs_dir(out))
    return dst


def make_private_dir_only(path: Path, sharing: Sharing) -> None:
    """One folder: 0700, or 0750 in the share group."""
    sharing.chgrp(path)
    os.chmod(path, sharing.dir_mode(DIR_MODE))


def switch_latest(out: Path, run_id: str) -> None:
    """Point OUT/latest at runs/<run_id> in one step (rename of a temp symlink)."""
    tmp = out / f".{LATEST}.tmp-{run_id}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.join("runs", run_id), tmp)
    os.replace(tmp, out / LATEST)
    _fsync_dir(out)


def latest_run_id(out: Path) -> str | None:
    link = out / LATEST
    try:
        return Path(os.readlink(link)).name
    except OSError:
        return None


def prune(out: Path, keep: int) -> list[str]:
    """Keep the newest `keep` run folders (run ids sort by time); never the one latest points at.
    Then the shared assets no remaining run links to (prune_assets)."""
    runs = runs_dir(out)
    if not runs.is_dir():
        return []
    current = latest_run_id(out)
    names = sorted(
        (p.name for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")), reverse=True
    )
    removed = []
    for name in names[keep:]:
        if name == current:
            continue
        shutil.rmtree(runs / name, ignore_errors=True)  # removes a link, never what it points at
        removed.append(name)
    prune_assets(out)
    return removed


def prune_assets(out: Path) -> list[str]:
    """Remove the folders of OUT/assets that no run folder (kept or being written)
    links to: an older GX version's, or a staging copy a killed run left. Call under the lock."""
    root = assets_dir(out)
    if not root.is_dir():
        return []
    used = set()
    runs = runs_dir(out)
    for run in runs.iterdir() if runs.is_dir() else ():
        link = run.joinpath(*DATA_DOCS_STATIC)
        if link.is_symlink():
            used.add(Path(os.readlink(link)).name)
    removed = []
    for p in root.iterdir():
        if p.name not in used:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                continue
            try:
                fd = os.open(p, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError:
                pass
        _fsync_dir(Path(dirpath))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
