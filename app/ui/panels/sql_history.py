"""The SQL panel's History drawer: recent queries, newest first, kept in ``localStorage``.

The list itself (distinct, capped, read back from whatever storage holds)
is app/core/history.py.
"""

from pyscript import window

from app.core import history
from app.ui.shell.dom import clear, el, on


class History:
    """The ``#sql-history`` drawer and the queries in it."""

    def __init__(self, button):
        self.entries = _stored()
        self.drawer = el("details", None, "drawer sql-history", {"id": "sql-history"})
        self.summary = el("summary", "History")
        self.drawer.append(self.summary)
        body = el("div", None, "sql-history-body")
        self.list = el("ol", None, "sql-history-list", {"aria-label": "Recent queries, newest first"})
        on(self.list, "click", self._picked)
        body.append(self.list)
        forget = button("Clear history", "button small", {"id": "sql-history-clear"})
        on(forget, "click", self._cleared)
        body.append(forget)
        self.drawer.append(body)
        self._render()

    def remember(self, text: str) -> None:
        """Put ``text`` first in the history, and store it."""
        self.entries = history.added(self.entries, text)
        try:
            window.localStorage.setItem(history.KEY, history.dumps(self.entries))
        except Exception:
            pass  # storage full or disabled: the history lasts until the page closes
        self._render()

    def _render(self) -> None:
        clear(self.list)
        for index, text in enumerate(self.entries):
            item = el("li")
            attributes = {"type": "button", "data-index": str(index), "title": text}
            item.append(el("button", history.label(text), "sql-history-item", attributes))
            self.list.append(item)
        if not self.entries:
            self.list.append(el("li", "Queries you run appear here.", "sql-history-empty"))
        self.summary.textContent = "History (" + str(len(self.entries)) + ")" if self.entries else "History"

    def _picked(self, event) -> None:
        button = event.target.closest("button[data-index]")
        if not button:
            return
        window.loupeEditor.setText(self.entries[int(button.getAttribute("data-index"))])
        self.drawer.open = False
        window.loupeEditor.focus()

    def _cleared(self, event) -> None:
        self.entries = []
        try:
            window.localStorage.removeItem(history.KEY)
        except Exception:
            pass
        self._render()


def _stored() -> list:
    try:
        stored = window.localStorage.getItem(history.KEY)
    except Exception:  # storage disabled (private mode, policy): start empty
        return []
    return history.loads(None if stored is None else str(stored))
