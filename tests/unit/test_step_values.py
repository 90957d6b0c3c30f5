"""Value steps (app/core/step_values.py, step_parts.py, step_parse.py) applied by recipe.apply on native DuckDB, checked against pandas.

Each test builds a table of awkward values (NULLs, empty text, accents, CJK,
emoji) under awkward column names (reserved words, double quotes, spaces),
applies one step, reads the table back as the grid would, and compares it
with pandas doing the same thing to the same rows.
"""

import datetime
import math
import re

import pandas as pd
import pytest

from app.core import errors, loading, recipe, sql, step_parse, step_parts, step_text_sql, steps
from app.engine.native import NativeEngine

ROW = steps.ROW
D = datetime.date
T = datetime.datetime

# each column's role and type; a table's names say what each role is called there
ROLES = [
    ("g", "VARCHAR"),
    ("t", "VARCHAR"),
    ("n", "DOUBLE"),
    ("i", "INTEGER"),
    ("d", "DATE"),
    ("ts", "TIMESTAMP"),
    ("num", "VARCHAR"),
    ("day", "VARCHAR"),
]

NAMINGS = {
    "plain": {"g": "g", "t": "t", "n": "n", "i": "i", "d": "d", "ts": "ts", "num": "num", "day": "day"},
    "reserved": {
        "g": "select",
        "t": "from",
        "n": "order",
        "i": "group",
        "d": "date",
        "ts": "timestamp",
        "num": "where",
        "day": "table",
    },
    "quoted": {
        "g": 'say "hi"',
        "t": '""',
        "n": '"',
        "i": "it's",
        "d": 'd"',
        "ts": "t s",
        "num": "n'\"",
        "day": '"day"',
    },
    "spaces": {
        "g": "country name",
        "t": "été 日本",
        "n": "😀 score",
        "i": "  i  ",
        "d": "Δ date",
        "ts": "when?",
        "num": "prix (€)",
        "day": "jour",
    },
}

ROWSETS = {
    "basic": [
        ("a", "Smith, John", 1.5, 1, D(2024, 3, 5), T(2024, 3, 5, 10, 11, 12), "1,234.50", "01/02/2020"),
        ("a", "  doe,  JANE  ", None, 2, D(2023, 1, 1), T(2023, 1, 1, 0, 0, 0), "€ 12", "31/12/1999"),
        ("b", "o'neil, mary-ann", 3.0, None, D(2020, 2, 29), T(2020, 2, 29, 23, 59, 59), "12 %", "32/01/2020"),
        ("b", None, None, 4, None, None, None, None),
        ("b", "x;y, z", 2.0, 5, D(2021, 12, 31), T(2021, 12, 31, 12, 0, 0), "-3", "2020-01-01"),
        ("a", "Smith, John", None, 6, D(2000, 1, 1), T(2000, 1, 1, 1, 2, 3), "abc", " 05/06/2021 "),
        ("b", "Jo, jo, JO", 2.0, 5, D(2021, 1, 4), T(2021, 1, 4, 5, 6, 7), "1'234.5", "29/02/2021"),
    ],
    "nulls": [
        (None, None, None, None, None, None, None, None),
        ("x", "", 2.0, 1, D(2022, 6, 15), T(2022, 6, 15, 8, 30, 0), "", ""),
        (None, "A.b.C", None, 2, None, None, "1.234,5", "1/2/2020"),
        ("x", None, 4.0, None, D(1999, 1, 1), T(1999, 1, 1, 0, 0, 1), "$1,000,000", "29/02/2024"),
        (None, "a\\b, c\\d", 4.0, 3, D(1970, 1, 1), None, "+7", "2020-02-30"),
        ("y", "\ttab\tand\u00a0nbsp  here ", None, 4, None, T(2030, 12, 31, 23, 0, 0), "1e3", "15/08/1947"),
        ("y", None, None, None, None, None, None, None),
    ],
    "unicode": [
        ("é", "été, 日本", 1.0, 1, D(2024, 1, 1), T(2024, 1, 1, 9, 0, 0), "1\u202f234,5", "05/06/2021"),
        ("日本", "😀 smile, ÉCOLE", 2.0, 2, D(2024, 12, 30), T(2024, 12, 30, 18, 45, 30), "−4.5", "31/01/2021"),
        ("é", "naïve café", None, None, None, None, "¥100", None),
        ("😀", None, 5.0, 3, D(2016, 2, 29), T(2016, 2, 29, 0, 0, 0), "£3.50", "01/13/2021"),
        ("é", "日本日本, x", 5.0, 3, D(2017, 1, 1), T(2017, 1, 1, 12, 12, 12), "12,5 %", "10/10/2010"),
        ("日本", "Ünïcödé ÀÉÎ, jo", None, 7, D(2018, 7, 14), T(2018, 7, 14, 14, 7, 18), "1.5", "2010-10-10"),
    ],
    "empty": [],
}

TABLES = [
    ("plain", "basic"),
    ("reserved", "nulls"),
    ("quoted", "unicode"),
    ("spaces", "empty"),
    ("spaces", "basic"),
]
TABLE_IDS = [naming + "-" + rows for naming, rows in TABLES]


def q(name):
    return sql.quote_ident(name)


