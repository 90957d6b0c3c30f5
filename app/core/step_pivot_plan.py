"""A pivot's plan: its settings and limits, the column values it finds, the columns it makes.

The pivot step's own module, app/core/step_pivot.py, documents its JSON,
checks it and writes its SQL; this one holds what that SQL is planned from.

What ``prepare`` returns (the 4th argument of ``sql``; see ``prepare``)
names every output column and how a click on one of its cells finds the rows
behind it (``cell_filters``), and words the budget ("top 50 of 10,213 values
of 'city'; the rest in Other"). ``limit_cells`` does not cut the view's
rows: prepare counts them and says how many fit (``rows_shown``).
Names are unique as DuckDB sees them (A-Z in any case): a value named like a
row key, "Other" or "Total" gets " (2)".


Runs under MicroPython and CPython (see README.md).
"""

from app.core import step_frame, types

ROW = step_frame.ROW
LEVEL = "__level"  # the pivot's marker of total rows
OTHER = "Other"
TOTAL = "Total"
NULL_NAME = "(empty)"
BLANK_NAME = '""'
LIMIT_COLUMNS = 50
MAX_COLUMNS = 1000
LIMIT_CELLS = 100000
NAME_LENGTH = 60  # longest value text used in a column name

# fn -> (label, the kinds it applies to; None: every kind)
FUNCTIONS = {
    "count": ("count", None),
    "sum": ("sum", ("integer", "decimal", "interval")),
    "avg": ("average", ("integer", "decimal")),
    "min": ("min", None),
    "max": ("max", None),
    "count_distinct": ("distinct count", None),
    "median": ("median", ("integer", "decimal", "date", "timestamp")),
}
FN_ORDER = ["count", "sum", "avg", "min", "max", "count_distinct", "median"]
# kinds whose values prepare hands over as they are (the others as their text)
_NATIVE_KINDS = ("integer", "decimal", "boolean", "text")


def column_of(columns: list, name: str):
    for c in columns:
        if c["name"] == name:
            return c
    return None


def kind_of(columns: list, name: str) -> str:
    found = column_of(columns, name)
    return types.kind_of(found["type"]) if found else "other"


def _folded(name: str) -> str:
    """``name`` as DuckDB compares identifiers: A-Z lowered, every other letter as it is."""
    return "".join([chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in name])


def _decimal(type_name: str) -> bool:
    name = type_name.upper()
    return name.startswith("DECIMAL") or name.startswith("NUMERIC")


def _thousands(n) -> str:
    text = str(int(n))
    sign = ""
    if text.startswith("-"):
        sign = "-"
        text = text[1:]
    parts = []  # type: list
    while len(text) > 3:
        parts.insert(0, text[-3:])
        text = text[:-3]
    parts.insert(0, text)
    return sign + ",".join(parts)


# --- pivot: labels and grouping sets ---------------------------------------------


def fn_label(value: dict) -> str:
    label = FUNCTIONS[value["fn"]][0]
    if value.get("column") is None:
        return label
    return label + " of " + value["column"]


def _value_label(step: dict, j: int) -> str:
    return fn_label(step["values"][j])


def uses_sets(step: dict) -> bool:
    """True when the pivot has total rows (grouping sets, marked by LEVEL)."""
    n = len(step["rows"])
    return n > 0 and (bool(step.get("totals")) or (bool(step.get("subtotals")) and n > 1))


def nested(step: dict) -> bool:
    return bool(step.get("subtotals")) and len(step["rows"]) > 1


def grouping(step: dict) -> str:
    """`` GROUP BY ...`` of the pivot's rows (``''`` when ``rows`` is empty)."""
    keys = [step_frame.q(k) for k in step["rows"]]
    if not keys:
        return ""
    if not uses_sets(step):
        return " GROUP BY " + ", ".join(keys)
    sets = ["(" + ", ".join(keys) + ")"]
    if nested(step):
        for k in range(len(keys) - 1, 0, -1):
            sets.append("(" + ", ".join(keys[:k]) + ")")
    if step.get("totals"):
        sets.append("()")
    return " GROUP BY GROUPING SETS (" + ", ".join(sets) + ")"


# --- pivot: prepare -------------------------------------------------------------


def aggregate(value: dict, condition, columns: list) -> str:
    """The SQL of one value, over the rows where ``condition`` holds (every row when None)."""
    fn = value["fn"]
    column = value.get("column")
    if column is None:
        inner = "*"
    elif fn == "count_distinct":
        inner = "DISTINCT " + step_frame.q(column)
    elif fn == "median" and _decimal(column_of(columns, column)["type"]):
        inner = (
            "CAST(" + step_frame.q(column) + " AS DOUBLE)"
        )  # DuckDB's median of a DECIMAL keeps its scale: 12.7 for 12.75
    else:
        inner = step_frame.q(column)
    name = "count" if fn in ("count", "count_distinct") else fn
    text = name + "(" + inner + ")"
    if condition is not None:
        text += " FILTER (WHERE " + condition + ")"
    return text


