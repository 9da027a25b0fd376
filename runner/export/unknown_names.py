"""Schedule type and template names the seeds do not list: a notice (the contract
requires one), so the team can add them to the seed. Names are configuration, not
personal data, but a notice shows at most NAMES_SHOWN of them, each cut to
NAME_CHARS and quoted with repr (no control characters reach a log)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from runner.export.headers import sql_string

NAMES_SHOWN = 10
NAME_CHARS = 60


@dataclass(frozen=True)
class Seeded:
    column: str  # the export column
    seed: str  # the seed (file base name under seeds/)
    seed_column: str
    meaning: str  # what an unknown name becomes


SEEDED = {
    "appointments": Seeded(
        "schedule_type_name", "schedule_types", "schedule_type_name", "service other"
    ),
    "encounters": Seeded("template_name", "encounter_templates", "template_name", "event unknown"),
}


@cache
def seed_names(seed: str) -> tuple[str, ...]:
    """The seed's names, lower case and trimmed (as staging matches them)."""
    from runner.dbt import project_dir

    with (project_dir() / "seeds" / f"{seed}.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(
            sorted(
                {(row.get(SEED_COLUMNS[seed]) or "").strip().lower() for row in csv.DictReader(fh)}
            )
        )


SEED_COLUMNS = {s.seed: s.seed_column for s in SEEDED.values()}


def unknown_sql(table: str, positions: dict[str, int]) -> str | None:
    """SQL (over c0..cN) true for a non-blank value the seed does not list; None when
    the table has no seeded column or the column is absent."""
    seeded = SEEDED.get(table)
    if seeded is None or seeded.column not in positions:
        return None
    value = f"lower(trim(c{positions[seeded.column]}))"
    known = ", ".join(sql_string(n) for n in seed_names(seeded.seed))
    return f"({value} <> '' and {value} not in ({known}))"


def notice(con, table: str, fname: str, source_sql: str, positions: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    """The notice for a file where unknown_sql matched (one grouped pass over the file)."""
    seeded = SEEDED[table]
    condition = unknown_sql(table, positions)
    col = f"trim(c{positions[seeded.column]})"
    rows = con.execute(
        f"select {col} as name, count(*) as n, count(*) over () as names from {source_sql} "
        f"where {condition} group by 1 order by n desc, name limit {NAMES_SHOWN}"
    ).fetchall()
    total = rows[0][2] if rows else 0
    shown = ", ".join(f"{name[:NAME_CHARS]!r} ({n:,} rows)" for name, n, _ in rows)
    more = f", … {total - len(rows)} more" if total > len(rows) else ""
    return (
        f"{fname}: {total} {seeded.column.replace('_', ' ')}(s) not in the {seeded.seed} seed "
        f"(counted as {seeded.meaning}; add them to seeds/{seeded.seed}.csv): {shown}{more}"
    )
