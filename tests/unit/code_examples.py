"""Recipes the exported-code tests run on every target: real files, every step kind, the view's filters and sort.

Each example is ``{"id", "files": {name: text}, "steps": {table: [step]}, "state": {...}}``;
the first file is the table exported, the others are the tables its joins
and appends read. ``build(example, folder)`` makes the ``code_cases.Case``.
"""

from code_cases import Case

SALES = (
    "city,qty,price,day,note\n"
    "Paris,3,2.5,2024-01-02, big  order \n"
    "Lyon,NA,1.0,2024-02-03,small\n"
    "Paris,5,3.0,2024-03-04,NA\n"
    "Oslo,2,,2024-03-05,x-1\n"
    "Lyon,7,4.25,2024-04-06,y-22\n"
    "Paris,3,2.5,2024-01-02, big  order \n"
)
CITIES = "city,country,size\nParis,FR,2100000\nLyon,FR,520000\nRome,IT,2800000\n"
MARCH = "city,qty,price,extra\nRome,1,9.5,yes\nParis,4,1.5,no\n"
WIDE = "name,q1,q2,q3\nann,1,2,3\nbob,4,,6\n"
PEOPLE = 'full,code\n"Smith, Ann",AB-12\n"Jones, Bob",CD-345\n"Lee, Cy",\n'

