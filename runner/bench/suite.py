"""Run the benchmark: per scale, a warm-up then N measured runs of each tool.

Tools alternate within every round (runner, floor, chain, runner, ...) so a
neighbour's load lands on all three alike. Figures are medians with min and max.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runner.bench import chain as chain_mod
from runner.bench.exports import AS_OF, ensure_export, size_bytes
from runner.bench.measure import Sample, run_measured

TOOLS = ("runner", "floor", "chain")
SAMPLE_SCALE = "sample"
_STEP_DONE = re.compile(r" INFO +(?P<name>[a-z][a-z ]+): done in (?P<s>[0-9.]+)s$")


@dataclass
class Measured:
    """One run of one tool: its whole-tree sample and its phases (wall seconds, some with CPU)."""

    total: Sample
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total.as_dict(), "phases": self.phases, **self.extra}


def _project() -> Path:
    from runner.dbt import project_dir

    return project_dir()


def _env(db: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    if db is not None:
        env["JUVONNO_DQ_DUCKDB_PATH"] = str(db)
    return env


def _check(sample: Sample, what: str, log: Path, ok: Sequence[int] = (0,)) -> None:
    if sample.returncode not in ok:
        raise RuntimeError(f"{what} exited {sample.returncode}; see {log}")


class ScaleBench:
    """Everything one scale needs: its export, the compiled manifest, work folders."""

    def __init__(self, bench_dir: Path, scale: str, seed: int, say: Callable[[str], None]) -> None:
        self.scale, self.say = scale, say
        self.work = Path(bench_dir).resolve() / "work" / f"{scale}-s{seed}"
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.log = self.work / "bench.log"
        if scale == SAMPLE_SCALE:
            self.export = (_project().parent / "shared" / "spec" / "sample-export").resolve()
        else:
            say(f"{scale} customers: export (cached under {bench_dir})")
            self.export = ensure_export(
                Path(bench_dir).resolve() / "exports", int(scale), seed
            ).resolve()
        self.manifest = self._compile()

    def _compile(self) -> Path:
        """`dbt compile` once, outside any measurement, for the floor's SQL."""
        d = self.work / "compile"
        d.mkdir()
        db = d / "juvonno.duckdb"
        for phase, argv in chain_mod.steps(self.export, db, d, _project())[:1]:
            _check(run_measured(argv, env=_env(db), log=self.log), f"compile: {phase}", self.log)
        argv = chain_mod._dbt(
            Path(sys.executable).parent, ["compile"], _project(), d / "target", d / "logs"
        )
        _check(run_measured(argv, env=_env(db), log=self.log), "dbt compile", self.log)
        self.selected = d / "selected.json"
        argv = chain_mod._dbt(
            Path(sys.executable).parent,
            ["ls", "--selector", "nightly", "--output", "json", "--output-keys", "unique_id"],
            _project(),
            d / "target-ls",  # ls writes a manifest without compiled code: not over compile's
            d / "logs",
        )
        argv.remove("--quiet")  # ls prints its list at info level
        listed = subprocess.run(argv, env=_env(db), capture_output=True, text=True, check=True)
        ids = [
            json.loads(line)["unique_id"]
            for line in listed.stdout.splitlines()
            if line.startswith("{")
        ]
        self.selected.write_text(json.dumps(ids), encoding="utf-8")
        return d / "target" / "manifest.json"

    # -- the three tools ----------------------------------------------------------
    def runner(self) -> Measured:
        out = self.work / "runner-out"
        argv = [
            str(Path(sys.executable).parent / "juvonno-dq"), "run", "--export-dir", str(self.export),
            "--out", str(out), "--as-of", AS_OF.isoformat(), "--keep-runs", "2",
        ]  # fmt: skip
        sample = run_measured(argv, env=_env(), log=self.log)
        _check(sample, "juvonno-dq run", self.log, ok=(0, 1))
        phases = {}
        for line in (out / "latest" / "run.log").read_text(encoding="utf-8").splitlines():
            m = _STEP_DONE.search(line)
            if m:
                phases[m["name"]] = {"wall": float(m["s"])}
        summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
        return Measured(
            sample, phases, {"outcome": summary.get("outcome"), "exit_code": sample.returncode}
        )

    def floor(self) -> Measured:
        d = self.work / "floor"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        log = d / "floor.out"
        argv = [
            sys.executable,
            "-m",
            "runner.bench.floor",
            str(self.export),
            str(self.manifest),
            str(d / "juvonno.duckdb"),
            str(self.selected),
        ]
        sample = run_measured(argv, env=_env(), log=log)
        _check(sample, "floor", log)
        result = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
        shutil.rmtree(d, ignore_errors=True)
        phases = {k: {"wall": v} for k, v in result.pop("phases").items()}
        return Measured(
            sample,
            phases,
            {
                k: result[k]
                for k in ("nodes_built", "tests_run", "test_failures", "contract_problems")
            },
        )

    def chain(self) -> Measured:
        d = self.work / "chain"
        d.mkdir(exist_ok=True)
        db = d / "juvonno.duckdb"  # kept between runs, as a team's warehouse would be
        samples: dict[str, Sample] = {}
        for phase, argv in chain_mod.steps(self.export, db, d, _project()):
            s = run_measured(argv, env=_env(db), log=self.log)
            _check(s, f"chain: {phase}", self.log)
            samples[phase] = s
        total = Sample(
            wall=round(sum(s.wall for s in samples.values()), 3),
            cpu=round(sum(s.cpu for s in samples.values()), 3),
            peak_rss_mb=max(s.peak_rss_mb for s in samples.values()),
            returncode=0,
            load_before=next(iter(samples.values())).load_before,
            load_after=list(samples.values())[-1].load_after,
        )
        phases = {
            k: {"wall": s.wall, "cpu": s.cpu, "peak_rss_mb": s.peak_rss_mb}
            for k, s in samples.items()
        }
        return Measured(total, phases)


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def summarise(runs: list[Measured]) -> dict[str, Any]:
    phase_names = list(dict.fromkeys(name for r in runs for name in r.phases))
    return {
        "wall": _stats([r.total.wall for r in runs]),
        "cpu": _stats([r.total.cpu for r in runs]),
        "peak_rss_mb": _stats([r.total.peak_rss_mb for r in runs]),
        "load": _stats(
            [r.total.load_before[0] for r in runs] + [r.total.load_after[0] for r in runs]
        ),
        "phases": {
            name: _stats([r.phases[name]["wall"] for r in runs if name in r.phases])
            for name in phase_names
        },
        "runs": [r.as_dict() for r in runs],
    }


def bench_scale(
    bench_dir: Path,
    scale: str,
    seed: int,
    runs: int,
    warmup: int,
    tools: Sequence[str],
    say: Callable[[str], None],
) -> dict[str, Any]:
    sb = ScaleBench(bench_dir, scale, seed, say)
    measured: dict[str, list[Measured]] = {t: [] for t in tools}
    for i in range(warmup + runs):
        label = "warm-up" if i < warmup else f"run {i - warmup + 1}/{runs}"
        for tool in tools:
            m = getattr(sb, tool)()
            say(
                f"{scale}: {tool} {label}: wall {m.total.wall:.1f} s, CPU {m.total.cpu:.1f} s, peak {m.total.peak_rss_mb:.0f} MB, load {m.total.load_before[0]:.1f}"
            )
            if i >= warmup:
                measured[tool].append(m)
    export_bytes = size_bytes(sb.export)
    result = {
        "scale": scale,
        "seed": seed if scale != SAMPLE_SCALE else None,
        "export_bytes": export_bytes,
        "tools": {t: summarise(ms) for t, ms in measured.items()},
    }
    shutil.rmtree(sb.work, ignore_errors=True)
    return result
