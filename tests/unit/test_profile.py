"""Column profiles against native DuckDB, checked with Python's own arithmetic on the same values."""

import collections
import datetime
import decimal
import json
import math
import statistics
from pathlib import Path

import pytest
from micropython_replay import needs_micropython, replay

from app.core import errors, loading, profile, sql
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "node_modules" / "vega-datasets" / "data"


@pytest.fixture(scope="module")
def engine():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    engine.execute("CREATE TABLE cars AS SELECT * FROM read_json(?)", [str(DATA / "cars.json")])
    engine.execute("CREATE TABLE movies AS SELECT * FROM read_json(?)", [str(DATA / "movies.json")])
    engine.execute("CREATE TABLE flights AS SELECT * FROM read_json(?)", [str(DATA / "flights-20k.json")])
    yield engine
    engine.close()


def profile_of(engine, table, name, source=None, execute=None, **options):
    """Profile one column of ``table`` (or of ``source``), as the browser does."""
    described = loading.run(loading.describe(table), engine.execute)
    column = next(c for c in described["columns"] if c["name"] == name)
    source = source or (sql.quote_ident(table), [])
    result = loading.run(profile.column_profile(source, column, **options), execute or engine.execute)
    json.dumps(result, allow_nan=False)  # JSON-compatible, NaN and infinity included
    return result


def values_of(engine, table, name):
    result = engine.execute("SELECT " + sql.quote_ident(name) + " FROM " + sql.quote_ident(table))
    return [row[0] for row in result["rows"]]


def in_bins(histogram, values):
    """Python's own count of ``values`` per bin: lo <= x < hi, the last bin closed for one-value bins."""
    return [sum(1 for x in values if b["lo"] <= x < b["hi"] or b["lo"] == b["hi"] == x) for b in histogram]


def assert_contiguous(histogram):
    for before, after in zip(histogram, histogram[1:]):
        assert before["hi"] == after["lo"]


# --- real files -------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, name",
    [
        ("weather", "precipitation"),
        ("weather", "temp_max"),
        ("weather", "temp_min"),
        ("weather", "wind"),
        ("cars", "Miles_per_Gallon"),
        ("cars", "Horsepower"),
        ("cars", "Cylinders"),
        ("cars", "Acceleration"),
        ("movies", "US Gross"),
        ("movies", "IMDB Rating"),
        ("movies", "Rotten Tomatoes Rating"),
        ("flights", "delay"),
        ("flights", "distance"),
    ],
)
def test_numbers_agree_with_python_statistics(engine, table, name):
    p = profile_of(engine, table, name)
    everything = values_of(engine, table, name)
    present = [x for x in everything if x is not None]
    assert (p["count"], p["nulls"]) == (len(everything), len(everything) - len(present))
    assert (p["min"], p["max"]) == (min(present), max(present))
    assert p["mean"] == pytest.approx(statistics.fmean(present))
    assert p["stddev"] == pytest.approx(statistics.stdev(present))
    assert [p["q25"], p["median"], p["q75"]] == pytest.approx(statistics.quantiles(present, n=4, method="inclusive"))
    assert p["distinct"] == len(set(present)) and p["distinct_approx"] is False
    histogram = p["histogram"]
    assert 4 <= len(histogram) <= 25
    assert_contiguous(histogram)
    assert [b["count"] for b in histogram] == in_bins(histogram, present)
    assert histogram[0]["lo"] <= p["min"] and p["max"] < histogram[-1]["hi"]


@pytest.mark.parametrize("table, name", [("flights", "delay"), ("cars", "Cylinders"), ("movies", "US Gross")])
def test_integer_columns_get_integer_bins(engine, table, name):
    histogram = profile_of(engine, table, name)["histogram"]
    widths = {b["hi"] - b["lo"] for b in histogram}
    assert len(widths) == 1 and all(isinstance(b["lo"], int) for b in histogram)
    width = widths.pop()
    assert str(width).strip("0") in ("1", "2", "5")  # 1, 2 or 5 × 10^k


