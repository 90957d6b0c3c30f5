"""Format, compression and encoding detection from a file name and its first bytes."""

import gzip
import json
from pathlib import Path

import pytest

from app.core import errors, file_kinds

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "vega-datasets" / "data"


@pytest.mark.parametrize(
    "name, head, fmt, encoding",
    [
        ("seattle-weather.csv", (DATA / "seattle-weather.csv").read_bytes()[:8192], "csv", "utf-8"),
        ("unemployment.tsv", (DATA / "unemployment.tsv").read_bytes()[:8192], "csv", "utf-8"),
        ("movies.json", (DATA / "movies.json").read_bytes()[:8192], "json", "utf-8"),
        ("flights-3m.parquet", (DATA / "flights-3m.parquet").read_bytes()[:8192], "parquet", None),
        ("export", b'[{"a": 1}]', "json", "utf-8"),
        ("export", b'{"a": 1}\n{"a": 2}\n', "jsonl", "utf-8"),
        ("data.json", b'{"a": 1}\n{"a": 2}\n', "jsonl", "utf-8"),
        ("data.json", b'{"rows": [1, 2]}', "json", "utf-8"),
        ("log.ndjson", b'{"a": 1}', "jsonl", "utf-8"),
        ("mislabelled.csv", b"PAR1\x15\x04", "parquet", None),
        ("book.xlsx", b"PK\x03\x04\x14\x00", "xlsx", None),
        # Every workbook goes to the worker, which tells the kinds apart (python-calamine).
        ("book.ods", b"PK\x03\x04\x14\x00", "xlsx", None),
        ("book.xlsb", b"PK\x03\x04\x14\x00", "xlsx", None),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx", None),
        ("OLD.XLS.gz", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx", None),
        # An OLE2 container named .xlsx is a password-protected workbook: the worker says so.
        ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xlsx", None),
        ("shop.db", b"SQLite format 3\x00\x10\x00", "sqlite", None),
        ("x.csv", "naïve;café\n1;2\n".encode("utf-8"), "csv", "utf-8"),
        ("x.csv", b"\xef\xbb\xbfa,b\n", "csv", "utf-8"),
        ("x.csv", "a,b\nJosé,1\n".encode("cp1252"), "csv", "windows-1252"),
        ("x.csv", "a,b\n€5,1\n".encode("cp1252"), "csv", "windows-1252"),
        ("x.csv", "a,b\nJosé,1\n".encode("utf-16"), "csv", "utf-16le"),
        ("x.csv", "a,b\nJosé,1\n".encode("utf-16-le"), "csv", "utf-16le"),
        ("x.csv", b"\xfe\xff" + "a,b\nJosé,1\n".encode("utf-16-be"), "csv", "utf-16be"),
        ("x.csv", "a,b\nJosé,1\n".encode("utf-16-be"), "csv", "utf-16be"),
        ("x.json", '[{"a": "é"}]'.encode("utf-16"), "json", "utf-16le"),
        ("x.csv", "a,b\nJos\u00e9".encode("utf-8")[:-1], "csv", "utf-8"),  # a character cut by the sample's end
    ],
)
def test_detect(name, head, fmt, encoding):
    assert file_kinds.detect(name, head) == {"format": fmt, "encoding": encoding}


@pytest.mark.parametrize(
    "name, head, error, phrase",
    [
        ("empty.csv", b"", errors.EmptyFileError, "is empty"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n", errors.BinaryFileError, "PNG image"),
        ("letter.doc", b"\xd0\xcf\x11\xe0\xa1\xb1", errors.BinaryFileError, "if it is an Excel workbook, name it .xls"),
        ("notole.xls", b"hello, this is text", errors.OpenError, "named like an Excel file"),
        ("notzip.ods", b"hello, this is text", errors.OpenError, "content is not"),
        ("noise.csv", bytes(range(256)) * 4, errors.BinaryFileError, "binary data"),
        ("nul.csv", b"a,b\x00\n1,2\x00\x00\x01", errors.BinaryFileError, "binary data"),
        # A NUL character whatever the byte-order mark says (found by test_reader_properties:
        # DuckDB read it into a column name, which sql.quote_ident refuses with a ValueError).
        ("nul16.csv", "a\x00,b\n1,2\n".encode("utf-16"), errors.BinaryFileError, "binary data"),
        ("nul16be.csv", b"\xfe\xff" + "a,b\n\x00,2\n".encode("utf-16-be"), errors.BinaryFileError, "binary data"),
        ("nul16.csv", ("a,b\n" + "x,1\n" * 20 + "\x00").encode("utf-16-le"), errors.BinaryFileError, "binary data"),
        ("nul8.csv", b"\xef\xbb\xbfa\x00,b\n1,2\n", errors.BinaryFileError, "binary data"),
        ("notzip.xlsx", b"hello, this is text", errors.OpenError, "named like an Excel file"),
        ("fake.parquet", b"a,b\n1,2\n", errors.OpenError, "named like a Parquet file"),
        ("fake.sqlite", b"CREATE TABLE", errors.OpenError, "named like an SQLite file"),
    ],
)
def test_unreadable_files_are_explained(name, head, error, phrase):
    with pytest.raises(error) as raised:
        file_kinds.detect(name, head)
    assert phrase in str(raised.value) and f"'{name}'" in str(raised.value)


@pytest.mark.parametrize(
    "fmt, encoding, gzip_, plan",
    [
        ("csv", "utf-8", False, {"gzip": False, "transcode": None, "duckdb_encoding": "utf-8"}),
        ("csv", "windows-1252", False, {"gzip": False, "transcode": None, "duckdb_encoding": "latin-1"}),
        ("csv", "utf-16le", False, {"gzip": False, "transcode": None, "duckdb_encoding": "utf-16"}),
        ("csv", "utf-16be", False, {"gzip": False, "transcode": "utf-16be", "duckdb_encoding": "utf-8"}),
        ("csv", "windows-1252", True, {"gzip": True, "transcode": "windows-1252", "duckdb_encoding": "utf-8"}),
        ("json", "utf-16le", False, {"gzip": False, "transcode": "utf-16le", "duckdb_encoding": "utf-8"}),
        ("parquet", None, False, {"gzip": False, "transcode": None, "duckdb_encoding": None}),
    ],
)
def test_read_plan(fmt, encoding, gzip_, plan):
    assert file_kinds.read_plan(fmt, encoding, gzip_) == plan


def test_read_plan_rejects_unknown_encodings():
    with pytest.raises(errors.OpenError, match="choose one of"):
        file_kinds.read_plan("csv", "ebcdic", False)


def test_gzip_helpers():
    assert file_kinds.is_gzip(gzip.compress(b"a,b\n"))
    assert not file_kinds.is_gzip(b"a,b\n")
    assert file_kinds.strip_gzip_suffix("Data.CSV.GZ") == "Data.CSV"
    assert file_kinds.strip_gzip_suffix("data.csv") == "data.csv"


@pytest.mark.parametrize(
    "data, valid",
    [
        (b"plain", True),
        ("é€😀".encode(), True),
        ("é".encode()[:1], True),
        (b"\xc3\x28", False),
        (b"\xe2\x82", True),
        (b"\xe2\x28\xa1", False),
        (b"\xff", False),
        (b"\xc0\xaf", False),
    ],
)
def test_valid_utf8_matches_cpython(data, valid):
    assert file_kinds.valid_utf8(data) is valid
    if valid and not data.endswith((b"\xc3", b"\xe2\x82")):
        data.decode("utf-8")


@pytest.mark.parametrize("text", ["", "   \n\t", "a,b\x00\n"])
def test_unreadable_text_is_rejected(text):
    with pytest.raises(errors.OpenError):
        file_kinds.check_text("x.csv", text)


def test_every_format_has_a_name_or_a_magic():
    named = {fmt for _, fmt in file_kinds._EXTENSIONS}
    assert named == set(file_kinds.FORMATS)
    assert json.loads(json.dumps(file_kinds.FORMATS)) == list(file_kinds.FORMATS)


@pytest.mark.parametrize(
    "name, fmt, gzip_, encoding, size, phrase",
    [
        ("big.csv", "csv", False, "utf-8", 40 * 10**9, None),  # read in place by DuckDB
        ("big.csv.gz", "csv", True, "utf-8", 2 * 10**9, "decompressed in memory"),
        ("big.csv", "csv", False, "utf-16be", 2 * 10**9, "re-encoded in memory"),
        ("big.json", "json", False, "utf-8", 2 * 10**9, "parsed as JSON"),
        ("book.xlsx", "xlsx", False, None, 400 * 10**6, "too large to read in the browser as xlsx"),
        ("small.json", "json", False, "utf-8", 10**6, None),
    ],
)
def test_size_limits(name, fmt, gzip_, encoding, size, phrase):
    problem = file_kinds.size_problem(name, fmt, file_kinds.read_plan(fmt, encoding, gzip_), size)
    if phrase is None:
        assert problem is None
    else:
        assert phrase in problem and f"'{name}'" in problem and ("Parquet" in problem or "CSV" in problem)
