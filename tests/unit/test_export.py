"""Exports: the SQL feeding a file (formula protection, casts, view order), Markdown, names, Excel.

Run against native DuckDB with real CSV files, as the browser runs the same SQL.
"""

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from app.core import errors, export, export_xlsx, loading, query, types, view
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"

# Cells a spreadsheet would run as formulas (OWASP), and neighbours that must stay as they are.
FORMULAS_CSV = (
    "id,label,amount,note\n"
    '1,"=HYPERLINK(""http://x"",""click"")",-2.5,plain\n'
    '2,+1,3,"say ""hi"""\n'
    "3,-2,-4.25,\n"
    "4,@SUM(A1),0,Zürich ✓\n"
    '5,"\ttab",1000,"two\nlines"\n'
    '6,"\rcr",-0.5,=1+1\n'
    "7,,7,a-b\n"
)
LABELS = ['=HYPERLINK("http://x","click")', "+1", "-2", "@SUM(A1)", "\ttab", "\rcr", None]
NOTES = ["plain", 'say "hi"', None, "Zürich ✓", "two\nlines", "=1+1", "a-b"]
AMOUNTS = [-2.5, 3.0, -4.25, 0.0, 1000.0, -0.5, 7.0]


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def load(engine, table, name, data):
    """Sniff and load a CSV as the browser does; return its described columns."""
    path = engine.register_bytes(name, data if isinstance(data, bytes) else data.encode())
    dialect = loading.run(loading.sniff_dialect(path, name), engine.execute)
    info = loading.run(loading.load_csv(table, path, name, dialect), engine.execute)
    return types.describe_columns([{"name": c["name"], "type": c["type"]} for c in info["columns"]])


def state_of(table, *changes):
    """A table state built with app.core.view's transitions: ``(function, args...)`` each."""
    state = view.add_source(view.new_view(), table, "file", table + ".csv")
    for change in changes:
        state = change[0](state, *change[1:])
    return view.table_state(state)


def rows(engine, sql_params):
    return engine.execute(*sql_params)["rows"]


@pytest.fixture
def formulas(engine):
    columns = load(engine, "formulas", "formulas.csv", FORMULAS_CSV)
    assert [(c["name"], c["type"]) for c in columns] == [
        ("id", "BIGINT"),
        ("label", "VARCHAR"),
        ("amount", "DOUBLE"),
        ("note", "VARCHAR"),
    ]
    return columns


def protected(text):
    return "'" + text if export.is_formula_like(text) else text


# --- formula protection -------------------------------------------------------


@pytest.mark.parametrize("neutralise", [True, False])
def test_export_select_neutralises_text_only(engine, formulas, neutralise):
    select = query.view_select("formulas", state_of("formulas"), formulas)
    got = rows(engine, export.export_select(*select, formulas, neutralise, "csv"))
    change = protected if neutralise else (lambda text: text)
    assert [r[1] for r in got] == [None if t is None else change(t) for t in LABELS]
    assert [r[3] for r in got] == [None if t is None else change(t) for t in NOTES]
    assert [r[2] for r in got] == AMOUNTS  # negative numbers stay numbers
    assert [r[0] for r in got] == list(range(1, 8))


def write_plan(engine, plan, target):
    """Run a copy plan as the browser does and join its parts into ``target``; return the rows written."""
    written = 0
    for statement in plan["before"]:
        engine.execute(*statement)
    with open(target, "wb") as out:
        for sql, params, name in plan["files"]:
            written += rows(engine, (sql, params))[0][0]
            out.write(Path(name).read_bytes())
    for statement in plan["after"]:
        engine.execute(*statement)
    return written


