"""Export… as a person does it: each format downloaded and read back in Python, then
compared with native DuckDB on the same file; formula protection on and off;
Markdown on the clipboard; filtered, sorted and grouped views; what cannot work.
"""

import csv
import json

import duckdb
import openpyxl
import pytest
from helpers import ROOT, axe_violations

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"
FORMULAS = (
    "id,label,amount,note\n"
    '1,"=HYPERLINK(""http://x"",""click"")",-2.5,plain\n'
    '2,+1,3,"say ""hi"""\n'
    "3,-2,-4.25,\n"
    "4,@SUM(A1),0,Zürich ✓\n"
    '5,"\ttab",1000,"two\nlines"\n'
    '6,"\rcr",-0.5,=1+1\n'
)
LABELS = ['=HYPERLINK("http://x","click")', "+1", "-2", "@SUM(A1)", "\ttab", "\rcr"]
NOTES = ["plain", 'say "hi"', None, "Zürich ✓", "two\nlines", "=1+1"]
AMOUNTS = [-2.5, 3.0, -4.25, 0.0, 1000.0, -0.5]


def native(sql: str) -> list:
    return duckdb.sql(sql.replace("sample", f"read_csv('{SAMPLE}')")).fetchall()


def open_menu(page) -> None:
    page.evaluate("loupe.pythonReady.catch(() => null)")  # its status line is written before ours
    if not page.locator("#export").evaluate("menu => menu.open"):
        page.locator("#export summary").click()


def export(page, tmp_path, fmt: str, protect: bool = True):
    """Click Export… → ``fmt`` and save the download; return its path."""
    open_menu(page)
    page.locator("#export-protect").set_checked(protect)
    with page.expect_download() as started:
        page.locator("#export-" + fmt).click()
    download = started.value
    path = tmp_path / (fmt + "-" + download.suggested_filename)
    download.save_as(path)
    page.wait_for_function("!document.getElementById('export-csv').disabled")
    return download.suggested_filename, path


def open_text(page, name: str, text: str) -> None:
    loads = page.evaluate("Number(document.body.dataset.loads || 0)")
    page.evaluate("([name, text]) => loupe.open({name, text})", [name, text])
    page.wait_for_function(f"Number(document.body.dataset.loads) > {loads}")


def set_state(page, table: str, state: dict) -> None:
    page.evaluate("([table, state]) => loupe.setTableState(table, state)", [table, state])


def xlsx_rows(path) -> list:
    sheet = openpyxl.load_workbook(path).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def status(page) -> str:
    return page.locator("#status").inner_text()


# --- the sample, every format --------------------------------------------------------


def test_the_sample_in_every_format_matches_duckdb(app, tmp_path):
    want = native("SELECT * FROM sample")
    name, path = export(app, tmp_path, "csv")
    assert name == "seattle_weather.csv"
    assert status(app) == "Exported 1,461 rows as CSV to seattle_weather.csv."
    assert duckdb.sql(f"SELECT * FROM read_csv('{path}')").fetchall() == want
    with open(path, newline="") as handle:
        assert next(csv.reader(handle)) == ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]

    name, path = export(app, tmp_path, "tsv")
    assert name == "seattle_weather.tsv"
    assert duckdb.sql(f"SELECT * FROM read_csv('{path}', delim='\t')").fetchall() == want

    name, path = export(app, tmp_path, "json")
    records = json.loads(path.read_text())
    assert len(records) == 1461 and records[0] == {
        "date": "2012-01-01",
        "precipitation": 0,
        "temp_max": 12.8,
        "temp_min": 5,
        "wind": 4.7,
        "weather": "drizzle",
    }
    names = ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]
    assert [[r[n] for n in names] for r in records] == [[d.isoformat(), *rest] for d, *rest in want]

    name, path = export(app, tmp_path, "parquet")
    assert name == "seattle_weather.parquet"
    assert duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall() == want
    assert [t for _, t, *_ in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()] == [
        "DATE",
        "DOUBLE",
        "DOUBLE",
        "DOUBLE",
        "DOUBLE",
        "VARCHAR",
    ]

    name, path = export(app, tmp_path, "xlsx")
    assert name == "seattle_weather.xlsx"
    rows = xlsx_rows(path)
    assert rows[0] == ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]
    assert [[r[0].date(), *r[1:]] for r in rows[1:]] == [list(w) for w in want]  # dates as dates, numbers as numbers
    assert status(app) == "Exported 1,461 rows as Excel to seattle_weather.xlsx."


