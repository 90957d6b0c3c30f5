"""app.core.biff_old against xlrd 2.0.2: the corpus's Excel 4.0 worksheet and BIFF2, BIFF3 and BIFF4
worksheets written here record by record; damaged and hostile files raise ValueError."""

import datetime
import io
import random
import struct

import pytest
import xlrd

from app.core import biff_old
from tools import workbook_corpus as corpus

SAMPLE = corpus.FILES / "xlrd" / "biff4_no_format_no_window2.xls"
# The formats each XF below points to, in the order of the FORMAT records.
FORMATS = ["General", "0.00", "m/d/yy", "h:mm", "m/d/yy h:mm", "[h]:mm:ss", '"Date:" 0', "yyyy\\-mm\\-dd"]


@pytest.fixture(scope="module", autouse=True)
def corpus_present():
    corpus.ensure_corpus()


def record(kind: int, body: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def cell_header(version: int, row: int, column: int, xf: int) -> bytes:
    if version == 2:
        return struct.pack("<HH", row, column) + bytes([xf & 0x3F, 0, 0])
    return struct.pack("<HHH", row, column, xf)


def text(version: int, value: bytes, lenlen: int | None = None) -> bytes:
    size = lenlen or (1 if version == 2 else 2)
    return (bytes([len(value)]) if size == 1 else struct.pack("<H", len(value))) + value


def rk(value: int, hundredths: bool = False) -> int:
    return ((value & 0x3FFFFFFF) << 2) | 2 | int(hundredths)


def worksheet(version: int, datemode: int = 0, codepage: int | None = None, cells: bytes | None = None) -> bytes:
    """A BIFF``version`` worksheet of every cell kind; one XF per FORMATS entry (XF i has format i)."""
    bof = {2: 0x0009, 3: 0x0209, 4: 0x0409}[version]
    out = record(bof, struct.pack("<HH", 0, 0x0010))
    if codepage is not None:
        out += record(0x0042, struct.pack("<H", codepage))
    out += record(0x0022, struct.pack("<H", datemode))
    for fmt in FORMATS:
        encoded = text(1, fmt.encode("cp1252"), 1)
        out += record(0x041E, b"\0\0" + encoded) if version == 4 else record(0x001E, encoded)
    for index in range(len(FORMATS)):
        if version == 2:
            out += record(0x0043, bytes([0, 0, index, 0]))
        else:
            kind = 0x0243 if version == 3 else 0x0443
            out += record(kind, bytes([0, index]) + bytes(10))
    number = {2: 0x0003, 3: 0x0203, 4: 0x0203}[version]
    label = 0x0004 if version == 2 else 0x0204
    boolerr = 0x0005 if version == 2 else 0x0205
    formula = {2: 0x0006, 3: 0x0206, 4: 0x0406}[version]
    string = 0x0007 if version == 2 else 0x0207
    flags = b"\0" if version == 2 else b"\0\0"
    if cells is None:
        cells = b"".join(
            [
                record(label, cell_header(version, 0, 0, 0) + text(version, b"name")),
                record(label, cell_header(version, 0, 1, 0) + text(version, b"caf\xe9 \x80")),
                record(number, cell_header(version, 1, 0, 1) + struct.pack("<d", 3.25)),
                record(number, cell_header(version, 1, 1, 2) + struct.pack("<d", 45000.0)),
                record(number, cell_header(version, 1, 2, 3) + struct.pack("<d", 0.75)),
                record(number, cell_header(version, 1, 3, 4) + struct.pack("<d", 45000.5)),
                record(number, cell_header(version, 1, 5, 6) + struct.pack("<d", 12.0)),
                record(number, cell_header(version, 1, 6, 7) + struct.pack("<d", 30.0)),
                record(boolerr, cell_header(version, 2, 0, 0) + bytes([1, 0])),
                record(boolerr, cell_header(version, 2, 1, 0) + bytes([7, 1])),
                record(boolerr, cell_header(version, 2, 2, 0) + bytes([0, 0])),
                record(formula, cell_header(version, 3, 0, 0) + struct.pack("<d", 7.5) + flags + b"\0" * 6),
                record(formula, cell_header(version, 3, 1, 0) + bytes([0, 0, 0, 0, 0, 0, 255, 255]) + flags),
                record(string, text(version, b"from a formula")),
                record(formula, cell_header(version, 3, 2, 0) + bytes([1, 0, 1, 0, 0, 0, 255, 255]) + flags),
                record(formula, cell_header(version, 3, 3, 0) + bytes([2, 0, 7, 0, 0, 0, 255, 255]) + flags),
                record(formula, cell_header(version, 3, 4, 2) + struct.pack("<d", 1.0) + flags),
                record(label, cell_header(version, 5, 3, 0) + text(version, b"after an empty row")),
            ]
        )
        if version == 2:
            cells += record(0x0002, cell_header(2, 4, 0, 0) + struct.pack("<H", 65535))
        else:
            cells += record(0x027E, cell_header(version, 4, 0, 0) + struct.pack("<I", rk(-12345, True)))
            cells += record(0x027E, cell_header(version, 4, 1, 2) + struct.pack("<I", rk(45000)))
            double = struct.unpack("<Q", struct.pack("<d", 1.5))[0] >> 32
            cells += record(0x027E, cell_header(version, 4, 2, 0) + struct.pack("<I", double))
    return out + cells + record(0x000A)


def serial(value, datemode: int) -> float:
    """A date, time or duration as Excel's serial number, to compare with xlrd's."""
    if isinstance(value, datetime.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, datetime.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(0))
    epoch = datetime.datetime(1904, 1, 1) if datemode else datetime.datetime(1899, 12, 30)
    days = (value - epoch).total_seconds() / 86400
    return days if datemode or days > 60 else days - 1


def as_xlrd(value, datemode: int):
    """Our cell as xlrd gives it: (ctype, value) with dates as serial numbers."""
    if value is None:
        return (xlrd.XL_CELL_EMPTY, None)
    if isinstance(value, bool):
        return (xlrd.XL_CELL_BOOLEAN, int(value))
    if isinstance(value, float):
        return (xlrd.XL_CELL_NUMBER, value)
    if isinstance(value, str):
        return (xlrd.XL_CELL_TEXT, value)
    return (xlrd.XL_CELL_DATE, round(serial(value, datemode), 6))


def xlrd_cells(data: bytes, encoding: str | None = None):
    with open("/dev/null", "w") as quiet:
        book = xlrd.open_workbook(file_contents=data, logfile=quiet, encoding_override=encoding)
    sheet = book.sheet_by_index(0)
    out = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR) or cell.value == "":
                continue
            value = round(cell.value, 6) if cell.ctype == xlrd.XL_CELL_DATE else cell.value
            out[(r, c)] = (cell.ctype, value)
    return out, book.datemode


