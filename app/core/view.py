"""The view state: everything a person did, as plain JSON-compatible data.

The screen is rendered from this state, and the same state travels in
share links, embeds, autosave and (later) "export as Python". Functions
here never change a state in place; each returns a new one.

    {"version": 2,
     "log": [                              # what made the tables, in the order it happened
         {"op": "read", "table": "seattle_weather", "kind": "url", "name": "...", "url": "...",
          "read": {"format": "csv", ...}},
         {"op": "flatten", "table": "t", "made": ["who.name", "who.age"]},
         {"op": "type", "table": "t", "column": "who.age", "to": "BIGINT"},
         {"op": "sql", "statement": "CREATE TABLE a AS ...", "made": ["a"], "dropped": []},
         {"op": "query", "table": "query_result", "statement": "SELECT ..."},
         {"op": "rename", "table": "query_result", "to": "rainy_days"},
         {"op": "close", "table": "a"}],
     "sources": [...],                     # derived from the log (see below); never read back
     "active": "seattle_weather",
     "tables": {"seattle_weather": {
         "sort": [["date", "desc"]], "offset": 0,
         "filters": [{"column": "weather", "op": "in", "value": ["rain"]}],
         "search": "", "group": None,      # or {"by": [...], "aggs": [{"fn", "column"}], "sort": [...]}
         "hidden": [], "order": [], "widths": {},
         "chart": None}},                  # or {"kind", "x", "y", "color", "aggregate"}
     "sql": "...", "panels": ["sql"]}      # the editor's text (shown, never run) and open panels

The log (``LOG_OPS``): each entry is a small JSON object with an ``op``, the
table it applies to and its fields; replaying the entries in order makes the
tables again (app/core/restore.py). ``read`` is a source opened (a file, an
address, pasted text, the sample) and how it was read; ``type`` a column
given another type; ``flatten`` STRUCT columns given a column per field;
``sql`` one statement of the person's that ran as written (never one that
failed), with the tables it made and dropped; ``query`` a query whose rows
were kept as a table; ``rename`` and ``close`` what they say.

``sources`` lists the tables there are, in tab order, each as
``{table, kind, name, url?, read?}`` (``kind`` "query" for a table SQL
made): a summary for readers of ``loupe.view()``, recomputed from the log
by every function here and when a state is read.

A table's state may omit any key but ``sort`` and ``offset``;
``table_state`` fills in the defaults. Version 1 states (no log) are read
through app/core/migrate.py.

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import errors, migrate, view_log

VERSION = migrate.CURRENT
SOURCE_KINDS = view_log.SOURCE_KINDS
READ_KINDS = view_log.READ_KINDS
READ_DETAILS = view_log.READ_DETAILS
LOG_OPS = view_log.LOG_OPS
# The log's functions, used as view.<name> (app/core/view_log.py holds them).
add_source = view_log.add_source
remove_source = view_log.remove_source
rename_source = view_log.rename_source
renamed_entries = view_log.renamed_entries
with_type = view_log.with_type
with_flatten = view_log.with_flatten
with_entry = view_log.with_entry
with_steps = view_log.with_steps
table_steps = view_log.table_steps
reread = view_log.reread
sources = view_log.sources
source = view_log.source


def new_view() -> dict:
    """An empty view: no sources, nothing active."""
    return {"version": VERSION, "log": [], "sources": [], "active": None, "tables": {}}


def activate(view: dict, table: str) -> dict:
    """``view`` with ``table`` shown."""
    if table not in view["tables"]:
        raise ValueError("no table named " + repr(table) + " in this view")
    out = _copy(view)
    out["active"] = table
    return out


def table_state(view: dict, table=None) -> dict:
    """The per-table state of ``table`` or of the active table, with every default filled in."""
    name = table if table is not None else view["active"]
    state = _copy(_DEFAULTS)
    state.update(view["tables"].get(name) or {})
    return state


def with_sort(view: dict, column: str, direction, add: bool = False) -> dict:
    """``view`` with the active table sorted by ``column`` (None: not by it).

    Without ``add`` the table is sorted by ``column`` only; with it, ``column``
    is added to (or changed or dropped in) the columns already sorted by.
    """
    if direction not in (None, "asc", "desc"):
        raise ValueError("sort direction must be 'asc' or 'desc', not " + repr(direction))

    def change(state):
        kept = [pair for pair in state.get("sort", []) if pair[0] != column] if add else []
        if direction:
            kept.append([column, direction])
        state["sort"] = kept

    return _with_table(view, change)


def with_offset(view: dict, offset: int) -> dict:
    """``view`` with the active table scrolled to row ``offset`` (0-based)."""
    out = _copy(view)
    out["tables"][out["active"]]["offset"] = max(0, int(offset))
    return out


def with_filter(view: dict, column: str, op: str, value=None) -> dict:
    """``view`` with a filter on the active table; it replaces one on the same column and operator."""

    def change(state):
        kept = [f for f in state.get("filters", []) if not (f["column"] == column and f["op"] == op)]
        kept.append({"column": column, "op": op, "value": value})
        state["filters"] = kept

    return _with_table(view, change)


def without_filter(view: dict, index=None) -> dict:
    """``view`` without the active table's filter number ``index`` (all of them when None)."""

    def change(state):
        filters = list(state.get("filters", []))
        if index is None:
            filters = []
        elif 0 <= index < len(filters):
            filters.pop(index)
        state["filters"] = filters

    return _with_table(view, change)


