"""The loading strip: what is being read, how far along, and a Cancel button."""

import asyncio

from app.core import display
from app.ui.shell.dom import by_id, show

_state = {"generation": 0}


def wire(engine, on) -> None:
    """Connect the Cancel button to ``engine.cancel()`` (app.engine.wasm)."""
    on(by_id("loading-cancel"), "click", lambda event: engine.cancel())


def start(text: str) -> None:
    """Show the strip with ``text`` and an indeterminate bar."""
    _state["generation"] += 1
    by_id("loading-text").textContent = text
    bar = by_id("loading-bar")
    bar.removeAttribute("value")
    show(by_id("loading"), True)


def fraction(text: str, done, total) -> None:
    """Show ``text`` with the bar at done/total (indeterminate if total is unknown)."""
    by_id("loading-text").textContent = text
    bar = by_id("loading-bar")
    if total:
        bar.max = total
        bar.value = min(done, total)
    else:
        bar.removeAttribute("value")
    show(by_id("loading"), True)


def bytes_callback(label: str):
    """A JS-callable ``(loaded, total)`` that reports download progress."""

    def report(loaded, total):
        text = label + " — " + _megabytes(loaded) + (" of " + _megabytes(total) if total else "")
        fraction(text, loaded, total)

    return report


def rows(name: str, done, total) -> None:
    """Report rows read so far."""
    text = "Reading " + name + " — " + display.thousands(done) + " of " + display.thousands(total) + " rows"
    fraction(text, done, total)


def timed(text: str, size) -> None:
    """Show ``text``, the size being read and the seconds elapsed, ticking until the next update.

    For work the engine reports no progress for (DuckDB reading a CSV).
    """
    start(text)
    generation = _state["generation"]
    label = text.rstrip("…") + " (" + _megabytes(size) + ")"

    async def tick():
        tenths = 0
        while _state["generation"] == generation:
            by_id("loading-text").textContent = label + " — " + str(tenths // 10) + "." + str(tenths % 10) + " s"
            await asyncio.sleep(0.2)
            tenths += 2

    asyncio.create_task(tick())


def done() -> None:
    """Hide the strip."""
    _state["generation"] += 1
    by_id("loading-text").textContent = ""
    show(by_id("loading"), False)


def _megabytes(n) -> str:
    return ("%.1f" % (n / 1e6)) + " MB"