def test_an_exported_parquet_file_opens_in_loupe_again(app, tmp_path):
    _, path = export(app, tmp_path, "parquet")
    loads = app.evaluate("Number(document.body.dataset.loads || 0)")
    app.set_input_files("#file-input", str(path))
    app.wait_for_function(f"Number(document.body.dataset.loads) > {loads}")
    again = app.evaluate("loupe.tables()")[-1]
    assert again["rows"] == 1461 and again["columns"] == app.evaluate("loupe.tables()")[0]["columns"]


TYPES = (
    "id,big,day,at,flag,clock,price\n"
    "1,9007199254740993,2024-02-29,2024-02-29 23:59:59.5,true,13:05:09,-1.25\n"
    "2,-5,1850-01-01,2024-01-01 00:00:00,false,00:00:00,0.1\n"
)


def test_types_survive_every_format(app, tmp_path):
    import datetime

    path = tmp_path / "types.csv"
    path.write_text(TYPES)
    open_text(app, "types.csv", TYPES)
    assert [c["type"] for c in app.evaluate("loupe.tables()")[-1]["columns"]] == [
        "BIGINT",
        "BIGINT",
        "DATE",
        "TIMESTAMP",
        "BOOLEAN",
        "TIME",
        "DOUBLE",
    ]
    want = duckdb.sql(f"SELECT * FROM read_csv('{path}')").fetchall()
    _, out = export(app, tmp_path, "csv")
    assert duckdb.sql(f"SELECT * FROM read_csv('{out}')").fetchall() == want
    _, out = export(app, tmp_path, "parquet")
    assert duckdb.sql(f"SELECT * FROM read_parquet('{out}')").fetchall() == want
    _, out = export(app, tmp_path, "json")
    assert json.loads(out.read_text()) == [
        {
            "id": 1,
            "big": "9007199254740993",
            "day": "2024-02-29",
            "at": "2024-02-29 23:59:59.5",
            "flag": True,
            "clock": "13:05:09",
            "price": -1.25,
        },  # integers past 2^53 as exact strings
        {
            "id": 2,
            "big": -5,
            "day": "1850-01-01",
            "at": "2024-01-01 00:00:00",
            "flag": False,
            "clock": "00:00:00",
            "price": 0.1,
        },
    ]
    _, out = export(app, tmp_path, "xlsx")
    assert xlsx_rows(out)[1:] == [
        [
            1,
            "9007199254740993",
            datetime.datetime(2024, 2, 29),
            datetime.datetime(2024, 2, 29, 23, 59, 59, 500000),
            True,
            datetime.time(13, 5, 9),
            -1.25,
        ],
        [2, -5, "1850-01-01", datetime.datetime(2024, 1, 1), False, datetime.time(0, 0), 0.1],
    ]


# --- formula protection -----------------------------------------------------------------


@pytest.fixture
def formulas(app, tmp_path):
    path = tmp_path / "formulas.csv"
    path.write_text(FORMULAS, encoding="utf-8")
    loads = app.evaluate("Number(document.body.dataset.loads || 0)")
    app.set_input_files("#file-input", str(path))
    app.wait_for_function(f"Number(document.body.dataset.loads) > {loads}")
    assert app.locator("#table-title").inner_text() == "formulas"
    return app


def quoted(text):
    return "'" + text if text and text[0] in "=+-@\t\r" else text


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_text_files_neutralise_formulas_unless_asked_not_to(formulas, tmp_path, fmt, delimiter):
    open_menu(formulas)
    assert formulas.locator("#export-protect").is_checked()  # on by default
    for protect in (True, False):
        _, path = export(formulas, tmp_path, fmt, protect)
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))[1:]
        change = quoted if protect else (lambda text: text)
        assert [r[1] for r in rows] == [change(t) for t in LABELS]
        assert [r[3] for r in rows] == ["" if t is None else change(t) for t in NOTES]
        assert [r[2] for r in rows][:3] == ["-2.5", "3.0", "-4.25"]  # numbers stay numbers, minus and all


