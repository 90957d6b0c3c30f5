"""Text columns refined after loading: numbers with units, answers and AM/PM times, against native DuckDB and pandas."""

import datetime
import io

import pandas as pd
import pytest

from app.core import loading, missing, retype
from app.engine.native import NativeEngine


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def refined(engine, text, markers=None):
    """Load ``text`` as the browser does, then refine it; return (changes, rows of column v, its type)."""
    path = engine.register_bytes("r.csv", text.encode())
    dialect = loading.run(loading.sniff_dialect(path, "r.csv"), engine.execute)
    info = loading.run(loading.load_csv("r", path, "r.csv", dialect), engine.execute)
    markers = missing.KNOWN if markers is None else markers
    changes = loading.run(retype.refine_types("r", info["columns"], markers), engine.execute)
    described = loading.run(loading.describe("r"), engine.execute)
    kind = {c["name"]: c["type"] for c in described["columns"]}["v"]
    return changes, [row[0] for row in engine.execute("SELECT v FROM r")["rows"]], kind


def column(*values):
    return "id,v\n" + "".join(str(i) + ',"' + v + '"\n' for i, v in enumerate(values))


@pytest.mark.parametrize(
    "values, expected, rule",
    [
        (["12.5%", "3%", "-0.25%", "1,200%"], [12.5, 3.0, -0.25, 1200.0], "percent"),
        (["12.5 %", "NA", "100 %"], [12.5, None, 100.0], "percent"),
        (["12,5 %", "NA", "1.200%"], [12.5, None, 1200.0], "percent, decimal comma"),  # as in a "sep=;" file
        (["$1,234.50", "$12", "-$3.00", "$-3", "(£4.20)", "€0.99"], [1234.5, 12.0, -3.0, -3.0, -4.2, 0.99], "currency"),
        (["1,234.50 €", "¥500", "-", "₹ 12"], [1234.5, 500.0, None, 12.0], "currency"),
        (
            ["1.234,50 €", "12,5 €", "(3,00 €)", "1.000.000\u00a0€"],
            [1234.5, 12.5, -3.0, 1e6],
            "currency, decimal comma",
        ),
    ],
)
def test_percentages_and_money_read_as_numbers(engine, values, expected, rule):
    changes, got, kind = refined(engine, column(*values))
    assert kind == "DOUBLE" and got == expected
    assert [(c["column"], c["rule"], c["nulls"]) for c in changes] == [("v", rule, 0)]


def test_a_percentage_keeps_the_number_it_shows_as_pandas_would_strip_it(engine):
    values = ["12.5%", "3%", "99.9%"]
    _, got, _ = refined(engine, column(*values))
    frame = pd.read_csv(io.StringIO(column(*values)))
    assert got == list(frame["v"].str.rstrip("%").astype(float))


@pytest.mark.parametrize(
    "values",
    [
        ["$12", "12"],  # a value without a symbol: not a column of money
        ["12%", "x%"],
        ["$1,23.50"],  # not thousands
        ["12.5%", "$3"],  # two kinds of numbers
        ["007", "012"],  # codes stay codes
    ],
)
def test_columns_that_are_not_all_numbers_with_units_stay_text(engine, values):
    changes, got, kind = refined(engine, column(*values))
    assert kind == "VARCHAR" and changes == [] and got == values


@pytest.mark.parametrize(
    "values, rule",
    [
        (["yes", "no", "Yes", "NO"], "yes/no"),
        (["y", "n", "Y", "N"], "y/n"),
        (["T", "F", "t", "f"], "t/f"),
    ],
)
def test_answers_read_as_booleans_as_pandas_reads_them_with_true_values(engine, values, rule):
    # With a marker among them DuckDB leaves even yes/no and T/F as text: the rules read them.
    changes, got, kind = refined(engine, column(*values, "NA"))
    assert kind == "BOOLEAN" and [c["rule"] for c in changes] == [rule] and got[-1] is None
    frame = pd.read_csv(io.StringIO(column(*values)), true_values=values[::2], false_values=values[1::2])
    assert got[:-1] == list(frame["v"])


def test_true_and_false_in_any_case_are_booleans_with_markers_missing(engine):
    # DuckDB itself reads True/FALSE; with a marker among them the text is refined or settled to BOOLEAN.
    changes, got, kind = refined(engine, column("True", "FALSE", "NA", "true"))
    assert kind == "BOOLEAN" and got == [True, False, None, True]


