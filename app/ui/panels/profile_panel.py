"""The profile panel: every column of the active table profiled at once, a card per column.

Each card is ``app.ui.table.header_profiles.panel`` of one column: its counts,
statistics, histogram or top values; a top value clicked filters to it.
Whether the panel is open is part of the view state (``view.panel_open``
of ``"profile"``), so ``?view=profile`` and shared views open it too.

The cards profile the rows the view keeps — filters and search applied;
a grouped view's cards describe the rows behind its groups — through
``Explorer.profile``, which caches profiles per table and filter set, so
reopening the panel or going back to a filter is instant. The work runs in
the background, one column at a time, behind the person's own statements
(see ``app.engine.wasm._Gate``); a newer view makes older work stop.

    wire(session)     build the panel and connect the Profile toggle (once)
    refresh(session)  show the panel as the view says; profile what it shows

The panel's ``data-profiled`` (cards filled for the current view) and
``data-fills`` (views fully profiled so far) let tests and embedders wait
for the work instead of guessing.
"""

import asyncio

from pyscript import document

from app.core import captions, errors, paging, query, types, view
from app.core.paging import filter_key  # the explorer's own cache key: its header strips fill the same cache
from app.ui.shell.dom import by_id, clear, el, on, show
from app.ui.table import header_profiles

MAX_CARDS = 60  # wider tables show the first this many columns, and say so
_CARDS_PER_TASK = 6
# The panel's own state (one panel per page).
_panel = {"session": None, "generation": 0, "drawn": None, "complete": False, "cards": {}, "names": [], "fills": 0}


def wire(session) -> None:
    """Build the panel into ``#profile-panel`` and connect the Profile toggle (once per page)."""
    if _panel["session"] is not None:
        return
    _panel["session"] = session
    root = by_id("profile-panel")
    clear(root)
    root.setAttribute("data-profiled", "0")
    root.setAttribute("data-fills", "0")
    root.setAttribute("aria-busy", "false")
    head = el("div", None, "pp-head")
    head.append(el("h2", "Column profiles", "pp-heading", {"id": "profile-heading"}))
    head.append(el("p", None, "pp-status", {"id": "profile-status", "role": "status"}))
    close = el(
        "button",
        "×",
        "button small pp-close",
        {"type": "button", "id": "profile-close", "aria-label": "Close the column profiles", "title": "Close (Esc)"},
    )
    on(close, "click", lambda event: _toggle(False))
    head.append(close)
    root.append(head)
    root.append(el("p", None, "pp-note", {"id": "profile-note"}))
    # Focusable: the list scrolls, and a table of numbers alone puts no button in it.
    root.append(
        el("ul", None, "pp-cards", {"id": "profile-cards", "tabindex": "0", "aria-labelledby": "profile-heading"})
    )
    toggle = by_id("profile-toggle")
    on(toggle, "click", lambda event: _toggle(by_id("profile-panel").hidden))
    on(toggle, "keydown", _escape)
    on(root, "keydown", _escape)


def refresh(session) -> None:
    """Show the panel iff the view has it open and a table is active; profile the view's rows if they changed."""
    wire(session)
    table = session.view["active"]
    visible = table in session.tables and view.panel_open(session.view, "profile")
    _show(visible)
    if not visible:
        _stop()
        return
    state = session.state()
    columns = types.describe_columns([{"name": c["name"], "type": c["type"]} for c in session.tables[table]["columns"]])
    shown = query.visible(columns, state)
    by_id("profile-note").textContent = captions.profiles_note(
        bool(state.get("group")), query.is_filtered(state), len(shown), MAX_CARDS
    )
    picked = shown[:MAX_CARDS]
    key = paging.profiles_key(table, session.tables[table], state, [c["name"] for c in picked])
    if key == _panel["drawn"]:
        return  # drawn, or being drawn, for these rows (a sort or a resize changes no profile)
    _panel["generation"] += 1
    _panel["drawn"] = key
    _panel["complete"] = False
    session.spawn(_fill(session, _panel["generation"], table, state, columns, picked))


# --- opening and closing ----------------------------------------------------------------------


def _toggle(opening: bool) -> None:
    session = _panel["session"]
    if session.view["active"] is None:
        return
    session.view = view.with_panel(session.view, "profile", opening)
    session.publish_view()
    refresh(session)
    if not opening:
        by_id("profile-toggle").focus()


def _escape(event) -> None:
    if event.key == "Escape" and not by_id("profile-panel").hidden:
        event.preventDefault()
        _toggle(False)


