"""The SQL of a view — filters, search, sort, groups, pages, facets — against native DuckDB and real data."""

import statistics
from pathlib import Path

import pytest

from app.core import errors, filters, loading, query, view
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "node_modules" / "vega-datasets" / "data"


@pytest.fixture(scope="module")
def engine():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    engine.execute("CREATE TABLE flights AS SELECT * FROM read_csv(?)", [str(DATA / "flights-airport.csv")])
    engine.execute("""CREATE TABLE odd AS SELECT * FROM (VALUES
        (1, 'a', NULL::DOUBLE, DATE '2024-01-02'), (2, NULL, -1.5, NULL), (3, 'b"; DROP TABLE odd; --', 2.5, DATE '2024-03-04'),
        (4, '', 0.0, DATE '2023-12-31'), (5, 'A', 'nan'::DOUBLE, DATE '2024-01-02'))
        AS t("id", "te""xt", "x y", "when")""")
    yield engine
    engine.close()


def columns_of(engine, table):
    return loading.run(loading.describe(table), engine.execute)["columns"]


def state_of(table, *changes):
    state = view.add_source(view.new_view(), table, "file", table + ".csv")
    for change, args in changes:
        state = change(state, *args)
    return view.table_state(state)


def rows(engine, built):
    return engine.execute(*built)["rows"]


@pytest.mark.parametrize(
    "op, value, expected",
    [
        ("in", ["sun", "fog"], "weather IN ('sun', 'fog')"),
        ("in", ["rain", None], "weather IN ('rain') OR weather IS NULL"),
        ("not_in", ["sun"], "weather IS DISTINCT FROM 'sun'"),
        ("range", [10, 20], "temp_max BETWEEN 10 AND 20"),
        ("range", [None, 0], "temp_max <= 0"),
        ("range", ["2013-01-01", "2013-01-31"], "date BETWEEN DATE '2013-01-01' AND DATE '2013-01-31'"),
        ("contains", "RaI", "lower(weather) LIKE '%rai%'"),
        ("regex", "^s(u|n)", "regexp_matches(weather, '^s(u|n)')"),
        ("null", None, "weather IS NULL"),
        ("notnull", None, "weather IS NOT NULL"),
    ],
)
def test_each_filter_keeps_the_rows_plain_sql_keeps(engine, op, value, expected):
    column = {
        "in": "weather",
        "not_in": "weather",
        "contains": "weather",
        "regex": "weather",
        "null": "weather",
        "notnull": "weather",
    }.get(op, "date" if value and isinstance(value[0], str) else "temp_max")
    columns = columns_of(engine, "weather")
    state = state_of("weather", (view.with_filter, (column, op, value)))
    got = rows(engine, query.page("weather", state, columns, 0, 5000))
    want = engine.execute("SELECT * FROM weather WHERE " + expected)["rows"]
    assert got == want
    assert rows(engine, query.count("weather", state, columns)) == [[len(want)]]
    assert filters.filter_label(columns, state["filters"][0]).startswith(("not ", column))


def test_filters_combine_with_search_and_values_never_enter_the_sql(engine):
    columns = columns_of(engine, "odd")
    state = state_of("odd", (view.with_filter, ('te"xt', "contains", '"; DROP')), (view.with_search, ("drop",)))
    text, params = query.page("odd", state, columns, 0, 10)
    assert "DROP" not in text and "drop" not in text
    assert rows(engine, (text, params)) == [
        [3, 'b"; DROP TABLE odd; --', 2.5, engine.execute("SELECT DATE '2024-03-04'")["rows"][0][0]]
    ]


@pytest.mark.parametrize(
    "text, searched",
    [
        ("sun", ["weather"]),  # words: text columns only
        ("2012-01", ["date", "weather"]),  # a date fragment: dates too
        ("12.8", ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]),  # numbers equal to it
        ("nan", ["weather"]),
    ],
)
def test_search_looks_where_the_text_can_be(engine, text, searched):
    columns = columns_of(engine, "weather")
    clause, params = filters.search_clause(columns, text)
    assert [c["name"] for c in columns if '"' + c["name"] + '"' in clause] == searched
    state = state_of("weather", (view.with_search, (text,)))
    want = engine.execute(
        "SELECT count(*) FROM weather WHERE "
        + {
            "sun": "weather ILIKE '%sun%'",
            "2012-01": "strftime(date, '%Y-%m-%d') LIKE '%2012-01%'",
            "12.8": "12.8 IN (precipitation, temp_max, temp_min, wind)",
            "nan": "weather ILIKE '%nan%'",
        }[text]
    )
    assert rows(engine, query.count("weather", state, columns)) == want["rows"]


