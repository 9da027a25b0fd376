"""The export's layout before its rows: which file is each table's (discover) and
whether a file's header row has the contract's columns (check_headers)."""

from __future__ import annotations

from pathlib import Path

from runner.contract import FILE_SUFFIXES, MANIFEST_FILE, TABLES, Table
from runner.export import boundary
from runner.export.headers import HeaderMap, describe_field, describe_header
from runner.export.problems import Found, Kind, Problem


def discover(export_dir: Path, found: Found) -> dict[str, Path]:
    """The file chosen for each contract table; missing, duplicate and irregular files
    are problems, absent optional tables and unknown files notices."""
    chosen: dict[str, Path] = {}
    known_names = {MANIFEST_FILE}
    present = boundary.entries(export_dir)
    for name in sorted(present):
        what = boundary.not_regular(present[name])
        if what and (
            name == MANIFEST_FILE or any(name == t + s for t in TABLES for s in FILE_SUFFIXES)
        ):
            found.add(
                Problem(
                    name,
                    None,
                    None,
                    what,
                    boundary.EXPECTED,
                    kind=Kind.NOT_REGULAR,
                    masked=True,
                )
            )
    for name, table in TABLES.items():
        candidates = [name + s for s in FILE_SUFFIXES]
        known_names.update(candidates)
        delivered = [export_dir / c for c in candidates if c in present]
        regular = [f for f in delivered if not boundary.not_regular(present[f.name])]
        if len(delivered) > 1:
            found.add(
                Problem(
                    file=", ".join(p.name for p in delivered),
                    row=None,
                    column=None,
                    value=None,
                    expected=f"exactly one file for table {name} (which one is the export?)",
                    kind=Kind.DUPLICATE_FILE,
                )
            )
        elif regular:
            chosen[name] = regular[0]
        elif delivered:
            pass  # not a regular file: reported above
        elif table.required:
            near = [n for n in present if n.lower() in {c.lower() for c in candidates}]
            hint = f"; found {', '.join(near)} (names are lower case)" if near else ""
            found.add(
                Problem(
                    file=name + ".csv",
                    row=None,
                    column=None,
                    value=None,
                    expected=" or ".join(candidates) + f" in {export_dir}{hint}",
                    kind=Kind.MISSING_FILE,
                )
            )
        else:
            found.notices.append(f"{name}: no file delivered; loaded as an empty table")
    ignored = sorted(n for n in present if n not in known_names and not n.startswith("."))
    if ignored:
        shown = ", ".join(repr(n)[:60] for n in ignored[:20]) + (
            f", … {len(ignored) - 20} more" if len(ignored) > 20 else ""
        )
        found.notices.append(f"files not in the contract, ignored: {shown}")
    return chosen


def check_headers(
    found: Found, table: Table, fname: str, headers: list[str], hmap: HeaderMap
) -> bool:
    """Header problems and notices. Fields are named only when the contract uses
    the name (headers.describe_field): a missing header row starts with data."""
    ok = True
    for name, positions in hmap.duplicates.items():
        found.add(
            Problem(
                fname,
                None,
                name if name in table.column_names else None,
                f"{len(positions)} times (positions {', '.join(str(p + 1) for p in positions)})",
                "each column once in the header (names match case-insensitively)",
                kind=Kind.DUPLICATE_COLUMN,
            )
        )
        ok = False
    missing_required = False
    for column in table.columns:
        if column.name in hmap.positions:
            continue
        if column.required:
            missing_required = True
            found.add(
                Problem(
                    fname,
                    None,
                    column.name,
                    None,
                    f"a column named {column.name}; the header has {describe_header(headers)}",
                    kind=Kind.MISSING_COLUMN,
                )
            )
        else:
            found.notices.append(
                f"{fname}: optional column {column.name} is absent (loaded as empty)"
            )
    renamed = [
        h for h in headers if h != h.strip().lower() and h.strip().lower() in table.column_names
    ]
    if renamed:
        found.notices.append(
            f"{fname}: header names matched ignoring case and spaces: "
            + ", ".join(repr(h) for h in renamed)
        )
    if hmap.extras:
        # A header missing a required column may be a data row: extras by position only.
        shown = [
            describe_field(pos, headers[pos]) if missing_required else f"{pos + 1} {name}"
            for pos, name in hmap.extras[:30]
        ]
        more = f", … {len(hmap.extras) - 30} more" if len(hmap.extras) > 30 else ""
        found.notices.append(
            f"{fname}: extra column(s) kept in the raw layer, ignored by the models: "
            + ", ".join(shown)
            + more
        )
    return ok
