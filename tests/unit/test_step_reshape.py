"""Pivot and unpivot steps (app/core/step_pivot.py, step_reshape.py) through recipe.apply on native DuckDB.

pandas is the independent oracle: ``pivot_table`` (margins for totals, one
pivot per level for subtotals) and ``melt``. The tables are nasty on purpose:
NULLs in keys, columns and values, empty text, Unicode, names that are
reserved words or hold quotes, no rows at all, 10,000 distinct values.
"""

import json
import math
import time
from decimal import Decimal

import pandas as pd
import pytest

from app.core import filters, loading, recipe, sql, step_pivot, step_pivot_plan, steps, types
from app.engine.native import NativeEngine

NULL_KEY = "\u27c2null"  # stands for a NULL key in pandas (which would drop or mix it)

# --- helpers ----------------------------------------------------------------


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def make(engine, table, select):
    engine.execute("CREATE TABLE " + sql.quote_ident(table) + " AS " + select)


def frame(engine, table):
    """The table as pandas reads it (NULL -> None/NaN), before any step."""
    return engine.connection.execute("SELECT * FROM " + sql.quote_ident(table)).df()


def apply(engine, table, step_list):
    done = engine.run(recipe.apply(table, step_list))
    for stage in done["stages"]:
        assert stage["state"] in ("done", "off"), stage["problem"]
    result = engine.execute("SELECT * FROM " + sql.quote_ident(table))
    names = [c["name"] for c in result["columns"]]
    return done, names, [dict(zip(names, row)) for row in result["rows"]]


def prepared_of(engine, table, step):
    """What the step's prepare finds, over the table's source (after apply moved it)."""
    source = engine.run(recipe.source_of(table))
    query = "SELECT rowid AS " + sql.quote_ident(steps.ROW) + ", * FROM " + sql.quote_ident(source)
    described = engine.execute("DESCRIBE " + query)
    columns = [{"name": r[0], "type": r[1]} for r in described["rows"]]
    return engine.run(steps.prepare(query, step, columns)), columns


def number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def same(actual, expected, fn):
    """One cell: pandas' NaN is SQL's NULL, or 0 for counts (a combination with no rows)."""
    actual = number(actual)
    try:
        missing = expected is None or (isinstance(expected, float) and math.isnan(expected)) or pd.isna(expected)
    except (TypeError, ValueError):
        missing = False
    if missing:
        return actual is None or (fn in ("count", "count_distinct") and actual == 0)
    expected = number(expected)
    if isinstance(expected, float) or isinstance(actual, float):
        return actual is not None and math.isclose(float(actual), float(expected), rel_tol=1e-9, abs_tol=1e-9)
    return actual == expected


AGGFUNC = {
    "count": "count",
    "sum": lambda s: s.sum(min_count=1),
    "avg": "mean",
    "min": "min",
    "max": "max",
    "count_distinct": "nunique",
    "median": "median",
}


def keyed(df, keys):
    """``df`` with NULL keys as NULL_KEY (object columns), so pandas keeps them as groups."""
    out = df.copy()
    for k in keys:
        column = out[k].astype(object)
        out[k] = column.where(column.notna(), NULL_KEY)
    return out


def oracle(df, rows, column, value, margins):
    """pandas.pivot_table of one value: {row key tuple or 'All': {column value or 'All': cell}}."""
    data = keyed(df, rows + [column])
    data["__ones"] = 1
    index = rows if rows else ["__all"]
    if not rows:
        data["__all"] = "all"
    values = value.get("column") or "__ones"
    table = pd.pivot_table(
        data,
        index=index,
        columns=column,
        values=values,
        aggfunc=AGGFUNC[value["fn"]],
        margins=margins,
        dropna=False,
        sort=False,
    )
    # dropna=False fills in every combination of the keys: keep those that have rows
    present = set(data[index].itertuples(index=False, name=None))
    out = {}
    for key, row in table.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        if key not in present and not (margins and key[0] == "All"):
            continue
        label = "All" if key[0] == "All" and margins else tuple(key)
        out[label] = {c: row[c] for c in table.columns}
    return out


def names_of(prepared):
    """(column value or 'All', index of the value) -> the pivot's column name, from prepare's outputs."""
    out = {}
    for o in prepared["outputs"]:
        if o["of"] == "total":
            out[("All", o["value"])] = o["name"]
        elif o["of"] == "value":
            out[(NULL_KEY if o["pick"] is None else o["pick"], o["value"])] = o["name"]
    return out


def key_of(row, rows):
    return tuple(NULL_KEY if row[k] is None else row[k] for k in rows)


def norm_key(key):
    return tuple(int(k) if isinstance(k, float) and k == int(k) else k for k in key)