def with_search(view: dict, text) -> dict:
    """``view`` with the active table searched for ``text`` in every column ('' for none)."""

    def change(state):
        state["search"] = (text or "").strip()

    return _with_table(view, change)


def with_group(view: dict, by, aggs=None) -> dict:
    """``view`` with the active table grouped by the columns ``by`` (empty or None: not grouped).

    ``aggs`` is a list of ``{"fn": "sum"|"avg"|"min"|"max"|"count_distinct", "column"}``;
    every group also has its row count.
    """

    def change(state):
        if by:
            state["group"] = {"by": list(by), "aggs": [dict(a) for a in (aggs or [])], "sort": []}
        else:
            state["group"] = None

    return _with_table(view, change)


def with_group_sort(view: dict, column: str, direction) -> dict:
    """``view`` with the active table's grouped result sorted by one of its columns."""

    def change(state):
        if state.get("group"):
            state["group"]["sort"] = [[column, direction]] if direction else []

    return _with_table(view, change)


def drill_down(view: dict, values: dict) -> dict:
    """``view`` leaving the grouping for the rows of one group: ``values`` maps key column to value."""

    def change(state):
        filters = [f for f in state.get("filters", []) if f["column"] not in values]
        for column in values:
            value = values[column]
            if value is None:
                filters.append({"column": column, "op": "null", "value": None})
            else:
                filters.append({"column": column, "op": "in", "value": [value]})
        state["filters"] = filters
        state["group"] = None

    return _with_table(view, change)


def with_hidden(view: dict, column: str, hidden: bool = True) -> dict:
    """``view`` with ``column`` of the active table hidden (or shown again)."""

    def change(state):
        names = [c for c in state.get("hidden", []) if c != column]
        if hidden:
            names.append(column)
        state["hidden"] = names

    return _with_table(view, change, keep_offset=True)


def with_order(view: dict, order: list) -> dict:
    """``view`` with the active table's columns shown in ``order`` (names; others follow)."""

    def change(state):
        state["order"] = list(order)

    return _with_table(view, change, keep_offset=True)


def with_width(view: dict, column: str, width) -> dict:
    """``view`` with ``column`` drawn ``width`` pixels wide (None: automatic)."""

    def change(state):
        widths = dict(state.get("widths", {}))
        if width:
            widths[column] = max(MIN_WIDTH, min(MAX_WIDTH, int(width)))
        else:
            widths.pop(column, None)
        state["widths"] = widths

    return _with_table(view, change, keep_offset=True)


def with_table_state(view: dict, table: str, state: dict) -> dict:
    """``view`` with ``table``'s whole state replaced (a restored or shared view)."""
    if table not in view["tables"]:
        raise ValueError("no table named " + repr(table) + " in this view")
    out = _copy(view)
    fresh = _copy(_DEFAULTS)
    for key in _DEFAULTS:
        if key in state:
            fresh[key] = _copy(state[key])
    problem = _shape_problem(fresh)
    if problem:
        raise errors.StateError("This table state cannot be used: " + problem + ".")
    out["tables"][table].update(fresh)
    return out


