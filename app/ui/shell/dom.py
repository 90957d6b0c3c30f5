"""Small DOM helpers for MicroPython: every text goes in as text, never as HTML."""

from pyscript import document
from pyscript.ffi import create_proxy

_listeners = []  # proxies must outlive the call that created them


def by_id(element_id: str):
    """The element with this id (None if absent)."""
    return document.getElementById(element_id)


def el(tag: str, text=None, cls=None, attrs=None):
    """A new element; ``text`` is set as textContent, so markup in data stays inert."""
    node = document.createElement(tag)
    if text is not None:
        node.textContent = text
    if cls:
        node.className = cls
    if attrs:
        for name in attrs:
            node.setAttribute(name, attrs[name])
    return node


def clear(node) -> None:
    """Remove every child of ``node``."""
    node.replaceChildren()


def on(node, event: str, handler) -> None:
    """Call ``handler(event)`` on ``event``; the proxy is kept alive."""
    proxy = create_proxy(handler)
    _listeners.append(proxy)
    node.addEventListener(event, proxy)


def count_up(node, attribute: str) -> None:
    """Add one to the counter in ``attribute`` of ``node`` (``<body data-views>`` and the like).

    Tests, benchmarks and embedders wait on these counters instead of guessing.
    getAttribute, not a property: a missing JS property raises on MicroPython.
    """
    node.setAttribute(attribute, str(int(str(node.getAttribute(attribute) or "0")) + 1))


def show(node, visible: bool = True) -> None:
    """Show or hide ``node`` with the hidden attribute."""
    node.hidden = not visible