class Table:
    """A table in a fresh engine and the same rows as a pandas frame."""

    def __init__(self, naming, rowset):
        self.names = NAMINGS[naming]
        self.rows = ROWSETS[rowset]
        self.engine = NativeEngine()
        self.columns = [self.names[role] for role, _ in ROLES]
        defs = ", ".join([q(self.names[role]) + " " + kind for role, kind in ROLES])
        self.engine.execute("CREATE TABLE t (" + defs + ")")
        marks = ", ".join(["?"] * len(ROLES))
        for row in self.rows:
            self.engine.execute("INSERT INTO t VALUES (" + marks + ")", list(row))
        data = {}
        for k, (role, kind) in enumerate(ROLES):
            values = [row[k] for row in self.rows]
            data[self.names[role]] = pd.Series(values, dtype="float64" if kind == "DOUBLE" else object)
        self.frame = pd.DataFrame(data)

    def __getitem__(self, role):
        return self.names[role]

    def apply(self, step_list):
        return self.engine.run(recipe.apply("t", step_list))

    def read(self):
        result = self.engine.execute("SELECT * FROM t")
        names = [c["name"] for c in result["columns"]]
        return names, {name: [row[i] for row in result["rows"]] for i, name in enumerate(names)}

    def close(self):
        self.engine.close()


@pytest.fixture(params=TABLES, ids=TABLE_IDS)
def table(request):
    made = Table(*request.param)
    yield made
    made.close()


