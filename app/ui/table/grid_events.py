"""What the person does to the grid: clicks, double clicks, resizing and dragging headers.

``GridEvents`` is mixed into ``app.ui.table.grid.Grid``: each handler reads the
index a header or row carries (``data-sort``, ``data-menu``, ``data-drill``,
``data-resize``, ``data-col``, ``data-row``) and reports the column or row to
the grid's ``actions`` (``on_sort``, ``on_column``, ``on_width``, ``on_move``,
``on_drill``); a click on a cell goes to the selection.
"""

from app.core import view
from app.ui.shell.dom import on


class GridEvents:
    """Event handlers of ``Grid`` (wired in its ``__init__``)."""

    def drill_row(self, row: int) -> None:
        """Open the rows of group ``row`` (grouped views only)."""
        if self.grouped:
            self._drill(row)

    def _scrolled(self, event) -> None:
        self.draw()

    def _size_changed(self, entries, observer) -> None:
        self.draw()

    def _clicked(self, event) -> None:
        target = event.target
        sort = target.closest("[data-sort]")
        if sort:
            column = self.columns[int(sort.getAttribute("data-sort"))]
            self.actions.on_sort(column["name"], bool(event.shiftKey))
            return
        menu = target.closest("[data-menu]")
        if menu:
            self.actions.on_column(self.columns[int(menu.getAttribute("data-menu"))]["name"])
            return
        drill = target.closest("[data-drill]")
        if drill:
            self._drill(int(drill.getAttribute("data-drill")))
            return
        if self.selection:
            self.selection.clicked(event)

    def _double_clicked(self, event) -> None:
        tr = event.target.closest("tr[data-row]")
        if tr and self.grouped:
            self._drill(int(tr.getAttribute("data-row")))

    def _drill(self, row: int) -> None:
        values = self.cached(row)
        if values is not None:
            self.actions.on_drill(values)

    # --- resizing a column --------------------------------------------------

    def _pointer_down(self, event) -> None:
        handle = event.target.closest("[data-resize]")
        if not handle:
            return
        event.preventDefault()
        index = int(handle.getAttribute("data-resize"))
        cell = handle.closest("th")
        self._resize = {"index": index, "x": float(event.clientX), "width": float(cell.offsetWidth)}
        handle.setPointerCapture(event.pointerId)
        if not self._resize_wired:
            on(self.table, "pointermove", self._pointer_move)
            on(self.table, "pointerup", self._pointer_up)
            self._resize_wired = True

    def _pointer_move(self, event) -> None:
        if not self._resize:
            return
        width = max(view.MIN_WIDTH, int(self._resize["width"] + float(event.clientX) - self._resize["x"]))
        self._resize["now"] = width
        self._cols[self._resize["index"]].style.width = str(width) + "px"

    def _pointer_up(self, event) -> None:
        resize = self._resize
        self._resize = None
        if resize and resize.get("now"):
            self.actions.on_width(self.columns[resize["index"]]["name"], resize["now"])

    # --- moving a column ------------------------------------------------------

    def _drag_start(self, event) -> None:
        cell = event.target.closest("th[data-col]") if event.target.closest else None
        if not cell:
            return
        self._drag = self.columns[int(cell.getAttribute("data-col"))]["name"]
        event.dataTransfer.setData("text/plain", self._drag)
        event.dataTransfer.effectAllowed = "move"

    def _drag_over(self, event) -> None:
        if self._drag and event.target.closest("th[data-col]"):
            event.preventDefault()

    def _dropped(self, event) -> None:
        cell = event.target.closest("th[data-col]")
        moved = self._drag
        self._drag = None
        if not cell or not moved:
            return
        event.preventDefault()
        before = self.columns[int(cell.getAttribute("data-col"))]["name"]
        if before != moved:
            self.actions.on_move(moved, before)