def our_cells(data: bytes):
    (sheet,) = biff_old.read_biff(data)
    assert sheet["name"] == "Sheet 1" and sheet["hidden"] is False
    return sheet, {(r, c): v for r, row in enumerate(sheet["rows"]) for c, v in enumerate(row) if v is not None}


def assert_as_xlrd(data: bytes, encoding: str = "cp1252"):
    theirs, datemode = xlrd_cells(data, encoding)
    _, ours = our_cells(data)
    assert {at: as_xlrd(v, datemode) for at, v in ours.items()} == theirs


def test_the_corpus_excel_4_worksheet_reads_as_xlrd_reads_it():
    data = SAMPLE.read_bytes()
    sheet, _ = our_cells(data)
    assert len(sheet["rows"]) == 27
    assert sheet["rows"][0] == ["ID", "TOTAL", "MAIN", "SUB"]
    assert_as_xlrd(data, "iso-8859-1")  # xlrd's default without a CODEPAGE record; the sample is ASCII


@pytest.mark.parametrize("version", [2, 3, 4])
@pytest.mark.parametrize("datemode", [0, 1])
def test_every_cell_kind_reads_as_xlrd_reads_it(version, datemode):
    assert_as_xlrd(worksheet(version, datemode))


@pytest.mark.parametrize("version", [2, 3, 4])
def test_cells_as_python_values(version):
    sheet, _ = our_cells(worksheet(version))
    rows = sheet["rows"]
    assert rows[0] == ["name", "café €"]
    assert rows[1] == [
        3.25,
        datetime.date(2023, 3, 15),
        datetime.time(18, 0),
        datetime.datetime(2023, 3, 15, 12, 0),
        None,
        12.0,
        datetime.date(1900, 1, 30),
    ]
    assert rows[2] == [True, None, False]
    assert rows[3] == [7.5, "from a formula", True, None, datetime.date(1900, 1, 1)]
    assert rows[4] == ([65535.0] if version == 2 else [-123.45, datetime.date(2023, 3, 15), 1.5])
    assert rows[5] == [None, None, None, "after an empty row"]


