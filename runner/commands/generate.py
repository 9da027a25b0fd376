"""`juvonno-dq generate`: write a synthetic export (owned by the generator module)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from runner import options


@click.command()
@options.generate_out
@options.customers
@options.seed
@options.as_of
def generate(out: Path, customers: int, seed: int, as_of: dt.date | None) -> None:
    """Write a realistic synthetic export with planted rule hits."""
    from runner.generate import write_export

    write_export(out, customers=customers, seed=seed, as_of=as_of or dt.date.today())
