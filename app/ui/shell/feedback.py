"""Status and error messages on screen: the alert region and the status line."""

from app.core import errors
from app.ui.shell.dom import by_id, show


def error(message: str) -> None:
    """Show ``message`` in the alert region (screen readers announce it)."""
    box = by_id("error")
    by_id("error-text").textContent = message
    box.classList.remove("warning")
    show(box, True)


def notice(message: str) -> None:
    """Show a warning that is not a failure (the action went through)."""
    box = by_id("error")
    by_id("error-text").textContent = message
    box.classList.add("warning")
    show(box, True)


def dismiss(event=None) -> None:
    show(by_id("error"), False)


def status(text: str) -> None:
    """Set the polite status line (engine and Python state)."""
    by_id("status").textContent = text


async def guarded(coroutine):
    """Await ``coroutine``; show a LoupeError as a message instead of failing."""
    try:
        return await coroutine
    except errors.LoupeError as failure:
        error(str(failure))
    except Exception as failure:  # a bug: say so plainly, keep the app alive
        error(errors.unexpected(failure))