# --- nasty tables -------------------------------------------------------------

NASTY = {
    # NULLs everywhere: keys, the pivoted column and the values
    "nulls": (
        "SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE 'g' || (i % 3) END AS grp, "
        "CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 4) END AS sub, "
        "CASE WHEN i % 11 = 0 THEN NULL ELSE 2020 + (i % 4) END AS yr, "
        "CASE WHEN i % 6 = 0 THEN NULL ELSE (i * 37 % 101) - 20 END AS amount, "
        "CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 13 % 17) / 4.0 END AS price "
        "FROM range(400) t(i)",
        {"rows": "grp", "sub": "sub", "column": "yr", "num": "amount", "num2": "price"},
    ),
    # empty text and Unicode as keys and as column values
    "text": (
        "SELECT ['', 'Zürich', '東京', '😀 emoji', 'a''b'][1 + i % 5] AS ville, "
        "['x', '', 'ü', 'Ω\"q'][1 + (i // 3) % 4] AS kind, "
        "[NULL, 'é', ''][1 + (i // 2) % 3] AS note, "
        "(i * 7919 % 1000) / 10.0 AS montant, "
        "(i % 13) AS n "
        "FROM range(300) t(i)",
        {"rows": "ville", "sub": "note", "column": "kind", "num": "montant", "num2": "n"},
    ),
    # NULL the most frequent column value (so it is among the top ones, and Other must leave it out)
    "null on top": (
        "SELECT 'r' || (i % 3) AS r, CASE WHEN i % 2 = 0 THEN NULL ELSE (i % 7) END AS c, "
        "CASE WHEN i % 3 = 0 THEN 'u' ELSE NULL END AS s, (i % 10) - 3 AS v, i % 4 AS w FROM range(280) t(i)",
        {"rows": "r", "sub": "s", "column": "c", "num": "v", "num2": "w"},
    ),
    # column names that are reserved words or hold quotes
    "names": (
        "SELECT 'k' || (i % 4) AS \"select\", "
        'CASE WHEN i % 10 = 0 THEN NULL ELSE \'v\' || (i % 2) END AS "order ""by""", '
        "['it''s', 'a\"b', 'Total', 'Other'][1 + i % 4] AS \"from'where\", "
        '(i % 17) * 1.5 AS "group", '
        '(i % 5) AS "count" '
        "FROM range(250) t(i)",
        {"rows": "select", "sub": 'order "by"', "column": "from'where", "num": "group", "num2": "count"},
    ),
}

SPECS = {
    "one row key, sum and count": lambda n: {
        "rows": [n["rows"]],
        "values": [{"fn": "sum", "column": n["num"]}, {"fn": "count"}],
    },
    "two keys with totals": lambda n: {
        "rows": [n["rows"], n["sub"]],
        "values": [{"fn": "avg", "column": n["num"]}],
        "totals": True,
    },
    "no row keys": lambda n: {
        "rows": [],
        "values": [{"fn": "max", "column": n["num"]}, {"fn": "count", "column": n["num2"]}],
    },
    "subtotals, every fn": lambda n: {
        "rows": [n["rows"], n["sub"]],
        "values": [
            {"fn": "median", "column": n["num"]},
            {"fn": "count_distinct", "column": n["num2"]},
            {"fn": "min", "column": n["num2"]},
            {"fn": "count"},
        ],
        "totals": True,
        "subtotals": True,
    },
}


@pytest.mark.parametrize("table", sorted(NASTY))
@pytest.mark.parametrize("spec", sorted(SPECS))
def test_pivot_matches_pandas(engine, table, spec):
    select, names = NASTY[table]
    make(engine, "t", select)
    df = frame(engine, "t")
    step = dict(SPECS[spec](names), kind="pivot", columns=names["column"])
    done, columns, rows = apply(engine, "t", [step])
    prepared, _ = prepared_of(engine, "t", step)
    keys = step["rows"]
    assert columns[: len(keys)] == keys
    totals = bool(step.get("totals"))
    marked = bool(keys) and (totals or (bool(step.get("subtotals")) and len(keys) > 1))
    assert (step_pivot.LEVEL in columns) == marked
    assert [o["name"] for o in prepared["outputs"]] == columns[len(keys) + (1 if marked else 0) :]
    assert prepared["row_count"] == len(rows)
    level = (lambda r: r[step_pivot.LEVEL]) if marked else (lambda r: 0)
    named = names_of(prepared)
    plain = {key_of(r, keys) if keys else ("all",): r for r in rows if level(r) == 0}
    for j, value in enumerate(step["values"]):
        expected = oracle(df, keys, step["columns"], value, totals and bool(keys))
        detail = {k: v for k, v in expected.items() if k != "All"}
        assert {norm_key(k) for k in detail} == {norm_key(k) for k in plain}
        for key, cells in expected.items():
            if key == "All":
                row = [r for r in rows if level(r) == len(keys)]
                assert len(row) == 1
                row = row[0]
            else:
                row = plain[norm_key(key) if norm_key(key) in plain else key]
            for raw, cell in cells.items():
                name = named[(raw, j)]
                assert same(row[name], cell, value["fn"]), (key, name, row[name], cell)
        if step.get("subtotals") and len(keys) > 1:
            upper = oracle(df, keys[:1], step["columns"], value, False)
            subs = {key_of(r, keys[:1]): r for r in rows if level(r) == 1}
            assert {norm_key(k) for k in upper} == {norm_key(k) for k in subs}
            for key, cells in upper.items():
                row = subs[norm_key(key) if norm_key(key) in subs else key]
                assert row[keys[1]] is None
                for raw, cell in cells.items():
                    assert same(row[named[(raw, j)]], cell, value["fn"]), (key, raw)


