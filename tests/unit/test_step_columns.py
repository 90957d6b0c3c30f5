"""Column steps (rename, drop, keep, derive, conditional) and the filter step, applied by recipe.apply
on native DuckDB and checked against pandas; the JSON checks (steps.shape_problem, problem) and
step_columns.expression_problem."""

import math

import numpy as np
import pandas as pd
import pytest

from app.core import recipe, sql, step_columns, steps
from app.engine.native import NativeEngine

ROW = steps.ROW

# (key INTEGER, text VARCHAR, number DOUBLE) under awkward names.
NAMES = {
    "plain": ("k", "s", "v"),
    "reserved": ("select", "from", "order"),
    "quoted": ('a "q" b', "two words", "MiXeD Case"),
    "unicode": ("clé", "名前", "😀 n"),
}
ROWS = {
    "nasty": [
        [1, "a", 1.5],
        [2, None, None],
        [None, "", 0.0],
        [3, "é", -2.25],
        [2, "日本", 10.0],
        [1, "😀 emoji", 3.0],
        [4, "it's", 7.5],
        [5, "back\\slash", None],
        [None, "a'b\\'c", 2.0],
        [6, "A", 1.5],
        [7, "Été", 4.0],
    ],
    "nulls": [[None, None, None], [None, None, None], [1, None, 2.0]],
    "empty": [],
}
TABLES = [(n, r) for n in NAMES for r in ROWS]
IDS = [n + "-" + r for n, r in TABLES]


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def q(name):
    return sql.quote_ident(name)


def make(engine, names, rows, table="t"):
    k, s, v = names
    engine.execute("CREATE TABLE " + q(table) + " (" + q(k) + " INTEGER, " + q(s) + " VARCHAR, " + q(v) + " DOUBLE)")
    if rows:
        engine.connection.executemany("INSERT INTO " + q(table) + " VALUES (?, ?, ?)", [list(r) for r in rows])


def frame(names, rows):
    return pd.DataFrame([list(r) for r in rows], columns=list(names), dtype=object)


def plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(df):
    return [[plain(v) for v in row] for row in df.itertuples(index=False, name=None)]


def applied(engine, step_list, table="t"):
    done = engine.run(recipe.apply(table, step_list))
    assert done["failed"] is None, done["stages"]
    result = engine.execute("SELECT * FROM " + q(table))
    assert [c["name"] for c in result["columns"]] == [c["name"] for c in done["columns"]]
    return [c["name"] for c in result["columns"]], result["rows"]


def same(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            x, y = plain(x), plain(y)
            if isinstance(x, float) or isinstance(y, float):
                assert x is not None and y is not None and math.isclose(x, y), (a, b)
            else:
                assert x == y, (a, b)


# --- rename, drop, keep ------------------------------------------------------


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_rename_matches_pandas(engine, names, rows):
    make(engine, names, rows)
    k, s, v = names
    cols, got = applied(engine, [{"kind": "rename", "column": s, "to": "new 'name' \"x\""}])
    want = frame(names, rows).rename(columns={s: "new 'name' \"x\""})
    assert cols == list(want.columns)
    same(got, records(want))


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_drop_matches_pandas(engine, names, rows):
    make(engine, names, rows)
    k, s, v = names
    cols, got = applied(engine, [{"kind": "drop", "columns": [k, v]}])
    want = frame(names, rows).drop(columns=[k, v])
    assert cols == list(want.columns) == [s]
    same(got, records(want))


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_keep_reorders_like_pandas(engine, names, rows):
    make(engine, names, rows)
    k, s, v = names
    cols, got = applied(engine, [{"kind": "keep", "columns": [v, k]}])
    want = frame(names, rows)[[v, k]]
    assert cols == [v, k]
    same(got, records(want))


def test_rename_refuses_a_name_taken_in_another_case(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "rename", "column": "k", "to": "S"}]))
    assert done["failed"] == 0
    assert "'S'" in done["stages"][0]["problem"]


def test_rename_to_itself_is_allowed(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    cols, _ = applied(engine, [{"kind": "rename", "column": "k", "to": "k"}])
    assert cols == ["k", "s", "v"]


def test_rename_may_change_only_the_letter_case(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    cols, _ = applied(engine, [{"kind": "rename", "column": "k", "to": "K"}])
    assert cols == ["K", "s", "v"]


def test_drop_of_every_column_is_refused(engine):
    make(engine, NAMES["reserved"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "drop", "columns": ["select", "from", "order"]}]))
    assert done["stages"][0]["state"] == "failed"
    assert "at least one column" in done["stages"][0]["problem"]
    assert [c["name"] for c in done["columns"]] == ["select", "from", "order"]


