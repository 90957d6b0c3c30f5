"""Missing-value markers and late values: CSVs loaded as the browser loads them, checked against pandas."""

import json
import math

import pandas as pd
import pytest

from app.core import errors, loading, missing, retype, sql
from app.engine.native import NativeEngine

NUMERIC = ("BIGINT", "DOUBLE")


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def load(engine, name, text, options=None):
    """Sniff, then load, as the browser does; return (info, path)."""
    path = engine.register_bytes(name, text.encode())
    dialect = loading.run(loading.sniff_dialect(path, name, options), engine.execute)
    table = name.split(".")[0]
    return loading.run(loading.load_csv(table, path, name, dialect), engine.execute), path


def column_types(info):
    return {c["name"]: c["type"] for c in info["columns"]}


def values(engine, table, column):
    return [row[0] for row in engine.execute(f"SELECT {sql.quote_ident(column)} FROM {sql.quote_ident(table)}")["rows"]]


def agrees_with_pandas(engine, info, path, **read_options):
    """Same rows and columns as pandas, numeric where pandas is, the same missing values and sums there."""
    frame = pd.read_csv(path, **read_options)
    assert info["rows"] == len(frame)
    assert [c["name"] for c in info["columns"]] == list(frame.columns)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        assert (column_types(info)[column] in NUMERIC) == numeric, column
        if numeric:
            ours = values(engine, info["table"], column)
            assert sum(v is None for v in ours) == int(frame[column].isna().sum()), column
            assert math.isclose(sum(v for v in ours if v is not None), float(frame[column].sum())), column


# --- markers ------------------------------------------------------------------


def test_a_numeric_column_with_na_is_numeric_as_in_pandas(engine):
    info, path = load(engine, "temps.csv", "city,temp,rain\nOslo,3.5,NA\nLima,NA,0\nRome,18,2\nBern,NA,NA\n")
    assert column_types(info) == {"city": "VARCHAR", "temp": "DOUBLE", "rain": "BIGINT"}
    assert info["missing"] == ["NA"]
    agrees_with_pandas(engine, info, path)


def test_namibia_keeps_its_code_while_the_numbers_lose_their_markers(engine):
    text = (
        "iso2,country,population,gdp\nNA,Namibia,2.5,12.3\nDE,Germany,83.2,NA\nFR,France,NA,2780\nNO,Norway,5.4,482\n"
    )
    info, path = load(engine, "world.csv", text)
    assert column_types(info) == {"iso2": "VARCHAR", "country": "VARCHAR", "population": "DOUBLE", "gdp": "DOUBLE"}
    assert values(engine, "world", "iso2") == ["NA", "DE", "FR", "NO"]
    # pandas turns Namibia's code into NaN; Loupe keeps text columns whole and agrees on the numbers.
    frame = pd.read_csv(path)
    assert frame["iso2"].isna().sum() == 1
    agrees_with_pandas(engine, info, path, keep_default_na=False, na_values={"population": ["NA"], "gdp": ["NA"]})


@pytest.mark.parametrize("marker", missing.KNOWN)
def test_each_known_marker_marks_a_missing_number(engine, marker):
    info, path = load(engine, "m.csv", f"id,v\n1,2.5\n2,{marker}\n3,4\n")
    assert column_types(info) == {"id": "BIGINT", "v": "DOUBLE"}
    assert values(engine, "m", "v") == [2.5, None, 4.0]
    # DuckDB reads NaN (any case) as a number; as a marker it is recorded once, as "NaN".
    assert info["missing"] == (["NaN"] if marker.lower() == "nan" else [marker])
    agrees_with_pandas(engine, info, path, keep_default_na=False, na_values=[marker])


@pytest.mark.parametrize(
    "text, types, kept",
    [
        # dates, booleans, timestamps and times with markers get their types
        ("d\n2024-01-05\nNA\n2024-02-01\n", {"d": "DATE"}, None),
        ("ok\nTRUE\nFALSE\nNA\n", {"ok": "BOOLEAN"}, None),
        ("at\n2024-01-05 10:30:00\nNULL\n2024-01-05 11:00:00\n", {"at": "TIMESTAMP"}, None),
        ("t\n10:30\n-\n11:45\n", {"t": "TIME"}, None),
        # 0/1 columns stay numbers, as DuckDB reads them without markers
        ("flag\n0\n1\nNA\n", {"flag": "BIGINT"}, None),
        # text stays text, its markers kept as values
        ("note\nfine\n-\nbroken\n", {"note": "VARCHAR"}, ["fine", "-", "broken"]),
        ("sign\n+\n-\n.\n", {"sign": "VARCHAR"}, ["+", "-", "."]),
        ("code\n12\nNA\nA7\n", {"code": "VARCHAR"}, ["12", "NA", "A7"]),
        # a column of markers only has no other type to be: it stays as it is
        ("x,y\n1,NA\n2,NA\n", {"x": "BIGINT", "y": "VARCHAR"}, None),
    ],
)
def test_markers_only_where_every_other_value_has_one_type(engine, text, types, kept):
    info, _ = load(engine, "k.csv", text)
    assert column_types(info) == types
    if kept is not None:
        assert values(engine, "k", list(types)[0]) == kept


