"""The Steps panel's words and forms: which steps it offers, what each setting is called, form ↔ JSON.

A kind's settings come from its entry in app/core/steps.py (field → shape);
this module says what a person sees for each shape (a column list, a text
box, a yes/no box, a choice) and turns what was typed into the step's JSON.

    form(kind, columns, tables)  -> {"kind", "title", "fields": [{name, label, control, options, required, value}]}
    step_from_form(kind, values) -> the step's JSON (``values``: field -> text, list or bool), or raises StateError

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, steps

# The menu of "Add a step", in groups; kinds not built yet are left out by ``menu``.
MENU = [
    (
        "Columns",
        [
            ("derive", "New column from an expression"),
            ("conditional", "New column: if … then … else"),
            ("rename", "Rename a column"),
            ("drop", "Remove columns"),
            ("keep", "Keep and reorder columns"),
        ],
    ),
    (
        "Values",
        [
            ("fill", "Fill missing values"),
            ("replace", "Find and replace"),
            ("clean", "Clean text (trim, case, spaces)"),
            ("split", "Split a column"),
            ("extract", "Extract part of a value"),
            ("parse", "Read text as numbers or dates"),
        ],
    ),
    (
        "Rows",
        [
            ("filter", "Keep or remove the filtered rows"),
            ("dedupe", "Remove duplicate rows"),
            ("sample", "Sample rows"),
            ("window", "Rank, running total, share of total"),
        ],
    ),
    ("Tables", [("join", "Join another table"), ("append", "Append another table's rows")]),
    ("Reshape", [("pivot", "Pivot"), ("unpivot", "Unpivot (wide to long)")]),
]

# What a setting is called on screen (other names: the name with spaces).
LABELS = {
    "column": "Column",
    "columns": "Columns",
    "to": "New name",
    "name": "New column",
    "expression": "Expression",
    "else": "Otherwise",
    "with": "Fill with",
    "value": "Value",
    "by": "Within groups of",
    "find": "Find",
    "replace": "Replace with",
    "regex": "Regular expression",
    "case": "Match case",
    "other": "Other table",
    "how": "Kind of join",
    "keep": "Keep",
    "seed": "Seed",
    "n": "Rows",
    "percent": "Percent of rows",
    "delimiter": "Delimiter",
    "pattern": "Pattern",
    "format": "Format",
}

# shape -> the control that edits it
_CONTROLS = {
    "column": "column",
    "columns": "columns",
    "new": "text",
    "expression": "expression",
    "text": "text",
    "value": "text",
    "int": "number",
    "number": "number",
    "bool": "check",
    "table": "table",
}


def menu() -> list:
    """``[(group, [(kind, title)])]`` of the kinds there are, for "Add a step"."""
    known = steps.kinds()
    out = []
    for group, entries in MENU:
        present = [(kind, title) for kind, title in entries if kind in known]
        if present:
            out.append((group, present))
    return out


def title(kind: str) -> str:
    """What "Add a step" calls ``kind``."""
    for _, entries in MENU:
        for name, words in entries:
            if name == kind:
                return words
    return kind


def editable(kind: str) -> bool:
    """True when every setting of ``kind`` has a control here (lists of rules need an editor of their own)."""
    entry = steps.kinds()[kind]
    shapes = list(entry["fields"].values())
    return all(_control(shape) is not None for shape in shapes)


def form(kind: str, columns: list, tables: list, step=None) -> dict:
    """The form that edits a ``kind`` step on a table with ``columns``; filled from ``step`` when given.

    Settings whose shape has no control here (lists of rules, objects) are left out
    when optional; ``editable`` says whether the kind can be made by this form at all.
    """
    entry = steps.kinds()[kind]
    fields = []
    names = [c["name"] for c in columns if c["name"] != steps.ROW]
    for group, required in ((entry["fields"], True), (entry.get("optional") or {}, False)):
        for name in group:
            shape = group[name]
            control = _control(shape)
            if control is None:
                continue
            options = []  # type: list
            if control in ("column", "columns"):
                options = names
            elif control == "table":
                options = list(tables)
            elif control == "choice":
                options = shape[7:].split("|")
            value = (step or {}).get(name)
            fields.append(
                {
                    "name": name,
                    "label": label(name),
                    "control": control,
                    "options": options,
                    "required": required,
                    "value": value,
                }
            )
    return {"kind": kind, "title": title(kind), "fields": fields}


def step_from_form(kind: str, values: dict) -> dict:
    """The JSON of a ``kind`` step from the form's ``values`` (field -> text, list of names, or bool).

    Empty optional settings are left out; numbers are read as numbers. Raises
    StateError naming the setting when a value cannot be read.
    """
    entry = steps.kinds()[kind]
    step = {"kind": kind}  # type: dict
    for group, required in ((entry["fields"], True), (entry.get("optional") or {}, False)):
        for name in group:
            if name not in values:
                continue
            shape = group[name]
            raw = values[name]
            if not required and (raw is None or raw == "" or raw == []):
                continue
            step[name] = _read(shape, raw, name)
    return step


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def _control(shape: str):
    if shape.startswith("choice:"):
        return "choice"
    return _CONTROLS.get(shape)


def _read(shape: str, raw, name: str):
    if shape in ("int", "number"):
        text = str(raw).strip()
        try:
            number = float(text)
        except ValueError:
            raise errors.StateError(label(name) + " must be a number, not “" + text + "”.")
        if number != number or number in (float("inf"), float("-inf")):
            raise errors.StateError(label(name) + " must be a finite number, not “" + text + "”.")
        if shape == "int":
            if number != int(number):
                raise errors.StateError(label(name) + " must be a whole number, not “" + text + "”.")
            return int(number)
        return number
    if shape == "bool":
        return raw is True or (isinstance(raw, str) and raw.lower() in ("true", "yes", "on", "1"))
    if shape == "columns":
        return list(raw) if isinstance(raw, list) else [raw]
    return raw
