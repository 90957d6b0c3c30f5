"""app/core/recipe.py on native DuckDB: a table's steps as a view over ``loupe_base_<table>``;
apply, unapply, drop, rename, preview; what lists of tables show; restore.steps_for on a stepped table."""

import math

import pandas as pd
import pytest

from app.core import errors, recipe, restore, sql, statements, steps
from app.engine.native import NativeEngine

ROW = steps.ROW

ROWS = [
    [1, "a", 1.5],
    [2, None, None],
    [None, "", 0.0],
    [3, "é", -2.25],
    [2, "日本", 10.0],
    [1, "😀", 3.0],
    [4, "it's", 7.5],
    [5, "back\\slash", None],
]


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def q(name):
    return sql.quote_ident(name)


def make(engine, table="t", names=("k", "s", "v"), rows=ROWS):
    k, s, v = names
    engine.execute("CREATE TABLE " + q(table) + " (" + q(k) + " INTEGER, " + q(s) + " VARCHAR, " + q(v) + " DOUBLE)")
    if rows:
        engine.connection.executemany("INSERT INTO " + q(table) + " VALUES (?, ?, ?)", [list(r) for r in rows])


def names_of(engine, table):
    return [c["name"] for c in engine.execute("SELECT * FROM " + q(table))["columns"]]


def rows_of(engine, table):
    return engine.execute("SELECT * FROM " + q(table))["rows"]


