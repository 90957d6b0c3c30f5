"""Wires the page's static controls (pager, file picker, drop zone) to the session."""

import asyncio

from app.ui import feedback
from app.ui.dom import by_id, on


def wire(session) -> None:
    """Connect every static control of index.html to ``session``."""
    on(by_id("page-prev"), "click", lambda e: _spawn(session.page_by(-1)))
    on(by_id("page-next"), "click", lambda e: _spawn(session.page_by(1)))
    on(by_id("error-close"), "click", feedback.dismiss)
    on(by_id("file-input"), "change", lambda e: _open_files(session, e.target.files, e.target))


def _open_files(session, files, input_node=None) -> None:
    for i in range(files.length):
        file = files.item(i)
        _spawn(session.open({"kind": "file", "name": str(file.name), "file": file}))
    if input_node is not None:
        input_node.value = ""  # choosing the same file again fires change again


def _spawn(coroutine) -> None:
    feedback.dismiss()
    asyncio.create_task(feedback.guarded(coroutine))
