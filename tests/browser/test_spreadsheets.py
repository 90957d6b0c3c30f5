"""Spreadsheets as people have them: a large workbook opens through the file picker."""

import datetime
import io
import time
import zipfile

import openpyxl
import pytest

ROWS = 100_000
# No timed assertion: the bound only stops a hung read from hanging the run.
OPENING_MS = 600_000


@pytest.fixture(scope="module")
def big_xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("spreadsheets") / "big.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["id", "name", "amount", "day", "ok"])
    start = datetime.date(2020, 1, 1)
    for i in range(ROWS):
        sheet.append([i, f"name {i % 977}", i * 0.25, start + datetime.timedelta(days=i % 3000), i % 3 == 0])
    book.save(path)
    return path


# Every text the loading strip shows, kept in window.__strip.
STRIP_WATCH = """() => {
  const texts = window.__strip = [];
  const text = document.getElementById('loading-text');
  new MutationObserver(() => { if (texts.at(-1) !== text.textContent) texts.push(text.textContent); })
    .observe(text, { subtree: true, childList: true, characterData: true });
}"""


def test_a_large_workbook_opens_with_its_types(app, big_xlsx):
    before = int(app.evaluate("document.body.dataset.loads || '0'"))
    app.evaluate(STRIP_WATCH)
    started = time.monotonic()
    app.set_input_files("#file-input", str(big_xlsx))
    app.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + 1}", timeout=OPENING_MS)
    print(f"\n{ROWS:,} x 5 .xlsx opened in {time.monotonic() - started:.1f} s")
    error = app.locator("#error")
    assert not error.is_visible() or "warning" in (error.get_attribute("class") or "")
    info = next(t for t in app.evaluate("loupe.tables()") if t["table"] == "big")
    assert info["rows"] == ROWS
    assert [c["type"] for c in info["columns"]] == ["BIGINT", "VARCHAR", "DOUBLE", "DATE", "BOOLEAN"]
    last = app.evaluate("loupe.query('SELECT id, name, amount, day, ok FROM big WHERE id = 99999')")["rows"]
    assert last == [[99999, "name 345", 24999.75, "2022-09-26", True]]
    strip = app.evaluate("window.__strip")
    assert "Reading big.xlsx (Data)…" in strip  # while the sheet is parsed
    assert "Reading big.xlsx (Data) — 50,000 of 100,000 rows" in strip  # while its rows are written


def test_cancel_stops_a_workbook_being_read_and_keeps_what_was_open(app, big_xlsx):
    tables = app.evaluate("loupe.tables().map(t => t.table)")
    before = int(app.evaluate("document.body.dataset.loads || '0'"))
    app.set_input_files("#file-input", str(big_xlsx))
    app.wait_for_function("document.getElementById('loading-text').textContent.startsWith('Reading big.xlsx (Data)')")
    app.locator("#loading-cancel").click()
    app.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + 1}", timeout=OPENING_MS)
    assert app.locator("#error-text").inner_text() == "Loading 'big.xlsx' was cancelled; nothing was kept."
    assert app.evaluate("loupe.tables().map(t => t.table)") == tables
    assert app.evaluate("loupe.query('SELECT count(*) FROM seattle_weather')")["rows"] == [[1461]]


def test_a_password_protected_workbook_is_explained(app, tmp_path):
    path = tmp_path / "locked.xlsx"
    entry = "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + entry + bytes(384))
    before = int(app.evaluate("document.body.dataset.loads || '0'"))
    app.set_input_files("#file-input", str(path))
    app.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + 1}", timeout=OPENING_MS)
    assert app.locator("#error-text").inner_text() == (
        "'locked.xlsx' is protected with a password. Remove the password in Excel "
        "(File › Info › Protect Workbook), save it, then open it again."
    )


def test_a_workbook_calamine_refuses_is_read_by_openpyxl_loaded_then(app, tmp_path):
    """A package part calamine cannot parse (a broken _rels/.rels) sends the file to openpyxl, loaded on demand."""
    book = openpyxl.Workbook()
    book.active.title = "Kept"
    for row in (["city", "people"], ["Lyon", 522_250], ["Nantes", 320_732]):
        book.active.append(row)
    whole = io.BytesIO()
    book.save(whole)
    path = tmp_path / "odd_rels.xlsx"
    with zipfile.ZipFile(io.BytesIO(whole.getvalue())) as source, zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            out.writestr(name, b"<Relationships" if name == "_rels/.rels" else source.read(name))
    before = int(app.evaluate("document.body.dataset.loads || '0'"))
    app.set_input_files("#file-input", str(path))
    app.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + 1}", timeout=OPENING_MS)
    rows = app.evaluate("loupe.query('SELECT city, people FROM odd_rels ORDER BY people')")["rows"]
    assert rows == [["Nantes", 320732], ["Lyon", 522250]]
