"""The bar above the table: where it came from and how it was read, and the
controls to read it again another way or to give a column another type."""

from app.core import formats, missing, refine, zones
from app.ui.dom import by_id, clear, el, on

_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16le": "UTF-16 LE",
    "utf-16be": "UTF-16 BE",
    "windows-1252": "Windows-1252 (Latin-1)",
}
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_FORMAT_NAMES = {
    formats.CSV: "CSV",
    formats.JSON: "JSON",
    formats.JSON_LINES: "JSON Lines",
    formats.PARQUET: "Parquet",
    formats.XLSX: "Excel",
    formats.SQLITE: "SQLite",
}
_state = {"session": None, "table": None, "missing": ""}


def wire(session) -> None:
    """Connect the bar's forms to ``session``."""
    _state["session"] = session
    _fill(by_id("read-encoding"), [(k, v) for k, v in _ENCODING_NAMES.items()])
    _fill(by_id("read-delimiter"), [(k, v) for k, v in _DELIMITER_NAMES.items()])
    _fill(by_id("read-late"), missing.LATE_CHOICES)
    _fill(by_id("retype-type"), refine.TYPE_CHOICES)
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
    read = source.get("read", {})
    fmt = read.get("format")
    by_id("source-summary").textContent = summary(source)
    rereadable = fmt in (formats.CSV, formats.JSON, formats.JSON_LINES) and session.blobs.get(table) is not None
    by_id("read-as").hidden = not rereadable
    if rereadable:
        by_id("read-encoding").value = read.get("encoding") or "utf-8"
        by_id("read-delimiter").value = read.get("delimiter") or ","
        by_id("read-header").value = "false" if read.get("header") is False else "true"
        by_id("read-late").value = read.get("late") or missing.WIDEN
        _state["missing"] = missing.label(read.get("missing") or [])
        by_id("read-missing").value = _state["missing"]
        by_id("read-csv-only").hidden = fmt != formats.CSV
    by_id("flatten").hidden = not any(
        c["kind"] == "struct" and c["type"].upper().startswith("STRUCT") for c in session.tables[table]["columns"]
    )
    columns = by_id("retype-column")
    clear(columns)
    for column in session.tables[table]["columns"]:
        columns.append(el("option", column["name"] + " (" + column["type"] + ")", None, {"value": column["name"]}))


def summary(source: dict) -> str:
    """``'weather.csv · CSV · UTF-8 · comma-separated · with header · Missing values: NA, -'``."""
    read = source.get("read", {})
    parts = [source["name"] + (" › " + read["part"] if read.get("part") else "")]
    if read.get("format"):
        parts.append(_FORMAT_NAMES.get(read["format"], read["format"]) + (" (gzip)" if read.get("gzip") else ""))
    if read.get("encoding"):
        parts.append(_ENCODING_NAMES.get(read["encoding"], read["encoding"]))
    if read.get("delimiter"):
        parts.append(_DELIMITER_NAMES.get(read["delimiter"], repr(read["delimiter"])) + "-separated")
    if read.get("header") is not None:
        parts.append("with header" if read["header"] else "no header")
    if read.get("missing"):
        parts.append("Missing values: " + missing.label(read["missing"]))
    if read.get("late") == missing.AS_MISSING:
        parts.append("Values that do not fit: missing")
    if read.get("utc"):
        parts.append(zones.SUMMARY)
    return " · ".join(parts)


def _fill(select, choices) -> None:
    for value, label in choices:
        select.append(el("option", label, None, {"value": value}))


def _read_again(event) -> None:
    event.preventDefault()
    session, table = _state["session"], _state["table"]
    source = session.source_of(table)
    options = {"encoding": str(by_id("read-encoding").value)}
    if source.get("read", {}).get("format") == formats.CSV:
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
