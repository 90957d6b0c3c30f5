"""Cheap checks on the first bytes of a file, before any engine sees it.

DuckDB's CSV reader accepts random binary bytes as a "CSV"; these checks
catch that and other unreadable input with a message a person can act on.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors

SAMPLE_SIZE = 4096
# Signatures of binary formats people often mislabel, for a better message.
_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx file is one)"),
    (b"PAR1", "a Parquet file"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
]


def check_text_sample(name: str, head: bytes) -> None:
    """Raise an OpenError if ``head`` (the first bytes) cannot be a text table."""
    if len(head) == 0:
        raise errors.EmptyFileError(
            "'" + name + "' is empty. Choose a file that has a header line and rows.")
    for magic, what in _MAGIC:
        if head[: len(magic)] == magic:
            raise errors.BinaryFileError(
                "'" + name + "' looks like " + what + ", not CSV text. "
                "Open it with its own file extension, or export it as CSV first.")
    if _looks_binary(head):
        raise errors.BinaryFileError(
            "'" + name + "' contains binary data, not text. "
            "Check that you chose the right file, or export it as CSV.")


def check_text(name: str, text: str) -> None:
    """Raise an OpenError if ``text`` cannot be a table (empty or blank)."""
    if not text.strip():
        raise errors.EmptyFileError(
            "'" + name + "' is empty. Give CSV text with a header line and at least one row.")
    if "\x00" in text[:SAMPLE_SIZE]:
        raise errors.BinaryFileError(
            "'" + name + "' contains NUL characters, so it is not CSV text. "
            "If it is UTF-16, save it as UTF-8 and try again.")


def _looks_binary(head: bytes) -> bool:
    """NUL bytes, or many control bytes, mean binary (UTF-16 has NULs too)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False  # UTF-16 with a byte-order mark: text, transcoded elsewhere
    if b"\x00" in head:
        return True
    control = 0
    for byte in head:
        if byte < 9 or 13 < byte < 32:
            control += 1
    return control * 10 > len(head)