def test_small_integer_range_gets_one_bin_per_value(engine):
    histogram = profile_of(engine, "cars", "Cylinders")["histogram"]
    assert [b["label"] for b in histogram] == ["3", "4", "5", "6", "7", "8"]
    assert [b["count"] for b in histogram] == [4, 207, 3, 84, 0, 108]


@pytest.mark.parametrize(
    "table, name, step",
    [
        ("weather", "date", "2012-01 – 2012-02"),
        ("cars", "Year", "1970"),
    ],
)
def test_dates_get_calendar_bins(engine, table, name, step):
    p = profile_of(engine, table, name)
    days = [d for d in values_of(engine, table, name) if d is not None]
    assert (p["min"], p["max"]) == (min(days).isoformat(), max(days).isoformat())
    assert p["distinct"] == len(set(days)) and not p["distinct_approx"]
    histogram = p["histogram"]
    assert histogram[0]["label"] == step
    assert_contiguous(histogram)
    assert [b["count"] for b in histogram] == in_bins(histogram, [d.isoformat() for d in days])


@pytest.mark.parametrize(
    "table, name",
    [
        ("weather", "weather"),
        ("movies", "MPAA Rating"),
        ("movies", "Director"),
        ("movies", "Major Genre"),
        ("cars", "Origin"),
        ("cars", "Name"),
        ("flights", "origin"),
    ],
)
def test_top_values_agree_with_a_counter(engine, table, name):
    p = profile_of(engine, table, name, top=8)
    everything = values_of(engine, table, name)
    counted = collections.Counter(everything)
    expected = sorted(counted.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))[:8]
    assert [(t["value"], t["count"]) for t in p["top"]] == expected
    assert p["other"] == len(everything) - sum(n for _, n in expected)
    present = [x for x in everything if x is not None]
    assert p["distinct"] == len(set(present)) and p["distinct_approx"] is False
    lengths = [len(x) for x in present]
    assert p["length"] == {"min": min(lengths), "mean": pytest.approx(statistics.fmean(lengths)), "max": max(lengths)}


# --- every kind, and the awkward cases ------------------------------------------------

KINDS = {
    "i": ("INTEGER", "integer"),
    "h": ("HUGEINT", "integer"),
    "d": ("DECIMAL(12,3)", "decimal"),
    "f": ("DOUBLE", "decimal"),
    "r": ("REAL", "decimal"),
    "b": ("BOOLEAN", "boolean"),
    "dt": ("DATE", "date"),
    "ts": ("TIMESTAMP", "timestamp"),
    "tz": ("TIMESTAMPTZ", "timestamp"),
    "tm": ("TIME", "time"),
    "iv": ("INTERVAL", "interval"),
    "s": ("VARCHAR", "text"),
    "u": ("UUID", "text"),
    "e": ("ENUM('lo', 'hi')", "text"),
    "j": ("JSON", "text"),
    "bl": ("BLOB", "binary"),
    "l": ("INTEGER[]", "list"),
    "st": ("STRUCT(a INTEGER, b VARCHAR)", "struct"),
    "m": ("MAP(VARCHAR, INTEGER)", "struct"),
    "un": ("UNION(n INTEGER, t VARCHAR)", "struct"),
    "vi": ("VARINT", "other"),
}
ROWS = """(1, 1, 1.5, 1.5, 1.5, true, DATE '2020-01-01', TIMESTAMP '2020-01-01 10:00',
  TIMESTAMPTZ '2020-01-01 10:00:00+00',
  TIME '10:00', INTERVAL 1 DAY, 'a', '00000000-0000-0000-0000-000000000001', 'lo', '{"a": 1}', 'ab'::BLOB, [1, 2],
  {'a': 1, 'b': 'x'}, MAP {'k': 1}, 1::UNION(n INTEGER, t VARCHAR), 1::VARINT),
 (2, 2, 2.5, 2.5, 2.5, false, DATE '2020-03-01', TIMESTAMP '2020-01-02 10:00', TIMESTAMPTZ '2020-01-02 10:00:00+00',
  TIME '11:00', INTERVAL 2 DAY, 'bb', '00000000-0000-0000-0000-000000000002', 'hi', '[1]', 'abc'::BLOB, [1],
  {'a': 2, 'b': 'y'}, MAP {'k': 2}, 'x'::UNION(n INTEGER, t VARCHAR), 2::VARINT),
 (2, 2, 2.5, 2.5, 2.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL)"""


