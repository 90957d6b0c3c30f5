"""Running the SQL panel's statements: app/core/scripts.py's steps, driven cancellably, and what the panel says.

``run`` takes the selection, else the statement at the cursor, or (Run all)
the whole text, and drives ``scripts.run_script`` through the engine's
cancellable gate. What ran is logged in the view state (each statement that
ran, never the editor's text); the tables it made get tabs, and a failed
statement is named in the panel and underlined in the editor while the
grid stays as it was.
"""

from pyscript import window

from app.core import errors, scripts, statements
from app.engine import wasm
from app.ui.shell.dom import count_up, show

EMPTY = (
    "There is no SQL statement to run: the editor holds only spaces or comments. "
    "Write one, for example SELECT 42, then press {key}."
)
CANCELLED = "Cancelled: the query was stopped and the grid is as it was."


async def run(panel, text: str, start: int = 0, end: int = 0, run_all: bool = False) -> None:
    """Run the selection, else the statement at ``start``, or with ``run_all`` every statement."""
    try:
        await _run(panel, text, start, end, run_all)
    finally:
        # Runs finished so far, ok or not, on the panel (tests and embedders wait on it).
        count_up(panel.root, "data-runs")


def cancel(panel) -> None:
    """Stop the running statement (the run stops there; the statements before it stay done)."""
    panel.cancelled = True
    panel.say("Cancelling…")
    panel.session.engine.cancel()


async def _run(panel, text: str, start: int, end: int, run_all: bool) -> None:
    session = panel.session
    if panel.running:
        panel.say("A query is still running: wait for it, or press Cancel.")
        return
    pieces, chosen = scripts.pieces_for(text, start, end, run_all)
    panel.keep_text(text)
    panel.clear()
    if not pieces:
        panel.fail(EMPTY.replace("{key}", panel.key))
        return
    panel.history.remember(chosen)
    _busy(panel, True)
    started = float(window.performance.now())
    before = session.view["active"]
    try:
        session.engine.begin_load()  # a Cancel pressed before this no longer applies
        panel.cancelled = False
        outcome = await wasm.run(scripts.run_script(pieces, panel.result_table), session.engine, cancellable=True)
    finally:
        _busy(panel, False)
    panel.output.textContent = outcome["output"]
    show(panel.output, bool(outcome["output"]))
    if outcome["entries"]:
        await session.logged(scripts.view_after(session.view, outcome, before), outcome["entries"])
    rows = None
    if outcome["result"] is not None:
        panel.result_table = outcome["result"]
        panel.result_sql = outcome["entries"][-1]["statement"]
        rows = session.tables[outcome["result"]]["rows"]
    await panel.refresh_schema()
    if outcome["failure"] is not None:
        _failed(panel, text, outcome["failure"])
        return
    panel.say(scripts.said(outcome, len(pieces), rows) + " · " + _duration(float(window.performance.now()) - started))


def _failed(panel, text: str, failure: dict) -> None:
    error = failure["error"]
    index = failure["index"]
    if isinstance(error, errors.Cancelled) or panel.cancelled:
        ran = " The statements before it had run." if index else ""
        panel.say(CANCELLED + ran)
        return
    message = str(error)
    statement, offset = failure["statement"], failure["offset"]
    at = statements.error_in(failure["run_sql"], statement, message)
    if at is None:
        start, end = offset, offset + len(statement)
    else:
        start, end = offset + at, offset + statements.word_end(statement, at)
    line, column = statements.line_column(text, start)
    summary = statements.error_summary(message)
    where = (
        "Line " + str(line) + ", column " + str(column) + ": "
        if at is not None
        else ("The statement at line " + str(line) + " failed: ")
    )
    before = " (the " + ("statement" if index == 1 else str(index) + " statements") + " before it ran)" if index else ""
    panel.fail(where + summary + before)
    window.loupeEditor.showError(start, end, summary)


def _busy(panel, running: bool) -> None:
    panel.running = running
    show(panel.cancel_button, running)
    panel.root.setAttribute("aria-busy", "true" if running else "false")
    if running:
        panel.say("Running…")
        return
    if str(window.document.activeElement.id or "") == "sql-cancel":
        window.loupeEditor.focus()  # the Cancel button is going away; keep the focus somewhere useful


def _duration(ms: float) -> str:
    if ms < 1000:
        return str(int(ms + 0.5)) + " ms"
    seconds = ms / 1000
    return (str(int(seconds * 10 + 0.5) / 10) if seconds < 60 else str(int(seconds + 0.5))) + " s"
