"""What a rejected export is told: `Problem` (one reason, one line) and `Kind`.

No message shows a value from the export's rows (any row may be personal data, or
a file whose header row is missing may start with a patient's record):

- a personal column (contract pii=True): `<personal data, N characters>`;
- any other column: the value's *shape*, `<shaped 99/99/9999, 10 characters>`
  (digits as 9, letters as a/A, punctuation and spaces as they are), which says
  what is wrong with a date or a code without saying what it was;
- an identifier that repeats: the identifier itself (digits only; ids are in the
  worklist anyway).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VALUE_SHOWN_CHARS = 60
SHAPE_CHARS = 30
_PLAIN_ID = re.compile(r"[0-9]{1,20}")
_SHOWN_PUNCTUATION = set(" !#$%&()*+,-./:;<=>?@[]^_`{|}~'\"\\")


class Kind:
    """What a problem is (Problem.kind): one per rejection class of the contract."""

    MISSING_FILE = "missing_file"
    EMPTY_FILE = "empty_file"
    DUPLICATE_FILE = "duplicate_file"
    NOT_REGULAR = "not_regular_file"
    BAD_WORKBOOK = "bad_workbook"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    REQUIRED = "required"
    TYPE = "type"
    ENUM = "enum"
    UNIQUE = "unique"
    MALFORMED = "malformed"
    ENCODING = "encoding"
    NUL_BYTE = "nul_byte"
    MANIFEST = "manifest"


def mask_personal(length: int | None) -> str:
    return f"<personal data, {length or 0} characters>"


def shape(value: str) -> str:
    """The value with every digit as 9 and every letter as a/A (a shape, not a value)."""
    out = []
    for ch in value[:SHAPE_CHARS]:
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif ch in _SHOWN_PUNCTUATION:
            out.append(ch)
        else:
            out.append("?")  # control characters, symbols, other spaces
    more = "…" if len(value) > SHAPE_CHARS else ""
    return f"<shaped {''.join(out)}{more}, {len(value)} characters>"


def shown_identifier(value: str) -> str:
    """A repeated id as written when it is plain digits, else its shape."""
    return value if _PLAIN_ID.fullmatch(value) else shape(value)


@dataclass(frozen=True)
class Problem:
    """One reason the export is rejected. `value` is never a value of the export's
    rows: a shape or a mask (masked=True), a count, a position, or our own text."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    kind: str = Kind.TYPE
    personal: bool = False
    masked: bool = False  # value is a shape/mask (shown as is, not quoted)

    def location(self) -> str:
        text = self.file
        if self.row is not None:
            text += f" row {self.row}"
        if self.column is not None:
            text += f", column {self.column}"
        return text

    def shown_value(self) -> str:
        if self.value is None:
            return ""
        if self.personal or self.masked:
            return self.value
        text = (
            self.value
            if len(self.value) <= VALUE_SHOWN_CHARS
            else self.value[:VALUE_SHOWN_CHARS] + "…"
        )
        return repr(text)

    def detail(self) -> str:
        k, v = self.kind, self.shown_value()
        if k in (Kind.TYPE, Kind.ENUM):
            return f"{v} is not {self.expected}"
        if k == Kind.REQUIRED:
            return f"required value is empty (expected {self.expected})"
        if k == Kind.UNIQUE:
            return f"{v} repeats (expected {self.expected})"
        if k == Kind.MISSING_COLUMN:
            return f"required column is missing (expected {self.expected})"
        if k == Kind.MISSING_FILE:
            return f"required file is missing (expected {self.expected})"
        if k == Kind.EMPTY_FILE:
            return f"file is empty (expected {self.expected})"
        if k == Kind.NOT_REGULAR:
            return f"is {self.value}, not a regular file (expected {self.expected})"
        if k == Kind.MALFORMED and self.value is None:
            return f"cannot be read (expected {self.expected})"
        if k == Kind.MALFORMED:
            return f"malformed CSV record ({self.value}): expected {self.expected}"
        if k == Kind.NUL_BYTE:
            return f"holds {self.value} (expected {self.expected})"
        if k == Kind.ENCODING:
            return f"not valid UTF-8 ({self.value})"
        if k == Kind.DUPLICATE_FILE:
            return f"two files for one table (expected {self.expected})"
        if k == Kind.DUPLICATE_COLUMN:
            return f"the header names it {self.value} (expected {self.expected})"
        if self.value:
            return f"{self.value} (expected {self.expected})"
        return f"cannot be used (expected {self.expected})"

    def __str__(self) -> str:
        return f"{self.location()}: {self.detail()}"

    def as_dict(self) -> dict[str, object]:
        """For summary.json and the like (a personal value is already masked)."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
            "kind": self.kind,
            "message": str(self),
        }


@dataclass
class Found:
    """What a validation collects as it goes: problems, notices, and for a (file, column,
    kind) group with more problems than are listed, how many there are in all."""

    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    totals: dict[tuple[str, str | None, str], int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
