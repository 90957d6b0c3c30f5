"""Share links: restoring a view from ``#state=…`` and making a link to the view on screen.

``restore`` opens a shared view's sources again (URLs, the sample, SQL over
them), applies each table's state and shows what the sender saw. Local
files are not in a link: the person is asked to open them, and ``claim`` /
``arrived`` (called by ``Session.open``) apply the waiting view to the file
once they do. While a view waits, the address keeps the link as it came
(``loupe._holdLink``), so a reload does not lose it.

Who asked decides what SQL may run (app/core/guard.py, README: Privacy):
``PERSON`` (loupe.setView from the console) runs a query source's SQL as
it is; a ``LINK`` (#state=) runs SQL that only reads, and shows the rest
to the person, who may agree to run it; the page around a framed Loupe
(``FROM_PAGE``, loupe:setView) gets reading SQL only. Neither a link nor a
page ever replaces a table the person has open: a query source whose name
is taken gets a fresh one.

The Share… drawer shows the link to the current view and copies it.
"""

from pyscript import document, window

from app.core import errors, guard, naming, query, share, statements, view
from app.ui import consent, feedback
from app.ui.dom import by_id, count_up, on, show

STATE_PREFIX = "#state="
# The bundled sample: what Loupe opens when nothing else is asked for (and what a link calls "sample").
SAMPLE_URL = "./assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"
# Who asked for a view to be restored.
PERSON = "person"
LINK = "link"
FROM_PAGE = "page"


def wire(session) -> None:
    """Connect the Share… drawer and the waiting notice; follow links pasted into the address bar."""
    drawer = by_id("share")
    on(drawer, "toggle", lambda event: session.spawn(_drawer_opened(session)) if drawer.open else None)
    on(by_id("share-copy"), "click", lambda event: session.spawn(_copy(session)))
    on(by_id("waiting-forget"), "click", lambda event: session.spawn(forget(session)))


async def from_link(session) -> bool:
    """Restore the view in the address's ``#state=`` (True if there was one, even a damaged one)."""
    packed = _packed(str(window.location.hash or ""))
    if packed is None:
        return False
    try:
        text = str(await window.loupe._unpack(packed))
    except Exception:
        feedback.error(share.DAMAGED)
        return True
    try:
        state = share.checked(text)
    except errors.StateError as failure:
        feedback.error(str(failure))
        return True
    await feedback.guarded(restore(session, state, LINK))
    return True


async def restore(session, state: dict, trust: str = PERSON) -> dict:
    """Show the checked view ``state``: open its sources, apply its tables' states; return the view.

    ``trust``: who asked (``PERSON``, ``LINK``, ``FROM_PAGE``): what its SQL may do.
    """
    restoring = Restoring(session, state, trust)
    session.restoring = restoring
    window.loupe._holdLink(True)
    await restoring.run()
    return session.view


async def forget(session) -> None:
    """Stop waiting for a shared view's files; with nothing open, show the sample instead."""
    session.restoring = None
    show(by_id("waiting"), False)
    window.loupe._holdLink(False)
    if not session.tables:
        await feedback.guarded(session.open({"kind": "sample", "url": SAMPLE_URL}))
    session.publish_view()


def claim(session, source: dict, options):
    """``(options, waiting source)`` for a file being opened: the shared view's source it stands for, if any."""
    restoring = session.restoring
    if restoring is None or source.get("kind") not in share.LOCAL or (options or {}).get("table"):
        return options, None
    waited = share.matching(restoring.waiting, str(source.get("name") or ""))
    if waited is None:
        return options, None
    restoring.waiting = [s for s in restoring.waiting if s is not waited]
    wanted = dict(options or {})
    wanted.update(share.open_options(waited))
    if waited["table"] in session.tables:  # a table of that name is open already: keep both
        wanted.pop("table")
    return wanted, waited


async def arrived(session, waited: dict, info: dict) -> None:
    """A waited-for file was opened as ``info["table"]``: apply its part of the shared view."""
    restoring = session.restoring
    if restoring is None:
        return
    await restoring.arrived(waited, info["table"])