def plain(value):
    """A value from DuckDB or pandas in one comparable form (missing -> None, numpy -> Python)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, dict)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


def same(got, expected):
    got = [plain(v) for v in got]
    expected = [plain(v) for v in list(expected)]
    assert len(got) == len(expected), (got, expected)
    for a, b in zip(got, expected):
        if isinstance(a, float) or isinstance(b, float):
            assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9), (got, expected)
        else:
            assert a == b, (got, expected)


def applied(table, step):
    result = table.apply([step])
    assert result["failed"] is None, result["stages"]
    assert result["stages"][0]["state"] == "done"
    return result


# ---------------------------------------------------------------- fill


def _mode(values):
    found = values.dropna().mode()
    return found.iloc[0] if len(found) else None


def fill_oracle(frame, column, how, by, value):
    s = frame[column]
    grouped = frame.groupby(by, dropna=False, sort=False)[column] if by else None
    if how == "previous":
        return grouped.ffill() if by else s.ffill()
    if how == "next":
        return grouped.bfill() if by else s.bfill()
    if how == "value":
        return s.where(s.notna(), value)
    if how == "most_frequent":
        filler = grouped.transform(_mode) if by else pd.Series([_mode(s)] * len(s), index=s.index, dtype=object)
    else:
        numbers = s.astype("float64")
        s = numbers
        if by:
            filler = numbers.groupby([frame[b] for b in by], dropna=False).transform(how)
        else:
            filler = pd.Series([getattr(numbers, how)()] * len(s), index=s.index)
    return s.where(s.notna(), filler)


FILLS = [
    ("t", "previous", None),
    ("t", "next", None),
    ("t", "most_frequent", None),
    ("t", "value", "?"),
    ("n", "mean", None),
    ("n", "median", None),
    ("n", "most_frequent", None),
    ("n", "previous", None),
    ("i", "mean", None),
    ("i", "value", 0),
    ("d", "next", None),
    ("d", "value", "2000-01-01"),
]


@pytest.mark.parametrize("grouped", [False, True], ids=["whole", "by-group"])
@pytest.mark.parametrize("role, how, value", FILLS, ids=[r + "-" + h for r, h, _ in FILLS])
def test_fill_matches_pandas(table, role, how, value, grouped):
    column = table[role]
    step = {"kind": "fill", "column": column, "with": how}
    if how == "value":
        step["value"] = value
    by = [table["g"]] if grouped else []
    if by:
        step["by"] = by
    applied(table, step)
    names, got = table.read()
    assert names == table.columns
    oracle_value = D(2000, 1, 1) if role == "d" and how == "value" else value
    same(got[column], fill_oracle(table.frame, column, how, by, oracle_value))
    for other in table.columns:
        if other != column:
            same(got[other], table.frame[other])


def test_fill_keeps_the_column_type_with_a_value_and_reorders_with_windows():
    made = Table("plain", "basic")
    result = made.apply([{"kind": "fill", "column": "i", "with": "value", "value": "7"}])
    assert [c["type"] for c in result["columns"] if c["name"] == "i"] == ["INTEGER"]
    assert made.read()[1]["i"] == [1, 2, 7, 4, 5, 6, 5]
    assert not steps.reorders({"kind": "fill", "column": "i", "with": "value", "value": 1})
    assert steps.reorders({"kind": "fill", "column": "i", "with": "previous"})
    assert steps.changed_columns({"kind": "fill", "column": "i", "with": "mean"}) == ["i"]
    made.close()


def test_fill_most_frequent_takes_the_smallest_on_a_tie():
    made = Table("plain", "basic")
    # 'a' rows: 1.5, None, None ; 'b' rows: 3.0, None, 2.0, 2.0 -> 2.0 ; whole: 2.0 twice
    applied(made, {"kind": "fill", "column": "n", "with": "most_frequent", "by": ["g"]})
    assert made.read()[1]["n"] == [1.5, 1.5, 3.0, 2.0, 2.0, 1.5, 2.0]
    made.close()


# ---------------------------------------------------------------- replace


def _literal(find, new, case=True):
    return lambda s: s.str.replace(re.escape(find), lambda m: new, regex=True, flags=0 if case else re.I)


def _pattern(find, new, case=True):
    return lambda s: s.str.replace(find, new, regex=True, flags=0 if case else re.I)


def _whole(find, new, regex=False, case=True):
    def run(s):
        pattern = find if regex else re.escape(find)
        hit = s.map(lambda v: v is not None and re.fullmatch(pattern, v, 0 if case else re.I) is not None)
        return s.where(~hit.astype(bool), new)

    return run


REPLACES = [
    ({"find": "a", "replace": "A"}, lambda s: s.str.replace("a", "A", regex=False)),
    ({"find": ", ", "replace": " | "}, lambda s: s.str.replace(", ", " | ", regex=False)),
    ({"find": ".", "replace": "!", "case": False}, _literal(".", "!", case=False)),
    ({"find": "é", "replace": "e", "case": False}, _literal("é", "e", case=False)),
    ({"find": "jo", "replace": "\\1", "case": False}, _literal("jo", "\\1", case=False)),
    ({"find": "\\", "replace": "/"}, lambda s: s.str.replace("\\", "/", regex=False)),
    ({"find": "\\", "replace": "/", "case": False}, _literal("\\", "/", case=False)),
    ({"find": "日本", "replace": "🗾"}, lambda s: s.str.replace("日本", "🗾", regex=False)),
    ({"find": "([^,]+), ([^,]+)", "replace": "\\2 \\1", "regex": True}, _pattern("([^,]+), ([^,]+)", "\\2 \\1")),
    ({"find": "[ \t]+", "replace": "_", "regex": True}, _pattern("[ \t]+", "_")),
    ({"find": "j(o)", "replace": "<\\1>", "regex": True, "case": False}, _pattern("j(o)", "<\\1>", case=False)),
    ({"find": "É", "replace": "E", "regex": True, "case": False}, _pattern("É", "E", case=False)),
    ({"find": "", "replace": "(empty)", "whole_cell": True}, _whole("", "(empty)")),
    (
        {"find": "smith, john", "replace": None, "case": False, "whole_cell": True},
        _whole("smith, john", None, case=False),
    ),
    ({"find": "Smith, John", "replace": "SJ", "whole_cell": True}, _whole("Smith, John", "SJ")),
    (
        {"find": "[^,]+, [a-z]+", "replace": "<x>", "regex": True, "whole_cell": True},
        _whole("[^,]+, [a-z]+", "<x>", True),
    ),
]


@pytest.mark.parametrize("step, oracle", REPLACES, ids=[str(i) for i in range(len(REPLACES))])
def test_replace_in_one_column_matches_pandas(table, step, oracle):
    column = table["t"]
    applied(table, dict(step, kind="replace", column=column))
    names, got = table.read()
    assert names == table.columns
    same(got[column], oracle(table.frame[column]))
    same(got[table["g"]], table.frame[table["g"]])


@pytest.mark.parametrize("which", ["all", "list"])
def test_replace_in_several_text_columns(table, which):
    step = {"kind": "replace", "find": "0", "replace": "o"}
    targets = [table[r] for r in ("g", "t", "num", "day")]
    if which == "list":
        targets = [table["t"], table["day"]]
        step["columns"] = targets
    applied(table, step)
    _, got = table.read()
    for name in table.columns:
        expected = table.frame[name]
        if name in targets:
            expected = expected.str.replace("0", "o", regex=False)
        same(got[name], expected)
    assert steps.changed_columns(step) == ([] if which == "all" else targets)


# ---------------------------------------------------------------- clean

SPACES = " \t\n\r\x0b\x0c\u00a0"


def _title(value):
    if value is None:
        return None
    return " ".join([w[:1].upper() + w[1:].lower() for w in value.split(" ")])


def clean_oracle(s, step):
    if step.get("trim"):
        s = s.str.strip(SPACES)
    if step.get("collapse"):
        s = s.str.replace("[ \t\n\r\x0b\x0c\u00a0]+", " ", regex=True)
    case = step.get("letter_case")
    if case == "lower":
        s = s.str.lower()
    elif case == "upper":
        s = s.str.upper()
    elif case == "title":
        s = s.map(lambda v: None if v is None or v != v else _title(v))
    return s


CLEANS = [
    {"trim": True},
    {"collapse": True},
    {"trim": True, "collapse": True, "letter_case": "lower"},
    {"letter_case": "upper"},
    {"letter_case": "title", "trim": True},
    {"collapse": True, "letter_case": "title", "trim": False},
]


@pytest.mark.parametrize("settings", CLEANS, ids=[str(i) for i in range(len(CLEANS))])
def test_clean_matches_pandas(table, settings):
    targets = [table["t"], table["g"]]
    applied(table, dict(settings, kind="clean", columns=targets))
    names, got = table.read()
    assert names == table.columns
    for name in table.columns:
        expected = clean_oracle(table.frame[name], settings) if name in targets else table.frame[name]
        same(got[name], expected)


# ---------------------------------------------------------------- split

SPLITS = [
    {"delimiter": ", ", "names": ["last", "first"]},
    {"delimiter": ",", "parts": 3},
    {"delimiter": ", *", "regex": True, "parts": 2},
    {"delimiter": "[,;] ?", "regex": True, "names": ["p1", "p2", "p3"]},
    {"delimiter": "日", "parts": 2},
    {"delimiter": " ", "parts": 4},
]


@pytest.mark.parametrize("settings", SPLITS, ids=[str(i) for i in range(len(SPLITS))])
def test_split_into_columns_matches_pandas(table, settings):
    column = table["t"]
    step = dict(settings, kind="split", column=column)
    n = len(settings["names"]) if "names" in settings else settings["parts"]
    new = settings.get("names") or [column + "_" + str(i + 1) for i in range(n)]
    result = applied(table, step)
    assert steps.made_columns(step) == new
    names, got = table.read()
    at = table.columns.index(column) + 1
    assert names == table.columns[:at] + new + table.columns[at:]
    assert [c["name"] for c in result["columns"]] == names
    pieces = table.frame[column].str.split(settings["delimiter"], n=n - 1, regex=bool(settings.get("regex")))
    for k, name in enumerate(new):
        expected = pieces.map(lambda p, k=k: None if not isinstance(p, list) or k >= len(p) else p[k])
        same(got[name], expected)
    for name in table.columns:
        same(got[name], table.frame[name])


@pytest.mark.parametrize(
    "settings", [{"delimiter": ", "}, {"delimiter": "[,;] *", "regex": True}], ids=["text", "regex"]
)
def test_split_into_rows_matches_pandas_explode(table, settings):
    column = table["t"]
    step = dict(settings, kind="split", column=column, into_rows=True)
    then = {"kind": "fill", "column": table["num"], "with": "previous"}  # needs the new rows' order
    result = table.apply([step, then])
    assert result["failed"] is None, result["stages"]
    names, got = table.read()
    assert names == table.columns
    frame = table.frame.copy()
    frame[column] = frame[column].str.split(settings["delimiter"], regex=bool(settings.get("regex")))
    expected = frame.explode(column).reset_index(drop=True)
    expected[table["num"]] = expected[table["num"]].ffill()
    for name in table.columns:
        same(got[name], expected[name])
    assert steps.reorders(step) and steps.made_columns(step) == [] and steps.changed_columns(step) == []


# ---------------------------------------------------------------- extract

EXTRACTS = [
    ({"pattern": "([0-9]+)"}, "([0-9]+)", 1, 0),
    ({"pattern": "([A-Za-z])([a-z]+)", "group": 2}, "([A-Za-z])([a-z]+)", 2, 0),
    ({"pattern": "o[^ ]", "group": 0}, "(o[^ ])", 1, 0),
    ({"pattern": "(j)", "case": False}, "(j)", 1, re.I),
    ({"pattern": "(日本)+, (.)"}, "(日本)+, (.)", 2, 0),
    ({"pattern": "(?P<first>é)"}, "(?P<first>é)", 1, 0),
]


@pytest.mark.parametrize("settings, pattern, group, flags", EXTRACTS, ids=[str(i) for i in range(len(EXTRACTS))])
def test_extract_a_group_matches_pandas(table, settings, pattern, group, flags):
    column = table["t"]
    step = dict(settings, kind="extract", column=column, name="found")
    if "group" not in settings and group == 2:
        step["group"] = 2
    applied(table, step)
    names, got = table.read()
    at = table.columns.index(column) + 1
    assert names == table.columns[:at] + ["found"] + table.columns[at:]
    expected = table.frame[column].str.extract(pattern, flags=flags, expand=True)
    same(got["found"], expected.iloc[:, group - 1] if len(expected.columns) else [])


DATE_PARTS = {
    "year": lambda s: s.dt.year,
    "quarter": lambda s: s.dt.quarter,
    "month": lambda s: s.dt.month,
    "month_name": lambda s: s.dt.month_name(),
    "week": lambda s: s.dt.isocalendar().week,
    "day": lambda s: s.dt.day,
    "weekday": lambda s: s.dt.day_of_week + 1,
    "weekday_name": lambda s: s.dt.day_name(),
    "day_of_year": lambda s: s.dt.day_of_year,
}
TIME_PARTS = {
    "hour": lambda s: s.dt.hour,
    "minute": lambda s: s.dt.minute,
    "second": lambda s: s.dt.second,
}
PARTS = [("d", p) for p in DATE_PARTS] + [("ts", p) for p in list(DATE_PARTS) + list(TIME_PARTS)]


@pytest.mark.parametrize("role, part", PARTS, ids=[r + "-" + p for r, p in PARTS])
def test_extract_a_date_part_matches_pandas(table, role, part):
    column = table[role]
    name = "the " + part
    applied(table, {"kind": "extract", "column": column, "name": name, "part": part})
    names, got = table.read()
    assert names.index(name) == names.index(column) + 1
    moments = pd.to_datetime(table.frame[column])
    expected = dict(DATE_PARTS, **TIME_PARTS)[part](moments)
    same(got[name], expected.astype(object))


# ---------------------------------------------------------------- parse


def number_text(value, decimal, thousands):
    kept = "".join([ch for ch in value if not ch.isspace() and ch not in "€$£¥%"]).replace("\u2212", "-")
    if thousands not in ("", " "):
        kept = kept.replace(thousands, "")
    if decimal == ",":
        kept = kept.replace(",", ".")
    return kept


def parse_number_oracle(s, to, decimal, thousands):
    cleaned = s.map(lambda v: number_text(v, decimal, thousands) if isinstance(v, str) else None)
    if to == "integer":
        return cleaned.map(lambda v: int(v) if isinstance(v, str) and re.fullmatch("[+-]?[0-9]+", v) else None)
    return pd.to_numeric(cleaned, errors="coerce")


NUMBER_FORMS = [(".", ","), (",", "."), (".", ""), (",", " "), (".", "'"), (",", "")]


@pytest.mark.parametrize("to", ["number", "integer"])
@pytest.mark.parametrize("decimal, thousands", NUMBER_FORMS, ids=[d + "|" + t for d, t in NUMBER_FORMS])
def test_parse_numbers_matches_pandas(table, to, decimal, thousands):
    column = table["num"]
    step = {"kind": "parse", "column": column, "as": to, "decimal": decimal, "thousands": thousands}
    result = applied(table, step)
    kind = [c["type"] for c in result["columns"] if c["name"] == column]
    assert kind == ["DOUBLE" if to == "number" else "BIGINT"]
    names, got = table.read()
    assert names == table.columns
    same(got[column], parse_number_oracle(table.frame[column], to, decimal, thousands))


DATE_FORMS = [("date", "%d/%m/%Y"), ("timestamp", "%d/%m/%Y"), ("date", None), ("timestamp", None)]


@pytest.mark.parametrize("to, fmt", DATE_FORMS, ids=[t + "-" + str(f) for t, f in DATE_FORMS])
def test_parse_dates_matches_pandas(table, to, fmt):
    column = table["day"]
    step = {"kind": "parse", "column": column, "as": to}
    if fmt:
        step["format"] = fmt
    result = applied(table, step)
    assert [c["type"] for c in result["columns"] if c["name"] == column] == [to.upper()]
    _, got = table.read()
    text = table.frame[column].map(lambda v: None if v is None else v.strip(" "))
    parsed = pd.to_datetime(text, format=fmt or "%Y-%m-%d", errors="coerce")
    expected = [None if pd.isna(v) else (v.date() if to == "date" else v.to_pydatetime()) for v in parsed]
    same(got[column], expected)


# ---------------------------------------------------------------- malformed steps

COLUMNS = [
    {"name": ROW, "type": "BIGINT"},
    {"name": "t", "type": "VARCHAR"},
    {"name": "g", "type": "VARCHAR"},
    {"name": "n", "type": "DOUBLE"},
    {"name": "i", "type": "INTEGER"},
    {"name": "d", "type": "DATE"},
    {"name": "ts", "type": "TIMESTAMP"},
]

MALFORMED = [
    ({"kind": "fill", "column": "t"}, "step.with is missing"),
    ({"kind": "fill", "column": "t", "with": "avg"}, "step.with must be one of value, previous, next"),
    ({"kind": "fill", "column": "t", "with": "mean"}, "with: the mean needs a number column; 't' holds VARCHAR"),
    ({"kind": "fill", "column": "d", "with": "median"}, "with: the median needs a number column"),
    ({"kind": "fill", "column": "t", "with": "value"}, "value is missing"),
    ({"kind": "fill", "column": "t", "with": "value", "value": None}, "value is missing"),
    ({"kind": "fill", "column": "i", "with": "value", "value": 1.5}, "value 1.5 is not a whole number"),
    ({"kind": "fill", "column": "t", "with": "previous", "value": 1}, 'value is only for "with": "value"'),
    ({"kind": "fill", "column": "t", "with": "previous", "by": "g"}, "step.by must be a list of column names"),
    ({"kind": "fill", "column": "t", "with": "previous", "by": ["t"]}, "by: 't' is the column being filled"),
    ({"kind": "fill", "column": "t", "with": "previous", "by": ["zz"]}, "there is no column 'zz' here"),
    ({"kind": "fill", "column": "zz", "with": "previous"}, "there is no column 'zz' here"),
    ({"kind": "fill", "column": ROW, "with": "previous"}, "there is no column '__loupe_row' here"),
    ({"kind": "fill", "column": "n", "with": "value", "value": [1]}, "step.value must be a value"),
    ({"kind": "fill", "column": "n", "with": "mean", "how": 1}, "step.how is not a setting of a fill step"),
    ({"kind": "replace", "find": "a"}, "step.replace is missing"),
    ({"kind": "replace", "replace": "a"}, "step.find is missing"),
    ({"kind": "replace", "find": "a", "replace": "b", "column": "n"}, "column: 'n' holds DOUBLE values, not text"),
    ({"kind": "replace", "find": "a", "replace": "b", "columns": ["t", "i"]}, "columns: 'i' holds INTEGER"),
    ({"kind": "replace", "find": "", "replace": "b"}, "find is empty"),
    ({"kind": "replace", "find": "a", "replace": None}, "replace: null (emptying the cells) needs"),
    ({"kind": "replace", "find": "a", "replace": 3}, "replace must be text"),
    ({"kind": "replace", "find": "a", "replace": "b", "column": "t", "columns": ["g"]}, "columns: give column"),
    ({"kind": "replace", "find": "a", "replace": "b", "regex": "yes"}, "step.regex must be true or false"),
    ({"kind": "replace", "find": "a", "replace": "b", "whole": True}, "step.whole is not a setting"),
    ({"kind": "clean", "columns": ["t"]}, "choose at least one"),
    ({"kind": "clean", "columns": ["t"], "trim": False}, "choose at least one"),
    ({"kind": "clean", "columns": ["n"], "trim": True}, "columns: 'n' holds DOUBLE values, not text; clean"),
    (
        {"kind": "clean", "columns": ["t"], "letter_case": "camel"},
        "step.letter_case must be one of lower, upper, title",
    ),
    ({"kind": "clean", "columns": [], "trim": True}, "step.columns must be a list of column names"),
    ({"kind": "clean", "columns": ["t", "t"], "trim": True}, "columns: a column is named twice"),
    ({"kind": "split", "column": "t", "delimiter": ",", "parts": 0}, "parts must be from 2 to 64 (not 0)"),
    ({"kind": "split", "column": "t", "delimiter": ",", "parts": "2"}, "step.parts must be a whole number"),
    ({"kind": "split", "column": "t", "delimiter": ","}, "names is missing"),
    ({"kind": "split", "column": "t", "parts": 2}, "step.delimiter is missing"),
    ({"kind": "split", "column": "t", "delimiter": "", "parts": 2}, "delimiter is empty"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["a"]}, "names must list from 2 to 64"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["a", "A"]}, "names: 'A' is named twice"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["N", "x"]}, "there is already a column named 'N'"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["x", " "]}, "names[1] must be a name"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["x", 3]}, "names[1] must be a name"),
    ({"kind": "split", "column": "t", "delimiter": ",", "parts": 3, "names": ["a", "b"]}, "parts is 3 but names"),
    ({"kind": "split", "column": "t", "delimiter": ",", "into_rows": True, "parts": 2}, "parts: a split into_rows"),
    ({"kind": "split", "column": "n", "delimiter": ",", "parts": 2}, "column: 'n' holds DOUBLE"),
    ({"kind": "split", "column": "t", "delimiter": ",", "names": ["x", ROW]}, "names: the name __loupe_row is kept"),
    ({"kind": "extract", "column": "t", "name": "x"}, "pattern is missing"),
    ({"kind": "extract", "column": "t", "name": "x", "pattern": "(a)", "part": "year"}, "part: give pattern"),
    ({"kind": "extract", "column": "t", "name": "x", "part": "year"}, "part: 't' holds VARCHAR values"),
    ({"kind": "extract", "column": "d", "name": "x", "part": "hour"}, "hour needs a timestamp or time column"),
    ({"kind": "extract", "column": "d", "name": "x", "part": "decade"}, "step.part must be one of year, quarter"),
    ({"kind": "extract", "column": "t", "name": "x", "pattern": "a"}, "group is 1 but the pattern has no groups"),
    ({"kind": "extract", "column": "t", "name": "x", "pattern": "(a)", "group": 2}, "the pattern has 1 group ("),
    ({"kind": "extract", "column": "t", "name": "x", "pattern": "(a)", "group": -1}, "group must be 0"),
    ({"kind": "extract", "column": "t", "name": "x", "pattern": "\\((?:a)[(]", "group": 1}, "has no groups"),
    ({"kind": "extract", "column": "t", "name": "n", "pattern": "(a)"}, "there is already a column named 'n'"),
    ({"kind": "extract", "column": "t", "name": "", "pattern": "(a)"}, "step.name must be a name for the new column"),
    ({"kind": "extract", "column": "d", "name": "x", "part": "year", "group": 1}, "group is only for a pattern"),
    ({"kind": "extract", "column": "n", "name": "x", "pattern": "(a)"}, "column: 'n' holds DOUBLE"),
    ({"kind": "parse", "column": "n", "as": "number"}, "column: 'n' holds DOUBLE values, not text; parse works"),
    ({"kind": "parse", "column": "t"}, "step.as is missing"),
    ({"kind": "parse", "column": "t", "as": "money"}, "step.as must be one of number, integer, date, timestamp"),
    ({"kind": "parse", "column": "t", "as": "number", "decimal": ";"}, "decimal must be '.' or ','"),
    ({"kind": "parse", "column": "t", "as": "number", "decimal": ",", "thousands": ","}, "thousands and decimal"),
    ({"kind": "parse", "column": "t", "as": "number", "thousands": "x"}, "thousands must be one of"),
    ({"kind": "parse", "column": "t", "as": "number", "thousands": 1}, "step.thousands must be text"),
    ({"kind": "parse", "column": "t", "as": "number", "format": "%Y"}, "format is for dates and times"),
    ({"kind": "parse", "column": "t", "as": "date", "decimal": ","}, "decimal is for numbers"),
    ({"kind": "parse", "column": "t", "as": "date", "format": " "}, "format is empty"),
]


@pytest.mark.parametrize("step, words", MALFORMED, ids=[str(i) for i in range(len(MALFORMED))])
def test_malformed_steps_are_refused_naming_the_field(step, words):
    why = steps.problem(step, COLUMNS)
    assert why is not None and words in why, why


def test_shape_problems_come_before_the_columns_are_known():
    assert steps.shape_problem({"kind": "split", "column": "t", "delimiter": ",", "parts": 2.5}) == (
        "step.parts must be a whole number (not 2.5)"
    )
    assert steps.shape_problem({"kind": "fill", "column": "", "with": "next"}).startswith("step.column must be")
    assert steps.shape_problem({"kind": "clean", "columns": ["t"], "trim": "yes"}).startswith("step.trim must be")
    assert steps.shape_problem({"kind": "parse", "column": "t", "as": "date"}) is None


@pytest.mark.parametrize(
    "step, words",
    [
        (
            {"kind": "replace", "find": "(a", "replace": "b", "regex": True},
            "find '(a' is not a valid regular expression",
        ),
        ({"kind": "split", "column": "t", "delimiter": "[", "regex": True, "parts": 2}, "delimiter '[' is not a valid"),
        ({"kind": "split", "column": "t", "delimiter": ",*", "regex": True, "into_rows": True}, "matches empty text"),
        ({"kind": "extract", "column": "t", "name": "x", "pattern": "(a))"}, "pattern '(a))' is not a valid regular"),
        ({"kind": "parse", "column": "day", "as": "date", "format": "%Q"}, "format '%Q' cannot be used"),
        ({"kind": "fill", "column": "n", "with": "value", "value": "lots"}, "value 'lots' does not fit 'n'"),
        ({"kind": "fill", "column": "i", "with": "value", "value": 2**40}, "does not fit 'i', which holds INTEGER"),
    ],
    ids=["replace", "split", "split-empty", "extract", "parse", "fill-text", "fill-big"],
)
def test_what_the_engine_refuses_fails_the_step_in_words_and_keeps_the_table(step, words):
    made = Table("plain", "basic")
    first = {"kind": "clean", "columns": ["t"], "trim": True}
    result = made.apply([first, step, {"kind": "fill", "column": "g", "with": "next"}])
    assert result["failed"] == 1
    assert [s["state"] for s in result["stages"]] == ["done", "failed", "waiting"]
    problem = result["stages"][1]["problem"]
    assert words in problem and "\n" not in problem and "file" not in problem, problem
    names, got = made.read()
    assert names == made.columns
    same(got["t"], clean_oracle(made.frame["t"], first))
    same(got["n"], made.frame["n"])
    made.close()


def test_a_step_failing_at_run_time_is_marked_failed_and_the_table_stays_as_before(monkeypatch):
    """A value step whose SQL binds but fails on the data: here parse made to cast strictly (no TRY_CAST)."""

    def strict(prev, step, columns, prepared=None):
        name = q(step["column"])
        return "SELECT * REPLACE (CAST(" + name + " AS DOUBLE) AS " + name + ") FROM " + prev

    monkeypatch.setitem(step_parse.KINDS["parse"], "sql", strict)
    made = Table("plain", "basic")
    first = {"kind": "fill", "column": "n", "with": "previous"}
    result = made.apply([first, {"kind": "parse", "column": "num", "as": "number"}])
    assert result["failed"] == 1
    assert result["stages"][0]["state"] == "done"
    assert result["stages"][1]["state"] == "failed"
    assert "Could not convert string" in result["stages"][1]["problem"]
    names, got = made.read()
    assert names == made.columns
    same(got["num"], made.frame["num"])
    same(got["n"], made.frame["n"].ffill())
    made.close()


# ---------------------------------------------------------------- preview


def counts(before, after):
    before = [plain(v) for v in before]
    after = [plain(v) for v in after]
    changed = sum(1 for b, a in zip(before, after) if b != a)
    emptied = sum(1 for b, a in zip(before, after) if a is None and b is not None)
    return changed, emptied


PREVIEWS = [
    ({"kind": "fill", "with": "previous"}, "t", lambda s, f: s.ffill()),
    ({"kind": "replace", "find": "", "replace": None, "whole_cell": True}, "t", lambda s, f: s.where(s != "", None)),
    ({"kind": "clean", "trim": True, "collapse": True}, "t", lambda s, f: clean_oracle(s, {"trim": 1, "collapse": 1})),
    ({"kind": "replace", "find": "a", "replace": ""}, "t", lambda s, f: s.str.replace("a", "", regex=False)),
    ({"kind": "fill", "with": "mean"}, "n", lambda s, f: s.fillna(s.mean())),
]


@pytest.mark.parametrize("step, role, oracle", PREVIEWS, ids=[str(i) for i in range(len(PREVIEWS))])
def test_preview_counts_agree_with_pandas(table, step, role, oracle):
    column = table[role]
    step = dict(step, column=column) if step["kind"] != "clean" else dict(step, columns=[column])
    if step["kind"] == "replace":
        step["column"] = column
    shown = table.engine.run(recipe.preview("t", [step], 0))
    assert shown["problem"] is None
    expected = oracle(table.frame[column], table.frame)
    assert (shown["changed"], shown["emptied"]) == counts(table.frame[column], expected)
    same(shown["before"][column], table.frame[column][: recipe.PREVIEW_ROWS])
    at = [c["name"] for c in shown["columns"]].index(column)
    same([row[at] for row in shown["rows"]], list(expected)[: recipe.PREVIEW_ROWS])


def test_preview_of_a_parse_counts_the_values_it_empties():
    made = Table("plain", "basic")
    shown = made.engine.run(recipe.preview("t", [{"kind": "parse", "column": "num", "as": "number"}], 0))
    assert shown["problem"] is None
    assert shown["emptied"] == 3  # "1,234.50", "abc" and "1'234.5" do not parse without a thousands separator
    made.close()


# ---------------------------------------------------------------- words and helpers


@pytest.mark.parametrize(
    "step, line",
    [
        (
            {"kind": "split", "column": "name", "delimiter": ", ", "names": ["last", "first"]},
            "Split 'name' on ', ' into 'last' and 'first'",
        ),
        (
            {"kind": "split", "column": "name", "delimiter": ";", "parts": 3},
            "Split 'name' on ';' into 'name_1', 'name_2' and 'name_3'",
        ),
        (
            {"kind": "split", "column": "tags", "delimiter": "[,;]", "regex": True, "into_rows": True},
            "Split 'tags' on the pattern '[,;]' into rows, one per part",
        ),
        (
            {"kind": "fill", "column": "city", "with": "previous", "by": ["country"]},
            "Fill missing 'city' with the previous value (within 'country')",
        ),
        ({"kind": "fill", "column": "n", "with": "value", "value": 0}, "Fill missing 'n' with 0"),
        ({"kind": "fill", "column": "n", "with": "most_frequent"}, "Fill missing 'n' with the most frequent value"),
        (
            {"kind": "replace", "find": "N/A", "replace": None, "whole_cell": True, "column": "c"},
            "Replace cells that are exactly 'N/A' with empty in 'c'",
        ),
        (
            {"kind": "replace", "find": "a+", "replace": "b", "regex": True, "case": False},
            "Replace matches of the pattern 'a+' (any case) with 'b' in every text column",
        ),
        (
            {"kind": "clean", "columns": ["a", "b"], "letter_case": "title", "trim": True},
            "Clean 'a', 'b': trim, title case",
        ),
        (
            {"kind": "extract", "column": "code", "name": "digits", "pattern": "([0-9]+)"},
            "New column 'digits' = group 1 of the pattern '([0-9]+)' in 'code'",
        ),
        (
            {"kind": "extract", "column": "when", "name": "wd", "part": "weekday_name"},
            "New column 'wd' = the weekday name of 'when'",
        ),
        (
            {"kind": "parse", "column": "price", "as": "number", "decimal": ",", "thousands": "."},
            "Read 'price' as numbers (decimal ',', thousands '.'); text that does not parse becomes empty",
        ),
        (
            {"kind": "parse", "column": "day", "as": "date", "format": "%d/%m/%Y", "off": True},
            "Read 'day' as dates (format %d/%m/%Y); text that does not parse becomes empty (off)",
        ),
    ],
)
def test_says_one_plain_line(step, line):
    assert steps.shape_problem(step) is None
    assert steps.says(step) == line


NASTY = ["a.b", "(x)", "[a-z]", "1+1=2?", "^$", "a|b", "{2}", "\\d", "é 日本 😀", "'\"", "tab\tnew\nline", "-]"]


def test_escape_regex_matches_exactly_the_text():
    engine = NativeEngine()
    for text in NASTY:
        pattern = sql.literal(step_text_sql.escape_regex(text))
        found = engine.execute(
            "SELECT regexp_full_match(" + sql.literal(text) + ", " + pattern + "), regexp_matches('x', " + pattern + ")"
        )
        assert found["rows"][0] == [True, text == "x"], text
    engine.close()


@pytest.mark.parametrize(
    "pattern",
    ["a", "(a)", "(a)(b)", "(?:a)(b)", "\\(a\\)", "[(]a", "[]()]", "[^](]", "(?P<x>a)(?i:b)", "((a)|b)", "(?i)(x)"],
)
def test_group_count_agrees_with_python(pattern):
    assert step_text_sql.group_count(pattern) == re.compile(pattern).groups


# ---------------------------------------------------------------- the same steps under MicroPython

REPLAY = """
import json
from app.core import errors, loading, recipe, steps
cases = json.load(open("/cases.json"))
out = []
for case in cases["runs"]:
    answers = case["answers"]

    def ask(statement, params, answers=answers):
        asked, answer = answers.pop(0)
        if asked != [statement, params]:
            raise ValueError("MicroPython asked another statement: " + statement)
        if "error" in answer:
            raise errors.QueryError(answer["error"])
        return answer

    done = loading.run(recipe.apply("t", case["steps"]), ask)
    stages = [[s["state"], s["problem"]] for s in done["stages"]]
    out.append([done["sql"], done["columns"], stages, [steps.says(s) for s in case["steps"]]])
