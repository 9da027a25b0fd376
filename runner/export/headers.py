"""How a delivered header row maps onto a contract table (shared by the validator
and the loaders, so both read the same column from the same position)."""

from __future__ import annotations

from dataclasses import dataclass

from runner.contract import TABLES, Table

# PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1): two long extra
# headers that agree on their first 63 bytes would collide there.
MAX_IDENTIFIER_BYTES = 63
# Header fields shown by name in messages: only names the contract itself uses. Any
# other field may be a value (a file whose header row is missing starts with data).
CONTRACT_NAMES = frozenset(c for t in TABLES.values() for c in t.column_names)
_SAFE_PUNCTUATION = " _-."


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


def safe_column_name(name: str) -> str:
    """An extra header as a raw-layer column name: letters, digits, space, `_-.` only
    (nothing a page or a SQL identifier could misread: `<script>` -> `_script_`),
    at most 63 bytes of UTF-8 (PostgreSQL's identifier limit)."""
    text = "".join(ch if ch.isalnum() or ch in _SAFE_PUNCTUATION else "_" for ch in name)
    return _truncate_bytes(text, MAX_IDENTIFIER_BYTES)


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


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
        raw = safe_column_name(name) or f"column_{pos + 1}"
        candidate, n = raw, 2
        while (
            candidate in used
        ):  # an empty, repeated or truncated-alike extra header still gets a column
            suffix = f"_{n}"
            candidate, n = _truncate_bytes(raw, MAX_IDENTIFIER_BYTES - len(suffix)) + suffix, n + 1
        used.add(candidate)
        extras.append((pos, candidate))
    return HeaderMap(positions=positions, extras=tuple(extras), duplicates=duplicates)


def describe_field(pos: int, header: str) -> str:
    """One header field for a message: its name when the contract uses that name,
    else only its position and length (it may be a value of the first data row)."""
    name = normalise_header(header)
    if name in CONTRACT_NAMES:
        return f"{pos + 1} {name}"
    return f"{pos + 1} ({len(header.strip())} characters)"


def describe_header(headers: list[str], limit: int = 30) -> str:
    """The header row for a message, by position: names only where they are contract names."""
    if not headers:
        return "no fields"
    shown = [describe_field(pos, h) for pos, h in enumerate(headers[:limit])]
    more = f", … {len(headers) - limit} more" if len(headers) > limit else ""
    return f"{len(headers)} field(s): " + ", ".join(shown) + more


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