@pytest.fixture(scope="module")
def kinds(engine):
    definition = ", ".join(sql.quote_ident(name) + " " + type_name for name, (type_name, _) in KINDS.items())
    engine.execute("SET TimeZone = 'UTC'")
    for table, rows in (("kinds", ROWS), ("kinds_empty", None), ("kinds_null", None)):
        engine.execute("CREATE TABLE " + table + " (" + definition + ")")
        if rows:
            engine.execute("INSERT INTO " + table + " VALUES " + rows)
    engine.execute("INSERT INTO kinds_null (i) SELECT NULL FROM range(3)")
    return engine


@pytest.mark.parametrize("name", list(KINDS))
def test_every_kind_gets_a_complete_profile(kinds, name):
    p = profile_of(kinds, "kinds", name)
    assert p["kind"] == KINDS[name][1] and "incomplete" not in p
    assert p["count"] == 3
    assert p["nulls"] == (0 if name in ("i", "h", "d", "f", "r") else 1)
    assert p["distinct"] == 2


@pytest.mark.parametrize(
    "name, expected",
    [
        ("i", {"min": 1, "max": 2, "median": 2.0, "histogram": [1, 2]}),
        ("d", {"min": 1.5, "max": 2.5, "mean": pytest.approx(13 / 6)}),
        ("b", {"top": [{"value": False, "count": 1}, {"value": True, "count": 1}, {"value": None, "count": 1}]}),
        ("dt", {"min": "2020-01-01", "max": "2020-03-01"}),
        ("ts", {"min": "2020-01-01 10:00:00", "max": "2020-01-02 10:00:00"}),
        ("tm", {"min": "10:00:00", "max": "11:00:00"}),
        ("iv", {"min": "1 day", "max": "2 days"}),
        ("s", {"length": {"min": 1, "mean": 1.5, "max": 2}, "empty": 0, "other": 0}),
        ("e", {"top": [{"value": "hi", "count": 1}, {"value": "lo", "count": 1}, {"value": None, "count": 1}]}),
        ("bl", {"length": {"min": 2, "mean": 2.5, "max": 3}}),
        ("l", {"length": {"min": 1, "mean": 1.5, "max": 2}}),
    ],
)
def test_kind_details(kinds, name, expected):
    p = profile_of(kinds, "kinds", name)
    for key, value in expected.items():
        got = [b["count"] for b in p[key]] if key == "histogram" else p[key]
        assert got == value, key


@pytest.mark.parametrize("name", list(KINDS))
@pytest.mark.parametrize("table, rows", [("kinds_empty", 0), ("kinds_null", 3)])
def test_empty_tables_and_all_null_columns(kinds, name, table, rows):
    p = profile_of(kinds, table, name)
    assert (p["count"], p["nulls"], p["distinct"], p["distinct_approx"]) == (rows, rows, 0, False)
    assert "incomplete" not in p
    assert p.get("histogram", []) == []
    if "top" in p:
        assert p["top"] == ([{"value": None, "count": rows}] if rows else []) and p["other"] == 0
    for key in ("min", "max", "mean", "stddev", "median"):
        assert p.get(key) is None
    profile.summary_lines(p)
    assert profile.spark_bars(p) == ([{"label": "NULL", "count": 3, "fraction": 1.0}] if rows and "top" in p else [])


