"""app/core/code_pandas.py: each exported pandas script is run and its output compared with the grid's view.

Every case writes a real CSV, reads it as Loupe does, applies steps and a view
state, prints ``script(plan)`` and runs it in a subprocess
(``code_cases.run_script``); ``same_rows`` compares its CSV with the oracle
``case.shown()``. Nothing here compares code text except the malformed-plan
checks, which only ask that a script still prints and runs.
"""

from __future__ import annotations

import ast

import pytest
from code_examples import EXAMPLES, build

from app.core import code_pandas
from tests.unit.code_cases import Case, run_script, same_rows

SALES = (
    "id,city,qty,price,day,paid\n"
    "1,Oslo,3,2.5,2024-01-02,true\n"
    "2,NA,,1.0,2024-02-03,false\n"
    "3,Rome,5,NA,NA,NA\n"
    "4,Oslo,5,3,2024-01-09,true\n"
    "5,  rome  x,2,4.5,2024-03-01,false\n"
    "6,Paris,,2.5,2024-03-02,true\n"
)
TEXT = 'id,name,code,when,amount\n1,Ada Lovelace,AB-12,2024-01-02,"1.234,5 €"\n2,grace HOPPER,cd-7,2024-02-29,12 %\n3,,x,bad,n/a\n'
GROUPS = "id,region,amount\n1,n,10\n2,s,\n3,n,\n4,s,5\n5,n,7\n6,,3\n7,,\n8,s,5\n"
ORDERS = "order_id,customer,total\n10,1,5.5\n11,1,7\n12,3,1\n13,9,2\n14,,4\n"
MARCH = "ID,city,extra\n7,Bergen,yes\n8,Oslo,no\n"
WIDE = "id,q1,q2,q3\n1,10,20,\n2,,5,6\n"