@pytest.mark.parametrize("table", sorted(NASTY))
def test_every_cell_comes_from_the_rows_cell_filters_find(engine, table):
    """A click on a cell: its filters over the source give the cell's value, Other and totals included."""
    select, names = NASTY[table]
    make(engine, "t", select)
    step = {
        "kind": "pivot",
        "rows": [names["rows"], names["sub"]],
        "columns": names["column"],
        "values": [{"fn": "sum", "column": names["num"]}],
        "totals": True,
        "subtotals": True,
        "limit_columns": 2,
    }
    _, columns, rows = apply(engine, "t", [step])
    prepared, source_columns = prepared_of(engine, "t", step)
    assert prepared["other"]
    source = recipe.base_name("t")
    typed = types.describe_columns(source_columns)
    keys = step["rows"]
    checked = 0
    for row in rows:
        depth = len(keys) - row[step_pivot.LEVEL]
        for out in prepared["outputs"]:
            found = step_pivot.cell_filters(step, [row[k] for k in keys[:depth]], out["pick"])
            clause, params = ("true", [])
            if found:
                parts = [filters.clause(typed, f) for f in found]
                clause = " AND ".join(p[0] for p in parts)
                params = [v for p in parts for v in p[1]]
            got = engine.execute(
                "SELECT sum("
                + sql.quote_ident(names["num"])
                + ") FROM "
                + sql.quote_ident(source)
                + " WHERE "
                + clause,
                params,
            )["rows"][0][0]
            assert number(got) == number(row[out["name"]]), (row, out["name"])
            checked += 1
    assert checked == len(rows) * len(prepared["outputs"])


def test_cell_filters_words():
    step = {"kind": "pivot", "rows": ["a", "b"], "columns": "c", "values": [{"fn": "count"}]}
    assert step_pivot.cell_filters(step, ["x", None], 2024) == [
        {"column": "a", "op": "in", "value": ["x"]},
        {"column": "b", "op": "null"},
        {"column": "c", "op": "in", "value": [2024]},
    ]
    assert step_pivot.cell_filters(step, ["x"], None) == [
        {"column": "a", "op": "in", "value": ["x"]},
        {"column": "c", "op": "null"},
    ]
    assert step_pivot.cell_filters(step, [], {"other": [1, None]}) == [
        {"column": "c", "op": "not_in", "value": [1, None]}
    ]
    assert step_pivot.cell_filters(step, [], {"total": True}) == []


def test_an_empty_table(engine):
    make(engine, "t", "SELECT 'a' AS g, 2024 AS yr, 1.5 AS v FROM range(0)")
    step = {"kind": "pivot", "rows": ["g"], "columns": "yr", "values": [{"fn": "sum", "column": "v"}]}
    done, columns, rows = apply(engine, "t", [step])
    assert columns == ["g", "Total"]  # no values to make columns of: the total stands alone
    assert rows == []
    prepared, _ = prepared_of(engine, "t", step)
    assert prepared["distinct"] == 0 and not prepared["other"] and prepared["row_count"] == 0
    assert prepared["note"] is None
    # with totals: only the grand-total row, of nothing
    totalled = dict(step, totals=True)
    _, columns, rows = apply(engine, "t", [totalled])
    assert columns == ["g", step_pivot.LEVEL, "Total"]
    assert rows == [{"g": None, step_pivot.LEVEL: 1, "Total": None}]
    # no row keys: one row
    _, columns, rows = apply(engine, "t", [dict(step, rows=[], values=[{"fn": "count"}])])
    assert rows == [{"Total": 0}]


