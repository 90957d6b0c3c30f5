"""The SQL panel: the editor, Run, Run all, Cancel, History and Save result as….

A run takes the selection, else the statement at the cursor, or (Run all)
the whole text; it runs each statement in turn through the engine's gate,
cancellably. The rows of the last query are stored as the table
``query_result`` — replaced by the next run — and shown in the grid like
any table: sortable, filterable, exportable. Tables the SQL creates get tabs
of their own. A failed statement is named in the panel and underlined in the
editor, and the grid stays as it was.

The editor itself is assets/js/editor.mjs (CodeMirror, loaded on first use);
the SQL text handling is app.core.statements, the history app.core.history.
"""

import json

from pyscript import window
from pyscript.ffi import create_proxy

from app.core import errors, fmt, history, naming, sql, statements, view
from app.ui.dom import by_id, clear, count_up, el, on, show

RESULT_TABLE = "query_result"
EMPTY = (
    "There is no SQL statement to run: the editor holds only spaces or comments. "
    "Write one, for example SELECT 42, then press {key}."
)


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
        self.history = _stored_history()
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
        on(self.cancel_button, "click", self._cancel)
        for node in (
            self.run_button,
            self.run_all_button,
            self.cancel_button,
            self._history_drawer(),
            self._save_drawer(),
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

    def _history_drawer(self):
        drawer = el("details", None, "drawer sql-history", {"id": "sql-history"})
        self.history_summary = el("summary", "History")
        drawer.append(self.history_summary)
        body = el("div", None, "sql-history-body")
        self.history_list = el("ol", None, "sql-history-list", {"aria-label": "Recent queries, newest first"})
        on(self.history_list, "click", self._history_picked)
        body.append(self.history_list)
        forget = _button("Clear history", "button small", {"id": "sql-history-clear"})
        on(forget, "click", self._history_cleared)
        body.append(forget)
        drawer.append(body)
        self.history_drawer = drawer
        self._render_history()
        return drawer

    def _save_drawer(self):
        drawer = el("details", None, "drawer sql-save", {"id": "sql-save"})
        drawer.append(el("summary", "Save result as…"))
        form = el("form", None, "drawer-form sql-save-form", {"id": "sql-save-form", "novalidate": ""})
        label = el("label", "Name ", None, {"for": "sql-save-name"})
        self.save_name = el(
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
        form.append(self.save_name)
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
        form.append(_button("Save", "button", {"type": "submit"}))
        self.save_error = el("p", None, "sql-save-error", {"id": "sql-save-error", "role": "alert"})
        self.save_error.hidden = True
        form.append(self.save_error)
        form.append(
            el(
                "p",
                "A table keeps these rows as they are; a view runs the query again whenever it is read, "
                "and is used from SQL (it gets no tab).",
                "sql-save-note",
                {"id": "sql-save-note"},
            )
        )
        on(form, "submit", self._save_submitted)
        drawer.append(form)
        self.save_drawer = drawer
        return drawer

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

    async def _opened(self, focus: bool = True) -> None:
        editor = window.loupeEditor
        await self._refresh_schema()  # first, so completion knows the tables from the first key
        if not editor.mounted():
            self._say("Loading the editor…")
            options = window.Object.new()
            options.onRun = create_proxy(self._run_asked)
            options.text = self.session.view.get("sql") or ""
            options.placeholder = "SELECT * FROM " + (self.session.view["active"] or "table") + " LIMIT 10"
            options.label = "SQL query"
            options.describedBy = "sql-help"
            try:
                await editor.mount(self.editor_box, options)
            except Exception as failure:
                self._fail("The SQL editor could not load (" + str(failure) + "). Reload the page to try again.")
                return
            self._say("")
        if focus:
            editor.focus()

    # --- running -------------------------------------------------------------------

    def _run_asked(self, text, start, end, run_all) -> None:
        """The editor's onRun: the whole text, the selection (code points) and whether to run all."""
        self.session.spawn(self.run(str(text), int(start), int(end), bool(run_all)))

    async def run(self, text: str, start: int = 0, end: int = 0, run_all: bool = False) -> None:
        """Run the selection, else the statement at ``start``, or with ``run_all`` every statement."""
        try:
            await self._run(text, start, end, run_all)
        finally:
            # Runs finished so far, ok or not, on the panel (tests and embedders wait on it).
            count_up(self.root, "data-runs")

    async def _run(self, text: str, start: int, end: int, run_all: bool) -> None:
        if self.running:
            self._say("A query is still running: wait for it, or press Cancel.")
            return
        pieces, chosen = _pieces(text, start, end, run_all)
        self.session.view = view.with_sql(self.session.view, text)
        self.session.publish_view()
        self._clear()
        if not pieces:
            self._fail(EMPTY.replace("{key}", self.key))
            return
        self._remember(chosen)
        self._busy(True)
        started = float(window.performance.now())
        try:
            done = await self._run_pieces(text, pieces)
        finally:
            self._busy(False)
        if done:
            self._say(done + " · " + _duration(float(window.performance.now()) - started))

    async def _run_pieces(self, text: str, pieces: list):
        """Run ``pieces`` in order; return what to say, or None when one failed (and that was said)."""
        session = self.session
        engine = session.engine
        last = -1  # the query whose rows are kept
        for index, (statement, _) in enumerate(pieces):
            if statements.result_kind(statement) in ("table", "wrapped"):
                last = index
        result = await self._result_name() if last >= 0 else None
        before = session.view["active"]
        changed = stored = False
        failure = None
        output = ""
        engine.glue.beginLoad()  # a Cancel stays in force until this
        self.cancelled = False
        for index, (statement, offset) in enumerate(pieces):
            kind = statements.result_kind(statement)
            if index == last:
                run_sql = statements.stored(result, statement)[0]
            elif kind in ("table", "wrapped"):
                run_sql = statements.counted(statement)[0]
            else:
                run_sql = statement
                changed = True
            try:
                answer = await engine.execute_cancellable(run_sql, [])
            except errors.QueryError as error:
                failure = (str(error), statement, offset, run_sql, index)
                break
            stored = stored or index == last
            if kind == "text":
                output = statements.output_text(answer)
        self.output.textContent = output
        show(self.output, bool(output))
        if changed:  # a failed run changes no view: the table shown before stays
            await self._sync_tables(text, result, before if failure and not stored else None)
        if stored:
            self.result_table, self.result_sql = result, pieces[last][0]
            info = await session.adopt(result, self.result_sql)
        await self._refresh_schema()
        if failure:
            self._failed(text, *failure)
            return None
        count = "" if len(pieces) == 1 else " · " + str(len(pieces)) + " statements"
        if stored:
            return result + ": " + _rows(info["rows"]) + count
        return "1 statement ran" if len(pieces) == 1 else str(len(pieces)) + " statements ran"

    async def _result_name(self) -> str:
        """``query_result``, unless a table of that name is not this panel's (then ``query_result_2``...)."""
        taken = await self._catalog()
        if self.result_table is not None and self.result_table in taken:
            return self.result_table
        return naming.table_name_for(RESULT_TABLE, taken)

    async def _catalog(self) -> list:
        """The names of the tables and views a person made."""
        return [row[0] for row in (await self.session.engine.execute(*statements.catalog_names()))["rows"]]

    async def _sync_tables(self, text: str, result, active) -> None:
        """After SQL that may have made, changed or dropped tables: tabs for new tables, none for dropped ones.

        ``active``: the table to show again afterwards (None: the last new table stays in view).
        """
        session = self.session
        await session._refresh_tables()
        listed = (await session.engine.execute(*sql.list_tables()))["rows"]
        for row in listed:
            name = row[0]
            if name not in session.tables and name != result and not name.lower().startswith("loupe_"):
                await session.adopt(name, text)
        if active is not None and active in session.tables and session.view["active"] != active:
            await session.show_table(active)

    def _failed(self, text: str, message: str, statement: str, offset: int, run_sql: str, index: int) -> None:
        if self.cancelled:
            ran = " The statements before it had run." if index else ""
            self._say("Cancelled: the query was stopped and the grid is as it was." + ran)
            return
        at = statements.error_in(run_sql, statement, message)
        if at is None:
            start, end = offset, offset + len(statement)
        else:
            start, end = offset + at, offset + statements.word_end(statement, at)
        line, column = statements.line_column(text, start)
        summary = statements.error_summary(message)
        where = (
            "Line " + str(line) + ", column " + str(column) + ": "
            if at is not None
            else ("The statement at line " + str(line) + " failed: ")
        )
        before = (
            " (the " + ("statement" if index == 1 else str(index) + " statements") + " before it ran)" if index else ""
        )
        self._fail(where + summary + before)
        window.loupeEditor.showError(start, end, summary)

    def _cancel(self, event) -> None:
        self.cancelled = True
        self._say("Cancelling…")
        self.session.engine.glue.cancel()

    def _busy(self, running: bool) -> None:
        self.running = running
        show(self.cancel_button, running)
        self.root.setAttribute("aria-busy", "true" if running else "false")
        if running:
            self._say("Running…")
            return
        if str(window.document.activeElement.id or "") == "sql-cancel":
            window.loupeEditor.focus()  # the Cancel button is going away; keep the focus somewhere useful

    # --- messages ----------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.textContent = text

    def _fail(self, message: str) -> None:
        self.failure = message
        self.error_box.textContent = message
        show(self.error_box, True)
        self._say("")

    def _clear(self) -> None:
        self.failure = None
        show(self.error_box, False)
        self.error_box.textContent = ""
        if window.loupeEditor.mounted():
            window.loupeEditor.clearError()

    # --- autocomplete ------------------------------------------------------------

    def _view_changed(self, event) -> None:
        if window.loupeEditor.mounted() and _tables_key(self.session) != self.schema_key:
            self.session.spawn(self._refresh_schema())

    async def _refresh_schema(self) -> None:
        """Tell the editor the tables, views, columns and functions there are to complete.

        Not background work: a person is typing and waits for it (it takes a few milliseconds).
        """
        engine = self.session.engine
        self.schema_key = _tables_key(self.session)
        if self.functions is None:
            self.functions = [row[0] for row in (await engine.execute(*statements.function_names()))["rows"]]
        rows = (await engine.execute(*statements.completion_columns()))["rows"]
        window.loupeEditor.setSchema(json.dumps(statements.completion_schema(rows, self.functions)))

    # --- history -----------------------------------------------------------------

    def _remember(self, text: str) -> None:
        self.history = history.added(self.history, text)
        try:
            window.localStorage.setItem(history.KEY, history.dumps(self.history))
        except Exception:
            pass  # storage full or disabled: the history lasts until the page closes
        self._render_history()

    def _render_history(self) -> None:
        clear(self.history_list)
        for index, text in enumerate(self.history):
            item = el("li")
            item.append(_button(history.label(text), "sql-history-item", {"data-index": str(index), "title": text}))
            self.history_list.append(item)
        if not self.history:
            self.history_list.append(el("li", "Queries you run appear here.", "sql-history-empty"))
        self.history_summary.textContent = "History (" + str(len(self.history)) + ")" if self.history else "History"

    def _history_picked(self, event) -> None:
        button = event.target.closest("button[data-index]")
        if not button:
            return
        window.loupeEditor.setText(self.history[int(button.getAttribute("data-index"))])
        self.history_drawer.open = False
        window.loupeEditor.focus()

    def _history_cleared(self, event) -> None:
        self.history = []
        try:
            window.localStorage.removeItem(history.KEY)
        except Exception:
            pass
        self._render_history()

    # --- save as -----------------------------------------------------------------

    def _save_submitted(self, event) -> None:
        event.preventDefault()
        self.session.spawn(self.save(str(self.save_name.value).strip(), self._save_kind()))

    def _save_kind(self) -> str:
        checked = self.root.querySelector("input[name='sql-save-kind']:checked")
        return str(checked.value) if checked else "table"

    async def save(self, name: str, kind: str) -> None:
        """Keep the last result as table ``name`` (its tab is renamed) or as view ``name``."""
        taken = await self._catalog()
        if self.result_sql is None or self.result_table not in taken:
            problem = "Run a query first: its result is what gets saved."
        else:
            problem = statements.check_name(name, taken)
        if problem:
            self._field_error(problem)
            return
        self._field_error(None)
        session = self.session
        try:
            if kind == "view":
                await session.engine.execute(*statements.stored(name, self.result_sql, "VIEW", replace=False))
                message = (
                    "Saved as view "
                    + name
                    + ". Views get no tab; use it in SQL, for example SELECT * FROM "
                    + name
                    + "."
                )
            else:
                await session.query(sql.rename_table(self.result_table, name)[0])
                await session.adopt(name, self.result_sql)
                self.result_table = None
                message = "Saved as table " + name + "."
        except errors.QueryError as failure:
            self._field_error(statements.error_summary(str(failure)))
            return
        self.save_name.value = ""
        self.save_drawer.open = False
        self._say(message)
        await self._refresh_schema()

    def _field_error(self, message) -> None:
        self.save_error.textContent = message or ""
        show(self.save_error, bool(message))
        if message:
            self.save_name.setAttribute("aria-invalid", "true")
            self.save_name.focus()
        else:
            self.save_name.removeAttribute("aria-invalid")


def _pieces(text: str, start: int, end: int, run_all: bool) -> tuple:
    """``([(statement, offset in text)], the text chosen)`` for a run."""
    if run_all:
        return statements.split(text), text
    if start != end:
        low, high = min(start, end), max(start, end)
        chosen = text[low:high]
        return [(statement, low + offset) for statement, offset in statements.split(chosen)], chosen
    statement, offset = statements.statement_at(text, start)
    return ([(statement, offset)] if statement else []), statement


def _stored_history() -> list:
    try:
        stored = window.localStorage.getItem(history.KEY)
    except Exception:  # storage disabled (private mode, policy): start empty
        return []
    return history.loads(None if stored is None else str(stored))


def _tables_key(session) -> str:
    return json.dumps([[name, [c["name"] for c in session.tables[name]["columns"]]] for name in sorted(session.tables)])


def _button(text: str, cls: str, attrs=None):
    attributes = {"type": "button"}
    for name in attrs or {}:
        attributes[name] = attrs[name]
    return el("button", text, cls, attributes)


def _rows(n: int) -> str:
    return fmt.thousands(n) + (" row" if n == 1 else " rows")


def _duration(ms: float) -> str:
    if ms < 1000:
        return str(int(ms + 0.5)) + " ms"
    seconds = ms / 1000
    return (str(int(seconds * 10 + 0.5) / 10) if seconds < 60 else str(int(seconds + 0.5))) + " s"