CASES = [
    {"id": "plain", "data": SALES},
    {
        "id": "rename-drop-keep",
        "steps": [
            {"kind": "rename", "column": "qty", "to": "quantity"},
            {"kind": "drop", "columns": ["paid"]},
            {"kind": "keep", "columns": ["price", "id", "quantity"]},
        ],
    },
    {"id": "derive-arithmetic", "steps": [{"kind": "derive", "name": "total", "expression": "price * qty + 1"}]},
    {
        "id": "derive-text",
        "steps": [
            {"kind": "derive", "name": "up", "expression": "upper(trim(city)) || '!'"},
            {"kind": "derive", "name": "n", "expression": "length(city)"},
            {"kind": "derive", "name": "c", "expression": "coalesce(qty, 0) + abs(round(price, 1))"},
        ],
    },
    {
        "id": "derive-case",
        "steps": [
            {
                "kind": "derive",
                "name": "band",
                "expression": "CASE WHEN qty > 3 AND NOT paid THEN 'big' WHEN qty IS NULL THEN 'none' ELSE 'small' END",
            },
        ],
    },
    {"id": "derive-replaces-column", "steps": [{"kind": "derive", "name": "PRICE", "expression": "price * 2"}]},
    {"id": "derive-fallback", "steps": [{"kind": "derive", "name": "y", "expression": "strftime(day, '%Y-%m')"}]},
    {
        "id": "conditional",
        "steps": [
            {
                "kind": "conditional",
                "name": "size",
                "when": [
                    {"column": "qty", "op": ">=", "value": 5, "then": "big"},
                    {"column": "city", "op": "contains", "value": "o", "then": {"column": "city"}},
                    {"column": "price", "op": "empty", "then": "no price"},
                ],
                "else": None,
            },
        ],
    },
    {
        "id": "fill-value",
        "steps": [
            {"kind": "fill", "column": "qty", "with": "value", "value": 0},
            {"kind": "fill", "column": "city", "with": "value", "value": "?"},
        ],
    },
    {
        "id": "fill-previous-next",
        "data": GROUPS,
        "steps": [
            {"kind": "fill", "column": "amount", "with": "previous"},
        ],
    },
    {
        "id": "fill-next-by",
        "data": GROUPS,
        "steps": [
            {"kind": "fill", "column": "amount", "with": "next", "by": ["region"]},
        ],
    },
    {
        "id": "fill-mean-by",
        "data": GROUPS,
        "steps": [
            {"kind": "fill", "column": "amount", "with": "mean", "by": ["region"]},
        ],
    },
    {"id": "fill-median", "data": GROUPS, "steps": [{"kind": "fill", "column": "amount", "with": "median"}]},
    {
        "id": "fill-most-frequent",
        "data": GROUPS,
        "steps": [
            {"kind": "fill", "column": "amount", "with": "most_frequent", "by": ["region"]},
            {"kind": "fill", "column": "region", "with": "most_frequent"},
        ],
    },
    {"id": "replace-literal", "steps": [{"kind": "replace", "find": "o", "replace": "0", "column": "city"}]},
    {
        "id": "replace-regex-any-case",
        "steps": [
            {"kind": "replace", "find": "(r)o", "replace": "\\1-", "regex": True, "case": False, "columns": ["city"]},
        ],
    },
    {
        "id": "replace-all-text-whole-cell",
        "steps": [
            {"kind": "replace", "find": "Oslo", "replace": None, "whole_cell": True},
        ],
    },
    {
        "id": "clean",
        "steps": [
            {"kind": "clean", "columns": ["city"], "trim": True, "collapse": True, "letter_case": "title"},
        ],
    },
    {"id": "clean-upper", "steps": [{"kind": "clean", "columns": ["city"], "letter_case": "upper"}]},
    {
        "id": "split-columns",
        "data": TEXT,
        "steps": [
            {"kind": "split", "column": "name", "delimiter": " ", "names": ["first", "last"]},
            {"kind": "split", "column": "code", "delimiter": "-", "parts": 3},
        ],
    },
    {
        "id": "split-rows",
        "data": TEXT,
        "steps": [
            {"kind": "split", "column": "name", "delimiter": "\\s+", "regex": True, "into_rows": True},
        ],
    },
    {
        "id": "extract",
        "data": TEXT,
        "steps": [
            {"kind": "parse", "column": "when", "as": "date"},
            {"kind": "extract", "column": "code", "name": "digits", "pattern": "([0-9]+)"},
            {"kind": "extract", "column": "code", "name": "letters", "pattern": "[a-z]+", "group": 0, "case": False},
            {"kind": "extract", "column": "when", "name": "month", "part": "month"},
            {"kind": "extract", "column": "when", "name": "weekday", "part": "weekday"},
        ],
    },
    {
        "id": "parse-number",
        "data": TEXT,
        "steps": [
            {"kind": "parse", "column": "amount", "as": "number", "decimal": ",", "thousands": "."},
        ],
    },
    {
        "id": "parse-date-format",
        "data": "id,d\n1,02/01/2024\n2,31/12/2023\n3,nope\n",
        "steps": [
            {"kind": "parse", "column": "d", "as": "date", "format": "%d/%m/%Y"},
        ],
    },
    {
        "id": "filter-step",
        "steps": [
            {"kind": "filter", "filters": [{"column": "qty", "op": "range", "value": [3, None]}]},
            {"kind": "filter", "filters": [{"column": "city", "op": "in", "value": ["Rome"]}], "keep": "others"},
        ],
    },
    {"id": "dedupe-first", "data": GROUPS, "steps": [{"kind": "dedupe", "columns": ["region"]}]},
    {"id": "dedupe-last", "data": GROUPS, "steps": [{"kind": "dedupe", "columns": ["region"], "keep": "last"}]},
    {"id": "dedupe-all", "data": "a,b\n1,x\n1,x\n2,\n2,\n", "steps": [{"kind": "dedupe"}]},
    {"id": "sample-rows", "steps": [{"kind": "sample", "rows": 3, "seed": 7}]},
    {"id": "sample-percent", "steps": [{"kind": "sample", "percent": 50, "seed": 1}]},
    {
        "id": "window-rank",
        "data": GROUPS,
        "steps": [
            {"kind": "window", "function": "rank", "column": "amount", "direction": "desc", "by": ["region"]},
            {"kind": "window", "function": "rank", "column": "id", "name": "r"},
        ],
    },
    {
        "id": "window-running-difference",
        "data": GROUPS,
        "steps": [
            {"kind": "window", "function": "running_total", "column": "amount", "by": ["region"]},
            {"kind": "window", "function": "difference", "column": "amount", "order": "id", "direction": "desc"},
        ],
    },
    {
        "id": "window-percent",
        "data": GROUPS,
        "steps": [
            {"kind": "window", "function": "percent_of_total", "column": "amount", "by": ["region"]},
        ],
    },
    {
        "id": "unpivot",
        "data": WIDE,
        "steps": [
            {"kind": "unpivot", "columns": ["q1", "q2", "q3"], "name": "quarter", "value": "sales"},
        ],
    },
    {"id": "unpivot-mixed", "data": "id,a,b\n1,x,2\n2,y,\n", "steps": [{"kind": "unpivot", "columns": ["a", "b"]}]},
    {
        "id": "pivot",
        "data": GROUPS,
        "steps": [
            {"kind": "pivot", "rows": ["region"], "columns": "id", "values": [{"fn": "sum", "column": "amount"}]},
        ],
    },
]
for how in ("inner", "left", "right", "full", "semi", "anti"):
    CASES.append(
        {
            "id": "join-" + how,
            "others": [("orders.csv", ORDERS)],
            "steps": [{"kind": "join", "table": "orders", "how": how, "keys": [["id", "customer"]]}],
        }
    )
