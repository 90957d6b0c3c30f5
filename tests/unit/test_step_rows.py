"""Row steps (dedupe, sample, window) applied by recipe.apply on native DuckDB, checked against pandas."""

import math

import pandas as pd
import pytest

from app.core import recipe, sql, steps
from app.engine.native import NativeEngine

# Nasty tables: (key, text, number) under awkward names, with NULLs, '' and Unicode.
NAMES = {
    "plain": ("k", "s", "v"),
    "reserved": ("select", 'a "quoted" name', "order by"),
    "unicode": ("clé", "名前", "€ amount"),
}
ROWS = {
    "small": [
        [1, "a", 10],
        [2, "b", 20],
        [1, "a", 30],
        [1, "a", 10],
        [3, None, 5],
        [None, "", 7],
        [None, "", 7],
        [2, "é", None],
        [3, "日本", -4],
        [2, "b", 20],
    ],
    "nulls": [[None, None, None], [None, None, None], [1, None, 2], [None, "x", None], [1, None, 2]],
    "empty": [],
    "one": [[5, "😀", 1]],
}
TABLES = [(n, r) for n in NAMES for r in ROWS]


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def make(engine, table, names, rows):
    k, s, v = names
    engine.execute(
        "CREATE TABLE "
        + sql.quote_ident(table)
        + " ("
        + sql.quote_ident(k)
        + " INTEGER, "
        + sql.quote_ident(s)
        + " VARCHAR, "
        + sql.quote_ident(v)
        + " BIGINT)"
    )
    for row in rows:
        engine.execute("INSERT INTO " + sql.quote_ident(table) + " VALUES (?, ?, ?)", row)


def applied(engine, table, step_list):
    done = engine.run(recipe.apply(table, step_list, None))
    assert done["failed"] is None, done["stages"]
    return engine.execute("SELECT * FROM " + sql.quote_ident(table))["rows"]


def frame(names, rows):
    return pd.DataFrame([list(r) for r in rows], columns=list(names), dtype=object)


def plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def same_numbers(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        a, b = plain(a), plain(b)
        if a is None or b is None:
            assert a is None and b is None, (got, want)
        else:
            assert float(a) == pytest.approx(float(b)), (got, want)


# ---- dedupe


@pytest.mark.parametrize("keep", ["first", "last"])
@pytest.mark.parametrize("by_key", [False, True])
@pytest.mark.parametrize("names,rows", TABLES, ids=[n + "-" + r for n, r in TABLES])
def test_dedupe_matches_pandas(engine, names, rows, by_key, keep):
    names, rows = NAMES[names], ROWS[rows]
    make(engine, "t", names, rows)
    step = {"kind": "dedupe", "keep": keep}
    if by_key:
        step["columns"] = [names[0], names[1]]
    got = applied(engine, "t", [step])
    subset = [names[0], names[1]] if by_key else None
    want = frame(names, rows).drop_duplicates(subset=subset, keep=keep).values.tolist()
    assert got == [[plain(x) for x in r] for r in want]


def test_dedupe_default_keeps_first_and_says_so():
    step = {"kind": "dedupe"}
    assert steps.shape_problem(step) is None
    assert steps.says(step) == "Remove duplicate rows (equal in every column), keeping the first of each"
    assert steps.says({"kind": "dedupe", "columns": ["e mail"], "keep": "last"}) == (
        "Remove rows repeating 'e mail', keeping the last of each"
    )


# ---- sample


def _table_of(engine, n):
    engine.execute("CREATE TABLE t AS SELECT range AS i, 'r' || range AS s FROM range(" + str(n) + ")")


def test_sample_rows_is_a_subset_in_source_order_and_the_same_every_run(engine):
    _table_of(engine, 5000)
    step = {"kind": "sample", "rows": 100, "seed": 7}
    first = applied(engine, "t", [step])
    assert len(first) == 100
    ids = [r[0] for r in first]
    assert ids == sorted(ids) and len(set(ids)) == 100
    assert all(r[1] == "r" + str(r[0]) for r in first)
    for threads in (1, 4):
        engine.connection.execute("SET threads = " + str(threads))
        assert applied(engine, "t", [step]) == first
    # a larger sample with the same seed holds the smaller one; another seed picks other rows
    more = [r[0] for r in applied(engine, "t", [dict(step, rows=300)])]
    assert set(ids) <= set(more)
    other = [r[0] for r in applied(engine, "t", [dict(step, seed=8)])]
    assert len(set(other) & set(ids)) < 20


def test_sample_rows_are_those_of_smallest_hash(engine):
    _table_of(engine, 1000)
    got = [r[0] for r in applied(engine, "t", [{"kind": "sample", "rows": 10, "seed": 3}])]
    hashes = engine.execute("SELECT i, hash(CAST(i AS BIGINT), CAST(3 AS BIGINT)) FROM range(1000) AS r(i)")["rows"]
    want = sorted([i for i, _ in sorted(hashes, key=lambda r: (r[1], r[0]))[:10]])
    assert got == want


def test_sample_percent_is_about_right_and_nested(engine):
    _table_of(engine, 20000)
    ten = [r[0] for r in applied(engine, "t", [{"kind": "sample", "percent": 10, "seed": 1}])]
    assert abs(len(ten) - 2000) < 3 * math.sqrt(20000 * 0.1 * 0.9)
    assert ten == sorted(ten)
    twenty = [r[0] for r in applied(engine, "t", [{"kind": "sample", "percent": 20.5, "seed": 1}])]
    assert set(ten) <= set(twenty)
    assert applied(engine, "t", [{"kind": "sample", "percent": 0, "seed": 1}]) == []
    assert len(applied(engine, "t", [{"kind": "sample", "percent": 100}])) == 20000
    engine.connection.execute("SET threads = 1")
    assert [r[0] for r in applied(engine, "t", [{"kind": "sample", "percent": 10, "seed": 1}])] == ten


@pytest.mark.parametrize("names,rows", TABLES, ids=[n + "-" + r for n, r in TABLES])
def test_sample_of_nasty_tables(engine, names, rows):
    make(engine, "t", NAMES[names], ROWS[rows])
    got = applied(engine, "t", [{"kind": "sample", "rows": 3, "seed": 0}])
    assert len(got) == min(3, len(ROWS[rows]))
    remaining = [list(r) for r in ROWS[rows]]
    for row in got:
        assert row in remaining
        remaining.remove(row)


def test_sample_says_what_it_does():
    assert steps.says({"kind": "sample", "rows": 50, "seed": 2}) == "Keep 50 rows picked at random (seed 2)"
    assert steps.says({"kind": "sample", "percent": 12.5, "seed": 2}) == (
        "Keep about 12.5% of the rows, each picked at random (seed 2)"
    )


# ---- window


def _ordered(df, step, names):
    """The frame in the window's order (stable: ties in source order), and back."""
    if step.get("order"):
        return df.sort_values(
            step["order"], ascending=step.get("direction") != "desc", kind="stable", na_position="last"
        )
    if step.get("direction") == "desc":
        return df.iloc[::-1]
    return df


def window_oracle(names, rows, step):
    k, s, v = names
    df = frame(names, rows)
    df[v] = df[v].astype(float)
    df[k] = df[k].astype(float)
    by = step.get("by") or []
    column = step["column"]
    function = step["function"]
    if function == "rank":
        ascending = step.get("direction") != "desc"
        values = df[column] if column != v else df[v]
        if by:
            out = df.groupby(by, dropna=False)[column].rank(method="min", ascending=ascending, na_option="keep")
        else:
            out = values.rank(method="min", ascending=ascending, na_option="keep")
        return out.tolist()
    if function == "percent_of_total":
        total = df.groupby(by, dropna=False)[column].transform("sum") if by else df[column].sum()
        out = df[column] * 100 / total
        out[(pd.Series(total, index=df.index) == 0)] = float("nan")
        return out.tolist()
    ordered = _ordered(df, step, names)
    if function == "running_total":
        if by:
            running = ordered.groupby(by, dropna=False)[column].cumsum()
            running = running.groupby([ordered[b] for b in by], dropna=False).ffill()
        else:
            running = ordered[column].cumsum().ffill()
        return running.reindex(df.index).tolist()
    if by:
        diff = ordered.groupby(by, dropna=False)[column].diff()
    else:
        diff = ordered[column].diff()
    # pandas' diff is NaN when either value is NaN, as SQL's subtraction is NULL
    return diff.reindex(df.index).tolist()


WINDOWS = [
    {"function": "rank", "column": 2},
    {"function": "rank", "column": 2, "direction": "desc", "by": [0]},
    {"function": "rank", "column": 0, "by": [1]},
    {"function": "running_total", "column": 2},
    {"function": "running_total", "column": 2, "by": [0]},
    {"function": "running_total", "column": 2, "order": 0, "direction": "desc"},
    {"function": "running_total", "column": 2, "direction": "desc", "by": [1]},
    {"function": "percent_of_total", "column": 2},
    {"function": "percent_of_total", "column": 2, "by": [1]},
    {"function": "difference", "column": 2},
    {"function": "difference", "column": 2, "by": [0], "order": 2},
    {"function": "difference", "column": 0, "order": 2, "direction": "desc"},
]


def _named(template, names):
    step = {"kind": "window"}
    for key, value in template.items():
        if key in ("column", "order"):
            step[key] = names[value]
        elif key == "by":
            step[key] = [names[i] for i in value]
        else:
            step[key] = value
    return step


@pytest.mark.parametrize("template", WINDOWS, ids=[str(i) for i in range(len(WINDOWS))])
@pytest.mark.parametrize("names,rows", TABLES, ids=[n + "-" + r for n, r in TABLES])
def test_window_matches_pandas(engine, names, rows, template):
    names, rows = NAMES[names], ROWS[rows]
    make(engine, "t", names, rows)
    step = _named(template, names)
    got = applied(engine, "t", [step])
    assert [r[:3] for r in got] == [list(r) for r in rows]  # the rows stay in the source order
    same_numbers([r[3] for r in got], window_oracle(names, rows, step))
    columns = engine.execute("DESCRIBE " + sql.quote_ident("t"))["rows"]
    assert columns[3][0] == steps.made_columns(step)[0]


def test_window_rank_of_text_with_unicode_and_empty(engine):
    make(engine, "t", NAMES["plain"], [[1, "b", 1], [2, "", 1], [3, "日本", 1], [4, "é", 1], [5, "b", 1]])
    got = applied(engine, "t", [{"kind": "window", "function": "rank", "column": "s", "name": "r"}])
    want = pd.Series(["b", "", "日本", "é", "b"]).rank(method="min").tolist()
    same_numbers([r[3] for r in got], want)


def test_window_names_and_words():
    step = {"kind": "window", "function": "rank", "column": "price", "direction": "desc", "by": ["region"]}
    assert steps.made_columns(step) == ["price_rank"]
    assert steps.says(step) == "Rank 'price' (highest first) within each 'region', as 'price_rank'"
    step = {"kind": "window", "function": "running_total", "column": "amount", "order": "date", "name": "balance"}
    assert steps.says(step) == "Running total of 'amount' in 'date', as 'balance'"
    assert steps.reorders(step)


def test_window_refuses_what_does_not_fit():
    columns = [{"name": "s", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}, {"name": "v_rank", "type": "BIGINT"}]
    total = {"kind": "window", "function": "running_total", "column": "s"}
    assert "needs numbers" in steps.problem(total, columns)
    taken = {"kind": "window", "function": "rank", "column": "v"}
    assert "already a column named 'v_rank'" in steps.problem(taken, columns)
    assert steps.problem(dict(taken, name="r2"), columns) is None
    assert "no column 'nope'" in steps.problem(dict(taken, name="r2", by=["nope"]), columns)
    assert "leave out order" in steps.problem(dict(taken, name="r2", order="s"), columns)


# ---- malformed steps name the field


@pytest.mark.parametrize(
    "step,field",
    [
        ({"kind": "dedupe", "keep": "middle"}, "step.keep"),
        ({"kind": "dedupe", "columns": []}, "step.columns"),
        ({"kind": "dedupe", "colums": ["a"]}, "step.colums"),
        ({"kind": "sample", "rows": "10"}, "step.rows"),
        ({"kind": "sample", "percent": True}, "step.percent"),
        ({"kind": "sample", "rows": 5, "seed": 1.5}, "step.seed"),
        ({"kind": "window", "function": "rank"}, "step.column"),
        ({"kind": "window", "function": "median", "column": "v"}, "step.function"),
        ({"kind": "window", "function": "rank", "column": "v", "by": "s"}, "step.by"),
        ({"kind": "window", "function": "rank", "column": "v", "name": " "}, "step.name"),
    ],
)
def test_malformed_steps_name_the_field(step, field):
    words = steps.shape_problem(step)
    assert words is not None and words.startswith(field), words


@pytest.mark.parametrize(
    "step,words",
    [
        ({"kind": "sample"}, "give either rows"),
        ({"kind": "sample", "rows": 1, "percent": 5}, "not both"),
        ({"kind": "sample", "rows": -1}, "rows must be 0 or more"),
        ({"kind": "sample", "percent": 101}, "percent must be between 0 and 100"),
        ({"kind": "sample", "rows": 1, "seed": -3}, "seed must be between"),
        ({"kind": "dedupe", "columns": ["v", "v"]}, "named twice"),
        ({"kind": "dedupe", "columns": ["gone"]}, "there is no column 'gone'"),
    ],
)
def test_problems_say_what_is_wrong(step, words):
    columns = [{"name": "v", "type": "BIGINT"}]
    assert words in steps.problem(step, columns)


def test_a_failing_step_leaves_the_table_as_it_was(engine):
    make(engine, "t", NAMES["plain"], ROWS["small"])
    done = engine.run(recipe.apply("t", [{"kind": "dedupe"}, {"kind": "sample", "rows": -2}], None))
    assert done["failed"] == 1
    assert done["stages"][1]["problem"] == "rows must be 0 or more"
    assert len(engine.execute("SELECT * FROM t")["rows"]) == 7
