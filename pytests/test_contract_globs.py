"""The contract's GLOB shapes (runner/contract.py, used by the benchmark's floor)
accept exactly what its patterns accept, with the same casts after them."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from runner.contract import DATE_GLOB, DATE_PATTERN, ID_PATTERN, INTEGER_PATTERN, NON_DIGIT_GLOB

# digits, date punctuation, the lenient casts' extras and look-alikes
ALPHABET = st.sampled_from([*"0123456789-+ .eE_xXT:Z/\n\t", "\u0661", "\u00a0", "\u00e9", "\uff10"])
TEXTS = st.text(ALPHABET, max_size=21) | st.builds(
    lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
    st.integers(0, 9999),
    st.integers(0, 19),
    st.integers(0, 39),
)

SHAPES = f"""
select
    coalesce(regexp_full_match(v, '{ID_PATTERN}'), false)
        = coalesce(v <> '' and not (v glob '{NON_DIGIT_GLOB}'), false),
    coalesce(regexp_full_match(v, '{INTEGER_PATTERN}'), false)
        = coalesce(v <> '' and not (v glob '{NON_DIGIT_GLOB}'), false),
    coalesce(regexp_full_match(v, '{DATE_PATTERN}') and try_cast(v as date) is not null, false)
        = coalesce(v glob '{DATE_GLOB}' and try_cast(v as date) is not null, false)
from (select cast(? as varchar) as v)
"""


@settings(max_examples=3000, deadline=None)
@given(TEXTS)
def test_globs_accept_exactly_what_the_patterns_accept(text: str) -> None:
    con = duckdb.connect()
    try:
        assert con.execute(SHAPES, [text]).fetchone() == (True, True, True), repr(text)
    finally:
        con.close()


def test_edge_cases() -> None:
    con = duckdb.connect()
    for text in ["", "0", "05", "2024-02-29", "2026-02-29", "0000-01-01", "2026-1-05", "1\n"]:
        assert con.execute(SHAPES, [text]).fetchone() == (True, True, True), repr(text)