def test_a_marker_past_the_sniffers_sample_still_counts(engine):
    # The column is text because of one NA early on; another marker far below is a marker too.
    rows = ["1.5", "NA"] + [str(i) for i in range(30000)] + ["-"]
    info, path = load(engine, "long.csv", "v\n" + "\n".join(rows) + "\n")
    assert column_types(info) == {"v": "DOUBLE"} and info["missing"] == ["NA", "-"]
    agrees_with_pandas(engine, info, path, na_values=["-"])


@pytest.mark.parametrize(
    "given, types, used",
    [
        (["-"], {"a": "VARCHAR", "b": "BIGINT"}, ["-"]),
        ("NA, -", {"a": "DOUBLE", "b": "BIGINT"}, ["NA", "-"]),
        ([], {"a": "VARCHAR", "b": "VARCHAR"}, []),
        (["NA", "n.a."], {"a": "DOUBLE", "b": "VARCHAR"}, ["NA", "n.a."]),
    ],
)
def test_the_markers_given_are_the_only_ones(engine, given, types, used):
    info, _ = load(engine, "g.csv", "a,b\n1.5,1\nNA,-\n2,3\n", {"missing": given})
    assert column_types(info) == types
    assert info["missing"] == used  # as given, so the view state replays them


def test_replaying_the_recorded_markers_reads_the_same_table(engine):
    text = "iso2,v,d\nNA,1,2024-01-01\nDE,-,NA\nFR,3,2024-01-03\n"
    first, _ = load(engine, "a.csv", text)
    again, _ = load(engine, "b.csv", text, {"missing": first["missing"]})
    assert first["missing"] == ["NA", "-"]
    assert column_types(first) == column_types(again) == {"iso2": "VARCHAR", "v": "BIGINT", "d": "DATE"}
    assert engine.execute("SELECT * FROM a")["rows"] == engine.execute("SELECT * FROM b")["rows"]


def test_the_change_is_explained():
    changes = [
        {"column": "temp", "type": "DOUBLE", "rule": "missing", "nulls": 2, "markers": ["NA"], "was": None},
        {"column": "rain", "type": "BIGINT", "rule": "missing", "nulls": 1, "markers": ["-"], "was": None},
    ]
    message = missing.changes_message("w.csv", changes)
    assert message.startswith(
        "In 'w.csv', NA and - mark missing values (3): read 'temp' as decimals, 'rain' as integers."
    )
    assert "Read as…" in message
    assert missing.changes_message("w.csv", []) == ""


@pytest.mark.parametrize(
    "value, markers",
    [
        (None, missing.KNOWN),
        ("", []),
        (" NA ,-,, NA", ["NA", "-"]),
        (["NA", "", "NA", "?"], ["NA", "?"]),
    ],
)
def test_markers_as_given(value, markers):
    assert missing.checked(value) == markers


@pytest.mark.parametrize(
    "value, words",
    [
        ({"NA": 1}, "list of texts"),
        (["NA", 3], "list of texts"),
        (["x"] * 2 + [str(i) for i in range(40)], "at most 32"),
        (["x" * 100], "too long"),
    ],
)
def test_bad_markers_are_refused_with_a_reason(value, words):
    with pytest.raises(errors.OpenError) as raised:
        missing.checked(value)
    assert words in str(raised.value)


def test_labels_round_trip():
    assert missing.label(["NA", "-"]) == "NA, -"
    assert missing.parse(missing.label(["NA", "#N/A", "."])) == ["NA", "#N/A", "."]


def test_separators_and_day_first_dates_with_markers_get_their_types(engine):
    text = 'amount,day,code\n"1,234.50",15.03.2024,00501\nNA,-,NA\n"12,000",01.04.2024,02134\n-,02.04.2024,x\n'
    info, _ = load(engine, "money.csv", text)
    changes = loading.run(retype.refine_types("money", info["columns"], missing.KNOWN), engine.execute)
    assert [(c["column"], c["type"], c["nulls"], c["markers"]) for c in changes] == [
        ("amount", "DOUBLE", 0, ["NA", "-"]),
        ("day", "DATE", 0, ["-"]),
    ]
    assert engine.execute("SELECT amount, day::VARCHAR, code FROM money")["rows"] == [
        [1234.5, "2024-03-15", "00501"],
        [None, None, "NA"],
        [12000.0, "2024-04-01", "02134"],
        [None, "2024-04-02", "x"],
    ]
    message = retype.changes_message("money.csv", changes)
    assert "NA, - in 'amount', 'day' mark missing values." in message and "became NULL" not in message
    # with no markers, the text rules work as before: a marker is a value that does not fit
    info, _ = load(engine, "plain.csv", text, {"missing": []})
    assert loading.run(retype.refine_types("plain", info["columns"], []), engine.execute) == []


# --- late values --------------------------------------------------------------


