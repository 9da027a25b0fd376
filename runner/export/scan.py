"""One pass over an export file's bytes (SHA-256, newlines, NUL bytes, runs of blank
lines) and the header row read in Python: what validate.py needs before DuckDB reads."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from runner.export import boundary

_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 20  # the header row must fit in the first MiB
# Give up on a file after this many blank lines in a row (a gzip of gigabytes of
# blank lines is a few KiB delivered): no export has them, and reading on costs minutes.
BLANK_LINES_RUN = 10_000
_BLANK_RUNS = (b"\n" * BLANK_LINES_RUN, b"\r\n" * BLANK_LINES_RUN)
_CHUNK = 1 << 22


@dataclass(frozen=True)
class Scan:
    """What one pass over a file's bytes found (runs in a thread: hashlib and zlib
    release the GIL)."""

    sha256: str  # of the bytes as delivered
    newlines: int  # b"\n" in a plain CSV (0 for .gz / .xlsx)
    nul_at: int | None = None  # byte offset (of the CSV text) of the first NUL byte
    blank_run_at: int | None = None  # byte offset where BLANK_LINES_RUN blank lines in a row end


def _find_blank_run(window: bytes) -> int:
    return max(window.find(b) for b in _BLANK_RUNS)


def _scan_text(chunks, scan_from: int = 0):  # type: ignore[no-untyped-def]
    """(newlines, first NUL offset, blank-run offset) over an iterable of CSV text chunks;
    stops at a run of blank lines."""
    newlines, nul_at, blank_at, offset, tail = 0, None, None, scan_from, b""
    for chunk in chunks:
        newlines += chunk.count(b"\n")
        if nul_at is None and (i := chunk.find(b"\0")) >= 0:
            nul_at = offset + i
        window = tail + chunk
        if (j := _find_blank_run(window)) >= 0:
            blank_at = offset - len(tail) + j
            break
        tail = window[-len(_BLANK_RUNS[1]) :]
        offset += len(chunk)
    return newlines, nul_at, blank_at


def _read_chunks(fh):  # type: ignore[no-untyped-def]
    while chunk := fh.read(_CHUNK):
        yield chunk


def hash_and_scan(path: Path) -> Scan:
    """SHA-256 of the bytes as delivered; for a CSV (plain or gzip) also its newline
    count, its first NUL byte and whether it holds a run of blank lines."""
    import gzip

    digest = hashlib.sha256()
    fd = boundary.open_regular(path)
    with open(fd, "rb") as fh:
        if path.name.endswith(".xlsx"):
            for chunk in _read_chunks(fh):
                digest.update(chunk)
            return Scan(digest.hexdigest(), 0)
        if path.name.endswith(".gz"):
            for chunk in _read_chunks(fh):
                digest.update(chunk)
            fh.seek(0)
            try:
                with gzip.GzipFile(fileobj=fh) as gz:
                    _, nul_at, blank_at = _scan_text(_read_chunks(gz))
            except (OSError, EOFError):
                nul_at = blank_at = None  # not gzip: the reader says so
            return Scan(digest.hexdigest(), 0, nul_at, blank_at)

        def hashed():  # type: ignore[no-untyped-def]
            for chunk in _read_chunks(fh):
                digest.update(chunk)
                yield chunk

        chunks = hashed()
        newlines, nul_at, blank_at = _scan_text(chunks)
        for chunk in chunks:  # a blank run stopped the scan: the hash still covers every byte
            newlines += chunk.count(b"\n")
        return Scan(digest.hexdigest(), newlines, nul_at, blank_at)


def _open_head(path: Path) -> bytes:
    fd = boundary.open_regular(path)
    with open(fd, "rb") as fh:
        if path.name.endswith(".gz"):
            import gzip

            with gzip.GzipFile(fileobj=fh) as gz:
                return gz.read(_HEAD_BYTES)
        return fh.read(_HEAD_BYTES)


@dataclass
class Head:
    headers: list[str] | None  # None: no header (empty file)
    bom: bool = False
    crlf: bool = False
    bad_utf8_at: int | None = None  # byte offset of invalid UTF-8 in the header row
    unreadable: str | None = None  # why the header row cannot be read (never its text)


def read_head(path: Path) -> Head:
    raw = _open_head(path)
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    if not body.strip(b" \t\r\n"):
        return Head(headers=None, bom=bom)
    if len(raw) == _HEAD_BYTES and b"\n" not in body:
        return Head(
            headers=None, bom=bom, unreadable=f"a header row shorter than {_HEAD_BYTES:,} bytes"
        )
    text = body.decode("utf-8", errors="replace")
    try:
        record = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        # e.g. a field over csv.field_size_limit() (128 KiB): not a header
        return Head(
            headers=None,
            bom=bom,
            unreadable=f"header fields of at most {csv.field_size_limit():,} characters",
        )
    if not any(h.strip() for h in record):
        return Head(headers=None, bom=bom)
    bad_at = None
    if "\ufffd" in "".join(record):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as err:
            bad_at = err.start + (len(_BOM) if bom else 0)
    first_nl = body.find(b"\n")
    crlf = first_nl > 0 and body[first_nl - 1 : first_nl] == b"\r"
    return Head(headers=record, bom=bom, crlf=crlf, bad_utf8_at=bad_at)
