"""The form of one step: built from its kind's settings (app/core/step_forms.py), read back as JSON.

Most kinds get a control per setting (a column list, checkboxes of columns,
a text box, a choice). Join and pivot have forms of their own
(app/ui/panels/table_editors.py); so do three here: an expression box
that suggests column and function names as one types, the rules of a
conditional column, and "keep or remove the filtered rows", which takes
the table's filters and search as they are.

    build(form, kind, columns, tables, step, state, changed)   fill ``form``; ``changed()`` on each edit
    read(form, kind) -> the step's JSON (raises StateError naming what is missing)
"""

import json

from pyscript import window

from app.core import errors, step_columns, step_forms
from app.ui.panels import step_fields, table_editors
from app.ui.shell.dom import clear, el, on

_FUNCTIONS = []  # type: list  # DuckDB's function names, for suggestions (filled by the panel once)


def build(form, kind: str, columns: list, tables: list, step, state: dict, changed, session=None) -> None:
    names = [c["name"] for c in columns]
    form.setAttribute("data-kind", kind)
    form.append(el("p", step_forms.title(kind), "st-form-title"))
    if kind == "join":
        table_editors.join(form, columns, session, step, changed)
        return
    if kind == "pivot":
        table_editors.pivot(form, columns, step, changed)
        return
    if kind == "conditional":
        _conditional(form, names, step, changed)
        return
    if kind == "filter":
        _filter(form, step, state, changed)
        return
    described = step_forms.form(kind, columns, tables, step)
    for field in described["fields"]:
        form.append(_control(field, names, changed))


def read(form, kind: str) -> dict:
    """The step the form describes."""
    if kind == "filter":
        taken = json.loads(form.getAttribute("data-filters") or "{}")
        step = {"kind": "filter", "filters": taken.get("filters") or []}
        if taken.get("search"):
            step["search"] = taken["search"]
        step["keep"] = _value(form, "keep") or "matching"
        return step
    if kind == "conditional":
        return _read_conditional(form)
    if kind == "join":
        return table_editors.read_join(form)
    if kind == "pivot":
        return table_editors.read_pivot(form)
    values = {}
    for node in form.querySelectorAll("[data-field]"):
        name = str(node.getAttribute("data-field"))
        control = str(node.getAttribute("data-control"))
        if control == "columns":
            values[name] = [str(box.value) for box in node.querySelectorAll("input:checked")]
        elif control == "check":
            values[name] = bool(node.checked)
        else:
            values[name] = str(node.value)
        if node.hasAttribute("data-required") and values[name] in ("", []):
            raise errors.StateError(str(node.getAttribute("data-label")) + " is needed.")
    return step_forms.step_from_form(kind, values)


def _control(field: dict, names: list, changed):
    control = field["control"]
    wrap = el("div", None, "st-field")
    ident = "step-field-" + field["name"]
    attrs = {"data-field": field["name"], "data-control": control, "data-label": field["label"], "id": ident}
    if field["required"]:
        attrs["data-required"] = ""
    value = field["value"]
    if control == "columns":
        box = el("fieldset", None, "st-checks", attrs)
        box.append(el("legend", field["label"]))
        chosen = value or []
        for name in field["options"]:
            label = el("label", None, "st-check")
            tick = el("input", None, None, {"type": "checkbox", "value": name})
            tick.checked = name in chosen
            on(tick, "change", lambda event: changed())
            label.append(tick)
            label.append(el("span", name))
            box.append(label)
        wrap.append(box)
        return wrap
    wrap.append(el("label", field["label"], "st-label", {"for": ident}))
    if control in ("column", "choice", "table"):
        node = el("select", None, None, attrs)
        if not field["required"] or value is None:
            node.append(el("option", "—" if not field["required"] else "Choose…", None, {"value": ""}))
        for option in field["options"]:
            node.append(el("option", option, None, {"value": option}))
        node.value = "" if value is None else str(value)
        on(node, "change", lambda event: changed())
    elif control == "check":
        attrs["type"] = "checkbox"
        node = el("input", None, None, attrs)
        node.checked = bool(value)
        on(node, "change", lambda event: changed())
    elif control == "expression":
        return _expression(wrap, attrs, value, names, changed)
    else:
        attrs["type"] = "number" if control == "number" else "text"
        attrs["autocomplete"] = "off"
        attrs["spellcheck"] = "false"
        node = el("input", None, None, attrs)
        node.value = "" if value is None else str(value)
        on(node, "input", lambda event: changed())
    wrap.append(node)
    return wrap


