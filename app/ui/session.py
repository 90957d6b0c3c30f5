"""The running app: the view state, the loaded tables, and what happens on each action.

Opening is done by ``app.ui.opening.loader``; this module records what was opened
in the view state and renders from it. A failed action leaves every table
already open as it was.
"""

import asyncio
import json

from pyscript import document

from app.core import display, errors, file_kinds, guard, loading, query, recipe, restore, retype, sql, types, undo, view
from app.engine import wasm
from app.ui.opening import sharing
from app.ui.opening.loader import Load
from app.ui.panels import chart_panel, profile_panel, steps_panel
from app.ui.panels.column_panel import ColumnPanel
from app.ui.shell import feedback, progress
from app.ui.shell.dom import by_id, clear, count_up, el, on
from app.ui.table import source_bar
from app.ui.table.grid import Grid
from app.ui.table.selection import Selection
from app.ui.table.table_view import Explorer
from app.ui.table.toolbar import Toolbar
from app.ui.table.transforming import Transforming
from app.ui.table.view_actions import Exploring

PUBLIC_KEYS = ("table", "rows", "columns")


class Session(Exploring, Transforming):
    """One page's worth of Loupe: engine, view state and loaded tables."""

    def __init__(self, engine, api):
        self.engine = engine
        self.api = api  # window.loupe, to publish the table list
        self.view = view.new_view()
        self.tables = {}  # table name -> {table, rows, columns}
        self.files = {}  # table name -> virtual files its source registered
        self.blobs = {}  # table name -> the Blob it was read from (to read it again)
        self.sheets = {}  # table name -> the sheets of the workbook it is a sheet of: [{name, hidden}]
        self.recipes = {}  # table name -> what recipe.apply made of its steps (their states)
        self.as_of = {}  # table name -> the step it is shown as of (Steps panel: a step clicked)
        self.history = undo.History()  # the view states shown, for undo and redo
        self._file_counter = 0
        self._loading = False
        self._one_load = asyncio.Lock()
        self.restoring = None  # a shared view waiting for local files (app.ui.opening.sharing)
        self.keeper = None  # app.ui.shell.keeping.Keeper: the workspace kept on this device, set by main
        self.embedded = bool(document.documentElement.hasAttribute("data-embed"))  # embed.html
        self.sql_panel = None  # app.ui.panels.sql_panel.SqlPanel, set by main
        self.grid = Grid(by_id("grid-wrap"), by_id("grid"), self)
        self.selection = Selection(self.grid, self.spawn)
        self.explorer = Explorer(engine, self.grid, self._counted)
        self.toolbar = Toolbar(self)
        self.panel = ColumnPanel(self)

    # --- actions ---------------------------------------------------------

    async def open(self, source: dict, options=None) -> dict:
        """Open a source descriptor (see assets/js/loupe.mjs); return the first table's info.

        Sources with several tables (Excel sheets, SQLite tables) also return
        ``tables``: the info of each. ``options`` may set ``table`` (a name),
        ``format``, ``encoding``, ``delimiter``, ``header`` and ``missing`` (markers). A file a
        shared view waits for is read as the sender read it, and the view applies.
        """
        options, waited = sharing.claim(self, source, options)
        try:
            info = await self._open(source, options)
        except Exception:
            if waited is not None:
                sharing.unclaim(self, waited)
            raise
        finally:
            _count_load()
        if waited is not None:
            await sharing.arrived(self, waited, info)
            if sharing.awaits(self, source):  # another sheet (or reading) of the same file: read it from these bytes
                await self.open(sharing.same_file(self, source, info))
        return info

    async def _open(self, source: dict, options=None) -> dict:
        async with self._one_load:  # one load at a time keeps progress and cancel unambiguous
            self._loading = True
            try:
                loaded = await Load(self, source, options or {}).run()
            finally:
                self._loading = False
                progress.done()
        for info in loaded:
            self._record(info)
        if self.keeper is not None:
            for info in loaded:
                await self.keeper.read(info["table"])  # written as read, before anything changes it
        self._publish()
        await self.render()
        first = _public(loaded[0])
        if len(loaded) > 1:
            first["tables"] = [_public(info) for info in loaded]
        return first

    async def query(self, text: str) -> dict:
        """Run SQL; return ``{columns, rows}``."""
        if not text.strip():
            raise errors.QueryError("The query is empty. Write a SQL statement, for example: SELECT 42")
        result = await self.engine.execute(text, [])
        await self._refresh_tables()
        return result

    async def close_table(self, table: str) -> None:
        """Close ``table`` and show the one opened before it."""
        await wasm.run(loading.drop(table), self.engine)
        for file_name in self.files.pop(table, []):
            await self.engine.forget_file(file_name)
        self.blobs.pop(table, None)
        self.sheets.pop(table, None)
        self.tables.pop(table, None)
        self.explorer.forget(table)
        self.panel.close()
        self.view = view.remove_source(self.view, table)
        self._publish()
        await self.render()

    async def show_table(self, table: str) -> None:
        self.panel.close()
        self.view = view.activate(self.view, table)
        await self.render()

    async def apply_entry(self, entry: dict, say=None) -> dict:
        """Do one step of the view's log (any op but ``read``: app/core/restore.py), record it, redraw.

        Returns ``{entry, change}`` as ``restore.steps_for`` does. ``say(done)``: words to show
        before the redraw ('' for none), so they are on screen once the new table is.
        """
        table = entry.get("table")
        columns = self.tables[table]["columns"] if table in self.tables else []
        step_list = view.table_steps(self.view, table) if table else []
        done = await wasm.run(restore.steps_for(entry, columns, step_list), self.engine)
        if done["applied"] is not None:
            self.recipes[entry["to"] if entry["op"] == "rename" else table] = done["applied"]
        message = say(done) if say is not None else ""
        if message:
            feedback.notice(message)
        if entry["op"] == "steps":
            state = view.with_steps(self.view, table, done["entry"]["steps"])
        else:
            state = view.with_entry(self.view, done["entry"])
        await self.logged(state, [done["entry"]])
        return done

    async def logged(self, state: dict, entries: list) -> None:
        """Show the view ``state``, which logs ``entries`` that ran: tabs for the tables made, none for those gone.

        The tables the entries touched are described again (after SQL, every table: it may change any).
        """
        self.view = state
        names = [s["table"] for s in state["sources"]]
        for table in list(self.tables):
            if table not in names:
                self._forget_table(table)
        touched = names if any(e["op"] == "sql" for e in entries) else [e.get("table") for e in entries]
        touched = touched + [e["to"] for e in entries if e["op"] == "rename"]
        for table in names:
            if table not in self.tables or table in touched:
                self.explorer.forget(table)
                self.tables[table] = _public(await wasm.run(loading.describe(table), self.engine))
                self.files.setdefault(table, [])
                self.blobs.setdefault(table, None)
        self._publish()
        await self.render()

    def _forget_table(self, table: str) -> None:
        """Forget what the page held for ``table`` (gone from the engine); its files stay registered."""
        self.tables.pop(table, None)
        self.blobs.pop(table, None)
        self.sheets.pop(table, None)
        self.files.pop(table, None)
        self.recipes.pop(table, None)
        self.explorer.forget(table)

    async def read_again(self, table: str, options: dict) -> dict:
        """Read ``table``'s file again with other options; the old table stays until this succeeds."""
        try:
            return await self._read_again(table, options)
        finally:
            _count_load()

    async def _read_again(self, table: str, options: dict) -> dict:
        held = self._held_file(table, "a file Loupe can read again")
        wanted = dict(options)
        wanted["table"] = table + "__reading"
        if self.keeper is not None:
            self.keeper.paused = True  # not saved while the new read has a passing name
        try:
            return await self._read_into(table, held, wanted)
        finally:
            if self.keeper is not None:
                self.keeper.paused = False
                self.keeper.changed()

    async def _read_into(self, table: str, held: dict, wanted: dict) -> dict:
        fresh = await self._open(held, wanted)
        await wasm.run(recipe.drop(table), self.engine)
        await self.engine.execute(*sql.rename_table(fresh["table"], table))
        old_files = self.files.pop(table, [])
        for file_name in old_files:
            await self.engine.forget_file(file_name)
        self.files[table] = self.files.pop(fresh["table"], [])
        self.blobs[table] = self.blobs.pop(fresh["table"])
        self.sheets[table] = self.sheets.pop(fresh["table"], [])
        self.tables.pop(fresh["table"])
        details = (view.source(self.view, fresh["table"]) or {}).get("read")
        self.view = view.reread(view.remove_source(self.view, fresh["table"]), table, details)
        if self.keeper is not None:
            self.keeper.reread(fresh["table"], table)
        step_list = view.table_steps(self.view, table)
        if step_list:  # the steps apply to the new rows; one that no longer fits says why in the Steps panel
            self.recipes[table] = await wasm.run(recipe.apply(table, step_list), self.engine)
        await self._changed(table)
        return self.tables[table]

    async def open_sheets(self, table: str, names: list) -> list:
        """Open more sheets of the workbook ``table`` is a sheet of (its bytes kept); return their tables."""
        held = self._held_file(table, "a workbook Loupe still holds")
        if not names:
            raise errors.OpenError("Choose at least one sheet to open, then Open chosen sheets.")
        info = await self.open(held, {"sheets": list(names)})
        return [t["table"] for t in info.get("tables") or [info]]

    def _held_file(self, table: str, what: str) -> dict:
        """The source to open ``table``'s file again from the bytes kept; OpenError (naming ``what``) if not kept."""
        source = self.source_of(table)
        blob = self.blobs.get(table)
        if source is None or blob is None:
            raise errors.OpenError("'" + table + "' did not come from " + what + "; open the file once more.")
        return {"kind": "file", "file": blob, "name": source["name"]}

    def open_parts(self, name: str) -> list:
        """The sheets of the workbook file ``name`` that are open as tables."""
        parts = []
        for table in self.tables:
            source = self.source_of(table) or {}
            read = source.get("read") or {}
            if source.get("name") == name and read.get("format") == file_kinds.XLSX and read.get("part"):
                parts.append(read["part"])
        return parts

    async def change_type(self, table: str, column: str, target: str) -> dict:
        """Give ``column`` of ``table`` the type ``target``; values that do not fit become NULL."""
        info = self.tables[table]
        current = [c["type"] for c in info["columns"] if c["name"] == column]
        if not current:
            raise errors.QueryError("'" + table + "' has no column named '" + column + "'.")
        entry = {"op": "type", "table": table, "column": column, "to": target}
        done = await self.apply_entry(entry, lambda done: retype.changes_message(table, [done["change"]]))
        return done["change"]

    async def flatten(self, table: str) -> list:
        """Give each field of ``table``'s STRUCT columns a column of its own; return the new names."""
        done = await self.apply_entry({"op": "flatten", "table": table, "made": []})
        return done["entry"]["made"]

    def source_of(self, table: str):
        """The view's record of where ``table`` came from (None if unknown): see ``view.sources``."""
        return view.source(self.view, table)

    def next_file_name(self, suffix: str) -> str:
        """A fresh virtual file name for the engine (never derived from user text)."""
        self._file_counter += 1
        return guard.FILES + str(self._file_counter) + suffix

    def spawn(self, coroutine) -> None:
        """Run ``coroutine`` in the background; errors become on-screen messages."""
        asyncio.create_task(feedback.guarded(coroutine))

    # --- while a file loads ----------------------------------------------

    async def show_preview(self, table: str, name: str, preview: dict) -> None:
        """Show the first rows of a file that is still being read."""
        columns = types.describe_columns([{"name": c["name"], "type": c["type"]} for c in preview["columns"]])
        self._draw_partial(table, columns, preview["rows"], name + " — reading the whole file…")

    async def show_partial(self, table: str, name: str) -> None:
        """Show the first page of a table that is still being filled."""
        try:
            info = await wasm.run(loading.describe(table), self.engine)
            result = await self.engine.execute(*query.page(table, {}, info["columns"], 0, 200))
        except errors.LoupeError:
            return  # the load failed or was cancelled meanwhile; it reports itself
        if self._loading:
            self._draw_partial(table, info["columns"], result["rows"], name + " — reading the rest…")

    def _draw_partial(self, table: str, columns: list, rows: list, note: str) -> None:
        shown = columns[:MAX_SHOWN_COLUMNS]
        self.explorer.show_rows(table, shown, [row[: len(shown)] for row in rows])
        by_id("table-title").textContent = table
        by_id("table-meta").textContent = note
        by_id("source-bar").hidden = True
        self.toolbar.render(None, None)
        by_id("view-count").textContent = "First " + display.thousands(len(rows)) + " rows"

    # --- bookkeeping -----------------------------------------------------

    async def _changed(self, table: str) -> None:
        """After ``table`` changed in the engine: describe it again, publish and redraw."""
        self.explorer.forget(table)
        self.tables[table] = _public(await wasm.run(loading.describe(table), self.engine))
        self._publish()
        await self.render()

    def _record(self, info: dict) -> None:
        source = info["source"]
        table = info["table"]
        self.tables[table] = _public(info)
        self.files[table] = source.pop("files", [])
        self.blobs[table] = source.pop("blob", None)
        self.sheets[table] = source.pop("sheets", None) or []
        details = {}
        for key in view.READ_DETAILS:
            if source.get(key) is not None:
                details[key] = source[key]
        kind = source["kind"] if source["kind"] in view.READ_KINDS else "file"
        self.view = view.add_source(self.view, table, kind, source["name"], source.get("url"), details)

    async def _refresh_tables(self) -> None:
        """Re-describe tables after SQL that may have changed them."""
        listed = await self.engine.execute(*sql.list_tables())
        names = [row[0] for row in listed["rows"]]
        for table in list(self.tables):
            if table not in names:
                self.tables.pop(table)
                self.view = view.remove_source(self.view, table)
        for table in self.tables:
            self.tables[table] = _public(await wasm.run(loading.describe(table), self.engine))
        self._publish()
        await self.render()

    def publish_view(self) -> None:
        """Announce the view state (``loupe.view()``, the ``loupe:view`` event, the address's link).

        Every state shown passes here, so this is where undo's history records it.
        """
        self.history.record(self.view)
        if self.keeper is not None:
            self.keeper.changed()
        steps_panel.refresh(self)
        self.api._setView(view.dumps(self.view))

    def _publish(self) -> None:
        self.api._setTables(json.dumps([self.tables[t] for t in _ordered(self.view, self.tables)]))

    # --- rendering -------------------------------------------------------

    async def render(self, keep_scroll: bool = False) -> None:
        """Draw the table list and the active table from the view state."""
        self._render_tabs()
        active = self.view["active"]
        if active is None:
            self.panel.close()
            source_bar.render(self, None)
            self.toolbar.render(None, None)
            self.explorer.show_rows("", [], [])
            by_id("table-title").textContent = "No table open"
            by_id("table-meta").textContent = "Open a file to begin: CSV, TSV, JSON, Parquet, Excel or SQLite."
            chart_panel.refresh(self)
            profile_panel.refresh(self)
            self.publish_view()
            return
        info = self._shown_info(self.tables[active])
        state = self.state()
        await self.explorer.show(active, info, state, keep_scroll)
        if self.view["active"] != active:
            return  # another action took over while the page loaded
        by_id("table-title").textContent = active
        meta = display.rows_caption(info["rows"], len(self.tables[active]["columns"]))
        if len(info["columns"]) < len(self.tables[active]["columns"]):
            meta += " · showing the first " + display.thousands(len(info["columns"])) + " columns"
        by_id("table-meta").textContent = meta
        self.toolbar.render(info, state)
        source_bar.render(self, active)
        self.publish_view()
        chart_panel.refresh(self)  # the chart follows the view's filters and search
        profile_panel.refresh(self)  # so do the column profiles

    def _shown_info(self, info: dict) -> dict:
        """``info`` with kinds, cut to the columns the grid can draw."""
        columns = types.describe_columns([{"name": c["name"], "type": c["type"]} for c in info["columns"]])
        shown = {"table": info["table"], "rows": info["rows"], "columns": columns[:MAX_SHOWN_COLUMNS]}
        shown["derived"] = recipe.is_derived(self.recipes.get(info["table"]))  # a view over its source: no row ids
        return shown

    def _render_tabs(self) -> None:
        tabs = by_id("tables")
        clear(tabs)
        for table in _ordered(self.view, self.tables):
            item = el("li", None, "tab")
            current = table == self.view["active"]
            button = el("button", table, "tab-name", {"type": "button", "aria-current": "true" if current else "false"})
            on(button, "click", _task(self, self.show_table, table))
            close = el(
                "button",
                "×",
                "tab-close",
                {"type": "button", "aria-label": "Close " + table, "title": "Close " + table},
            )
            on(close, "click", _task(self, self.close_table, table))
            item.append(button)
            item.append(close)
            tabs.append(item)


# Wide tables (thousands of columns) would make a page of DOM too big to
# build; the grid shows this many and says so.
MAX_SHOWN_COLUMNS = 100


def _public(info: dict) -> dict:
    return {key: info[key] for key in PUBLIC_KEYS}


def _ordered(state: dict, tables: dict) -> list:
    return [s["table"] for s in state["sources"] if s["table"] in tables]


def _count_load() -> None:
    """``<body data-loads>``: loads finished so far, ok or not (tests and embedders wait on it)."""
    count_up(document.body, "data-loads")


def _task(session, method, *args):
    def handler(event):
        session.spawn(method(*args))

    return handler
