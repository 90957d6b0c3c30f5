"""app.core.load_plan: the loader's decisions, its step generators against native DuckDB, and its words."""

import pytest

from app.core import errors, file_kinds, load_plan, loading
from app.engine.native import NativeEngine

PARQUET_HEAD = b"PAR1" + b"\x00" * 20
XLSX_HEAD = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml"
SQLITE_HEAD = b"SQLite format 3\x00" + b"\x00" * 20


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def _csv(engine, name, text):
    path = engine.register_bytes(name, text.encode())
    return path


# --- which reader for which source -------------------------------------------------


@pytest.mark.parametrize(
    "name, head, options, fmt, reader",
    [
        ("sales.csv", b"a,b\n1,2\n", {}, file_kinds.CSV, load_plan.CSV),
        ("sales.tsv", b"a\tb\n1\t2\n", {}, file_kinds.CSV, load_plan.CSV),
        ("movies.json", b'[{"a": 1}]', {}, file_kinds.JSON, load_plan.JSON),
        ("events.jsonl", b'{"a": 1}\n{"a": 2}\n', {}, file_kinds.JSON_LINES, load_plan.JSON_LINES),
        ("flights.parquet", PARQUET_HEAD, {}, file_kinds.PARQUET, load_plan.PARQUET),
        ("book.xlsx", XLSX_HEAD, {}, file_kinds.XLSX, load_plan.PYTHON),
        ("shop.sqlite", SQLITE_HEAD, {}, file_kinds.SQLITE, load_plan.PYTHON),
        ("data.txt", b"a,b\n1,2\n", {"format": "jsonl"}, file_kinds.JSON_LINES, load_plan.JSON_LINES),
    ],
)
def test_each_format_has_its_reader(name, head, options, fmt, reader):
    chosen = load_plan.choose(name, head, False, options, [], len(head))
    assert (chosen["format"], chosen["reader"]) == (fmt, reader)
    assert chosen["plan"] == file_kinds.read_plan(fmt, chosen["encoding"], False)


def test_every_format_has_a_reader():
    assert set(load_plan.READERS) == set(file_kinds.FORMATS)


@pytest.mark.parametrize(
    "name, options, taken, table",
    [
        ("sales.csv", {}, [], "sales"),
        ("sales.csv.gz", {}, [], "sales"),
        ("sales.csv", {}, ["sales"], "sales_2"),
        ("sales.csv", {"table": "orders"}, [], "orders"),
    ],
)
def test_the_table_is_named_after_the_source_and_unique(name, options, taken, table):
    assert load_plan.choose(name, b"a\n1\n", False, options, taken, 4)["table"] == table


def test_an_unknown_format_says_which_there_are():
    with pytest.raises(errors.OpenError) as failure:
        load_plan.choose("x.csv", b"a\n", False, {"format": "xml"}, [], 2)
    assert str(failure.value) == "Unknown format 'xml'; choose one of csv, json, jsonl, parquet, xlsx, sqlite."


def test_a_source_too_large_for_its_reader_is_refused_before_reading():
    size = file_kinds.MAX_FOR_PYTHON + 1
    with pytest.raises(errors.OpenError, match="book.xlsx"):
        load_plan.choose("book.xlsx", XLSX_HEAD, False, {}, [], size)


# --- how a CSV is read ------------------------------------------------------------


@pytest.mark.parametrize(
    "options, duckdb_encoding, expected",
    [
        ({}, None, {}),
        ({"delimiter": ";", "header": False, "table": "t"}, None, {"delimiter": ";", "header": False}),
        ({"encoding": "latin-1"}, "utf-8", {}),
        ({}, "utf-16", {"encoding": "utf-16"}),
        ({"missing": ["NA"], "late": "missing", "format": "csv"}, None, {"missing": ["NA"], "late": "missing"}),
    ],
)
def test_csv_options_keep_what_the_reader_takes(options, duckdb_encoding, expected):
    assert load_plan.csv_options(options, {"duckdb_encoding": duckdb_encoding}) == expected


@pytest.mark.parametrize(
    "size, shown", [(load_plan.PREVIEW_FROM_BYTES, False), (load_plan.PREVIEW_FROM_BYTES + 1, True)]
)
def test_only_large_csv_files_show_a_preview_first(size, shown):
    assert load_plan.previews(size) is shown


@pytest.mark.parametrize(
    "head, encoding, again",
    [
        (b"a,b\r\n1,2\n3,4\r", None, True),
        (b"a,b\n1,2\n", None, False),
        (b"a\x00,\x00\r\x00\n\x00", "utf-16", False),  # a 0x0D byte may be half a character
    ],
)
def test_a_failed_csv_is_read_again_with_one_line_ending_only_when_that_may_help(head, encoding, again):
    assert load_plan.retries_with_one_line_ending(head, {"duckdb_encoding": encoding}) is again


