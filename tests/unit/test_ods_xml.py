"""app.core.ods_xml against independent readers: python-calamine and odfpy (pandas) on every corpus .ods;
crafted documents for what they leave out; damaged and hostile files raise ValueError."""

import datetime
import io
import math
import random
import re
import warnings
import zipfile

import pandas
import pytest
import python_calamine

from app.core import ods_xml
from tools import workbook_corpus as corpus

ODS = sorted(corpus.FILES.glob("**/*.ods")) if corpus.FILES.exists() else []
NAMES = [str(p.relative_to(corpus.FILES)) for p in ODS]
ENCRYPTED = {"python-calamine/data/password.ods"}
# Where an oracle reads otherwise, and what the file holds (checked below, by hand from its content.xml).
CALAMINE_WRONG = {
    "odfpy/examples/pythagoras-kspread.ods": "calamine refuses it: its content.xml is indented",
    "pyexcel-ods/fixtures/white_space.ods": "calamine drops <text:tab/> and <text:line-break/>",
    "tablib/files/unknown_value_type.ods": 'calamine drops a cell of office:value-type="unknown"',
    "tablib/files/book.ods": 'calamine keeps office:time-value="09:55:33" (not ISO 8601) as text',
}
ODFPY_WRONG = {
    "pyexcel-ods/fixtures/white_space.ods": "odfpy (pandas) drops <text:tab/>",
    "tablib/files/unknown_value_type.ods": 'pandas raises on office:value-type="unknown"',
    "tablib/files/ragged.ods": 'pandas reads office:boolean-value="true" as False (it reads the text, "TRUE" only)',
    "pyexcel-ods/fixtures/ods_formats.ods": "pandas raises on a duration of 24 hours or more (PT27H17M54S)",
    "pyexcel/fixtures/ods_formats.ods": "pandas raises on a duration of 24 hours or more (PT27H17M54S)",
    "python-calamine/data/base.ods": "pandas raises on a duration of 24 hours or more (PT255H10M10S)",
}
_CALAMINE_DURATION = re.compile(r"^(-?)PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S$")


@pytest.fixture(scope="module", autouse=True)
def corpus_present():
    corpus.ensure_corpus()


