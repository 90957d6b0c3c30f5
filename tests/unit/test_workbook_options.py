"""Reading a workbook another way (sheet, header row, range), many sheets, and cells readers get wrong.

Real python-calamine and openpyxl on workbooks openpyxl writes; pandas (its
own openpyxl reader) is the oracle where it can say the same thing.
"""

import datetime
import io
import zipfile

import pandas
import pytest

from app.core import errors, load_plan, loading, sheet_range, workbook_csv, workbooks
from app.engine.native import NativeEngine
from tests.unit.test_workbooks import loaded, workbook_bytes


def offset_sheet(book):
    """A title block, a header on row 4 starting in column B, data below with an empty row between."""
    sheet = book.active
    sheet.title = "Report"
    sheet["A1"] = "Quarterly report"
    sheet["A2"] = "made 2026-01-05"
    for r, row in enumerate([["city", "people", "area"], ["Lyon", 522250, 47.87], [None], ["Nice", 342669, 71.92]]):
        for c, value in enumerate(row):
            sheet.cell(row=4 + r, column=2 + c, value=value)
    other = book.create_sheet("Notes")
    other.append(["note"])
    other.append(["checked"])
    secret = book.create_sheet("Secret")
    secret.append(["key"])
    secret.append([42])
    secret.sheet_state = "hidden"


def test_a_header_row_given_skips_the_rows_above_and_matches_pandas():
    data = workbook_bytes(offset_sheet)
    [table] = workbooks.read_tables("xlsx", data, "r.xlsx", {"sheets": ["Report"], "header_row": 4})
    oracle = pandas.read_excel(
        io.BytesIO(data), sheet_name="Report", header=3, usecols="B:D", engine="openpyxl"
    ).dropna(how="all")
    types, rows = loaded(table["csv"])
    assert types == ["VARCHAR", "BIGINT", "DOUBLE"]
    assert rows == oracle.values.tolist() == [["Lyon", 522250, 47.87], ["Nice", 342669, 71.92]]
    assert table["empty_rows"] == 1


def test_without_a_header_row_the_columns_are_named_by_their_letters():
    data = workbook_bytes(offset_sheet)
    [table] = workbooks.read_tables("xlsx", data, "r.xlsx", {"sheets": ["Report"], "range": "B4:D7", "header_row": 0})
    types, rows = loaded(table["csv"])
    assert table["csv"].splitlines()[0] == "B,C,D"
    assert rows[0] == ["city", "people", "area"]
    assert len(rows) == 3 and table["rows"] == 3


def test_a_range_reads_only_its_cells():
    data = workbook_bytes(offset_sheet)
    [table] = workbooks.read_tables("xlsx", data, "r.xlsx", {"sheets": ["Report"], "range": "B4:C5"})
    assert loaded(table["csv"])[1] == [["Lyon", 522250]]
    oracle = pandas.read_excel(
        io.BytesIO(data), sheet_name="Report", header=3, usecols="B:C", nrows=1, engine="openpyxl"
    )
    assert list(oracle.columns) == table["csv"].splitlines()[0].split(",") == ["city", "people"]


def test_a_hidden_sheet_asked_for_by_name_is_read():
    read = workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", {"sheets": ["Secret"]})
    assert [(t["name"], t["rows"]) for t in read["tables"]] == [("Secret", 1)]
    assert read["hidden"] == [] and read["chosen"] is True
    assert read["sheets"] == [
        {"name": "Report", "hidden": False},
        {"name": "Notes", "hidden": False},
        {"name": "Secret", "hidden": True},
    ]


@pytest.mark.parametrize(
    "options, words",
    [
        ({"sheets": ["Nope"]}, "has no sheet named 'Nope'; its sheets are 'Report', 'Notes', 'Secret'"),
        ({"sheets": "Report"}, "must be a list of sheet names"),
        ({"sheets": []}, "must be a list of sheet names"),
        ({"header_row": "two"}, "header row must be the number of a row"),
        ({"header_row": -1}, "header row must be the number of a row"),
        ({"header_row": True}, "header row must be the number of a row"),
        ({"range": "B3:Z9:Q"}, "is not a range Loupe understands"),
        ({"range": "hello"}, "is not a range Loupe understands"),
        ({"sheets": ["Report"], "header_row": 40}, "Row 40 is outside the cells of sheet 'Report'"),
        ({"sheets": ["Report"], "range": "B4:D7", "header_row": 2}, "Row 2 is outside the range B4:D7"),
    ],
)
def test_options_that_cannot_apply_are_refused_in_words(options, words):
    with pytest.raises(errors.TabularError) as refused:
        workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", options)
    assert words in str(refused.value)
    assert "Traceback" not in str(refused.value)


