"""Table steps (join, append) applied by recipe.apply on native DuckDB, checked against pandas.

pandas' merge matches a missing key with a missing key; SQL never does. The
oracle gives each missing key a value of its own (a fresh object) so that
it matches nothing, and semi and anti joins are ``isin`` over the rows whose
keys are all there.
"""

import math

import pandas as pd
import pytest

from app.core import recipe, sql, step_tables, steps
from app.engine.native import NativeEngine

# (left names, right names): key, second key, text, number; the other table is named "r"
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
CASE_IDS = [n + "-" + r for n, r in CASES]


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


def applied(engine, table, step_list, tables=None):
    done = engine.run(recipe.apply(table, step_list, tables))
    assert done["failed"] is None, done["stages"]
    result = engine.execute("SELECT * FROM " + sql.quote_ident(table))
    return [c["name"] for c in result["columns"]], result["rows"]


def plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def frame(names, rows, prefix):
    return pd.DataFrame([list(r) for r in rows], columns=[prefix + str(i) for i in range(len(names))], dtype=object)


def join_oracle(lnames, lrows, rnames, rrows, keys, how):
    """(rows as SQL would make them, in pandas' order) with the columns the step keeps."""
    li = [lnames.index(a) for a, _ in keys]
    ri = [rnames.index(b) for _, b in keys]
    left, right = frame(lnames, lrows, "L"), frame(rnames, rrows, "R")
    lcols, rcols = ["L" + str(i) for i in li], ["R" + str(i) for i in ri]
    if how in ("semi", "anti"):
        full = right[rcols].notna().all(axis=1)
        there = pd.MultiIndex.from_frame(right[full][rcols].set_axis(lcols, axis=1)) if len(right) else []
        mask = left[lcols].notna().all(axis=1) & (
            pd.MultiIndex.from_frame(left[lcols]).isin(there) if len(left) else False
        )
        kept = left[mask] if how == "semi" else left[~mask]
        return [[plain(v) for v in r] for r in kept.values.tolist()]
    sentinels = set()
    for side, df, cols in (("L", left, lcols), ("R", right, rcols)):
        for c in cols:
            numbers = all(isinstance(v, int) for v in df[c] if plain(v) is not None)
            values = []
            for i, v in enumerate(df[c]):
                if plain(v) is None:  # a missing key matches nothing: a value of its own, of the column's type
                    v = (-(10**9) * (1 if side == "L" else 2) - i) if numbers else ("\x00" + side + str(i))
                    sentinels.add(v)
                values.append(v)
            df[c] = values
    merged = left.merge(right, left_on=lcols, right_on=rcols, how="outer" if how == "full" else how)
    for c in lcols + rcols:
        merged[c] = [None if (plain(v) is None or v in sentinels) else v for v in merged[c]]
    kept = ["L" + str(i) for i in range(len(lnames))]
    kept += ["R" + str(j) for j in range(len(rnames)) if not (how in ("inner", "left") and j in ri)]
    return [[plain(v) for v in r] for r in merged[kept].values.tolist()]


def expected_names(lnames, rnames, keys, how, suffix="_r"):
    names = list(lnames)
    if how in ("semi", "anti"):
        return names
    taken = [n.lower() for n in names]
    for name in rnames:
        if how in ("inner", "left") and name in [b for _, b in keys]:
            continue
        new = name + suffix if name.lower() in taken else name
        taken.append(new.lower())
        names.append(new)
    return names


def by_value(rows):
    return sorted(rows, key=repr)


