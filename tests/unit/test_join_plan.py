"""The join dialog's plan: counts on native DuckDB against pandas, casts offered, keys suggested."""

import time

import pandas as pd
import pytest

from app.core import join_plan, recipe, sql, step_tables
from app.engine.native import NativeEngine

NAMES = {
    "plain": (("id", "code", "name", "amount"), ("id", "code", "name", "price")),
    "reserved": (("select", 'we"ird code', "from", "order"), ("Select", 'we"ird code', "from", "group by")),
    "unicode": (("clé", "código", "名前", "金额"), ("id client", "código", "名前", "prix €")),
}
TYPES = ("INTEGER", "VARCHAR", "VARCHAR", "BIGINT")
LEFT = [
    [1, "a", "x", 10],
    [2, "b", "y", 20],
    [None, "a", "z", 30],
    [1, "", "日本", None],
    [3, None, "", 40],
    [2, "b", "y", 20],
    [1, "a", "x", 11],
]
RIGHT = [
    [1, "a", "p", 1],
    [1, "a", "q", 2],
    [None, "a", "n", 3],
    [4, "d", "w", 4],
    [1, "", "e", 5],
    [None, None, None, None],
    [2, "b", "😀", 6],
]
ROWSETS = {
    "both": (LEFT, RIGHT),
    "left-empty": ([], RIGHT),
    "right-empty": (LEFT, []),
    "no-match": (LEFT[:2], RIGHT[3:4]),
}
CASES = [(n, r) for n in NAMES for r in ROWSETS]


@pytest.fixture
def engine():
    e = NativeEngine()
    yield e
    e.close()


def make(engine, table, names, rows, types=TYPES):
    parts = [sql.quote_ident(n) + " " + t for n, t in zip(names, types)]
    engine.execute("CREATE TABLE " + sql.quote_ident(table) + " (" + ", ".join(parts) + ")")
    for row in rows:
        engine.execute("INSERT INTO " + sql.quote_ident(table) + " VALUES (" + ", ".join(["?"] * len(row)) + ")", row)


def side_counts(df, cols, other, other_cols):
    """pandas: the counts plan gives for one side (a missing key matches nothing)."""
    valid = df[cols].notna().all(axis=1)
    keys = [tuple(r) for r in df[valid][cols].values.tolist()]
    theirs = {tuple(r) for r in other[other[other_cols].notna().all(axis=1)][other_cols].values.tolist()}
    matched = int(pd.Series(keys, dtype=object).isin(theirs).sum()) if keys else 0
    counts = pd.Series(keys, dtype=object).value_counts() if keys else pd.Series([], dtype=int)
    return {
        "rows": len(df),
        "matched": matched,
        "unmatched": len(df) - matched,
        "empty_keys": int((~valid).sum()),
        "distinct": len(set(keys)),
        "repeats": bool((counts > 1).any()),
    }, counts


def oracle(lnames, lrows, rnames, rrows, keys):
    left = pd.DataFrame([list(r) for r in lrows], columns=["L" + str(i) for i in range(len(lnames))], dtype=object)
    right = pd.DataFrame([list(r) for r in rrows], columns=["R" + str(i) for i in range(len(rnames))], dtype=object)
    lcols = ["L" + str(lnames.index(a)) for a, _ in keys]
    rcols = ["R" + str(rnames.index(b)) for _, b in keys]
    mine, lc = side_counts(left, lcols, right, rcols)
    theirs, rc = side_counts(right, rcols, left, lcols)
    valid_l = left[left[lcols].notna().all(axis=1)]
    valid_r = right[right[rcols].notna().all(axis=1)]
    inner = len(valid_l.merge(valid_r, left_on=lcols, right_on=rcols, how="inner")) if len(valid_l) else 0
    rows = {
        "inner": inner,
        "left": inner + mine["unmatched"],
        "right": inner + theirs["unmatched"],
        "full": inner + mine["unmatched"] + theirs["unmatched"],
        "semi": mine["matched"],
        "anti": mine["unmatched"],
    }
    both = [k for k in lc.index if lc[k] > 1 and k in rc.index and rc[k] > 1]
    return mine, theirs, rows, bool(both)


