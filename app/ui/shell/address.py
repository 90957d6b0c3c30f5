"""What the page's address asks for at start: a shared view, files, SQL, what to show.

    (the workspace kept on this device comes back first: app/ui/shell/keeping.py)
    #state=…      a shared view (app.ui.opening.sharing restores it; it wins over the rest)
    ?url=         files to open (repeatable), instead of the sample
    ?sql=         SQL to run over them; its rows become the table shown
    ?view=        table | chart | profile: what to show first

Bad values never stop the page: each says what was wrong and the default applies.
SQL in the address that does more than read runs only once the person agreed
(app/ui/shell/consent.py; README: Privacy).
"""

from pyscript import document, window

from app.core import guard, share, view
from app.ui.opening import sharing
from app.ui.panels import chart_panel
from app.ui.shell import consent, feedback

_KEYS = ("url", "sql", "view")


async def open_first_view(session) -> None:
    """Open the workspace kept on this device, then what the address asks for (else the sample); show it as asked.

    After a reload the address's ``#state=`` is the workspace's own view, so
    only the workspace is restored; another link is followed on top of it.
    """
    asked = share.from_address(_params())
    linked = str(window.location.hash or "").startswith(sharing.STATE_PREFIX)
    resumed = session.keeper is not None and await feedback.guarded(session.keeper.restore())
    restored = False
    if not (resumed and await _own_link(session)):
        restored = await sharing.from_link(session)
    if not restored and not (resumed and linked):
        for url in asked["urls"]:
            absolute = str(window.URL.new(url, window.location.href).href)
            if not (resumed and any(s.get("url") == absolute for s in session.view["sources"])):
                await feedback.guarded(session.open({"kind": "url", "url": absolute}))
    if not session.tables and session.restoring is None:
        await feedback.guarded(session.open({"kind": "sample", "url": sharing.SAMPLE_URL}))
    if asked["sql"] and not restored and not (resumed and linked) and session.tables:
        await _run_sql(session, asked["sql"])
    await show(session, asked["show"])
    if asked["problems"]:
        feedback.notice(" ".join(asked["problems"]))


async def show(session, what: str) -> None:
    """Show the table, its chart or its columns' profiles first (``?view=``)."""
    document.documentElement.setAttribute("data-show", what)
    if session.view["active"] is None:
        return
    if what == "chart" and view.table_state(session.view)["chart"] is None:
        chart_panel.open_chart(session)
    elif what == "profile" and not view.panel_open(session.view, "profile"):
        session.view = view.with_panel(session.view, "profile", True)
        await session.render(True)


async def _run_sql(session, text: str) -> None:
    """Run the address's SQL like the editor would; in the full app the editor shows it."""
    panel = session.sql_panel
    panel.show_text(text)
    if not session.embedded:
        panel.set_open(True, focus=False)
    found = guard.not_reading(text)
    if found:  # asked once the table is on screen: the page does not wait for the answer
        session.spawn(_run_if_agreed(session, text, found))
        return
    await _run_now(session, text)


async def _run_if_agreed(session, text: str, found: list) -> None:
    """Run the address's SQL that does more than read, if the person agrees to."""
    if not await consent.sql_from_link(found):
        feedback.notice(
            "The SQL in this link was not run: it does more than read tables. It is in the editor "
            "if you want to read it or run it yourself."
        )
        return
    await _run_now(session, text)


async def _run_now(session, text: str) -> None:
    panel = session.sql_panel
    await panel.run(text, 0, 0, True)
    if panel.failure and session.embedded:
        feedback.error("The SQL in this embed's address failed: " + panel.failure)


async def _own_link(session) -> bool:
    """Whether the address's ``#state=`` is the kept workspace's own view (or there is none): nothing to follow."""
    fragment = str(window.location.hash or "")
    if not fragment.startswith(sharing.STATE_PREFIX) or window.loupeKeep.reloaded():
        return True
    try:
        text = str(await window.loupe._unpack(fragment[len(sharing.STATE_PREFIX) :]))
    except Exception:
        return False
    return text == session.keeper.state_text()


def _params() -> dict:
    """The address's query parameters that Loupe reads, each as a list of values."""
    found = window.URLSearchParams.new(window.location.search)
    out = {}
    for key in _KEYS:
        values = found.getAll(key)
        out[key] = [str(values[i]) for i in range(values.length)]
    return out