@pytest.mark.parametrize(
    "type_name, value, lo",
    [
        ("INTEGER", "7", 7),
        ("DOUBLE", "2.5", 2.5),
        ("HUGEINT", "-170141183460469231731687303715884105727", -170141183460469231731687303715884105727),
        ("DATE", "DATE '2001-02-03'", "2001-02-03"),
        ("TIMESTAMP", "TIMESTAMP '2001-02-03 04:05:06'", "2001-02-03 04:05:06"),
    ],
)
def test_one_value_gives_one_bin(engine, type_name, value, lo):
    engine.execute("CREATE OR REPLACE TABLE one AS SELECT " + value + "::" + type_name + " AS x FROM range(5)")
    p = profile_of(engine, "one", "x")
    assert p["histogram"] == [{"lo": lo, "hi": lo, "count": 5, "label": p["histogram"][0]["label"]}]
    assert p["distinct"] == 1 and not p["distinct_approx"]
    assert profile.spark_bars(p)[0]["fraction"] == 1.0


def test_negative_numbers(engine):
    values = [-1000, -999, -501, -500, -1, 0, 3, -7]
    engine.execute("CREATE OR REPLACE TABLE neg AS SELECT unnest(?::INTEGER[]) AS x", [values])
    p = profile_of(engine, "neg", "x")
    assert (p["min"], p["max"]) == (-1000, 3)
    assert p["histogram"][0]["lo"] == -1000 and p["histogram"][0]["label"] == "-1,000 – -951"
    assert [b["count"] for b in p["histogram"]] == in_bins(p["histogram"], values)


@pytest.mark.parametrize(
    "type_name, values",
    [
        ("BIGINT", [-9223372036854775808, 9223372036854775807, 0, 1]),
        ("UBIGINT", [18446744073709551615, 0, 1]),
        ("HUGEINT", [-170141183460469231731687303715884105728, 170141183460469231731687303715884105727, 5]),
    ],
)
def test_huge_integers_stay_exact(engine, type_name, values):
    engine.execute("CREATE OR REPLACE TABLE big (x " + type_name + ")")
    for value in values:
        engine.execute("INSERT INTO big VALUES (?::" + type_name + ")", [str(value)])
    p = profile_of(engine, "big", "x")
    assert (p["min"], p["max"]) == (min(values), max(values))
    # As exact as a double allows: the sum of HUGEINTs is taken in DOUBLE, where their size drowns the rest.
    assert p["mean"] == pytest.approx(float(statistics.mean(values)), abs=1e-15 * max(abs(v) for v in values))
    assert sum(b["count"] for b in p["histogram"]) == len(values)
    assert all(isinstance(b["lo"], int) for b in p["histogram"])


def test_nan_and_infinity_are_counted_apart(engine):
    engine.execute(
        "CREATE OR REPLACE TABLE odd AS SELECT unnest(['1.5', '-2', 'nan', 'inf', '-inf', 'inf', NULL])::DOUBLE AS x"
    )
    p = profile_of(engine, "odd", "x")
    assert (p["count"], p["nulls"], p["nan"], p["infinite"]) == (7, 1, 1, 3)
    assert (p["min"], p["max"], p["mean"], p["median"]) == (-2.0, 1.5, -0.25, -0.25)
    assert p["distinct"] == 5 and not p["distinct_approx"]  # -2, 1.5, NaN, inf, -inf
    assert sum(b["count"] for b in p["histogram"]) == 2
    assert ("NaN", "1 (14.3%)") in profile.summary_lines(p)


def test_only_nan(engine):
    engine.execute("CREATE OR REPLACE TABLE nans AS SELECT 'nan'::DOUBLE AS x FROM range(3)")
    p = profile_of(engine, "nans", "x")
    assert (p["nan"], p["min"], p["mean"], p["histogram"], p["distinct"]) == (3, None, None, [], 1)


