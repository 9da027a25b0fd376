"""BENCHMARKS.md and the raw JSON from the suite's results (formatting only)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations", "psutil")


def machine() -> dict[str, Any]:
    import psutil

    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _fmt(stats: dict[str, float], unit: str = "s") -> str:
    return f"{stats['median']:.1f} {unit} ({stats['min']:.1f}–{stats['max']:.1f})"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def _scale_label(scale: str) -> str:
    return "sample (60)" if scale == "sample" else f"{int(scale):,}"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    v = ", ".join(f"{k} {val}" for k, val in m["versions"].items())
    lines = [
        "# Benchmarks",
        "",
        f"Written by `juvonno-dq bench` on {results['finished_at']} ({results['runs']} measured runs after "
        f"{results['warmup']} warm-up per tool and scale; median (min–max)). Rerun with `make bench`.",
        "",
        f"Machine: {m['cpus']} CPUs, {m['memory_gb']} GB; Python {m['python']}; {v}.",
        "",
        "- **wall**: elapsed time of the whole process tree; **CPU**: user+sys of the tree (wait4 rusage),",
        "  far less sensitive to neighbours than wall; **peak**: largest sum of RSS over the tree (sampled every 50 ms).",
        "- **runner**: `juvonno-dq run`; **floor**: DuckDB alone in one process (each file read once into its",
        "  typed table with the contract checks, then the compiled SQL of every seed, model, snapshot and data",
        "  test the runner's `--selector nightly` builds); **chain**: load, `dbt seed`, `dbt run` of the",
        "  snapshot's upstream models, `dbt snapshot`, `dbt build`, GX checkpoint as separate processes",
        "  (sums of wall and CPU, max of peak). Details: docs/notes/perf.md.",
        "- **load**: the machine's 1-minute load average at the start and end of each measurement (min–max).",
        "",
        "| customers | tool | wall | CPU | peak memory | load |",
        "|---|---|---|---|---|---|",
    ]
    for s in results["scales"]:
        for tool, t in s["tools"].items():
            lines.append(
                f"| {_scale_label(s['scale'])} | {tool} | {_fmt(t['wall'])} | {_fmt(t['cpu'])} | "
                f"{_fmt(t['peak_rss_mb'], 'MB')} | {t['load']['min']:.1f}–{t['load']['max']:.1f} |"
            )
    lines += [
        "",
        "## Ratios (of medians)",
        "",
        "| customers | runner/floor wall | runner/floor CPU | runner/floor peak | chain/runner wall | chain/runner CPU |",
        "|---|---|---|---|---|---|",
    ]
    for s in results["scales"]:
        t = s["tools"]
        if "runner" not in t:
            continue
        r = t["runner"]
        f, c = t.get("floor"), t.get("chain")
        med = lambda x, k: x[k]["median"]  # noqa: E731
        lines.append(
            f"| {_scale_label(s['scale'])} | "
            + (
                f"{_ratio(med(r, 'wall'), med(f, 'wall'))} | {_ratio(med(r, 'cpu'), med(f, 'cpu'))} | {_ratio(med(r, 'peak_rss_mb'), med(f, 'peak_rss_mb'))} | "
                if f
                else "– | – | – | "
            )
            + (
                f"{_ratio(med(c, 'wall'), med(r, 'wall'))} | {_ratio(med(c, 'cpu'), med(r, 'cpu'))} |"
                if c
                else "– | – |"
            )
        )
    lines += ["", "## Phases (wall seconds, median (min–max))", ""]
    for s in results["scales"]:
        for tool, t in s["tools"].items():
            phases = "; ".join(f"{name} {_fmt(st)}" for name, st in t["phases"].items())
            lines.append(f"- {_scale_label(s['scale'])}, {tool}: {phases}")
    if results.get("conditions"):
        lines += ["", "## Conditions", "", results["conditions"]]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], md_path: Path) -> Path:
    """BENCHMARKS.md at md_path and its raw figures beside it (same name, .json)."""
    results = dict(results, finished_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    md_path = Path(md_path)
    md_path.parent.mkdir(parents=True, exist_ok=True)
    json_path = md_path.with_suffix(".json")
    json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(render(results), encoding="utf-8")
    return json_path