@pytest.mark.parametrize("text, n", [("50%", 1), ("a_b", 1), ("a\\b", 1), ("%", 1), ("_", 1)])
def test_search_wildcards_are_literal(engine, text, n):
    engine.execute(
        "CREATE OR REPLACE TABLE wild AS SELECT * FROM (VALUES ('50%'), ('5000'), ('a_b'), ('axb'), ('a\\b')) t(s)"
    )
    columns = columns_of(engine, "wild")
    assert rows(engine, query.count("wild", state_of("wild", (view.with_search, (text,))), columns)) == [[n]]


@pytest.mark.parametrize(
    "sort",
    [
        [["date", "desc"]],  # no ties: every page is exactly the direct query's
        [["weather", "asc"], ["wind", "desc"]],
        [["precipitation", "asc"]],  # many ties
    ],
)
@pytest.mark.parametrize("filtered", [False, True])
def test_pages_read_from_the_stored_order_match_the_direct_query(engine, sort, filtered):
    columns = columns_of(engine, "weather")
    changes = [(view.with_sort, tuple(pair) + (True,)) for pair in sort]
    if filtered:
        changes.append((view.with_filter, ("weather", "not_in", ["sun"])))
    state = state_of("weather", *changes)
    made = engine.execute(*query.materialize("order_1", "weather", state, columns))
    total = rows(engine, query.count_stored("order_1"))[0][0]
    assert [[total]] == rows(engine, query.count("weather", state, columns)) == made["rows"]
    everything = rows(engine, query.view_select("weather", state, columns))
    stored = []
    for offset in range(0, total, 100):
        stored += rows(engine, query.page_in_order("order_1", "weather", state, columns, offset, 100))
    keys = [[c["name"] for c in columns].index(name) for name, _ in sort]

    assert sorted(map(tuple, stored)) == sorted(map(tuple, everything))  # the same rows, each once
    assert [[r[k] for k in keys] for r in stored] == [[r[k] for k in keys] for r in everything]  # in sort order
    if sort == [["date", "desc"]]:
        assert stored == everything
        assert rows(engine, query.page("weather", state, columns, 137, 100)) == everything[137:237]
    engine.execute(*query.drop_stored("order_1"))
    with pytest.raises(errors.QueryError):
        engine.execute(*query.count_stored("order_1"))
    engine.execute(*query.drop_stored("order_1"))  # dropping twice is harmless


def test_unsorted_filtered_pages_keep_the_table_order(engine):
    columns = columns_of(engine, "weather")
    state = state_of("weather", (view.with_filter, ("weather", "in", ["snow"])))
    engine.execute(*query.materialize("order_2", "weather", state, columns))
    stored = rows(engine, query.page_in_order("order_2", "weather", state, columns, 0, 1000))
    assert stored == engine.execute("SELECT * FROM weather WHERE weather = 'snow'")["rows"]


def test_hidden_and_reordered_columns(engine):
    columns = columns_of(engine, "weather")
    state = state_of("weather", (view.with_order, (["weather", "date"],)), (view.with_hidden, ("wind",)))
    assert [c["name"] for c in query.visible(columns, state)] == [
        "weather",
        "date",
        "precipitation",
        "temp_max",
        "temp_min",
    ]
    result = engine.execute(*query.page("weather", state, columns, 0, 1))
    assert [c["name"] for c in result["columns"]] == ["weather", "date", "precipitation", "temp_max", "temp_min"]


def test_group_by_with_every_aggregate_matches_python(engine):
    columns = columns_of(engine, "weather")
    aggs = [{"fn": fn, "column": "temp_max"} for fn in ("sum", "avg", "min", "max", "count_distinct")]
    state = state_of("weather", (view.with_group, (["weather"], aggs)))
    engine.execute(*query.materialize_group("group_1", "weather", state, columns))
    result = engine.execute(*query.page_stored("group_1", 0, 100))
    names = [c["name"] for c in result["columns"]]
    assert (
        names
        == [c["name"] for c in query.group_columns(columns, state)]
        == [
            "weather",
            "count",
            "sum(temp_max)",
            "avg(temp_max)",
            "min(temp_max)",
            "max(temp_max)",
            "distinct(temp_max)",
        ]
    )
    raw = engine.execute("SELECT weather, temp_max FROM weather")["rows"]
    for key, n, total, mean, low, high, distinct in result["rows"]:
        values = [t for w, t in raw if w == key]
        assert (
            n == len(values) and total == pytest.approx(sum(values)) and mean == pytest.approx(statistics.mean(values))
        )
        assert (low, high, distinct) == (min(values), max(values), len(set(values)))
    counts = [row[1] for row in result["rows"]]
    assert counts == sorted(counts, reverse=True)  # the biggest groups first