@pytest.mark.parametrize("two_keys", [False, True])
@pytest.mark.parametrize("names,rowset", CASES, ids=[n + "-" + r for n, r in CASES])
def test_plan_counts_match_pandas(engine, names, rowset, two_keys):
    (lnames, rnames), (lrows, rrows) = NAMES[names], ROWSETS[rowset]
    make(engine, "l", lnames, lrows)
    make(engine, "r", rnames, rrows)
    keys = [[lnames[0], rnames[0]]] + ([[lnames[1], rnames[1]]] if two_keys else [])
    got = engine.run(join_plan.plan("l", "r", keys))
    mine, theirs, rows, many = oracle(lnames, lrows, rnames, rrows, keys)
    assert got["problem"] is None
    assert got["left"] == mine
    assert got["right"] == theirs
    assert got["rows"] == rows
    assert got["many_to_many"] == many
    assert got["casts"] == [] and got["notes"] == ([] if not many else got["notes"])
    # and the joins, made: as many rows and columns as the plan said
    for how in step_tables.HOWS:
        engine.run(recipe.apply("l", [{"kind": "join", "table": "r", "how": how, "keys": keys}], ["r"]))
        made = engine.execute("SELECT * FROM l")
        assert len(made["rows"]) == got["rows"][how], how
        assert len(made["columns"]) == got["columns"][how], how
        assert got["cells"][how] == got["rows"][how] * got["columns"][how]
    assert got["keys"][0] == {"left": lnames[0], "right": rnames[0], "left_type": "INTEGER", "right_type": "INTEGER"}


def test_plan_of_a_query_and_of_repeating_keys(engine):
    make(engine, "l", ("k", "v"), [[1, "a"], [1, "b"], [2, "c"], [None, "d"]], ("INTEGER", "VARCHAR"))
    make(engine, "r", ("k", "w"), [[1, "x"], [1, "y"], [1, "z"], [3, "q"]], ("INTEGER", "VARCHAR"))
    got = engine.run(join_plan.plan("l", "r", [["k", "k"]]))
    assert got["rows"] == {"inner": 6, "left": 8, "right": 7, "full": 9, "semi": 2, "anti": 2}
    assert got["many_to_many"] is True
    assert got["largest"] == {"key": ["1"], "left": 2, "right": 3}
    assert got["notes"] == [
        "some key values repeat on both sides, and each makes every pairing of its rows: "
        "1 is on 2 rows here and 3 in 'r', so 6 rows"
    ]
    query = "SELECT rowid AS __loupe_row, * FROM l WHERE v <> 'a'"
    got = engine.run(join_plan.plan(query, "r", [["k", "k"]]))
    assert got["left"]["rows"] == 3 and got["rows"]["inner"] == 3 and got["many_to_many"] is False
    assert got["columns"]["left"] == 3  # k, v, w: the hidden row number is not counted


def test_plan_offers_a_cast_when_key_types_differ(engine):
    make(engine, "l", ("id", "v"), [[1, "a"], [2, "b"], [7, "c"], [None, "d"]], ("BIGINT", "VARCHAR"))
    make(engine, "r", ("id",), [["1"], ["x"], [""], ["02"], [None], ["1"]], ("VARCHAR",))
    got = engine.run(join_plan.plan("l", "r", [["id", "id"]]))
    assert got["problem"] is None
    assert got["casts"] == [{"side": "right", "column": "id", "type": "BIGINT"}]
    assert got["notes"] == [
        "'id' is BIGINT and 'id' is VARCHAR: 'id' of 'r' (VARCHAR) is read as BIGINT to match "
        "(a value that is not a BIGINT matches nothing)"
    ]
    # pandas: the text read as whole numbers where it can be
    as_numbers = pd.to_numeric(pd.Series(["1", "x", "", "02", None, "1"]), errors="coerce")
    assert got["right"]["empty_keys"] == int(as_numbers.isna().sum())
    assert got["rows"]["inner"] == int(as_numbers.isin([1, 2, 7]).sum())
    assert got["left"]["matched"] == 2
    # casts given are used as they are
    again = engine.run(join_plan.plan("r", "l", [["id", "id"]], [{"side": "left", "column": "id", "type": "BIGINT"}]))
    assert again["notes"] == [] and again["rows"]["inner"] == got["rows"]["inner"]
    # the join made with the cast offered gives what the plan said
    step = {"kind": "join", "table": "r", "how": "full", "keys": [["id", "id"]], "casts": got["casts"]}
    engine.run(recipe.apply("l", [step], ["r"]))
    assert len(engine.execute("SELECT * FROM l")["rows"]) == got["rows"]["full"]


