"""app/core/recipe_file.py: recipe files written and read back, every malformed file with its message,
the columns a recipe was made on against a table's, and applying what fits on native DuckDB."""

import json

import pytest

from app.core import errors, recipe, recipe_file, sql
from app.engine.native import NativeEngine

COLUMNS = [{"name": "city", "type": "VARCHAR"}, {"name": "price", "type": "DOUBLE"}, {"name": "qty", "type": "INTEGER"}]
STEPS = [
    {"kind": "derive", "name": "total", "expression": "price * qty"},
    {"kind": "rename", "column": "city", "to": "town"},
    {"kind": "fill", "column": "town", "with": "previous", "off": True},
]


def test_a_recipe_round_trips():
    text = recipe_file.dumps("sales", COLUMNS + [{"name": "__loupe_row", "type": "BIGINT"}], STEPS)
    written = json.loads(text)
    assert written["loupe"] == "recipe" and written["version"] == 1 and written["table"] == "sales"
    assert written["columns"] == COLUMNS  # Loupe's hidden row column is not the source's
    assert recipe_file.loads(text) == {"table": "sales", "columns": COLUMNS, "steps": STEPS}


@pytest.mark.parametrize(
    ("table", "name"), [("sales", "sales.recipe.json"), ("a/b:c", "a_b_c.recipe.json"), ("", "table.recipe.json")]
)
def test_file_names(table, name):
    assert recipe_file.file_name(table) == name


def _recipe(**changes):
    out = {"loupe": "recipe", "version": 1, "table": "sales", "columns": COLUMNS, "steps": STEPS}
    out.update(changes)
    return json.dumps(out)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "The recipe file is empty. Choose a file Loupe saved"),
        (
            "city,price\nx,1\n",
            "is not JSON, so it is not a Loupe recipe. Choose a file Loupe saved with 'Save recipe'.",
        ),
        ("[1, 2]", 'no "loupe": "recipe" marker'),
        (json.dumps({"steps": []}), 'no "loupe": "recipe" marker'),
        (_recipe(loupe="view"), 'no "loupe": "recipe" marker'),
        (_recipe(version=2), "version 2, made by a newer Loupe; this one reads version 1. Reload Loupe"),
        (_recipe(version="1"), "no valid version"),
        (_recipe(version=None), "no valid version"),
        (_recipe(steps={"kind": "derive"}), '"steps" must be a list of steps'),
        (_recipe(steps=None), '"steps" must be a list of steps'),
        (
            _recipe(steps=[STEPS[0], {"kind": "splice"}]),
            "Step 2 of the recipe cannot be read: steps[1].kind must be one of",
        ),
        (_recipe(steps=["derive"]), "Step 1 of the recipe cannot be read: steps[0] must be an object"),
        (
            _recipe(steps=[{"kind": "derive", "name": "total"}]),
            "Step 1 of the recipe cannot be read: steps[0].expression is missing: a derive step needs",
        ),
        (_recipe(steps=[{"kind": "rename", "column": "city"}]), "steps[0].to is missing"),
        (_recipe(steps=[{"kind": "derive", "name": "t", "expression": 3}]), "steps[0].expression must be"),
        (_recipe(steps=[STEPS[0]] * 201), "more than 200 steps"),
    ],
)
def test_a_malformed_recipe_says_what_is_wrong(text, words):
    with pytest.raises(errors.StateError) as raised:
        recipe_file.loads(text)
    assert words in str(raised.value)


def test_a_recipe_without_columns_or_table_still_reads():
    read = recipe_file.loads(json.dumps({"loupe": "recipe", "version": 1, "steps": []}))
    assert read == {"table": "", "columns": [], "steps": []}


@pytest.mark.parametrize(
    ("columns", "changes"),
    [
        (COLUMNS, {"missing": [], "added": [], "retyped": []}),
        (COLUMNS[:2], {"missing": ["qty"], "added": [], "retyped": []}),
        (
            [
                {"name": "qty", "type": "VARCHAR"},
                {"name": "city", "type": "VARCHAR"},
                {"name": "note", "type": "VARCHAR"},
            ],
            {"missing": ["price"], "added": ["note"], "retyped": [["qty", "INTEGER", "VARCHAR"]]},
        ),
    ],
)
def test_column_changes(columns, changes):
    assert recipe_file.column_changes(COLUMNS, columns) == changes