def test_ten_thousand_values_top_n_and_other(engine):
    # value i of 'city' has 1 + (i % 97) rows: counts differ, ties broken by the value
    make(
        engine,
        "t",
        "SELECT 'c' || lpad(CAST(i AS VARCHAR), 5, '0') AS city, (j % 3) AS region, (i * 7 + j) % 50 AS amount "
        "FROM range(10000) a(i), range(97) b(j) WHERE j <= i % 97",
    )
    df = frame(engine, "t")
    step = {
        "kind": "pivot",
        "rows": ["region"],
        "columns": "city",
        "values": [{"fn": "count"}, {"fn": "sum", "column": "amount"}],
        "totals": True,
        "limit_cells": 100,
    }
    _, columns, rows = apply(engine, "t", [step])
    prepared, _ = prepared_of(engine, "t", step)
    assert prepared["distinct"] == 10000
    assert prepared["other"] and prepared["other_values"] == 9950
    assert len(prepared["values"]) == step_pivot_plan.LIMIT_COLUMNS
    counts = df.groupby("city").size().reset_index(name="n").sort_values(["n", "city"], ascending=[False, True])
    top = sorted(counts["city"].head(50))
    assert [v["value"] for v in prepared["values"]] == top
    assert prepared["other_rows"] == len(df) - int(counts["n"].head(50).sum())
    assert prepared["note"].startswith("top 50 of 10,000 values of 'city'; the rest in Other")
    # the budget: 50 values + Other + Total, for each of 2 values, and the rows that fit 100 cells
    assert len(columns) == 1 + 1 + 52 * 2
    assert prepared["column_count"] == len(columns)
    assert prepared["rows_shown"] == 1  # 106 columns: not even one row fits 100 cells; one is shown
    assert "4 rows × 106 columns: the first 1 rows fit on screen" in prepared["note"]
    assert prepared["row_count"] == 4 and len(rows) == 4
    # Other + the shown columns = the total, in every row and for both values
    for row in rows:
        for label in ("count", "sum of amount"):
            shown = sum(number(row[c + " · " + label]) or 0 for c in top)
            assert shown + (number(row["Other · " + label]) or 0) == number(row["Total · " + label])
    # against pandas: the cities outside the top 50 folded into Other first
    folded = df.copy()
    folded["city"] = folded["city"].where(folded["city"].isin(top), "Other")
    expected = pd.pivot_table(folded, index="region", columns="city", values="amount", aggfunc="sum", margins=True)
    by_region = {r["region"] if r[step_pivot.LEVEL] == 0 else "All": r for r in rows}
    for region, cells in expected.iterrows():
        for city in expected.columns:
            name = ("Total" if city == "All" else city) + " · sum of amount"
            assert same(by_region[region][name], cells[city], "sum")


def test_top_by_the_first_value(engine):
    make(
        engine,
        "t",
        "SELECT ['a', 'b', 'c'][1 + i % 3] AS k, CASE WHEN i % 3 = 2 THEN 100 ELSE 1 END AS v FROM range(30) t(i)",
    )
    step = {"kind": "pivot", "rows": [], "columns": "k", "values": [{"fn": "sum", "column": "v"}], "limit_columns": 1}
    _, columns, _ = apply(engine, "t", [step])
    assert columns == ["a", "Other"]  # by rows: all tie, the first value wins
    _, columns, rows = apply(engine, "t", [dict(step, top="value")])
    assert columns == ["c", "Other"] and rows == [{"c": 1000, "Other": 20}]


def test_column_names_are_unique_as_duckdb_sees_them(engine):
    make(
        engine,
        "t",
        "SELECT ['A', 'a', 'É', 'é', 'Total', 'k', '__loupe_x'][1 + i % 7] AS c, 'x' AS k FROM range(14) t(i)",
    )
    step = {"kind": "pivot", "rows": ["k"], "columns": "c", "values": [{"fn": "count"}], "totals": True}
    _, columns, rows = apply(engine, "t", [step])
    assert columns == ["k", step_pivot.LEVEL, "A", "Total", "___loupe_x", "a (2)", "k (2)", "É", "é", "Total (2)"]
    assert rows[0]["Total (2)"] == 14 and rows[0]["a (2)"] == 2