def test_keep_naming_a_column_twice_is_refused(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "keep", "columns": ["s", "s"]}]))
    assert done["stages"][0]["state"] == "failed"
    assert "twice" in done["stages"][0]["problem"]


def test_a_step_cannot_name_the_hidden_row_column(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "keep", "columns": ["s", ROW]}]))
    assert done["stages"][0]["state"] == "failed"
    shown = [c["name"] for c in engine.execute("SELECT * FROM t")["columns"]]
    assert not any(name.startswith(ROW) for name in shown)


# --- derive ------------------------------------------------------------------

# (expression with {k} {s} {v} for the quoted names, pandas function of the frame -> Series)
DERIVED = {
    "times": ("{k} * 2", lambda df, k, s, v: df[k].map(lambda x: None if x is None else x * 2)),
    "concat": ("{s} || '!'", lambda df, k, s, v: df[s].map(lambda x: None if x is None else x + "!")),
    "coalesce": ("coalesce({s}, 'none')", lambda df, k, s, v: df[s].map(lambda x: "none" if x is None else x)),
    "length": ("length({s})", lambda df, k, s, v: df[s].map(lambda x: None if x is None else len(x))),
    "upper": ("upper({s})", lambda df, k, s, v: df[s].map(lambda x: None if x is None else x.upper())),
    "sum": (
        "{k} + {v}",
        lambda df, k, s, v: pd.Series(
            [None if a is None or b is None else a + b for a, b in zip(df[k], df[v])], dtype=object
        ),
    ),
    "literal_quote": (
        "{s} = " + sql.literal("it's"),
        lambda df, k, s, v: df[s].map(lambda x: None if x is None else x == "it's"),
    ),
    "literal_backslash": (
        "{s} = " + sql.literal("a'b\\'c"),
        lambda df, k, s, v: df[s].map(lambda x: None if x is None else x == "a'b\\'c"),
    ),
    "comment": ("{k} + 1 -- one more", lambda df, k, s, v: df[k].map(lambda x: None if x is None else x + 1)),
}


def _expression(template, names):
    k, s, v = names
    return template.replace("{k}", q(k)).replace("{s}", q(s)).replace("{v}", q(v))


@pytest.mark.parametrize("which", list(DERIVED))
@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_derive_matches_pandas(engine, names, rows, which):
    make(engine, names, rows)
    template, oracle = DERIVED[which]
    cols, got = applied(engine, [{"kind": "derive", "name": "new col", "expression": _expression(template, names)}])
    df = frame(names, rows)
    df["new col"] = oracle(df, *names).values if len(df) else []
    assert cols == list(df.columns)
    same(got, records(df))


@pytest.mark.parametrize("names", list(NAMES.values()), ids=list(NAMES))
def test_derive_replaces_a_column_of_the_same_name_in_place(engine, names):
    rows = ROWS["nasty"]
    make(engine, names, rows)
    k, s, v = names
    cols, got = applied(engine, [{"kind": "derive", "name": s, "expression": "lower(" + q(s) + ")"}])
    df = frame(names, rows)
    df[s] = df[s].map(lambda x: None if x is None else x.lower())
    assert cols == list(names)
    same(got, records(df))


def test_literal_keeps_quotes_and_backslashes_exact(engine):
    make(engine, NAMES["plain"], [])
    for text in ["it's", "a'b\\'c", "\\", "''", "日本 😀", "back\\nslash", "'; DROP TABLE t; --"]:
        _, got = applied(engine, [{"kind": "derive", "name": "x", "expression": sql.literal(text)}])
        assert got == []
        value = engine.execute("SELECT " + sql.literal(text))["rows"][0][0]
        assert value == text
    engine.execute("INSERT INTO loupe_base_t VALUES (1, 'x', 1)")
    _, got = applied(engine, [{"kind": "derive", "name": "x", "expression": sql.literal("a'b\\'c")}])
    assert got == [[1, "x", 1.0, "a'b\\'c"]]