@pytest.mark.parametrize("how", step_tables.HOWS)
@pytest.mark.parametrize("two_keys", [False, True])
@pytest.mark.parametrize("names,rowset", CASES, ids=CASE_IDS)
def test_join_matches_pandas(engine, names, rowset, two_keys, how):
    (lnames, rnames), (lrows, rrows) = NAMES[names], ROWSETS[rowset]
    make(engine, "l", lnames, lrows)
    make(engine, "r", rnames, rrows)
    keys = [[lnames[0], rnames[0]]] + ([[lnames[1], rnames[1]]] if two_keys else [])
    step = {"kind": "join", "table": "r", "how": how, "keys": keys}
    got_names, got = applied(engine, "l", [step], ["r"])
    want = join_oracle(lnames, lrows, rnames, rrows, keys, how)
    assert got_names == expected_names(lnames, rnames, keys, how)
    assert by_value(got) == by_value(want)
    # the order: the table's own rows in their order (a row with several matches, together),
    # then the other's rows that matched nothing, in their order
    n = len(lnames)
    if how in ("inner", "left", "semi", "anti"):
        assert [r[:n] for r in got] == [r[:n] for r in want]
    else:
        own = [r for r in got if any(v is not None for v in r[:n])]
        assert got[: len(own)] == own
        mine = join_oracle(lnames, lrows, rnames, rrows, keys, "left" if how == "full" else "inner")
        assert [r[:n] for r in own] == [r[:n] for r in mine]
        alone = [r[n:] for r in got[len(own) :]]
        lkeys = {tuple(row[lnames.index(a)] for a, _ in keys) for row in lrows}
        unmatched = [
            list(row)
            for row in rrows
            if any(row[rnames.index(b)] is None for _, b in keys)
            or tuple(row[rnames.index(b)] for _, b in keys) not in lkeys
        ]
        assert alone == unmatched


def test_join_names_taken_get_the_suffix_and_keys_are_not_doubled(engine):
    make(engine, "l", ("id", "name", "name_r"), [[1, "a", "b"]], ("INTEGER", "VARCHAR", "VARCHAR"))
    make(engine, "r", ("ID", "Name", "extra"), [[1, "c", "d"]], ("INTEGER", "VARCHAR", "VARCHAR"))
    step = {"kind": "join", "table": "r", "how": "left", "keys": [["id", "ID"]]}
    assert applied(engine, "l", [step]) == (["id", "name", "name_r", "Name_r2", "extra"], [[1, "a", "b", "c", "d"]])
    step = {"kind": "join", "table": "r", "how": "full", "keys": [["id", "ID"]], "suffix": " (r)"}
    assert applied(engine, "l", [step])[0] == ["id", "name", "name_r", "ID (r)", "Name (r)", "extra"]
    assert (
        steps.says(step) == "Join 'r' (full: all rows of both) on id = ID; its columns whose names are taken get ' (r)'"
    )


def test_join_with_a_table_that_has_steps(engine):
    (lnames, rnames) = NAMES["plain"]
    make(engine, "l", lnames, LEFT)
    make(engine, "r", rnames, RIGHT)
    applied(engine, "r", [{"kind": "dedupe", "columns": ["id"], "keep": "last"}])  # "r" is now a view
    kept = [RIGHT[i] for i in (3, 4, 5, 6)]  # the last of each id (NULL ones too), in source order
    keys = [["id", "id"], ["code", "code"]]
    for how in ("full", "right", "inner"):
        _, got = applied(engine, "l", [{"kind": "join", "table": "r", "how": how, "keys": keys}])
        assert by_value(got) == by_value(join_oracle(lnames, LEFT, rnames, kept, keys, how))


def test_right_rows_get_places_after_the_own_ones_and_chains_stay_apart(engine):
    make(engine, "l", ("k",), [[1], [2]], ("INTEGER",))
    make(engine, "r", ("k",), [[3], [4]], ("INTEGER",))
    full = {"kind": "join", "table": "r", "how": "full", "keys": [["k", "k"]], "suffix": "2"}
    append = {"kind": "append", "table": "r"}
    names, rows = applied(engine, "l", [full, append, full, append, append])
    assert names == ["k", "k2", "k22"]
    assert rows == [
        [1, None, None],
        [2, None, None],
        [None, 3, None],
        [None, 4, None],
        [3, None, 3],  # appended, then matched by the second join
        [4, None, 4],
        [3, None, None],
        [4, None, None],
        [3, None, None],
        [4, None, None],
    ]
    places = engine.execute(
        "SELECT " + sql.quote_ident(steps.ROW) + " FROM (" + _stage_sql(engine, "l", [full, append]) + ")"
    )["rows"]
    assert [p[0] for p in places] == [0, 1, 2**40, 2**40 + 1, 2**41, 2**41 + 1]


