"""The Export… menu: the view on screen (filters, sort, grouping, visible columns)
as a CSV, TSV, JSON, Parquet or Excel file, or as a Markdown table on the clipboard.

What to write and how to word it is app.core.export's; the rows move from
DuckDB to the file in JavaScript and in workers (app.engine.wasm), so the
page stays responsive and the loading strip's Cancel stops an export.
"""

import json

from pyscript import window
from pyscript.ffi import create_proxy

from app.core import display, errors, export
from app.ui.shell import feedback, progress, worker_link
from app.ui.shell.dom import by_id, el, on

PROTECT_HINT = (
    "Text starting with = + - @, a tab or a carriage return could run as a formula in a spreadsheet; "
    "protected, it gets a leading ' in CSV and TSV and is marked as text in Excel."
)
CANCELLED = "The export was cancelled; nothing was saved."
_state = {"busy": False, "buttons": [], "report": None}


def wire(session) -> None:
    """Build the Export… menu into ``#export-slot``."""
    slot = by_id("export-slot")
    if slot is None:
        return
    drawer = el("details", None, "drawer export-menu", {"id": "export"})
    drawer.append(el("summary", "Export…"))
    body = el("div", None, "drawer-form export-form")
    formats = el("div", None, "export-formats", {"role": "group", "aria-labelledby": "export-as"})
    formats.append(el("span", "Download as", "export-label", {"id": "export-as"}))
    for key in export.ORDER:
        label = export.FORMATS[key]["label"]
        button = el(
            "button",
            label,
            "button small",
            {"type": "button", "id": "export-" + key, "aria-describedby": "export-scope"},
        )
        on(button, "click", _exporter(session, key))
        formats.append(button)
        _state["buttons"].append(button)
    body.append(formats)
    protect = el("label", None, "export-protect", {"title": PROTECT_HINT})
    box = el(
        "input",
        None,
        None,
        {"type": "checkbox", "id": "export-protect", "checked": "", "aria-describedby": "export-protect-hint"},
    )
    protect.append(box)
    protect.append(el("span", " Protect against spreadsheet formulas"))
    body.append(protect)
    copy = el(
        "button",
        "Copy as Markdown",
        "button small",
        {"type": "button", "id": "export-markdown", "aria-describedby": "export-scope"},
    )
    on(copy, "click", lambda event: session.spawn(copy_markdown(session)))
    _state["buttons"].append(copy)
    body.append(copy)
    body.append(
        el(
            "p",
            "The rows and columns on screen: filters, search, sort and grouping applied.",
            "meta export-note",
            {"id": "export-scope"},
        )
    )
    body.append(el("p", PROTECT_HINT, "meta export-note", {"id": "export-protect-hint"}))
    drawer.append(body)
    slot.append(drawer)


async def export_view(session, fmt_key: str, neutralise: bool) -> None:
    """Download the current view as ``fmt_key`` (a key of export.FORMATS)."""
    if _state["busy"]:
        feedback.notice("An export is already running; wait for it to finish or press Cancel.")
        return
    shown = session.view_query()
    entry = export.FORMATS[fmt_key]
    select, params = export.export_select(shown["sql"], shown["params"], shown["columns"], neutralise, fmt_key)
    name = export.file_name(shown["table"], fmt_key)
    what = "Exporting " + shown["table"] + " as " + entry["label"]
    _busy(True)
    progress.start(what + "…")
    try:
        total = await _count(session, select, params)
        problem = export.size_problem(fmt_key, total, len(shown["columns"]))
        if problem:
            raise errors.ExportError(problem)
        job = {
            "session": session,
            "fmt": fmt_key,
            "sql": select,
            "params": params,
            "total": total,
            "what": what,
            "neutralise": neutralise,
            "columns": export.export_columns(shown["columns"], fmt_key),
            "table": shown["table"],
        }
        blob, rows, notes = await _WRITERS[entry["writer"]](job)
    except errors.Cancelled:
        raise errors.Cancelled(CANCELLED)
    except errors.QueryError as failure:
        raise _worded(failure)
    finally:
        progress.done()
        _busy(False)
    if rows != total:  # never hand over a file that silently lacks rows
        raise errors.ExportError(
            "The export stopped after "
            + display.thousands(rows)
            + " of "
            + display.thousands(total)
            + " rows, so nothing was saved. Export again."
        )
    session.engine.download(blob, name)
    message = export.done_message(fmt_key, rows, name)
    if notes:
        feedback.notice(message + " " + " ".join(notes))
    else:
        feedback.status(message)


