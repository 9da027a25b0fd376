"""`juvonno-dq bench`: the runner against the floor and the conventional chain."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from runner import options
from runner.exit_codes import ExitCode


@click.command()
@options.bench_scales
@options.bench_runs
@options.bench_warmup
@options.bench_seed
@options.bench_dir
@options.bench_report
@options.bench_tools
@options.bench_note
def bench(
    scales: tuple[str, ...],
    runs: int,
    warmup: int,
    seed: int,
    bench_dir: Path,
    report: Path,
    tools: str,
    note: str,
) -> None:
    """Measure wall time, CPU time and peak memory at several export sizes; write BENCHMARKS.md."""
    from runner.bench import report as report_mod
    from runner.bench.suite import TOOLS, bench_scale

    chosen = tuple(t.strip() for t in tools.split(",") if t.strip())
    unknown = [t for t in chosen if t not in TOOLS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"--tools: {', '.join(unknown) or 'none given'}; choose from {', '.join(TOOLS)}"
        )

    def say(msg: str) -> None:
        click.echo(msg, err=True)

    results = {
        "machine": report_mod.machine(),
        "runs": runs,
        "warmup": warmup,
        "conditions": note,
        "scales": [],
    }
    try:
        for scale in scales:
            results["scales"].append(bench_scale(bench_dir, scale, seed, runs, warmup, chosen, say))
            json_path = report_mod.write(
                results, report
            )  # after every scale: an interrupted bench keeps what it measured
            say(f"wrote {report} and {json_path}")
    except RuntimeError as exc:
        click.echo(f"bench: {exc}", err=True)
        sys.exit(int(ExitCode.CANNOT_RUN))