def test_column_values_of_many_types_find_their_rows(engine):
    make(
        engine,
        "t",
        "SELECT (i % 2) AS g, [DATE '2024-01-31', DATE '1999-12-31', NULL][1 + i % 3] AS d, "
        "[0.1, 1e300, -2.5e-7][1 + i % 3] :: DOUBLE AS f, (i % 3 = 0) AS b, "
        "[TIMESTAMPTZ '2024-03-01 10:00:00+00', TIMESTAMPTZ '2024-03-01 11:00:00+00'][1 + i % 2] AS tz, "
        "[[1, 2], [3]][1 + i % 2] AS l, i AS v FROM range(60) t(i)",
    )
    df = frame(engine, "t")
    for column in ("d", "f", "b", "tz", "l"):
        step = {"kind": "pivot", "rows": ["g"], "columns": column, "values": [{"fn": "count"}], "totals": True}
        _, columns, rows = apply(engine, "t", [step])
        prepared, _ = prepared_of(engine, "t", step)
        assert len(prepared["values"]) == df[column].astype(str).nunique(dropna=False)
        typed = types.describe_columns(
            [{"name": r[0], "type": r[1]} for r in engine.execute("DESCRIBE " + recipe.base_name("t"))["rows"]]
        )
        for row in rows:
            shown = sum(row[o["name"]] for o in prepared["outputs"] if o["of"] == "value")
            assert shown == row["Total"]  # every row landed in its value's column
            depth = 1 - row[step_pivot.LEVEL]
            for o in prepared["outputs"]:
                found = step_pivot.cell_filters(step, [row["g"]][:depth], o["pick"])
                parts = [filters.clause(typed, f) for f in found] or [("true", [])]
                got = engine.execute(
                    "SELECT count(*) FROM " + recipe.base_name("t") + " WHERE " + " AND ".join(p[0] for p in parts),
                    [v for p in parts for v in p[1]],
                )["rows"][0][0]
                assert got == row[o["name"]], (column, o)
        assert sum(r["Total"] for r in rows if r[step_pivot.LEVEL] == 0) == len(df) == rows[-1]["Total"]


def test_sort_by_value_and_keys(engine):
    make(
        engine,
        "t",
        "SELECT ['b', 'a', 'c', NULL][1 + i % 4] AS k, i % 2 AS c, i * (1 + i % 4) AS v FROM range(40) t(i)",
    )
    df = keyed(frame(engine, "t"), ["k"])
    totals = df.groupby("k")["v"].sum()
    base = {"kind": "pivot", "rows": ["k"], "columns": "c", "values": [{"fn": "sum", "column": "v"}], "totals": True}
    _, _, rows = apply(engine, "t", [dict(base, sort="value")])
    assert [r["k"] or NULL_KEY for r in rows[:-1]] == list(totals.sort_values(ascending=False).index)
    assert rows[-1][step_pivot.LEVEL] == 1  # the grand total stays last
    _, _, rows = apply(engine, "t", [dict(base, sort="value", order="asc")])
    assert [r["k"] or NULL_KEY for r in rows[:-1]] == list(totals.sort_values().index)
    _, _, rows = apply(engine, "t", [base])
    assert [r["k"] for r in rows] == ["a", "b", "c", None, None]
    _, _, rows = apply(engine, "t", [dict(base, order="desc")])
    assert [r["k"] for r in rows] == ["c", "b", "a", None, None]


def test_subtotals_sorted_by_value_keep_their_groups(engine):
    make(
        engine,
        "t",
        "SELECT ['x', 'y', 'z'][1 + i % 3] AS a, ['p', 'q'][1 + i % 2] AS b, 1 AS c, (i * 17) % 23 AS v FROM range(60) t(i)",
    )
    df = frame(engine, "t")
    step = {
        "kind": "pivot",
        "rows": ["a", "b"],
        "columns": "c",
        "values": [{"fn": "sum", "column": "v"}],
        "totals": True,
        "subtotals": True,
        "sort": "value",
    }
    _, _, rows = apply(engine, "t", [step])
    level = step_pivot.LEVEL
    outer = df.groupby("a")["v"].sum().sort_values(ascending=False)
    expected = []
    for a in outer.index:
        inner = df[df["a"] == a].groupby("b")["v"].sum().sort_values(ascending=False)
        expected += [(a, b, 0) for b in inner.index] + [(a, None, 1)]
    expected.append((None, None, 2))
    assert [(r["a"], r["b"], r[level]) for r in rows] == expected
    assert rows[-1]["Total"] == df["v"].sum()


def test_pivot_then_more_steps_and_preview(engine):
    make(engine, "t", "SELECT 'k' || (i % 3) AS k, i % 2 AS c, i AS v FROM range(12) t(i)")
    pivot = {"kind": "pivot", "rows": ["k"], "columns": "c", "values": [{"fn": "sum", "column": "v"}], "sort": "value"}
    rename = {"kind": "rename", "column": "1", "to": "odd"}
    done, columns, rows = apply(engine, "t", [pivot, rename])
    assert columns == ["k", "0", "odd"]
    assert [r["k"] for r in rows] == ["k2", "k1", "k0"]
    shown = engine.run(recipe.preview("t", [pivot, rename], 0))
    assert shown["problem"] is None and [r[0] for r in shown["rows"]] == ["k2", "k1", "k0"]


