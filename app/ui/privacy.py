"""The privacy indicator in the footer: which outside addresses this page contacted (README: Privacy).

Loupe's loader is the only code that fetches another origin, and only for an
address a person gave (the URL box, ``?url=``, ``loupe.open(url)``, the
``src`` of ``<loupe-view>``); assets/js/engine.mjs keeps the list and fires
``loupe:contacted`` on each. The indicator shows that list, and the
statement that nothing else leaves the device.
"""

import json

from pyscript import window

from app.ui.dom import by_id, clear, el, on


def wire(glue) -> None:
    """Keep the indicator up to date with ``glue.contacted()`` (assets/js/engine.mjs)."""
    on(window.document.defaultView, "loupe:contacted", lambda event: refresh(glue))  # the real Window as this
    on(by_id("privacy"), "toggle", lambda event: refresh(glue))
    refresh(glue)


def refresh(glue) -> None:
    urls = json.loads(str(glue.contacted()))
    by_id("privacy-count").textContent = summary(len(urls))
    listing = by_id("privacy-contacted")
    clear(listing)
    for url in urls or ["None."]:
        listing.append(el("li", url))


def summary(count: int) -> str:
    """The indicator's short line for ``count`` addresses contacted."""
    if count == 0:
        return "no address contacted"
    return ("1 address" if count == 1 else str(count) + " addresses") + " you gave contacted"
