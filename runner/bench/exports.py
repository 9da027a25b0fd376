"""Generated exports for the benchmark, cached by size and seed.

`<cache>/export-<customers>-s<seed>/` is written once (runner.generate in a
temporary folder, renamed when complete) and reused; a half-written one from an
interrupted benchmark is never picked up.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

AS_OF = dt.date(2026, 11, 20)


def export_path(cache: Path, customers: int, seed: int) -> Path:
    return Path(cache) / f"export-{customers}-s{seed}"


def ensure_export(cache: Path, customers: int, seed: int) -> Path:
    final = export_path(cache, customers, seed)
    if (final / "manifest.json").exists():
        return final
    from runner.generate import write_export

    tmp = final.with_name(final.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    write_export(tmp, customers=customers, seed=seed, as_of=AS_OF)
    tmp.rename(final)
    return final


def size_bytes(export: Path) -> int:
    return sum(p.stat().st_size for p in Path(export).iterdir() if p.is_file())