def test_excel_marks_formula_text_as_text_and_keeps_numbers(formulas, tmp_path):
    for protect in (True, False):
        _, path = export(formulas, tmp_path, "xlsx", protect)
        sheet = openpyxl.load_workbook(path).active
        cells = list(sheet.iter_rows(min_row=2))
        assert [r[1].value for r in cells] == [t.replace("\r", "\n") for t in LABELS]  # XML reads CR as LF
        assert all(r[1].data_type == "s" for r in cells)  # never a formula, protected or not
        assert [r[1].quotePrefix for r in cells] == [protect] * 6
        assert [r[2].value for r in cells] == AMOUNTS and all(r[2].data_type == "n" for r in cells)
        assert [r[0].value for r in cells] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_data_formats_keep_text_exactly(formulas, tmp_path, fmt):
    _, path = export(formulas, tmp_path, fmt, True)
    if fmt == "json":
        rows = [[r["id"], r["label"], r["amount"], r["note"]] for r in json.loads(path.read_text(encoding="utf-8"))]
    else:
        rows = [list(r) for r in duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()]
    assert rows == [[i + 1, LABELS[i], AMOUNTS[i], NOTES[i]] for i in range(6)]


# --- the view on screen ----------------------------------------------------------------


def test_a_filtered_sorted_view_exports_only_what_is_shown(app, tmp_path):
    set_state(
        app,
        "seattle_weather",
        {
            "filters": [
                {"column": "weather", "op": "in", "value": ["rain", "snow"]},
                {"column": "temp_max", "op": "range", "value": [5, None]},
            ],
            "sort": [["precipitation", "desc"], ["date", "asc"]],
            "hidden": ["wind"],
            "order": ["weather"],
        },
    )
    app.wait_for_function("document.getElementById('view-count').textContent.startsWith('Showing')")
    want = native(
        "SELECT weather, date, precipitation, temp_max, temp_min FROM sample "
        "WHERE weather IN ('rain', 'snow') AND temp_max >= 5 ORDER BY precipitation DESC, date"
    )
    _, path = export(app, tmp_path, "csv")
    assert duckdb.sql(f"SELECT * FROM read_csv('{path}')").fetchall() == want
    assert status(app) == f"Exported {len(want):,} rows as CSV to seattle_weather.csv."
    _, path = export(app, tmp_path, "parquet")
    assert duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall() == want


def test_a_grouped_view_exports_its_groups(app, tmp_path):
    set_state(
        app,
        "seattle_weather",
        {"group": {"by": ["weather"], "aggs": [{"fn": "avg", "column": "temp_max"}], "sort": [["weather", "asc"]]}},
    )
    app.wait_for_function("document.getElementById('view-count').textContent.includes('group')")
    _, path = export(app, tmp_path, "json")
    got = [[r["weather"], r["count"], round(r["avg(temp_max)"], 9)] for r in json.loads(path.read_text())]
    want = native("SELECT weather, count(*), round(avg(temp_max), 9) FROM sample GROUP BY weather ORDER BY weather")
    assert got == [list(r) for r in want]


def test_an_empty_view_exports_its_columns_and_no_rows(app, tmp_path):
    set_state(app, "seattle_weather", {"filters": [{"column": "weather", "op": "in", "value": ["hail"]}]})
    app.wait_for_function("document.getElementById('view-count').textContent.startsWith('Showing 0')")
    names = ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]
    _, path = export(app, tmp_path, "csv")
    assert path.read_text() == ",".join(names) + "\n"
    _, path = export(app, tmp_path, "json")
    assert json.loads(path.read_text()) == []
    _, path = export(app, tmp_path, "parquet")
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    assert [d[0] for d in described] == names and duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall() == [(0,)]
    _, path = export(app, tmp_path, "xlsx")
    assert xlsx_rows(path) == [names]
    assert status(app) == "Exported 0 rows as Excel to seattle_weather.xlsx."