def test_number_and_date_keys_are_both_read_as_text():
    assert step_tables.key_casts("a", "INTEGER", "b", "DATE") == [
        {"side": "left", "column": "a", "type": "VARCHAR"},
        {"side": "right", "column": "b", "type": "VARCHAR"},
    ]
    assert step_tables.key_casts("a", "INTEGER", "b", "DOUBLE") == []
    assert step_tables.key_casts("a", "DATE", "b", "TIMESTAMP") == []
    assert step_tables.key_casts("a", "DATE", "b", "VARCHAR") == [{"side": "right", "column": "b", "type": "DATE"}]


@pytest.mark.parametrize(
    "right,keys,casts,words",
    [
        ("gone", [["k", "k"]], None, "there is no open table 'gone'"),
        ("r", [["nope", "k"]], None, "there is no column 'nope' here"),
        ("r", [["k", "nope"]], None, "there is no column 'nope' in 'r'"),
        ("r", [], None, "choose at least one pair"),
        ("r", [["k"]], None, "keys[0] must be a pair"),
        ("r", [["k", "k"]], [{"side": "left", "column": "k", "type": "INT) --"}], "a cast's type must be"),
        (
            "r",
            [["k", "k"]],
            [{"side": "right", "column": "v", "type": "INT"}],
            "a cast's column must be one of the right keys",
        ),
    ],
)
def test_plan_problems(engine, right, keys, casts, words):
    make(engine, "l", ("k",), [[1]], ("INTEGER",))
    make(engine, "r", ("k",), [[1]], ("INTEGER",))
    got = engine.run(join_plan.plan("l", right, keys, casts))
    assert got["problem"] is not None and got["problem"].startswith(words), got["problem"]


def test_plan_is_fast_on_a_million_rows_against_ten_thousand(engine):
    engine.execute(
        "CREATE TABLE orders AS SELECT range AS id, (range * 7919) % 12000 AS customer_id, "
        "CAST(range % 1000 AS VARCHAR) AS note FROM range(1000000)"
    )
    engine.execute("CREATE TABLE customers AS SELECT range AS id, 'c' || range AS name FROM range(10000)")
    engine.run(join_plan.plan("orders", "customers", [["customer_id", "id"]]))  # warm
    start = time.perf_counter()
    got = engine.run(join_plan.plan("orders", "customers", [["customer_id", "id"]]))
    took = time.perf_counter() - start
    assert (
        got["left"]["matched"] == engine.execute("SELECT count(*) FROM orders WHERE customer_id < 10000")["rows"][0][0]
    )
    assert got["rows"]["inner"] == got["left"]["matched"] and got["right"]["matched"] == 10000
    assert got["rows"]["full"] == 1000000 and got["many_to_many"] is False
    assert took < 3, took


# ---- suggest_keys


def cols(*pairs):
    return [{"name": n, "type": t} for n, t in pairs]


def test_suggest_keys_finds_the_same_key_under_other_names():
    left = cols(("order_id", "BIGINT"), ("customer_id", "BIGINT"), ("amount", "DOUBLE"), ("__loupe_row", "BIGINT"))
    right = cols(("id", "BIGINT"), ("CustomerName", "VARCHAR"), ("amount", "DOUBLE"))
    got = join_plan.suggest_keys(left, right, "orders", "customers")
    assert (got[0]["left"], got[0]["right"], got[0]["why"]) == ("customer_id", "id", "an id of the other table")
    assert ("order_id", "id") not in [(p["left"], p["right"]) for p in got[:1]]
    assert all(p["left"] != "__loupe_row" for p in got)
    # amount = amount is the same name, but a floating-point measure ranks below the key
    names = [(p["left"], p["right"]) for p in got]
    assert names.index(("customer_id", "id")) < names.index(("amount", "amount"))


@pytest.mark.parametrize(
    "left,right",
    [
        ("customer_id", "CustomerID"),
        ("CustomerID", "customer-id"),
        ("Customer ID", "customer_id"),
        ("ID", "id"),
        ("clé client", "Clé_Client"),
    ],
)
def test_suggest_keys_ranks_alike_names_first(left, right):
    got = join_plan.suggest_keys(
        cols((left, "INTEGER"), ("city", "VARCHAR")), cols(("zip", "VARCHAR"), (right, "INTEGER"))
    )
    assert (got[0]["left"], got[0]["right"]) == (left, right)
    assert got[0]["score"] >= 85 and got[0]["casts"] == []


