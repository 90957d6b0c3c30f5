"""How a table's source is described: the line above the grid, and what the read-as form offers.

    summary({"name": "weather.csv", "read": {"format": "csv", "delimiter": ","}})
        -> 'weather.csv · CSV · comma-separated'

Runs under MicroPython and CPython (see README.md).
"""

from app.core import file_kinds, missing, zones

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-16le": "UTF-16 LE",
    "utf-16be": "UTF-16 BE",
    "windows-1252": "Windows-1252 (Latin-1)",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
FORMAT_NAMES = {
    file_kinds.CSV: "CSV",
    file_kinds.JSON: "JSON",
    file_kinds.JSON_LINES: "JSON Lines",
    file_kinds.PARQUET: "Parquet",
    file_kinds.XLSX: "Excel",
    file_kinds.SQLITE: "SQLite",
}
REREADABLE = (file_kinds.CSV, file_kinds.JSON, file_kinds.JSON_LINES)
HIDDEN_SHEET = " (hidden)"


def summary(source: dict) -> str:
    """``'weather.csv · CSV · UTF-8 · comma-separated · with header · Missing values: NA, -'``."""
    read = source.get("read", {})
    parts = [source["name"] + (" › " + read["part"] if read.get("part") else "")]
    if read.get("format"):
        parts.append(FORMAT_NAMES.get(read["format"], read["format"]) + (" (gzip)" if read.get("gzip") else ""))
    if read.get("encoding"):
        parts.append(ENCODING_NAMES.get(read["encoding"], read["encoding"]))
    if read.get("delimiter"):
        parts.append(DELIMITER_NAMES.get(read["delimiter"], repr(read["delimiter"])) + "-separated")
    if read.get("header") is not None:
        parts.append("with header" if read["header"] else "no header")
    if read.get("header_row") is not None:
        parts.append("header on row " + str(read["header_row"]) if read["header_row"] else "no header row")
    if read.get("range"):
        parts.append("range " + read["range"])
    if read.get("missing"):
        parts.append("Missing values: " + missing.label(read["missing"]))
    if read.get("late") == missing.AS_MISSING:
        parts.append("Values that do not fit: missing")
    if read.get("utc"):
        parts.append(zones.SUMMARY)
    return " · ".join(parts)


def rereadable(source: dict, has_blob: bool) -> bool:
    """Whether the read-as form shows: a text format or a workbook's sheet, and the bytes it was read from are here."""
    read = source.get("read", {})
    return has_blob and (read.get("format") in REREADABLE or (read.get("format") == file_kinds.XLSX and "part" in read))


def flattenable(columns: list) -> bool:
    """Whether a table has a struct column that "Flatten" can spread into columns."""
    return any(c["kind"] == "struct" and c["type"].upper().startswith("STRUCT") for c in columns)


def read_form(read: dict) -> dict:
    """The values the read-as form starts from: how the source was read, defaults where it said nothing."""
    return {
        "encoding": read.get("encoding") or "utf-8",
        "delimiter": read.get("delimiter") or ",",
        "header": "false" if read.get("header") is False else "true",
        "late": read.get("late") or missing.WIDEN,
        "missing": missing.label(read.get("missing") or []),
        "csv": read.get("format") == file_kinds.CSV,
        "workbook": read.get("format") == file_kinds.XLSX,
        "sheet": read.get("part") or "",
        "header_row": "" if read.get("header_row") is None else str(read["header_row"]),
        "range": read.get("range") or "",
        "empty_rows": read.get("empty_rows") or 0,
    }


def left_out(empty_rows: int) -> str:
    """What reading a sheet left out, beside the read-as form ("" for nothing)."""
    if not empty_rows:
        return ""
    return str(empty_rows) + (" empty rows were" if empty_rows > 1 else " empty row was") + " left out."


def sheet_choices(sheets: list) -> list:
    """``[(name, label)]`` for the read-as form's Sheet list: every sheet, a hidden one marked."""
    return [(s["name"], s["name"] + (HIDDEN_SHEET if s["hidden"] else "")) for s in sheets]


def sheets_summary(sheets: list, open_parts: list) -> str:
    """The Sheets drawer's title: ``'Sheets (2 of 14 open)…'``."""
    shown = [s for s in sheets if s["name"] in open_parts]
    return "Sheets (" + str(len(shown)) + " of " + str(len(sheets)) + " open)…"


def workbook_options(form: dict, source_read: dict) -> dict:
    """``loupe.open`` options from the read-as form of a workbook's sheet: ``{sheets, header_row?, range?}``.

    ``form``: ``{sheet, header_row, range}`` as typed (strings); an empty header row
    or range means the default (the first filled row, the whole sheet).
    """
    options = {"sheets": [form["sheet"] or source_read.get("part") or ""]}
    if form["header_row"].strip():
        options["header_row"] = form["header_row"].strip()
    if form["range"].strip():
        options["range"] = form["range"].strip()
    return options