@pytest.mark.parametrize(
    "expression",
    [
        "sum({v}) OVER ()",
        "max({k}) OVER (PARTITION BY {s})",
        "row_number() OVER (ORDER BY {v} DESC NULLS LAST, {k})",
        "count(*) OVER (PARTITION BY {k} % 3)",
    ],
)
def test_a_window_derive_keeps_the_source_order(engine, expression):
    names = NAMES["reserved"]
    k, s, v = names
    n = 3000
    rows = [[(i * 7919) % 1000, ["x", "y", None, "z"][i % 4], float((i * 31) % 97)] for i in range(n)]
    make(engine, names, [])
    engine.execute(
        "INSERT INTO t SELECT (i * 7919) % 1000, ['x', 'y', NULL, 'z'][i % 4 + 1], ((i * 31) % 97)::DOUBLE "
        "FROM range(" + str(n) + ") r(i) ORDER BY i"
    )
    assert engine.execute("SELECT * FROM t")["rows"] == rows
    cols, got = applied(engine, [{"kind": "derive", "name": "w", "expression": _expression(expression, names)}])
    assert [r[:3] for r in got] == rows  # the source's order, as pandas has it
    df = frame(names, rows)
    if expression.startswith("sum"):
        assert all(math.isclose(r[3], df[v].sum()) for r in got)
    elif expression.startswith("max"):
        key = df[s].map(lambda x: "<null>" if x is None else x)
        want = df[k].groupby(key).transform("max")
        assert [r[3] for r in got] == [int(x) for x in want]
    elif expression.startswith("count"):
        want = df[k].groupby(df[k] % 3).transform("count")
        assert [r[3] for r in got] == [int(x) for x in want]
    else:
        order = sorted(range(n), key=lambda i: (-rows[i][2], rows[i][0]))
        rank = {i: place + 1 for place, i in enumerate(order)}
        # ties in (v, k) may be numbered either way: compare the numbers each (v, k) pair got
        got_pairs = {}
        want_pairs = {}
        for i, r in enumerate(got):
            got_pairs.setdefault((r[2], r[0]), set()).add(r[3])
            want_pairs.setdefault((rows[i][2], rows[i][0]), set()).add(rank[i])
        assert got_pairs == want_pairs


def test_derive_named_like_a_column_in_another_case(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "S", "expression": "1"}]))
    result = engine.execute("SELECT * FROM t")
    assert done["failed"] is None
    # DuckDB's names ignore case: 'S' is the column 's', set in its place under its own name
    assert [c["name"] for c in result["columns"]] == ["k", "s", "v"]
    assert {row[1] for row in result["rows"]} <= {1}


def test_conditional_named_like_a_column_in_another_case(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    step = {"kind": "conditional", "name": "S", "when": [{"column": "k", "op": "=", "value": 1, "then": "one"}]}
    engine.run(recipe.apply("t", [step]))
    assert "S_1" not in [c["name"] for c in engine.execute("SELECT * FROM t")["columns"]]


# --- conditional -------------------------------------------------------------


def _text(x):
    return None if x is None else str(x)


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_conditional_matches_numpy_select(engine, names, rows):
    make(engine, names, rows)
    k, s, v = names
    when = [
        {"column": s, "op": "empty", "then": "nothing"},
        {"column": k, "op": "=", "value": 1, "then": "one"},
        {"column": k, "op": ">=", "value": 5, "then": {"column": s}},
        {"column": s, "op": "contains", "value": "'", "then": "quote"},
        {"column": s, "op": "starts", "value": "日", "then": "japan"},
        {"column": s, "op": "ends", "value": "\\", "then": "never"},
        {"column": v, "op": "<", "value": 0, "then": "negative"},
    ]
    step = {"kind": "conditional", "name": "label", "when": when, "else": "other"}
    cols, got = applied(engine, [step])
    df = frame(names, rows)
    if len(df) == 0:
        assert got == [] and cols == list(names) + ["label"]
        return
    ks, ss, vs = df[k], df[s], df[v]
    conditions = [
        ss.map(lambda x: x is None or x == "").astype(bool).values,
        ks.map(lambda x: x is not None and x == 1).astype(bool).values,
        ks.map(lambda x: x is not None and x >= 5).astype(bool).values,
        ss.map(lambda x: x is not None and "'" in x).astype(bool).values,
        ss.map(lambda x: x is not None and x.startswith("日")).astype(bool).values,
        ss.map(lambda x: x is not None and x.endswith("\\")).astype(bool).values,
        vs.map(lambda x: x is not None and x < 0).astype(bool).values,
    ]
    choices = [
        np.array(["nothing"] * len(df), dtype=object),
        np.array(["one"] * len(df), dtype=object),
        ss.values,
        np.array(["quote"] * len(df), dtype=object),
        np.array(["japan"] * len(df), dtype=object),
        np.array(["never"] * len(df), dtype=object),
        np.array(["negative"] * len(df), dtype=object),
    ]
    df["label"] = np.select(conditions, choices, default="other")
    assert cols == list(df.columns)
    same(got, records(df))


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_conditional_not_equal_and_no_else_match_numpy_where(engine, names, rows):
    make(engine, names, rows)
    k, s, v = names
    when = [{"column": s, "op": "!=", "value": "a", "then": {"column": v}}]
    cols, got = applied(engine, [{"kind": "conditional", "name": "x", "when": when}])
    df = frame(names, rows)
    if len(df):
        # IS DISTINCT FROM: a NULL differs from 'a'; no else: NULL
        differs = df[s].map(lambda x: x != "a").astype(bool).values
        df["x"] = np.where(differs, df[v].values, None)
    else:
        df["x"] = []
    same(got, records(df))


def test_conditional_not_empty_and_numbers(engine):
    make(engine, NAMES["unicode"], ROWS["nasty"])
    k, s, v = NAMES["unicode"]
    when = [
        {"column": s, "op": "not_empty", "then": 1},
        {"column": v, "op": "<=", "value": 0.0, "then": 2.5},
    ]
    cols, got = applied(engine, [{"kind": "conditional", "name": "n", "when": when, "else": None}])
    df = frame(NAMES["unicode"], ROWS["nasty"])
    first = df[s].map(lambda x: x is not None and x != "").astype(bool).values
    second = df[v].map(lambda x: x is not None and x <= 0).astype(bool).values
    want = np.select([first, second], [1.0, 2.5], default=np.nan)
    assert [plain(r[3]) for r in got] == [plain(x) for x in want]


@pytest.mark.parametrize(
    "when,words",
    [
        ([], "at least one rule"),
        (["x"], "when[0] must be an object"),
        ([{"column": "k", "op": "~", "value": 1, "then": 1}], "when[0].op"),
        ([{"column": "nope", "op": "=", "value": 1, "then": 1}], "'nope'"),
        ([{"column": "k", "op": "=", "then": 1}], "when[0].value is missing"),
        ([{"column": "k", "op": "=", "value": 1, "then": {"column": "nope"}}], "'nope'"),
        ([{"column": "k", "op": "=", "value": 1, "then": {"col": "s"}}], "when[0].then"),
        ([{"column": "k", "op": "=", "value": 1, "then": [1]}], "when[0].then"),
    ],
)
def test_conditional_problems_name_the_rule(engine, when, words):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "conditional", "name": "c", "when": when}]))
    assert done["stages"][0]["state"] == "failed"
    assert words in done["stages"][0]["problem"]


