"""Share links: restoring a view from ``#state=…`` and making a link to the view on screen.

``restore`` replays a shared view's log (app/core/restore.py decides what
to do, in order; this module does it: opens addresses through the loader,
runs the other steps through the session) and shows what the sender saw.
Local files are not in a link: the person is asked to open them, and
``claim`` / ``arrived`` (called by ``Session.open``) apply the waiting view
to the file once they do. While a view waits, the address keeps the link as
it came (``loupe._holdLink``), so a reload does not lose it.

Who asked decides what SQL may run (app/core/guard.py, README: Privacy):
``PERSON`` (loupe.setView from the console), a ``LINK`` (#state=), whose
SQL that does more than read is shown to the person, who may agree to run
it, or the page around a framed Loupe (``FROM_PAGE``, loupe:setView):
reading SQL only.

The Share… drawer shows the link to the current view and copies it.
"""

from pyscript import document, window

from app.core import errors, share, view, workspace
from app.core import restore as replaying
from app.ui.shell import consent, feedback, keeping
from app.ui.shell.dom import by_id, count_up, on, show

STATE_PREFIX = "#state="
# The bundled sample: what Loupe opens when nothing else is asked for (and what a link calls "sample").
SAMPLE_URL = "./assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"
# Who asked for a view to be restored.
PERSON = replaying.PERSON
LINK = replaying.LINK
FROM_PAGE = replaying.FROM_PAGE


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


async def restore(session, state: dict, trust: str = PERSON, kept=None) -> dict:
    """Show the checked view ``state``: open its sources, apply its tables' states; return the view.

    ``trust``: who asked (``PERSON``, ``LINK``, ``FROM_PAGE``): what its SQL may do.
    ``kept``: a workspace's stored tables by entry text (app/core/workspace.py ``restorable``):
    those read entries come back from this device's storage (app.ui.shell.keeping).
    """
    restoring = Restoring(session, state, trust, kept)
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
    """``(options, waiting entry)`` for a file being opened: the shared view's source it stands for, if any."""
    restoring = session.restoring
    if restoring is None or source.get("kind") not in share.LOCAL or (options or {}).get("table"):
        return options, None
    replay = restoring.replay
    waited = share.matching(replay.awaited, str(source.get("name") or ""))
    if waited is None:
        return options, None
    replay.awaited = [e for e in replay.awaited if e is not waited]
    wanted = dict(options or {})
    wanted.update(share.open_options(waited))
    if waited["table"] in session.tables:  # a table of that name is open already: keep both
        wanted.pop("table")
    return wanted, waited


def awaits(session, source: dict) -> bool:
    """Whether the shared view being restored still waits for the file ``source`` was (another of its sheets)."""
    restoring = session.restoring
    if restoring is None or source.get("kind") not in share.LOCAL:
        return False
    return share.matching(restoring.replay.awaited, str(source.get("name") or "")) is not None


def same_file(session, source: dict, info: dict) -> dict:
    """``source`` again, its bytes those the table ``info`` was just read from (a File is not read twice)."""
    again = dict(source)
    blob = session.blobs.get(info["table"])
    if blob is not None:
        again.update(kind="file", file=blob)
    return again


def unclaim(session, waited: dict) -> None:
    """Opening the file ``waited`` stood for failed: it is still waited for (another try may succeed)."""
    if session.restoring is not None:
        session.restoring.replay.awaited.append(waited)


async def arrived(session, waited: dict, info: dict) -> None:
    """A waited-for file was opened as ``info["table"]``: apply its part of the shared view."""
    restoring = session.restoring
    if restoring is None:
        return
    restoring.replay.arrived(waited, info["table"])
    await restoring.round()


class Restoring:
    """One shared view being restored (``replay``, app/core/restore.py), done on this page."""

    def __init__(self, session, state: dict, trust: str = PERSON, kept=None):
        self.session = session
        self.replay = replaying.Replay(state, trust, kept)
        self.workspace = kept is not None  # this tab's own workspace coming back, not a link
        self.busy = False  # a round is under way (a file may arrive meanwhile)
        self.again = False  # ... and one more is wanted after it

    async def run(self) -> None:
        session = self.session
        wanted = self.replay.state.get("sql") or ""
        if session.view.get("sql") != wanted:
            session.view = view.with_sql(session.view, wanted)
        await self.round()
        held = self.replay.held_statements()
        if held:  # asked once the rest is shown: the page does not wait for the answer
            session.spawn(self._ask(held))

    async def round(self) -> None:
        """Do what can be done of the log now, show the tables made, and say what is still awaited."""
        if self.busy:
            self.again = True
            return
        self.busy = True
        try:
            self.again = True
            while self.again:
                self.again = False
                steps = self.replay.round(self.session.view)
                outcome = None
                while True:
                    try:
                        action = steps.send(outcome)
                    except StopIteration:
                        break
                    outcome = await self._do(action)
                    outcome["here"] = self.session.view
        finally:
            self.busy = False
        await self._show()
        self._report()

    async def _do(self, action: dict) -> dict:
        """Do one action of the replay; its outcome (``{table}`` or ``{failure}``)."""
        session = self.session
        entry = action["entry"]
        try:
            if action["do"] == "open" and action.get("kept") is not None:
                return await keeping.bring_back(session, entry, action["kept"], action["options"])
            if action["do"] == "open":
                if entry["kind"] == "sample":
                    opening = {"kind": "sample", "url": SAMPLE_URL}
                else:
                    opening = {"kind": "url", "url": entry["url"]}
                info = await session.open(opening, action["options"])
                return {"table": info["table"]}
            await session.apply_entry(entry)
        except errors.LoupeError as failure:
            return {"failure": str(failure)}
        return {}

    async def _ask(self, held: list) -> None:
        """Show a link's SQL that does more than read; run it only if the person agrees."""
        self.replay.agreed(bool(await consent.sql_from_link(held)))
        await self.round()

    async def _show(self) -> None:
        """Apply the shared state of each table made so far, then show the shared active table."""
        session = self.session
        opened, self.replay.opened = self.replay.opened, []
        columns = {table: session.tables[table]["columns"] for table in opened if table in session.tables}
        target, problems = replaying.shown(session.view, self.replay.state, opened, columns)
        self.replay.problems.extend(problems)
        try:
            await session.change(target)
        except errors.LoupeError as failure:
            self.replay.problems.append("The shared view could not be shown: " + str(failure))
        if view.panel_open(session.view, "sql") and session.sql_panel is not None:
            session.sql_panel.show_text(session.view.get("sql") or "")
            session.sql_panel.set_open(True, focus=False)
        shared = self.replay.state["tables"]
        offset = (shared.get(session.view["active"]) or {}).get("offset") if session.view["active"] else 0
        if isinstance(offset, int) and offset > 0:
            session.jump(offset)

    def _report(self) -> None:
        session = self.session
        replay = self.replay
        names = [entry["name"] for entry in replay.awaited]
        box = by_id("waiting")
        if names:
            waiting = workspace.waiting_message if self.workspace else share.waiting_message
            by_id("waiting-text").textContent = waiting(names)
            show(box, True)
        else:
            show(box, False)
            session.restoring = None
            window.loupe._holdLink(False)
            session.publish_view()
        if replay.problems:
            feedback.error(" ".join(replay.problems))
            replay.problems = []
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