# --- Markdown -------------------------------------------------------------------------


def test_copy_as_markdown_puts_a_table_on_the_clipboard(app, context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    open_menu(app)
    app.locator("#export-markdown").click()
    app.wait_for_function("document.getElementById('status').textContent.startsWith('Copied')")
    assert status(app) == (
        "Copied the first 1,000 of 1,461 rows as a Markdown table (a Markdown copy stops at "
        "1,000 rows; export as CSV for all of them)."
    )
    lines = app.evaluate("navigator.clipboard.readText()").splitlines()
    assert lines[:3] == [
        "| date | precipitation | temp_max | temp_min | wind | weather |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        "| 2012-01-01 | 0 | 12.8 | 5 | 4.7 | drizzle |",
    ]  # numbers as the grid shows them
    assert len(lines) == 1002

    open_text(app, "pipes.csv", 'a,b\n"x|y",1\n"back\\slash",2\n')
    app.locator("#export-markdown").click()
    app.wait_for_function("document.getElementById('status').textContent === 'Copied 2 rows as a Markdown table.'")
    assert app.evaluate("navigator.clipboard.readText()") == (
        "| a | b |\n| --- | ---: |\n| x\\|y | 1 |\n| back\\\\slash | 2 |\n"
    )


# --- what cannot work ---------------------------------------------------------------


def test_no_table_open_says_so(app):
    app.locator("#tables .tab-close").first.click()
    app.wait_for_function("document.getElementById('table-title').textContent === 'No table open'")
    app.evaluate("document.getElementById('export-csv').click()")  # the menu is hidden; a script can still ask
    app.wait_for_function("!document.getElementById('error').hidden")
    assert app.locator("#error-text").inner_text() == "Open a table first; there is nothing to export."


def test_a_view_whose_select_fails_is_explained_and_nothing_is_saved(app):
    downloads = []
    app.on("download", lambda download: downloads.append(download))
    app.evaluate("loupeEngine.query('DROP TABLE seattle_weather', '[]')")  # behind Loupe's back
    open_menu(app)
    app.locator("#export-parquet").click()
    app.wait_for_function("!document.getElementById('error').hidden")
    message = app.locator("#error-text").inner_text()
    assert message.startswith(
        "Could not export the view: Catalog Error: Table with name seattle_weather does not exist"
    )
    assert not downloads and app.locator("#loading").is_hidden()
    assert not app.locator("#export-csv").is_disabled()  # ready for the next try


def test_excel_refuses_more_rows_than_a_sheet_holds_and_cancel_stops_an_export(app):
    rows = 1_048_576
    open_text(app, "tall.csv", "n\n" + "\n".join(str(i) for i in range(rows)) + "\n")
    downloads = []
    app.on("download", lambda download: downloads.append(download))
    open_menu(app)
    app.locator("#export-xlsx").click()
    app.wait_for_function("!document.getElementById('error').hidden")
    assert app.locator("#error-text").inner_text() == (
        "The view has 1,048,576 rows; an Excel sheet holds at most 1,048,575 below its header. "
        "Filter the view to fewer rows, or export it as CSV or Parquet, which have no row limit."
    )
    assert not downloads

    app.locator("#export-json").click()
    app.wait_for_function("document.getElementById('loading-text').textContent.includes(' of 1,048,576 rows')")
    app.locator("#loading-cancel").click()
    app.wait_for_function("document.getElementById('error-text').textContent.includes('cancelled')")
    assert app.locator("#error-text").inner_text() == "The export was cancelled; nothing was saved."
    assert not downloads and app.locator("#loading").is_hidden()


def test_export_menu_is_accessible(app):
    open_menu(app)
    assert app.get_by_role("button", name="Parquet").is_visible()
    assert app.get_by_role("checkbox", name="Protect against spreadsheet formulas").is_checked()
    app.locator("#export-markdown").focus()
    app.keyboard.press("Shift+Tab")
    assert app.evaluate("document.activeElement.id") == "export-protect"
    assert axe_violations(app) == []