def _expression(wrap, attrs: dict, value, names: list, changed):
    """An expression box; under it, the column and function names that start like the word being typed."""
    attrs["rows"] = "2"
    attrs["spellcheck"] = "false"
    attrs["placeholder"] = "for example: price * quantity, or upper(city)"
    box = el("textarea", None, "st-expression", attrs)
    box.value = value or ""
    hints = el("div", None, "st-hints", {"aria-label": "Suggestions"})

    def typed(event):
        _suggest(box, hints, names)
        changed()

    def keyed(event):
        first = hints.querySelector("button")
        if event.key == "Tab" and first is not None and not event.shiftKey:
            event.preventDefault()
            first.click()

    on(box, "input", typed)
    on(box, "keydown", keyed)
    wrap.append(box)
    wrap.append(hints)
    return wrap


def _suggest(box, hints, names: list) -> None:
    clear(hints)
    text = str(box.value)
    end = int(box.selectionStart)
    start = end
    while start > 0 and _word_char(text[start - 1]):
        start -= 1
    word = text[start:end].lower()
    if not word:
        return
    found = [n for n in names if n.lower().startswith(word)]
    found += [f + "(" for f in _FUNCTIONS if f.startswith(word) and f not in found][: max(0, 8 - len(found))]
    for name in found[:8]:
        inserted = name if name.endswith("(") or _plain(name) else '"' + name.replace('"', '""') + '"'
        button = el("button", name, "st-hint", {"type": "button", "tabindex": "-1"})

        def pick(event, inserted=inserted, start=start, end=end):
            box.value = text[:start] + inserted + text[end:]
            box.focus()
            at = start + len(inserted)
            box.setSelectionRange(at, at)
            clear(hints)
            box.dispatchEvent(_input_event())

        on(button, "click", pick)
        hints.append(button)


def _input_event():
    return window.Event.new("input")


def _plain(name: str) -> bool:
    if not name or "0" <= name[0] <= "9":
        return False
    return all(_word_char(ch) for ch in name) and name.lower() == name


def _word_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9") or ch == "_"


def _value(form, name: str) -> str:
    node = form.querySelector('[data-field="' + name + '"]')
    return str(node.value) if node is not None else ""


# --- a conditional column's rules ---------------------------------------------------------------

_OPS = [
    ("=", "is"),
    ("!=", "is not"),
    ("<", "<"),
    ("<=", "≤"),
    (">", ">"),
    (">=", "≥"),
    ("contains", "contains"),
    ("starts", "starts with"),
    ("ends", "ends with"),
    ("empty", "is empty"),
    ("not_empty", "is not empty"),
]


def _conditional(form, names: list, step, changed) -> None:
    step = step or {"name": "", "when": [{"column": names[0] if names else "", "op": "=", "value": "", "then": ""}]}
    form.append(step_fields.labelled("New column", _input("name", step.get("name") or "", changed)))
    rules = el("ol", None, "st-rules")
    form.append(rules)
    for rule in step.get("when") or []:
        rules.append(_rule(rule, names, changed))
    more = el("button", "Add a rule", "button small", {"type": "button"})

    def add(event):
        rules.append(_rule({"column": names[0] if names else "", "op": "=", "value": "", "then": ""}, names, changed))
        changed()

    on(more, "click", add)
    form.append(more)
    otherwise = step.get("else")
    form.append(step_fields.labelled("Otherwise", _input("else", "" if otherwise is None else str(otherwise), changed)))