def tables(engine):
    return [r[0] for r in engine.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1")["rows"]]


def views(engine):
    return [r[0] for r in engine.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1")["rows"]]


def listed(engine):
    return [r[0] for r in engine.execute(*sql.list_tables())["rows"]]


DERIVE = {"kind": "derive", "name": "n", "expression": "k * 10"}
RENAME = {"kind": "rename", "column": "s", "to": "text"}


# --- apply, unapply, drop, rename ---------------------------------------------


def test_apply_moves_the_rows_to_a_source_and_makes_a_view(engine):
    make(engine)
    assert engine.run(recipe.has_base("t")) is False
    assert engine.run(recipe.source_of("t")) == "t"
    done = engine.run(recipe.apply("t", [DERIVE]))
    assert done["failed"] is None
    assert done["columns"] == [
        {"name": "k", "type": "INTEGER"},
        {"name": "s", "type": "VARCHAR"},
        {"name": "v", "type": "DOUBLE"},
        {"name": "n", "type": "INTEGER"},
    ]
    assert [s["state"] for s in done["stages"]] == ["done"]
    assert tables(engine) == ["loupe_base_t"]
    assert views(engine) == ["t"]
    assert engine.run(recipe.has_base("t")) is True
    assert engine.run(recipe.source_of("t")) == "loupe_base_t"
    assert recipe.base_name("t") == "loupe_base_t"
    assert rows_of(engine, "loupe_base_t") == ROWS
    assert [r[:3] for r in rows_of(engine, "t")] == ROWS
    assert [r[3] for r in rows_of(engine, "t")] == [None if r[0] is None else r[0] * 10 for r in ROWS]
    assert ROW not in names_of(engine, "t")
    assert ROW not in [c["name"] for c in done["columns"]]


def test_apply_twice_replaces_the_view(engine):
    make(engine)
    engine.run(recipe.apply("t", [DERIVE]))
    done = engine.run(recipe.apply("t", [RENAME]))
    assert done["failed"] is None
    assert names_of(engine, "t") == ["k", "text", "v"]
    assert tables(engine) == ["loupe_base_t"] and views(engine) == ["t"]
    assert rows_of(engine, "t") == ROWS


def test_apply_nothing_leaves_a_table_a_table(engine):
    make(engine)
    done = engine.run(recipe.apply("t", []))
    assert done["stages"] == [] and done["failed"] is None and not recipe.is_derived(done)
    assert tables(engine) == ["t"] and views(engine) == []
    assert rows_of(engine, "t") == ROWS
    assert [c["name"] for c in done["columns"]] == ["k", "s", "v"]


def test_removing_the_last_step_makes_the_view_a_table_again(engine):
    """A table whose steps are all gone takes rows in again (COPY, INSERT) as it did before it had any."""
    make(engine)
    assert recipe.is_derived(engine.run(recipe.apply("t", [DERIVE])))
    done = engine.run(recipe.apply("t", []))
    assert not recipe.is_derived(done)
    assert tables(engine) == ["t"] and views(engine) == []
    assert rows_of(engine, "t") == ROWS
    engine.execute("INSERT INTO t VALUES (9, 'new', 1)")
    assert rows_of(engine, "t")[-1] == [9, "new", 1.0]


def test_a_view_follows_its_source(engine):
    make(engine)
    engine.run(recipe.apply("t", [DERIVE]))
    engine.execute("INSERT INTO loupe_base_t VALUES (9, 'new', 1)")
    assert rows_of(engine, "t")[-1] == [9, "new", 1.0, 90]


def test_unapply_puts_the_table_back(engine):
    make(engine)
    engine.run(recipe.apply("t", [DERIVE, RENAME]))
    engine.run(recipe.unapply("t"))
    assert tables(engine) == ["t"] and views(engine) == []
    assert names_of(engine, "t") == ["k", "s", "v"]
    assert rows_of(engine, "t") == ROWS
    assert engine.run(recipe.has_base("t")) is False
    engine.run(recipe.unapply("t"))  # nothing to undo: nothing happens
    assert tables(engine) == ["t"]


def test_drop_removes_the_view_and_its_source(engine):
    make(engine)
    make(engine, "other")
    engine.run(recipe.apply("t", [DERIVE]))
    engine.run(recipe.drop("t"))
    assert tables(engine) == ["other"] and views(engine) == []
    engine.run(recipe.drop("other"))  # a table without steps
    assert tables(engine) == []


def test_rename_keeps_the_steps(engine):
    make(engine)
    step_list = [DERIVE, RENAME]
    engine.run(recipe.apply("t", step_list))
    done = engine.run(recipe.rename("t", "renamed table", step_list))
    assert done["failed"] is None
    assert tables(engine) == ["loupe_base_renamed table"]
    assert views(engine) == ["renamed table"]
    assert names_of(engine, "renamed table") == ["k", "text", "v", "n"]
    assert [r[:3] for r in rows_of(engine, "renamed table")] == ROWS
    with pytest.raises(errors.QueryError):
        engine.execute("SELECT * FROM t")
    assert engine.run(recipe.has_base("t")) is False
    assert engine.run(recipe.has_base("renamed table")) is True
    engine.run(recipe.unapply("renamed table"))
    assert tables(engine) == ["renamed table"] and rows_of(engine, "renamed table") == ROWS


def test_rename_without_steps_renames_the_table(engine):
    make(engine)
    assert engine.run(recipe.rename("t", "u", [])) is None
    assert tables(engine) == ["u"] and views(engine) == []


def test_apply_with_awkward_table_names(engine):
    for name in ["select", 'a "quoted" table', "Mixed Case", "日本 😀"]:
        make(engine, name)
        done = engine.run(recipe.apply(name, [DERIVE]))
        assert done["failed"] is None
        assert names_of(engine, name) == ["k", "s", "v", "n"]
        assert engine.run(recipe.source_of(name)) == "loupe_base_" + name
        engine.run(recipe.rename(name, name + " 2", [DERIVE]))
        assert names_of(engine, name + " 2") == ["k", "s", "v", "n"]
        engine.run(recipe.drop(name + " 2"))
    assert tables(engine) == [] and views(engine) == []


def test_an_empty_table(engine):
    make(engine, rows=[])
    done = engine.run(recipe.apply("t", [DERIVE, {"kind": "derive", "name": "c", "expression": "CAST(s AS INTEGER)"}]))
    assert done["failed"] is None  # nothing to fail on
    assert rows_of(engine, "t") == [] and names_of(engine, "t") == ["k", "s", "v", "n", "c"]
    shown = engine.run(recipe.preview("t", [DERIVE], 0))
    assert shown["rows"] == [] and shown["changed"] == 0 and shown["problem"] is None


def test_too_many_steps_are_refused(engine):
    make(engine)
    with pytest.raises(errors.QueryError, match=str(steps.LIMIT)):
        engine.run(recipe.apply("t", [RENAME] * (steps.LIMIT + 1)))
    assert tables(engine) == ["t"]


def test_a_malformed_step_fails_with_its_field_named(engine):
    make(engine)
    done = engine.run(recipe.apply("t", [DERIVE, {"kind": "derive", "name": "x"}, RENAME]))
    assert [s["state"] for s in done["stages"]] == ["done", "failed", "waiting"]
    assert done["stages"][1]["problem"].startswith("step.expression")
    assert names_of(engine, "t") == ["k", "s", "v", "n"]
    done = engine.run(recipe.apply("t", ["not a step"]))
    assert done["stages"][0]["state"] == "failed"
    assert names_of(engine, "t") == ["k", "s", "v"]


def test_off_steps_are_kept_but_not_applied(engine):
    make(engine)
    done = engine.run(recipe.apply("t", [dict(DERIVE, off=True), RENAME, dict(RENAME, to="x", off=True)]))
    assert [s["state"] for s in done["stages"]] == ["off", "done", "off"]
    assert names_of(engine, "t") == ["k", "text", "v"]


def test_a_step_after_an_off_step_that_made_its_column_fails(engine):
    make(engine)
    done = engine.run(recipe.apply("t", [dict(DERIVE, off=True), {"kind": "rename", "column": "n", "to": "m"}, RENAME]))
    assert [s["state"] for s in done["stages"]] == ["off", "failed", "waiting"]
    assert "'n'" in done["stages"][1]["problem"]


# --- row order ---------------------------------------------------------------------


def test_rows_keep_the_source_order_through_a_recipe(engine):
    n = 20000
    engine.execute("CREATE TABLE t AS SELECT (i * 7919) % 10007 AS k, 'r' || i AS s FROM range(" + str(n) + ") r(i)")
    expected = engine.execute("SELECT k, s FROM t ORDER BY rowid")["rows"]
    step_list = [
        {"kind": "derive", "name": "total", "expression": "sum(k) OVER ()"},
        {"kind": "filter", "filters": [{"column": "k", "op": "range", "value": [100, None]}]},
        {"kind": "derive", "name": "rank", "expression": "rank() OVER (PARTITION BY k % 7 ORDER BY k DESC)"},
        {"kind": "keep", "columns": ["s", "k", "rank"]},
    ]
    done = engine.run(recipe.apply("t", step_list))
    assert done["failed"] is None
    got = rows_of(engine, "t")
    df = pd.DataFrame(expected, columns=["k", "s"])
    df = df[df["k"] >= 100].copy()
    df["rank"] = df.groupby(df["k"] % 7)["k"].rank(method="min", ascending=False).astype(int)
    assert got == [[s, k, r] for k, s, r in df[["k", "s", "rank"]].itertuples(index=False, name=None)]


# --- lists of tables ----------------------------------------------------------------


def test_lists_show_the_view_and_hide_its_source(engine):
    make(engine)
    make(engine, "plain")
    engine.run(recipe.apply("t", [DERIVE]))
    assert listed(engine) == ["plain", "t"]
    catalog = [r[0] for r in engine.execute(*statements.catalog_names())["rows"]]
    assert "t" in catalog and "plain" in catalog
    assert not any(name.startswith("loupe_") for name in catalog)
    completion = engine.execute(*statements.completion_columns())["rows"]
    assert ["t", "n"] in [list(r[:2]) for r in completion]
    assert not any(r[0].startswith("loupe_") for r in completion)
    engine.execute("CREATE VIEW my_view AS SELECT 1 AS one")  # a view of the person's own: not a stepped table
    assert listed(engine) == ["plain", "t"]
    engine.run(recipe.unapply("t"))
    assert listed(engine) == ["plain", "t"]
    engine.run(recipe.drop("t"))
    assert listed(engine) == ["plain"]


# --- preview --------------------------------------------------------------------------


def test_preview_of_a_changing_derive_agrees_with_pandas(engine):
    make(engine)
    step = {"kind": "derive", "name": "s", "expression": "CASE WHEN k = 2 THEN NULL ELSE upper(s) END"}
    shown = engine.run(recipe.preview("t", [DERIVE, step], 1))
    df = pd.DataFrame(ROWS, columns=["k", "s", "v"], dtype=object)
    after = [None if k == 2 else (None if s is None else s.upper()) for k, s in zip(df["k"], df["s"])]
    before = list(df["s"])
    changed = sum(1 for a, b in zip(after, before) if a != b)
    emptied = sum(1 for a, b in zip(after, before) if a is None and b is not None)
    assert shown["problem"] is None
    assert shown["changed"] == changed and shown["emptied"] == emptied
    assert [c["name"] for c in shown["columns"]] == ["k", "s", "v", "n"]
    assert shown["before"] == {"s": before}
    assert [r[1] for r in shown["rows"]] == after
    assert [r[0] for r in shown["rows"]] == list(df["k"])


def test_preview_of_a_new_column(engine):
    make(engine)
    shown = engine.run(recipe.preview("t", [DERIVE], 0))
    assert shown["problem"] is None and shown["position"] is None
    assert "n" in [c["name"] for c in shown["columns"]]
    assert shown["changed"] == 0 and shown["before"] == {}
    assert [r[3] for r in shown["rows"]] == [None if r[0] is None else r[0] * 10 for r in ROWS]


def test_preview_shows_the_first_rows_in_order(engine):
    n = 5000
    engine.execute("CREATE TABLE t AS SELECT i AS k, (i * 37) % 101 AS v FROM range(" + str(n) + ") r(i)")
    step = {"kind": "derive", "name": "v", "expression": "v - avg(v) OVER (PARTITION BY k % 5)"}
    shown = engine.run(recipe.preview("t", [step], 0))
    assert [r[0] for r in shown["rows"]] == list(range(recipe.PREVIEW_ROWS))
    df = pd.DataFrame({"k": range(n), "v": [(i * 37) % 101 for i in range(n)]})
    want = df["v"] - df.groupby(df["k"] % 5)["v"].transform("mean")
    for r, w in zip(shown["rows"], want[: recipe.PREVIEW_ROWS]):
        assert math.isclose(r[1], w, abs_tol=1e-9)
    assert shown["before"]["v"] == list(df["v"][: recipe.PREVIEW_ROWS])
    assert shown["changed"] == int((want != df["v"]).sum())


def test_preview_of_a_filter(engine):
    make(engine)
    flt = {"kind": "filter", "filters": [{"column": "s", "op": "notnull"}]}
    shown = engine.run(recipe.preview("t", [flt], 0))
    assert shown["rows"] == [r for r in ROWS if r[1] is not None]


def test_preview_of_an_off_step_shows_it_on_and_leaves_the_table(engine):
    make(engine)
    engine.run(recipe.apply("t", [RENAME]))
    step_list = [RENAME, dict(DERIVE, off=True)]
    shown = engine.run(recipe.preview("t", step_list, 1))
    assert [c["name"] for c in shown["columns"]] == ["k", "text", "v", "n"]
    assert names_of(engine, "t") == ["k", "text", "v"]  # a preview changes nothing


def test_preview_of_a_failing_step(engine):
    make(engine)
    shown = engine.run(recipe.preview("t", [{"kind": "rename", "column": "gone", "to": "x"}], 0))
    assert "'gone'" in shown["problem"] and shown["rows"] == [] and shown["columns"] == []
    bad = {"kind": "derive", "name": "x", "expression": "CAST(s AS INTEGER)"}
    shown = engine.run(recipe.preview("t", [bad], 0))
    assert shown["problem"] and "a" in shown["problem"] and ROW not in shown["problem"]
    assert shown["rows"] == []
    waiting = engine.run(recipe.preview("t", [{"kind": "drop", "columns": ["zz"]}, DERIVE], 1))
    assert waiting["problem"] == "waits for step 1"


# --- restore.steps_for on a stepped table ------------------------------------------------

STEPS = [
    {"kind": "derive", "name": "z", "expression": "x || '!'"},
    {"kind": "rename", "column": "y", "to": "w"},
]


def make_text(engine):
    engine.execute("CREATE TABLE t (x VARCHAR, y VARCHAR)")
    engine.execute("INSERT INTO t VALUES ('1', 'a'), ('2', NULL), ('3', 'it''s')")


def columns_of(engine, table):
    return engine.execute("SELECT * FROM " + q(table) + " LIMIT 0")["columns"]


def test_restore_a_steps_entry(engine):
    make_text(engine)
    ran = engine.run(restore.steps_for({"op": "steps", "table": "t", "steps": STEPS}, columns_of(engine, "t")))
    assert ran["applied"]["failed"] is None
    assert ran["change"] is None
    assert names_of(engine, "t") == ["x", "w", "z"]
    assert rows_of(engine, "t") == [["1", "a", "1!"], ["2", None, "2!"], ["3", "it's", "3!"]]


def test_restore_a_type_under_the_steps(engine):
    make_text(engine)
    engine.run(recipe.apply("t", STEPS))
    entry = {"op": "type", "table": "t", "column": "x", "to": "BIGINT"}
    ran = engine.run(restore.steps_for(entry, columns_of(engine, "t"), STEPS))
    assert ran["change"]["type"] == "BIGINT"
    assert ran["applied"]["failed"] is None
    assert engine.execute(*sql.table_columns("loupe_base_t"))["rows"] == [["x", "BIGINT"], ["y", "VARCHAR"]]
    assert columns_of(engine, "t") == [
        {"name": "x", "type": "BIGINT"},
        {"name": "w", "type": "VARCHAR"},
        {"name": "z", "type": "VARCHAR"},
    ]
    assert rows_of(engine, "t") == [[1, "a", "1!"], [2, None, "2!"], [3, "it's", "3!"]]


def test_restore_a_type_of_a_column_a_step_made(engine):
    make_text(engine)
    engine.run(recipe.apply("t", STEPS))
    for column in ("z", "w"):
        entry = {"op": "type", "table": "t", "column": column, "to": "BIGINT"}
        with pytest.raises(errors.QueryError, match="a step made it"):
            engine.run(restore.steps_for(entry, columns_of(engine, "t"), STEPS))
    assert names_of(engine, "t") == ["x", "w", "z"]


def test_restore_a_type_of_a_missing_column_of_a_plain_table(engine):
    make_text(engine)
    entry = {"op": "type", "table": "t", "column": "nope", "to": "BIGINT"}
    with pytest.raises(errors.QueryError) as caught:
        engine.run(restore.steps_for(entry, columns_of(engine, "t")))
    assert "'nope'" in str(caught.value) and "step" not in str(caught.value)


def test_restore_a_type_a_step_then_no_longer_fits(engine):
    make_text(engine)
    engine.run(recipe.apply("t", STEPS))
    entry = {"op": "type", "table": "t", "column": "x", "to": "BIGINT"}
    ran = engine.run(
        restore.steps_for(
            entry, columns_of(engine, "t"), STEPS + [{"kind": "derive", "name": "u", "expression": "upper(x)"}]
        )
    )
    assert ran["applied"]["failed"] in (None, 2)  # upper(BIGINT) may or may not bind
    assert names_of(engine, "t")[:3] == ["x", "w", "z"]


def test_restore_rename_and_close_of_a_stepped_table(engine):
    make_text(engine)
    engine.run(recipe.apply("t", STEPS))
    ran = engine.run(restore.steps_for({"op": "rename", "table": "t", "to": "u"}, columns_of(engine, "t"), STEPS))
    assert ran["applied"]["failed"] is None
    assert listed(engine) == ["u"]
    assert names_of(engine, "u") == ["x", "w", "z"]
    assert tables(engine) == ["loupe_base_u"]
    ran = engine.run(restore.steps_for({"op": "close", "table": "u"}, columns_of(engine, "u"), STEPS))
    assert ran["applied"] is None
    assert tables(engine) == [] and views(engine) == []


def test_restore_rename_of_a_plain_table(engine):
    make_text(engine)
    ran = engine.run(restore.steps_for({"op": "rename", "table": "t", "to": "u"}, columns_of(engine, "t")))
    assert ran["applied"] is None
    assert tables(engine) == ["u"] and views(engine) == []


# --- sql.literal and sql.inline, statements' place of a missing column ---------------------


def test_literal_round_trips_through_the_engine(engine):
    values = [None, True, False, 0, -7, 2**62, 1.5, -0.0, 1e300, "", "it's", "a'b\\'c", "\\", "日本 😀", "é\n\t"]
    for value in values:
        got = engine.execute("SELECT " + sql.literal(value))["rows"][0][0]
        assert got == value and type(got) is type(value), value
    for value in (float("nan"), float("inf"), float("-inf")):
        got = engine.execute("SELECT " + sql.literal(value))["rows"][0][0]
        assert (math.isnan(got) and math.isnan(value)) or got == value


def test_literal_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        sql.literal("a\x00b")
    with pytest.raises(ValueError):
        sql.literal([1])


def test_inline_replaces_marks_outside_quotes_only(engine):
    text = "SELECT ? AS a, '?' AS \"b?\", ? AS c, 'it''s ?' AS d"
    inlined = sql.inline(text, ["x'y", None])
    assert inlined == "SELECT 'x''y' AS a, '?' AS \"b?\", NULL AS c, 'it''s ?' AS d"
    assert engine.execute(inlined)["rows"] == [["x'y", "?", None, "it's ?"]]
    assert engine.execute(text, ["x'y", None])["rows"] == engine.execute(inlined)["rows"]
    with pytest.raises(ValueError):
        sql.inline("SELECT ?, ?", [1])
    with pytest.raises(ValueError):
        sql.inline("SELECT ?", [1, 2])


def test_the_place_of_a_referenced_column_not_found(engine):
    make(engine)
    statement = "SELECT k, missing_col + 1 FROM t"
    with pytest.raises(errors.QueryError) as caught:
        engine.execute(statement)
    assert statements.error_in(statement, statement, str(caught.value)) == statement.index("missing_col")
    message = 'Binder Error: Referenced column "Gone" not found in FROM clause!'
    assert statements.error_in("SELECT x FROM t", "SELECT gone_too, gone FROM t", message) == len("SELECT gone_too, ")


@pytest.mark.parametrize(
    ("expression", "word"),
    [("k + nope * 2", "nope"), ("k +* 2", "+*"), ("upper(s) || missing_fn(k)", "missing_fn")],
)
def test_an_expression_error_points_into_the_expression(engine, expression, word):
    make(engine)
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": expression}]))
    stage = done["stages"][0]
    assert stage["state"] == "failed"
    assert expression[stage["position"] :].startswith(word)
    found = engine.run(recipe.preview("t", [{"kind": "derive", "name": "x", "expression": expression}], 0))
    assert found["position"] == stage["position"]


def test_a_missing_column_is_worded_without_the_hidden_row_column(engine):
    make(engine)
    done = engine.run(recipe.apply("t", [{"kind": "derive", "name": "x", "expression": "k + nope"}]))
    problem = done["stages"][0]["problem"]
    assert problem.startswith("there is no column 'nope' here")
    assert ROW not in problem and "Binder Error" not in problem


def test_what_a_kind_prepares_is_kept_on_its_stage(engine):
    make(engine)
    pivot = {"kind": "pivot", "rows": ["s"], "columns": "k", "values": [{"fn": "count"}], "limit_columns": 2}
    done = engine.run(recipe.apply("t", [pivot]))
    prepared = done["stages"][0]["prepared"]
    assert prepared["other"] is True and "Other" in prepared["note"]


def test_everything_keeps_the_result_as_a_table_of_its_own(engine):
    make(engine)
    engine.run(recipe.apply("t", [{"kind": "derive", "name": "twice", "expression": "v * 2"}]))
    engine.execute(*statements.stored("copy", recipe.everything("t")))
    assert rows_of(engine, "copy") == rows_of(engine, "t")
    engine.run(recipe.apply("t", []))
    assert "twice" in names_of(engine, "copy")  # the copy no longer depends on the steps
