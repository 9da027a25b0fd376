"""The synthetic export generator (`juvonno-dq generate`).

write_export(out, customers=N, seed=S, as_of=D) writes the six export files of
spec/export-contract.md, manifest.json, and planted.csv (the ground truth: for
each planted customer, the rules it must hit and the near misses it must not).
Modules: vocab (word lists), calendar (dates, datetime text), journeys (one
customer, SOP journey blocks), archetypes (customers that hit nothing),
planted (the planted cases), writers (streaming, hashing), export (the loop).
"""

from __future__ import annotations

from runner.generate.export import PLANTED_FILE, write_export

__all__ = ["PLANTED_FILE", "write_export"]