def test_says():
    step = {
        "kind": "pivot",
        "rows": ["origin"],
        "columns": "month",
        "values": [{"fn": "avg", "column": "delay"}, {"fn": "count"}],
        "totals": True,
    }
    assert steps.says(step) == "Pivot 'month' into columns, rows by 'origin': average of delay, count (with totals)"
    assert steps.says({"kind": "unpivot", "columns": ["q1", "q2"]}) == (
        "Unpivot 'q1', 'q2' into 'name' (the column) and 'value' (its value)"
    )


# --- malformed steps ------------------------------------------------------------

COLUMNS = [{"name": "g", "type": "VARCHAR"}, {"name": "yr", "type": "INTEGER"}, {"name": "v", "type": "DOUBLE"}]
GOOD = {"kind": "pivot", "rows": ["g"], "columns": "yr", "values": [{"fn": "sum", "column": "v"}]}


@pytest.mark.parametrize(
    "change, words",
    [
        ({"rows": None}, "step.rows is missing"),
        ({"rows": "g"}, "step.rows must be a list"),
        ({"columns": None}, "step.columns is missing"),
        ({"columns": ["yr"]}, "step.columns must be the name of a column"),
        ({"values": None}, "step.values is missing"),
        ({"values": {"fn": "sum"}}, "step.values must be a list"),
        ({"values": []}, "values needs at least one"),
        ({"values": ["sum"]}, "values[0] must be an object"),
        ({"values": [{"fn": "total", "column": "v"}]}, "values[0].fn must be one of count, sum"),
        ({"values": [{"fn": "count"}, {"fn": "sum"}]}, "values[1].column is missing"),
        ({"values": [{"fn": "sum", "column": "g"}]}, "values[0]: cannot take the sum of 'g' (VARCHAR)"),
        ({"values": [{"fn": "avg", "column": "nope"}]}, "there is no column 'nope'"),
        ({"values": [{"fn": "max", "column": "v", "as": "x"}]}, "values[0].as is not a setting"),
        ({"rows": [1]}, "rows[0] must be the name of a column"),
        ({"rows": ["g", "g"]}, "rows names 'g' twice"),
        ({"rows": ["yr"]}, "'yr' cannot be both in rows and the columns"),
        ({"rows": ["missing"]}, "there is no column 'missing'"),
        ({"totals": "yes"}, "step.totals must be true or false"),
        ({"sort": "up"}, "step.sort must be one of keys, value"),
        ({"order": "down"}, "step.order must be one of asc, desc"),
        ({"sort_value": 2}, "sort_value must be the place of one of the values"),
        ({"limit_columns": 0}, "limit_columns must be between 1 and 1000"),
        ({"limit_columns": "50"}, "step.limit_columns must be a whole number"),
        ({"limit_cells": 0}, "limit_cells must be at least 1"),
        ({"top": "first"}, "step.top must be one of count, value"),
        ({"extra": 1}, "step.extra is not a setting of a pivot step"),
    ],
)
def test_malformed_pivot_names_the_field(change, words):
    step = dict(GOOD)
    for field, value in change.items():
        if value is None:
            del step[field]
        else:
            step[field] = value
    found = steps.problem(step, COLUMNS)
    assert found is not None and words in found, found


@pytest.mark.parametrize(
    "step, words",
    [
        ({"kind": "unpivot"}, "step.columns is missing"),
        ({"kind": "unpivot", "columns": []}, "step.columns must be a list of column names"),
        ({"kind": "unpivot", "columns": ["yr", "yr"]}, "a column is named twice"),
        ({"kind": "unpivot", "columns": ["yr"], "name": ""}, "step.name must be a name for the new column"),
        ({"kind": "unpivot", "columns": ["yr"], "value": 3}, "step.value must be a name for the new column"),
        ({"kind": "unpivot", "columns": ["yr"], "name": "x", "value": "X"}, "two different names"),
        ({"kind": "unpivot", "columns": ["yr"], "name": "G"}, "name: there is already a column named 'g'"),
        ({"kind": "unpivot", "columns": ["yr"], "value": "__loupe_row"}, "kept for Loupe"),
        ({"kind": "unpivot", "columns": ["nope"]}, "there is no column 'nope'"),
    ],
)
def test_malformed_unpivot_names_the_field(step, words):
    found = steps.problem(step, COLUMNS)
    assert found is not None and words in found, found


