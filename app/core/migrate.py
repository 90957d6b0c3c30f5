"""View states saved by earlier versions of Loupe, brought to the current version.

A share link lives for as long as someone keeps it, so every state version
Loupe ever wrote stays readable: ``to_current`` applies one migration per
version, in turn. A version newer than this Loupe's is refused with words.

    version 1   ``sources`` (a query source carrying its SQL in ``read.sql``)
                and, per table, ``types`` (column -> type) and ``steps``
                (``{"flatten": [columns]}``), replayed types first.
    version 2   one ordered ``log`` of entries (app/core/view.py).

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, statements

CURRENT = 2
NEWER = (
    "This view was saved by a different version of Loupe, newer than this one (view version {found}), "
    "and cannot be restored here. Reload the page to get the newest Loupe, then open the link again."
)
UNKNOWN = "This view was saved by a different version of Loupe and cannot be restored. Ask for the link again."


def to_current(state) -> dict:
    """``state`` (decoded JSON) as a current one; StateError when it is no Loupe state or too new.

    The input is not changed.
    """
    if not isinstance(state, dict) or not isinstance(state.get("version"), int) or isinstance(state["version"], bool):
        raise errors.StateError(UNKNOWN)
    found = state["version"]
    if found > CURRENT:
        raise errors.StateError(NEWER.replace("{found}", str(found)))
    if found < 1:
        raise errors.StateError(UNKNOWN)
    out = state
    while out["version"] < CURRENT:
        out = _MIGRATIONS[out["version"]](out)
    return out


def from_1(state: dict) -> dict:
    """A version 1 state as version 2: its sources, types and flattening as one ordered log.

    Version 1 kept no order between a table's types and its flattening; a
    type set on a column that flattening made (``who.name``) goes after it,
    any other before it. A query source's SQL becomes a ``query`` entry when
    it is one query, else one ``sql`` entry per statement that changes
    something (version 1 recorded the whole script for each table a script
    made, and ran it whole on restore); sources made by one script (the same
    text) become that script once.
    """
    for key in ("sources", "tables"):
        if key not in state:
            raise errors.StateError("This view link is incomplete (no " + key + "). Ask for the link again.")
    sources = state["sources"]
    tables = state["tables"]
    if not isinstance(sources, list) or not isinstance(tables, dict):
        raise errors.StateError(
            "This view link is damaged (its sources or tables are malformed). Ask for the link again."
        )
    log = []  # type: list
    out_tables = {}  # type: dict
    done_scripts = []  # type: list
    for index, source in enumerate(sources):
        if not isinstance(source, dict):
            raise errors.StateError("This view link is damaged: a source is not an object. Ask for the link again.")
        table = source.get("table")
        shown = tables.get(table) if isinstance(table, str) else None
        shown = shown if isinstance(shown, dict) else {}
        if source.get("kind") == "query":
            text = _sql_of(source)
            if text not in done_scripts:
                done_scripts.append(text)
                group = [s.get("table") for s in sources[index:] if isinstance(s, dict) and _sql_of(s) == text]
                log.extend(_script_entries(text, table, group))
        else:
            entry = {"op": "read"}  # type: dict
            for key in ("table", "kind", "name", "url", "read"):
                if key in source:
                    entry[key] = source[key]
            log.append(entry)
        log.extend(_refinements(table, shown))
        if isinstance(table, str) and isinstance(tables.get(table), dict):
            out_tables[table] = {k: tables[table][k] for k in tables[table] if k not in ("types", "steps")}
    for name in tables:
        if name not in out_tables:
            out_tables[name] = tables[name]
    out = {}  # type: dict
    for key in state:
        if key not in ("sources", "tables", "version"):
            out[key] = state[key]
    out["version"] = 2
    out["log"] = log
    out["tables"] = out_tables
    return out


_MIGRATIONS = {1: from_1}


def _sql_of(source: dict) -> str:
    read = source.get("read")
    text = read.get("sql") if isinstance(read, dict) else None
    return text if isinstance(text, str) else ""


def _script_entries(text: str, table, group: list) -> list:
    """The entries a version 1 query source's SQL stands for.

    Version 1 recorded a query's own statement for the table holding its
    rows, and the whole script for each table the script's other statements
    made (``group``, in the order they were opened).
    """
    pieces = [statement for statement, _ in statements.split(text)]
    kept = [statement for statement in pieces if statements.result_kind(statement) in ("table", "wrapped")]
    out = []  # type: list
    for statement in pieces:
        if statement not in kept:
            out.append({"op": "sql", "statement": statement, "made": [], "dropped": []})
    if not out:
        # A query (or nothing, which a restore then says it cannot make): its rows are the table.
        return [{"op": "query", "table": table, "statement": kept[-1] if kept else ""}]
    out[-1]["made"] = [name for name in group if isinstance(name, str)]  # which made which was not recorded
    return out


def _refinements(table, shown: dict) -> list:
    """A version 1 table's ``types`` and flattening ``steps`` as entries, in the order they can have happened."""
    types = shown["types"] if isinstance(shown.get("types"), dict) else {}  # type: dict
    steps = [s for s in (shown.get("steps") or []) if isinstance(s, dict) and s.get("flatten") is not None]
    made = []  # type: list
    for step in steps:
        made.extend([c for c in step["flatten"] if isinstance(c, str)] if isinstance(step["flatten"], list) else [])
    before = []  # type: list
    after = []  # type: list
    for column in sorted(types):
        entry = {"op": "type", "table": table, "column": column, "to": str(types[column])}
        (after if column in made else before).append(entry)
    flattened = [
        {"op": "flatten", "table": table, "made": list(s["flatten"]) if isinstance(s["flatten"], list) else []}
        for s in steps
    ]
    return before + flattened + after