def test_the_preview_applies_an_excel_separator_line(engine):
    path = _csv(engine, "excel.csv", "sep=;\na;b\n1;2\n3;4\n")
    given, preview = engine.run(load_plan.csv_preview(path, "excel.csv", {}))
    assert given["delimiter"] == ";"
    assert [c["name"] for c in preview["columns"]] == ["a", "b"] and preview["rows"][0] == [1, 2]


def test_a_preview_the_quick_guess_cannot_read_is_skipped(engine):
    path = _csv(engine, "bad.csv", "a\n1\n")

    def refusing(statement, params):
        if "LIMIT" in statement.upper():
            raise errors.QueryError("Conversion Error: Could not convert string 'NA' to INT64")
        return engine.execute(statement, params)

    assert loading.run(load_plan.csv_preview(path, "bad.csv", {}), refusing) == ({}, None)


def test_the_preview_and_the_whole_read_agree(engine):
    path = _csv(engine, "sales.csv", "region,amount\nnorth,10\nsouth,20\n")
    given, preview = engine.run(load_plan.csv_preview(path, "sales.csv", {}))
    options = engine.run(loading.sniff_dialect(path, "sales.csv", given, True))
    info = engine.run(loading.load_csv("sales", path, "sales.csv", options), cancellable=True)
    assert [c["name"] for c in info["columns"]] == [c["name"] for c in preview["columns"]]
    assert load_plan.csv_details(options, info, {}) == {"delimiter": ",", "header": True}


# --- after reading --------------------------------------------------------------


def test_text_numbers_get_their_type_and_a_notice_says_so(engine):
    path = _csv(engine, "money.csv", 'item,price\na,"1,200"\nb,"3,400"\n')
    options = engine.run(loading.sniff_dialect(path, "money.csv", {}))
    info = engine.run(loading.load_csv("money", path, "money.csv", options))
    refined, notice = engine.run(load_plan.refined("money", info, "money.csv", None, True))
    kinds = {c["name"]: c["type"] for c in refined["columns"]}
    assert kinds["price"] != "VARCHAR"
    assert notice.startswith(load_plan.mixed_line_endings_message("money.csv"))
    assert "price" in notice


def test_nothing_to_refine_says_nothing(engine):
    path = _csv(engine, "plain.csv", "a,b\n1,2\n")
    info = engine.run(loading.load_csv("plain", path, "plain.csv", {"header": True, "delimiter": ","}))
    assert engine.run(load_plan.refined("plain", info, "plain.csv", None, False)) == (info, "")


def test_zoned_times_are_read_as_utc_and_said(engine):
    engine.execute("CREATE TABLE z AS SELECT TIMESTAMPTZ '2024-01-02 03:04:05+02' AS at")
    info, details, notice = engine.run(load_plan.in_utc("z", "z.json"))
    assert info["columns"][0]["type"] == "TIMESTAMP" and details == {"utc": True} and "z.json" in notice
    engine.execute("CREATE TABLE plain AS SELECT 1 AS a")
    assert engine.run(load_plan.in_utc("plain", "p.json"))[1:] == ({}, "")


@pytest.mark.parametrize(
    "given, info, recorded",
    [
        ({}, {}, {}),
        ({}, {"missing": ["NA"]}, {"missing": ["NA"]}),
        ({"missing": []}, {}, {"missing": []}),
    ],
)
def test_the_markers_recorded_are_those_chosen_or_found(given, info, recorded):
    assert load_plan.markers(given, info) == recorded


# --- workbooks and databases ------------------------------------------------------


def test_one_part_takes_the_wanted_name_and_several_are_named_after_it():
    one = load_plan.python_parts({"tables": [{"name": "Sheet1"}]}, "book.xlsx", "book", [])
    assert one == [
        {"name": "Sheet1", "table": "book", "display": "book.xlsx › Sheet1", "empty_rows": 0, "text_columns": []}
    ]
    several = load_plan.python_parts({"tables": [{"name": "a"}, {"name": "b"}]}, "db.sqlite", "db", ["db_a"])
    assert [p["table"] for p in several] == ["db_a_2", "db_b"]


