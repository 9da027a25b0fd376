"""Print a validation result for people (the CLI, run.log): problems grouped per
file, the first ones of each kind listed and the rest counted. Formatting only;
the checks are in validate.py. Messages never hold personal values (validate.py
masks them before they get here).
"""

from __future__ import annotations

from collections import defaultdict

from runner.export.validate import LISTED_PER_GROUP, Problem, ValidatedExport


def problem_lines(export: ValidatedExport) -> list[str]:
    """One line per listed problem, grouped per file (in order of first appearance),
    with `… and N more` after a group whose problems were not all listed."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in export.problems:
        by_file[p.file].append(p)
    lines: list[str] = []
    for file, problems in by_file.items():
        shown: dict[tuple[str | None, str], int] = defaultdict(int)
        for p in problems:
            shown[(p.column, p.kind)] += 1
        total = sum(
            max(n, export.problem_totals.get((file, col, kind), 0))
            for (col, kind), n in shown.items()
        )
        lines.append(f"{file}: {total} problem{'s' if total != 1 else ''}")
        emitted: dict[tuple[str | None, str], int] = defaultdict(int)
        for p in problems:
            key = (p.column, p.kind)
            lines.append(f"  {p}")
            emitted[key] += 1
            all_of_kind = export.problem_totals.get((file, p.column, p.kind), 0)
            if emitted[key] == shown[key] and all_of_kind > shown[key]:
                where = f"column {p.column}" if p.column else "this file"
                lines.append(
                    f"  … and {all_of_kind - shown[key]:,} more {p.kind.replace('_', ' ')} problem(s) in {where} "
                    f"(first {LISTED_PER_GROUP} listed)"
                )
    return lines


def notice_lines(export: ValidatedExport) -> list[str]:
    return [f"notice: {n}" for n in export.notices]


def format_report(export: ValidatedExport, *, notices: bool = True) -> str:
    """The whole validation result as text (ends with a one-line verdict)."""
    lines: list[str] = []
    if notices:
        lines += notice_lines(export)
    lines += problem_lines(export)
    if export.ok:
        rows = sum(f.rows for f in export.files.values())
        lines.append(f"export accepted: {len(export.files)} file(s), {rows:,} data rows")
    else:
        n = export.problem_count
        lines.append(f"export rejected: {n:,} problem{'s' if n != 1 else ''} (nothing was loaded)")
    return "\n".join(lines)


def print_report(export: ValidatedExport, echo=print, *, notices: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Print the report line by line through `echo` (click.echo, a logger's info, print)."""
    for line in format_report(export, notices=notices).splitlines():
        echo(line)
