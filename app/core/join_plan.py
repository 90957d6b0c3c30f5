"""The join dialog's numbers: which columns to match, and what each kind of join would give.

``suggest_keys`` ranks the pairs of columns that look like the same key (pure).
``plan`` is a step generator (app/engine/__init__.py): it counts, per key
value, the rows on each side, then joins those counts (never the rows
themselves), so it stays fast on a million rows against ten thousand and
says how many rows each kind of join makes before one is made.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, step_tables

ROW = step_tables.ROW
HOWS = step_tables.HOWS

# ---- suggest_keys


def _words(name: str) -> list:
    """``name`` split into lower-case words: CustomerID, customer_id, customer-id -> [customer, id]."""
    words = []
    current = ""
    previous = ""
    for i, ch in enumerate(name):
        following = name[i + 1] if i + 1 < len(name) else ""
        if ch.isalpha() or ch.isdigit():
            boundary = current and (
                (ch.isupper() and (previous.islower() or previous.isdigit()))
                or (ch.isupper() and previous.isupper() and following.islower())
                or (ch.isdigit() != previous.isdigit())
            )
            if boundary:
                words.append(current.lower())
                current = ""
            current += ch
        elif current:
            words.append(current.lower())
            current = ""
        previous = ch
    if current:
        words.append(current.lower())
    return words


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_ID_WORDS = ("id", "key", "code", "no", "num", "number", "ref")


def _name_score(left: str, right: str, left_table, right_table) -> tuple:
    """``(score 0..100, why)`` for how alike two column names are as keys."""
    if left == right:
        return 100, "the same name"
    if left.lower() == right.lower():
        return 95, "the same name"
    lw, rw = _words(left), _words(right)
    if lw and lw == rw:
        return 90, "the same words"
    if "".join(lw) and "".join(lw) == "".join(rw):
        return 85, "the same words"
    # customer_id here, id in 'customers' (or the other way round)
    for mine, theirs, table in ((lw, rw, right_table), (rw, lw, left_table)):
        if len(theirs) == 1 and theirs[0] in _ID_WORDS and len(mine) >= 2 and mine[-1] == theirs[0]:
            if table and _singular("".join(_words(table))) == _singular("".join(mine[:-1])):
                return 80, "an id of the other table"
            return 55, "ends in the same id word"
    lset = [_singular(w) for w in lw]
    rset = [_singular(w) for w in rw]
    shared = [w for w in lset if w in rset]
    if not shared:
        return 0, ""
    union = len(lset) + len([w for w in rset if w not in lset])
    score = int(70 * len(shared) / union)
    if all(w in _ID_WORDS for w in shared):
        score = score // 2  # only "id" in common: order_id and customer_id are not the same key
    return score, "words in common"


def _inexact(type_name: str) -> bool:
    name = type_name.strip().upper()
    return name.startswith("DOUBLE") or name.startswith("FLOAT") or name.startswith("REAL")


def suggest_keys(left_columns: list, right_columns: list, left_table=None, right_table=None) -> list:
    """Pairs of columns that may be the same key, best first.

    ``left_columns``, ``right_columns``: ``[{name, type}]``. The table names, when
    given, let ``customer_id`` here find ``id`` in ``customers``. Each pair is
    ``{"left", "right", "score" (0..100), "why", "casts"}``: names alike score high,
    types that compare as they are add to it; ``casts`` (step_tables.key_casts)
    is what a join on them would need. Pairs of types that can only be matched
    as text are left out unless their names match well.
    """
    out = []
    for li, left in enumerate(left_columns):
        if left["name"] == ROW:
            continue
        for ri, right in enumerate(right_columns):
            if right["name"] == ROW:
                continue
            score, why = _name_score(left["name"], right["name"], left_table, right_table)
            if score < 30:
                continue
            casts = step_tables.key_casts(left["name"], left["type"], right["name"], right["type"])
            if [w for w in _words(left["name"]) + _words(right["name"]) if w in _ID_WORDS]:
                score += 5  # a name that says it is a key
            if _inexact(left["type"]) or _inexact(right["type"]):
                score -= 25  # measured values (floating point) are poor keys
            if not casts:
                score += 10 if left["type"].upper() == right["type"].upper() else 5
            elif len(casts) == 2:
                if score < 80:
                    continue
                score -= 30
            else:
                score -= 10
            out.append(
                {
                    "left": left["name"],
                    "right": right["name"],
                    "score": max(0, min(100, score)),
                    "why": why,
                    "casts": casts,
                    "_order": (li, ri),
                }
            )
    out.sort(key=lambda p: (-p["score"], p["_order"][0], p["_order"][1]))
    for pair in out:
        del pair["_order"]
    return out


# ---- plan


def _is_query(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith("("):
        return True
    end = 0
    while end < len(stripped) and not stripped[end].isspace():
        end += 1
    return end < len(stripped) and stripped[:end].lower() in ("select", "with", "from", "values")


def _source(left: str) -> str:
    return ("(" + left + ")") if _is_query(left) else sql.quote_ident(left)


def _exists(table: str):
    found = yield (
        "SELECT count(*) FROM (SELECT table_name AS name FROM duckdb_tables() WHERE database_name = "
        "current_database() AND schema_name = 'main' UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal) WHERE name = ?",
        [table],
    )
    return bool(found["rows"][0][0])


def _describe(source: str):
    described = yield "DESCRIBE SELECT * FROM " + source + " AS q", []
    return [{"name": row[0], "type": row[1]} for row in described["rows"]]


def _empty(problem: str) -> dict:
    return {"problem": problem, "keys": [], "casts": [], "notes": []}


def plan(left: str, right_table: str, keys: list, casts=None):
    """Steps: what joining ``left`` with ``right_table`` on ``keys`` gives, for each kind of join.

    ``left``: a table's name or a SELECT (the table as its steps leave it); ``keys``:
    ``[[column here, column of right_table], ...]``; ``casts``: those of the join step
    (step_tables), None to have them offered when the key types differ. Returns::

        {"problem": words or None,
         "keys": [{"left", "right", "left_type", "right_type"}],
         "casts": the casts used (the ones to put in the step),
         "notes": [plain lines: casts offered, keys repeating on both sides],
         "left":  {"rows", "matched", "unmatched", "empty_keys", "distinct", "repeats"},
         "right": {the same},
         "rows":    {how: rows the join makes, for inner|left|right|full|semi|anti},
         "columns": {how: columns it makes},
         "cells":   {how: rows * columns (the estimated size)},
         "many_to_many": True when a key value repeats on both sides,
         "largest": {"key": [values as text], "left": n, "right": m}: of the values repeating
                    on both sides, the one making most rows (None when there is none)}

    ``matched``: rows with a key found on the other side; ``empty_keys``: rows with
    an empty (NULL) key, which match nothing; ``repeats``: some key value is on more
    than one row. The counts are exact: only their sizes are an estimate of the work.
    """
    if not isinstance(keys, list) or not keys:
        return _empty("choose at least one pair of columns to match")
    for i, pair in enumerate(keys):
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) and p for p in pair):
            return _empty("keys[" + str(i) + "] must be a pair [column here, column of '" + right_table + "']")
    there = yield from _exists(right_table)
    if not there:
        return _empty("there is no open table '" + right_table + "'")
    source = _source(left)
    try:
        mine = yield from _describe(source)
        theirs = yield from _describe(sql.quote_ident(right_table))
    except errors.QueryError as failure:
        return _empty(str(failure).split("\n")[0])
    mine_types = {c["name"]: c["type"] for c in mine}
    their_types = {c["name"]: c["type"] for c in theirs}
    described = []
    for pair in keys:
        if pair[0] not in mine_types:
            return _empty("there is no column '" + pair[0] + "' here")
        if pair[1] not in their_types:
            return _empty("there is no column '" + pair[1] + "' in '" + right_table + "'")
        described.append(
            {"left": pair[0], "right": pair[1], "left_type": mine_types[pair[0]], "right_type": their_types[pair[1]]}
        )
    notes = []
    if casts is None:
        casts = []
        for key in described:
            offered = step_tables.key_casts(key["left"], key["left_type"], key["right"], key["right_type"])
            for cast in offered:
                notes.append(_cast_note(key, cast, right_table))
            casts += offered
    else:
        for cast in casts:
            why = _cast_problem(cast, keys)
            if why:
                return _empty(why)
    counted = yield _counts_sql(source, sql.quote_ident(right_table), keys, casts), []
    row = counted["rows"][0]
    out = _shaped(row, mine, theirs, keys, right_table)
    out["keys"] = described
    out["casts"] = casts
    largest = out["largest"]
    if largest:
        notes.append(
            "some key values repeat on both sides, and each makes every pairing of its rows: "
            + ", ".join(largest["key"])
            + " is on "
            + str(largest["left"])
            + " rows here and "
            + str(largest["right"])
            + " in '"
            + right_table
            + "', so "
            + str(largest["left"] * largest["right"])
            + " rows"
        )
    out["notes"] = notes
    return out


def _cast_problem(cast, keys):
    if not isinstance(cast, dict) or cast.get("side") not in ("left", "right"):
        return "a cast must be {side: left|right, column, type}"
    index = 0 if cast["side"] == "left" else 1
    if cast.get("column") not in [pair[index] for pair in keys]:
        return "a cast's column must be one of the " + cast["side"] + " keys"
    why = step_tables.type_problem(cast.get("type"))
    return ("a cast's type " + why) if why else None


def _cast_note(key, cast, right_table) -> str:
    if cast["side"] == "left":
        column, kind, other = "'" + key["left"] + "'", key["left_type"], key["right_type"]
    else:
        column, kind, other = "'" + key["right"] + "' of '" + right_table + "'", key["right_type"], key["left_type"]
    return (
        "'"
        + key["left"]
        + "' is "
        + key["left_type"]
        + " and '"
        + key["right"]
        + "' is "
        + key["right_type"]
        + ": "
        + column
        + " ("
        + kind
        + ") is read as "
        + cast["type"]
        + " to match"
        + ("" if cast["type"] == "VARCHAR" else " (a value that is not a " + other + " matches nothing)")
    )


def _grouped(source: str, side: str, pairs: list, casts: list) -> str:
    index = 0 if side == "left" else 1
    keyed = []
    for i, pair in enumerate(pairs):
        keyed.append(step_tables.keyed("q", side, pair[index], casts) + " AS k" + str(i))
    names = ["k" + str(i) for i in range(len(pairs))]
    return (
        "SELECT "
        + ", ".join(names)
        + ", count(*) AS n FROM (SELECT "
        + ", ".join(keyed)
        + " FROM "
        + source
        + " AS q) AS keyed WHERE "
        + " AND ".join([n + " IS NOT NULL" for n in names])
        + " GROUP BY ALL"
    )


_GL = '"__loupe_keys_left"'
_GR = '"__loupe_keys_right"'
_GM = '"__loupe_keys_matched"'


def _counts_sql(left: str, right: str, keys: list, casts: list) -> str:
    """One SELECT: rows per key value on each side, joined on the key values, summed.

    Its CTEs have names of Loupe's own, so that they hide no table of the person's.
    """
    names = ["k" + str(i) for i in range(len(keys))]
    on = " AND ".join([_GL + "." + n + " = " + _GR + "." + n for n in names])
    shown = "[" + ", ".join(["CAST(" + _GL + "." + n + " AS VARCHAR)" for n in names]) + "]"
    return (
        "WITH "
        + _GL
        + " AS ("
        + _grouped(left, "left", keys, casts)
        + "), "
        + _GR
        + " AS ("
        + _grouped(right, "right", keys, casts)
        + "), "
        + _GM
        + " AS (SELECT "
        + _GL
        + ".n AS ln, "
        + _GR
        + ".n AS rn, "
        + shown
        + " AS shown FROM "
        + _GL
        + " FULL JOIN "
        + _GR
        + " ON "
        + on
        + ") SELECT (SELECT count(*) FROM "
        + left
        + " AS q), (SELECT count(*) FROM "
        + right
        + " AS q), "
        + "CAST(coalesce(sum(ln) FILTER (WHERE rn IS NOT NULL), 0) AS BIGINT), "
        + "CAST(coalesce(sum(rn) FILTER (WHERE ln IS NOT NULL), 0) AS BIGINT), "
        + "CAST(coalesce(sum(ln), 0) AS BIGINT), CAST(coalesce(sum(rn), 0) AS BIGINT), "
        + "count(ln), count(rn), coalesce(max(ln), 0), coalesce(max(rn), 0), "
        + "CAST(coalesce(sum(ln * rn), 0) AS BIGINT), coalesce(bool_or(ln > 1 AND rn > 1), false), "
        + "(SELECT [shown, [CAST(ln AS VARCHAR), CAST(rn AS VARCHAR)]] FROM "
        + _GM
        + " WHERE ln > 1 AND rn > 1 ORDER BY ln * rn DESC, shown LIMIT 1) FROM "
        + _GM
    )


def _shaped(row: list, mine: list, theirs: list, keys: list, right_table: str) -> dict:
    left_rows, right_rows = int(row[0]), int(row[1])
    left_matched, right_matched = int(row[2]), int(row[3])
    left_keyed, right_keyed = int(row[4]), int(row[5])
    inner = int(row[10])
    left_unmatched, right_unmatched = left_rows - left_matched, right_rows - right_matched
    rows = {
        "inner": inner,
        "left": inner + left_unmatched,
        "right": inner + right_unmatched,
        "full": inner + left_unmatched + right_unmatched,
        "semi": left_matched,
        "anti": left_unmatched,
    }
    own = [c for c in mine if c["name"] != ROW]
    columns = {}
    for how in HOWS:
        step = {"how": how, "keys": keys, "table": right_table}
        columns[how] = len(own) + len(step_tables.joined_names(step, own, theirs))
    largest = None
    if row[12]:
        largest = {"key": list(row[12][0]), "left": int(row[12][1][0]), "right": int(row[12][1][1])}
    return {
        "problem": None,
        "left": {
            "rows": left_rows,
            "matched": left_matched,
            "unmatched": left_unmatched,
            "empty_keys": left_rows - left_keyed,
            "distinct": int(row[6]),
            "repeats": int(row[8]) > 1,
        },
        "right": {
            "rows": right_rows,
            "matched": right_matched,
            "unmatched": right_unmatched,
            "empty_keys": right_rows - right_keyed,
            "distinct": int(row[7]),
            "repeats": int(row[9]) > 1,
        },
        "rows": rows,
        "columns": columns,
        "cells": {how: rows[how] * columns[how] for how in HOWS},
        "many_to_many": bool(row[11]),
        "largest": largest,
    }