def test_an_elapsed_time_format_is_a_duration_and_1904_dates():
    cells = record(0x0203, cell_header(3, 0, 0, 5) + struct.pack("<d", 1.5))
    cells += record(0x0203, cell_header(3, 0, 1, 2) + struct.pack("<d", 1.0))
    sheet, _ = our_cells(worksheet(3, datemode=1, cells=cells))
    assert sheet["rows"] == [[datetime.timedelta(hours=36), datetime.date(1904, 1, 2)]]


def test_text_in_the_file_s_code_page():
    cells = record(0x0204, cell_header(4, 0, 0, 0) + text(4, "Привет".encode("cp1251")))
    data = worksheet(4, codepage=1251, cells=cells)
    assert our_cells(data)[0]["rows"] == [["Привет"]]
    assert_as_xlrd(data, None)


def test_biff2_without_xf_records_takes_the_format_from_the_cell():
    out = record(0x0009, struct.pack("<HH", 0, 0x0010))
    for fmt in FORMATS:
        out += record(0x001E, text(1, fmt.encode(), 1))
    at = struct.pack("<HH", 0, 0) + bytes([0, 2, 0])  # no XF index; format 2 (m/d/yy) in the second byte
    out += record(0x0003, at + struct.pack("<d", 45000.0)) + record(0x000A)
    assert our_cells(out)[0]["rows"] == [[datetime.date(2023, 3, 15)]]


def test_biff2_ixfe_gives_the_xf_of_cells_that_say_63():
    cells = record(0x0044, struct.pack("<H", 2)) + record(0x0003, cell_header(2, 0, 0, 63) + struct.pack("<d", 45000.0))
    assert our_cells(worksheet(2, cells=cells))[0]["rows"] == [[datetime.date(2023, 3, 15)]]


# --- refused -------------------------------------------------------------------------------

BOF4 = record(0x0409, struct.pack("<HH", 0, 0x0010))
REFUSED = {
    "empty": b"",
    "random bytes": random.Random(1).randbytes(4000),
    "an OLE2 .xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
    "a BIFF5 stream": record(0x0809, struct.pack("<HH", 0x0500, 0x0010)) + record(0x000A),
    "an Excel 4.0 workbook": record(0x0409, struct.pack("<HH", 0, 0x0100)) + record(0x000A),
    "a chart": record(0x0409, struct.pack("<HH", 0, 0x0020)) + record(0x000A),
    "no EOF": BOF4 + record(0x0203, cell_header(4, 0, 0, 0) + struct.pack("<d", 1.0)),
    "a length past the end": BOF4 + struct.pack("<HH", 0x0203, 200) + bytes(14),
    "a short NUMBER": BOF4 + record(0x0203, b"\0\0\0\0") + record(0x000A),
    "a short FORMULA": BOF4 + record(0x0406, cell_header(4, 0, 0, 0) + b"\0\0") + record(0x000A),
    "encrypted": BOF4 + record(0x002F, b"\0\0\0\0") + record(0x000A),
    "past column IV": BOF4 + record(0x0203, cell_header(4, 0, 300, 0) + struct.pack("<d", 1.0)) + record(0x000A),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_what_is_not_a_readable_worksheet_raises_value_error(data):
    with pytest.raises(ValueError):
        biff_old.read_biff(data)


def test_every_truncation_raises_value_error():
    data = SAMPLE.read_bytes()
    for size in range(len(data) - 1):
        with pytest.raises(ValueError):
            biff_old.read_biff(data[:size])


@pytest.mark.parametrize("version", [2, 3, 4])
def test_damaged_files_raise_value_error_only(version):
    data = worksheet(version)
    rng = random.Random(version)
    for _ in range(2000):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            sheets = biff_old.read_biff(bytes(damaged))
        except ValueError:
            continue
        assert len(sheets) == 1 and isinstance(sheets[0]["rows"], list)


def test_a_sheet_of_the_largest_size_reads_in_linear_time():
    cells = io.BytesIO()
    for r in range(16384):
        for c in range(8):
            cells.write(record(0x0203, cell_header(4, r, c, 1) + struct.pack("<d", r + c / 10)))
    sheet, _ = our_cells(worksheet(4, cells=cells.getvalue()))
    assert len(sheet["rows"]) == 16384 and sheet["rows"][-1][-1] == 16383.7
