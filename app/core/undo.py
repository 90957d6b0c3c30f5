"""Undo and redo over the view state: every change a person makes, back and forth.

The session records each view state it shows; ``History`` keeps the ones
that differ in more than scrolling. A state can be gone back to when only
transform steps, filters, sorting, grouping, columns shown, widths or the
chart differ: putting those back is compiling a view and redrawing. Where
the tables themselves changed — a file opened or read again, SQL run, a
type changed — going back would lose data, so the history starts again
there ("never across a reload").

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import view

LIMIT = 200  # levels kept (the oldest go first)


class History:
    """The states shown, oldest first, and where we are among them."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self.states = []  # type: list
        self.keys = []  # type: list
        self.at = -1

    def record(self, state: dict) -> bool:
        """Note ``state`` as shown now; True if it is a new level (redo is then lost)."""
        key = undo_key(state)
        if self.at >= 0 and self.keys[self.at] == key:
            self.states[self.at] = _copy(state)  # the same level, scrolled: keep where it is now
            return False
        if self.at >= 0 and not can_go_between(self.states[self.at], state):
            self.states, self.keys, self.at = [], [], -1
        del self.states[self.at + 1 :]
        del self.keys[self.at + 1 :]
        self.states.append(_copy(state))
        self.keys.append(key)
        if len(self.states) > self.limit:
            self.states.pop(0)
            self.keys.pop(0)
        self.at = len(self.states) - 1
        return True

    def can_undo(self) -> bool:
        return self.at > 0

    def can_redo(self) -> bool:
        return 0 <= self.at < len(self.states) - 1

    def undo(self):
        """The state before the current one (None when there is none); it becomes current."""
        if not self.can_undo():
            return None
        self.at -= 1
        return _copy(self.states[self.at])

    def redo(self):
        """The state after the current one (None when there is none); it becomes current."""
        if not self.can_redo():
            return None
        self.at += 1
        return _copy(self.states[self.at])

    def forget(self) -> None:
        """Start again from nothing (a new page of tables)."""
        self.states, self.keys, self.at = [], [], -1


def undo_key(state: dict) -> str:
    """What tells two states apart for undo: all of it but scrolling, the editor's text and the panels open."""
    plain = _copy(state)
    plain.pop("sql", None)
    plain.pop("panels", None)
    plain.pop("sources", None)
    for table in (plain.get("tables") or {}).values():
        if isinstance(table, dict):
            table.pop("offset", None)
    return view.canonical(plain)


def can_go_between(a: dict, b: dict) -> bool:
    """True when ``a`` and ``b`` have the same tables, made the same way, but for the steps at the end.

    Their logs must be equal once the ``steps`` entries at the end of each
    are set aside: then going from one to the other changes steps and what is
    shown, never what was read or what SQL made.
    """
    return _without_trailing_steps(a.get("log") or []) == _without_trailing_steps(b.get("log") or [])


def changed_steps(a: dict, b: dict) -> list:
    """The tables whose transform steps differ between ``a`` and ``b`` (in ``b``'s table order)."""
    out = []
    for source in b.get("sources") or []:
        table = source["table"]
        if view.table_steps(a, table) != view.table_steps(b, table):
            out.append(table)
    return out


def _without_trailing_steps(log: list) -> str:
    end = len(log)
    while end > 0 and isinstance(log[end - 1], dict) and log[end - 1].get("op") == "steps":
        end -= 1
    return view.canonical(log[:end])


def _copy(value):
    return json.loads(json.dumps(value))
