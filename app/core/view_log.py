"""The view's log: the entries that make its tables (read, type, flatten, SQL, query, rename, close).

Each function returns a new view; none changes one in place. ``sources``
(the tables there are, in tab order) is derived from the log by ``derived``.
The whole state is described in app/core/view.py, which re-exports these.

Runs under MicroPython and CPython (see README.md).
"""

import json

# Sources a "read" entry opens (a "query" source is made by SQL instead).
READ_KINDS = ("url", "file", "text", "sample")
SOURCE_KINDS = ("url", "file", "text", "sample", "query")
LOG_OPS = ("read", "type", "flatten", "steps", "sql", "query", "rename", "close")
# What a "read" entry's ``read`` records of how its file was read (a workbook's: its sheet, header row, range).
READ_DETAILS = (
    "format",
    "encoding",
    "gzip",
    "delimiter",
    "header",
    "part",
    "header_row",
    "range",
    "empty_rows",
    "missing",
    "late",
    "utc",
)


def add_source(view: dict, table: str, kind: str, name: str, url=None, details=None) -> dict:
    """``view`` with a new source read as ``table`` (a ``read`` entry) and made active.

    Local files and pasted text carry no data in the state, only their
    name: a shared view asks the recipient to open the same file.
    ``details`` records how it was read (format, encoding, delimiter, sheet).
    """
    if kind not in READ_KINDS:
        raise ValueError("unknown source kind " + repr(kind))
    entry = {"op": "read", "table": table, "kind": kind, "name": name}  # type: dict
    if url is not None:
        entry["url"] = url
    if details:
        entry["read"] = dict(details)
    return with_entry(view, entry)


def remove_source(view: dict, table: str) -> dict:
    """``view`` without ``table``; the last remaining table becomes active.

    A table nothing later in the log may have used (no SQL ran after it was
    made) leaves the log altogether; otherwise a ``close`` entry records it.
    """
    if source(view, table) is None:
        return copied(view)
    return with_entry(view, {"op": "close", "table": table})


def rename_source(view: dict, table: str, new_name: str) -> dict:
    """``view`` with ``table`` known as ``new_name`` everywhere, in every entry of its log.

    Not a step the person took (that is a ``rename`` entry): a restored view
    whose table names are taken here gets names of its own.
    """
    out = copied(view)
    out["log"] = renamed_entries(out["log"], table, new_name)
    if table in out["tables"]:
        out["tables"][new_name] = out["tables"].pop(table)
    if out["active"] == table:
        out["active"] = new_name
    return derived(out)


def renamed_entries(entries: list, table: str, new_name: str) -> list:
    """Copies of the log ``entries`` with every mention of the table ``table`` made ``new_name``.

    The text of SQL statements is not rewritten: names inside it stay.
    """
    out = []  # type: list
    for entry in entries:
        entry = copied(entry)
        for key in ("table", "to"):
            if entry.get(key) == table:
                entry[key] = new_name
        if entry.get("op") == "sql":
            for key in ("made", "dropped"):
                if isinstance(entry.get(key), list):
                    entry[key] = [new_name if name == table else name for name in entry[key]]
        out.append(entry)
    return out


def with_type(view: dict, table: str, column: str, duckdb_type: str) -> dict:
    """``view`` recording that the person set ``column`` of ``table`` to ``duckdb_type``."""
    return with_entry(view, {"op": "type", "table": table, "column": column, "to": duckdb_type})


def with_flatten(view: dict, table: str, made: list) -> dict:
    """``view`` recording that ``table``'s STRUCT columns were flattened into the columns ``made``."""
    return with_entry(view, {"op": "flatten", "table": table, "made": list(made)})


def with_steps(view: dict, table: str, step_list: list) -> dict:
    """``view`` recording ``table``'s transform steps as ``step_list`` (app/core/steps.py).

    A ``steps`` entry holds the table's whole list; one right after another
    for the same table replaces it, so editing a recipe is one entry.
    """
    entry = {"op": "steps", "table": table, "steps": copied(step_list)}
    log = view.get("log") or []
    if log and log[-1].get("op") == "steps" and log[-1].get("table") == table:
        out = copied(view)
        out["log"][-1] = entry
        return derived(out)
    return with_entry(view, entry)


def table_steps(view: dict, table: str) -> list:
    """``table``'s transform steps now: its last ``steps`` entry's list, following renames ([] for none)."""
    current = {}  # type: dict
    for entry in view.get("log") or []:
        op = entry.get("op")
        name = entry.get("table")
        if op == "steps" and isinstance(entry.get("steps"), list):
            current[name] = entry["steps"]
        elif op == "rename" and name in current:
            current[entry.get("to")] = current.pop(name)
        elif op in ("close", "query"):
            current.pop(name, None)
        elif op == "sql":
            for gone in _listed(entry.get("dropped")) + _listed(entry.get("made")):
                current.pop(gone, None)
    return copied(current.get(table) or [])