def test_a_malformed_step_fails_in_the_recipe_and_the_table_stays(engine):
    make(engine, "t", "SELECT 'a' AS g, 1 AS yr, 2.0 AS v")
    bad = dict(GOOD, values=[{"fn": "sum"}])
    done = engine.run(recipe.apply("t", [bad]))
    assert done["failed"] == 0 and "values[0].column is missing" in done["stages"][0]["problem"]
    assert [c["name"] for c in done["columns"]] == ["g", "yr", "v"]


# --- unpivot ----------------------------------------------------------------------

UNPIVOTS = {
    "nulls": (NASTY["nulls"][0], ["amount", "price"], "name", "value"),
    "text": (NASTY["text"][0], ["kind", "note", "ville"], "quelle colonne", "valeur ü"),
    "names": (NASTY["names"][0], ['order "by"', "group", "count"], "from", 'val"ue'),
    "same type": (
        "SELECT i AS id, i * 2 AS q1, NULL::INTEGER AS q2, -i AS q3 FROM range(50) t(i)",
        ["q1", "q2", "q3"],
        "quarter",
        "sales",
    ),
    "empty": ("SELECT 1 AS id, 'x' AS a, 'y' AS b FROM range(0)", ["a", "b"], "name", "value"),
}


@pytest.mark.parametrize("case", sorted(UNPIVOTS))
def test_unpivot_matches_melt(engine, case):
    select, chosen, name, value = UNPIVOTS[case]
    make(engine, "t", select)
    df = frame(engine, "t")
    source_types = {r[0]: r[1] for r in engine.execute("DESCRIBE t")["rows"]}
    texts = engine.connection.execute(
        "SELECT " + ", ".join("CAST(" + sql.quote_ident(c) + " AS VARCHAR)" for c in chosen) + " FROM t"
    ).fetchall()
    step = {"kind": "unpivot", "columns": chosen, "name": name, "value": value}
    done, columns, rows = apply(engine, "t", [step])
    kept = [c for c in df.columns if c not in chosen]
    assert columns == kept + [name, value]
    melted = df.reset_index().melt(id_vars=["index"] + kept, value_vars=chosen, var_name=name, value_name=value)
    melted["place"] = melted[name].map({c: i for i, c in enumerate(chosen)})
    melted = melted.sort_values(["index", "place"], kind="stable")
    assert len(rows) == len(melted) == len(df) * len(chosen)
    kinds = {types.kind_of(source_types[c]) for c in chosen}
    mixed = len({source_types[c] for c in chosen}) > 1 and not kinds <= {"integer", "decimal"}
    prepared = engine.run(
        steps.prepare("SELECT * FROM t", step, [{"name": c, "type": source_types[c]} for c in df.columns])
    )
    assert prepared["cast"] == mixed
    assert (prepared["note"] is not None) == mixed
    for row, (_, want) in zip(rows, melted.iterrows()):
        for k in kept:
            assert same(row[k], want[k], "min")
        assert row[name] == want[name]
        if mixed:
            assert row[value] == texts[int(want["index"])][int(want["place"])]
        else:
            assert same(row[value], want[value], "min")


def test_unpivot_of_mixed_numbers_keeps_numbers(engine):
    make(engine, "t", "SELECT 1 AS id, 2::INTEGER AS a, 2.5::DOUBLE AS b, 7::BIGINT AS c")
    done, columns, rows = apply(engine, "t", [{"kind": "unpivot", "columns": ["a", "b", "c"]}])
    assert [c["type"] for c in done["columns"]] == ["INTEGER", "VARCHAR", "DOUBLE"]
    assert [r["value"] for r in rows] == [2.0, 2.5, 7.0]


def test_unpivot_then_pivot_back(engine):
    make(
        engine,
        "t",
        "SELECT i AS id, 'x' || i AS a, CASE WHEN i % 3 = 0 THEN NULL ELSE 'y' || i END AS b FROM range(30) t(i)",
    )
    before = engine.execute("SELECT * FROM t ORDER BY id")["rows"]
    back = {"kind": "pivot", "rows": ["id"], "columns": "name", "values": [{"fn": "max", "column": "value"}]}
    _, columns, rows = apply(engine, "t", [{"kind": "unpivot", "columns": ["a", "b"]}, back])
    assert columns == ["id", "a", "b"]
    assert [[r["id"], r["a"], r["b"]] for r in rows] == before


# --- a million rows ---------------------------------------------------------------