def test_infinite_dates(engine):
    engine.execute("CREATE OR REPLACE TABLE days AS SELECT unnest(['infinity', '2020-01-01', '2020-01-03'])::DATE AS x")
    p = profile_of(engine, "days", "x")
    assert (p["min"], p["max"], p["infinite"], p["distinct"]) == ("2020-01-01", "2020-01-03", 1, 3)
    assert [b["label"] for b in p["histogram"]] == ["2020-01-01", "2020-01-02", "2020-01-03"]


@pytest.mark.parametrize("name", ['odd "quoted" name', "with space", '"; DROP TABLE x; --', "v", "loupe_values"])
def test_hostile_column_names(engine, name):
    engine.execute("CREATE OR REPLACE TABLE x AS SELECT 1 AS keep")
    engine.execute(
        "CREATE OR REPLACE TABLE hostile AS SELECT range AS " + sql.quote_ident(name) + ", "
        "(range % 3)::VARCHAR AS " + sql.quote_ident(name + "t") + " FROM range(10)"
    )
    assert profile_of(engine, "hostile", name)["max"] == 9
    assert profile_of(engine, "hostile", name + "t")["distinct"] == 3
    assert engine.execute("SELECT keep FROM x")["rows"] == [[1]]


def test_filtered_source_parameters_come_first(engine):
    source = ('(SELECT * FROM "flights" WHERE "delay" > ? AND "origin" = ?) AS v', [10, "LAX"])
    seen = []

    def execute(statement, params):
        seen.append(params)
        return engine.execute(statement, params)

    rows = engine.execute("SELECT delay, destination FROM flights WHERE delay > 10 AND origin = ?", ["LAX"])["rows"]
    delays = profile_of(engine, "flights", "delay", source=source, execute=execute)
    assert delays["count"] == len(rows) and delays["min"] == min(r[0] for r in rows)
    assert sum(b["count"] for b in delays["histogram"]) == len(rows)
    destinations = profile_of(engine, "flights", "destination", source=source, execute=execute, top=3)
    counted = collections.Counter(r[1] for r in rows)
    assert [(t["value"], t["count"]) for t in destinations["top"]] == sorted(
        counted.items(), key=lambda item: (-item[1], item[0])
    )[:3]
    assert all(params[:2] == [10, "LAX"] for params in seen) and any(len(params) > 2 for params in seen)


def test_a_table_with_a_where_clause_is_a_source(engine):
    """The explorer passes ``"table" WHERE ...`` (app/ui/table/table_view.py ``_source``)."""
    p = profile_of(engine, "flights", "origin", source=('"flights" WHERE "delay" BETWEEN ? AND ?', [0, 5]), top=1)
    rows = engine.execute("SELECT origin FROM flights WHERE delay BETWEEN 0 AND 5")["rows"]
    commonest = collections.Counter(r[0] for r in rows).most_common(1)[0]
    assert p["count"] == len(rows) and p["top"][0]["count"] == commonest[1]


def test_text_ties_are_ordered_by_value(engine):
    engine.execute(
        "CREATE OR REPLACE TABLE ties AS SELECT unnest(['b', 'a', 'c', 'b', 'a', 'c', 'd', NULL, NULL, 'É', '']) AS x"
    )
    p = profile_of(engine, "ties", "x", top=4)
    assert [(t["value"], t["count"]) for t in p["top"]] == [("a", 2), ("b", 2), ("c", 2), (None, 2)]
    assert (p["other"], p["empty"], p["distinct"]) == (3, 1, 6)


