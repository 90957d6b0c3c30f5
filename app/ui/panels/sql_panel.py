"""The SQL panel: the editor, Run, Run all, Cancel, History and Save result as….

A run (app/ui/panels/sql_run.py) takes the selection, else the statement at the
cursor, or (Run all) the whole text, and runs each statement in turn,
cancellably. The rows of the last query are stored as the table
``query_result`` — replaced by the next run — and shown in the grid like
any table: sortable, filterable, exportable. Tables the SQL creates get tabs
of their own. A failed statement is named in the panel and underlined in the
editor, and the grid stays as it was.

The editor itself is assets/js/editor.mjs (CodeMirror, loaded on first use);
the SQL text handling is app.core.statements, running a script
app.core.scripts, the history app/ui/panels/sql_history.py, saving app/ui/panels/sql_save.py.
"""

import json

from pyscript import window
from pyscript.ffi import create_proxy

from app.core import statements, view
from app.ui.panels import sql_run
from app.ui.panels.sql_history import History
from app.ui.panels.sql_save import Save
from app.ui.shell.dom import by_id, clear, el, on, show


def wire(session):
    """Give the SQL toggle its panel; the editor loads when the panel first opens."""
    return SqlPanel(session)


class SqlPanel:
    """The panel under the toolbar (``#sql-panel``) and everything a run does."""

    def __init__(self, session):
        self.session = session
        self.root = by_id("sql-panel")
        self.toggle_button = by_id("sql-toggle")
        self.running = False
        self.cancelled = False
        self.result_table = None  # the table this panel keeps the last query's rows in
        self.result_sql = None  # the query those rows came from (for Save as)
        self.functions = None  # DuckDB's function names, asked for once
        self.failure = None  # the last run's error message (None when it ran)
        self.schema_key = None  # the tables and columns the editor last completed
        self.history = History(_button)
        self.saving = Save(self, _button)
        self.key = "⌘+Enter" if "Mac" in str(window.navigator.platform) else "Ctrl+Enter"
        self._build()
        on(self.toggle_button, "click", self._toggled)
        on(
            window.document.defaultView, "loupe:view", self._view_changed
        )  # addEventListener needs the real Window as this

    # --- the panel ---------------------------------------------------------------

    def _build(self) -> None:
        root = self.root
        clear(root)
        self.editor_box = el("div", None, "sql-editor", {"id": "sql-editor"})
        root.append(self.editor_box)
        root.append(
            el(
                "p",
                self.key
                + " runs the statement at the cursor, or the selection; Shift+"
                + self.key
                + " runs everything. Esc then Tab leaves the editor.",
                "sql-help",
                {"id": "sql-help"},
            )
        )
        actions = el("div", None, "sql-actions")
        self.run_button = _button("Run", "button primary", {"id": "sql-run"})
        self.run_button.append(el("kbd", self.key))
        self.run_all_button = _button("Run all", "button", {"id": "sql-run-all"})
        self.cancel_button = _button("Cancel", "button", {"id": "sql-cancel"})
        self.cancel_button.hidden = True
        on(self.run_button, "click", lambda event: window.loupeEditor.run(False))
        on(self.run_all_button, "click", lambda event: window.loupeEditor.run(True))
        on(self.cancel_button, "click", lambda event: sql_run.cancel(self))
        for node in (
            self.run_button,
            self.run_all_button,
            self.cancel_button,
            self.history.drawer,
            self.saving.drawer,
        ):
            actions.append(node)
        self.status = el("span", None, "sql-status", {"id": "sql-status", "role": "status", "aria-live": "polite"})
        actions.append(self.status)
        root.append(actions)
        self.error_box = el("div", None, "notice error sql-error", {"id": "sql-error", "role": "alert"})
        self.error_box.hidden = True
        root.append(self.error_box)
        self.output = el(
            "pre",
            None,
            "sql-output",
            {"id": "sql-output", "role": "region", "tabindex": "0", "aria-label": "Output of the last statement"},
        )
        self.output.hidden = True
        root.append(self.output)

    def _toggled(self, event) -> None:
        self.set_open(bool(self.root.hidden))

    def set_open(self, opening: bool, focus: bool = True) -> None:
        """Open or close the panel; the view state records it (share links reopen it)."""
        show(self.root, opening)
        self.toggle_button.setAttribute("aria-expanded", "true" if opening else "false")
        if view.panel_open(self.session.view, "sql") != opening:
            self.session.view = view.with_panel(self.session.view, "sql", opening)
            self.session.publish_view()
        if opening:
            self.session.spawn(self._opened(focus))

    def show_text(self, text: str) -> None:
        """Put ``text`` in the editor (a shared view's or the address's SQL)."""
        self.session.view = view.with_sql(self.session.view, text)
        if window.loupeEditor.mounted():
            window.loupeEditor.setText(text)

    def keep_text(self, text: str) -> None:
        """Record the editor's ``text`` in the view state (shown again by a link, never run by it)."""
        self.session.view = view.with_sql(self.session.view, text)
        self.session.publish_view()

    async def _opened(self, focus: bool = True) -> None:
        editor = window.loupeEditor
        await self.refresh_schema()  # first, so completion knows the tables from the first key
        if not editor.mounted():
            self.say("Loading the editor…")
            options = window.Object.new()
            options.onRun = create_proxy(self._run_asked)
            options.text = self.session.view.get("sql") or ""
            options.placeholder = "SELECT * FROM " + (self.session.view["active"] or "table") + " LIMIT 10"
            options.label = "SQL query"
            options.describedBy = "sql-help"
            try:
                await editor.mount(self.editor_box, options)
            except Exception as failure:
                self.fail("The SQL editor could not load (" + str(failure) + "). Reload the page to try again.")
                return
            self.say("")
        if focus:
            editor.focus()

    # --- running -------------------------------------------------------------------

    def _run_asked(self, text, start, end, run_all) -> None:
        """The editor's onRun: the whole text, the selection (code points) and whether to run all."""
        self.session.spawn(self.run(str(text), int(start), int(end), bool(run_all)))

    async def run(self, text: str, start: int = 0, end: int = 0, run_all: bool = False) -> None:
        """Run the selection, else the statement at ``start``, or with ``run_all`` every statement."""
        await sql_run.run(self, text, start, end, run_all)

    async def catalog(self) -> list:
        """The names of the tables and views a person made."""
        return [row[0] for row in (await self.session.engine.execute(*statements.catalog_names()))["rows"]]

    async def save(self, name: str, kind: str) -> None:
        """Keep the last result as table ``name`` (its tab is renamed) or as view ``name``."""
        await self.saving.save(name, kind)

    # --- messages ----------------------------------------------------------------

    def say(self, text: str) -> None:
        self.status.textContent = text

    def fail(self, message: str) -> None:
        self.failure = message
        self.error_box.textContent = message
        show(self.error_box, True)
        self.say("")

    def clear(self) -> None:
        self.failure = None
        show(self.error_box, False)
        self.error_box.textContent = ""
        if window.loupeEditor.mounted():
            window.loupeEditor.clearError()

    # --- autocomplete ------------------------------------------------------------

    def _view_changed(self, event) -> None:
        if window.loupeEditor.mounted() and _tables_key(self.session) != self.schema_key:
            self.session.spawn(self.refresh_schema())

    async def refresh_schema(self) -> None:
        """Tell the editor the tables, views, columns and functions there are to complete.

        Not background work: a person is typing and waits for it (it takes a few milliseconds).
        """
        engine = self.session.engine
        self.schema_key = _tables_key(self.session)
        if self.functions is None:
            self.functions = [row[0] for row in (await engine.execute(*statements.function_names()))["rows"]]
        rows = (await engine.execute(*statements.completion_columns()))["rows"]
        window.loupeEditor.setSchema(json.dumps(statements.completion_schema(rows, self.functions)))


def _tables_key(session) -> str:
    return json.dumps([[name, [c["name"] for c in session.tables[name]["columns"]]] for name in sorted(session.tables)])


def _button(text: str, cls: str, attrs=None):
    attributes = {"type": "button"}
    for name in attrs or {}:
        attributes[name] = attrs[name]
    return el("button", text, cls, attributes)