def _show(visible: bool) -> None:
    show(by_id("profile-panel"), visible)
    by_id("profile-toggle").setAttribute("aria-expanded", "true" if visible else "false")


def _stop() -> None:
    """Closed: older work stops; cards left half done are profiled again on reopening."""
    _panel["generation"] += 1
    if not _panel["complete"]:
        _panel["drawn"] = None
    by_id("profile-panel").setAttribute("aria-busy", "false")


# --- profiling --------------------------------------------------------------------------------


async def _fill(session, generation: int, table: str, state: dict, columns: list, picked: list) -> None:
    """Fill a card per column of ``picked``, one column at a time, as long as ``generation`` is current."""
    root = by_id("profile-panel")
    names = [c["name"] for c in picked]
    cards = _cards(picked)
    root.setAttribute("aria-busy", "true")
    root.setAttribute("data-profiled", "0")
    explorer = session.explorer
    # What the header strips found is taken from the shared cache.
    from_the_end = paging.profiles_from_the_end(state)
    cached = explorer.profiles.get((table, filter_key(state))) or {}
    pending = list(names)
    done = 0
    rows = None
    while pending:
        for name in [n for n in pending if n in cached]:
            _fill_card(cards[name], picked[names.index(name)], cached[name], None)
            rows = cached[name]["count"]
            pending.remove(name)
            done += 1
            if done % _CARDS_PER_TASK == 0:  # dozens of cached cards: building them all at once would stall the page
                root.setAttribute("data-profiled", str(done))
                await asyncio.sleep(0)
                if generation != _panel["generation"]:
                    return
        root.setAttribute("data-profiled", str(done))
        if not pending:
            break
        _status(captions.profiling_status(done, len(names)))
        name = pending[-1] if from_the_end else pending[0]
        await asyncio.sleep(0)  # a task of its own for each column: the page stays responsive
        if generation != _panel["generation"]:
            return
        try:
            found = await explorer.profile(table, state, columns, name, background=True)
        except errors.LoupeError as failure:
            if generation != _panel["generation"]:
                return
            _fill_card(cards[name], picked[names.index(name)], None, str(failure))
            pending.remove(name)
            done += 1
            continue
        if generation != _panel["generation"]:
            return
        cached = explorer.profiles.get((table, filter_key(state))) or {name: found}
    root.setAttribute("data-profiled", str(done))
    _status(captions.profiled_caption(len(names), rows, query.is_filtered(state)))
    _panel["complete"] = True
    _panel["fills"] += 1
    root.setAttribute("aria-busy", "false")
    root.setAttribute("data-fills", str(_panel["fills"]))


def _cards(picked: list) -> dict:
    """A card per column, waiting for its profile; the cards on screen are kept if they show the same columns."""
    names = [c["name"] for c in picked]
    if names != _panel["names"]:
        listing = by_id("profile-cards")
        clear(listing)
        cards = {}
        for column in picked:
            card = el("li", None, "pp-card", {"data-column": column["name"], "tabindex": "-1"})
            card.append(_title(column))
            card.append(el("p", "Waiting…", "pp-waiting"))
            listing.append(card)
            cards[column["name"]] = card
        _panel["cards"] = cards
        _panel["names"] = names
    for name in names:
        _panel["cards"][name].setAttribute("aria-busy", "true")  # the old numbers stay, faded, until new ones arrive
    return _panel["cards"]


def _fill_card(card, column: dict, found, problem) -> None:
    """Put ``found`` (a profile) in ``card``, or say why there is none."""
    focused = card.contains(document.activeElement)  # a top value clicked here: keep the focus in the card
    clear(card)
    if found is None:
        card.append(_title(column))
        card.append(el("p", "No profile: " + problem, "pp-problem"))
    else:
        box = header_profiles.panel(found, _pick)
        # Sixty named regions would crowd a screen reader's landmarks; the card's heading names it.
        box.removeAttribute("aria-label")
        card.append(box)
    card.setAttribute("aria-busy", "false")
    if focused:
        card.focus()


def _pick(name: str, value) -> None:
    """A top value clicked in a card: show only the rows holding it."""
    session = _panel["session"]
    if value is None:
        session.spawn(session.filter(name, "null", None))
    else:
        session.spawn(session.filter(name, "in", [value]))


# --- text -------------------------------------------------------------------------------------


def _title(column: dict):
    """The heading a card has before its profile arrives (the same as ``header_profiles.panel``'s)."""
    title = el("h2", None, "prof-title")
    title.append(el("span", column["name"], "prof-name"))
    title.append(el("span", column["type"], "prof-type"))
    return title


def _status(text: str) -> None:
    by_id("profile-status").textContent = text