async def copy_markdown(session) -> None:
    """Put the first rows of the current view on the clipboard as a Markdown table."""
    shown = session.view_query()
    select, params = export.export_select(shown["sql"], shown["params"], shown["columns"])
    try:
        total = await _count(session, select, params)
        result = await session.engine.execute(*export.first_rows(select, params, export.MARKDOWN_MAX_ROWS))
    except errors.QueryError as failure:
        raise _worded(failure)
    text = export.markdown(export.export_columns(shown["columns"]), result["rows"])
    try:
        await window.navigator.clipboard.writeText(text)
    except Exception as failure:
        raise errors.ExportError(
            "The browser did not let Loupe use the clipboard ("
            + str(failure)
            + "). Allow clipboard access for this page, or export as CSV instead."
        )
    feedback.status(export.markdown_message(len(result["rows"]), total))


# --- writers: each takes the job and returns (blob, rows, notes) ----------------


async def _write_copy(job) -> tuple:
    session = job["session"]
    plan = export.copy_plan(
        job["sql"], job["params"], job["total"], len(job["columns"]), job["fmt"], session.next_file_name("-export")
    )
    blob, rows = await session.engine.export_copy(plan, export.FORMATS[job["fmt"]]["mime"], _progress(job))
    return blob, rows, []


async def _write_json(job) -> tuple:
    blob, rows = await job["session"].engine.export_json(job["sql"], job["params"], _progress(job))
    return blob, rows, []


async def _write_parquet(job) -> tuple:
    blob, rows = await job["session"].engine.export_parquet(job["sql"], job["params"], _progress(job))
    return blob, rows, []


async def _write_xlsx(job) -> tuple:
    worker = await worker_link.ready()
    if worker is None:
        raise errors.ExportError(
            "Excel files are written by Python, which could not start in this browser. "
            "Export as CSV instead; Excel opens it too."
        )
    progress.start(job["what"] + " — starting Python's Excel writer…")
    await worker.xlsx_start(json.dumps(job["columns"]), job["table"], bool(job["neutralise"]))
    try:
        engine = job["session"].engine
        rows = await engine.export_rows(job["sql"], job["params"], worker, "xlsx_add", _progress(job))
        progress.start(job["what"] + " — saving the workbook…")
        blob, notes = await engine.worker_file(worker, "xlsx_finish", export.FORMATS["xlsx"]["mime"])
    except Exception:
        await worker.xlsx_abort()
        raise
    return blob, rows, notes


_WRITERS = {"copy": _write_copy, "json": _write_json, "parquet": _write_parquet, "xlsx": _write_xlsx}


# --- helpers -------------------------------------------------------------------


def _exporter(session, fmt_key: str):
    def handler(event):
        feedback.dismiss()
        session.spawn(export_view(session, fmt_key, bool(by_id("export-protect").checked)))

    return handler


def _progress(job):
    total = job["total"]

    def report(rows):
        progress.fraction(
            job["what"] + " — " + display.thousands(rows) + " of " + display.thousands(total) + " rows", rows, total
        )

    _state["report"] = create_proxy(report)  # kept alive while JavaScript may call it
    return _state["report"]


async def _count(session, select: str, params: list) -> int:
    result = await session.engine.execute(*export.count_rows(select, params))
    return int(result["rows"][0][0])


def _busy(busy: bool) -> None:
    _state["busy"] = busy
    for button in _state["buttons"]:
        button.disabled = busy


def _worded(failure) -> Exception:
    return errors.ExportError("Could not export the view: " + str(failure))
