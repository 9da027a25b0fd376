"""How a delivered header row maps onto a contract table (shared by the validator
and the loaders, so both read the same column from the same position)."""

from __future__ import annotations

from dataclasses import dataclass

from runner.contract import Table


def normalise_header(header: str) -> str:
    """Headers match case-insensitively after trimming spaces (and a stray BOM)."""
    return header.replace("\ufeff", "").strip().lower()


@dataclass(frozen=True)
class HeaderMap:
    positions: dict[str, int]  # contract column name -> 0-based position in the file
    extras: tuple[tuple[int, str], ...]  # (position, raw column name) of extra columns
    duplicates: dict[str, tuple[int, ...]]  # normalised name -> positions, when repeated

    def extra_names(self) -> tuple[str, ...]:
        return tuple(name for _, name in self.extras)


def map_headers(table: Table, headers: list[str]) -> HeaderMap:
    seen: dict[str, list[int]] = {}
    for pos, header in enumerate(headers):
        seen.setdefault(normalise_header(header), []).append(pos)
    duplicates = {name: tuple(p) for name, p in seen.items() if len(p) > 1 and name}
    known = set(table.column_names)
    positions = {name: p[0] for name, p in seen.items() if name in known}
    extras: list[tuple[int, str]] = []
    used = set(known)
    for pos, header in enumerate(headers):
        name = normalise_header(header)
        if name in known:
            continue
        raw = name or f"column_{pos + 1}"
        candidate, n = raw, 2
        while candidate in used:  # an empty or repeated extra header still gets a column
            candidate, n = f"{raw}_{n}", n + 1
        used.add(candidate)
        extras.append((pos, candidate))
    return HeaderMap(positions=positions, extras=tuple(extras), duplicates=duplicates)


def positional_columns(n: int) -> str:
    """read_csv's `columns` struct for n all-text columns named c0..c(n-1).

    read_csv binds columns by position, so the file's own header names (which may
    repeat, be empty, hold quotes or a BOM) never reach SQL identifiers."""
    return "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(n)) + "}"


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_csv_sql(path: str, n_columns: int, *, rejects: str | None = None) -> str:
    """The bulk reader for a delivered (or converted) CSV: strict dialect, all text."""
    options = (
        f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        f"columns = {positional_columns(n_columns)}, null_padding = false, compression = 'auto'"
    )
    if rejects:
        options += (
            f", store_rejects = true, rejects_table = {sql_string(rejects + '_errors')}, "
            f"rejects_scan = {sql_string(rejects + '_scans')}"
        )
    return f"read_csv({sql_string(path)}, {options})"