@pytest.mark.parametrize(
    "values",
    [
        ["F", "F", "NA"],  # a column of one letter is as likely a code (sex, grade) as an answer
        ["n", "n", "NA"],
        ["yes", "y"],  # two vocabularies
        ["t", "n"],
        ["yes", "maybe"],
    ],
)
def test_other_answers_stay_text(engine, values):
    changes, got, kind = refined(engine, column(*values))
    assert kind == "VARCHAR" and changes == [] and got == values


def test_a_value_past_the_sample_that_is_not_an_answer_becomes_null_not_false(engine):
    values = ["yes", "no"] * (retype.SAMPLE_ROWS // 2) + ["maybe"]
    changes, got, kind = refined(engine, column(*values[:-1], "NA", values[-1]))
    assert kind == "BOOLEAN" and got[-1] is None and changes[0]["nulls"] == 1


@pytest.mark.parametrize(
    "values, fmt, rule",
    [
        (
            ["03/15/2024 02:30 PM", "03/16/2024 11:05 am", "12/31/2023 12:00 AM"],
            "%m/%d/%Y %I:%M %p",
            "MM/DD/YYYY hh:mm AM/PM",
        ),
        (["2024-03-15 2:30:00 pm", "2024-03-15 12:00:01 PM"], "%Y-%m-%d %I:%M:%S %p", "YYYY-MM-DD hh:mm:ss AM/PM"),
        (["15/03/2024 02:30 PM", "01/04/2024 09:00 AM"], "%d/%m/%Y %I:%M %p", "DD/MM/YYYY hh:mm AM/PM"),
    ],
)
def test_am_pm_date_times_read_as_timestamps_as_pandas_parses_them(engine, values, fmt, rule):
    changes, got, kind = refined(engine, column(*values))
    assert kind == "TIMESTAMP" and [c["rule"] for c in changes] == [rule]
    frame = pd.read_csv(io.StringIO(column(*values)))
    assert got == [t.to_pydatetime() for t in pd.to_datetime(frame["v"].str.upper(), format=fmt)]
    assert got[0].hour == 14


def test_am_pm_with_a_marker(engine):
    _, got, kind = refined(engine, column("03/15/2024 02:30 PM", "-"))
    assert kind == "TIMESTAMP" and got == [datetime.datetime(2024, 3, 15, 14, 30), None]


def test_a_value_past_the_sample_that_does_not_fit_becomes_null_and_is_counted(engine):
    values = ["$" + str(i) for i in range(retype.SAMPLE_ROWS)] + ["about $5"]
    changes, got, kind = refined(engine, column(*values))
    assert kind == "DOUBLE" and got[-1] is None and changes[0]["nulls"] == 1
    assert "1 value of 'v' did not fit DOUBLE and became NULL." in retype.changes_message("r.csv", changes)


def test_what_was_done_is_said():
    changes = [
        {"column": "rate", "type": "DOUBLE", "rule": "percent", "nulls": 0, "markers": []},
        {"column": "price", "type": "DOUBLE", "rule": "currency", "nulls": 0, "markers": ["NA"]},
        {"column": "ok", "type": "BOOLEAN", "rule": "yes/no", "nulls": 0, "markers": []},
        {"column": "at", "type": "TIMESTAMP", "rule": "MM/DD/YYYY hh:mm AM/PM", "nulls": 0, "markers": []},
        {"column": "day", "type": "DATE", "rule": "DD.MM.YYYY", "nulls": 0, "markers": []},
    ]
    assert retype.changes_message("s.csv", changes) == (
        "Read 'rate' as percentages (12.5% as 12.5), 'price' as amounts of money, 'ok' as true/false (yes/no), "
        "'at' as dates and times (MM/DD/YYYY hh:mm AM/PM), 'day' as dates (DD.MM.YYYY) in 's.csv'. "
        "NA in 'price' marks missing values."
    )


def test_every_rule_is_worded_and_every_format_has_a_type():
    assert all(said for *_, said in retype.TEXT_RULES)
    assert {t for _, _, t in retype.DATE_FORMATS} == {"DATE", "TIMESTAMP"}


# --- the same reading under MicroPython --------------------------------------------

REPLAY = """
import json
from app.core import loading, missing, retype
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]
    execute = lambda statement, params: answers[json.dumps([statement, params])].pop(0)
    dialect = loading.run(loading.sniff_dialect(case["path"], "x.csv"), execute)
    info = loading.run(loading.load_csv("t", case["path"], "x.csv", dialect), execute)
    changes = loading.run(retype.refine_types("t", info["columns"], missing.KNOWN), execute)
    out.append([dialect, info, changes, retype.changes_message("x.csv", changes)])
print(json.dumps(out))
"""


def test_micropython_reads_the_same_way(engine, tmp_path):
    """Replay native DuckDB's answers through catalog and refine under MicroPython (WebAssembly, in node)."""
    import json
    import shutil

    from micropython_replay import MICROPYTHON, replay

    if not shutil.which("node") or not MICROPYTHON.exists():
        pytest.skip("needs node and MicroPython's npm package")
    from test_profile import browser_shaped

    text = (
        "sep=;\nid;rate;price;eur;ok;at;\n1;12.5%;$1,234.50;1.234,50 €;y;03/15/2024 02:30 PM;\n"
        "2;NA;(£4.20);12 €;n;03/16/2024 11:05 am;\n"
    )
    answers = {}

    def recording(statement, params):
        result = engine.execute(statement, params)
        result = {"columns": result["columns"], "rows": browser_shaped(result["rows"])}
        # MicroPython's json.dumps writes "€" as it is; so must the key.
        answers.setdefault(json.dumps([statement, params], ensure_ascii=False), []).append(result)
        return result

    path = engine.register_bytes("x.csv", text.encode())
    dialect = loading.run(loading.sniff_dialect(path, "x.csv"), recording)
    info = loading.run(loading.load_csv("t", path, "x.csv", dialect), recording)
    changes = loading.run(retype.refine_types("t", info["columns"], missing.KNOWN), recording)
    expected = [[dialect, info, changes, retype.changes_message("x.csv", changes)]]
    assert [c["rule"] for c in changes] == [
        "percent",
        "currency",
        "currency, decimal comma",
        "y/n",
        "MM/DD/YYYY hh:mm AM/PM",
    ]
    assert [c["name"] for c in info["columns"]] == ["id", "rate", "price", "eur", "ok", "at"]
    assert replay(tmp_path, [{"path": path, "answers": answers}], REPLAY, heap_mb=32, timeout=120) == json.loads(
        json.dumps(expected)
    )


def test_columns_named_like_the_unpivoted_sample_or_empty_are_checked_each_by_itself(engine):
    path = engine.register_bytes("n.csv", 'name,value,"we""ird",empty,n\n$1,y,12%,,1\n$2,n,3%,,2\n'.encode())
    info = loading.run(loading.load_csv("n", path, "n.csv", {}), engine.execute)
    changes = loading.run(retype.refine_types("n", info["columns"], missing.KNOWN), engine.execute)
    assert [(c["column"], c["rule"]) for c in changes] == [
        ("name", "currency"),
        ("value", "y/n"),
        ('we"ird', "percent"),
    ]
    assert engine.execute("SELECT * FROM n")["rows"] == [[1.0, True, 12.0, None, 1], [2.0, False, 3.0, None, 2]]


@pytest.mark.parametrize(
    "current, values, target",
    [
        ("INTEGER", "(1), (2), (NULL)", "DOUBLE"),
        ("INTEGER", "(1), (2), (NULL)", "VARCHAR"),
        ("INTEGER", "(1), (20240102), (NULL)", "DATE"),
        ("DOUBLE", "(1.5), ('nan'::DOUBLE), (NULL)", "BIGINT"),
        ("DATE", "(DATE '2024-01-02'), (NULL)", "VARCHAR"),
        ("BOOLEAN", "(true), (false), (NULL)", "BIGINT"),
        ("VARCHAR", "('1,234'), ('x'), (NULL)", "BIGINT"),
    ],
)
def test_any_column_type_can_be_changed(engine, current, values, target):
    """A column that is not text is retyped too (it once failed comparing its values with text markers)."""
    engine.execute(f"CREATE OR REPLACE TABLE t AS SELECT CAST(v AS {current}) AS v FROM (VALUES {values}) AS x(v)")
    engine.execute("CREATE OR REPLACE TABLE oracle AS SELECT v FROM t")
    change = engine.run(retype.retype("t", "v", current, target))
    got = engine.execute("SELECT typeof(v), v FROM t")["rows"]
    cast = "TRY_CAST(replace(trim(v), ',', '') AS " if current == "VARCHAR" else "TRY_CAST(v AS "
    want = engine.execute(f"SELECT typeof({cast}{target})), {cast}{target}) FROM oracle")["rows"]
    assert got == want
    lost = engine.execute(f"SELECT count(v) - count({cast}{target})) FROM oracle")["rows"][0][0]
    assert change["type"] == target and change["nulls"] == lost
