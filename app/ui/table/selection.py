"""Cell and range selection in the grid: click, Shift+click, arrow keys, and copy as TSV.

A selection is an anchor cell and a focus cell (row, column index); the
range between them is painted on the rows in sight. Copying fetches the
rows of the range that are not cached (up to ``MAX_COPY_ROWS``) and writes
tab-separated text that pastes cleanly into a spreadsheet.
"""

from pyscript.ffi import to_js

from app.core import captions, cell_range, display
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, on

MAX_COPY_ROWS = 100000


class Selection:
    """The selected range of one grid; keyboard movement and copying."""

    def __init__(self, grid, spawn):
        self.grid = grid
        self.spawn = spawn  # runs a coroutine in the background with on-screen errors
        self.anchor = None
        self.focus = None
        self._marked = []
        grid.selection = self
        on(grid.wrap, "keydown", self._key)

    def reset(self, keep: bool) -> None:
        if not keep:
            self.anchor = None
            self.focus = None
        elif not cell_range.still_fits(self.focus, self.grid.total, len(self.grid.columns)):
            self.anchor = None
            self.focus = None

    def bounds(self):
        """``(top, left, bottom, right)`` of the range, inclusive; None without a selection."""
        return cell_range.bounds(self.anchor, self.focus)

    def select(self, row: int, column: int, extend: bool = False) -> None:
        """Make (row, column) the focus cell; with ``extend`` the range grows from the anchor."""
        grid = self.grid
        if not grid.columns or grid.total == 0:
            return
        row, column = cell_range.clamped(row, column, grid.total, len(grid.columns))
        self.focus = (row, column)
        if not extend or self.anchor is None:
            self.anchor = (row, column)
        self._into_sight(row)
        self.paint()
        for cell in self._marked:
            if cell.classList.contains("active"):
                cell.scrollIntoView(_NEAREST)
        self._announce()

    def paint(self) -> None:
        """Mark the selected cells among the rows drawn."""
        for cell in self._marked:
            cell.classList.remove("sel")
            cell.classList.remove("active")
        self._marked = []
        box = self.bounds()
        if box is None:
            return
        top, left, bottom, right = box
        for entry in self.grid.pool:
            row = entry[2]
            if row < top or row > bottom:
                continue
            cells = entry[3]
            for j in range(left, min(right, len(cells) - 1) + 1):
                cells[j].classList.add("sel")
                if (row, j) == self.focus:
                    cells[j].classList.add("active")
                self._marked.append(cells[j])

    def clicked(self, event) -> None:
        cell = event.target.closest("td[data-c]")
        tr = event.target.closest("tr[data-row]")
        if not cell or not tr:
            return
        self.select(int(tr.getAttribute("data-row")), int(cell.getAttribute("data-c")), bool(event.shiftKey))
        self.grid.wrap.focus(_NO_SCROLL)

    async def copy(self, headers: bool = False) -> int:
        """Copy the range as TSV; return how many rows were copied."""
        box = self.bounds()
        if box is None:
            feedback.status("Select cells first: click a cell, Shift+click another.")
            return 0
        top, left, bottom, right = box
        stop = min(bottom + 1, top + MAX_COPY_ROWS)
        rows = await self.grid.rows(top, stop)
        picked = [row[left : right + 1] for row in rows]
        if headers:
            picked.insert(0, [c["name"] for c in self.grid.columns[left : right + 1]])
        from pyscript import window

        try:
            await window.navigator.clipboard.writeText(display.tsv(picked))
        except Exception:
            feedback.error("The browser did not allow copying. Click into the table and press Ctrl+C again.")
            return 0
        copied = stop - top
        capped = None if stop == bottom + 1 else MAX_COPY_ROWS
        feedback.status(captions.copied_caption(copied, right - left + 1, capped))
        return copied

    # --- keyboard ----------------------------------------------------------

    def _key(self, event) -> None:
        key = str(event.key)
        grid = self.grid
        ctrl = bool(event.ctrlKey) or bool(event.metaKey)
        if ctrl and key in ("c", "C"):
            event.preventDefault()
            self.spawn(self.copy(bool(event.shiftKey)))
            return
        if ctrl and key in ("a", "A"):
            event.preventDefault()
            self.anchor, self.focus = cell_range.everything(grid.total, len(grid.columns))
            self.paint()
            self._announce()
            return
        if key == "Escape":
            self.anchor = None
            self.focus = None
            self.paint()
            return
        if key == "Enter" and self.focus is not None and grid.grouped:
            event.preventDefault()
            grid.drill_row(self.focus[0])
            return
        start = (grid.first_in_sight(), 0)
        move = cell_range.key_target(key, ctrl, self.focus, start, grid.rows_in_sight(), grid.total, len(grid.columns))
        if move is None:
            return
        event.preventDefault()
        self.select(move[0], move[1], bool(event.shiftKey))

    def _into_sight(self, row: int) -> None:
        grid = self.grid
        target = cell_range.scroll_target(row, grid.first_in_sight(), grid.rows_in_sight())
        if target is not None:
            grid.scroll_to_row(target)

    def _announce(self) -> None:
        box = self.bounds()
        if box is None:
            return
        row, column = self.focus
        values = self.grid.cached(row)
        shown = display.cell_text(values[column]) if values is not None and column < len(values) else None
        by_id("cell-status").textContent = captions.cell_announcement(
            row, self.grid.columns[column]["name"], shown, box
        )


_NEAREST = to_js({"block": "nearest", "inline": "nearest"})
_NO_SCROLL = to_js({"preventScroll": True})
