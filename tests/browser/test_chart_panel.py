"""Charting a table as a person does: open the panel, pick what to chart, filter, download.

The numbers drawn are checked against native DuckDB on the same file, and
the downloads are opened as what they claim to be.
"""

import csv
import datetime
import io
import json
import math
import random
import xml.etree.ElementTree as ElementTree

import duckdb
import jsonschema
import pytest
from helpers import ROOT, axe_violations, counter, wait_counter
from test_explore import big_csv, open_text

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"
SCHEMA = ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json"
KINDS = ["bar", "line", "area", "scatter", "histogram", "boxplot", "heatmap"]


def drawn(app) -> int:
    return int(app.evaluate("Number(document.body.dataset.charts || 0)"))


def wait_chart(app, before: int) -> dict:
    """Wait for a chart drawn after ``before``; return its spec."""
    app.wait_for_function(f"Number(document.body.dataset.charts || 0) > {before}")
    return app.evaluate("loupeCharts.lastSpec")


def open_chart(app) -> dict:
    before = drawn(app)
    app.click("#chart-toggle")
    return wait_chart(app, before)


def choose(app, field: str, value: str) -> dict:
    before = drawn(app)
    app.select_option("#chart-" + field, value)
    return wait_chart(app, before)


def weather(text: str) -> list:
    return duckdb.sql(text.replace("weather_table", f"read_csv('{SAMPLE}')")).fetchall()


def test_the_suggested_chart_then_each_choice_redraws(app):
    assert app.evaluate("document.querySelector('script[src*=\"vega.mjs\"]') === null")
    loaded = app.evaluate("performance.getEntriesByType('resource').some((e) => e.name.includes('vega.mjs'))")
    assert not loaded  # the Vega bundle loads on the first chart, not at start-up
    spec = open_chart(app)
    assert app.get_attribute("#chart-toggle", "aria-expanded") == "true"
    assert app.locator("#chart-view .vega-embed svg").count() == 1
    # Rain adds up: the first chart is the weekly total.
    assert spec["mark"]["type"] == "line" and spec["title"]["text"] == "Sum of precipitation by date, per week"
    assert app.evaluate("loupe.view().tables.seattle_weather.chart") == {
        "kind": "line",
        "x": "date",
        "y": "precipitation",
        "color": None,
        "aggregate": "sum",
        "unit": "auto",
    }
    assert app.inner_text("#chart-note") == "Summarised in DuckDB from 1,461 rows: date by week."
    assert app.get_attribute("#chart-view", "aria-label").startswith("Line chart: Sum of precipitation by date")

    spec = choose(app, "kind", "bar")
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["type"] == "temporal"  # date fits bars too
    spec = choose(app, "x", "weather")
    want = dict(weather("SELECT weather, sum(precipitation) FROM weather_table GROUP BY 1"))
    assert {v["x"]: v["value"] for v in spec["data"]["values"]} == pytest.approx(want)
    spec = choose(app, "y", "temp_max")  # a temperature is averaged, not summed
    assert app.input_value("#chart-aggregate") == "mean"
    want = dict(weather("SELECT weather, avg(temp_max) FROM weather_table GROUP BY 1"))
    assert {v["x"]: v["value"] for v in spec["data"]["values"]} == pytest.approx(want)
    spec = choose(app, "aggregate", "max")
    want = dict(weather("SELECT weather, max(temp_max) FROM weather_table GROUP BY 1"))
    assert {v["x"]: v["value"] for v in spec["data"]["values"]} == pytest.approx(want)
    assert app.is_hidden("#chart-field-unit")  # no time axis, no time unit
    app.click("#chart-close")
    assert app.is_hidden("#chart-panel") and app.evaluate("loupe.view().tables.seattle_weather.chart") is None
    spec = open_chart(app)  # opened again: the chart as it was left
    assert spec["title"]["text"] == "Maximum of temp_max by weather"


