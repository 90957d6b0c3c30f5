"""The view state: everything a person did, as plain JSON-compatible data.

The screen is rendered from this state, and the same state will travel in
share links, embeds, autosave and "export as Python". Functions here never
change a state in place; each returns a new one.

    {"version": 1,
     "sources": [{"table": "seattle_weather", "kind": "url", "name": "...", "url": "..."}],
     "active": "seattle_weather",
     "tables": {"seattle_weather": {"sort": [["date", "desc"]], "offset": 0}}}

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import errors

VERSION = 1
SOURCE_KINDS = ("url", "file", "text", "sample")


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
    source = {"table": table, "kind": kind, "name": name}
    if url is not None:
        source["url"] = url
    if details:
        source["read"] = dict(details)
    out = _copy(view)
    out["sources"] = [s for s in out["sources"] if s["table"] != table] + [source]
    out["tables"][table] = {"sort": [], "offset": 0}
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
    state = out["tables"].setdefault(table, {"sort": [], "offset": 0})
    types = state.setdefault("types", {})
    types[column] = duckdb_type
    return out


def with_step(view: dict, table: str, step: dict) -> dict:
    """``view`` with ``step`` (a JSON-compatible record of a change) appended to ``table``'s steps."""
    out = _copy(view)
    state = out["tables"].setdefault(table, {"sort": [], "offset": 0})
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
    """The per-table state (sort, offset) of ``table`` or of the active table."""
    name = table if table is not None else view["active"]
    return view["tables"].get(name) or {"sort": [], "offset": 0}


def with_sort(view: dict, column: str, direction) -> dict:
    """``view`` with the active table sorted by ``column`` only (None: unsorted)."""
    out = _copy(view)
    state = out["tables"][out["active"]]
    state["sort"] = [[column, direction]] if direction else []
    state["offset"] = 0
    return out


def with_offset(view: dict, offset: int) -> dict:
    """``view`` with the active table scrolled to row ``offset`` (0-based)."""
    out = _copy(view)
    out["tables"][out["active"]]["offset"] = max(0, int(offset))
    return out


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
        raise errors.StateError(
            "This view was saved by a different version of Loupe and cannot be restored.")
    for key in ("sources", "tables"):
        if key not in data:
            raise errors.StateError("This view link is incomplete (no " + key + "). Ask for the link again.")
    return data


def _copy(view: dict) -> dict:
    return json.loads(json.dumps(view))
