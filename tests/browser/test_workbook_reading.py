"""Workbooks in the browser: each format, the sheet chooser, Read as… (sheet, header row, range) and errors.

One booted page for the module. The formats are real files from the workbook corpus
(tools/workbook_corpus.py), each compared with Loupe's native reading of the same file, which
the unit corpus test compares with an independent reader (xlrd, pyxlsb, odfpy, openpyxl).
"""

import datetime
import decimal

import openpyxl
import pytest

from app.engine.native import NativeEngine
from tools import workbook_corpus

OPENING_MS = 120_000
FILES = workbook_corpus.FILES


@pytest.fixture(scope="module")
def page(shared_app):
    workbook_corpus.ensure_corpus()
    return shared_app


def shown(page) -> tuple:
    """``(error, notice)``: the message box's text as an error or as a notice ('' for none)."""
    box = page.locator("#error")
    if not box.is_visible():
        return "", ""
    text = box.locator("#error-text").inner_text()
    return ("", text) if "warning" in (box.get_attribute("class") or "") else (text, "")


def loaded(page, action) -> tuple:
    """Do ``action`` (which starts one load), wait for it: ``(error, notice, the tables it added)``."""
    tables = page.evaluate("loupe.tables().map(t => t.table)")
    before = int(page.evaluate("document.body.dataset.loads || '0'"))
    page.evaluate("document.getElementById('error').hidden = true")
    action()
    page.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + 1}", timeout=OPENING_MS)
    error, notice = shown(page)
    added = [t for t in page.evaluate("loupe.tables()") if t["table"] not in tables]
    return error, notice, added


def pick(page, path) -> tuple:
    return loaded(page, lambda: page.set_input_files("#file-input", str(path)))


def submit(page, form: str) -> str:
    """Submit a source-bar form that reads the file again; the error shown ('' for none)."""
    return loaded(page, lambda: page.click(f"#{form} button[type=submit]"))[0]


def opened(page, drawer: str) -> None:
    """Open the source bar's drawer ``drawer`` (it may be open already in this shared page)."""
    if not page.locator(f"#{drawer}[open]").count():
        page.click(f"#{drawer} summary")


def rows(page, table: str) -> list:
    return page.evaluate(f"loupe.query('SELECT * FROM \"{table}\"')")["rows"]


def columns(page, table: str) -> list:
    return [
        (c["name"], c["type"])
        for c in next(t for t in page.evaluate("loupe.tables()") if t["table"] == table)["columns"]
    ]


