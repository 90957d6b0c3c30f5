"""Steps across tables: join with another open table, append another table's rows.

Entries of ``KINDS`` as app/core/steps.py describes them::

    {"kind": "join", "table": "orders", "how": "left", "keys": [["id", "customer_id"]]}
    {"kind": "join", "table": "orders", "how": "inner", "keys": [["id", "customer_id"]],
     "casts": [{"side": "right", "column": "customer_id", "type": "BIGINT"}], "suffix": "_o"}
    {"kind": "append", "table": "march"}
    {"kind": "append", "table": "march", "columns": "shared"}

The other table is named by its quoted name (a table or a view of the main
schema), so the view follows it when it changes. Both kinds have a
``prepare`` that looks at it first: that it is there, its columns, whether
it has a ``rowid`` (a table) or not (a view: its rows are numbered in the
order it gives them), and, when rows of it come into the result on their
own (right and full joins, appends), where their ``ROW`` starts.

``ROW`` of the rows that come from the other table alone: ``ROW`` is kept
from the table's own side, so those rows need places that no row of its
own has and that come after all of them. The sources' ``rowid`` are far
below 2^40 (a trillion rows), so a row of the other table at position
``p`` gets ``B + p`` with ``B`` = 2^40 times (1 + the block of the largest
``ROW`` before the step): 2^40 for a table that had no such rows, 2^41
after a first append or right join, and so on. ``B`` depends only on how
many such steps came before, not on the other table's size, so it stays
right when that table changes later. A row of the table's own that
matches several rows of the other keeps its ``ROW`` in each of them (they
are shown together, in no set order among themselves).

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, step_frame, types

ROW = step_frame.ROW
BASE_PREFIX = "loupe_base_"  # recipe.BASE_PREFIX (recipe imports steps, which imports this module)
BLOCK = 1099511627776  # 2^40: the rows of another table start at a multiple of it
HOWS = ("inner", "left", "right", "full", "semi", "anti")
_POS = "__loupe_pos"  # the other table's row positions, inside the join only
_L = '"__l"'
_R = '"__r"'

_HOW_WORDS = {
    "inner": "rows in both",
    "left": "all rows here",
    "right": "all rows of the other",
    "full": "all rows of both",
    "semi": "rows here that have a match",
    "anti": "rows here without a match",
}


# ---- key types: which can be compared, and the cast to offer when they cannot


def _family(type_name: str) -> str:
    kind = types.kind_of(type_name)
    if kind in ("integer", "decimal"):
        return "number"
    if kind in ("date", "timestamp"):
        return "when"
    if kind in ("text", "boolean", "time", "interval", "binary"):
        return kind
    return "other:" + type_name.strip().upper()


def key_casts(left_column: str, left_type: str, right_column: str, right_type: str) -> list:
    """The casts that let keys of these types be compared: [] when they compare as they are.

    Text against another kind: the text side is read as the other side's type with
    ``TRY_CAST`` (a value that does not fit becomes empty and matches nothing, rather
    than failing). Two other kinds that cannot be compared (a number and a date):
    both sides as text. Each cast is ``{"side": "left"|"right", "column", "type"}``.
    """
    left, right = _family(left_type), _family(right_type)
    if left == right:
        return []
    if left == "text":
        return [{"side": "left", "column": left_column, "type": right_type}]
    if right == "text":
        return [{"side": "right", "column": right_column, "type": left_type}]
    return [
        {"side": "left", "column": left_column, "type": "VARCHAR"},
        {"side": "right", "column": right_column, "type": "VARCHAR"},
    ]


def type_problem(text):
    """Why ``text`` is not a type name a cast may use (None when it is): ``BIGINT``, ``DECIMAL(18,3)``."""
    if not isinstance(text, str) or text.strip() == "":
        return "must be a type name such as BIGINT"
    name = text
    inside = ""
    if "(" in text:
        start = text.find("(")
        if not text.endswith(")"):
            return "must be a type name such as DECIMAL(18,3)"
        name = text[:start]
        inside = text[start + 1 : -1]
        for ch in inside:
            if not (ch.isdigit() or ch in ", "):
                return "must be a type name such as DECIMAL(18,3)"
    if name.strip() == "":
        return "must be a type name such as BIGINT"
    for ch in name:
        if not (("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch.isdigit() or ch in "_ "):
            return "must be a type name such as BIGINT"
    return None


def keyed(alias: str, side: str, column: str, casts: list) -> str:
    """``alias.column`` as the join compares it: read with ``TRY_CAST`` when a cast names it."""
    text = alias + "." + step_frame.q(column)
    for cast in casts:
        if cast["side"] == side and cast["column"] == column:
            return "TRY_CAST(" + text + " AS " + cast["type"] + ")"
    return text


def on_clause(keys: list, casts: list, left_alias: str = _L, right_alias: str = _R) -> str:
    """``l.a = r.b AND ...`` for the key pairs (casts applied); a NULL key matches nothing."""
    parts = []
    for pair in keys:
        parts.append(keyed(left_alias, "left", pair[0], casts) + " = " + keyed(right_alias, "right", pair[1], casts))
    return " AND ".join(parts)


# ---- the other table, looked at before the SQL is written


def _other(query: str, step: dict, needs_offset: bool):
    """Steps: what ``sql`` needs of the other table (its columns, its row positions, where its ROW starts)."""
    other = step["table"]
    if step_frame.q(BASE_PREFIX + other) in query:
        raise errors.QueryError(
            "a table cannot take rows from itself here: make a copy of '" + other + "' and use the copy"
        )
    found = yield (
        "SELECT 'table' FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? "
        "UNION ALL SELECT 'view' FROM duckdb_views() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND view_name = ? AND NOT internal",
        [other, other],
    )
    if not found["rows"]:
        raise errors.QueryError("there is no open table '" + other + "'")
    described = yield "DESCRIBE SELECT * FROM " + step_frame.q(other), []
    columns = [{"name": row[0], "type": row[1]} for row in described["rows"]]
    offset = None
    if needs_offset:
        top = yield (
            "SELECT coalesce(max(" + step_frame.q(ROW) + "), 0) // " + str(BLOCK) + " FROM (" + query + ") AS prev",
            [],
        )
        offset = (int(top["rows"][0][0]) + 1) * BLOCK
    position = "rowid" if found["rows"][0][0] == "table" else "row_number() OVER () - 1"
    return {"columns": columns, "position": position, "offset": offset}


# ---- join


def _join_check(step, columns):
    names = step_frame.names(columns)
    keys = step["keys"]
    if not keys:
        return "keys is empty: choose a column here and a column of '" + step["table"] + "' to match"
    for i, pair in enumerate(keys):
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) and p != "" for p in pair):
            return "keys[" + str(i) + "] must be a pair [column here, column of '" + step["table"] + "']"
        if pair[0] not in names:
            return "there is no column '" + pair[0] + "' here"
    for i, cast in enumerate(step.get("casts") or []):
        where = "casts[" + str(i) + "]"
        if not isinstance(cast, dict) or set(cast) != {"side", "column", "type"}:
            return where + " must be {side: left|right, column, type}"
        if cast["side"] not in ("left", "right"):
            return where + ".side must be left or right"
        index = 0 if cast["side"] == "left" else 1
        if cast["column"] not in [pair[index] for pair in keys]:
            return where + ".column must be one of the " + cast["side"] + " keys"
        why = type_problem(cast["type"])
        if why:
            return where + ".type " + why
    if "suffix" in step and step["suffix"].strip() == "":
        return "suffix must not be empty"
    return None


def _join_prepare(query, step, columns):
    found = yield from _other(query, step, step["how"] in ("right", "full"))
    theirs = {c["name"]: c["type"] for c in found["columns"]}
    mine = {c["name"]: c["type"] for c in columns}
    casts = step.get("casts") or []
    for pair in step["keys"]:
        if pair[1] not in theirs:
            raise errors.QueryError("there is no column '" + pair[1] + "' in '" + step["table"] + "'")
        left_type, right_type = mine[pair[0]], theirs[pair[1]]
        for cast in casts:
            if cast["side"] == "left" and cast["column"] == pair[0]:
                left_type = cast["type"]
            if cast["side"] == "right" and cast["column"] == pair[1]:
                right_type = cast["type"]
        if key_casts(pair[0], left_type, pair[1], right_type):
            raise errors.QueryError(
                "'"
                + pair[0]
                + "' is "
                + left_type
                + " and '"
                + pair[1]
                + "' of '"
                + step["table"]
                + "' is "
                + right_type
                + ": they cannot be matched as they are; read one as the other's type (casts)"
            )
    return found


def suffix_of(step: dict) -> str:
    """What the other table's columns whose names are taken get at their end."""
    return step.get("suffix") or ("_" + step["table"])