@pytest.mark.parametrize(
    ("step", "problem", "missing", "words"),
    [
        (
            STEPS[1],
            "there is no column 'city' here",
            ["city"],
            "it needs the column 'city', which this table does not have",
        ),
        (STEPS[1], "there is no column 'city' here", [], "there is no column 'city' here"),
        (STEPS[0], "Could not convert", ["qty"], "Could not convert"),
        (STEPS[1], "Could not convert", ["city"], "Could not convert"),
        (
            {"kind": "keep", "columns": ["a", "qty"]},
            None,
            ["qty"],
            "it needs the column 'qty', which this table does not have",
        ),
    ],
)
def test_why_a_step_does_not_fit(step, problem, missing, words):
    assert recipe_file.not_fitting(step, problem, missing) == words


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def _table(engine, name, columns, rows):
    engine.execute(
        "CREATE TABLE "
        + sql.quote_ident(name)
        + " ("
        + ", ".join(sql.quote_ident(c) + " " + t for c, t in columns)
        + ")"
    )
    for row in rows:
        engine.execute(
            "INSERT INTO " + sql.quote_ident(name) + " VALUES (" + ", ".join("?" for _ in row) + ")", list(row)
        )


RECIPE = [
    {"kind": "derive", "name": "total", "expression": "price * qty"},
    {"kind": "rename", "column": "city", "to": "town"},
    {"kind": "derive", "name": "n", "expression": "CAST(note AS INTEGER)"},
    {"kind": "filter", "filters": [{"column": "town", "op": "notnull"}]},
]


def test_applying_what_fits_to_a_table_with_the_same_columns(engine):
    _table(
        engine,
        "june",
        [("city", "VARCHAR"), ("price", "DOUBLE"), ("qty", "INTEGER"), ("note", "VARCHAR")],
        [("Oslo", 2.0, 3, "1"), (None, 1.5, 2, "2"), ("Rome", 4.0, 1, "x")],
    )
    done = engine.run(recipe_file.apply_fitting("june", [], RECIPE, ["june"]))
    # the cast fails on 'x' when run: kept off, the filter after it still applies
    assert [u["position"] for u in done["unfit"]] == [3]
    assert "x" in done["unfit"][0]["why"]
    assert done["applied"] == 3
    assert [bool(s.get("off")) for s in done["steps"]] == [False, False, True, False]
    rows = engine.execute("SELECT town, total FROM june ORDER BY town")["rows"]
    assert rows == [["Oslo", 6.0], ["Rome", 4.0]]


def test_a_step_needing_a_missing_column_is_kept_off_with_why(engine):
    _table(engine, "july", [("town", "VARCHAR"), ("price", "DOUBLE"), ("qty", "INTEGER")], [("Oslo", 2.0, 3)])
    before = [{"kind": "derive", "name": "double", "expression": "price * 2"}]
    engine.run(recipe.apply("july", before, ["july"]))
    made_on = [{"name": n, "type": "VARCHAR"} for n in ("city", "price", "qty", "note")]
    missing = recipe_file.column_changes(
        made_on, [{"name": "town", "type": "VARCHAR"}, {"name": "price", "type": "DOUBLE"}]
    )["missing"]
    done = engine.run(recipe_file.apply_fitting("july", before, RECIPE, ["july"], missing))
    assert [(u["position"], u["why"]) for u in done["unfit"]] == [
        (3, "it needs the column 'city', which this table does not have"),
        (4, "it needs the column 'note', which this table does not have"),
    ]
    assert done["steps"][0] == before[0] and done["applied"] == 2  # the filter on town fits: town is there
    assert engine.execute("SELECT double, total FROM july")["rows"] == [[4.0, 6.0]]


def test_summary():
    assert recipe_file.summary(3, []) == "3 steps of the recipe applied."
    assert recipe_file.summary(1, [{}]) == "1 step of the recipe applied; 1 step did not fit and is kept off."
