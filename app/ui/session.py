"""The running app: the view state, the loaded tables, and what happens on each action.

Opening goes: check the source -> register it with DuckDB -> load it with
``app.core.catalog`` -> record it in the view -> render. A failure at any
step leaves every table already open as it was.
"""

import json

from app.core import catalog, errors, fmt, naming, sniff, sql, view
from app.engine import wasm
from app.ui import grid
from app.ui.dom import by_id, clear, el, on

SAMPLE_URL = "./assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"
SAMPLE_NAME = "seattle-weather.csv"


class Session:
    """One page's worth of Loupe: engine, view state and loaded tables."""

    def __init__(self, engine, api):
        self.engine = engine
        self.api = api  # window.loupe, to publish the table list
        self.view = view.new_view()
        self.tables = {}  # table name -> {table, rows, columns}
        self._file_counter = 0
        self._busy_page = None

    # --- actions ---------------------------------------------------------

    async def open(self, source: dict, options=None) -> dict:
        """Open a source descriptor (see assets/js/loupe.mjs); return the table info.

        ``options["table"]`` asks for a table name (made unique if taken).
        """
        kind = source.get("kind")
        register = _REGISTER.get(kind)
        if register is None:
            raise errors.OpenError(
                "loupe.open() takes a URL string, a File or Blob, or {name, text}; got "
                + str(source.get("what") or "something else") + ".")
        name, file_name, url = await register(self, source)
        wanted = str((options or {}).get("table") or name)
        table = naming.table_name_for(wanted, list(self.tables))
        try:
            info = await wasm.run(catalog.load_csv(table, file_name, name), self.engine)
        except errors.LoupeError:
            await self.engine.forget_file(file_name)
            raise
        self.tables[table] = info
        self.view = view.add_source(self.view, table, kind, name, url)
        self._publish()
        await self.render()
        return info

    async def query(self, text: str) -> dict:
        """Run SQL; return ``{columns, rows}``."""
        if not text.strip():
            raise errors.QueryError("The query is empty. Write a SQL statement, for example: SELECT 42")
        result = await self.engine.execute(text, [])
        await self._refresh_tables()
        return result

    async def close_table(self, table: str) -> None:
        """Close ``table`` and show the one opened before it."""
        await wasm.run(catalog.drop(table), self.engine)
        self.tables.pop(table, None)
        self.view = view.remove_source(self.view, table)
        self._publish()
        await self.render()

    async def show_table(self, table: str) -> None:
        self.view = view.activate(self.view, table)
        await self.render()

    async def sort(self, column: str, direction) -> None:
        self.view = view.with_sort(self.view, column, direction)
        await self.render()

    async def page_by(self, step: int) -> None:
        state = view.table_state(self.view)
        info = self.tables[self.view["active"]]
        offset = state["offset"] + step * sql.DEFAULT_PAGE_SIZE
        if 0 <= offset < max(info["rows"], 1):
            self.view = view.with_offset(self.view, offset)
            await self.render()

    # --- opening ---------------------------------------------------------

    # Each _register_* checks a source, registers it with DuckDB as a virtual
    # file and returns (display name, virtual file name, url or None).

    async def _register_text(self, source: dict) -> tuple:
        name = source.get("name") or "pasted.csv"
        text = source.get("text")
        if not isinstance(text, str):
            raise errors.OpenError("{name, text} needs text as a string of CSV; got " + str(type(text)) + ".")
        sniff.check_text(name, text)
        return name, await self.engine.register_text(self._file_name(name), text), None

    async def _register_url(self, source: dict) -> tuple:
        url = source["url"]
        name = naming.file_name_from_url(url)
        file_name = self._file_name(name)
        fetched = await self.engine.fetch_into(file_name, url)
        if not fetched["ok"]:
            raise errors.FetchError(_fetch_message(url, fetched))
        await self._check_head(file_name, name, fetched["head"])
        return name, file_name, url

    async def _register_file(self, source: dict) -> tuple:
        name = source.get("name") or "data.csv"
        file_name = self._file_name(name)
        registered = await self.engine.register_file(file_name, source["file"])
        await self._check_head(file_name, name, registered["head"])
        return name, file_name, None

    async def _check_head(self, file_name: str, name: str, head: list) -> None:
        try:
            sniff.check_text_sample(name, bytes(head))
        except errors.LoupeError:
            await self.engine.forget_file(file_name)
            raise

    def _file_name(self, name: str) -> str:
        self._file_counter += 1
        suffix = ".tsv" if name.lower().endswith(".tsv") else ".csv"
        return "loupe-" + str(self._file_counter) + suffix

    async def _refresh_tables(self) -> None:
        """Re-describe tables after SQL that may have changed them."""
        listed = await self.engine.execute(*sql.list_tables())
        names = [row[0] for row in listed["rows"]]
        for table in list(self.tables):
            if table not in names:
                self.tables.pop(table)
                self.view = view.remove_source(self.view, table)
        for table in self.tables:
            self.tables[table] = await wasm.run(catalog.describe(table), self.engine)
        self._publish()
        await self.render()

    def _publish(self) -> None:
        self.api._setTables(json.dumps([self.tables[t] for t in _ordered(self.view, self.tables)]))

    # --- rendering -------------------------------------------------------

    async def render(self) -> None:
        """Draw the table list and the active table from the view state."""
        self._render_tabs()
        active = self.view["active"]
        table_node = by_id("grid")
        if active is None:
            grid.clear_table(table_node)
            by_id("table-title").textContent = "No table open"
            by_id("table-meta").textContent = "Open a CSV file to begin."
            by_id("pager-range").textContent = ""
            return
        info = self.tables[active]
        state = view.table_state(self.view)
        result = await self.engine.execute(*sql.page(active, state["sort"], state["offset"]))
        if self.view["active"] != active:
            return  # another action took over while the page loaded
        by_id("table-title").textContent = active
        by_id("table-meta").textContent = fmt.rows_caption(info["rows"], len(info["columns"]))
        grid.render_header(table_node, info, state["sort"], self._sort_callback)
        grid.render_rows(table_node, info, result["rows"], state["offset"])
        by_id("pager-range").textContent = fmt.range_caption(state["offset"], len(result["rows"]), info["rows"])
        by_id("page-prev").disabled = state["offset"] == 0
        by_id("page-next").disabled = state["offset"] + len(result["rows"]) >= info["rows"]

    def _render_tabs(self) -> None:
        tabs = by_id("tables")
        clear(tabs)
        for table in _ordered(self.view, self.tables):
            item = el("li", None, "tab")
            current = table == self.view["active"]
            button = el("button", table, "tab-name", {"type": "button",
                                                      "aria-current": "true" if current else "false"})
            on(button, "click", _task(self.show_table, table))
            close = el("button", "×", "tab-close", {"type": "button", "aria-label": "Close " + table,
                                                    "title": "Close " + table})
            on(close, "click", _task(self.close_table, table))
            item.append(button)
            item.append(close)
            tabs.append(item)

    def _sort_callback(self, column, direction):
        _spawn(self.sort(column, direction))


_REGISTER = {
    "text": Session._register_text,
    "url": Session._register_url,
    "sample": Session._register_url,
    "file": Session._register_file,
}


def _ordered(state: dict, tables: dict) -> list:
    return [s["table"] for s in state["sources"] if s["table"] in tables]


def _fetch_message(url: str, fetched: dict) -> str:
    status = fetched.get("status", 0)
    if status == 0:
        return ("Could not download " + url + ": the server could not be reached, or it does not let "
                "other sites read the file (CORS). Download the file and open it from your computer instead.")
    return ("Could not download " + url + ": the server answered " + str(status) + " "
            + str(fetched.get("statusText") or "") + ". Check the address and try again.")


def _task(method, *args):
    def handler(event):
        _spawn(method(*args))
    return handler


def _spawn(coroutine):
    import asyncio
    from app.ui import feedback
    asyncio.create_task(feedback.guarded(coroutine))
