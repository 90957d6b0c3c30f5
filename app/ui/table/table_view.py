"""What the grid shows for a table's state: which queries, in which order, and what follows in the background.

A change of sort or filter repaints from one direct query (the first page,
a top-N query for a sort); the view's order is then stored as row ids so
that every later page, near or far, is one cheap query, and the rows are
counted. Grouped views are stored whole (they are small). Column profiles
for the header strips are computed last, one column at a time, and stop as
soon as the view changes.
"""

import asyncio

from app.core import errors, paging, profile, query, sorting
from app.core.grid_layout import BLOCK
from app.core.paging import filter_key  # app.ui.panels.chart_panel reads the profile cache with it too
from app.ui.shell import feedback
from app.ui.shell.dom import count_up
from app.ui.table import header_profiles

ORDER_TABLE = "loupe_view_order"
GROUP_TABLE = "loupe_view_groups"
MAX_PROFILED = 40  # header strips are computed for at most this many columns


class Explorer:
    """Feeds one grid from the engine; keeps the counts and profiles of the current view."""

    def __init__(self, engine, grid, on_counted):
        self.engine = engine
        self.grid = grid
        self.on_counted = on_counted  # on_counted(shown, total, exact, grouped)
        self.generation = 0
        self.profiles = {}  # (table, filter key) -> {column name: profile}
        self.current = None  # {table, state, columns}
        self._stored = []  # temporary tables holding a view's order

    def stale(self, generation: int) -> bool:
        return generation != self.generation

    async def show(self, table: str, info: dict, state: dict, keep_scroll: bool = False) -> None:
        """Show ``table`` as ``state`` says; raises QueryError (and shows nothing new) if the state does not fit."""
        columns = info["columns"]
        query.check(state, columns)
        self.generation += 1
        generation = self.generation
        key = table + "#" + str(generation)
        self.current = {"table": table, "state": state, "columns": columns}
        engine = self.engine
        if state.get("group"):
            total, first = await _run(paging.grouped_rows(GROUP_TABLE, table, state, columns, BLOCK), engine)
            if self.stale(generation):
                return
            shown = query.group_columns(columns, state)
            self.grid.show(
                key,
                shown,
                total,
                _stored_pages(engine),
                first_rows=first,
                sort=sorting.grid_sort(state),
                widths=state.get("widths"),
                grouped=True,
                keep_scroll=keep_scroll,
            )
            self.on_counted(total, info["rows"], True, True)
            _mark("data-views")
            _mark("data-settled")
            return
        shown = query.visible(columns, state)
        direct = _direct_pages(engine, table, state, columns)
        first = await direct(0, BLOCK)
        if self.stale(generation):
            return
        counted = paging.first_page(state, len(first), info["rows"], BLOCK)
        self.grid.show(
            key,
            shown,
            counted["total"],
            direct,
            first_rows=first,
            sort=sorting.grid_sort(state),
            widths=state.get("widths"),
            keep_scroll=keep_scroll,
            exact=counted["exact"],
        )
        self.on_counted(counted["total"], info["rows"], counted["exact"], False)
        _mark("data-views")
        if counted["store"] and info.get("derived"):
            asyncio.create_task(self._count_only(generation, table, state, columns, info["rows"]))
        elif counted["store"]:
            asyncio.create_task(self._store_order(generation, table, state, columns, info["rows"]))
        else:
            _mark("data-settled")
        asyncio.create_task(self._profile_headers(generation, table, shown, columns))

    def show_rows(self, table: str, columns: list, rows: list) -> None:
        """Show a fixed set of rows (the first rows of a file still being read)."""
        self.generation += 1
        self.current = None

        async def fetch(offset, limit):
            return rows[offset : offset + limit]

        self.grid.show(table + "#" + str(self.generation), columns, len(rows), fetch, first_rows=rows[:BLOCK])

    async def profile(self, table: str, state: dict, columns: list, name: str, background: bool = False):
        """The full profile of column ``name`` under the view's filters (cached per filter set)."""
        store = self.profiles.setdefault((table, filter_key(state)), {})
        if name in store:
            return store[name]
        column = None
        for candidate in columns:
            if candidate["name"] == name:
                column = candidate
        if column is None:
            raise errors.QueryError("This table has no column named '" + name + "'.")
        engine = self.engine.background() if background else self.engine
        found = await _run(profile.column_profile(paging.profile_source(table, state, columns), column), engine)
        store[name] = found
        return found

    def forget(self, table: str) -> None:
        """Drop the cached profiles of ``table`` (it was closed or changed)."""
        for key in list(self.profiles):
            if key[0] == table:
                self.profiles.pop(key)

    async def facet(self, table: str, state: dict, columns: list, name: str) -> dict:
        """``{values: [(value, count)], more}``: the commonest values of ``name`` under the other filters."""
        rows = (await self.engine.execute(*query.facet(table, state, columns, name)))["rows"]
        more = len(rows) > query.FACET_LIMIT
        return {"values": [(row[0], row[1]) for row in rows[: query.FACET_LIMIT]], "more": more}

    # --- background ------------------------------------------------------

    async def _count_only(self, generation, table, state, columns, table_rows) -> None:
        """A table made by steps (a view: no row ids to store an order by) is paged straight; count its rows."""
        try:
            counted = await self.engine.execute_background(*query.count(table, state, columns))
        except errors.LoupeError as failure:
            if not self.stale(generation):
                feedback.error(str(failure))
            return
        if self.stale(generation):
            return
        total = int(counted["rows"][0][0])
        self.grid.switch_source(_direct_pages(self.engine, table, state, columns), total)
        self.on_counted(total, table_rows, True, False)
        _mark("data-settled")

    async def _store_order(self, generation, table, state, columns, table_rows) -> None:
        # A table per view: background statements may run out of order, and a
        # late one must not overwrite the order of a newer view.
        stored = ORDER_TABLE + "_" + str(generation)
        try:
            if self.stale(generation):
                return
            made = await self.engine.execute_background(*query.materialize(stored, table, state, columns))
            self._stored.append(stored)
            if self.stale(generation):
                return
            total = await _run(paging.stored_count(made, stored), self.engine)
        except errors.LoupeError as failure:
            if not self.stale(generation):
                feedback.error(str(failure))
            return
        if self.stale(generation):
            return
        self.grid.switch_source(_ordered_pages(self.engine, stored, table, state, columns), total)
        self.on_counted(total, table_rows, True, False)
        _mark("data-settled")
        for old in self._stored[:-1]:
            if old != stored:
                await self.engine.execute_background(*query.drop_stored(old))
        self._stored = [stored]

    async def _profile_headers(self, generation, table, shown, columns) -> None:
        """Header strips show each column of the whole table, computed once per table.

        Profiling again under every filter kept the engine busy for seconds
        on a million rows, and the person's next action waited behind it;
        the column panel profiles the filtered rows on demand instead."""
        await asyncio.sleep(0.05)  # let the page paint and the order be stored first
        for column in shown[:MAX_PROFILED]:
            if self.stale(generation):
                return
            try:
                found = await self.profile(table, {}, columns, column["name"], background=True)
            except errors.LoupeError:
                continue  # a strip is a nicety; the panel reports failures
            if self.stale(generation):
                return
            self.grid.set_spark(column["name"], header_profiles.spark(found))


def _mark(counter: str) -> None:
    """Count a view drawn (``data-views``) or settled, its rows counted (``data-settled``), on ``<body>``."""
    from pyscript import document

    count_up(document.body, counter)


def _direct_pages(engine, table, state, columns):
    async def fetch(offset, limit):
        return (await engine.execute(*query.page(table, state, columns, offset, limit)))["rows"]

    return fetch


def _ordered_pages(engine, stored, table, state, columns):
    async def fetch(offset, limit):
        return (await engine.execute(*query.page_in_order(stored, table, state, columns, offset, limit)))["rows"]

    return fetch


def _stored_pages(engine):
    async def fetch(offset, limit):
        return (await engine.execute(*query.page_stored(GROUP_TABLE, offset, limit)))["rows"]

    return fetch


async def _run(steps, engine):
    from app.engine import wasm

    return await wasm.run(steps, engine)