EXAMPLES = [
    {"id": "as-read", "files": {"sales.csv": SALES}, "steps": {}, "state": {}},
    {
        "id": "view-only",
        "files": {"sales.csv": SALES},
        "steps": {},
        "state": {
            "filters": [{"column": "city", "op": "in", "value": ["Paris", "Lyon"]}],
            "sort": [["qty", "desc"]],
            "hidden": ["note"],
        },
    },
    {
        "id": "rename-derive",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [
                {"kind": "rename", "column": "qty", "to": "quantity"},
                {"kind": "derive", "name": "total", "expression": "quantity * price"},
            ]
        },
        "state": {"sort": [["total", "desc"]]},
    },
    {
        "id": "drop-keep",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "drop", "columns": ["note"]}, {"kind": "keep", "columns": ["city", "qty"]}]},
        "state": {},
    },
    {
        "id": "conditional",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [
                {
                    "kind": "conditional",
                    "name": "band",
                    "when": [
                        {"column": "qty", "op": ">", "value": 4, "then": "high"},
                        {"column": "qty", "op": "empty", "then": {"column": "city"}},
                    ],
                    "else": "low",
                }
            ]
        },
        "state": {},
    },
    {
        "id": "fill-value",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "qty", "with": "value", "value": 0}]},
        "state": {},
    },
    {
        "id": "fill-previous-by",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "price", "with": "previous", "by": ["city"]}]},
        "state": {},
    },
    {
        "id": "fill-mean",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "qty", "with": "mean"}]},
        "state": {},
    },
    {
        "id": "fill-median-by",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "qty", "with": "median", "by": ["city"]}]},
        "state": {},
    },
    {
        "id": "fill-next",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "price", "with": "next"}]},
        "state": {},
    },
    {
        "id": "fill-most-frequent",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "fill", "column": "note", "with": "most_frequent"}]},
        "state": {},
    },
    {
        "id": "replace-regex",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "replace", "find": "[0-9]+", "replace": "#", "column": "note", "regex": True}]},
        "state": {},
    },
    {
        "id": "replace-all-columns",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "replace", "find": "Paris", "replace": "PARIS"}]},
        "state": {},
    },
    {
        "id": "clean",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [{"kind": "clean", "columns": ["note"], "trim": True, "collapse": True, "letter_case": "title"}]
        },
        "state": {},
    },
    {
        "id": "split-columns",
        "files": {"people.csv": PEOPLE},
        "steps": {"people": [{"kind": "split", "column": "full", "delimiter": ", ", "names": ["last", "first"]}]},
        "state": {},
    },
    {
        "id": "split-rows",
        "files": {"people.csv": PEOPLE},
        "steps": {"people": [{"kind": "split", "column": "code", "delimiter": "-", "into_rows": True}]},
        "state": {},
    },
    {
        "id": "extract",
        "files": {"people.csv": PEOPLE},
        "steps": {"people": [{"kind": "extract", "column": "code", "name": "digits", "pattern": "([0-9]+)"}]},
        "state": {},
    },
    {
        "id": "extract-date-part",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "extract", "column": "day", "name": "month", "part": "month_name"}]},
        "state": {},
    },
    {
        "id": "parse-number",
        "files": {"prices.csv": 'item,price\na,"1.234,5"\nb,"7,25"\n'},
        "steps": {"prices": [{"kind": "parse", "column": "price", "as": "number", "decimal": ",", "thousands": "."}]},
        "state": {},
    },
    {
        "id": "filter-step",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [
                {"kind": "filter", "filters": [{"column": "city", "op": "in", "value": ["Paris"]}], "keep": "others"}
            ]
        },
        "state": {},
    },
    {
        "id": "dedupe-last",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "dedupe", "columns": ["city"], "keep": "last"}]},
        "state": {},
    },
    {"id": "dedupe-all", "files": {"sales.csv": SALES}, "steps": {"sales": [{"kind": "dedupe"}]}, "state": {}},
    {
        "id": "sample",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "sample", "rows": 3, "seed": 7}]},
        "state": {},
    },
    {
        "id": "window-rank",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [{"kind": "window", "function": "rank", "column": "price", "direction": "desc", "by": ["city"]}]
        },
        "state": {},
    },
    {
        "id": "window-running",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [
                {"kind": "window", "function": "running_total", "column": "qty", "order": "day", "name": "balance"}
            ]
        },
        "state": {},
    },
    {
        "id": "window-percent",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "window", "function": "percent_of_total", "column": "qty", "by": ["city"]}]},
        "state": {},
    },
    {
        "id": "window-difference",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "window", "function": "difference", "column": "qty", "order": "day"}]},
        "state": {},
    },
    {
        "id": "join-left",
        "files": {"sales.csv": SALES, "cities.csv": CITIES},
        "steps": {"sales": [{"kind": "join", "table": "cities", "how": "left", "keys": [["city", "city"]]}]},
        "state": {"sort": [["city", "asc"]]},
    },
    {
        "id": "join-anti",
        "files": {"sales.csv": SALES, "cities.csv": CITIES},
        "steps": {"sales": [{"kind": "join", "table": "cities", "how": "anti", "keys": [["city", "city"]]}]},
        "state": {},
    },
    {
        "id": "join-full-with-steps",
        "files": {"sales.csv": SALES, "cities.csv": CITIES},
        "steps": {
            "cities": [{"kind": "derive", "name": "big", "expression": "size > 1000000"}],
            "sales": [{"kind": "join", "table": "cities", "how": "full", "keys": [["city", "city"]]}],
        },
        "state": {},
    },
    {
        "id": "append",
        "files": {"sales.csv": SALES, "march.csv": MARCH},
        "steps": {"sales": [{"kind": "append", "table": "march"}]},
        "state": {},
    },
    {
        "id": "append-shared",
        "files": {"sales.csv": SALES, "march.csv": MARCH},
        "steps": {"sales": [{"kind": "append", "table": "march", "columns": "shared"}]},
        "state": {},
    },
    {
        "id": "pivot",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [
                {"kind": "pivot", "rows": ["note"], "columns": "city", "values": [{"column": "qty", "fn": "sum"}]}
            ]
        },
        "state": {},
    },
    {
        "id": "unpivot",
        "files": {"wide.csv": WIDE},
        "steps": {"wide": [{"kind": "unpivot", "columns": ["q1", "q2", "q3"], "name": "quarter", "value": "sales"}]},
        "state": {},
    },
    {
        "id": "search-and-range",
        "files": {"sales.csv": SALES},
        "steps": {
            "sales": [{"kind": "derive", "name": "total", "expression": "coalesce(qty, 0) * coalesce(price, 0)"}]
        },
        "state": {"search": "par", "filters": [{"column": "total", "op": "range", "value": [5, None]}]},
    },
    {
        "id": "filters-each-kind",
        "files": {"sales.csv": SALES},
        "steps": {},
        "state": {
            "filters": [
                {"column": "note", "op": "notnull"},
                {"column": "city", "op": "not_in", "value": ["Oslo"]},
                {"column": "note", "op": "contains", "value": "o"},
            ]
        },
    },
    {
        "id": "grouped",
        "files": {"sales.csv": SALES},
        "steps": {"sales": [{"kind": "rename", "column": "qty", "to": "quantity"}]},
        "state": {"group": {"by": ["city"], "aggs": [{"fn": "sum", "column": "quantity"}]}},
    },
    {
        "id": "semicolon-latin1",
        "files": {"villes.csv": "ville;prix\nZürich;1,5\nSão Paulo;2\nMálaga;-\n".encode("latin-1")},
        "options": {"villes.csv": {"encoding": "latin-1"}},
        "steps": {"villes": [{"kind": "clean", "columns": ["ville"], "letter_case": "upper"}]},
        "state": {},
    },
    {
        "id": "no-header",
        "files": {"raw.csv": "1,apple\n2,pear\n3,fig\n"},
        "steps": {"raw": [{"kind": "derive", "name": "double", "expression": "column0 * 2"}]},
        "state": {},
    },
]


def build(example: dict, folder) -> Case:
    """The ``Case`` of ``example``: its files read, its steps applied (the other tables' first), its state set."""
    names = list(example["files"])
    options = example.get("options") or {}
    case = Case.from_csv(folder, names[0], example["files"][names[0]], options.get(names[0]))
    main = case.table
    for name in names[1:]:
        case.add_csv(name, example["files"][name], options.get(name))
    for table, step_list in example["steps"].items():
        if table != main:
            case.table = table
            case.steps(step_list)
    case.table = main
    if main in example["steps"]:
        case.steps(example["steps"][main])
    else:
        from app.core import view

        case.view = view.activate(case.view, main)
    if example["state"]:
        case.state(**example["state"])
    return case
