"""The SQL panel's "Save result as…" drawer: the last query's rows kept as a named table or view.

Saving is a step of the view's log: a table is a ``rename`` of the panel's
result table, a view a ``sql`` entry (the ``CREATE VIEW`` that ran).
"""

from app.core import errors, statements
from app.ui.shell.dom import el, on, show


class Save:
    """The ``#sql-save`` drawer of ``panel`` (an app.ui.panels.sql_panel.SqlPanel)."""

    def __init__(self, panel, button):
        self.panel = panel
        drawer = el("details", None, "drawer sql-save", {"id": "sql-save"})
        drawer.append(el("summary", "Save result as…"))
        form = el("form", None, "drawer-form sql-save-form", {"id": "sql-save-form", "novalidate": ""})
        label = el("label", "Name ", None, {"for": "sql-save-name"})
        self.name = el(
            "input",
            None,
            None,
            {
                "id": "sql-save-name",
                "type": "text",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "rainy_days",
                "aria-describedby": "sql-save-error sql-save-note",
            },
        )
        form.append(label)
        form.append(self.name)
        kinds = el("fieldset", None, "sql-save-kind")
        kinds.append(el("legend", "Save as", "visually-hidden"))
        for value, text in (("table", "table"), ("view", "view")):
            choice = el("label", None, "check")
            radio = el("input", None, None, {"type": "radio", "name": "sql-save-kind", "value": value})
            radio.checked = value == "table"
            choice.append(radio)
            choice.append(el("span", " " + text))
            kinds.append(choice)
        form.append(kinds)
        form.append(button("Save", "button", {"type": "submit"}))
        self.error = el("p", None, "sql-save-error", {"id": "sql-save-error", "role": "alert"})
        self.error.hidden = True
        form.append(self.error)
        form.append(
            el(
                "p",
                "A table keeps these rows as they are; a view runs the query again whenever it is read, "
                "and is used from SQL (it gets no tab).",
                "sql-save-note",
                {"id": "sql-save-note"},
            )
        )
        on(form, "submit", self._submitted)
        drawer.append(form)
        self.drawer = drawer
        self.form = form

    def _submitted(self, event) -> None:
        event.preventDefault()
        checked = self.form.querySelector("input[name='sql-save-kind']:checked")
        kind = str(checked.value) if checked else "table"
        self.panel.session.spawn(self.save(str(self.name.value).strip(), kind))

    async def save(self, name: str, kind: str) -> None:
        """Keep the last result as table ``name`` (its tab is renamed) or as view ``name``."""
        panel = self.panel
        session = panel.session
        taken = await panel.catalog()
        if panel.result_sql is None or panel.result_table not in taken:
            problem = "Run a query first: its result is what gets saved."
        else:
            problem = statements.check_name(name, taken)
        if problem:
            self._field_error(problem)
            return
        self._field_error(None)
        try:
            if kind == "view":
                made = statements.stored(name, panel.result_sql, "VIEW", replace=False)[0]
                await session.apply_entry({"op": "sql", "statement": made, "made": [], "dropped": []})
                message = (
                    "Saved as view "
                    + name
                    + ". Views get no tab; use it in SQL, for example SELECT * FROM "
                    + name
                    + "."
                )
            else:
                await session.apply_entry({"op": "rename", "table": panel.result_table, "to": name})
                panel.result_table = None
                message = "Saved as table " + name + "."
        except errors.QueryError as failure:
            self._field_error(statements.error_summary(str(failure)))
            return
        self.name.value = ""
        self.drawer.open = False
        panel.say(message)
        await panel.refresh_schema()

    def _field_error(self, message) -> None:
        self.error.textContent = message or ""
        show(self.error, bool(message))
        if message:
            self.name.setAttribute("aria-invalid", "true")
            self.name.focus()
        else:
            self.name.removeAttribute("aria-invalid")
