"""Asking the person first, when someone else asked Loupe to do something (README: Privacy).

- SQL from a link (``?sql=``, the query sources of a ``#state=`` link) that
  does more than read tables is shown, and runs only if the person agrees.
- In a Loupe framed by another site's page, a file the person opens could be
  read by that page (the postMessage API): the person is told and agrees
  before the file is read.

One question at a time, in the ``#consent`` dialog of index.html; the answer
is awaited. Nothing is done until the person answers; Escape means no.
"""

import asyncio

from pyscript import window

from app.ui.shell.dom import by_id, on, show

_state = {"event": None, "answer": False, "wired": False, "busy": None}


async def sql_from_link(found: list) -> bool:
    """Ask whether to run the statements ``found`` (SQL a link brought that does more than read)."""
    many = len(found) > 1
    return await ask(
        "This link wants to run SQL that changes tables",
        (
            "These statements do more than read: they can make, change or drop tables, including ones you "
            "opened. Run them only if you trust whoever sent the link."
            if many
            else "This statement does more than read: it can make, change or drop tables, including ones you "
            "opened. Run it only if you trust whoever sent the link."
        ),
        ";\n".join(found),
        "Run it" if not many else "Run them",
        "Don't run",
    )


async def local_file_in_frame(name: str, host: str) -> bool:
    """Ask whether to open the person's file ``name`` in a Loupe framed by the page of ``host``."""
    return await ask(
        "The page around this view can read what you open here",
        (
            "This Loupe is inside a page of "
            + host
            + ", which can read the tables in it. Open “"
            + name
            + "” here only if you mean to share it with that page. To keep it private, open it in Loupe "
            "itself instead."
        ),
        "",
        "Open it here",
        "Don't open",
    )


def framed_by() -> str:
    """The origin of another site's page this Loupe is framed by ("" when it is not framed by one)."""
    return str(window.loupe._framedBy() or "")


async def ask(title: str, text: str, code: str, yes: str, no: str) -> bool:
    """Show a question and wait for the answer: True for ``yes``, False for ``no`` or Escape."""
    _wire()
    while _state["busy"] is not None:  # one question at a time
        await _state["busy"].wait()
    done = asyncio.Event()
    _state["busy"] = done
    _state["answer"] = False
    box = by_id("consent")
    by_id("consent-title").textContent = title
    by_id("consent-text").textContent = text
    code_box = by_id("consent-code")
    code_box.textContent = code
    show(code_box, bool(code))
    by_id("consent-yes").textContent = yes
    by_id("consent-no").textContent = no
    show(box, True)
    by_id("consent-no").focus()  # the safe answer has the focus
    try:
        await done.wait()
    finally:
        show(box, False)
        _state["busy"] = None
        done.set()
    return bool(_state["answer"])


def _wire() -> None:
    if _state["wired"]:
        return
    _state["wired"] = True
    on(by_id("consent-yes"), "click", lambda event: _answer(True))
    on(by_id("consent-no"), "click", lambda event: _answer(False))
    on(by_id("consent"), "keydown", lambda event: _answer(False) if str(event.key) == "Escape" else None)


def _answer(value: bool) -> None:
    waiting = _state["busy"]
    if waiting is None:
        return
    _state["answer"] = value
    waiting.set()
