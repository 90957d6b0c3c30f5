"""What a person does to the table on screen: sort, filter, search, group, arrange columns.

Each action makes a new view state and draws it; if the engine refuses it
(a column that is not there, a bad regular expression), the old state is
drawn again and the message says why. ``Session`` mixes this in; the grid
reports clicks to the ``on_*`` callbacks.
"""

from app.core import chips, errors, filters, layout_columns, query, recipe, sorting, view


class Exploring:
    """View-changing actions of ``app.ui.session.Session``."""

    def state(self) -> dict:
        """The active table's state, defaults filled in."""
        return view.table_state(self.view)

    def active_info(self):
        """``{table, rows, columns}`` of the active table (None when none is open)."""
        return self.tables.get(self.view["active"]) if self.view["active"] else None

    async def change(self, new_view: dict, keep_scroll: bool = False) -> None:
        """Show ``new_view``; if the engine refuses it, put the old view back and say why."""
        old = self.view
        self.view = new_view
        try:
            await self.render(keep_scroll)
        except errors.LoupeError:
            self.view = old
            await self.render(True)
            raise
        if self.panel.column is not None and self.panel.column in [c["name"] for c in self.active_info()["columns"]]:
            await self.panel.open(self.panel.column)

    async def sort(self, column: str, direction, add: bool = False) -> None:
        await self.change(sorting.sorted_view(self.view, column, direction, add))

    async def filter(self, column: str, op: str, value=None) -> None:
        if op == "regex":
            try:
                await self.engine.execute(*filters.regex_check(value))
            except errors.QueryError as failure:
                raise errors.QueryError(filters.regex_message(str(value), str(failure)))
        await self.change(view.with_filter(self.view, column, op, value))

    async def search(self, text: str) -> None:
        await self.change(view.with_search(self.view, text))

    async def remove_chip(self, kind: str, index: int) -> None:
        """Undo what a chip above the grid shows (``kind`` "all": every chip)."""
        await self.change(chips.removed(self.view, kind, index))

    async def group(self, by, aggs) -> None:
        await self.change(view.with_group(self.view, by, aggs))

    async def hide(self, column: str, hidden: bool = True) -> None:
        await self.change(view.with_hidden(self.view, column, hidden), keep_scroll=True)

    async def show_all_columns(self) -> None:
        await self.change(layout_columns.all_shown(self.view), keep_scroll=True)

    async def move_by(self, column: str, step: int) -> None:
        names = layout_columns.moved_by(self._shown_names(), column, step)
        if names is not None:
            await self.change(view.with_order(self.view, names), keep_scroll=True)

    async def set_table_state(self, table: str, state: dict) -> dict:
        """Show ``table`` with ``state`` (filters, sort, ...); return the table's state as applied."""
        if table not in self.tables:
            raise errors.StateError("No table named '" + table + "' is open; loupe.tables() lists them.")
        await self.change(view.activate(view.with_table_state(self.view, table, state), table))
        return view.table_state(self.view, table)

    def jump(self, row: int) -> None:
        """Scroll to ``row`` (0-based) and select its first cell."""
        self.grid.scroll_to_row(row)
        self.selection.select(max(0, min(row, self.grid.total - 1)), 0)

    def view_query(self) -> dict:
        """The current view as one SELECT: ``{table, sql, params, columns}`` (for export)."""
        table = self.view["active"]
        if table is None:
            raise errors.QueryError("Open a table first; there is nothing to export.")
        state = self.state()
        columns = self.tables[table]["columns"]
        text, params = query.view_select(table, state, columns, stable=not recipe.is_derived(self.recipes.get(table)))
        shown = query.group_columns(columns, state) if state.get("group") else query.visible(columns, state)
        return {"table": table, "sql": text, "params": params, "columns": shown}

    # Grid callbacks (app.ui.table.grid calls these with what the person did).

    def on_sort(self, column: str, add: bool) -> None:
        self.spawn(self.sort(column, sorting.next_direction(self.state(), column), add))

    def on_column(self, column: str) -> None:
        self.spawn(self.panel.open(column))

    def on_width(self, column: str, width: int) -> None:
        self.view = view.with_width(self.view, column, width)
        self.publish_view()

    def on_move(self, column: str, before: str) -> None:
        names = layout_columns.moved_before(self._shown_names(), column, before)
        self.spawn(self.change(view.with_order(self.view, names), keep_scroll=True))

    def on_drill(self, values: list) -> None:
        keys = self.state()["group"]["by"]
        picked = {}
        for i, name in enumerate(keys):
            picked[name] = values[i]
        self.spawn(self.change(view.drill_down(self.view, picked)))

    def _shown_names(self) -> list:
        return layout_columns.shown_names(self.active_info()["columns"], self.state())

    def _counted(self, shown: int, total: int, exact: bool, grouped: bool) -> None:
        self.toolbar.counted(shown, total, exact, grouped)