def _rule(rule: dict, names: list, changed):
    row = el("li", None, "st-rule")
    row.append(el("span", "If", "st-word"))
    column = el("select", None, None, {"data-rule": "column", "aria-label": "Column"})
    for name in names:
        column.append(el("option", name, None, {"value": name}))
    column.value = rule.get("column") or ""
    op = el("select", None, None, {"data-rule": "op", "aria-label": "Condition"})
    for value, words in _OPS:
        op.append(el("option", words, None, {"value": value}))
    op.value = rule.get("op") or "="
    value = el(
        "input", None, None, {"data-rule": "value", "aria-label": "Value", "type": "text", "autocomplete": "off"}
    )
    value.value = "" if rule.get("value") is None else str(rule.get("value"))
    then = el("input", None, None, {"data-rule": "then", "aria-label": "Then", "type": "text", "autocomplete": "off"})
    then.value = "" if rule.get("then") is None else str(rule.get("then"))
    for node in (column, op):
        on(node, "change", lambda event: changed())
    for node in (value, then):
        on(node, "input", lambda event: changed())
    row.append(column)
    row.append(op)
    row.append(value)
    row.append(el("span", "then", "st-word"))
    row.append(then)
    drop = el("button", "×", "button small", {"type": "button", "aria-label": "Remove this rule"})

    def remove(event):
        row.remove()
        changed()

    on(drop, "click", remove)
    row.append(drop)
    return row


def _read_conditional(form) -> dict:
    name = _value(form, "name").strip()
    if not name:
        raise errors.StateError("New column needs a name.")
    when = []
    for row in form.querySelectorAll(".st-rule"):
        rule = {}
        for key in ("column", "op", "value", "then"):
            rule[key] = str(row.querySelector('[data-rule="' + key + '"]').value)
        if not step_columns.CONDITIONS[rule["op"]][1]:
            rule.pop("value")
        when.append(rule)
    if not when:
        raise errors.StateError("Add at least one rule.")
    step = {"kind": "conditional", "name": name, "when": when}
    otherwise = _value(form, "else")
    if otherwise != "":
        step["else"] = otherwise
    outcomes = [rule["then"] for rule in when] + ([otherwise] if otherwise != "" else [])
    if all(_number(text) is not None for text in outcomes):  # all numbers: a column of numbers
        for rule in when:
            rule["then"] = _number(rule["then"])
        if otherwise != "":
            step["else"] = _number(otherwise)
    return step


def _number(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value == int(value) and "." not in text and "e" not in text.lower() else value


def _filter(form, step, state: dict, changed) -> None:
    taken = {"filters": (step or {}).get("filters") or state.get("filters") or [], "search": ""}
    taken["search"] = (step or {}).get("search") or ("" if step else state.get("search") or "")
    form.setAttribute("data-filters", json.dumps(taken))
    count = len(taken["filters"]) + (1 if taken["search"] else 0)
    if not count:
        form.append(el("p", "Set a filter or a search on the table first; this step keeps (or removes) its rows."))
    else:
        form.append(
            el("p", "The table's " + str(count) + (" filter" if count == 1 else " filters") + " become a step.")
        )
    keep = el("select", None, None, {"data-field": "keep", "data-control": "choice", "id": "step-field-keep"})
    keep.append(el("option", "Keep the rows that match", None, {"value": "matching"}))
    keep.append(el("option", "Remove the rows that match", None, {"value": "others"}))
    keep.value = (step or {}).get("keep") or "matching"
    on(keep, "change", lambda event: changed())
    form.append(step_fields.labelled("Rows", keep))


def _input(name: str, value: str, changed):
    node = el(
        "input", None, None, {"data-field": name, "id": "step-field-" + name, "type": "text", "autocomplete": "off"}
    )
    node.value = value
    on(node, "input", lambda event: changed())
    return node


def set_functions(names: list) -> None:
    """DuckDB's function names, for the expression box's suggestions."""
    _FUNCTIONS[:] = [str(n) for n in names]
