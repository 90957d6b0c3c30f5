"""The side panel for one column: sort, filters that fit its type, its values with counts, and its profile.

Built from the column's kind: ranges for numbers and dates, a pick-list of
values with counts (facets) for everything that has values, contains and
regular expression for text, and empty / not empty for all.
"""

from app.core import captions, display, filters, types
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, clear, el, on, show

_INPUT_TYPES = {"integer": "number", "decimal": "number", "date": "date"}


class ColumnPanel:
    """``#side``: one column at a time; actions go to the session."""

    def __init__(self, session):
        self.session = session
        self.column = None
        on(by_id("side-close"), "click", self._close)

    def close(self) -> None:
        self.column = None
        show(by_id("side"), False)

    def _close(self, event) -> None:
        self.close()
        by_id("grid-wrap").focus()

    async def open(self, name: str) -> None:
        """Show the panel for column ``name`` of the active table."""
        session = self.session
        table = session.view["active"]
        info = session.tables[table]
        column = _find(info["columns"], name)
        if column is None:
            return
        self.column = name
        state = session.state()
        by_id("side-title").textContent = name
        body = by_id("side-body")
        clear(body)
        body.append(el("p", column["type"] + " · " + types.label_of(column["kind"]), "meta"))
        body.append(self._actions(column, state))
        body.append(self._filters(column, state))
        facets = el("section", None, "side-section", {"aria-label": "Values of " + name})
        profile_slot = el("section", None, "side-section", {"aria-label": "Profile of " + name})
        profile_slot.append(el("p", "Profiling…", "meta"))
        # Numbers and dates are understood from their distribution, text from its values.
        offered = filters.offered(column)
        first, second = (profile_slot, facets) if offered["range"] else (facets, profile_slot)
        body.append(first)
        body.append(second)
        show(by_id("side"), True)
        by_id("side-close").focus()
        explorer = session.explorer
        if offered["facets"]:
            facets.append(el("p", "Counting values…", "meta"))
            found = await explorer.facet(table, state, info["columns"], name)
            if self.column != name:
                return
            clear(facets)
            facets.append(self._facet_list(column, state, found))
        try:
            found = await explorer.profile(table, state, info["columns"], name)
        except Exception as failure:
            clear(profile_slot)
            profile_slot.append(el("p", "No profile: " + str(failure), "meta"))
            return
        if self.column != name:
            return
        clear(profile_slot)
        try:
            from app.ui.table import header_profiles

            profile_slot.append(header_profiles.panel(found, self._pick))
        except ImportError:
            profile_slot.append(el("p", display.thousands(found.get("count", 0)) + " values", "meta"))

    # --- parts -----------------------------------------------------------

    def _actions(self, column: dict, state: dict):
        name = column["name"]
        session = self.session
        box = el("div", None, "side-actions")
        for label, handler in (
            ("Sort ascending", lambda e: session.spawn(session.sort(name, "asc"))),
            ("Sort descending", lambda e: session.spawn(session.sort(name, "desc"))),
            ("Group by this", lambda e: session.spawn(session.group([name], []))),
            ("Hide column", lambda e: self._hide(name)),
            ("Move left", lambda e: session.spawn(session.move_by(name, -1))),
            ("Move right", lambda e: session.spawn(session.move_by(name, 1))),
        ):
            button = el("button", label, "button small", {"type": "button"})
            on(button, "click", handler)
            box.append(button)
        return box

    def _hide(self, name: str) -> None:
        self.close()
        self.session.spawn(self.session.hide(name, True))

    def _filters(self, column: dict, state: dict):
        name = column["name"]
        session = self.session
        section = el("section", None, "side-section", {"aria-label": "Filter " + name})
        section.append(el("h3", "Filter"))
        offered = filters.offered(column)
        if offered["range"]:
            low, high = filters.current_value(state, name, "range", [None, None])
            form = el("form", None, "range-form")
            kind = _INPUT_TYPES.get(column["kind"], "text")
            low_input = el(
                "input",
                None,
                None,
                {"type": kind, "aria-label": "Lowest " + name, "placeholder": "from", "step": "any"},
            )
            high_input = el(
                "input", None, None, {"type": kind, "aria-label": "Highest " + name, "placeholder": "to", "step": "any"}
            )
            low_input.value = "" if low is None else str(low)
            high_input.value = "" if high is None else str(high)
            form.append(low_input)
            form.append(el("span", "–", None, {"aria-hidden": "true"}))
            form.append(high_input)
            form.append(el("button", "Apply range", "button small", {"type": "submit"}))
            on(
                form,
                "submit",
                _submit(
                    lambda: session.spawn(
                        session.filter(
                            name,
                            "range",
                            [
                                filters.typed_bound(column, low_input.value),
                                filters.typed_bound(column, high_input.value),
                            ],
                        )
                    )
                ),
            )
            section.append(form)
        if offered["contains"]:
            form = el("form", None, "contains-form")
            text = el(
                "input",
                None,
                None,
                {"type": "search", "aria-label": "Text to find in " + name, "placeholder": "contains…"},
            )
            regex = el("input", None, None, {"type": "checkbox", "id": "side-regex"})
            label = el("label", None, "check")
            label.append(regex)
            label.append(el("span", " regular expression"))
            current = filters.current_value(state, name, "contains") or filters.current_value(state, name, "regex")
            text.value = current or ""
            form.append(text)
            form.append(label)
            form.append(el("button", "Find", "button small", {"type": "submit"}))
            on(form, "submit", _submit(lambda: self._contains(name, text.value, bool(regex.checked))))
            section.append(form)
        nulls = el("div", None, "side-actions")
        for label, op in (("Only empty (NULL)", "null"), ("Hide empty", "notnull")):
            button = el("button", label, "button small", {"type": "button"})
            on(button, "click", _op_handler(session, name, op))
            nulls.append(button)
        section.append(nulls)
        return section

    def _contains(self, name: str, text: str, regex: bool) -> None:
        if not text:
            feedback.status("Type some text to find first.")
            return
        self.session.spawn(self.session.filter(name, "regex" if regex else "contains", text))

    def _facet_list(self, column: dict, state: dict, found: dict):
        name = column["name"]
        chosen = filters.current_value(state, name, "in", [])
        form = el("form", None, "facets")
        form.append(el("h3", captions.facet_title(len(found["values"]), found["more"])))
        items = el("ul", None, "facet-list")
        boxes = []
        largest = max([count for value, count in found["values"]] or [1])
        for _index, pair in enumerate(found["values"]):
            value, count = pair
            item = el("li")
            label = el("label", None, "facet")
            box = el("input", None, None, {"type": "checkbox"})
            box.checked = value in chosen
            boxes.append((box, value))
            label.append(box)
            label.append(el("span", display.cell_text(value), "facet-value null" if value is None else "facet-value"))
            label.append(el("span", display.thousands(count), "facet-count"))
            bar = el("span", None, "facet-bar", {"aria-hidden": "true"})
            bar.style.width = str(int(100 * count / max(largest, 1))) + "%"
            label.append(bar)
            item.append(label)
            items.append(item)
        form.append(items)
        form.append(el("button", "Show only the checked values", "button small", {"type": "submit"}))

        def apply():
            values = [value for box, value in boxes if box.checked]
            if values:
                self.session.spawn(self.session.filter(name, "in", values))
            else:
                feedback.status("Check one or more values first.")

        on(form, "submit", _submit(apply))
        return form

    def _pick(self, column: str, value) -> None:
        """A value clicked in the profile: filter to it."""
        if value is None:
            self.session.spawn(self.session.filter(column, "null", None))
        else:
            self.session.spawn(self.session.filter(column, "in", [value]))


def _find(columns: list, name: str):
    for column in columns:
        if column["name"] == name:
            return column
    return None


def _submit(action):
    def handler(event):
        event.preventDefault()
        action()

    return handler


def _op_handler(session, name, op):
    def handler(event):
        session.spawn(session.filter(name, op, None))

    return handler