def plain(value):
    """A native DuckDB value as loupe.query gives it in JSON."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


@pytest.mark.parametrize(
    "member",
    ["python-calamine/data/base.xls", "python-calamine/data/base.xlsb", "python-calamine/data/base.ods"]
    + ["python-calamine/data/any_sheets.xlsx", "pyexcel/basics/example.xlsm", "xlrd/Formate.xls"]
    # calamine refuses these two: read by the standard-library readers (app/core/ods_xml.py, biff_old.py)
    + ["odfpy/examples/pythagoras-kspread.ods", "xlrd/biff4_no_format_no_window2.xls"],
)
def test_each_workbook_format_opens_as_loupe_reads_it_natively(page, member):
    path = FILES / member
    native, _ = workbook_corpus.loupe_reading(NativeEngine(), path.read_bytes(), path.name)
    error, _, opened = pick(page, path)
    assert error == ""
    assert len(opened) == len(native)
    for table, expected in zip(opened, native):
        assert table["rows"] == expected["loaded"]
        assert [c["name"] for c in table["columns"]] == expected["columns"]
        first = page.evaluate(f"loupe.query('SELECT * FROM \"{table['table']}\" LIMIT {workbook_corpus.FIRST_ROWS}')")
        assert first["rows"] == [[plain(v) for v in row] for row in expected["first"]]


def report(path):
    """A title block above a header on row 4 from column B, an empty row inside, 11 sheets and a hidden one."""
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover["A1"] = "Annual report 2026"
    for r, row in enumerate([["month", "region", "sales"], ["Jan", "North", 120.5], [None], ["Feb", "South", 99.0]]):
        for c, value in enumerate(row):
            cover.cell(row=4 + r, column=2 + c, value=value)
    for i in range(1, 11):
        store = book.create_sheet(f"Store {i}")
        store.append(["day", "visits"])
        store.append([datetime.date(2026, 1, i), i * 7])
    lookup = book.create_sheet("Lookup")
    lookup.append(["code"])
    lookup.append(["007"])
    lookup.sheet_state = "hidden"
    book.save(path)
    return path


def test_a_workbook_of_many_sheets_opens_one_and_the_sheets_drawer_opens_more(page, tmp_path):
    error, notice, added = pick(page, report(tmp_path / "year.xlsx"))
    assert error == "" and len(added) == 1
    first = added[0]["table"]
    assert "only the first with data, 'Cover', was opened: choose others in Sheets… above the table" in notice
    assert "hidden sheet 'Lookup' was not opened" in notice
    assert "if its header is row 4, choose that Header row in Read as…" in notice
    assert page.inner_text("#table-title") == first
    assert page.locator("#sheets").is_visible()
    opened(page, "sheets")
    assert page.inner_text("#sheets-summary") == "Sheets (1 of 12 open)…"
    labels = page.locator("#sheets-list label").all_inner_texts()
    assert [t.strip() for t in labels] == ["Cover"] + [f"Store {i}" for i in range(1, 11)] + ["Lookup (hidden)"]
    assert page.locator("#sheets-list input[value='Cover']").is_disabled()
    page.check("#sheets-list input[value='Store 3']")
    page.check("#sheets-list input[value='Lookup']")
    error, _, more = loaded(page, lambda: page.click("#sheets-form button[type=submit]"))
    assert error == "" and len(more) == 2
    store, lookup = (t["table"] for t in more)
    assert store.endswith("store_3") and lookup.endswith("lookup")
    assert columns(page, store) == [("day", "DATE"), ("visits", "BIGINT")]
    assert rows(page, store) == [["2026-01-03", 21]]
    assert rows(page, lookup) == [["007"]]  # a cell of text stays text
    assert page.inner_text("#sheets-summary") == "Sheets (3 of 12 open)…"


def test_read_as_reads_a_sheet_by_header_row_and_range_and_keeps_the_table_when_it_cannot(page, tmp_path):
    error, _, added = pick(page, report(tmp_path / "year.xlsx"))
    assert error == ""
    table = added[0]["table"]
    opened(page, "read-as")
    assert page.locator("#read-sheet-only").is_visible() and not page.locator("#read-encoding-field").is_visible()
    assert page.locator("#read-left-out").inner_text() == "3 empty rows were left out."  # rows 2, 3 and 6
    page.fill("#read-header-row", "4")
    assert submit(page, "read-as-form") == ""
    assert columns(page, table) == [("month", "VARCHAR"), ("region", "VARCHAR"), ("sales", "DOUBLE")]
    assert rows(page, table) == [["Jan", "North", 120.5], ["Feb", "South", 99]]
    assert page.inner_text("#source-summary") == "year.xlsx › Cover · Excel · header on row 4"
    assert page.locator("#read-left-out").inner_text() == "1 empty row was left out."

    page.fill("#read-header-row", "99")
    message = submit(page, "read-as-form")
    assert message.startswith("Row 99 is outside the cells of sheet 'Cover' (rows 1 to 7).")
    assert "Traceback" not in message and "JsProxy" not in message
    assert [name for name, _ in columns(page, table)] == ["month", "region", "sales"]

    page.fill("#read-header-row", "0")
    page.fill("#read-range", "b5:d7")
    assert submit(page, "read-as-form") == ""
    assert rows(page, table) == [["Jan", "North", 120.5], ["Feb", "South", 99]]
    assert [name for name, _ in columns(page, table)] == ["B", "C", "D"]
    assert page.inner_text("#source-summary") == "year.xlsx › Cover · Excel · no header row · range B5:D7"

    page.fill("#read-range", "B5:")
    assert "is not a range Loupe understands" in submit(page, "read-as-form")

    page.select_option("#read-sheet", "Store 2")
    page.fill("#read-header-row", "")
    page.fill("#read-range", "")
    assert submit(page, "read-as-form") == ""
    assert page.inner_text("#source-summary") == "year.xlsx › Store 2 · Excel"
    assert rows(page, table) == [["2026-01-02", 14]]
    read = next(s for s in page.evaluate("loupe.view()")["sources"] if s["table"] == table)["read"]
    assert read["part"] == "Store 2" and "header_row" not in read and "range" not in read


def test_loupe_open_takes_the_sheet_header_row_and_range(page, tmp_path):
    path = report(tmp_path / "year.xlsx")
    page.evaluate("document.getElementById('error').hidden = true")
    handle = page.evaluate_handle("() => Object.assign(document.createElement('input'), {type: 'file'})")
    handle.as_element().set_input_files(str(path))
    info = page.evaluate(
        "(input) => loupe.open(input.files[0], {sheets: ['Cover'], header_row: 4, range: 'B4:C8', table: 'cover'})",
        handle,
    )
    assert info["table"] == "cover"
    assert [c["name"] for c in info["columns"]] == ["month", "region"]
    refused = page.evaluate(
        "(input) => loupe.open(input.files[0], {sheets: ['Nope']}).then(() => 'opened', (e) => String(e))", handle
    )
    assert "has no sheet named 'Nope'; its sheets are 'Cover', 'Store 1'" in refused


@pytest.mark.parametrize("member", ["python-calamine/data/password.xls", "python-calamine/data/password.ods"])
def test_a_password_protected_xls_or_ods_is_explained(page, member):
    name = member.rsplit("/", 1)[1]
    assert pick(page, FILES / member)[0] == (
        f"'{name}' is protected with a password. Remove the password in Excel "
        "(File › Info › Protect Workbook), save it, then open it again."
    )


def test_a_truncated_workbook_is_explained_and_nothing_is_lost(page, tmp_path):
    whole = (FILES / "python-calamine/data/base.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    message, _, added = pick(page, cut)
    assert added == []
    assert message.startswith("'cut.xlsx' is damaged or only partly downloaded")
    assert "Traceback" not in message and "JsProxy" not in message


def test_a_link_to_two_sheets_of_a_local_workbook_restores_both_from_one_file_opened(page, browser, tmp_path):
    path = report(tmp_path / "book.xlsx")
    error, _, added = pick(page, path)
    assert error == ""
    cover = added[0]["table"]
    opened(page, "read-as")
    page.fill("#read-header-row", "4")
    assert submit(page, "read-as-form") == ""
    opened(page, "sheets")
    page.check("#sheets-list input[value='Store 5']")
    error, _, more = loaded(page, lambda: page.click("#sheets-form button[type=submit]"))
    assert error == ""
    store = more[0]["table"]
    link = page.evaluate("loupe.link()")

    context = browser.new_context()
    try:
        other = context.new_page()
        other.goto(link)
        other.wait_for_function("window.loupe !== undefined")
        other.evaluate("loupe.ready")
        other.locator("#waiting").wait_for(state="visible")
        assert "“book.xlsx”" in other.locator("#waiting").inner_text()
        restores = other.evaluate("Number(document.body.dataset.restores || 0)")
        other.set_input_files("#file-input", str(path))  # once, for both sheets
        other.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}", timeout=OPENING_MS)
        other.wait_for_function(f"loupe.tables().some(t => t.table === {store!r})", timeout=OPENING_MS)
        # The shared page's other local files (from the tests before) may still be asked for; book.xlsx is not.
        other.wait_for_function(
            "!document.getElementById('waiting').innerText.includes('book.xlsx')", timeout=OPENING_MS
        )
        assert (
            columns(other, cover)
            == columns(page, cover)
            == [
                ("month", "VARCHAR"),
                ("region", "VARCHAR"),
                ("sales", "DOUBLE"),
            ]
        )
        assert rows(other, store) == rows(page, store) == [["2026-01-05", 35]]
    finally:
        context.close()