class Restoring:
    """One shared view being restored; it may wait for local files the person opens later."""

    def __init__(self, session, state: dict, trust: str = PERSON):
        self.session = session
        self.state = state
        self.trust = trust
        self.refused = []  # query sources whose SQL the person (or the rule) did not let run
        self.waiting = []  # local sources not opened yet
        self.deferred = []  # query sources that failed while local files were missing
        self.problems = []  # sentences for the person: what could not be restored

    async def run(self) -> None:
        session = self.session
        opened = []
        held = self._held_sql()
        self.refused = [table for table, _ in held]  # for now: a link's are asked about once the rest is shown
        if held and self.trust == FROM_PAGE:
            for table in self.refused:
                self.problems.append(
                    "The table '" + table + "' was not made: " + guard.NOT_READING_MESSAGE.rstrip(": ") + "."
                )
        for source in share.plan(self.state):
            kind = source["kind"]
            if kind in share.LOCAL:
                self.waiting.append(source)
            elif kind == "query":
                made = None if source["table"] in self.refused else await self._replay(source)
                if made is not None:
                    opened.append(made)
            elif await self._reopen(source):
                opened.append(source["table"])
        if session.view.get("sql") != self.state.get("sql"):
            session.view = view.with_sql(session.view, self.state.get("sql") or "")
        await self._apply(opened)
        self._report()
        if held and self.trust == LINK:
            session.spawn(self._ask(held))

    async def arrived(self, waited: dict, table: str) -> None:
        """``waited`` was opened as ``table``: apply its state, then run SQL that needed it."""
        if table != waited["table"]:
            self.state = view.rename_source(self.state, waited["table"], table)
        opened = [table]
        pending, self.deferred = self.deferred, []  # a replay that fails again defers itself again
        for source in pending:
            made = await self._replay(source)
            if made is not None:
                opened.append(made)
        await self._apply(opened)
        self._report()

    def _held_sql(self) -> list:
        """``[(table, statements)]``: the query sources whose SQL does more than read (none for the person)."""
        if self.trust == PERSON:
            return []
        held = []
        for source in share.plan(self.state):
            if source["kind"] == "query":
                found = guard.not_reading(share.replay_sql(source))
                if found:
                    held.append((source["table"], found))
        return held

    async def _ask(self, held: list) -> None:
        """Show a link's SQL that does more than read; make those tables only if the person agrees."""
        shown = []
        for _, found in held:
            shown.extend(found)
        tables = [table for table, _ in held]
        if not await consent.sql_from_link(shown):
            for table in tables:
                self.problems.append("The table '" + table + "' was not made: you chose not to run its SQL.")
            self._report()
            return
        self.refused = []
        opened = []
        for source in share.plan(self.state):
            if source["kind"] == "query" and source["table"] in tables:
                made = await self._replay(source)
                if made is not None:
                    opened.append(made)
        await self._apply(opened)
        self._report()

    def _free_name(self, source: dict) -> dict:
        """``source``, renamed if its table's name is taken by a table it must not replace."""
        session = self.session
        table = source["table"]
        if self.trust == PERSON or table not in session.tables:
            return source
        known = session.source_of(table)
        if known and known["kind"] == "query" and share.replay_sql(known) == share.replay_sql(source):
            return source  # the same SQL's table (a link followed again): made again in place
        fresh = naming.table_name_for(table, list(session.tables))
        self.state = view.rename_source(self.state, table, fresh)
        renamed = dict(source)
        renamed["table"] = fresh
        return renamed

    async def _reopen(self, source: dict) -> bool:
        session = self.session
        if source["kind"] == "sample":
            opening = {"kind": "sample", "url": SAMPLE_URL}
        else:
            opening = {"kind": "url", "url": source["url"]}
        options = share.open_options(source)
        if source["table"] in session.tables:
            known = session.source_of(source["table"])
            if known and known.get("url") == source.get("url"):
                return True  # already open (a link followed in the same tab)
            options.pop("table")
        try:
            info = await session.open(opening, options)
        except errors.LoupeError as failure:
            self.problems.append(str(failure))
            return False
        if info["table"] != source["table"]:
            self.state = view.rename_source(self.state, source["table"], info["table"])
        return True

    async def _replay(self, source: dict):
        """Make a query source's table again by running its SQL; its name, or None if it cannot run (yet).

        While local files are still awaited, a failure is put off until the next one arrives.
        """
        session = self.session
        source = self._free_name(source)
        text = share.replay_sql(source)
        pieces = statements.split(text)
        if not pieces:
            self.problems.append("The table '" + source["table"] + "' came from SQL that the link does not carry.")
            return None
        try:
            if len(pieces) == 1 and statements.result_kind(pieces[0][0]) in ("table", "wrapped"):
                await session.engine.execute(*statements.stored(source["table"], pieces[0][0]))
            else:
                for statement, _ in pieces:
                    await session.engine.execute(statement, [])
            await session.adopt(source["table"], text)
        except errors.LoupeError as failure:
            if self.waiting:
                self.deferred.append(source)
            else:
                self.problems.append(
                    "The table '" + source["table"] + "' could not be made again from its SQL: " + str(failure)
                )
            return None
        return source["table"]

    async def _apply(self, opened: list) -> None:
        """Apply the shared state of each table in ``opened``, then show the shared active table.

        A table's state that does not fit the table as it is now (a column
        the file no longer has) is left out, and the person is told.
        """
        session = self.session
        shared = self.state["tables"]
        for table in opened:
            if table in session.tables:
                await self._refine(table, shared.get(table) or {})
        target = session.view
        for table in opened:
            if table not in session.tables:
                continue
            try:
                fitted = view.with_table_state(target, table, shared.get(table) or {})
                query.check(view.table_state(fitted, table), session.tables[table]["columns"])
                target = fitted
            except errors.LoupeError as failure:
                self.problems.append(
                    "The shared view of '"
                    + table
                    + "' does not fit the table as it is now ("
                    + str(failure)
                    + "); it is shown without it."
                )
        for name in self.state.get("panels") or []:
            target = view.with_panel(target, name, True)
        active = self.state.get("active")
        if active in session.tables:
            target = view.activate(target, active)
        try:
            await session.change(target)
        except errors.LoupeError as failure:
            self.problems.append("The shared view could not be shown: " + str(failure))
        if view.panel_open(session.view, "sql") and session.sql_panel is not None:
            session.sql_panel.show_text(session.view.get("sql") or "")
            session.sql_panel.set_open(True, focus=False)
        offset = (shared.get(session.view["active"]) or {}).get("offset") if session.view["active"] else 0
        if isinstance(offset, int) and offset > 0:
            session.jump(offset)

    async def _refine(self, table: str, wanted: dict) -> None:
        """Column types and flattening the sender applied, applied again."""
        session = self.session
        changed = wanted.get("types") if isinstance(wanted.get("types"), dict) else {}
        for column in changed:
            try:
                await session.change_type(table, column, str(changed[column]))
            except errors.LoupeError as failure:
                self.problems.append(str(failure))
        for step in wanted.get("steps") or []:
            if isinstance(step, dict) and step.get("flatten"):
                try:
                    await session.flatten(table)
                except errors.LoupeError as failure:
                    self.problems.append(str(failure))

    def _report(self) -> None:
        session = self.session
        names = [source["name"] for source in self.waiting]
        box = by_id("waiting")
        if names:
            by_id("waiting-text").textContent = share.waiting_message(names)
            show(box, True)
        else:
            show(box, False)
            session.restoring = None
            window.loupe._holdLink(False)
            session.publish_view()
        if self.problems:
            feedback.error(" ".join(self.problems))
            self.problems = []
        count_up(document.body, "data-restores")  # restore steps finished so far