def joined_names(step: dict, columns: list, other_columns: list) -> list:
    """``[(other's column, its name in the result)]``: the other table's columns a join adds.

    Inner and left joins leave out the other table's keys (they equal the keys
    here); semi and anti joins add none. A name already taken (in any case)
    gets ``suffix_of(step)``, then a number if it is still taken.
    """
    how = step["how"]
    if how in ("semi", "anti"):
        return []
    keys = [pair[1] for pair in step["keys"]]
    taken = [n.lower() for n in [c["name"] for c in columns]] + [ROW]
    out = []
    for column in other_columns:
        name = column["name"]
        if how in ("inner", "left") and name in keys:
            continue
        new = name
        if new.lower() in taken:
            new = name + suffix_of(step)
            number = 2
            while new.lower() in taken:
                new = name + suffix_of(step) + str(number)
                number += 1
        taken.append(new.lower())
        out.append((name, new))
    return out


def _join_sql(prev, step, columns, found):
    how = step["how"]
    on = on_clause(step["keys"], step.get("casts") or [])
    other = step_frame.q(step["table"])
    if how in ("semi", "anti"):
        return (
            "SELECT " + _L + ".* FROM " + prev + " AS " + _L + " " + how.upper() + " JOIN " + other + " AS " + _R
        ) + (" ON " + on)
    if how in ("right", "full"):
        row = (
            "coalesce("
            + _L
            + "."
            + step_frame.q(ROW)
            + ", "
            + str(found["offset"])
            + " + "
            + _R
            + "."
            + step_frame.q(_POS)
            + ")"
        )
        right = "(SELECT " + found["position"] + " AS " + step_frame.q(_POS) + ", * FROM " + other + ")"
    else:
        row = _L + "." + step_frame.q(ROW)
        right = other
    parts = [row + " AS " + step_frame.q(ROW)]
    parts += [_L + "." + step_frame.q(n) for n in step_frame.names(columns)]
    for name, new in joined_names(step, columns, found["columns"]):
        parts.append(_R + "." + step_frame.q(name) + ("" if new == name else " AS " + step_frame.q(new)))
    word = {"inner": "INNER", "left": "LEFT", "right": "RIGHT", "full": "FULL"}[how]
    return (
        "SELECT " + ", ".join(parts) + " FROM " + prev + " AS " + _L + " " + word + " JOIN " + right + " AS " + _R
    ) + (" ON " + on)


