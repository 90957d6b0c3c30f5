"""The loading strip: what is being read, how far along, and a Cancel button."""

from app.core import fmt
from app.ui.dom import by_id, show

_state = {"glue": None}


def wire(glue, on) -> None:
    """Connect the Cancel button to the engine glue's cancel()."""
    _state["glue"] = glue
    on(by_id("loading-cancel"), "click", lambda event: glue.cancel())


def start(text: str) -> None:
    """Show the strip with ``text`` and an indeterminate bar."""
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
    text = "Reading " + name + " — " + fmt.thousands(done) + " of " + fmt.thousands(total) + " rows"
    fraction(text, done, total)


def done() -> None:
    """Hide the strip."""
    show(by_id("loading"), False)


def _megabytes(n) -> str:
    return ("%.1f" % (n / 1e6)) + " MB"
