"""The line describing a table's source, and what the read-as form starts from."""

import pytest

from app.core import file_kinds, missing, source_summary


@pytest.mark.parametrize(
    "source, text",
    [
        ({"name": "weather.csv"}, "weather.csv"),
        (
            {
                "name": "weather.csv",
                "read": {"format": file_kinds.CSV, "encoding": "utf-8", "delimiter": ",", "header": True},
            },
            "weather.csv · CSV · UTF-8 · comma-separated · with header",
        ),
        (
            {"name": "w.tsv.gz", "read": {"format": file_kinds.CSV, "gzip": True, "delimiter": "\t", "header": False}},
            "w.tsv.gz · CSV (gzip) · tab-separated · no header",
        ),
        ({"name": "odd.txt", "read": {"format": file_kinds.CSV, "delimiter": "#"}}, "odd.txt · CSV · '#'-separated"),
        (
            {"name": "r.csv", "read": {"format": file_kinds.CSV, "missing": ["NA", "-"], "late": missing.AS_MISSING}},
            "r.csv · CSV · Missing values: NA, - · Values that do not fit: missing",
        ),
        ({"name": "book.xlsx", "read": {"format": file_kinds.XLSX, "part": "Sheet2"}}, "book.xlsx › Sheet2 · Excel"),
        ({"name": "t.json", "read": {"format": file_kinds.JSON, "utc": True}}, "t.json · JSON · Times in UTC"),
        ({"name": "x.bin", "read": {"format": "mystery", "encoding": "koi8-r"}}, "x.bin · mystery · koi8-r"),
    ],
)
def test_summary(source, text):
    assert source_summary.summary(source) == text


@pytest.mark.parametrize(
    "fmt, has_blob, rereadable",
    [
        (file_kinds.CSV, True, True),
        (file_kinds.JSON, True, True),
        (file_kinds.JSON_LINES, True, True),
        (file_kinds.CSV, False, False),
        (file_kinds.PARQUET, True, False),
        (file_kinds.XLSX, True, False),
        (None, True, False),
    ],
)
def test_rereadable(fmt, has_blob, rereadable):
    assert source_summary.rereadable({"name": "x", "read": {"format": fmt}}, has_blob) is rereadable


def test_read_form_starts_from_how_the_source_was_read():
    assert source_summary.read_form({}) == {
        "encoding": "utf-8",
        "delimiter": ",",
        "header": "true",
        "late": missing.WIDEN,
        "missing": missing.label([]),
        "csv": False,
        "workbook": False,
        "sheet": "",
        "header_row": "",
        "range": "",
        "empty_rows": 0,
    }
    read = {"format": file_kinds.CSV, "encoding": "utf-16le", "delimiter": ";", "header": False, "missing": ["NA"]}
    form = source_summary.read_form(read)
    assert (form["encoding"], form["delimiter"], form["header"], form["missing"], form["csv"]) == (
        "utf-16le",
        ";",
        "false",
        "NA",
        True,
    )


def test_the_form_names_every_encoding_loupe_reads():
    assert list(source_summary.ENCODING_NAMES) == list(file_kinds.ENCODINGS)
    assert set(source_summary.FORMAT_NAMES) >= set(source_summary.REREADABLE)


@pytest.mark.parametrize(
    "columns, flattenable",
    [
        ([{"kind": "struct", "type": "STRUCT(a INTEGER)"}], True),
        ([{"kind": "struct", "type": "MAP(VARCHAR, INTEGER)"}], False),
        ([{"kind": "text", "type": "VARCHAR"}], False),
        ([], False),
    ],
)
def test_flattenable(columns, flattenable):
    assert source_summary.flattenable(columns) is flattenable


def test_a_workbooks_sheet_is_read_again_by_sheet_header_row_and_range():
    read = {"format": file_kinds.XLSX, "part": "Sales", "header_row": 4, "range": "B4:F90", "empty_rows": 2}
    form = source_summary.read_form(read)
    assert (form["workbook"], form["sheet"], form["header_row"], form["range"]) == (True, "Sales", "4", "B4:F90")
    assert source_summary.left_out(form["empty_rows"]) == "2 empty rows were left out."
    assert source_summary.left_out(1) == "1 empty row was left out." and source_summary.left_out(0) == ""
    assert source_summary.summary({"name": "b.xlsx", "read": read}) == (
        "b.xlsx › Sales · Excel · header on row 4 · range B4:F90"
    )
    assert "no header row" in source_summary.summary({"name": "b.xlsx", "read": dict(read, header_row=0)})
    assert source_summary.rereadable({"read": read}, True)
    assert not source_summary.rereadable({"read": read}, False)
    assert not source_summary.rereadable({"read": {"format": file_kinds.SQLITE, "part": "t"}}, True)
    typed = {"sheet": "Costs", "header_row": " 3 ", "range": ""}
    assert source_summary.workbook_options(typed, read) == {"sheets": ["Costs"], "header_row": "3"}
    assert source_summary.workbook_options({"sheet": "", "header_row": "", "range": "A:C"}, read) == {
        "sheets": ["Sales"],
        "range": "A:C",
    }


def test_the_sheet_lists_mark_hidden_sheets_and_count_those_open():
    sheets = [{"name": "A", "hidden": False}, {"name": "B", "hidden": True}, {"name": "C", "hidden": False}]
    assert source_summary.sheet_choices(sheets) == [("A", "A"), ("B", "B (hidden)"), ("C", "C")]
    assert source_summary.sheets_summary(sheets, ["A", "C"]) == "Sheets (2 of 3 open)…"