def test_sheets_chosen_from_a_workbook_are_named_after_it_unless_the_table_was_named():
    answer = {"tables": [{"name": "May", "empty_rows": 2}], "chosen": True}
    [chosen] = load_plan.python_parts(answer, "year.xlsx", "year", ["year_April"])
    assert (chosen["table"], chosen["empty_rows"]) == ("year_may", 2)
    [named] = load_plan.python_parts(answer, "year.xlsx", "sales", [], named=True)
    assert named["table"] == "sales"
    with pytest.raises(errors.OpenError, match="where Loupe was asked to read. Choose another sheet, range"):
        load_plan.python_parts({"tables": [], "chosen": True}, "year.xlsx", "year", [])


def test_workbook_options_are_checked_before_the_file_is_read():
    assert load_plan.workbook_options({"delimiter": ";"}) == {}
    given = {"sheets": ["May"], "header_row": "3", "range": "$b$3:$f$20"}
    assert load_plan.workbook_options(given) == {"sheets": ["May"], "header_row": 3, "range": "B3:F20"}
    assert load_plan.part_details({"name": "May", "empty_rows": 1}, given) == {
        "part": "May",
        "empty_rows": 1,
        "header_row": 3,
        "range": "B3:F20",
    }
    for bad, words in (
        ({"sheets": "May"}, "list of sheet names"),
        ({"sheets": [3]}, "list of sheet names"),
        ({"header_row": "x"}, "number of a row"),
        ({"header_row": 2.5}, "number of a row"),
        ({"range": "B3::F"}, "not a range"),
    ):
        with pytest.raises(errors.OpenError, match=words):
            load_plan.workbook_options(bad)


def test_a_workbook_without_data_says_what_to_do():
    with pytest.raises(errors.OpenError) as failure:
        load_plan.python_parts({"tables": [], "hidden": ["Secret"]}, "book.xlsx", "book", [])
    assert str(failure.value) == (
        "'book.xlsx' has no tables with data in it but its hidden sheets (Secret); show them in your "
        "spreadsheet program, save, and open it again."
    )
    with pytest.raises(errors.OpenError, match="^'book.xlsx' has no tables with data in it.$"):
        load_plan.python_parts({"tables": []}, "book.xlsx", "book", [])
    with pytest.raises(errors.OpenError, match="^The workbook is encrypted.$"):
        load_plan.python_parts({"error": "The workbook is encrypted."}, "book.xlsx", "book", [])


def test_a_parts_csv_is_read_with_a_header_and_the_markers_chosen():
    assert load_plan.part_options({}) == {"header": True, "delimiter": ","}
    assert load_plan.part_options({"missing": ["-"]}) == {"header": True, "delimiter": ",", "missing": ["-"]}


# --- the words ------------------------------------------------------------------


@pytest.mark.parametrize(
    "message, expected",
    [
        (load_plan.cancelled_message("a.csv"), "Loading 'a.csv' was cancelled; nothing was kept."),
        (load_plan.download_cancelled_message("https://x.org/a.csv"), "Downloading https://x.org/a.csv was cancelled."),
        (
            load_plan.fetch_message("https://x.org/a.csv", 404, "Not Found"),
            "Could not download https://x.org/a.csv: the server answered 404 Not Found. Check the address and try again.",
        ),
        (
            load_plan.gzip_message("a.csv.gz", "incorrect header check."),
            "'a.csv.gz' is not a complete gzip file (incorrect header check). "
            "It may be damaged or only partly downloaded; download it again.",
        ),
        (
            load_plan.python_stopped_message("b.xlsx", "Traceback...\n  File x\nMemoryError\n"),
            "Python stopped while reading 'b.xlsx' (MemoryError). "
            "Reload the page and try again, or save the file as .xlsx or CSV.",
        ),
        (load_plan.json_message("a.json", "", "no objects", False), None),
    ],
)
def test_a_load_says_what_happened_and_what_to_do(message, expected):
    if expected is None:
        assert message.startswith("Could not read 'a.json' as a table: no objects.")
    else:
        assert message == expected


def test_a_download_no_server_answers_mentions_cors():
    assert "(CORS)" in load_plan.fetch_message("https://x.org/a.csv", 0, "Failed to fetch")


def test_python_progress_names_the_sheet_and_counts_its_rows():
    parsing = {"sheet": "Orders", "sheet_index": 1, "sheets": 3}
    assert load_plan.python_progress("book.xlsx", parsing) == ("Reading book.xlsx — sheet 2 of 3 (Orders)…", None, None)
    writing = dict(parsing, rows=50_000, total=120_500)
    assert load_plan.python_progress("book.xlsx", writing) == (
        "Reading book.xlsx — sheet 2 of 3 (Orders) — 50,000 of 120,500 rows",
        50_000,
        120_500,
    )
    alone = {"sheet": "Data", "sheet_index": 0, "sheets": 1}
    assert load_plan.python_progress("one.xlsx", alone)[0] == "Reading one.xlsx (Data)…"