def test_flights_pivot_on_a_million_rows(engine):
    make(
        engine,
        "flights",
        "SELECT 'A' || lpad(CAST(i * 7 % 317 AS VARCHAR), 3, '0') AS origin, 1 + (i * 13 % 12) AS month, "
        "CASE WHEN i % 17 = 0 THEN NULL ELSE CAST((i * 31) % 200 - 40 AS DOUBLE) END AS dep_delay "
        "FROM range(1000000) t(i)",
    )
    df = frame(engine, "flights")
    step = {
        "kind": "pivot",
        "rows": ["origin"],
        "columns": "month",
        "values": [{"fn": "avg", "column": "dep_delay"}, {"fn": "count"}],
        "totals": True,
        "sort": "value",
    }
    started = time.perf_counter()
    done = engine.run(recipe.apply("flights", [step]))
    took = time.perf_counter() - started
    started = time.perf_counter()
    result = engine.execute('SELECT * FROM "flights"')
    read = time.perf_counter() - started
    print("\npivot of 1M rows (317 origins x 12 months, avg + count, totals): apply %.3f s, read %.3f s" % (took, read))
    assert done["failed"] is None
    names = [c["name"] for c in result["columns"]]
    rows = [dict(zip(names, r)) for r in result["rows"]]
    assert len(rows) == 318 and len(names) == 1 + 1 + 13 * 2
    averages = [r["Total · average of dep_delay"] for r in rows[:-1]]
    assert averages == sorted(averages, reverse=True) and rows[-1][step_pivot.LEVEL] == 1
    expected = pd.pivot_table(df, index="origin", columns="month", values="dep_delay", aggfunc="mean", margins=True)
    by_origin = {r["origin"] if r[step_pivot.LEVEL] == 0 else "All": r for r in rows}
    for origin, cells in expected.iterrows():
        for month in expected.columns:
            name = ("Total" if month == "All" else str(month)) + " · average of dep_delay"
            assert same(by_origin[origin][name], cells[month], "avg")
    counts = df.groupby("origin").size()
    assert [r["Total · count"] for r in rows[:-1]] == [counts[r["origin"]] for r in rows[:-1]]


# --- the same recipe under MicroPython ------------------------------------------------


def browser_shaped(value):
    """A value as the browser's Arrow-to-JSON glue hands it over (as tests/unit/test_profile.py has it)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) <= 2**53 - 1 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[str(value)]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [browser_shaped(v) for v in value]
    return str(value)


REPLAY = """
import json
from app.core import loading, recipe, step_pivot, steps
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]
    ask = lambda statement, params: answers[json.dumps([statement, params])]
    done = loading.run(recipe.apply("t", case["steps"]), ask)
    found = loading.run(steps.prepare(case["query"], case["steps"][0], case["columns"]), ask)
    picks = [step_pivot.cell_filters(case["steps"][0], [], o["pick"]) for o in found.get("outputs", [])]
    out.append([done["sql"], done["columns"], found, picks, [steps.says(s) for s in case["steps"]]])
print(json.dumps(out))
"""


def test_micropython_builds_the_same_views(tmp_path):
    from micropython_replay import MICROPYTHON, replay

    if not MICROPYTHON.exists():
        pytest.skip("needs MicroPython's npm package")
    select = NASTY["names"][0]
    cases = [
        [
            {
                "kind": "pivot",
                "rows": ["select", 'order "by"'],
                "columns": "from'where",
                "values": [{"fn": "sum", "column": "group"}, {"fn": "median", "column": "group"}],
                "totals": True,
                "subtotals": True,
                "sort": "value",
                "limit_columns": 2,
            }
        ],
        [{"kind": "unpivot", "columns": ['order "by"', "group"], "name": "from", "value": 'val"ue'}],
        [{"kind": "pivot", "rows": [], "columns": "count", "values": [{"fn": "count"}], "top": "value"}],
    ]
    recorded, expected = [], []
    for step_list in cases:
        engine = NativeEngine()
        make(engine, "t", select)
        answers = {}

        def recording(statement, params, engine=engine, answers=answers):
            result = engine.execute(statement, params)
            result = {"columns": result["columns"], "rows": browser_shaped(result["rows"])}
            answers[json.dumps([statement, params], ensure_ascii=False)] = result  # as MicroPython writes it
            return result

        query = 'SELECT rowid AS "__loupe_row", * FROM "loupe_base_t"'
        done = loading.run(recipe.apply("t", step_list), recording)
        columns = [{"name": r[0], "type": r[1]} for r in recording("DESCRIBE " + query, [])["rows"]]
        found = loading.run(steps.prepare(query, step_list[0], columns), recording)
        picks = [step_pivot.cell_filters(step_list[0], [], o["pick"]) for o in found.get("outputs", [])]
        expected.append([done["sql"], done["columns"], found, picks, [steps.says(s) for s in step_list]])
        recorded.append({"steps": step_list, "answers": answers, "query": query, "columns": columns})
        engine.close()
    expected = json.loads(json.dumps(expected))
    assert replay(tmp_path, recorded, REPLAY, heap_mb=32, timeout=120) == expected