def test_a_range_outside_the_data_gives_no_table():
    read = workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", {"sheets": ["Report"], "range": "K1:M9"})
    assert read["tables"] == []


def many_sheets(book):
    book.active.title = "Cover"  # empty: the first sheet with data opens
    for i in range(1, workbooks.MANY_SHEETS + 3):
        sheet = book.create_sheet(f"Month {i}")
        sheet.append(["day", "sales"])
        sheet.append([i, i * 10])


def test_a_workbook_of_many_sheets_opens_its_first_with_data_and_lists_the_rest():
    read = workbooks.read_file("xlsx", workbook_bytes(many_sheets), "year.xlsx")
    assert [t["name"] for t in read["tables"]] == ["Month 1"]
    assert read["chosen"] is True and len(read["sheets"]) == workbooks.MANY_SHEETS + 3
    assert "only the first with data, 'Month 1', was opened: choose others in Sheets…" in read["note"]
    chosen = workbooks.read_file("xlsx", workbook_bytes(many_sheets), "year.xlsx", {"sheets": ["Month 3", "Month 9"]})
    assert [(t["name"], loaded(t["csv"])[1]) for t in chosen["tables"]] == [
        ("Month 3", [[3, 30]]),
        ("Month 9", [[9, 90]]),
    ]


def test_a_lone_carriage_return_in_a_cell_stays_in_its_row():
    def build(book):
        book.active.append(["id", "text"])
        book.active.append([1, "first\rsecond"])
        book.active.append([2, "plain"])

    [table] = workbooks.read_tables("xlsx", workbook_bytes(build))
    rows = loaded(table["csv"])[1]
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][1].replace("\r", "\n") == "first\nsecond"
    assert loaded(workbook_csv.rows_csv([["t"], ["a\rb"], ["c"]])[0])[1] == [["a\rb"], ["c"]]


def test_dates_among_date_times_keep_the_column_of_timestamps():
    def build(book):
        book.active.append(["at"])
        book.active.append([datetime.datetime(2024, 5, 1, 0, 0)])
        book.active.append([datetime.datetime(2024, 5, 1, 9, 30)])

    [table] = workbooks.read_tables("xlsx", workbook_bytes(build))
    assert loaded(table["csv"]) == (
        ["TIMESTAMP"],
        [[datetime.datetime(2024, 5, 1, 0, 0)], [datetime.datetime(2024, 5, 1, 9, 30)]],
    )


@pytest.mark.parametrize(
    "seconds, text",
    [(3723, "1:02:03"), (3723.5, "1:02:03.5"), (-90.25, "-0:01:30.25"), (1_036_800, "288:00:00"), (0.0004, "0:00:00")],
)
def test_durations_keep_their_fraction_of_a_second(seconds, text):
    assert workbook_csv.duration(datetime.timedelta(seconds=seconds)) == text


def test_ods_durations_are_written_as_durations_and_other_text_stays():
    assert workbook_csv.ods_duration("PT288H00M00S") == "288:00:00"
    assert workbook_csv.ods_duration("-PT01H30M15.5S") == "-1:30:15.5"
    assert workbook_csv.ods_duration("PT is a ticket") is None
    assert list(workbook_csv.column(("PT01H00M00S", None, "PTA"), ods=True)) == ["1:00:00", None, "PTA"]
    assert list(workbook_csv.column(("PT01H00M00S",), ods=False)) == ["PT01H00M00S"]


def test_a_first_column_of_error_cells_only_is_skipped_like_an_empty_one():
    def build(book):
        sheet = book.active
        sheet.append(["#N/A", "k", "v"])
        sheet.append(["#N/A", "a", 1])
        sheet["A1"].data_type = sheet["A2"].data_type = "e"

    [table] = workbooks.read_tables("xlsx", workbook_bytes(build))
    assert table["csv"].splitlines()[0] == "k,v"


def test_merged_cells_are_counted_in_the_note():
    def build(book):
        sheet = book.active
        for row in (["group", "item"], ["fruit", "apple"], [None, "pear"]):
            sheet.append(row)
        sheet.merge_cells("A2:A3")

    read = workbooks.read_file("xlsx", workbook_bytes(build), "m.xlsx")
    assert read["tables"][0]["merged"] == 1
    assert "1 merged cell keeps its value in the first row and column only" in read["note"]