CASES += [
    {
        "id": "join-name-taken",
        "others": [("orders.csv", "id,customer,city\n1,1,X\n2,4,Y\n")],
        "steps": [{"kind": "join", "table": "orders", "how": "left", "keys": [["id", "customer"]]}],
    },
    {"id": "append-all", "others": [("march.csv", MARCH)], "steps": [{"kind": "append", "table": "march"}]},
    {
        "id": "append-shared",
        "others": [("march.csv", MARCH)],
        "steps": [{"kind": "append", "table": "march", "columns": "shared"}],
    },
    {
        "id": "other-with-steps",
        "others": [("orders.csv", ORDERS, [{"kind": "derive", "name": "double", "expression": "total * 2"}])],
        "steps": [{"kind": "join", "table": "orders", "how": "inner", "keys": [["id", "customer"]]}],
    },
    # the view
    {
        "id": "filters",
        "state": {
            "filters": [
                {"column": "city", "op": "in", "value": ["Oslo", "Rome", None]},
                {"column": "price", "op": "range", "value": [None, 3]},
            ]
        },
    },
    {
        "id": "filter-not-in-contains",
        "state": {
            "filters": [
                {"column": "id", "op": "not_in", "value": [2]},
                {"column": "city", "op": "contains", "value": "O"},
            ]
        },
    },
    {
        "id": "filter-regex-null",
        "state": {
            "filters": [
                {"column": "city", "op": "regex", "value": "^R"},
                {"column": "qty", "op": "notnull"},
            ]
        },
    },
    {"id": "filter-null", "state": {"filters": [{"column": "qty", "op": "null"}]}},
    {
        "id": "filter-date-range",
        "state": {"filters": [{"column": "day", "op": "range", "value": ["2024-01-05", "2024-03-01"]}]},
    },
    {"id": "search-text", "state": {"search": "os"}},
    {"id": "search-number", "state": {"search": "5"}},
    {"id": "search-date", "state": {"search": "2024-03"}},
    {"id": "sort-desc-ties", "state": {"sort": [["city", "desc"], ["price", "asc"]]}},
    {"id": "sort-nulls-last", "state": {"sort": [["qty", "asc"]]}},
    {
        "id": "hidden-and-order",
        "state": {"hidden": ["paid", "day"], "order": ["price", "city"], "sort": [["id", "desc"]]},
    },
    {"id": "step-off", "steps": [{"kind": "rename", "column": "qty", "to": "q", "off": True}]},
    # reading
    {
        "id": "missing-dash",
        "data": "id,v,when\n1,-,2024-01-01\n2,3.5,-\n3,-,2024-01-03\n",
        "options": {"missing": ["-"]},
    },
    {
        "id": "semicolon-latin1",
        "name": "café.csv",
        "data": "nom;prix\ncafé;1,5\nthé;2\n".encode("latin-1"),
        "options": {"encoding": "latin-1"},
        "steps": [{"kind": "parse", "column": "prix", "as": "number", "decimal": ","}],
    },
    {"id": "no-header", "data": "1,x,2.5\n2,y,\n3,z,1\n", "options": {"header": False}},
    {
        "id": "grouped-view",
        "data": GROUPS + "9,w,\n",  # region w: no amount at all, so its sum is missing
        "state": {
            "filters": [{"column": "id", "op": "range", "value": [2, None]}],
            "group": {
                "by": ["region"],
                "aggs": [
                    {"fn": "sum", "column": "amount"},
                    {"fn": "avg", "column": "amount"},
                    {"fn": "count_distinct", "column": "amount"},
                    {"fn": "max", "column": "id"},
                ],
                "sort": [["sum(amount)", "desc"]],
            },
        },
    },
    {
        "id": "timestamps",
        "data": "id,at\n1,2024-01-02 03:04:05\n2,\n3,2024-05-06 07:08:09\n",
        "state": {"sort": [["at", "desc"]]},
    },
]


