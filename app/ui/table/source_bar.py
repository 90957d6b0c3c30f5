"""The bar above the table: where it came from and how it was read, and the
controls to read it again another way (a workbook: its sheet, header row and
range), to open more of a workbook's sheets, or to give a column another type."""

from app.core import file_kinds, missing, retype, source_summary
from app.ui.shell.dom import by_id, clear, el, on

_state = {"session": None, "table": None, "missing": ""}


def wire(session) -> None:
    """Connect the bar's forms to ``session``."""
    _state["session"] = session
    _fill(by_id("read-encoding"), [(k, v) for k, v in source_summary.ENCODING_NAMES.items()])
    _fill(by_id("read-delimiter"), [(k, v) for k, v in source_summary.DELIMITER_NAMES.items()])
    _fill(by_id("read-late"), missing.LATE_CHOICES)
    _fill(by_id("retype-type"), retype.TYPE_CHOICES)
    on(by_id("read-as-form"), "submit", _read_again)
    on(by_id("sheets-form"), "submit", _open_sheets)
    on(by_id("retype-form"), "submit", _retype)
    on(by_id("flatten"), "click", _flatten)


def render(session, table) -> None:
    """Describe ``table``'s source and set the forms to how it was read."""
    _state["table"] = table
    bar = by_id("source-bar")
    source = session.source_of(table) if table else None
    bar.hidden = source is None
    if source is None:
        return
    by_id("source-summary").textContent = source_summary.summary(source)
    rereadable = source_summary.rereadable(source, session.blobs.get(table) is not None)
    by_id("read-as").hidden = not rereadable
    if rereadable:
        form = source_summary.read_form(source.get("read", {}))
        for key in ("encoding", "delimiter", "header", "late", "missing"):
            by_id("read-" + key).value = form[key]
        _state["missing"] = form["missing"]
        by_id("read-csv-only").hidden = not form["csv"]
        by_id("read-encoding-field").hidden = form["workbook"]
        by_id("read-sheet-only").hidden = not form["workbook"]
        by_id("read-left-out").textContent = ""
        if form["workbook"]:
            _workbook_form(session, table, form)
    _sheets(session, table, source)
    by_id("flatten").hidden = not source_summary.flattenable(session.tables[table]["columns"])
    columns = by_id("retype-column")
    clear(columns)
    for column in session.tables[table]["columns"]:
        columns.append(el("option", column["name"] + " (" + column["type"] + ")", None, {"value": column["name"]}))


def _workbook_form(session, table, form) -> None:
    sheet = by_id("read-sheet")
    clear(sheet)
    _fill(sheet, source_summary.sheet_choices(session.sheets.get(table) or [{"name": form["sheet"], "hidden": False}]))
    sheet.value = form["sheet"]
    by_id("read-header-row").value = form["header_row"]
    by_id("read-range").value = form["range"]
    by_id("read-left-out").textContent = source_summary.left_out(form["empty_rows"])


def _sheets(session, table, source) -> None:
    """The Sheets drawer: every sheet of the workbook ``table`` is one of, those open checked."""
    sheets = session.sheets.get(table) or []
    drawer = by_id("sheets")
    drawer.hidden = len(sheets) < 2 or session.blobs.get(table) is None
    if drawer.hidden:
        return
    open_parts = session.open_parts(source["name"])
    box = by_id("sheets-list")
    clear(box)
    for name, label in source_summary.sheet_choices(sheets):
        item = el("label", None, "check")
        toggle = el("input", None, None, {"type": "checkbox", "value": name})
        toggle.checked = name in open_parts
        toggle.disabled = name in open_parts
        item.append(toggle)
        item.append(el("span", " " + label))
        box.append(item)
    by_id("sheets-summary").textContent = source_summary.sheets_summary(sheets, open_parts)


def _open_sheets(event) -> None:
    event.preventDefault()
    session, table = _state["session"], _state["table"]
    chosen = [str(box.value) for box in by_id("sheets-list").querySelectorAll("input:checked:not(:disabled)")]
    session.spawn(session.open_sheets(table, chosen))


def _fill(select, choices) -> None:
    for value, label in choices:
        select.append(el("option", label, None, {"value": value}))


def _read_again(event) -> None:
    event.preventDefault()
    session, table = _state["session"], _state["table"]
    source = session.source_of(table)
    if source.get("read", {}).get("format") == file_kinds.XLSX:
        typed = {key: str(by_id("read-" + key.replace("_", "-")).value) for key in ("sheet", "header_row", "range")}
        session.spawn(session.read_again(table, source_summary.workbook_options(typed, source.get("read", {}))))
        return
    options = {"encoding": str(by_id("read-encoding").value)}
    if source.get("read", {}).get("format") == file_kinds.CSV:
        options["delimiter"] = str(by_id("read-delimiter").value)
        options["header"] = str(by_id("read-header").value) == "true"
        options["late"] = str(by_id("read-late").value)
        typed = str(by_id("read-missing").value)
        if typed.strip() != _state["missing"] or "missing" in source.get("read", {}):
            options["missing"] = missing.parse(typed)  # empty: no markers at all
    session.spawn(session.read_again(table, options))


def _flatten(event) -> None:
    session, table = _state["session"], _state["table"]
    session.spawn(session.flatten(table))


def _retype(event) -> None:
    event.preventDefault()
    session, table = _state["session"], _state["table"]
    session.spawn(session.change_type(table, str(by_id("retype-column").value), str(by_id("retype-type").value)))
