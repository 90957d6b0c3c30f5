"""The privacy indicator in the footer: which outside addresses this page contacted (README: Privacy).

Loupe's loader is the only code that fetches another origin, and only for an
address a person gave (the URL box, ``?url=``, ``loupe.open(url)``, the
``src`` of ``<loupe-view>``); assets/js/loading.mjs keeps the list and fires
``loupe:contacted`` on each. The indicator shows that list, and the
statement that nothing else leaves the device.
"""

from pyscript import window

from app.ui.shell.dom import by_id, clear, el, on


def wire(engine) -> None:
    """Keep the indicator up to date with ``engine.contacted()`` (app.engine.wasm)."""
    on(window.document.defaultView, "loupe:contacted", lambda event: refresh(engine))  # the real Window as this
    on(by_id("privacy"), "toggle", lambda event: refresh(engine))
    refresh(engine)


def refresh(engine) -> None:
    urls = engine.contacted()
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