def _case(tmp_path, spec: dict) -> Case:
    name = spec.get("name", "sales.csv")
    case = Case.from_csv(tmp_path, name, spec.get("data", SALES), spec.get("options"))
    main = case.table
    for other in spec.get("others") or []:
        case.add_csv(other[0], other[1])
        if len(other) > 2:
            case.steps(other[2])
    case.table = main
    if spec.get("steps"):
        case.steps(spec["steps"])
    if spec.get("state"):
        case.state(**spec["state"])
    return case


_MARKED = [pytest.param(c, id=c["id"]) for c in CASES]


@pytest.mark.parametrize("spec", _MARKED)
def test_script_gives_the_grids_view(tmp_path, spec):
    case = _case(tmp_path, spec)
    text = code_pandas.script(case.plan())
    ast.parse(text)
    path = tmp_path / "x.py"
    path.write_text(text, encoding="utf-8")
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())


def test_script_writes_to_stdout_and_table_is_importable(tmp_path):
    import subprocess
    import sys

    case = _case(tmp_path, {"id": "stdout"})
    (tmp_path / "export.py").write_text(code_pandas.script(case.plan()), encoding="utf-8")
    done = subprocess.run([sys.executable, "export.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "id,city,qty,price,day,paid"
    probe = "import export; print(len(export.table()))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "6", done.stderr


@pytest.mark.parametrize(
    "broken",
    [
        {"kind": "teleport", "to": "mars"},
        {"kind": "rename"},
        "not a step",
    ],
)
def test_a_step_that_cannot_be_read_is_said_not_crashed(tmp_path, broken):
    case = _case(tmp_path, {"id": "broken", "steps": [{"kind": "rename", "column": "qty", "to": "quantity"}]})
    plan = case.plan()
    plan["steps"].append(
        {"index": 1, "step": broken, "says": "something odd", "stage": '"s2"', "prev": '"s1"', "sql": "", "columns": []}
    )
    text = code_pandas.script(plan)
    assert "# Step 2: something odd" in text and "Not translated" in text
    path = tmp_path / "x.py"
    path.write_text(text, encoding="utf-8")
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_the_shared_recipes_run_on_pandas(example, tmp_path):
    """The recipes every target runs (code_examples), the grouped view too."""
    case = build(example, tmp_path)
    path = tmp_path / "recipe.py"
    path.write_text(code_pandas.script(case.plan()))
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())