def _stage_sql(engine, table, step_list):
    built = engine.run(recipe.build(recipe.base_name(table), step_list, None))
    return recipe._with(built["chain"]) + "SELECT * FROM " + built["chain"][-1][0] + " ORDER BY 1"


def test_join_keys_of_other_types_need_a_cast(engine):
    make(engine, "l", ("id", "v"), [[1, "a"], [2, "b"], [None, "c"]], ("BIGINT", "VARCHAR"))
    make(engine, "r", ("id", "w"), [["1", "x"], ["x", "y"], ["", "z"], ["02", "w"]], ("VARCHAR", "VARCHAR"))
    step = {"kind": "join", "table": "r", "how": "left", "keys": [["id", "id"]]}
    done = engine.run(recipe.apply("l", [step], ["r"]))
    assert done["failed"] == 0
    assert "'id' is BIGINT and 'id' of 'r' is VARCHAR" in done["stages"][0]["problem"]
    step["casts"] = step_tables.key_casts("id", "BIGINT", "id", "VARCHAR")
    assert step["casts"] == [{"side": "right", "column": "id", "type": "BIGINT"}]
    _, rows = applied(engine, "l", [step])
    assert by_value(rows) == by_value([[1, "a", "x"], [2, "b", "w"], [None, "c", None]])


def test_a_missing_or_same_table_is_a_problem(engine):
    make(engine, "l", ("k",), [[1]], ("INTEGER",))
    step = {"kind": "join", "table": "gone", "how": "inner", "keys": [["k", "k"]]}
    assert steps.problem(step, [{"name": "k", "type": "INTEGER"}], ["l"]) == "there is no open table 'gone'"
    done = engine.run(recipe.apply("l", [step], None))
    assert done["stages"][0]["problem"] == "there is no open table 'gone'"
    done = engine.run(recipe.apply("l", [{"kind": "append", "table": "gone"}], None))
    assert done["stages"][0]["problem"] == "there is no open table 'gone'"
    done = engine.run(recipe.apply("l", [dict(step, table="l")], None))
    assert "cannot take rows from itself" in done["stages"][0]["problem"]
    make(engine, "r", ("j",), [[1]], ("INTEGER",))
    done = engine.run(recipe.apply("l", [dict(step, table="r")], None))
    assert done["stages"][0]["problem"] == "there is no column 'k' in 'r'"
    assert engine.execute("SELECT * FROM l")["rows"] == [[1]]


@pytest.mark.parametrize(
    "step,field",
    [
        ({"kind": "join", "table": "r", "how": "inner"}, "step.keys"),
        ({"kind": "join", "table": "r", "keys": [["a", "b"]]}, "step.how"),
        ({"kind": "join", "table": "r", "how": "cross", "keys": [["a", "b"]]}, "step.how"),
        ({"kind": "join", "table": "", "how": "inner", "keys": [["a", "b"]]}, "step.table"),
        ({"kind": "join", "table": "r", "how": "inner", "keys": "a"}, "step.keys"),
        ({"kind": "join", "table": "r", "how": "inner", "keys": [["a", "b"]], "casts": {}}, "step.casts"),
        ({"kind": "append"}, "step.table"),
        ({"kind": "append", "table": "r", "columns": "some"}, "step.columns"),
        ({"kind": "append", "table": 3}, "step.table"),
    ],
)
def test_malformed_steps_name_the_field(step, field):
    words = steps.shape_problem(step)
    assert words is not None and words.startswith(field), words