out.append([steps.problem(step, cases["columns"]) for step in cases["malformed"]])
print(json.dumps(out))
"""

MICRO_RUNS = [
    [
        {"kind": "fill", "column": '""', "with": "previous", "by": ['say "hi"']},
        {"kind": "fill", "column": '"', "with": "value", "value": 2.5},
        {"kind": "fill", "column": "it's", "with": "most_frequent"},
        {"kind": "fill", "column": '"', "with": "median", "by": ['say "hi"']},
    ],
    [
        {"kind": "replace", "find": "é(c)", "replace": "[\\1]", "regex": True, "case": False},
        {"kind": "replace", "find": "naïve café", "replace": None, "whole_cell": True, "column": '""'},
        {"kind": "replace", "find": "\\.", "replace": "'", "columns": ["n'\"", '""']},
    ],
    [{"kind": "clean", "columns": ['""', 'say "hi"'], "trim": True, "collapse": True, "letter_case": "title"}],
    [
        {"kind": "split", "column": '""', "delimiter": ", ", "names": ["a'b", 'c"d']},
        {"kind": "split", "column": '""', "delimiter": "[,;] *", "regex": True, "into_rows": True},
    ],
    [
        {"kind": "extract", "column": '""', "name": "日本", "pattern": "(日本)+"},
        {"kind": "extract", "column": "t s", "name": "wd", "part": "weekday_name"},
        {"kind": "parse", "column": "n'\"", "as": "number", "decimal": ",", "thousands": " "},
        {"kind": "parse", "column": '"day"', "as": "date", "format": "%d/%m/%Y"},
    ],
    [
        {"kind": "replace", "find": "(é", "replace": "e", "regex": True},
        {"kind": "clean", "columns": ['""'], "trim": True},
    ],
    [{"kind": "fill", "column": '"', "with": "value", "value": "é"}],
]


def test_micropython_builds_the_same_views(tmp_path):
    import json
    import shutil

    from micropython_replay import MICROPYTHON, replay
    from test_profile import browser_shaped

    if not shutil.which("node") or not MICROPYTHON.exists():
        pytest.skip("needs node and MicroPython's npm package")
    runs, expected = [], []
    for step_list in MICRO_RUNS:
        made = Table("quoted", "unicode")
        answers = []

        def recording(statement, params, made=made, answers=answers):
            try:
                result = made.engine.execute(statement, params)
            except errors.QueryError as failure:
                answers.append([[statement, params], {"error": str(failure)}])
                raise
            answer = {"columns": result["columns"], "rows": browser_shaped(result["rows"])}
            answers.append([[statement, params], answer])
            return answer

        done = loading.run(recipe.apply("t", step_list), recording)
        stages = [[s["state"], s["problem"]] for s in done["stages"]]
        expected.append([done["sql"], done["columns"], stages, [steps.says(s) for s in step_list]])
        runs.append({"steps": step_list, "answers": answers})
        made.close()
    assert [s[0] for s in expected[-2][2]] == ["failed", "waiting"]
    assert [s[0] for s in expected[-1][2]] == ["failed"]
    malformed = [step for step, _ in MALFORMED]
    expected.append([steps.problem(step, COLUMNS) for step in malformed])
    cases = {"runs": runs, "columns": COLUMNS, "malformed": malformed}
    assert replay(tmp_path, cases, REPLAY, heap_mb=48, timeout=180) == json.loads(json.dumps(expected))


def test_every_date_part_is_listed_in_order_once():
    assert sorted(step_parts.PART_NAMES) == sorted(step_parts._PARTS)
    assert len(set(step_parts.PART_NAMES)) == len(step_parts.PART_NAMES)