def test_conditional_else_naming_a_missing_column(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    step = {"kind": "conditional", "name": "c", "when": [{"column": "k", "op": "empty", "then": 1}]}
    step["else"] = {"column": "gone"}
    done = engine.run(recipe.apply("t", [step]))
    assert "'gone'" in done["stages"][0]["problem"]


# --- filter (step_rows) --------------------------------------------------------


def _mask(df, flt):
    col = df[flt["column"]]
    op = flt["op"]
    value = flt.get("value")
    if op in ("in", "not_in"):
        values = value if isinstance(value, list) else [value]
        present = [x for x in values if x is not None]
        hit = col.map(lambda x: (x is None and None in values) or (x is not None and x in present))
        return ~hit.astype(bool) if op == "not_in" else hit.astype(bool)
    if op == "range":
        low, high = value
        return col.map(lambda x: x is not None and (low is None or x >= low) and (high is None or x <= high)).astype(
            bool
        )
    if op == "contains":
        return col.map(lambda x: x is not None and str(value).lower() in str(x).lower()).astype(bool)
    if op == "regex":
        import re

        return col.map(lambda x: x is not None and re.search(value, str(x)) is not None).astype(bool)
    if op == "null":
        return col.map(lambda x: x is None).astype(bool)
    if op == "notnull":
        return col.map(lambda x: x is not None).astype(bool)
    raise AssertionError(op)


FILTERS = {
    "in": ("s", "in", ["a", "it's", "a'b\\'c"]),
    "in_null": ("s", "in", ["日本", None]),
    "not_in": ("s", "not_in", ["a", "", "😀 emoji"]),
    "not_in_null": ("k", "not_in", [1, None]),
    "range": ("v", "range", [0.0, 4.0]),
    "range_low": ("k", "range", [3, None]),
    "contains": ("s", "contains", "É"),
    "contains_quote": ("s", "contains", "'"),
    "contains_number": ("k", "contains", "1"),
    "regex": ("s", "regex", "^[a-z]+$"),
    "null": ("v", "null", None),
    "notnull": ("s", "notnull", None),
}


@pytest.mark.parametrize("keep", ["matching", "others"])
@pytest.mark.parametrize("which", list(FILTERS))
@pytest.mark.parametrize("names_key", list(NAMES))
def test_filter_matches_pandas_masks(engine, names_key, which, keep):
    names = NAMES[names_key]
    rows = ROWS["nasty"]
    make(engine, names, rows)
    role, op, value = FILTERS[which]
    column = names["ksv".index(role)]
    flt = {"column": column, "op": op, "value": value}
    step = {"kind": "filter", "filters": [flt]}
    if keep == "others":
        step["keep"] = "others"
    cols, got = applied(engine, [step])
    df = frame(names, rows)
    mask = _mask(df, flt)
    want = df[~mask] if keep == "others" else df[mask]
    assert cols == list(names)
    same(got, records(want))


def test_two_filters_are_and_ed(engine):
    names = NAMES["quoted"]
    make(engine, names, ROWS["nasty"])
    k, s, v = names
    f1 = {"column": k, "op": "range", "value": [1, 4]}
    f2 = {"column": s, "op": "notnull"}
    _, got = applied(engine, [{"kind": "filter", "filters": [f1, f2]}])
    df = frame(names, ROWS["nasty"])
    same(got, records(df[_mask(df, f1) & _mask(df, f2)]))


def test_filter_on_an_empty_table(engine):
    make(engine, NAMES["reserved"], [])
    cols, got = applied(engine, [{"kind": "filter", "filters": [{"column": "from", "op": "contains", "value": "x"}]}])
    assert cols == ["select", "from", "order"] and got == []


def test_filter_problems(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    empty = engine.run(recipe.apply("t", [{"kind": "filter", "filters": []}]))
    assert "filters is empty" in empty["stages"][0]["problem"]
    bad_op = engine.run(recipe.apply("t", [{"kind": "filter", "filters": [{"column": "s", "op": "like"}]}]))
    assert "filters[0]" in bad_op["stages"][0]["problem"]
    gone = engine.run(recipe.apply("t", [{"kind": "filter", "filters": [{"column": "z", "op": "null"}]}]))
    assert "'z'" in gone["stages"][0]["problem"]
    bounds = engine.run(
        recipe.apply("t", [{"kind": "filter", "filters": [{"column": "v", "op": "range", "value": 3}]}])
    )
    assert bounds["stages"][0]["state"] == "failed"
    assert "range" in bounds["stages"][0]["problem"].lower()


def test_filter_says(engine):
    step = {"kind": "filter", "filters": [{"column": "s", "op": "in", "value": ["a", None, "b", "c"]}]}
    assert steps.says(step) == "Keep the rows where s in a, empty, b …"
    step["keep"] = "others"
    assert steps.says(step).startswith("Remove the rows where s in")


# --- a recipe of several steps, against SQL written by hand --------------------


@pytest.mark.parametrize("names,rows", [(NAMES[n], ROWS[r]) for n, r in TABLES], ids=IDS)
def test_a_recipe_matches_hand_written_sql(engine, names, rows):
    k, s, v = names
    make(engine, names, rows)
    make(engine, names, rows, table="oracle")
    recipe_steps = [
        {"kind": "derive", "name": "double", "expression": q(v) + " * 2"},
        {"kind": "filter", "filters": [{"column": s, "op": "notnull"}]},
        {"kind": "rename", "column": k, "to": "key"},
        {"kind": "conditional", "name": "size", "when": [{"column": "double", "op": ">", "value": 5, "then": "big"}]},
        {"kind": "drop", "columns": [v]},
        {"kind": "derive", "name": "off one", "expression": "1", "off": True},
        {"kind": "keep", "columns": ["size", "key", s, "double"]},
    ]
    cols, got = applied(engine, recipe_steps)
    oracle = engine.execute(
        "SELECT CASE WHEN "
        + q(v)
        + " * 2 > 5 THEN 'big' ELSE NULL END AS size, "
        + q(k)
        + " AS key, "
        + q(s)
        + ", "
        + q(v)
        + " * 2 AS double FROM oracle WHERE "
        + q(s)
        + " IS NOT NULL ORDER BY rowid"
    )
    assert cols == ["size", "key", s, "double"]
    assert got == oracle["rows"]
    done = engine.run(recipe.apply("t", recipe_steps))
    assert [st["state"] for st in done["stages"]] == ["done", "done", "done", "done", "done", "off", "done"]


# --- failures ------------------------------------------------------------------


def test_a_step_naming_a_missing_column_fails_and_the_rest_wait(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    step_list = [
        {"kind": "derive", "name": "n", "expression": "k + 1"},
        {"kind": "rename", "column": "gone", "to": "x"},
        {"kind": "drop", "columns": ["s"]},
        {"kind": "derive", "name": "m", "expression": "2"},
    ]
    done = engine.run(recipe.apply("t", step_list))
    assert done["failed"] == 1
    assert [st["state"] for st in done["stages"]] == ["done", "failed", "waiting", "waiting"]
    assert "'gone'" in done["stages"][1]["problem"]
    assert done["stages"][2]["problem"] == "waits for step 2"
    result = engine.execute("SELECT * FROM t")
    assert [c["name"] for c in result["columns"]] == ["k", "s", "v", "n"]
    df = frame(NAMES["plain"], ROWS["nasty"])
    df["n"] = df["k"].map(lambda x: None if x is None else x + 1)
    same(result["rows"], records(df))


def test_a_column_gone_after_a_rename_before_it(engine):
    make(engine, NAMES["reserved"], ROWS["nasty"])
    step_list = [
        {"kind": "rename", "column": "select", "to": "picked"},
        {"kind": "derive", "name": "x", "expression": '"select" + 1'},
    ]
    done = engine.run(recipe.apply("t", step_list))
    assert done["failed"] == 1
    problem = done["stages"][1]["problem"]
    assert "select" in problem and ROW not in problem
    position = done["stages"][1]["position"]
    assert position in (0, 1)  # at the quoted name, or at the name inside its quotes
    assert [c["name"] for c in engine.execute("SELECT * FROM t")["columns"]] == ["picked", "from", "order"]


def test_a_run_time_error_fails_the_step_and_leaves_the_table_as_before(engine):
    make(engine, NAMES["plain"], [[1, "12", 1.0], [2, "abc", 2.0], [3, None, 3.0]])
    step_list = [
        {"kind": "rename", "column": "v", "to": "value"},
        {"kind": "derive", "name": "n", "expression": "CAST(s AS INTEGER)"},
        {"kind": "drop", "columns": ["k"]},
    ]
    done = engine.run(recipe.apply("t", step_list))
    assert done["failed"] == 1
    assert [st["state"] for st in done["stages"]] == ["done", "failed", "waiting"]
    assert "abc" in done["stages"][1]["problem"]
    assert ROW not in done["stages"][1]["problem"]
    result = engine.execute("SELECT * FROM t")
    assert [c["name"] for c in result["columns"]] == ["k", "s", "value"]
    assert result["rows"] == [[1, "12", 1.0], [2, "abc", 2.0], [3, None, 3.0]]
    assert [c["name"] for c in done["columns"]] == ["k", "s", "value"]


def test_integer_division_by_zero(engine):
    make(engine, NAMES["plain"], [[1, "a", 1.0], [0, "b", 2.0]])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "d", "expression": "10 // k"}]))
    rows = engine.execute("SELECT * FROM t")["rows"]
    if done["failed"] is None:  # DuckDB gives NULL for x // 0
        assert rows == [[1, "a", 1.0, 10], [0, "b", 2.0, None]]
    else:
        assert done["stages"][0]["state"] == "failed"
        assert rows == [[1, "a", 1.0], [0, "b", 2.0]]