@pytest.mark.parametrize(
    "extra,words",
    [
        ({"keys": []}, "keys is empty"),
        ({"keys": [["a"]]}, "keys[0] must be a pair"),
        ({"keys": [["a", "b"], ["a", 3]]}, "keys[1] must be a pair"),
        ({"keys": [["nope", "b"]]}, "there is no column 'nope' here"),
        ({"casts": ["x"]}, "casts[0] must be {side"),
        ({"casts": [{"side": "up", "column": "a", "type": "INT"}]}, "casts[0].side"),
        ({"casts": [{"side": "left", "column": "b", "type": "INT"}]}, "casts[0].column"),
        ({"casts": [{"side": "right", "column": "b", "type": "INT); DROP TABLE x; --"}]}, "casts[0].type"),
        ({"suffix": " "}, "suffix must not be empty"),
    ],
)
def test_join_problems_name_the_setting(extra, words):
    step = dict({"kind": "join", "table": "r", "how": "inner", "keys": [["a", "b"]]}, **extra)
    assert words in steps.problem(step, [{"name": "a", "type": "INTEGER"}], ["r"])


def test_cast_types_are_plain_type_names():
    for good in ("BIGINT", "DECIMAL(18,3)", "TIMESTAMP WITH TIME ZONE", "VARCHAR"):
        assert step_tables.type_problem(good) is None
    for bad in ("", "INT)", "BIGINT) OR (1", "INT; x", "DECIMAL(1,a)", "'x'"):
        assert step_tables.type_problem(bad) is not None


# ---- append


def append_oracle(lnames, lrows, rnames, rrows, shared):
    left = pd.DataFrame([list(r) for r in lrows], columns=list(lnames), dtype=object)
    right = pd.DataFrame([list(r) for r in rrows], columns=list(rnames), dtype=object)
    both = pd.concat([left, right], ignore_index=True, join="inner" if shared else "outer", sort=False)
    return list(both.columns), [[plain(v) for v in r] for r in both.values.tolist()]


APPENDS = {
    "plain": (("id", "code", "name", "amount"), ("name", "id", "price", "code")),
    "reserved": (("select", 'we"ird', "from"), ("from", "select", "group by")),
    "unicode": (("clé", "名前", "€"), ("名前", "clé", "€")),
    "none-shared": (("a", "b"), ("c",)),
}


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("rowset", list(ROWSETS))
@pytest.mark.parametrize("names", list(APPENDS))
def test_append_matches_pandas_concat(engine, names, rowset, shared):
    (lnames, rnames), (lrows, rrows) = APPENDS[names], ROWSETS[rowset]
    lrows = [r[: len(lnames)] for r in lrows]
    rrows = [[str(v) if v is not None else None for v in r[: len(rnames)]] for r in rrows]
    make(engine, "l", lnames, lrows, ["VARCHAR"] * len(lnames))
    make(engine, "r", rnames, rrows, ["VARCHAR"] * len(rnames))
    lrows = [[None if v is None else str(v) for v in r] for r in lrows]
    step = {"kind": "append", "table": "r"}
    if shared:
        step["columns"] = "shared"
    if shared and names == "none-shared":
        done = engine.run(recipe.apply("l", [step], ["r"]))
        assert done["stages"][0]["problem"] == "'r' has no column named as a column here"
        return
    assert applied(engine, "l", [step], ["r"]) == append_oracle(lnames, lrows, rnames, rrows, shared)


def test_append_matches_names_in_any_case_and_lists_the_differences(engine):
    make(engine, "l", ("ID", "name"), [[1, "a"]], ("INTEGER", "VARCHAR"))
    make(engine, "r", ("id", "city"), [[2, "Oslo"]], ("INTEGER", "VARCHAR"))
    assert applied(engine, "l", [{"kind": "append", "table": "r"}]) == (
        ["ID", "name", "city"],
        [[1, "a", None], [2, None, "Oslo"]],
    )
    found = step_tables.differences(
        [{"name": "ID", "type": "INTEGER"}, {"name": "name", "type": "VARCHAR"}],
        [{"name": "id", "type": "INTEGER"}, {"name": "city", "type": "VARCHAR"}],
    )
    assert found == {
        "shared": ["ID"],
        "only_here": ["name"],
        "only_there": ["city"],
        "words": "only here: 'name'; only in the other table: 'city'",
    }
    assert steps.says({"kind": "append", "table": "r"}) == (
        "Append the rows of 'r' below, matching columns by name (a column one side lacks is left empty there)"
    )
