"""The bar above the grid: search, filter chips, row count, group-by, columns and go-to-row.

Rendering only; every change goes to the session, which records it in the
view state and redraws.
"""

from app.core import captions, chips, layout_columns, query
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, clear, el, on, show

_AGG_LABELS = {"sum": "sum", "avg": "average", "min": "minimum", "max": "maximum", "count_distinct": "distinct count"}


class Toolbar:
    """Search box, chips, count and the group-by / columns drawers."""

    def __init__(self, session):
        self.session = session
        on(by_id("search-form"), "submit", self._searched)
        on(by_id("search-input"), "search", self._cleared)  # the clear (×) button of a search field
        on(by_id("jump-form"), "submit", self._jumped)
        on(by_id("group-form"), "submit", self._grouped)
        on(by_id("group-add"), "click", self._add_aggregate)
        on(by_id("ungroup"), "click", self._ungrouped)
        on(by_id("chips"), "click", self._chip_clicked)
        on(by_id("columns-list"), "change", self._column_toggled)
        on(by_id("columns-all"), "click", self._show_all)
        self._aggregates = []  # rows of the aggregate form: (fn select, column select)
        self._keys = []  # group-by checkboxes: (checkbox, column name)

    def render(self, info, state) -> None:
        """Draw the tools for the active table (None: no table)."""
        show(by_id("view-tools"), info is not None)
        if info is None:
            clear(by_id("chips"))
            by_id("view-count").textContent = ""
            return
        search = by_id("search-input")
        if str(search.value) != state.get("search", ""):
            search.value = state.get("search", "")
        self._chips(info, state)
        self._group_form(info, state)
        self._columns(info, state)

    def counted(self, shown: int, total: int, exact: bool, grouped: bool) -> None:
        by_id("view-count").textContent = captions.count_caption(shown, total, exact, grouped)
        jump = by_id("jump-input")
        jump.max = str(max(shown, 1))

    # --- chips -------------------------------------------------------------

    def _chips(self, info, state) -> None:
        box = by_id("chips")
        clear(box)
        shown = chips.chips_of(state, info["columns"])
        for chip in shown:
            node = el("span", None, "chip")
            node.append(el("span", chip["label"], "chip-label"))
            node.append(
                el(
                    "button",
                    "×",
                    "chip-remove",
                    {
                        "type": "button",
                        "data-kind": chip["kind"],
                        "data-index": str(chip["index"]),
                        "aria-label": chips.removal_label(chip),
                    },
                )
            )
            box.append(node)
        if chips.clear_all_shown(shown):
            box.append(
                el("button", "Clear all", "button small", {"type": "button", "data-kind": "all", "data-index": "0"})
            )
        show(box, bool(shown))

    def _chip_clicked(self, event) -> None:
        button = event.target.closest("button[data-kind]")
        if not button:
            return
        kind = str(button.getAttribute("data-kind"))
        if chips.clears_search(kind):
            by_id("search-input").value = ""
        self.session.spawn(self.session.remove_chip(kind, int(button.getAttribute("data-index"))))

    # --- search and jump -----------------------------------------------------

    def _searched(self, event) -> None:
        event.preventDefault()
        text = str(by_id("search-input").value)
        if text.strip() != self.session.state().get("search", ""):
            self.session.spawn(self.session.search(text))

    def _cleared(self, event) -> None:
        # Enter fires "search" as well as "submit"; only the × (an empty box) is handled here.
        if not str(by_id("search-input").value) and self.session.state().get("search"):
            self.session.spawn(self.session.search(""))

    def _jumped(self, event) -> None:
        event.preventDefault()
        text = str(by_id("jump-input").value).strip()
        try:
            row = int(float(text))
        except ValueError:
            feedback.status("Type a row number to go to, for example 1000.")
            return
        self.session.jump(row - 1)

    # --- group by -------------------------------------------------------------

    def _group_form(self, info, state) -> None:
        group = state.get("group") or {"by": [], "aggs": []}
        keys = by_id("group-keys")
        clear(keys)
        self._keys = []
        for column in layout_columns.groupable(info["columns"]):
            label = el("label", None, "check")
            box = el("input", None, None, {"type": "checkbox", "value": column["name"]})
            box.checked = column["name"] in group["by"]
            self._keys.append((box, column["name"]))
            label.append(box)
            label.append(el("span", " " + column["name"]))
            keys.append(label)
        aggs = by_id("group-aggs")
        clear(aggs)
        self._aggregates = []
        for agg in group.get("aggs") or []:
            self._aggregate_row(info, agg)
        show(by_id("ungroup"), bool(state.get("group")))

    def _aggregate_row(self, info, agg) -> None:
        numeric = [c for c in info["columns"] if query.aggregates_for(c)]
        row = el("div", None, "agg-row")
        fn = el("select", None, None, {"aria-label": "Summary"})
        for key in query.AGGREGATES:
            option = el("option", _AGG_LABELS[key], None, {"value": key})
            fn.append(option)
        column = el("select", None, None, {"aria-label": "of column"})
        for candidate in numeric:
            column.append(el("option", candidate["name"], None, {"value": candidate["name"]}))
        if agg:
            fn.value = agg["fn"]
            column.value = agg["column"]
        row.append(fn)
        row.append(el("span", " of "))
        row.append(column)
        by_id("group-aggs").append(row)
        self._aggregates.append((fn, column))

    def _add_aggregate(self, event) -> None:
        info = self.session.active_info()
        if info is not None:
            self._aggregate_row(info, None)

    def _grouped(self, event) -> None:
        event.preventDefault()
        by = [name for box, name in self._keys if box.checked]
        if not by:
            feedback.status("Check at least one column to group by.")
            return
        aggs = [
            {"fn": str(fn.value), "column": str(column.value)} for fn, column in self._aggregates if str(column.value)
        ]
        by_id("group").open = False
        self.session.spawn(self.session.group(by, aggs))

    def _ungrouped(self, event) -> None:
        by_id("group").open = False
        self.session.spawn(self.session.group(None, None))

    # --- columns ----------------------------------------------------------------

    def _columns(self, info, state) -> None:
        box = by_id("columns-list")
        clear(box)
        hidden = state.get("hidden") or []
        for column in info["columns"]:
            label = el("label", None, "check")
            toggle = el("input", None, None, {"type": "checkbox", "value": column["name"]})
            toggle.checked = column["name"] not in hidden
            label.append(toggle)
            label.append(el("span", " " + column["name"]))
            box.append(label)
        by_id("columns-summary").textContent = captions.columns_summary(len(hidden))

    def _column_toggled(self, event) -> None:
        box = event.target
        self.session.spawn(self.session.hide(str(box.value), not bool(box.checked)))

    def _show_all(self, event) -> None:
        self.session.spawn(self.session.show_all_columns())