def test_group_sort_and_drill_down(engine):
    columns = columns_of(engine, "flights")
    state = view.add_source(view.new_view(), "flights", "file", "f.csv")
    state = view.with_group(state, ["origin", "destination"])
    state = view.with_group_sort(state, "origin", "asc")
    grouped = rows(engine, query.grouped("flights", view.table_state(state), columns))
    assert [r[0] for r in grouped] == sorted([r[0] for r in grouped], key=lambda s: (s is None, s))
    key = grouped[3]
    drilled = view.table_state(view.drill_down(state, {"origin": key[0], "destination": key[1]}))
    assert drilled["group"] is None
    assert rows(engine, query.count("flights", drilled, columns)) == [[key[2]]]


def test_group_by_a_null_key_drills_down_to_null_rows(engine):
    columns = columns_of(engine, "odd")
    state = view.add_source(view.new_view(), "odd", "file", "odd.csv")
    grouped = rows(engine, query.grouped("odd", view.table_state(view.with_group(state, ['te"xt'])), columns))
    assert [None, 1] in grouped
    drilled = view.table_state(view.drill_down(view.with_group(state, ['te"xt']), {'te"xt': None}))
    assert rows(engine, query.page("odd", drilled, columns, 0, 10))[0][0] == 2


def test_facets_count_values_under_the_other_filters(engine):
    columns = columns_of(engine, "weather")
    state = state_of(
        "weather", (view.with_filter, ("weather", "in", ["sun"])), (view.with_filter, ("temp_max", "range", [25, None]))
    )
    facet = rows(engine, query.facet("weather", state, columns, "weather"))
    want = engine.execute("SELECT weather, count(*) FROM weather WHERE temp_max >= 25 GROUP BY 1 ORDER BY 2 DESC, 1")
    assert facet == want["rows"]
    cut = rows(engine, query.facet("flights", state_of("flights"), columns_of(engine, "flights"), "destination", 7))
    assert len(cut) == 8  # one more than asked for: there are more values


@pytest.mark.parametrize(
    "change, message",
    [
        ((view.with_filter, ("nope", "in", [1])), "no column named 'nope'"),
        ((view.with_sort, ("nope", "asc")), "no column named 'nope'"),
        ((view.with_filter, ("weather", "sounds-like", "x")), "Unknown filter"),
        ((view.with_filter, ("temp_max", "range", 5)), "range filter needs"),
        ((view.with_group, (["weather"], [{"fn": "sum", "column": "weather"}])), "choose a number column"),
        ((view.with_group, (["weather"], [{"fn": "median", "column": "wind"}])), "Unknown summary"),
    ],
)
def test_states_naming_what_is_not_there_give_a_message(engine, change, message):
    columns = columns_of(engine, "weather")
    state = state_of("weather", change)
    with pytest.raises(errors.QueryError) as raised:
        query.check(state, columns)
        query.page("weather", state, columns, 0, 10)
    assert message in str(raised.value)


def test_a_bad_regular_expression_is_an_engine_error_with_advice(engine):
    columns = columns_of(engine, "weather")
    state = state_of("weather", (view.with_filter, ("weather", "regex", "(unclosed")))
    with pytest.raises(errors.QueryError):
        engine.execute(*query.count("weather", state, columns))


def test_aggregates_offered_by_kind(engine):
    columns = {c["name"]: c for c in columns_of(engine, "weather")}
    assert query.aggregates_for(columns["temp_max"]) == ["sum", "avg", "min", "max", "count_distinct"]
    assert query.aggregates_for(columns["weather"]) == ["min", "max", "count_distinct"]


@pytest.mark.parametrize("pattern, ok", [("^s(u|n)", True), ("(unclosed", False), ("[a-", False), ("a{2,1}", False)])
def test_regular_expressions_are_checked_before_they_filter(engine, pattern, ok):
    if ok:
        engine.execute(*filters.regex_check(pattern))
        return
    with pytest.raises(errors.QueryError) as raised:
        engine.execute(*filters.regex_check(pattern))
    message = filters.regex_message(pattern, str(raised.value))
    assert message.startswith("“" + pattern + "” is not a valid regular expression (")
    assert "untick" in message