def _join_says(step):
    pairs = [p[0] + " = " + p[1] if isinstance(p, list) and len(p) == 2 else str(p) for p in step["keys"]]
    line = "Join '" + step["table"] + "' (" + step["how"] + ": " + _HOW_WORDS[step["how"]] + ") on " + ", ".join(pairs)
    if step["how"] not in ("semi", "anti"):
        line += "; its columns whose names are taken get '" + suffix_of(step) + "'"
    return line


# ---- append


def _append_prepare(query, step, columns):
    found = yield from _other(query, step, True)
    found["differences"] = differences(columns, found["columns"])
    if step.get("columns") == "shared" and not found["differences"]["shared"]:
        raise errors.QueryError("'" + step["table"] + "' has no column named as a column here")
    return found


def differences(columns: list, other_columns: list) -> dict:
    """How the columns here and the other table's match by name (in any case, as DuckDB matches them).

    ``{"shared": [names here], "only_here": [...], "only_there": [...], "words": one line or ""}``.
    """
    mine = step_frame.names(columns)
    theirs = [c["name"] for c in other_columns if c["name"] != ROW]
    lower_mine = [n.lower() for n in mine]
    lower_theirs = [n.lower() for n in theirs]
    shared = [n for n in mine if n.lower() in lower_theirs]
    only_here = [n for n in mine if n.lower() not in lower_theirs]
    only_there = [n for n in theirs if n.lower() not in lower_mine]
    words = []
    if only_here:
        words.append("only here: " + step_frame.quoted(only_here))
    if only_there:
        words.append("only in the other table: " + step_frame.quoted(only_there))
    return {"shared": shared, "only_here": only_here, "only_there": only_there, "words": "; ".join(words)}


def _append_sql(prev, step, columns, found):
    other = step_frame.q(step["table"])
    row = "(" + str(found["offset"]) + " + " + found["position"] + ") AS " + step_frame.q(ROW)
    if step.get("columns") == "shared":
        shared = [n.lower() for n in found["differences"]["shared"]]
        mine = [step_frame.q(n) for n in step_frame.names(columns) if n.lower() in shared]
        theirs = [step_frame.q(c["name"]) for c in found["columns"] if c["name"].lower() in shared]
        return (
            "SELECT " + ", ".join([step_frame.q(ROW)] + mine) + " FROM " + prev + " UNION ALL BY NAME "
            "SELECT " + ", ".join([row] + theirs) + " FROM " + other
        )
    return "SELECT * FROM " + prev + " UNION ALL BY NAME SELECT " + row + ", * FROM " + other


def _append_says(step):
    if step.get("columns") == "shared":
        return "Append the rows of '" + step["table"] + "' below, keeping only the columns both have"
    return (
        "Append the rows of '"
        + step["table"]
        + "' below, matching columns by name (a column one side lacks is left empty there)"
    )


KINDS = {
    "join": {
        "fields": {"table": "table", "how": "choice:" + "|".join(HOWS), "keys": "list"},
        "optional": {"casts": "list", "suffix": "text"},
        "sql": _join_sql,
        "check": _join_check,
        "prepare": _join_prepare,
        "reorders": True,
        "says": _join_says,
    },
    "append": {
        "fields": {"table": "table"},
        "optional": {"columns": "choice:all|shared"},
        "sql": _append_sql,
        "prepare": _append_prepare,
        "reorders": True,
        "says": _append_says,
    },
}
