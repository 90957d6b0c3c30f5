"""What kind of file this is: format, compression and text encoding, from name and first bytes.

Magic bytes win over the file name (a Parquet file called data.csv opens as
Parquet); the name decides among text formats; content decides when the
name says nothing. Unsupported or unreadable files raise OpenError with what
to do instead.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors

# The closed set of formats Loupe reads, each with where it is read.
CSV = "csv"
JSON = "json"
JSON_LINES = "jsonl"
PARQUET = "parquet"
XLSX = "xlsx"
SQLITE = "sqlite"
FORMATS = (CSV, JSON, JSON_LINES, PARQUET, XLSX, SQLITE)
TEXT_FORMATS = (CSV, JSON, JSON_LINES)
# Formats read by the CPython worker (calamine for every workbook, sqlite3); the rest by DuckDB on the main thread.
PYTHON_FORMATS = (XLSX, SQLITE)

ENCODINGS = ("utf-8", "utf-16le", "utf-16be", "windows-1252")

_MAGIC = [
    (b"PAR1", PARQUET),
    (b"SQLite format 3\x00", SQLITE),
    (b"PK\x03\x04", XLSX),
]
# Magic that means a format only when the name agrees: OLE2 holds .xls workbooks
# and password-protected .xlsx files, but also Word and other Office files.
_NAMED_MAGIC = [
    (b"\xd0\xcf\x11\xe0", XLSX),
    # The first record (BOF, 4 or 6 bytes long) of a worksheet from Excel 2, 3 and 4 (app/core/biff_old.py).
    (b"\x09\x00\x04\x00", XLSX),
    (b"\x09\x02\x06\x00", XLSX),
    (b"\x09\x04\x06\x00", XLSX),
]
_BINARY_MAGIC = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "a Word or other Office file; if it is an Excel workbook, name it .xls"),
    (b"7z\xbc\xaf", "a 7-Zip archive; extract it first"),
    (b"Rar!", "a RAR archive; extract it first"),
]
_EXTENSIONS = [
    (".csv", CSV),
    (".tsv", CSV),
    (".tab", CSV),
    (".txt", CSV),
    (".psv", CSV),
    (".jsonl", JSON_LINES),
    (".ndjson", JSON_LINES),
    (".json", JSON),
    (".parquet", PARQUET),
    (".pq", PARQUET),
    (".xlsx", XLSX),
    (".xlsm", XLSX),
    (".xlsb", XLSX),
    (".xls", XLSX),
    (".ods", XLSX),
    (".sqlite", SQLITE),
    (".sqlite3", SQLITE),
    (".db", SQLITE),
]


def detect(name: str, head: bytes) -> dict:
    """``{format, compression, encoding}`` for a file called ``name`` starting with ``head``.

    For gzip files, ``head`` must be the first bytes *after* decompression
    and ``compressed`` tells that it was compressed: call ``is_gzip`` first.
    """
    if len(head) == 0:
        raise errors.EmptyFileError("'" + name + "' is empty. Choose a file that has a header line and rows.")
    inner = strip_gzip_suffix(name)
    for magic, fmt in _MAGIC:
        if head[: len(magic)] == magic:
            return {"format": fmt, "encoding": None}
    for magic, fmt in _NAMED_MAGIC:
        if head[: len(magic)] == magic and format_from_name(inner) == fmt:
            return {"format": fmt, "encoding": None}
    for magic, what in _BINARY_MAGIC:
        if head[: len(magic)] == magic:
            raise errors.BinaryFileError("'" + name + "' looks like " + what + ", not a data table Loupe can read.")
    by_name = format_from_name(inner)
    if by_name in (PARQUET, XLSX, SQLITE):
        raise errors.OpenError(
            "'" + name + "' is named like " + _ARTICLE[by_name] + " file but its content is not. "
            "The file may be damaged or only partly downloaded; try saving or downloading it again."
        )
    encoding = detect_encoding(head)
    if encoding is None:
        raise errors.BinaryFileError(
            "'" + name + "' contains binary data, not text. Check that you chose the right file, "
            "or export it as CSV, JSON, Parquet or Excel."
        )
    fmt = by_name or _format_from_text(head, encoding)
    if fmt == JSON and _looks_like_json_lines(head, encoding):
        fmt = JSON_LINES
    return {"format": fmt, "encoding": encoding}


def check_text(name: str, text: str) -> None:
    """Raise an OpenError if given ``text`` cannot be a table (empty, blank or with NULs)."""
    if not text.strip():
        raise errors.EmptyFileError("'" + name + "' is empty. Give CSV text with a header line and at least one row.")
    if "\x00" in text[:4096]:
        raise errors.BinaryFileError(
            "'" + name + "' contains NUL characters, so it is not CSV text. "
            "If it is UTF-16, save it as UTF-8 and try again."
        )


# How text in each encoding reaches DuckDB: (encoding DuckDB reads, encoding
# the browser must re-encode from first or None). DuckDB reads UTF-16 LE and
# Latin-1 itself, in place; UTF-16 BE it returns as no rows, so it is re-encoded.
_ENCODING_ROUTES = {
    "utf-8": ("utf-8", None),
    "utf-16le": ("utf-16", None),
    "utf-16be": ("utf-8", "utf-16be"),
    "windows-1252": ("latin-1", None),
}


def read_plan(fmt: str, encoding, gzip: bool) -> dict:
    """``{gzip, transcode, duckdb_encoding}``: how a text file reaches DuckDB.

    gzip is always undone in the browser (DuckDB reads a truncated gzip
    without a word); when the browser touches the bytes anyway, or the format
    is JSON (read as UTF-8 only), it also re-encodes them to UTF-8.
    """
    if encoding is None or fmt not in TEXT_FORMATS:
        return {"gzip": gzip, "transcode": None, "duckdb_encoding": None}
    if encoding not in _ENCODING_ROUTES:
        raise errors.OpenError("Unknown encoding " + repr(encoding) + "; choose one of " + ", ".join(ENCODINGS) + ".")
    duckdb_encoding, transcode = _ENCODING_ROUTES[encoding]
    if (gzip or fmt != CSV) and encoding != "utf-8":
        duckdb_encoding, transcode = "utf-8", encoding
    return {"gzip": gzip, "transcode": transcode, "duckdb_encoding": duckdb_encoding}


# Bytes the browser can hold while it decompresses, re-encodes or hands a whole
# file to Python. DuckDB reads plain CSV in place, so that has no limit here.
MAX_IN_MEMORY = 1_500_000_000
MAX_FOR_PYTHON = 300_000_000
GB = 1_000_000_000


def size_problem(name: str, fmt: str, plan: dict, size: int):
    """A message when ``name`` is too big to read the way ``plan`` says; else None."""
    whole = plan["gzip"] or plan["transcode"] or fmt in (JSON, JSON_LINES)
    if fmt in PYTHON_FORMATS and size > MAX_FOR_PYTHON:
        return (
            "'"
            + name
            + "' is "
            + _size(size)
            + ", too large to read in the browser as "
            + fmt
            + ". Export the sheet or table you need as CSV or Parquet and open that."
        )
    if whole and size > MAX_IN_MEMORY:
        how = "decompressed" if plan["gzip"] else ("re-encoded" if plan["transcode"] else "parsed as JSON")
        return (
            "'" + name + "' is " + _size(size) + "; it would have to be " + how + " in memory, which is more "
            "than a browser tab can hold. Open a sample of it, or convert it to Parquet (or uncompressed "
            "UTF-8 CSV, which Loupe reads in place) first."
        )
    return None


def _size(size: int) -> str:
    if size >= GB:
        return str(round(size / GB, 1)) + " GB"
    return str(round(size / 1_000_000)) + " MB"


def is_gzip(head: bytes) -> bool:
    """True if ``head`` starts a gzip stream."""
    return head[:2] == b"\x1f\x8b"


def strip_gzip_suffix(name: str) -> str:
    """``'data.csv.gz'`` -> ``'data.csv'``."""
    lowered = name.lower()
    for suffix in (".gz", ".gzip"):
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def format_from_name(name: str):
    """The format a file name promises, or None."""
    lowered = name.lower()
    for suffix, fmt in _EXTENSIONS:
        if lowered.endswith(suffix):
            return fmt
    return None


def detect_encoding(head: bytes):
    """'utf-8', 'utf-16le', 'utf-16be' or 'windows-1252'; None for binary data.

    A byte-order mark decides; otherwise valid UTF-8 is UTF-8, text with
    NULs at every other byte is BOM-less UTF-16, other NULs mean binary,
    and anything else is read as Windows-1252 (a superset of Latin-1).
    A NUL character means binary whatever the byte-order mark says.
    """
    if head[:3] == b"\xef\xbb\xbf":
        return None if b"\x00" in head else "utf-8"
    if head[:2] == b"\xff\xfe":
        return _without_nul(head[2:], "utf-16le")
    if head[:2] == b"\xfe\xff":
        return _without_nul(head[2:], "utf-16be")
    if b"\x00" in head:
        found = _utf16_without_bom(head)
        return _without_nul(head, found) if found else None
    if _control_share(head) > 0.1:
        return None
    if valid_utf8(head):
        return "utf-8"
    return "windows-1252"


def valid_utf8(data: bytes, allow_cut_end: bool = True) -> bool:
    """True if ``data`` is valid UTF-8 (a sequence cut by the end of a sample is allowed).

    Written out by hand: MicroPython's ``bytes.decode`` does not validate.
    """
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        if byte < 0x80:
            i += 1
            continue
        if 0xC2 <= byte <= 0xDF:
            width = 2
        elif 0xE0 <= byte <= 0xEF:
            width = 3
        elif 0xF0 <= byte <= 0xF4:
            width = 4
        else:
            return False
        if i + width > n:
            return allow_cut_end and all(0x80 <= b <= 0xBF for b in data[i + 1 :])
        for j in range(1, width):
            if not 0x80 <= data[i + j] <= 0xBF:
                return False
        i += width
    return True


_ARTICLE = {PARQUET: "a Parquet", XLSX: "an Excel", SQLITE: "an SQLite"}


def _utf16_without_bom(head: bytes):
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    even = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16be"
    return None


def _without_nul(body: bytes, encoding: str):
    """``encoding``, or None when the UTF-16 ``body`` holds a NUL character (two zero bytes, aligned).

    DuckDB would read the NUL into a value or a column name, which no SQL can quote.
    """
    for i in range(0, len(body) - 1, 2):
        if body[i] == 0 and body[i + 1] == 0:
            return None
    return encoding


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    control = 0
    for byte in head:
        if byte < 9 or 13 < byte < 32 or byte == 127:
            control += 1
    return control / len(head)


def _first_text(head: bytes, encoding: str) -> str:
    if encoding.startswith("utf-16"):
        # Enough for a first character: every other byte of ASCII text.
        body = head[2:] if head[:2] in (b"\xff\xfe", b"\xfe\xff") else head
        offset = 0 if encoding == "utf-16le" else 1
        low = bytearray()
        for i in range(offset, min(len(body), 512), 2):  # no extended slices on MicroPython
            low.append(body[i] if body[i] < 0x80 else 0x3F)
        return bytes(low).decode("utf-8")
    start = 3 if head[:3] == b"\xef\xbb\xbf" else 0
    return bytes(head[start : start + 4096]).decode("utf-8", "ignore")


def _format_from_text(head: bytes, encoding: str) -> str:
    text = _first_text(head, encoding).lstrip()
    if text[:1] in ("[", "{"):
        return JSON
    return CSV


def _looks_like_json_lines(head: bytes, encoding: str) -> bool:
    """JSON Lines: an object on the first line and another line starting with '{'."""
    text = _first_text(head, encoding).lstrip()
    if not text.startswith("{"):
        return False
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    return len(lines) > 1 and lines[0].endswith("}") and lines[1].startswith("{")