def test_suggest_keys_offers_casts_and_leaves_out_what_cannot_match():
    got = join_plan.suggest_keys(cols(("customer_id", "VARCHAR")), cols(("customer_id", "BIGINT")))
    assert got[0]["casts"] == [{"side": "left", "column": "customer_id", "type": "BIGINT"}]
    assert join_plan.suggest_keys(cols(("when", "DATE")), cols(("amount", "INTEGER"))) == []
    assert join_plan.suggest_keys(cols(("a", "INTEGER")), cols()) == []


# ---- the same under MicroPython

REPLAY = """
import json
from app.core import join_plan, loading, recipe
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]  # a statement asked twice gets its answers in turn
    execute = lambda statement, params: answers[json.dumps([statement, params])].pop(0)
    if case["what"] == "plan":
        out.append(loading.run(join_plan.plan(case["left"], case["right"], case["keys"]), execute))
    elif case["what"] == "apply":
        out.append(loading.run(recipe.apply(case["table"], case["steps"], case["tables"]), execute))
    else:
        out.append(join_plan.suggest_keys(case["left"], case["right"], case["left_table"], case["right_table"]))
print(json.dumps(out))
"""


def test_micropython_plans_and_applies_the_same_way(engine, tmp_path):
    """Replay native DuckDB's answers through join_plan, step_rows and step_tables under MicroPython."""
    import json
    import shutil

    from micropython_replay import MICROPYTHON, replay

    if not shutil.which("node") or not MICROPYTHON.exists():
        pytest.skip("needs node and MicroPython's npm package")
    from test_profile import browser_shaped

    (lnames, rnames) = NAMES["unicode"]
    make(engine, "l", lnames, LEFT)
    make(engine, "r", rnames, RIGHT)
    make(engine, "t", ("id", "v"), [["1", 5], ["x", 6], ["2", None]], ("VARCHAR", "BIGINT"))
    cases = [
        {"what": "plan", "left": "l", "right": "r", "keys": [[lnames[0], rnames[0]], [lnames[1], rnames[1]]]},
        {"what": "plan", "left": "t", "right": "l", "keys": [["id", lnames[0]]]},
        {
            "what": "apply",
            "table": "l",
            "tables": ["r", "t"],
            "steps": [
                {"kind": "dedupe", "columns": [lnames[0]], "keep": "last"},
                {"kind": "join", "table": "r", "how": "full", "keys": [[lnames[0], rnames[0]]]},
                {"kind": "append", "table": "t"},
                {"kind": "window", "function": "running_total", "column": "金额", "by": [lnames[1]]},
                {"kind": "sample", "rows": 4, "seed": 9},
                {"kind": "join", "table": "gone", "how": "semi", "keys": [[lnames[0], "x"]]},
            ],
        },
        {
            "what": "suggest",
            "left": [{"name": "customer_id", "type": "BIGINT"}, {"name": "Name", "type": "VARCHAR"}],
            "right": [{"name": "id", "type": "VARCHAR"}, {"name": "CustomerName", "type": "VARCHAR"}],
            "left_table": "orders",
            "right_table": "customers",
        },
    ]
    expected = []
    for case in cases:
        answers = {}

        def recording(statement, params):
            result = engine.execute(statement, params)
            result = {"columns": result["columns"], "rows": browser_shaped(result["rows"])}
            key = json.dumps([statement, params], ensure_ascii=False)  # as MicroPython writes it
            answers.setdefault(key, []).append(result)  # noqa: B023 (called within the same iteration)
            return result

        if case["what"] == "plan":
            expected.append(loading_run(join_plan.plan(case["left"], case["right"], case["keys"]), recording))
        elif case["what"] == "apply":
            expected.append(loading_run(recipe.apply(case["table"], case["steps"], case["tables"]), recording))
            engine.run(recipe.unapply("l"))
        else:
            expected.append(
                join_plan.suggest_keys(case["left"], case["right"], case["left_table"], case["right_table"])
            )
        case["answers"] = answers
    assert expected[2]["failed"] == 5 and expected[2]["stages"][5]["problem"] == "there is no open table 'gone'"
    assert expected[1]["casts"] == [{"side": "left", "column": "id", "type": "INTEGER"}]
    assert replay(tmp_path, cases, REPLAY, heap_mb=32, timeout=120) == json.loads(json.dumps(expected))


def loading_run(generator, execute):
    from app.core import loading

    return loading.run(generator, execute)
