"""The view state: everything a person did, as plain JSON-compatible data.

The screen is rendered from this state, and the same state will travel in
share links, embeds, autosave and "export as Python". Functions here never
change a state in place; each returns a new one.

    {"version": 1,
     "sources": [{"table": "seattle_weather", "kind": "url", "name": "...", "url": "..."}],
     "active": "seattle_weather",
     "tables": {"seattle_weather": {
         "sort": [["date", "desc"]], "offset": 0,
         "filters": [{"column": "weather", "op": "in", "value": ["rain"]}],
         "search": "", "group": None,      # or {"by": [...], "aggs": [{"fn", "column"}], "sort": [...]}
         "hidden": [], "order": [], "widths": {},
         "chart": None}}}                  # or {"kind", "x", "y", "color", "aggregate"}

A table's state may omit any key but ``sort`` and ``offset``;
``table_state`` fills in the defaults.

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import errors

VERSION = 1
SOURCE_KINDS = ("url", "file", "text", "sample", "query")


def new_view() -> dict:
    """An empty view: no sources, nothing active."""
    return {"version": VERSION, "sources": [], "active": None, "tables": {}}


def add_source(view: dict, table: str, kind: str, name: str, url=None, details=None) -> dict:
    """``view`` with a new source loaded as ``table`` and made active.

    Local files and pasted text carry no data in the state, only their
    name: a shared view asks the recipient to open the same file.
    ``details`` records how it was read (format, encoding, delimiter, sheet).
    """
    if kind not in SOURCE_KINDS:
        raise ValueError("unknown source kind " + repr(kind))
    source = {"table": table, "kind": kind, "name": name}  # type: dict
    if url is not None:
        source["url"] = url
    if details:
        source["read"] = dict(details)
    out = _copy(view)
    out["sources"] = [s for s in out["sources"] if s["table"] != table] + [source]
    out["tables"][table] = _fresh_table()
    out["active"] = table
    return out


def remove_source(view: dict, table: str) -> dict:
    """``view`` without ``table``; the last remaining table becomes active."""
    out = _copy(view)
    out["sources"] = [s for s in out["sources"] if s["table"] != table]
    out["tables"].pop(table, None)
    if out["active"] == table:
        out["active"] = out["sources"][-1]["table"] if out["sources"] else None
    return out


def rename_source(view: dict, table: str, new_name: str) -> dict:
    """``view`` with ``table`` known as ``new_name`` everywhere."""
    out = _copy(view)
    for source in out["sources"]:
        if source["table"] == table:
            source["table"] = new_name
    if table in out["tables"]:
        out["tables"][new_name] = out["tables"].pop(table)
    if out["active"] == table:
        out["active"] = new_name
    return out


def with_type(view: dict, table: str, column: str, duckdb_type: str) -> dict:
    """``view`` recording that the person set ``column`` of ``table`` to ``duckdb_type``."""
    out = _copy(view)
    state = out["tables"].setdefault(table, _fresh_table())
    types = state.setdefault("types", {})
    types[column] = duckdb_type
    return out


def with_step(view: dict, table: str, step: dict) -> dict:
    """``view`` with ``step`` (a JSON-compatible record of a change) appended to ``table``'s steps."""
    out = _copy(view)
    state = out["tables"].setdefault(table, _fresh_table())
    state.setdefault("steps", []).append(dict(step))
    return out


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


PANELS = ("sql", "profile")


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
    """A state from JSON text; raises StateError if it is not a valid state."""
    try:
        data = json.loads(text)
    except ValueError:
        raise errors.StateError("This view link is damaged (not valid JSON). Ask for the link again.")
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise errors.StateError("This view was saved by a different version of Loupe and cannot be restored.")
    for key in ("sources", "tables"):
        if key not in data:
            raise errors.StateError("This view link is incomplete (no " + key + "). Ask for the link again.")
    return data


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
    return {"sort": [], "offset": 0}


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
