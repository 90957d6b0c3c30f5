"""The bar above the table: where it came from and how it was read, and the
controls to read it again another way or to give a column another type."""

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
    by_id("flatten").hidden = not source_summary.flattenable(session.tables[table]["columns"])
    columns = by_id("retype-column")
    clear(columns)
    for column in session.tables[table]["columns"]:
        columns.append(el("option", column["name"] + " (" + column["type"] + ")", None, {"value": column["name"]}))


def _fill(select, choices) -> None:
    for value, label in choices:
        select.append(el("option", label, None, {"value": value}))


def _read_again(event) -> None:
    event.preventDefault()
    session, table = _state["session"], _state["table"]
    source = session.source_of(table)
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
