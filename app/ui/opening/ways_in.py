"""Wires the page's static controls to the session: file picker, URL box,
drag-and-drop anywhere, paste of CSV/TSV text, and the loading strip's Cancel."""

from pyscript import document, window

from app.ui.shell import consent, feedback, progress
from app.ui.shell.dom import by_id, on
from app.ui.table import source_bar

# Pasting into these does what it does there; elsewhere a paste opens a table.
_TEXT_INPUTS = ("INPUT", "TEXTAREA")


def wire(session) -> None:
    """Connect every static control of index.html to ``session``."""
    on(by_id("error-close"), "click", feedback.dismiss)
    on(by_id("file-input"), "change", lambda e: _open_files(session, e.target.files, e.target))
    on(by_id("url-form"), "submit", lambda e: _open_url(session, e))
    progress.wire(session.engine, on)
    source_bar.wire(session)
    _wire_drop(session)
    on(document, "paste", lambda e: _paste(session, e))


def _spawner(session):
    def spawn(coroutine):
        feedback.dismiss()
        session.spawn(coroutine)

    return spawn


def _open_files(session, files, input_node=None) -> None:
    spawn = _spawner(session)
    for i in range(files.length):
        file = files.item(i)
        spawn(_open_own(session, {"kind": "file", "name": str(file.name), "file": file}))
    if input_node is not None:
        input_node.value = ""  # choosing the same file again fires change again


async def _open_own(session, source: dict):
    """Open a file (or pasted text) of the person's; in a Loupe framed by another site, only once they agree."""
    host = consent.framed_by()
    if host and not await consent.local_file_in_frame(source["name"], host):
        feedback.notice("“" + source["name"] + "” was not opened. Nothing of it was read.")
        return None
    return await session.open(source)


def _open_url(session, event) -> None:
    event.preventDefault()
    box = by_id("url-input")
    url = str(box.value).strip()
    if not url:
        feedback.error("Type or paste the address of a data file first, for example https://example.org/data.csv")
        return
    absolute = str(window.URL.new(url, window.location.href).href)
    _spawner(session)(session.open({"kind": "url", "url": absolute}))


def _wire_drop(session) -> None:
    zone = by_id("drop-zone")
    depth = [0]

    def has_files(event):
        types = event.dataTransfer.types if event.dataTransfer else None
        return types is not None and types.includes("Files")

    def enter(event):
        if has_files(event):
            event.preventDefault()
            depth[0] += 1
            zone.hidden = False

    def over(event):
        if has_files(event):
            event.preventDefault()
            event.dataTransfer.dropEffect = "copy"

    def leave(event):
        depth[0] = max(0, depth[0] - 1)
        if depth[0] == 0:
            zone.hidden = True

    def drop(event):
        event.preventDefault()
        depth[0] = 0
        zone.hidden = True
        if event.dataTransfer and event.dataTransfer.files.length:
            _open_files(session, event.dataTransfer.files)

    on(document, "dragenter", enter)
    on(document, "dragover", over)
    on(document, "dragleave", leave)
    on(document, "drop", drop)


def _paste(session, event) -> None:
    target = event.target
    if target and str(target.tagName) in _TEXT_INPUTS:
        return
    data = event.clipboardData
    if data is None:
        return
    if data.files.length:
        event.preventDefault()
        _open_files(session, data.files)
        return
    text = str(data.getData("text/plain") or "")
    if not text.strip():
        return
    event.preventDefault()
    _spawner(session)(_open_own(session, {"kind": "text", "name": "pasted.csv", "text": text}))