def test_a_password_protected_ods_is_explained():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", b"\x8f\x12 encrypted bytes")
    with pytest.raises(errors.TabularError) as refused:
        workbooks.read_file("xlsx", out.getvalue(), "locked.ods")
    assert "'locked.ods' is protected with a password" in str(refused.value)


@pytest.mark.parametrize(
    "text, bounds",
    [
        ("B3:F200", (2, 1, 199, 5)),
        ("$B$3:$F$200", (2, 1, 199, 5)),
        ("f200:b3", (2, 1, 199, 5)),
        ("B:F", (None, 1, None, 5)),
        ("3:200", (2, None, 199, None)),
        ("B3", (2, 1, None, None)),
        ("B3:F", (2, 1, None, 5)),
        ("AA1:XFD10", (0, 26, 9, 16383)),
    ],
)
def test_ranges_are_read_as_excel_writes_them(text, bounds):
    assert sheet_range.parse(text) == bounds
    assert sheet_range.parse(sheet_range.label(bounds)) == bounds


@pytest.mark.parametrize(
    "text", ["", "B", "3", "B3:9", "B:F10", "XFE1", "A0", "A1048577", "A1:B2:C3", "1A", "A-1", "ÄB1"]
)
def test_ranges_that_are_not_ranges_are_refused(text):
    with pytest.raises(errors.OpenError) as refused:
        sheet_range.parse(text)
    assert "Excel" in str(refused.value)


def test_column_letters_count_as_excel_does():
    assert [sheet_range.letters(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_openpyxl_reads_the_same_options(monkeypatch):
    def refuse(data, called, wanted):
        raise workbooks._CalamineRefused("no")
        yield  # a reading, as the one it stands in for

    data = workbook_bytes(offset_sheet)
    options = {"sheets": ["Report", "Secret"], "header_row": 4}
    by_calamine = workbooks.read_file("xlsx", data, "r.xlsx", {"sheets": ["Report"], "header_row": 4})
    monkeypatch.setattr(workbooks, "_calamine_reading", refuse)
    with pytest.raises(errors.TabularError, match="Row 4 is outside the cells of sheet 'Secret'"):
        workbooks.read_file("xlsx", data, "r.xlsx", options)
    by_openpyxl = workbooks.read_file("xlsx", data, "r.xlsx", {"sheets": ["Report"], "header_row": 4})
    assert loaded(by_openpyxl["tables"][0]["csv"]) == loaded(by_calamine["tables"][0]["csv"])
    assert by_openpyxl["sheets"] == by_calamine["sheets"]


def test_a_title_line_taken_as_header_says_which_row_the_header_looks_to_be_on():
    read = workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", {"sheets": ["Report"]})
    assert read["tables"][0]["header_hint"] == 4
    assert "sheet 'Report' begins with a line of its own, taken as its header; if its header is row 4" in read["note"]
    given = workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", {"sheets": ["Report"], "header_row": 4})
    assert given["tables"][0]["header_hint"] is None and "line of its own" not in given["note"]
    plain = workbooks.read_file("xlsx", workbook_bytes(offset_sheet), "r.xlsx", {"sheets": ["Notes"]})
    assert plain["tables"][0]["header_hint"] is None


def test_cells_of_text_stay_text_as_pandas_reads_them():
    """ "007", "f" and a date typed as text are text in pandas and R; DuckDB alone would read 7, false, a date."""

    def build(book):
        book.active.append(["code", "flag", "typed", "n"])
        for row in (["007", "f", "2024-01-05", 1], ["010", "t", "2024-02-05", 2], [None, "f", "2024-03-05", None]):
            book.active.append(row)

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    assert table["text_columns"] == [0, 1, 2]
    engine = NativeEngine()
    path = engine.register_text("s.csv", table["csv"])
    options = load_plan.part_options({}, table)
    info = loading.run(loading.load_csv("t", path, "Sheet", options), engine.execute)
    info, _ = loading.run(load_plan.refined("t", info, "Sheet", None, False), engine.execute)
    assert [c["type"] for c in info["columns"]] == ["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT"]
    oracle = pandas.read_excel(io.BytesIO(data), engine="openpyxl", dtype=object)
    rows = engine.execute("SELECT * FROM t")["rows"]
    expected = [[None if pandas.isna(v) else v for v in row] for row in oracle.values.tolist()]
    assert (
        rows
        == expected
        == [["007", "f", "2024-01-05", 1], ["010", "t", "2024-02-05", 2], [None, "f", "2024-03-05", None]]
    )