def test_many_distinct_values_use_candidates(engine, monkeypatch):
    monkeypatch.setattr(profile, "MANY_DISTINCT", 5)
    engine.execute(
        "CREATE OR REPLACE TABLE many AS "
        "SELECT unnest(['x', 'x', 'x', 'y', 'y', 'a', 'b', 'c', 'd', 'e', 'f', NULL]) AS s"
    )
    p = profile_of(engine, "many", "s", top=3)
    assert p["top_approx"] and p["distinct_approx"]
    assert [(t["value"], t["count"]) for t in p["top"]] == [("x", 3), ("y", 2), (None, 1)]
    assert p["other"] == 12 - 6


@pytest.mark.parametrize(
    "start, step, n, label, width",
    [
        ("2020-03-04 05:06:07", "1 second", 40, "2020-03-04 05:06:06", 2),
        ("2020-03-04 05:06:07", "1 minute", 100, "2020-03-04 05:05", 300),
        ("2020-03-04 05:06:07", "1 hour", 100, "2020-03-04 00:00", 6 * 3600),
        ("2020-03-04 05:06:07", "1 day", 100, "2020-03-02", 7 * 86400),  # weeks start on Mondays
        ("2020-03-04 05:06:07", "1 day", 300, "2020-02-24", 14 * 86400),
        ("2020-03-04 05:06:07", "1 day", 600, "2020-03", None),  # calendar months
        ("2020-03-04 05:06:07", "1 day", 2000, "2020-01 – 2020-03", None),  # quarters
        ("1969-03-04 05:06:07", "1 month", 1000, "1965 – 1969", None),  # 5 years, before 1970
    ],
)
def test_time_bins_fit_the_span(engine, start, step, n, label, width):
    engine.execute(
        "CREATE OR REPLACE TABLE times AS SELECT TIMESTAMP '"
        + start
        + "' + i * INTERVAL "
        + step.split()[0]
        + " "
        + step.split()[1]
        + " AS t FROM range(?) AS r(i)",
        [n],
    )
    p = profile_of(engine, "times", "t")
    histogram = p["histogram"]
    assert histogram[0]["label"] == label and 4 <= len(histogram) <= 26
    assert_contiguous(histogram)
    stamps = [t.isoformat(sep=" ") for t in values_of(engine, "times", "t")]
    assert [b["count"] for b in histogram] == in_bins(histogram, stamps)
    if width:
        lo, hi = (datetime.datetime.fromisoformat(histogram[0][k]) for k in ("lo", "hi"))
        assert (hi - lo).total_seconds() == width


# --- engine independence, failures ------------------------------------------------------