def late_file(value: str, column: str = "v", rows: int = 30000, at: int = 25500) -> str:
    lines = ["id,v,w"]
    for i in range(rows):
        cells = {"id": str(i), "v": str(i * 2), "w": f"{i}.25"}
        if i == at:
            cells[column] = value
        lines.append(",".join(cells[c] for c in ("id", "v", "w")))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "value, column, kind",
    [
        ("NA", "v", "BIGINT"),  # a marker far below: still integers, one missing
        ("NA", "w", "DOUBLE"),
        ("n/a", "v", "BIGINT"),
        ("12345678901234567890123", "v", "DOUBLE"),  # past BIGINT: widened to decimals
        ("oops", "v", "VARCHAR"),  # text: widened to text, nothing lost
        ("2.5 kg", "w", "VARCHAR"),
    ],
)
def test_a_late_value_widens_its_column_and_keeps_every_row(engine, value, column, kind):
    info, path = load(engine, "late.csv", late_file(value, column))
    assert info["rows"] == 30000 and "rejected" not in info
    assert column_types(info)[column] == kind
    other = {"v": "BIGINT", "w": "DOUBLE"}
    assert all(column_types(info)[c] == t for c, t in other.items() if c != column)
    kept = engine.execute(f"SELECT {sql.quote_ident(column)} FROM late WHERE id = 25500")["rows"][0][0]
    frame = pd.read_csv(path)
    assert len(frame) == 30000
    if kind == "VARCHAR":
        assert kept == value and not pd.api.types.is_numeric_dtype(frame[column])
    elif value.lower() in ("na", "n/a"):
        assert kept is None
        agrees_with_pandas(engine, info, path)
    else:
        assert kept == float(value) and frame[column].dtype != "int64"


def test_a_late_value_is_explained(engine):
    info, _ = load(engine, "late.csv", late_file("oops"))
    message = missing.changes_message("late.csv", info["settled"])
    assert message == (
        "'v' holds values far into the file that are not integers (first on line 25,502), "
        "so it was read as text; no row was left out."
    )
    info, _ = load(engine, "late2.csv", late_file("NA"))
    assert missing.changes_message("late2.csv", info["settled"]).startswith(
        "In 'late2.csv', NA marks missing values (1): read 'v' as integers."
    )
    assert info["missing"] == ["NA"]


def test_a_late_value_with_no_markers_chosen_widens_to_text(engine):
    info, _ = load(engine, "late.csv", late_file("NA"), {"missing": []})
    assert column_types(info)["v"] == "VARCHAR" and info["rows"] == 30000
    assert info["missing"] == []


def test_late_values_and_ragged_rows_together(engine):
    text = late_file("oops") + "1,2,3,4\n"
    info, _ = load(engine, "both.csv", text)
    assert info["rows"] == 30000 and column_types(info)["v"] == "VARCHAR"
    assert info["rejected"]["count"] == 1
    assert "too many fields" in loading.rejected_message("both.csv", info["rejected"])


# --- the same reading under MicroPython --------------------------------------------

REPLAY = """
import json
from app.core import loading, missing
out = []
for case in json.load(open("/cases.json")):
    answers = case["answers"]  # a statement asked twice (describe) gets its answers in turn
    execute = lambda statement, params: answers[json.dumps([statement, params])].pop(0)
    dialect = loading.run(loading.sniff_dialect(case["path"], case["name"]), execute)
    info = loading.run(loading.load_csv("t", case["path"], case["name"], dialect), execute)
    out.append([dialect, info, missing.changes_message(case["name"], info["settled"])])
print(json.dumps(out))
"""


def test_micropython_reads_the_same_way(engine, tmp_path):
    """Replay native DuckDB's answers through catalog and missing under MicroPython (WebAssembly, in node)."""
    import shutil

    from micropython_replay import MICROPYTHON, replay

    if not shutil.which("node") or not MICROPYTHON.exists():
        pytest.skip("needs node and MicroPython's npm package")
    from test_profile import browser_shaped

    texts = {
        "world.csv": "iso2,pop,ok\nNA,2.5,TRUE\nDE,NA,-\nFR,NaN,FALSE\n",
        "r.csv": '"","species"\n"1","setosa"\n"2","setosa"\n',
        "late.csv": late_file("NA", "w", rows=21000, at=20900).replace("20900,41800,", "20900,x,"),
    }
    cases, expected = [], []
    for name, text in texts.items():
        answers = {}

        def recording(statement, params):
            result = engine.execute(statement, params)
            result = {"columns": result["columns"], "rows": browser_shaped(result["rows"])}
            answers.setdefault(json.dumps([statement, params]), []).append(result)  # noqa: B023 (called within the same iteration)
            return result

        path = engine.register_bytes(name, text.encode())
        dialect = loading.run(loading.sniff_dialect(path, name), recording)
        info = loading.run(loading.load_csv("t", path, name, dialect), recording)
        engine.execute("DROP TABLE t")
        cases.append({"path": path, "name": name, "answers": answers})
        expected.append([dialect, info, missing.changes_message(name, info["settled"])])
    assert [e[1]["missing"] for e in expected] == [["NA", "NaN", "-"], [], ["NA"]]
    assert replay(tmp_path, cases, REPLAY, heap_mb=32, timeout=120) == json.loads(json.dumps(expected))