def _shape_problem(state: dict):
    """What is wrong with the shape of a table state (None when nothing is)."""
    if not isinstance(state["sort"], list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and p[1] in ("asc", "desc") for p in state["sort"]
    ):
        return "sort must be a list of [column, 'asc' or 'desc']"
    if not isinstance(state["filters"], list) or not all(
        isinstance(f, dict) and isinstance(f.get("column"), str) and isinstance(f.get("op"), str)
        for f in state["filters"]
    ):
        return "filters must be a list of {column, op, value}"
    if not isinstance(state["search"], str):
        return "search must be text"
    group = state["group"]
    if group is not None and not (
        isinstance(group, dict)
        and isinstance(group.get("by"), list)
        and group["by"]
        and all(isinstance(c, str) for c in group["by"])
    ):
        return "group must be null or {by: [columns], aggs: [{fn, column}]}"
    if group is not None:
        group.setdefault("aggs", [])
        group.setdefault("sort", [])
        if not isinstance(group["aggs"], list) or not all(isinstance(a, dict) for a in group["aggs"]):
            return "group aggs must be a list of {fn, column}"
    for key in ("hidden", "order"):
        if not isinstance(state[key], list) or not all(isinstance(c, str) for c in state[key]):
            return key + " must be a list of column names"
    if not isinstance(state["widths"], dict):
        return "widths must map column names to pixels"
    if state["chart"] is not None and not isinstance(state["chart"], dict):
        return "chart must be null or an object"
    if not isinstance(state["offset"], int) or state["offset"] < 0:
        return "offset must be a row number from 0"
    return None


def with_chart(view: dict, chart) -> dict:
    """``view`` with the active table charted as ``chart`` (a chart description; None: no chart)."""

    def change(state):
        state["chart"] = dict(chart) if chart else None

    return _with_table(view, change, keep_offset=True)


def with_sql(view: dict, text: str) -> dict:
    """``view`` remembering the SQL in the editor."""
    out = _copy(view)
    out["sql"] = text
    return out


PANELS = ("sql", "profile", "steps")


def with_panel(view: dict, name: str, shown: bool = True) -> dict:
    """``view`` with the panel ``name`` (one of PANELS) open or closed; kept in ``view["panels"]``."""
    if name not in PANELS:
        raise ValueError("unknown panel " + repr(name))
    out = _copy(view)
    panels = [p for p in out.get("panels") or [] if p != name]
    if shown:
        panels.append(name)
    out["panels"] = panels
    return out


def panel_open(view: dict, name: str) -> bool:
    """True if the panel ``name`` is open in ``view``."""
    return name in (view.get("panels") or [])


def canonical(value) -> str:
    """JSON text of ``value`` with object keys sorted: a key for caches and redraws.

    MicroPython's dicts keep no key order, so ``json.dumps`` of two equal
    states can differ there; this text cannot.
    """
    if isinstance(value, dict):
        return "{" + ",".join([json.dumps(k) + ":" + canonical(value[k]) for k in sorted(value)]) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join([canonical(v) for v in value]) + "]"
    return json.dumps(value)


def dumps(view: dict) -> str:
    """The state as compact JSON text."""
    return json.dumps(view, separators=(",", ":"))


def loads(text: str) -> dict:
    """A state from JSON text, brought to this version; raises StateError if it is not a valid state."""
    try:
        data = json.loads(text)
    except ValueError:
        raise errors.StateError("This view link is damaged (not valid JSON). Ask for the link again.")
    data = migrate.to_current(data)
    if not isinstance(data.get("log"), list) or not isinstance(data.get("tables"), dict):
        raise errors.StateError("This view link is damaged (its log or tables are malformed). Ask for the link again.")
    for entry in data["log"]:
        if not isinstance(entry, dict):
            raise errors.StateError("This view link is damaged: a step is not an object. Ask for the link again.")
    data.setdefault("active", None)
    return view_log.derived(data)


MIN_WIDTH = 40
MAX_WIDTH = 2000
_DEFAULTS = {
    "sort": [],
    "offset": 0,
    "filters": [],
    "search": "",
    "group": None,
    "hidden": [],
    "order": [],
    "widths": {},
    "chart": None,
}


def _fresh_table() -> dict:
    return view_log.fresh_table()


def _with_table(view: dict, change, keep_offset: bool = False) -> dict:
    """A copy of ``view`` with ``change(state)`` applied to the active table's state."""
    out = _copy(view)
    state = out["tables"].setdefault(out["active"], _fresh_table())
    change(state)
    if not keep_offset:
        state["offset"] = 0
    return out


def _copy(view: dict) -> dict:
    return json.loads(json.dumps(view))