def test_a_run_time_error_in_a_later_step_keeps_the_earlier_ones(engine):
    make(engine, NAMES["plain"], [[1, "x", 1.0], [2, "y", 2.0]])
    step_list = [
        {"kind": "derive", "name": "a", "expression": "k * 10"},
        {"kind": "derive", "name": "b", "expression": "CAST(s AS DOUBLE)"},
    ]
    done = engine.run(recipe.apply("t", step_list))
    assert done["failed"] == 1
    assert engine.execute("SELECT * FROM t")["rows"] == [[1, "x", 1.0, 10], [2, "y", 2.0, 20]]


def test_an_expression_error_position_points_into_the_expression(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    for expression, word in [("1 + nosuch", "nosuch"), ("k +* 1", "+*"), ("upper(s) || nosuch_fn(k)", "nosuch_fn")]:
        done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": expression}]))
        stage = done["stages"][0]
        assert stage["state"] == "failed"
        assert stage["position"] is not None, stage
        assert 0 <= stage["position"] < len(expression)
        assert expression[stage["position"] :].startswith(word) or expression.find(word) <= stage["position"]
        assert ROW not in stage["problem"]
        shown = engine.run(recipe.preview("t", [{"kind": "derive", "name": "x", "expression": expression}], 0))
        assert shown["position"] == stage["position"]
        assert shown["problem"] == stage["problem"]


def test_missing_column_position_is_where_the_name_is(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    expression = "k * 2 + missing_one"
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": expression}]))
    assert done["stages"][0]["position"] == expression.index("missing_one")


@pytest.mark.parametrize(
    "expression",
    ["nosuch", "s + 1", "k::DATE", "'a' + 1", "unknown_function(k)", "k +", "CAST(s AS INTEGER)"],
)
def test_messages_never_mention_the_hidden_row_column(engine, expression):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": expression}]))
    assert done["stages"][0]["state"] == "failed"
    assert ROW not in done["stages"][0]["problem"]
    assert "Candidate bindings:  " not in done["stages"][0]["problem"]
    shown = engine.run(recipe.preview("t", [{"kind": "derive", "name": "x", "expression": expression}], 0))
    assert shown["problem"] and ROW not in shown["problem"]


def test_a_step_cannot_make_the_hidden_row_column(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    for step in [
        {"kind": "derive", "name": ROW, "expression": "1"},
        {"kind": "rename", "column": "k", "to": ROW},
    ]:
        done = engine.run(recipe.apply("t", [step]))
        assert done["stages"][0]["state"] == "failed"


# --- expression_problem ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1); DROP TABLE t; --",
        "1) FROM t --",
        "1) UNION SELECT (1",
        "(1 + 2",
        "1 + 2)",
        "((k)",
        "1; SELECT 2",
        "1 + 1; 2",
        "k; SELECT 1",
    ],
)
def test_expression_problem_refuses(text):
    assert step_columns.expression_problem(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "price * qty",
        "coalesce(\"a (b\", 'x)')",
        "'(' || s || ')'",
        '"select" + 1',
        "CASE WHEN k > 1 THEN 'a;b' ELSE NULL END",
        "sum(v) OVER (PARTITION BY s)",
        "k + 1 -- one more",
        "(SELECT max(k) FROM t)",
    ],
)
def test_expression_problem_accepts(text):
    assert step_columns.expression_problem(text) is None