def nyc_weather_csv(days: int = 14) -> str:
    """A file shaped like nycflights13's weather (three airports, an hour a row, NA where a value is missing)."""
    random.seed(13)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "origin",
            "year",
            "month",
            "day",
            "hour",
            "temp",
            "dewp",
            "humid",
            "wind_dir",
            "wind_speed",
            "wind_gust",
            "precip",
            "pressure",
            "visib",
            "time_hour",
        ]
    )
    start = datetime.datetime(2013, 1, 1, 1)
    for origin in ("EWR", "JFK", "LGA"):
        for i in range(days * 24):
            t = start + datetime.timedelta(hours=i)
            temp = 38 + 8 * math.sin((t.hour - 9) / 24 * 2 * math.pi) + 4 * math.sin(i / 40) + random.uniform(-2, 2)
            dewp = temp - random.uniform(4, 16)
            gust = round(random.uniform(20, 35), 5) if random.random() < 0.2 else "NA"
            writer.writerow(
                [
                    origin,
                    t.year,
                    t.month,
                    t.day,
                    t.hour,
                    round(temp, 2),
                    round(dewp, 2),
                    round(random.uniform(40, 95), 2),
                    random.randrange(0, 36) * 10,
                    round(random.uniform(0, 20), 5),
                    gust,
                    round(random.choice([0, 0, 0, 0.01, 0.05]), 2),
                    round(1012 + 6 * math.sin(i / 30) + random.uniform(-1, 1), 1),
                    10,
                    (t + datetime.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                ]
            )
    return out.getvalue()


def test_the_first_chart_of_hourly_weather_averages_its_temperature(app, tmp_path):
    text = nyc_weather_csv()
    open_text(app, "nyc_weather.csv", text)
    spec = open_chart(app)  # not the sum of year over time_hour
    assert spec["mark"]["type"] == "line" and spec["title"]["text"] == "Mean of temp by time_hour, per hour"
    assert app.evaluate("loupe.view().tables.nyc_weather.chart") == {
        "kind": "line",
        "x": "time_hour",
        "y": "temp",
        "color": None,
        "aggregate": "mean",
        "unit": "auto",
    }
    path = tmp_path / "nyc_weather.csv"
    path.write_text(text)
    want = duckdb.sql(
        f"SELECT epoch_ms(date_trunc('hour', time_hour::TIMESTAMP))::DOUBLE, avg(temp) "
        f"FROM read_csv('{path}') GROUP BY 1"
    ).fetchall()
    assert {v["x"]: v["value"] for v in spec["data"]["values"]} == pytest.approx(dict(want))
    spec = choose(app, "kind", "histogram")  # filled with a measure, not the year
    assert spec["title"]["text"] == "Distribution of temp"


def test_the_first_chart_uses_the_column_profiles_once_known(app):
    rows = ["group,person"] + [str(1 + i % 3) + ",person " + str(i) for i in range(30)]
    open_text(app, "groups.csv", "\n".join(rows) + "\n")
    app.wait_for_function("document.querySelectorAll('#grid thead .prof-spark').length == 2")
    spec = open_chart(app)  # a person a row makes no bars; the groups do
    assert spec["title"]["text"] == "Count of rows by group"
    assert [v["value"] for v in spec["data"]["values"]] == [10, 10, 10]


def test_the_chart_follows_filters_and_search(app):
    chart = {"kind": "bar", "x": "weather", "aggregate": "count"}
    before = drawn(app)
    app.evaluate("(chart) => loupe.setTableState('seattle_weather', {chart})", chart)
    spec = wait_chart(app, before)
    assert app.is_visible("#chart-panel")  # a state with a chart shows it
    assert {v["x"]: v["value"] for v in spec["data"]["values"]} == dict(
        weather("SELECT weather, count(*)::DOUBLE FROM weather_table GROUP BY 1")
    )
    before = drawn(app)
    app.evaluate(
        """(chart) => loupe.setTableState('seattle_weather',
        {chart, filters: [{column: 'weather', op: 'in', value: ['snow']}]})""",
        chart,
    )
    spec = wait_chart(app, before)
    assert [(v["x"], v["value"]) for v in spec["data"]["values"]] == [("snow", 26.0)]
    assert app.inner_text("#chart-note") == "Summarised in DuckDB from 26 rows."
    before = drawn(app)
    app.fill("#search-input", "2014-03")
    app.press("#search-input", "Enter")
    spec = wait_chart(app, before)
    want = weather(
        "SELECT weather, count(*)::DOUBLE FROM weather_table WHERE weather = 'snow' "
        "AND CAST(date AS VARCHAR) LIKE '%2014-03%' GROUP BY 1"
    )
    assert [(v["x"], v["value"]) for v in spec["data"]["values"]] == want
    # Sorting changes no rows: the chart is not drawn again.
    # The last draw has ended (it counts its check as it clears aria-busy, in one step).
    app.wait_for_function("document.getElementById('chart-view').parentNode.getAttribute('aria-busy') === 'false'")
    before, checks = drawn(app), counter(app, "chart-checks")
    app.locator("#grid thead th[data-col='2'] .colhead").click()
    wait_counter(app, "chart-checks", checks)  # the chart panel looked at the sorted view
    assert drawn(app) == before


def test_downloads_are_valid_png_svg_and_vega_lite(app):
    open_chart(app)
    with app.expect_download() as png:
        app.click("#chart-download-png")
    assert png.value.suggested_filename == "seattle_weather-chart.png"
    assert open(png.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with app.expect_download() as svg:
        app.click("#chart-download-svg")
    root = ElementTree.parse(svg.value.path()).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and float(root.get("width")) >= 800
    assert "Sum of precipitation by date, per week" in "".join(root.itertext())
    with app.expect_download() as spec:
        app.click("#chart-download-json")
    assert spec.value.suggested_filename == "seattle_weather-chart.json"
    written = json.loads(open(spec.value.path()).read())
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(written)
    assert written["title"]["subtitle"] == ["Summarised in DuckDB from 1,461 rows: date by week."]
    assert len(written["data"]["values"]) == 210


def test_every_kind_draws_without_errors(app):
    messages = []
    # PyScript's known notice when the Pyodide worker starts (the worker needs no DOM) is not a chart error.
    app.on(
        "console",
        lambda m: (
            messages.append(m.text) if m.type in ("error", "warning") and "SharedArrayBuffer" not in m.text else None
        ),
    )
    open_chart(app)
    for kind in KINDS:
        spec = choose(app, "kind", kind)
        assert app.locator("#chart-view .vega-embed svg").count() == 1, kind
        assert spec["data"]["values"], kind
        assert app.inner_text("#chart-note"), kind
    assert messages == []
    assert app.is_hidden("#error")
    assert axe_violations(app) == []


def test_a_big_table_reaches_the_chart_reduced(app):
    open_text(app, "big.csv", big_csv(300_000))
    spec = open_chart(app)  # id, group, value: a bar of the groups
    assert spec["mark"]["type"] == "bar" and len(spec["data"]["values"]) == 8
    assert app.inner_text("#chart-note").startswith("Summarised in DuckDB from 300,000 rows.")
    spec = choose(app, "kind", "scatter")
    assert len(spec["data"]["values"]) == 5000
    assert app.inner_text("#chart-note").startswith("A sample of 5,000 of 300,000 rows")
    spec = choose(app, "kind", "histogram")
    assert sum(v["value"] for v in spec["data"]["values"]) == 300_000 and len(spec["data"]["values"]) <= 60


def test_a_chart_naming_a_missing_column_says_so(app):
    app.evaluate("loupe.setTableState('seattle_weather', {chart: {kind: 'bar', x: 'nope'}})")
    note = app.locator("#chart-note")
    note.wait_for()
    message = "This table has no column named 'nope' for x; choose one of its columns for the chart."
    app.wait_for_function("document.getElementById('chart-note').textContent.includes('nope')")
    assert note.inner_text() == "No chart: " + message
    assert app.inner_text("#error-text") == "No chart: " + message
    # The app stays usable: choosing a kind fits the form to the table and draws.
    spec = choose(app, "kind", "histogram")
    assert spec["mark"]["type"] == "bar" and app.is_hidden("#chart-note.error")


def test_the_panel_is_accessible_and_keyboard_operable(app):
    app.focus("#chart-toggle")
    before = drawn(app)
    app.keyboard.press("Enter")
    wait_chart(app, before)
    app.focus("#chart-kind")
    before = drawn(app)
    app.keyboard.press("ArrowDown")  # line -> area
    spec = wait_chart(app, before)
    assert spec["mark"]["type"] == "area"
    assert axe_violations(app) == []
