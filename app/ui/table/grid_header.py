"""The grid's header: a ``<col>`` per column with its width, and a header cell per column.

Each header cell holds the sort button (type badge, name, sort mark), the
⋮ menu button, a slot for the profile strip and a resize handle; the
indexes in ``data-sort``, ``data-menu``, ``data-col`` and ``data-resize``
are what ``app.ui.table.grid_events`` reads back. Every text is set as text.
"""

from app.core import captions, layout_columns, sorting, types
from app.ui.shell.dom import el


def colgroup(columns: list, widths: dict) -> tuple:
    """``(colgroup, cols)``: the row-number column, then a ``<col>`` per column at its width."""
    group = el("colgroup")
    group.append(el("col", None, "rownum-col"))
    cols = []
    for column in columns:
        col = el("col")
        width = widths.get(column["name"])
        col.style.width = str(width or layout_columns.default_width(column)) + "px"
        group.append(col)
        cols.append(col)
    return group, cols


def header(columns: list, sort: list) -> tuple:
    """``(thead, sparks)``: the header row, and the empty profile-strip slot of each column."""
    marks = sorting.header_marks(sort)
    head = el("thead")
    sparks = []
    row = el("tr")
    row.append(el("th", "#", "rownum", {"scope": "col", "aria-label": "Row number"}))
    for index, column in enumerate(columns):
        cell = el(
            "th",
            None,
            "num" if types.is_numeric(column["kind"]) else None,
            {
                "scope": "col",
                "aria-sort": sorting.aria_sort(marks, column["name"]),
                "data-col": str(index),
                "draggable": "true",
            },
        )
        line = el("div", None, "colline")
        line.append(_sort_button(index, column, marks.get(column["name"])))
        line.append(
            el(
                "button",
                "⋮",
                "colmenu",
                {
                    "type": "button",
                    "data-menu": str(index),
                    "aria-label": captions.menu_label(column["name"]),
                    "title": "Profile, filter, hide, move",
                },
            )
        )
        cell.append(line)
        spark = el("div", None, "spark-slot")
        sparks.append(spark)
        cell.append(spark)
        cell.append(
            el(
                "span",
                None,
                "resize",
                {"data-resize": str(index), "aria-hidden": "true", "title": "Drag to resize"},
            )
        )
        row.append(cell)
    head.append(row)
    return head, sparks


def _sort_button(index: int, column: dict, mark):
    button = el(
        "button",
        None,
        "colhead",
        {"type": "button", "data-sort": str(index), "title": captions.header_title(column)},
    )
    button.append(
        el(
            "span",
            types.label_of(column["kind"]),
            "coltype kind-" + column["kind"],
            {"aria-label": "type " + column["type"]},
        )
    )
    button.append(el("span", column["name"], "colname"))
    if mark:
        button.append(el("span", mark["mark"], "sortmark", {"aria-hidden": "true"}))
    return button
