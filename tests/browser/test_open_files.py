"""Opening the files people have, through the file picker, with real data; and bad input."""

import pytest
import samples

OPENING = 90_000


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return samples.build(tmp_path_factory.mktemp("samples"))


def pick(page, *paths):
    """Choose files in the picker; wait until each load finished; return (tables, message)."""
    before = int(page.evaluate("document.body.dataset.loads || '0'"))
    page.evaluate("document.getElementById('error').hidden = true")
    page.set_input_files("#file-input", [str(p) for p in paths])
    page.wait_for_function(f"Number(document.body.dataset.loads || '0') >= {before + len(paths)}", timeout=OPENING)
    error = page.locator("#error")
    message = error.locator("#error-text").inner_text() if error.is_visible() else ""
    return page.evaluate("loupe.tables()"), message


def table(tables, name):
    return next(t for t in tables if t["table"] == name)


def types(info):
    return [c["type"] for c in info["columns"]]


WEATHER_TYPES = ["DATE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR"]


@pytest.mark.parametrize(
    "name, table_name, rows, column_types",
    [
        ("weather.csv.gz", "weather", 1461, WEATHER_TYPES),
        ("weather-utf16.csv", "weather_utf16", 1461, WEATHER_TYPES),
        ("weather-utf16be.csv", "weather_utf16be", 1461, WEATHER_TYPES),
        ("weather-latin1.csv", "weather_latin1", 1461, WEATHER_TYPES),
        ("weather-bom.csv", "weather_bom", 1461, WEATHER_TYPES),
        ("weather.txt", "weather", 1461, WEATHER_TYPES),
        ("preamble.csv", "preamble", 1461, WEATHER_TYPES),
        ("weather.parquet", "weather", 1461, ["DATE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR"]),
        ("unemployment.tsv", "unemployment", 3218, ["BIGINT", "DOUBLE"]),
        ("movies.json", "movies", 3201, None),
        ("cars.jsonl", "cars", 406, None),
        ("cars.ndjson.gz", "cars", 406, None),
        ("header-only.csv", "header_only", 0, ["VARCHAR", "VARCHAR", "VARCHAR"]),
    ],
)
def test_formats_open_with_types(app, files, name, table_name, rows, column_types):
    tables, message = pick(app, files[name])
    assert message == ""
    info = tables[-1]
    assert info["table"] == table_name and info["rows"] == rows
    if column_types:
        assert types(info) == column_types
    if name.startswith("weather"):
        sun = app.evaluate(f"loupe.query(\"SELECT count(*) FROM {table_name} WHERE weather IN ('sun', 'sün')\")")
        assert sun["rows"] == [[640]]
        if "latin1" in name or "utf16" in name:  # the non-ASCII text survived the re-encoding
            assert app.evaluate(f"loupe.query(\"SELECT count(*) FROM {table_name} WHERE weather = 'sün'\")")[
                "rows"
            ] == [[640]]


def test_nested_json_keeps_structs(app, files):
    tables, _ = pick(app, files["nested.json"])
    info = tables[-1]
    assert types(info) == ["BIGINT", 'STRUCT("name" VARCHAR, tags VARCHAR[])'] or info["columns"][1]["kind"] == "struct"
    rows = app.evaluate("loupe.query('SELECT who.name, who.tags FROM nested ORDER BY id')")["rows"]
    assert rows == [["Ada", ["x", "y"]], ["Bo", []]]


def test_excel_every_sheet_becomes_a_table(app, files):
    tables, message = pick(app, files["weather.xlsx"])
    assert message == ""
    daily = table(tables, "weather_daily")
    assert daily["rows"] == 1461 and types(daily) == WEATHER_TYPES
    assert table(tables, "weather_notes")["rows"] == 1


def test_sqlite_every_table_becomes_a_table(app, files):
    tables, message = pick(app, files["weather.sqlite"])
    assert message == ""
    assert table(tables, "weather_weather")["rows"] == 1461
    assert table(tables, "weather_stations")["rows"] == 1


def test_several_files_at_once_and_names_are_deduplicated(app, files):
    tables, _ = pick(app, files["weather.csv.gz"], files["weather.parquet"])
    names = [t["table"] for t in tables]
    assert {"weather", "weather_2"} <= set(names)


def test_ragged_rows_are_counted_and_shown(app, files):
    tables, message = pick(app, files["ragged.csv"])
    assert table(tables, "ragged")["rows"] == 2
    assert "2 rows of 'ragged.csv' did not fit the columns" in message
    assert "line 3 (too few fields: 4,5)" in message
    assert "warning" in app.locator("#error").get_attribute("class")


def test_ten_thousand_columns_open_and_the_grid_stays_small(app, files):
    tables, message = pick(app, files["wide.csv"])
    assert message == "" and len(table(tables, "wide")["columns"]) == 10_000
    assert app.locator("#grid thead .colhead").count() == 100
    assert "showing the first 100 columns" in app.locator("#table-meta").inner_text()


@pytest.mark.parametrize(
    "name, phrase",
    [
        ("empty.csv", "'empty.csv' is empty"),
        ("photo.csv", "'photo.csv' looks like a PNG image"),
        ("truncated.csv.gz", "damaged or only partly downloaded"),
        ("invalid.json", "'invalid.json' is not valid JSON"),
        ("invalid.jsonl", "'invalid.jsonl' is not valid JSON Lines (line 2"),
        ("notzip.xlsx", "'notzip.xlsx' is named like an Excel file but its content is not"),
        ("corrupt.sqlite", "not a readable SQLite database"),
        ("one-line.csv", "not line-based CSV"),
    ],
)
def test_bad_files_are_explained_and_nothing_is_lost(app, files, name, phrase):
    tables, message = pick(app, files[name])
    assert phrase in message
    assert [t["table"] for t in tables] == ["seattle_weather"]
    assert app.evaluate("loupe.query('SELECT count(*) FROM seattle_weather')")["rows"] == [[1461]]
    assert app.locator("#table-title").inner_text() == "seattle_weather"