def test_a_trailing_semicolon_fails_its_step_without_harm(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": "k;"}]))
    assert done["stages"][0]["state"] == "failed"
    assert [c["name"] for c in engine.execute("SELECT * FROM t")["columns"]] == ["k", "s", "v"]


def test_expression_problem_words():
    assert "';'" in step_columns.expression_problem("1; 2")
    assert "position 2" in step_columns.expression_problem("1) FROM t --")
    assert "not closed" in step_columns.expression_problem("(1")


def test_a_refused_expression_fails_its_step_and_leaves_the_table(engine):
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": "1) FROM t --"}]))
    assert done["stages"][0]["state"] == "failed"
    assert "closes nothing" in done["stages"][0]["problem"]
    assert engine.execute("SELECT count(*) FROM loupe_base_t")["rows"] == [[len(ROWS["nasty"])]]


def test_expression_problem_ignores_parentheses_in_comments():
    assert step_columns.expression_problem("k /* ) */ + 1") is None
    assert step_columns.expression_problem("k + 1 -- (see notes") is None
    assert step_columns.expression_problem("/*(*/ 1) AS a, secret FROM other /*") is not None


def test_expression_problem_refuses_an_unclosed_quote(engine):
    assert step_columns.expression_problem("1 + '") is not None
    make(engine, NAMES["plain"], ROWS["nasty"])
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": "s || 'a"}]))
    assert '"s0"' not in done["stages"][0]["problem"]