def plain(value):
    """A cell as both readers can be compared: None for empty, float numbers, dates at midnight as dates."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pandas.NaT:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, pandas.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time(0) else value
    if isinstance(value, datetime.time):
        return datetime.timedelta(
            hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond
        )
    if isinstance(value, str) and (match := _CALAMINE_DURATION.match(value)):
        sign, hours, minutes, seconds = match.groups()
        duration = datetime.timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
        return -duration if sign else duration
    return value


def grid(rows):
    """Rows of plain cells, padded to one width, with empty rows and columns at the end cut."""
    rows = [[plain(v) for v in row] for row in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
    return [list(row[:width]) + [None] * (width - len(row)) for row in rows]


def mine(path):
    return {s["name"]: grid(s["rows"]) for s in ods_xml.read_ods(path.read_bytes())}


def test_the_corpus_has_the_ods_files():
    assert len(ODS) >= 20
    assert "odfpy/examples/pythagoras-kspread.ods" in NAMES


@pytest.mark.parametrize("path", ODS, ids=NAMES)
def test_reads_what_calamine_reads(path):
    name = str(path.relative_to(corpus.FILES))
    if name in ENCRYPTED:
        with pytest.raises(ValueError, match="encrypted"):
            ods_xml.read_ods(path.read_bytes())
        return
    read = ods_xml.read_ods(path.read_bytes())
    if name in CALAMINE_WRONG:
        return
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    visible = python_calamine.SheetVisibleEnum.Visible
    assert [(s["name"], s["hidden"]) for s in read] == [(s.name, s.visible != visible) for s in book.sheets_metadata]
    theirs = {
        s.name: grid(book.get_sheet_by_name(s.name).to_python(skip_empty_area=False)) for s in book.sheets_metadata
    }
    assert {s["name"]: grid(s["rows"]) for s in read} == theirs


@pytest.mark.parametrize("path", ODS, ids=NAMES)
def test_reads_what_odfpy_reads(path):
    name = str(path.relative_to(corpus.FILES))
    if name in ENCRYPTED or name in ODFPY_WRONG:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = pandas.read_excel(path, engine="odf", sheet_name=None, header=None)
    theirs = {sheet: grid(frame.astype(object).values.tolist()) for sheet, frame in frames.items()}
    # pandas reads a duration as a time of day: 12 days (PT288H) is 00:00:00.
    day = datetime.timedelta(days=1)
    wrapped = {
        sheet: [[v % day if isinstance(v, datetime.timedelta) else v for v in row] for row in rows]
        for sheet, rows in mine(path).items()
    }
    assert wrapped == theirs


def test_where_the_oracles_disagree_the_file_is_read_as_it_holds():
    at = corpus.FILES
    assert mine(at / "pyexcel-ods/fixtures/white_space.ods") == {
        "Sheet1": [["paragraph with tab(\t),    space, \nnew line"]]
    }
    assert mine(at / "tablib/files/unknown_value_type.ods") == {"Feuille1": [["abcd"]]}
    assert mine(at / "tablib/files/ragged.ods")["Sheet1"][1] == [1.0, None, True, None]
    assert mine(at / "tablib/files/book.ods")["Sheet1"][0][4] == datetime.timedelta(hours=9, minutes=55, seconds=33)
    assert mine(at / "odfpy/examples/pythagoras-kspread.ods") == mine(at / "odfpy/examples/pythagoras.ods")
    assert mine(at / "odfpy/examples/pythagoras.ods")["Sheet1"] == [[3.0], [4.0], [5.0], [7.0]]


def test_value_types_as_python_values():
    sheets = ods_xml.read_ods((corpus.FILES / "python-calamine/data/base.ods").read_bytes())
    assert sheets[0]["rows"][1] == [
        "String",
        1.0,
        1.1,
        True,
        False,
        datetime.date(2010, 10, 10),
        datetime.datetime(2010, 10, 10, 10, 10, 10),
        datetime.timedelta(hours=10, minutes=10, seconds=10),
        datetime.timedelta(hours=10, minutes=10, seconds=10.1),
        datetime.timedelta(hours=255, minutes=10, seconds=10),
    ]


# --- crafted documents ----------------------------------------------------------------------

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0">'
)


def ods(body: str, styles: str = "", parts: dict | None = None, head: str = _HEAD) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        content = f"{head}<office:automatic-styles>{styles}</office:automatic-styles>"
        content += (
            f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
        )
        archive.writestr("content.xml", content)
        for name, text in (parts or {}).items():
            archive.writestr(name, text)
    return out.getvalue()


def cell(value_type: str = "", text: str = "", **attrs: str) -> str:
    named = {
        "value": "office:value",
        "date": "office:date-value",
        "time": "office:time-value",
        "boolean": "office:boolean-value",
        "repeat": "table:number-columns-repeated",
        "calc": "calcext:value-type",
    }
    extra = "".join(f' {named[k]}="{v}"' for k, v in attrs.items())
    kind = f' office:value-type="{value_type}"' if value_type else ""
    return f"<table:table-cell{kind}{extra}>{text}</table:table-cell>"


def table(rows: str, name: str = "S", style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    return f'<table:table table:name="{name}"{styled}>{rows}</table:table>'


def row(*cells: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"


def test_repeats_expand_but_trailing_empty_ones_are_cut():
    body = table(
        row(
            cell("float", value="1", repeat="3"),
            cell(repeat="2"),
            cell("string", "<text:p>x</text:p>"),
            cell(repeat="1024"),
        )
        + row(cell(repeat="1024"), repeat=2)
        + row(cell("float", value="2"), repeat=2)
        + row(cell(repeat="1024"), repeat=1048000)
    )
    assert ods_xml.read_ods(ods(body))[0]["rows"] == [[1.0, 1.0, 1.0, None, None, "x"], [], [], [2.0], [2.0]]


def test_text_paragraphs_spaces_tabs_breaks_and_comments():
    text = (
        "<office:annotation><text:p>a comment</text:p></office:annotation>"
        '<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/><text:span>d</text:span><text:s/></text:p>'
        "\n   <text:p>second</text:p>"
    )
    assert ods_xml.read_ods(ods(table(row(cell("string", text)))))[0]["rows"] == [["a   b\tc\nd \nsecond"]]


def test_whitespace_text_anywhere_and_covered_cells():
    body = table(
        "\n <table:table-column/>\n <table:table-row>\n  "
        + cell("float", "<text:p>1</text:p>", value="1")
        + "\n  <table:covered-table-cell/>\n  "
        + cell("float", value="2")
        + "\n </table:table-row>\n"
    )
    assert ods_xml.read_ods(ods(body))[0]["rows"] == [[1.0, None, 2.0]]


@pytest.mark.parametrize(
    "made, expected",
    [
        (cell("percentage", value="0.25"), 0.25),
        (cell("currency", value="-3.5"), -3.5),
        (cell("boolean", boolean="false"), False),
        (cell("date", date="2024-02-29T23:59:59.123456789"), datetime.datetime(2024, 2, 29, 23, 59, 59, 123456)),
        (cell("date", date="1899-12-30"), datetime.date(1899, 12, 30)),
        (cell("time", time="PT27H17M54S"), datetime.timedelta(hours=27, minutes=17, seconds=54)),
        (cell("time", time="-PT1H"), datetime.timedelta(hours=-1)),
        (cell("time", time="P1DT2H"), datetime.timedelta(days=1, hours=2)),
        (cell("time", time="09:55:33.5"), datetime.timedelta(hours=9, minutes=55, seconds=33.5)),
        (cell("float", "<text:p>n/a</text:p>", value="oops"), "n/a"),
        (cell("float", "<text:p>#DIV/0!</text:p>", value="0", calc="error"), None),
        (cell("string", "<text:p></text:p>"), None),
        (cell("", "<text:p>no type</text:p>"), "no type"),
    ],
)
def test_each_value_type(made, expected):
    assert ods_xml.read_ods(ods(table(row(cell("float", value="0"), made))))[0]["rows"] == [
        [0.0] + ([expected] if expected is not None else [])
    ]


def test_hidden_sheets_by_their_table_style():
    styles = (
        '<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>'
    )
    body = table(row(cell("float", value="1")), "Shown", "ta1") + table("", "Hidden", "ta2")
    assert [(s["name"], s["hidden"]) for s in ods_xml.read_ods(ods(body, styles))] == [
        ("Shown", False),
        ("Hidden", True),
    ]


def test_a_table_inside_a_cell_is_not_a_sheet():
    inner = table(row(cell("float", value="9")), "inner")
    body = table(row(cell("float", "<text:p>1</text:p>" + inner, value="1"), cell("float", value="2")))
    assert ods_xml.read_ods(ods(body)) == [{"name": "S", "hidden": False, "rows": [[1.0, 2.0]]}]


# --- refused -------------------------------------------------------------------------------


def _zip(parts: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;</d>'
)
REFUSED = {
    "empty": b"",
    "random bytes": random.Random(1).randbytes(5000),
    "a zip without content.xml": _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"}),
    "a text document": _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<a/>"}),
    "malformed XML": _zip({"content.xml": "<office:document-content><table:table"}),
    "entities": _zip({"content.xml": LAUGHS}),
    "encrypted": ods("", parts={"META-INF/manifest.xml": "<manifest:encryption-data/>"}),
    "billions of cells": ods(table(row(cell("float", value="1", repeat="16384"), repeat=1048576))),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_what_is_not_a_readable_ods_raises_value_error(data):
    with pytest.raises(ValueError):
        ods_xml.read_ods(data)


def test_damaged_files_raise_value_error_only():
    data = (corpus.FILES / "pyexcel-ods/fixtures/ods_formats.ods").read_bytes()
    rng = random.Random(7)
    cuts = sorted({rng.randrange(len(data)) for _ in range(200)})
    for size in cuts:
        with pytest.raises(ValueError):
            ods_xml.read_ods(data[:size])
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            ods_xml.read_ods(bytes(damaged))
        except ValueError:
            pass


def test_damaged_content_xml_raises_value_error_only():
    with zipfile.ZipFile(corpus.FILES / "pyexcel-ods/fixtures/ods_formats.ods") as archive:
        content = archive.read("content.xml")
    rng = random.Random(3)
    for _ in range(300):
        damaged = bytearray(content)
        for _ in range(rng.randint(1, 5)):
            damaged[rng.randrange(len(damaged))] = rng.choice(b'<>"=/ &;:x0-T')
        try:
            ods_xml.read_ods(_zip({"content.xml": bytes(damaged)}))
        except ValueError:
            pass