# --- making a link ------------------------------------------------------------------------


async def link(session) -> str:
    """The address of the view on screen (``…#state=…``), scrolled to the grid's top row."""
    current = session.view
    if current["active"] is not None and current["active"] in current["tables"]:
        current = view.with_offset(current, session.grid.first_in_sight())
    packed = str(await window.loupe._pack(view.dumps(current)))
    page = str(window.location.href).split("#")[0]
    if page.split("?")[0].endswith("embed.html"):
        page = page.split("?")[0][: -len("embed.html")] + "index.html"
    return page + STATE_PREFIX + packed


async def _drawer_opened(session) -> None:
    field = by_id("share-link")
    field.value = await link(session)
    by_id("share-note").textContent = _note(share.local_names(session.view))
    field.select()


async def _copy(session) -> None:
    field = by_id("share-link")
    field.value = await link(session)
    try:
        await window.navigator.clipboard.writeText(field.value)
    except Exception:
        field.select()
        by_id("share-status").textContent = "Copying was not allowed: the link is selected, press Ctrl+C."
        return
    by_id("share-status").textContent = "Link copied."


def _note(names: list) -> str:
    base = "The link holds the view — filters, sort, grouping, columns, SQL and chart — never the data."
    if not names:
        return base + " Anyone with the link and access to the same addresses sees this view."
    return (
        base
        + " It was made from "
        + ", ".join("“" + n + "”" for n in names)
        + " on this computer: whoever opens the link is asked to open the same file."
    )


def _packed(fragment: str):
    if fragment.startswith(STATE_PREFIX):
        return fragment[len(STATE_PREFIX) :]
    return None