@pytest.mark.parametrize("fmt_key, delimiter", [("csv", ","), ("tsv", "\t")])
@pytest.mark.parametrize("neutralise", [True, False])
@pytest.mark.parametrize("part_rows", [200000, 2])
def test_copy_writes_a_file_spreadsheets_cannot_run(
    engine, formulas, tmp_path, monkeypatch, fmt_key, delimiter, neutralise, part_rows
):
    monkeypatch.setattr(export, "copy_chunk_rows", lambda columns: part_rows)
    select = query.view_select("formulas", state_of("formulas"), formulas)
    wrapped = export.export_select(*select, formulas, neutralise, fmt_key)
    plan = export.copy_plan(*wrapped, 7, len(formulas), fmt_key, str(tmp_path / "loupe-1-export"))
    assert len(plan["files"]) == (1 if part_rows > 7 else 4)
    target = str(tmp_path / ("out." + fmt_key))
    assert write_plan(engine, plan, target) == 7
    stored = ("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [str(tmp_path / "loupe-1-export")])
    assert rows(engine, stored) == [[0]]  # dropped after
    with open(target, newline="", encoding="utf-8") as handle:
        read = list(csv.reader(handle, delimiter=delimiter))
    assert read[0] == ["id", "label", "amount", "note"]
    change = protected if neutralise else (lambda text: text)
    assert [r[1] for r in read[1:]] == ["" if t is None else change(t) for t in LABELS]
    assert [r[3] for r in read[1:]] == ["" if t is None else change(t) for t in NOTES]
    assert [float(r[2]) for r in read[1:]] == AMOUNTS
    assert read[1][2] == "-2.5"  # a number, no quote in front
    # Formula-like text is what a spreadsheet sees first in its cell: only a quote may come before it.
    cells = [cell for row in read[1:] for cell in (row[1], row[3])]
    assert any(export.is_formula_like(c) for c in cells) is not neutralise


def test_copy_keeps_the_view_parameters_in_place(engine, weather, tmp_path):
    state = state_of(
        "weather",
        (view.with_filter, "weather", "in", ["snow", "fog"]),
        (view.with_filter, "temp_max", "range", [5, None]),
        (view.with_sort, "date", "desc"),
    )
    wrapped = export.export_select(*query.view_select("weather", state, weather), weather, True, "tsv")
    target = tmp_path / "view.tsv"
    count = rows(engine, export.count_rows(*wrapped))[0][0]
    write_plan(engine, export.copy_plan(*wrapped, count, len(weather), "tsv", str(tmp_path / "loupe-2")), target)
    direct = rows(
        engine,
        (
            "SELECT strftime(date, '%Y-%m-%d'), weather FROM weather WHERE weather IN ('snow', 'fog') "
            "AND temp_max >= 5 ORDER BY date DESC",
            [],
        ),
    )
    with open(target, newline="") as handle:
        assert [[r[0], r[5]] for r in list(csv.reader(handle, delimiter="\t"))[1:]] == direct


def test_an_empty_view_still_gets_its_header(engine, weather, tmp_path):
    state = state_of("weather", (view.with_filter, "weather", "in", ["hail"]))
    wrapped = export.export_select(*query.view_select("weather", state, weather), weather, True, "csv")
    plan = export.copy_plan(*wrapped, 0, len(weather), "csv", str(tmp_path / "loupe-3"))
    assert len(plan["files"]) == 1
    assert write_plan(engine, plan, tmp_path / "empty.csv") == 0
    assert (tmp_path / "empty.csv").read_text() == "date,precipitation,temp_max,temp_min,wind,weather\n"


@pytest.mark.parametrize("columns, part_rows", [(1, 200000), (6, 200000), (100, 20000), (10000, 1000)])
def test_copy_parts_hold_about_two_million_values(columns, part_rows):
    assert export.copy_chunk_rows(columns) == part_rows


@pytest.mark.parametrize("name", ["a'b.csv", "a b.csv", "a\\b.csv", ""])
def test_copy_takes_only_loupes_own_file_names(name):
    with pytest.raises(ValueError):
        export.copy_to("SELECT 1", [], name, "csv")


def test_binary_and_other_text_types_are_protected_too(engine):
    engine.execute(
        "CREATE TABLE t AS SELECT '=cmd'::BLOB AS b, 'a'::ENUM('a', '=b') AS e, -1 AS n "
        "UNION ALL SELECT 'ok'::BLOB, '=b', -2"
    )
    columns = types.describe_columns(
        [{"name": n, "type": t} for n, t in engine.execute("SELECT column_name, column_type FROM (DESCRIBE t)")["rows"]]
    )
    assert [c["kind"] for c in columns] == ["binary", "text", "integer"]
    got = rows(engine, export.export_select(*query.view_select("t", {}, columns), columns, True, "csv"))
    assert got == [["'=cmd", "a", -1], ["ok", "'=b", -2]]


# --- the view: filters, sort, grouping, columns ------------------------------------


@pytest.fixture
def weather(engine):
    return load(engine, "weather", "seattle-weather.csv", SAMPLE.read_bytes())


def test_filtered_sorted_view_exports_what_direct_sql_returns(engine, weather):
    state = state_of(
        "weather",
        (view.with_filter, "weather", "in", ["rain", "sun"]),
        (view.with_filter, "temp_max", "range", [10, 25]),
        (view.with_search, "201"),
        (view.with_sort, "temp_max", "desc"),
        (view.with_sort, "date", "asc", True),
        (view.with_hidden, "wind"),
        (view.with_order, ["weather", "date"]),
    )
    select = query.view_select("weather", state, weather)
    got = rows(engine, export.export_select(*select, query.visible(weather, state), True, "csv"))
    direct = rows(
        engine,
        (
            "SELECT weather, date, precipitation, temp_max, temp_min FROM weather "
            "WHERE weather IN ('rain', 'sun') AND temp_max BETWEEN 10 AND 25 "
            "ORDER BY temp_max DESC, date",
            [],
        ),
    )
    assert len(direct) > 500 and got == direct


def test_grouped_view_with_a_repeated_name_gets_unique_names(engine):
    engine.execute(
        "CREATE TABLE sales AS SELECT * FROM (VALUES ('a', 1, 10.5), ('a', 2, 1.5), ('b', 3, -2.0)) "
        'v("count", n, amount)'
    )
    columns = types.describe_columns(
        [
            {"name": "count", "type": "VARCHAR"},
            {"name": "n", "type": "INTEGER"},
            {"name": "amount", "type": "DECIMAL(4,1)"},
        ]
    )
    state = state_of("sales", (view.with_group, ["count"], [{"fn": "sum", "column": "amount"}]))
    shown = query.group_columns(columns, state)
    wrapped = export.export_select(*query.view_select("sales", state, columns), shown, True, "json")
    result = engine.execute(*wrapped)
    assert [c["name"] for c in result["columns"]] == ["count", "count_2", "sum(amount)"]
    assert [c["name"] for c in export.export_columns(shown, "json")] == ["count", "count_2", "sum(amount)"]
    assert [[r[0], r[1], float(r[2])] for r in result["rows"]] == [["a", 2, 12.0], ["b", 1, -2.0]]


def test_no_visible_column_is_refused(engine, weather):
    state = state_of("weather", *[(view.with_hidden, c["name"]) for c in weather])
    with pytest.raises(errors.ExportError, match="show at least one column"):
        export.export_select(*query.view_select("weather", state, weather), query.visible(weather, state))


def test_a_view_whose_select_fails_reports_the_engine_error(engine, weather):
    state = state_of("weather", (view.with_filter, "weather", "regex", "(unclosed"))
    select = query.view_select("weather", state, weather)
    with pytest.raises(errors.QueryError, match=r"missing \)"):
        engine.execute(*export.count_rows(*export.export_select(*select, weather)))


@pytest.mark.parametrize(
    "sql_type, value, fmt_key, exported_type",
    [
        ("INTERVAL", "INTERVAL 1 DAY", "parquet", "VARCHAR"),
        ("INTERVAL", "INTERVAL 1 DAY", "csv", "INTERVAL"),
        ("INTERVAL[]", "[INTERVAL 1 DAY]", "json", "VARCHAR"),
        ("ENUM", "'a'::ENUM('a', 'b')", "parquet", "VARCHAR"),
        ("UHUGEINT", "1::UHUGEINT", "xlsx", "VARCHAR"),
        ("BIT", "'101'::BIT", "json", "VARCHAR"),
        ("TIME WITH TIME ZONE", "TIMETZ '13:05:09+02'", "parquet", "VARCHAR"),
        ("TIMESTAMP_NS", "TIMESTAMP_NS '2024-01-01 00:00:00.123456789'", "json", "VARCHAR"),
        ("TIMESTAMP_NS", "TIMESTAMP_NS '2024-01-01 00:00:00.123456789'", "parquet", "TIMESTAMP_NS"),
        ("HUGEINT", "1::HUGEINT", "parquet", "HUGEINT"),
        ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ '2024-01-01 00:00:00+00'", "parquet", "TIMESTAMP WITH TIME ZONE"),
        ("DOUBLE", "-1.5::DOUBLE", "xlsx", "DOUBLE"),
        ("STRUCT", "{'orbit': 1, 'interval_days': 2}", "parquet", "STRUCT"),  # field names are not types
        ("STRUCT", "{'a': INTERVAL 1 DAY}", "parquet", "VARCHAR"),
    ],
)
def test_types_a_format_cannot_hold_are_written_as_text(engine, sql_type, value, fmt_key, exported_type):
    engine.execute("CREATE TABLE t AS SELECT " + value + " AS v")
    declared = engine.execute("SELECT column_type FROM (DESCRIBE t)")["rows"][0][0]
    columns = types.describe_columns([{"name": "v", "type": declared}])
    wrapped = export.export_select(*query.view_select("t", {}, columns), columns, True, fmt_key)
    described = engine.execute("SELECT column_type FROM (DESCRIBE " + wrapped[0] + ")", wrapped[1])["rows"]
    assert described[0][0].startswith(exported_type)
    assert export.export_columns(columns, fmt_key)[0]["type"].startswith(exported_type)


def test_count_and_first_rows_keep_the_view(engine, weather):
    state = state_of("weather", (view.with_sort, "precipitation", "desc"))
    wrapped = export.export_select(*query.view_select("weather", state, weather), weather)
    assert rows(engine, export.count_rows(*wrapped)) == [[1461]]
    first = rows(engine, export.first_rows(*wrapped, 3))
    assert [r[1] for r in first] == [55.9, 54.1, 54.1]


# --- limits, names, messages ------------------------------------------------------


@pytest.mark.parametrize(
    "fmt_key, n_rows, n_columns, phrase",
    [
        ("xlsx", 1_048_575, 6, ""),
        ("xlsx", 1_048_576, 6, "The view has 1,048,576 rows; an Excel sheet holds at most 1,048,575 below its header"),
        ("xlsx", 3_000_000, 6, "export it as CSV or Parquet"),
        ("xlsx", 10, 16_385, "The view has 16,385 columns; an Excel sheet holds at most 16,384"),
        ("csv", 3_000_000, 20_000, ""),
        ("parquet", 10**9, 6, ""),
    ],
)
def test_size_problem(fmt_key, n_rows, n_columns, phrase):
    problem = export.size_problem(fmt_key, n_rows, n_columns)
    assert (phrase in problem) if phrase else problem == ""


@pytest.mark.parametrize(
    "table, fmt_key, expected",
    [
        ("seattle_weather", "csv", "seattle_weather.csv"),
        ("sales 2024/Q1", "xlsx", "sales 2024_Q1.xlsx"),
        ('a<b>:"c"|d?*', "json", "a_b___c__d__.json"),
        ("..hidden.", "tsv", "hidden.tsv"),
        ("Zürich", "parquet", "Zürich.parquet"),
        ("", "csv", "export.csv"),
        ("x" * 300, "csv", "x" * 100 + ".csv"),
    ],
)
def test_file_name(table, fmt_key, expected):
    assert export.file_name(table, fmt_key) == expected


@pytest.mark.parametrize(
    "table, expected",
    [
        ("seattle_weather", "seattle_weather"),
        ("a[1]:b*c?d/e\\f", "a_1__b_c_d_e_f"),
        ("x" * 40, "x" * 31),
        ("", "Sheet1"),
    ],
)
def test_sheet_title(table, expected):
    assert export.sheet_title(table) == expected


@pytest.mark.parametrize(
    "names, expected",
    [
        (["a", "b"], ["a", "b"]),
        (["a", "a"], ["a", "a_2"]),
        (["a", "a", "a_2"], ["a", "a_3", "a_2"]),
        (["count", "count", "count"], ["count", "count_2", "count_3"]),
    ],
)
def test_unique_names(names, expected):
    assert export.unique_names(names) == expected


@pytest.mark.parametrize(
    "text, formula",
    [
        ("=1", True),
        ("+1", True),
        ("-1", True),
        ("@x", True),
        ("\tx", True),
        ("\rx", True),
        ("a=1", False),
        ("", False),
        (" =1", False),
        (None, False),
        (-1, False),
    ],
)
def test_is_formula_like(text, formula):
    assert export.is_formula_like(text) is formula


def test_done_message():
    assert export.done_message("csv", 1461, "w.csv") == "Exported 1,461 rows as CSV to w.csv."
    assert export.done_message("xlsx", 1, "w.xlsx") == "Exported 1 row as Excel to w.xlsx."


def test_every_format_is_complete():
    assert sorted(export.ORDER) == sorted(export.FORMATS)
    for key, entry in export.FORMATS.items():
        assert {"label", "extension", "mime", "writer", "neutralise"} <= set(entry), key
        assert entry["writer"] in ("copy", "json", "parquet", "xlsx")
        assert entry["neutralise"] in ("sql", "cell", None)


# --- Markdown -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, cell",
    [
        ("plain", "plain"),
        ("a|b", "a\\|b"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two<br>lines"),
        ("crlf\r\nend", "crlf<br>end"),
        ("=1+1", "=1+1"),
        (None, ""),
        (1.5, "1.5"),
        (True, "true"),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_markdown_cells(value, cell):
    text = export.markdown([{"name": "v", "type": "VARCHAR", "kind": "text"}], [[value]])
    assert text.splitlines()[2] == "| " + cell + " |"


def test_markdown_table_aligns_numbers_right_and_escapes_headers(engine, weather):
    wrapped = export.export_select(*query.view_select("weather", {}, weather), weather)
    first = rows(engine, export.first_rows(*wrapped, 2))
    columns = weather + [{"name": "a|b", "type": "VARCHAR", "kind": "text"}]
    text = export.markdown(columns, [r + ["x"] for r in first])
    lines = text.splitlines()
    assert lines[0] == "| date | precipitation | temp_max | temp_min | wind | weather | a\\|b |"
    assert lines[1] == "| --- | ---: | ---: | ---: | ---: | --- | --- |"
    assert lines[2].startswith("| 2012-01-01 | 0.0 | 12.8 |")
    assert len(lines) == 4 and text.endswith("\n")


def test_markdown_message():
    assert export.markdown_message(3, 3) == "Copied 3 rows as a Markdown table."
    assert export.markdown_message(1000, 1461) == (
        "Copied the first 1,000 of 1,461 rows as a Markdown table (a Markdown copy stops at 1,000 rows; "
        "export as CSV for all of them)."
    )


# --- Excel ----------------------------------------------------------------------------

XLSX_COLUMNS = types.describe_columns(
    [
        {"name": "label", "type": "VARCHAR"},
        {"name": "n", "type": "BIGINT"},
        {"name": "x", "type": "DOUBLE"},
        {"name": "day", "type": "DATE"},
        {"name": "at", "type": "TIMESTAMP WITH TIME ZONE"},
        {"name": "clock", "type": "TIME"},
        {"name": "ok", "type": "BOOLEAN"},
        {"name": "tags", "type": "VARCHAR[]"},
    ]
)
# Rows as the browser's JSON gives them (assets/js/arrow-json.mjs).
XLSX_ROWS = [
    ['=HYPERLINK("http://x")', -5, -2.5, "2024-03-15", "2024-03-15 12:00:00.5Z", "13:05:09.25", True, ["a"]],
    ["#N/A", "12345678901234567890", 2, "1850-01-01", "2024-01-01 00:00:00", "00:00:00", False, []],
    ["a\x01b", 10**16, "NaN", None, None, None, None, None],
    ["-plain", 7, 0.1, "2024-02-29", "2024-02-29 23:59:59.999999", "23:59:59.999999", True, None],
]


def xlsx_sheet(neutralise, rows=XLSX_ROWS, columns=XLSX_COLUMNS):
    book = export.XlsxBook(columns, "my table", neutralise)
    book.add(rows)
    data = book.finish()
    return openpyxl.load_workbook(io.BytesIO(data)).active, book


@pytest.mark.parametrize("neutralise", [True, False])
def test_xlsx_keeps_types_and_never_writes_formulas(neutralise):
    import datetime

    sheet, book = xlsx_sheet(neutralise)
    assert sheet.title == "my table"
    cells = [list(row) for row in sheet.iter_rows()]
    assert [c.value for c in cells[0]] == [c["name"] for c in XLSX_COLUMNS]
    first = cells[1]
    assert first[0].value == '=HYPERLINK("http://x")' and first[0].data_type == "s"
    assert first[0].quotePrefix is neutralise
    assert cells[4][0].value == "-plain" and cells[4][0].quotePrefix is neutralise
    assert (first[1].value, first[2].value) == (-5, -2.5)
    assert first[3].value == datetime.datetime(2024, 3, 15) and first[3].number_format == "yyyy-mm-dd"
    assert first[4].value == datetime.datetime(2024, 3, 15, 12, 0, 0, 500000)
    assert first[5].value == datetime.time(13, 5, 9, 250000)
    assert first[6].value is True and first[7].value == '["a"]'
    second = cells[2]
    assert second[0].value == "#N/A" and second[0].data_type == "s"  # text, not an error cell
    assert second[1].value == "12345678901234567890"  # more digits than Excel keeps: exact text
    assert second[2].value == 2
    assert second[3].value == "1850-01-01"  # before Excel's calendar: text
    third = cells[3]
    assert third[0].value == "a\ufffdb" and third[1].value == "10000000000000000" and third[2].value == "NaN"
    assert all(c.data_type != "f" for row in cells for c in row)
    assert book.notes() == [
        "1 value held control characters Excel cannot store; each was replaced with \ufffd.",
        "Times with a time zone (at) are written in UTC; Excel has no time zones.",
    ]


def test_xlsx_cuts_overlong_text_and_says_so():
    sheet, book = xlsx_sheet(True, [["x" * 40000]], XLSX_COLUMNS[:1])
    assert len(sheet["A2"].value) == export.XLSX_MAX_CELL
    assert book.notes() == [
        "1 value was longer than Excel's 32,767 characters per cell and cut there; "
        "export as CSV or Parquet to keep every value whole."
    ]


def test_xlsx_refuses_rows_past_the_sheet_limit(monkeypatch):
    monkeypatch.setattr(export_xlsx, "XLSX_MAX_ROWS", 3)  # the writer checks its own limit
    book = export.XlsxBook(XLSX_COLUMNS[:1], "t", True)
    book.add([["a"], ["b"]])
    with pytest.raises(errors.ExportError, match="The view has 3 rows; an Excel sheet holds at most 2 below"):
        book.add([["c"]])
    book.discard()


def test_xlsx_from_a_real_view(engine, formulas):
    """The browser's route: rows of export_select (no SQL quote for Excel) into the workbook."""
    wrapped = export.export_select(
        *query.view_select("formulas", state_of("formulas"), formulas), formulas, True, "xlsx"
    )
    got = rows(engine, wrapped)
    sheet, _ = xlsx_sheet(True, [[r[0], r[1], r[2], r[3]] for r in got], export.export_columns(formulas, "xlsx"))
    labels = [row[1].value for row in sheet.iter_rows(min_row=2)]
    # Exact text: Excel's quote prefix marks it, no ' is added. (XML reads a lone CR as a line feed.)
    assert labels == [None if t is None else t.replace("\r", "\n") for t in LABELS]
    assert [row[2].value for row in sheet.iter_rows(min_row=2)] == AMOUNTS
    assert [row[1].quotePrefix for row in sheet.iter_rows(min_row=2)] == [True] * 6 + [False]