def prepare(query, step, columns):
    """Steps: the values of the pivot's column that become columns, and what the pivot will hold.

    Returns ``{"values": [{"value", "text", "null", "rows"}] (the top values, in their own order;
    ``value`` is the value for numbers, true/false and text, its text for other kinds),
    "distinct": how many values the column has, "other": True when some are left to Other,
    "other_values": how many, "other_rows": their rows, "rows": rows of the source,
    "row_count": rows of the pivot, "outputs": [{"name", "value": index into step.values,
    "pick": what cell_filters wants for this column, "of": "value"|"other"|"total",
    "at": index into "values" (of "value" only)}],
    "column_count": every column of the pivot, "rows_shown": rows that fit limit_cells,
    "note": words for the Steps panel or None}``.
    """
    column = step_frame.q(step["columns"])
    limit = step.get("limit_columns", LIMIT_COLUMNS)
    if step.get("top", "count") == "value":
        rank = aggregate(step["values"][0], None, columns) + " DESC NULLS LAST, count(*) DESC"
    else:
        rank = "count(*) DESC"
    top = (
        "SELECT "
        + column
        + " AS key, CAST("
        + column
        + " AS VARCHAR) AS text, count(*) AS n, count(*) OVER () AS distinct_n, "
        + "CAST(sum(count(*)) OVER () AS BIGINT) AS total_n FROM ("
        + query
        + ") AS src GROUP BY "
        + column
        + " ORDER BY "
        + rank
        + ", "
        + column
        + " NULLS LAST LIMIT ?"
    )
    # the value itself for numbers, true/false and text; its text for the rest (dates, times, lists...),
    # which a filter's parameter turns back into the value
    plain = kind_of(columns, step["columns"]) in _NATIVE_KINDS
    found = yield (
        "SELECT "
        + ("key" if plain else "text")
        + " AS value, text, n, distinct_n, total_n FROM ("
        + top
        + ") AS top ORDER BY key NULLS LAST",
        [int(limit)],
    )
    values = []
    distinct = 0
    total = 0
    for row in found["rows"]:
        values.append({"value": row[0], "text": row[1], "null": row[1] is None, "rows": int(row[2])})
        distinct = int(row[3])
        total = int(row[4])
    row_count = 1
    if step["rows"]:
        counted = yield (
            "SELECT count(*) FROM (SELECT 1 FROM (" + query + ") AS src" + grouping(step) + ") AS g",
            [],
        )
        row_count = int(counted["rows"][0][0])
    shown_rows = 0
    for v in values:
        shown_rows += v["rows"]
    out = {  # type: dict
        "values": values,
        "distinct": distinct,
        "other": distinct > len(values),
        "other_values": distinct - len(values),
        "other_rows": total - shown_rows,
        "rows": total,
        "row_count": row_count,
    }
    made = outputs(step, columns, out)
    out["outputs"] = made
    column_count = len(step["rows"]) + (1 if uses_sets(step) else 0) + len(made)
    out["column_count"] = column_count
    budget = step.get("limit_cells", LIMIT_CELLS)
    out["rows_shown"] = min(row_count, max(1, budget // max(1, column_count)))
    out["note"] = pivot_note(step, out)
    return out


def pivot_note(step: dict, prepared: dict):
    """Words on what the pivot left out or cannot show at once (None when nothing)."""
    parts = []
    if prepared["other"]:
        parts.append(
            "top "
            + _thousands(len(prepared["values"]))
            + " of "
            + _thousands(prepared["distinct"])
            + " values of '"
            + step["columns"]
            + "'; the rest in "
            + OTHER
        )
    if prepared["rows_shown"] < prepared["row_count"]:
        parts.append(
            _thousands(prepared["row_count"])
            + " rows × "
            + _thousands(prepared["column_count"])
            + " columns: the first "
            + _thousands(prepared["rows_shown"])
            + " rows fit on screen"
        )
    return "; ".join(parts) if parts else None


def _value_name(value: dict) -> str:
    if value["null"]:
        return NULL_NAME
    text = value["text"]
    if text == "":
        return BLANK_NAME
    if len(text) > NAME_LENGTH:
        return text[: NAME_LENGTH - 1] + "…"
    return text


def outputs(step: dict, columns: list, prepared: dict) -> list:
    """The pivot's value columns, in order: ``[{"name", "value": j, "pick", "of"}]``.

    ``of`` is "value" (one value of the column: ``pick`` is it, None for NULL),
    "other" (``pick`` is ``{"other": [the top values]}``) or "total" (``pick`` is
    ``{"total": true}``); ``pick`` is what ``cell_filters`` takes. Names are made
    unique (DuckDB's names ignore the case of A-Z, not of other letters) by " (2)", " (3)"...
    """
    taken = [_folded(k) for k in step["rows"]] + [LEVEL, ROW]
    many = len(step["values"]) > 1
    groups = []  # type: list
    for at, v in enumerate(prepared["values"]):
        groups.append((_value_name(v), v["value"], "value", at))
    if prepared["other"]:
        groups.append((OTHER, {"other": [v["value"] for v in prepared["values"]]}, "other", None))
    if step.get("totals") or not prepared["values"]:
        groups.append((TOTAL, {"total": True}, "total", None))
    out = []
    for base, pick, of, at in groups:
        for j in range(len(step["values"])):
            name = base + (" · " + _value_label(step, j) if many else "")
            if name.startswith("__loupe_"):
                name = "_" + name
            unique = name
            n = 2
            while _folded(unique) in taken:
                unique = name + " (" + str(n) + ")"
                n += 1
            taken.append(_folded(unique))
            entry = {"name": unique, "value": j, "pick": pick, "of": of}
            if at is not None:
                entry["at"] = at
            out.append(entry)
    return out