def with_entry(view: dict, entry: dict) -> dict:
    """``view`` with ``entry`` (one change, see LOG_OPS) appended to its log and its tables updated.

    A table read again, closed, or made again by a query that does not name
    it drops its earlier history when nothing later in the log may have
    used it (no SQL ran since it was made): a query run ten times is one entry.
    """
    op = entry.get("op")
    if op not in LOG_OPS:
        raise ValueError("unknown log entry " + repr(op))
    out = copied(view)
    entry = copied(entry)
    table = str(entry.get("table") or "")
    if op in ("read", "close") or (op == "query" and not _mentions(entry.get("statement") or "", table)):
        forgotten = _forgotten(out["log"], table)
        if forgotten is not None:
            out["log"] = forgotten
            if op == "close":
                _drop_table(out, table)
                return derived(out)
    out["log"].append(entry)
    if op in ("read", "query"):
        out["tables"][table] = fresh_table()
        out["active"] = table
    elif op == "sql":
        for name in entry.get("dropped") or []:
            _drop_table(out, name)
        for name in entry.get("made") or []:
            out["tables"][name] = fresh_table()
            out["active"] = name
    elif op == "rename":
        if table in out["tables"]:
            out["tables"][entry["to"]] = out["tables"].pop(table)
        if out["active"] == table:
            out["active"] = entry["to"]
    elif op == "close":
        _drop_table(out, table)
    return derived(out)


def reread(view: dict, table: str, details) -> dict:
    """``view`` with ``table``'s file read again with ``details``: its ``read`` entry changed in place.

    The table is new from the file, so the types and flattening applied to
    the old one are gone, and so is its state on screen. Its transform steps
    stay: they apply to the new table (a step that no longer fits says why).
    """
    out = copied(view)
    kept = []
    found = False
    for entry in out["log"]:
        if entry.get("table") == table and entry["op"] == "read":
            found = True
            entry.pop("read", None)
            if details:
                entry["read"] = dict(details)
        elif found and entry.get("table") == table and entry["op"] in ("type", "flatten"):
            continue
        kept.append(entry)
    out["log"] = kept
    out["tables"][table] = fresh_table()
    out["active"] = table
    return derived(out)


def sources(view: dict) -> list:
    """The tables the log leaves, in the order they were made: ``[{table, kind, name, url?, read?}]``."""
    out = []  # type: list
    for entry in view.get("log") or []:
        op = entry.get("op") if isinstance(entry, dict) and isinstance(entry.get("table", ""), str) else None
        if op == "read":
            made = {"table": entry.get("table"), "kind": entry.get("kind"), "name": entry.get("name")}
            for key in ("url", "read"):
                if key in entry:
                    made[key] = copied(entry[key])
            out = _without(out, entry.get("table")) + [made]
        elif op == "query":
            out = _without(out, entry.get("table")) + [_made_by_sql(entry.get("table"))]
        elif op == "sql":
            for name in _listed(entry.get("dropped")):
                out = _without(out, name)
            for name in _listed(entry.get("made")):
                out = _without(out, name) + [_made_by_sql(name)]
        elif op == "rename":
            for known in out:
                if known["table"] == entry.get("table"):
                    known["table"] = entry["to"]
                    if known["kind"] == "query":
                        known["name"] = entry["to"]
        elif op == "close":
            out = _without(out, entry.get("table"))
    return out


def source(view: dict, table: str):
    """The record of where ``table`` came from (see ``sources``), or None."""
    for known in view["sources"]:
        if known["table"] == table:
            return known
    return None


def _forgotten(log: list, table: str):
    """``log`` without ``table``'s history, if no later entry may have used the table (else None).

    Only SQL uses one table to make another, so a table made by a ``read`` or
    a ``query`` after which no SQL ran can go without a trace.
    """
    made_at = None
    for index, entry in enumerate(log):
        op = entry.get("op")
        if op in ("read", "query", "rename", "close") and entry.get("table") == table:
            made_at = index if op in ("read", "query") else None
        elif op == "rename" and entry.get("to") == table:
            made_at = None
        elif op == "sql" and (table in (entry.get("made") or []) or table in (entry.get("dropped") or [])):
            made_at = None
    if made_at is None:
        return None
    for entry in log[made_at + 1 :]:
        if entry.get("op") in ("sql", "query", "rename"):
            return None
    return log[:made_at] + [e for e in log[made_at + 1 :] if e.get("table") != table]


def _mentions(statement: str, table: str) -> bool:
    """True if ``table``'s name appears as a word in ``statement`` (it may read the table)."""
    text = statement.lower()
    name = table.lower()
    found = text.find(name)
    while found >= 0:
        before = text[found - 1] if found else " "
        end = found + len(name)
        after = text[end] if end < len(text) else " "
        if not _name_char(before) and not _name_char(after):
            return True
        found = text.find(name, found + 1)
    return False


def _name_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "_" or ord(ch) > 127


def _listed(names) -> list:
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def _made_by_sql(table: str) -> dict:
    return {"table": table, "kind": "query", "name": table}


def _without(known: list, table: str) -> list:
    return [s for s in known if s["table"] != table]


def _drop_table(out: dict, table: str) -> None:
    out["tables"].pop(table, None)
    if out["active"] == table:
        left = sources(out)
        out["active"] = left[-1]["table"] if left else None


def derived(out: dict) -> dict:
    """``out`` with its ``sources`` recomputed from its log (and the active table one that exists)."""
    out["sources"] = sources(out)
    names = [s["table"] for s in out["sources"]]
    if out["active"] is not None and out["active"] not in names:
        out["active"] = names[-1] if names else None
    return out


def fresh_table() -> dict:
    """A new table's state: not sorted, at its first row."""
    return {"sort": [], "offset": 0}


def copied(value):
    """A deep copy of a JSON-compatible value."""
    return json.loads(json.dumps(value))