# --- shape_problem and problem -------------------------------------------------------

GOOD = {
    "rename": {"kind": "rename", "column": "k", "to": "key"},
    "drop": {"kind": "drop", "columns": ["k"]},
    "keep": {"kind": "keep", "columns": ["k", "s"]},
    "derive": {"kind": "derive", "name": "n", "expression": "k + 1"},
    "conditional": {"kind": "conditional", "name": "n", "when": [{"column": "k", "op": "empty", "then": 1}]},
    "filter": {"kind": "filter", "filters": [{"column": "k", "op": "null"}]},
}
# kind -> [(field, a value of the wrong shape)]
WRONG = {
    "rename": [("column", ""), ("column", 3), ("to", ""), ("to", "   "), ("to", None)],
    "drop": [("columns", []), ("columns", "k"), ("columns", [1]), ("columns", [""])],
    "keep": [("columns", []), ("columns", {"k": 1}), ("columns", [None])],
    "derive": [("name", ""), ("name", 5), ("expression", ""), ("expression", " "), ("expression", 1)],
    "conditional": [("name", ""), ("when", {}), ("when", "k = 1")],
    "filter": [("filters", {}), ("filters", "x"), ("search", 3), ("keep", "some"), ("keep", True)],
}


def test_good_steps_have_no_shape_problem():
    columns = [{"name": "k", "type": "INTEGER"}, {"name": "s", "type": "VARCHAR"}]
    for step in GOOD.values():
        assert steps.shape_problem(step) is None
        assert steps.problem(step, columns) is None, step