def browser_shaped(value):
    """A value as the browser's Arrow-to-JSON glue hands it over (assets/js/arrow-json.mjs)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(value)]
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list):
        return [browser_shaped(v) for v in value]
    return str(value)


@pytest.mark.parametrize(
    "table, name",
    [
        ("kinds", "h"),
        ("kinds", "f"),
        ("odd", "x"),
        ("big", "x"),
        ("movies", "Director"),
    ],
)
def test_browser_shaped_values_give_the_same_profile(kinds, table, name):
    if table in ("odd", "big"):
        kinds.execute("CREATE OR REPLACE TABLE odd AS SELECT unnest(['1.5', 'nan', 'inf'])::DOUBLE AS x")
        kinds.execute(
            "CREATE OR REPLACE TABLE big AS SELECT unnest([-170141183460469231731687303715884105727, 12])::HUGEINT AS x"
        )

    def browser(statement, params):
        result = kinds.execute(statement, params)
        return json.loads(json.dumps({"columns": result["columns"], "rows": browser_shaped(result["rows"])}))

    assert profile_of(kinds, table, name, execute=browser) == profile_of(kinds, table, name)


@pytest.mark.parametrize("refused, kept", [("GROUP BY bin", "median"), ("quantile_cont", "count")])
def test_a_statistic_the_engine_refuses_leaves_the_rest(engine, refused, kept):
    def refusing(statement, params):
        if refused in statement:
            raise errors.QueryError("Binder Error: no such function")
        return engine.execute(statement, params)

    p = profile_of(engine, "weather", "wind", execute=refusing)
    assert p["count"] == 1461 and p[kept] and not p.get("histogram") and "no such function" in p["incomplete"]
    assert ("Note", p["incomplete"]) in profile.summary_lines(p)


def test_cancelling_stops_the_profile(engine):
    def cancelled(statement, params):
        raise errors.QueryError("Interrupted: the load was cancelled.")

    with pytest.raises(errors.QueryError):
        profile_of(engine, "weather", "wind", execute=cancelled)


def test_a_source_that_cannot_be_read_raises(engine):
    with pytest.raises(errors.QueryError):
        loading.run(
            profile.column_profile(('"missing"', []), {"name": "x", "type": "INTEGER", "kind": "integer"}),
            engine.execute,
        )


# --- pure helpers ----------------------------------------------------------------------------


def test_spark_bars_and_summary_lines(engine):
    weather = profile_of(engine, "weather", "weather")
    bars = profile.spark_bars(weather)
    assert [(b["label"], b["count"]) for b in bars][:2] == [("rain", 641), ("sun", 640)]
    assert bars[0]["fraction"] == 1.0 and bars[-1]["fraction"] == pytest.approx(26 / 641)
    lines = dict(profile.summary_lines(profile_of(engine, "movies", "IMDB Rating")))
    assert lines["Rows"] == "3,201" and lines["Missing (NULL)"] == "213 (6.7%)" and lines["Distinct"] == "77"
    assert lines["Median"] == "6.4" and lines["Maximum"] == "9.2"
    assert len(profile.spark_bars(profile_of(engine, "movies", "Director"))) == profile.SPARK_VALUES
    approximate = {
        "kind": "struct",
        "type": "STRUCT(a INT)",
        "count": 3_000_000,
        "nulls": 0,
        "distinct": 2_586_114,
        "distinct_approx": True,
    }
    assert dict(profile.summary_lines(approximate))["Distinct"] == "≈ 2,600,000"
    assert profile.spark_bars(approximate) == []


# --- the same profiles under MicroPython ----------------------------------------------------

REPLAY = """
import json
from app.core import loading, profile
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]
    found = loading.run(profile.column_profile(case["source"], case["column"]),
                        lambda statement, params: answers[json.dumps([statement, params])])
    out.append([found, profile.spark_bars(found), profile.summary_lines(found)])
print(json.dumps(out))
"""


@needs_micropython
def test_micropython_gives_the_same_profiles(kinds, tmp_path):
    """Replay each query's browser-shaped answer to the module under MicroPython (WebAssembly, in node)."""
    kinds.execute("CREATE OR REPLACE TABLE odd AS SELECT unnest(['1.5', '-2', 'nan', 'inf', NULL])::DOUBLE AS x")
    columns = (
        [("weather", c) for c in ("date", "wind", "weather")]
        + [("movies", "US Gross"), ("cars", "Year"), ("odd", "x")]
        + [("kinds", c) for c in KINDS]
        + [("kinds_empty", c) for c in ("f", "dt", "s", "b")]
    )
    cases, expected = [], []
    for table, name in columns:
        answers = {}

        def recording(statement, params):
            result = kinds.execute(statement, params)
            result = json.loads(json.dumps({"columns": result["columns"], "rows": browser_shaped(result["rows"])}))
            answers[json.dumps([statement, params])] = result  # noqa: B023 (called within the same iteration)
            return result

        found = profile_of(kinds, table, name, execute=recording)
        column = next(c for c in loading.run(loading.describe(table), kinds.execute)["columns"] if c["name"] == name)
        cases.append({"source": [sql.quote_ident(table), []], "column": column, "answers": answers})
        expected.append([found, profile.spark_bars(found), [list(line) for line in profile.summary_lines(found)]])
    assert replay(tmp_path, cases, REPLAY, heap_mb=32, timeout=120) == expected
