"""The table on screen: a header with column types and sort, a page of rows, a pager.

Rendering only: it builds DOM from a table description and a page of rows
(one JSON result crossing from JavaScript), and reports clicks to callbacks.
"""

from app.core import fmt, types
from app.ui.dom import clear, el, on

_SORT_NEXT = {None: "asc", "asc": "desc", "desc": None}
_ARIA_SORT = {None: "none", "asc": "ascending", "desc": "descending"}


def render_header(table_node, info: dict, sort: list, on_sort) -> None:
    """Column headers with a type label each; clicking a header cycles its sort."""
    current = {}
    for column, direction in sort:
        current[column] = direction
    head = el("thead")
    row = el("tr")
    row.append(el("th", "#", "rownum", {"scope": "col", "aria-label": "Row number"}))
    for column in info["columns"]:
        name = column["name"]
        direction = current.get(name)
        cell = el("th", None, "num" if types.is_numeric(column["kind"]) else None,
                  {"scope": "col", "aria-sort": _ARIA_SORT[direction]})
        button = el("button", None, "colhead", {
            "type": "button", "title": name + " (" + column["type"] + ") — click to sort"})
        button.append(el("span", name, "colname"))
        button.append(el("span", types.label_of(column["kind"]), "coltype kind-" + column["kind"],
                         {"aria-label": "type " + column["type"]}))
        if direction:
            button.append(el("span", "▲" if direction == "asc" else "▼", "sortmark", {"aria-hidden": "true"}))
        on(button, "click", _sort_handler(on_sort, name, _SORT_NEXT[direction]))
        cell.append(button)
        row.append(cell)
    head.append(row)
    old = table_node.querySelector("thead")
    if old:
        old.replaceWith(head)
    else:
        table_node.prepend(head)


def render_rows(table_node, info: dict, rows: list, offset: int) -> None:
    """One page of rows; NULL is styled apart from an empty string."""
    numeric = [types.is_numeric(c["kind"]) for c in info["columns"]]
    body = el("tbody")
    for i, values in enumerate(rows):
        tr = el("tr")
        tr.append(el("th", str(offset + i + 1), "rownum", {"scope": "row"}))
        for j, value in enumerate(values):
            cls = "num" if numeric[j] else None
            if value is None:
                cls = (cls + " null") if cls else "null"
            tr.append(el("td", fmt.cell_text(value), cls))
        body.append(tr)
    old = table_node.querySelector("tbody")
    if old:
        old.replaceWith(body)
    else:
        table_node.append(body)


def clear_table(table_node) -> None:
    """Empty the table."""
    clear(table_node)


def _sort_handler(on_sort, column, direction):
    def handler(event):
        on_sort(column, direction)
    return handler