@pytest.mark.parametrize("kind", list(GOOD))
def test_every_missing_field_is_named(kind):
    for field in steps.kinds()[kind]["fields"]:
        step = dict(GOOD[kind])
        del step[field]
        why = steps.shape_problem(step)
        assert why is not None and why.startswith("step." + field + " is missing"), why
        assert kind in why


@pytest.mark.parametrize("kind", list(WRONG))
def test_every_wrong_type_is_named(kind):
    for field, value in WRONG[kind]:
        step = dict(GOOD[kind], **{field: value})
        why = steps.shape_problem(step)
        assert why is not None and why.startswith("step." + field + " must be "), (step, why)


@pytest.mark.parametrize("kind", list(GOOD))
def test_an_unknown_field_is_named(kind):
    why = steps.shape_problem(dict(GOOD[kind], colour="red"))
    assert why == "step.colour is not a setting of a " + kind + " step"


@pytest.mark.parametrize("kind", list(GOOD))
@pytest.mark.parametrize("off", ["yes", 1, None, "true"])
def test_off_must_be_a_bool(kind, off):
    assert steps.shape_problem(dict(GOOD[kind], off=off)) == "step.off must be true or false"
    assert steps.shape_problem(dict(GOOD[kind], off=True)) is None
    assert steps.shape_problem(dict(GOOD[kind], off=False)) is None


@pytest.mark.parametrize("step", [None, 3, "derive", ["kind"], {}, {"kind": "nope"}, {"kind": 3}, {"kind": None}])
def test_unknown_or_missing_kind(step):
    why = steps.shape_problem(step)
    assert why is not None and why.startswith("step")
    if isinstance(step, dict):
        assert why.startswith("step.kind must be one of ")
        assert "derive" in why and "rename" in why


def test_where_names_the_place():
    assert steps.shape_problem({"kind": "derive", "name": "x"}, "steps[3]").startswith("steps[3].expression")
    assert steps.shape_problem(5, "steps[0]").startswith("steps[0] ")


def test_problem_names_a_missing_column():
    columns = [{"name": ROW, "type": "BIGINT"}, {"name": "k", "type": "INTEGER"}]
    assert "'s'" in steps.problem(GOOD["keep"], columns)
    assert "'zz'" in steps.problem({"kind": "drop", "columns": ["k", "zz"]}, columns)
    assert steps.problem({"kind": "derive", "name": "n"}, columns).startswith("step.expression")
    assert "closes nothing" in steps.problem({"kind": "derive", "name": "n", "expression": "1)"}, columns)


@pytest.mark.parametrize(
    "step,line",
    [
        ({"kind": "rename", "column": "qty", "to": "quantity"}, "Rename 'qty' to 'quantity'"),
        ({"kind": "drop", "columns": ["a"]}, "Remove column 'a'"),
        ({"kind": "drop", "columns": ["a", "b"]}, "Remove columns 'a', 'b'"),
        ({"kind": "keep", "columns": ["a"]}, "Keep 'a'"),
        ({"kind": "keep", "columns": ["b", "a"]}, "Keep 'b', 'a' in this order"),
        ({"kind": "derive", "name": "t", "expression": "p * q"}, "New column 't' = p * q"),
        ({"kind": "derive", "name": "t", "expression": "1", "off": True}, "New column 't' = 1 (off)"),
        (GOOD["conditional"], "New column 'n' by 1 rule"),
        (dict(GOOD["conditional"], when=[{}, {}]), "New column 'n' by 2 rules"),
    ],
)
def test_says(step, line):
    assert steps.says(step) == line


def test_changed_made_and_reorders():
    assert steps.made_columns(GOOD["derive"]) == ["n"]
    assert steps.made_columns(GOOD["conditional"]) == ["n"]
    assert steps.made_columns(GOOD["rename"]) == []
    assert steps.changed_columns(GOOD["derive"]) == []
    assert not steps.reorders(GOOD["derive"])
    assert steps.reorders({"kind": "derive", "name": "n", "expression": "sum(k) OVER ()"})
    assert steps.reorders({"kind": "derive", "name": "n", "expression": "rank() over(ORDER BY k)"})
    assert not steps.reorders(GOOD["filter"])
