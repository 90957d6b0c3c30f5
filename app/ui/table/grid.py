"""The virtual grid: a sticky header and only the rows in sight, fetched by pages.

The grid knows nothing about SQL. It is given columns, a row total and an
async ``fetch(offset, limit)``; it keeps a small cache of row blocks, draws
a fixed pool of row elements over the visible part of the scroll area, and
reports what the person does (sort, open a column, resize, move, drill into
a group) to callbacks (``app.ui.table.grid_events``). The header is built by
``app.ui.table.grid_header``; which rows are in sight, past the browsers' height
cap too, is worked out by ``app.core.grid_layout``. Selection and keyboard
movement live in ``app.ui.table.selection``.

Every value is set as text, never as HTML.
"""

import asyncio

from app.core import captions, display, grid_layout, types
from app.core.grid_layout import BLOCK
from app.ui.shell.dom import clear, el, on
from app.ui.table import grid_header
from app.ui.table.grid_events import GridEvents


class Grid(GridEvents):
    """The table on screen, fed page by page."""

    def __init__(self, wrap, table_node, actions):
        self.wrap = wrap  # the scrolling element
        self.table = table_node
        self.actions = actions  # object with on_sort/on_column/on_width/on_move/on_drill
        self.key = None
        self.columns = []
        self.total = 0
        self.exact = True
        self.fetch = None
        self.sort = []
        self.widths = {}
        self.grouped = False
        self.blocks = {}
        self._previous = {}  # blocks of the same rows fetched another way, shown until refetched
        self.pending = {}  # block -> asyncio.Event set when its rows have arrived
        self.first = 0  # first drawn row
        self.pool = []
        self.selection = None  # set by app.ui.table.selection
        self._frame = 0
        self._top = el("tr", None, "spacer", {"aria-hidden": "true"})
        self._bottom = el("tr", None, "spacer", {"aria-hidden": "true"})
        self._body = el("tbody")
        self._colgroup = el("colgroup")
        on(wrap, "scroll", self._scrolled)
        # The rows in sight depend on the grid's height: draw again when it changes.
        from pyscript import window
        from pyscript.ffi import create_proxy

        self._resized = create_proxy(self._size_changed)
        window.ResizeObserver.new(self._resized).observe(wrap)
        on(table_node, "click", self._clicked)
        on(table_node, "dblclick", self._double_clicked)
        on(table_node, "pointerdown", self._pointer_down)
        on(table_node, "dragstart", self._drag_start)
        on(table_node, "dragover", self._drag_over)
        on(table_node, "drop", self._dropped)
        self._drag = None
        self._resize = None
        self._resize_wired = False
        self._cols = []  # <col> elements, one per column
        self._sparks = []  # spark slots, one per column

    # --- what to show ----------------------------------------------------

    def show(
        self,
        key,
        columns: list,
        total: int,
        fetch,
        first_rows=None,
        sort=None,
        widths=None,
        grouped=False,
        exact=True,
        keep_scroll=False,
    ) -> None:
        """Show a new view: its columns, row total and the function that fetches rows."""
        same_view = keep_scroll
        self.key = key
        self.columns = columns
        self.total = total
        self.exact = exact
        self.fetch = fetch
        self.sort = sort or []
        self.widths = widths or {}
        self.grouped = grouped
        self.blocks = {}
        self._previous = {}
        self.pending = {}  # block -> asyncio.Event set when its rows have arrived
        if first_rows is not None:
            self.blocks[0] = first_rows
        self._build()
        if not same_view:
            self.wrap.scrollTop = 0
        if self.selection:
            self.selection.reset(same_view)
        self.draw()

    def switch_source(self, fetch, total: int) -> None:
        """Same rows, now fetched another way (the view's order was stored); the total is now known."""
        self.fetch = fetch
        self.total = total
        self.exact = True
        # Rows that tie on the sort keys may be stored in another order than
        # the first page came in: fetch again, showing the old rows meanwhile.
        self._previous = self.blocks
        self.blocks = {}
        self.key = str(self.key) + "+"
        self._size()
        self.draw()

    def set_spark(self, name: str, node) -> None:
        """Put a profile strip under the header of column ``name``."""
        for index, column in enumerate(self.columns):
            if column["name"] == name and index < len(self._sparks):
                clear(self._sparks[index])
                self._sparks[index].append(node)

    def scroll_to_row(self, row: int) -> None:
        """Scroll so that ``row`` (0-based) is the first row in sight."""
        row = max(0, min(int(row), max(self.total - 1, 0)))
        self.wrap.scrollTop = grid_layout.scroll_for(row, self.total, int(self.wrap.clientHeight))
        self.draw()

    def rows_in_sight(self) -> int:
        return grid_layout.rows_in_sight(int(self.wrap.clientHeight))

    def first_in_sight(self) -> int:
        return grid_layout.row_at(int(self.wrap.scrollTop), self.total, int(self.wrap.clientHeight))

    def cached(self, row: int):
        """The values of ``row`` if its block is here, else None."""
        block = self.blocks.get(row // BLOCK)
        if block is None:
            block = self._previous.get(row // BLOCK)
        if block is None or row % BLOCK >= len(block):
            return None
        return block[row % BLOCK]

    async def rows(self, start: int, stop: int) -> list:
        """Rows ``start`` .. ``stop`` (for copying), from the cache or fetched."""
        out = []
        row = start
        while row < stop:
            block = row // BLOCK
            if block not in self.blocks:
                await self._load(block, self.key)
            values = self.blocks.get(block) or []
            out.extend(values[row % BLOCK : min(stop - block * BLOCK, BLOCK)])
            row = (block + 1) * BLOCK
        return out

    # --- drawing ---------------------------------------------------------

    def _build(self) -> None:
        clear(self.table)
        self._colgroup, self._cols = grid_header.colgroup(self.columns, self.widths)
        self.table.append(self._colgroup)
        head, self._sparks = grid_header.header(self.columns, self.sort)
        self.table.append(head)
        self._body = el("tbody")
        self._body.append(self._top)
        self.pool = []
        self._body.append(self._bottom)
        self.table.append(self._body)
        self.table.setAttribute("aria-rowcount", str(self.total + 1))
        self.table.setAttribute("aria-colcount", str(len(self.columns) + 1))
        self.table.classList.toggle("grouped", self.grouped)
        self._size()

    def _size(self) -> None:
        self.table.setAttribute("aria-rowcount", str(self.total + 1))

    def draw(self) -> None:
        """Draw the rows in sight from the cache; fetch the blocks that are missing."""
        drawn = grid_layout.drawn_rows(int(self.wrap.scrollTop), self.total, int(self.wrap.clientHeight))
        first, last = drawn["first"], drawn["last"]
        self.first = first
        self._ensure_pool(last - first)
        missing = []
        for i, entry in enumerate(self.pool):
            row = first + i
            if row >= last:
                if entry[2] != -1:
                    entry[0].hidden = True
                    entry[2] = -1
                continue
            values = self.cached(row)
            if (row // BLOCK) not in self.blocks and (row // BLOCK) not in missing:
                missing.append(row // BLOCK)
            self._fill(entry, row, values)
        self._top.style.height = str(drawn["top"]) + "px"
        self._bottom.style.height = str(drawn["bottom"]) + "px"
        if self.selection:
            self.selection.paint()
        for block in missing:
            if block not in self.pending:
                asyncio.create_task(self._load_and_draw(block, self.key))

    def _ensure_pool(self, needed: int) -> None:
        numeric = [types.is_numeric(c["kind"]) for c in self.columns]
        while len(self.pool) < needed:
            tr = el("tr")
            head = el("th", None, "rownum", {"scope": "row"})
            label = head
            if self.grouped:
                label = el("button", None, "drill", {"type": "button", "title": "Show the rows of this group"})
                head.append(label)
            tr.append(head)
            cells = []
            for index in range(len(self.columns)):
                td = el("td", None, "num" if numeric[index] else None, {"data-c": str(index)})
                tr.append(td)
                cells.append(td)
            self._body.insertBefore(tr, self._bottom)
            # [row element, row-number label, row shown (-1: hidden), cells, last values drawn]
            self.pool.append([tr, label, -2, cells, None])

    def _fill(self, entry, row: int, values) -> None:
        tr, label, shown, cells, drawn = entry
        if shown == row and drawn is values:
            return  # already showing exactly this
        if shown == -1:
            tr.hidden = False
        if shown != row:
            label.textContent = display.thousands(row + 1)
            tr.setAttribute("data-row", str(row))
            tr.setAttribute("aria-rowindex", str(row + 2))
            if self.grouped:
                label.setAttribute("data-drill", str(row))
                label.setAttribute("aria-label", captions.group_row_label(row))
        entry[2] = row
        entry[4] = values
        if values is None:
            tr.classList.add("waiting")
            for cell in cells:
                cell.textContent = ""
            return
        if drawn is None:
            tr.classList.remove("waiting")
        for j in range(len(cells)):
            cell = cells[j]
            value = values[j] if j < len(values) else None
            cell.textContent = display.cell_text(value)
            cell.className = grid_layout.cell_class(self.columns[j], value)

    async def _load_and_draw(self, block: int, key) -> None:
        await self._load(block, key)
        if key == self.key:
            self.draw()

    async def _load(self, block: int, key) -> None:
        if block in self.pending:
            await self.pending[block].wait()  # the same block is on its way: draw once it is here
            return
        arrived = self.pending[block] = asyncio.Event()
        try:
            rows = await self.fetch(block * BLOCK, BLOCK)
        finally:
            if self.pending.get(block) is arrived:
                self.pending.pop(block)
            arrived.set()
        if key != self.key:
            return
        for old in grid_layout.blocks_to_drop(list(self.blocks), self.first):
            self.blocks.pop(old)
        self.blocks[block] = rows
