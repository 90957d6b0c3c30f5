"""The virtual grid: a sticky header and only the rows in sight, fetched by pages.

The grid knows nothing about SQL. It is given columns, a row total and an
async ``fetch(offset, limit)``; it keeps a small cache of row blocks, draws
a fixed pool of row elements over the visible part of the scroll area, and
reports what the person does (sort, open a column, resize, move, drill into
a group) to callbacks. Selection and keyboard movement live in
``app.ui.selection``.

Browsers cap an element's height (about 33 M px in Chromium), so past
``MAX_HEIGHT`` the scroll range is scaled: the scrollbar maps onto rows
proportionally and the rows are drawn at the top of the viewport.

Every value is set as text, never as HTML.
"""

import asyncio

from app.core import fmt, types
from app.ui.dom import clear, el, on

ROW_HEIGHT = 28
BLOCK = 200  # rows per fetch
OVERSCAN = 8
MAX_HEIGHT = 8000000
MAX_BLOCKS = 24  # cached blocks per view
_ARIA_SORT = {None: "none", "asc": "ascending", "desc": "descending"}


class Grid:
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
        self.pending = set()
        self.first = 0  # first drawn row
        self.pool = []
        self.selection = None  # set by app.ui.selection
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
        self.pending = set()
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
        self.wrap.scrollTop = self._scroll_for(row)
        self.draw()

    def rows_in_sight(self) -> int:
        return max(1, int(self.wrap.clientHeight) // ROW_HEIGHT - 1)

    def first_in_sight(self) -> int:
        return self._row_at(int(self.wrap.scrollTop))

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
        self._colgroup = el("colgroup")
        self._colgroup.append(el("col", None, "rownum-col"))
        self._cols = []
        for column in self.columns:
            col = el("col")
            width = self.widths.get(column["name"])
            col.style.width = str(width or _default_width(column)) + "px"
            self._colgroup.append(col)
            self._cols.append(col)
        self.table.append(self._colgroup)
        self.table.append(self._header())
        self._body = el("tbody")
        self._body.append(self._top)
        self.pool = []
        self._body.append(self._bottom)
        self.table.append(self._body)
        self.table.setAttribute("aria-rowcount", str(self.total + 1))
        self.table.setAttribute("aria-colcount", str(len(self.columns) + 1))
        self.table.classList.toggle("grouped", self.grouped)
        self._size()

    def _header(self):
        current = {}
        order = {}
        for i, pair in enumerate(self.sort):
            current[pair[0]] = pair[1]
            order[pair[0]] = i + 1
        head = el("thead")
        self._sparks = []
        row = el("tr")
        row.append(el("th", "#", "rownum", {"scope": "col", "aria-label": "Row number"}))
        for index, column in enumerate(self.columns):
            name = column["name"]
            direction = current.get(name)
            cell = el(
                "th",
                None,
                "num" if types.is_numeric(column["kind"]) else None,
                {"scope": "col", "aria-sort": _ARIA_SORT[direction], "data-col": str(index), "draggable": "true"},
            )
            line = el("div", None, "colline")
            button = el(
                "button",
                None,
                "colhead",
                {
                    "type": "button",
                    "data-sort": str(index),
                    "title": name + " (" + column["type"] + ") — click to sort, Shift+click to add to the sort",
                },
            )
            button.append(
                el(
                    "span",
                    types.label_of(column["kind"]),
                    "coltype kind-" + column["kind"],
                    {"aria-label": "type " + column["type"]},
                )
            )
            button.append(el("span", name, "colname"))
            if direction:
                mark = ("▲" if direction == "asc" else "▼") + (str(order[name]) if len(self.sort) > 1 else "")
                button.append(el("span", mark, "sortmark", {"aria-hidden": "true"}))
            line.append(button)
            line.append(
                el(
                    "button",
                    "⋮",
                    "colmenu",
                    {
                        "type": "button",
                        "data-menu": str(index),
                        "aria-label": "Column " + name + ": profile, filter and more",
                        "title": "Profile, filter, hide, move",
                    },
                )
            )
            cell.append(line)
            spark = el("div", None, "spark-slot")
            self._sparks.append(spark)
            cell.append(spark)
            cell.append(
                el(
                    "span",
                    None,
                    "resize",
                    {"data-resize": str(index), "aria-hidden": "true", "title": "Drag to resize"},
                )
            )
            row.append(cell)
        head.append(row)
        return head

    def _size(self) -> None:
        self.table.setAttribute("aria-rowcount", str(self.total + 1))

    def _virtual_height(self) -> int:
        return min(self.total * ROW_HEIGHT, MAX_HEIGHT)

    def _scaled(self) -> bool:
        return self.total * ROW_HEIGHT > MAX_HEIGHT

    def _row_at(self, scroll_top: int) -> int:
        if not self._scaled():
            return scroll_top // ROW_HEIGHT
        room = max(MAX_HEIGHT - int(self.wrap.clientHeight), 1)
        span = max(self.total - self.rows_in_sight(), 0)
        return min(span, int(scroll_top * span / room + 0.5))

    def _scroll_for(self, row: int) -> int:
        if not self._scaled():
            return row * ROW_HEIGHT
        room = max(MAX_HEIGHT - int(self.wrap.clientHeight), 1)
        span = max(self.total - self.rows_in_sight(), 1)
        return int(row * room / span)

    def draw(self) -> None:
        """Draw the rows in sight from the cache; fetch the blocks that are missing."""
        scroll_top = int(self.wrap.scrollTop)
        in_sight = self._row_at(scroll_top)
        count = self.rows_in_sight() + 2
        if self._scaled():
            first = in_sight
            top = scroll_top
        else:
            first = max(0, in_sight - OVERSCAN)
            count += OVERSCAN * 2
            top = first * ROW_HEIGHT
        last = min(self.total, first + count)
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
        self._top.style.height = str(top) + "px"
        drawn = (last - first) * ROW_HEIGHT
        self._bottom.style.height = str(max(0, self._virtual_height() - top - drawn)) + "px"
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
            label.textContent = fmt.thousands(row + 1)
            tr.setAttribute("data-row", str(row))
            tr.setAttribute("aria-rowindex", str(row + 2))
            if self.grouped:
                label.setAttribute("data-drill", str(row))
                label.setAttribute("aria-label", "Show the rows of group " + str(row + 1))
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
            cell.textContent = fmt.cell_text(value)
            cell.className = _cell_class(self.columns[j], value)

    async def _load_and_draw(self, block: int, key) -> None:
        await self._load(block, key)
        if key == self.key:
            self.draw()

    async def _load(self, block: int, key) -> None:
        if block in self.pending:
            while block in self.pending and key == self.key:
                await asyncio.sleep(0.01)
            return
        self.pending.add(block)
        try:
            rows = await self.fetch(block * BLOCK, BLOCK)
        finally:
            self.pending.discard(block)
        if key != self.key:
            return
        if len(self.blocks) >= MAX_BLOCKS:
            far = sorted(self.blocks, key=lambda b: -abs(b - self.first // BLOCK))
            for old in far[: len(self.blocks) - MAX_BLOCKS + 1]:
                self.blocks.pop(old)
        self.blocks[block] = rows

    # --- events ----------------------------------------------------------

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

    def drill_row(self, row: int) -> None:
        """Open the rows of group ``row`` (grouped views only)."""
        if self.grouped:
            self._drill(row)

    def _drill(self, row: int) -> None:
        values = self.cached(row)
        if values is not None:
            self.actions.on_drill(values)

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
        width = max(40, int(self._resize["width"] + float(event.clientX) - self._resize["x"]))
        self._resize["now"] = width
        self._cols[self._resize["index"]].style.width = str(width) + "px"

    def _pointer_up(self, event) -> None:
        resize = self._resize
        self._resize = None
        if resize and resize.get("now"):
            self.actions.on_width(self.columns[resize["index"]]["name"], resize["now"])

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


def _cell_class(column: dict, value) -> str:
    cls = "num" if types.is_numeric(column["kind"]) else ""
    if value is None:
        cls += " null"
    elif value == "":
        cls += " empty"
    return cls


def _default_width(column: dict) -> int:
    """A first width from the kind and the name: dense for numbers, wider for text."""
    base = {
        "integer": 90,
        "decimal": 100,
        "boolean": 70,
        "date": 110,
        "timestamp": 170,
        "time": 90,
        "text": 160,
        "list": 160,
        "struct": 200,
    }.get(column["kind"], 120)
    return max(base, min(260, 34 + 8 * len(column["name"])))
