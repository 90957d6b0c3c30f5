"""The SQL editor as a person uses it: type, run, read errors, cancel, reuse history, save results.

Every result on screen is checked against native DuckDB on the same sample file.
"""

import duckdb
import pytest
from helpers import ROOT, axe_violations, counter, open_app, wait_counter

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"


def weather(sql: str) -> list:
    con = duckdb.connect()
    con.execute("CREATE TABLE seattle_weather AS SELECT * FROM read_csv(?)", [str(SAMPLE)])
    return con.execute(sql).fetchall()


def runs(app) -> int:
    return int(app.evaluate("Number(document.getElementById('sql-panel').dataset.runs || 0)"))


def open_sql(app) -> None:
    app.click("#sql-toggle")
    app.locator("#sql-panel .cm-content").wait_for()
    app.wait_for_function("document.activeElement.classList.contains('cm-content')")


def type_sql(app, text: str, paste: bool = False) -> None:
    """Replace the editor's text by typing ``text`` (or pasting it, when brackets must stay unclosed).

    Escape before each new line closes the completion list, which would take the Enter.
    """
    editor = app.locator("#sql-panel .cm-content")
    editor.click()
    app.keyboard.press("Control+a")
    app.keyboard.press("Delete")
    if paste:
        app.keyboard.insert_text(text)
        return
    for i, line in enumerate(text.split("\n")):
        if i:
            app.keyboard.press("Escape")
            app.keyboard.press("Enter")
            app.keyboard.press("Shift+Tab")  # undo the automatic indent: the text is typed as given
        app.keyboard.type(line)
    app.keyboard.press("Escape")


def editor_text(app) -> str:
    return app.evaluate("loupeEditor.getText()")


def run(app, keys: str = "Control+Enter", click: str = "") -> None:
    """Run (by ``keys`` in the editor, or by clicking ``click``) and wait until the run is over."""
    before = runs(app)
    if click:
        app.click(click)
    else:
        app.locator("#sql-panel .cm-content").press(keys)
    app.wait_for_function(f"Number(document.getElementById('sql-panel').dataset.runs || 0) > {before}")


def grid_column(app, index: int) -> list:
    rows = app.locator("#grid tbody tr[data-row]:not(.waiting):not([hidden])")
    return [rows.nth(i).locator("td").nth(index).inner_text() for i in range(rows.count())]


def tabs(app) -> list:
    return app.locator("#tables .tab-name").all_inner_texts()


def test_the_editor_loads_only_when_the_panel_opens(app):
    loaded = "performance.getEntriesByType('resource').some((e) => e.name.includes('codemirror'))"
    assert app.evaluate(loaded) is False
    assert app.get_attribute("#sql-toggle", "aria-expanded") == "false"
    open_sql(app)
    assert app.evaluate(loaded) is True
    assert app.get_attribute("#sql-toggle", "aria-expanded") == "true"
    assert app.locator("#sql-panel .cm-content").get_attribute("aria-label") == "SQL query"
    app.click("#sql-toggle")
    assert app.locator("#sql-panel").is_hidden()
    assert app.get_attribute("#sql-toggle", "aria-expanded") == "false"


def test_ctrl_enter_runs_a_query_and_its_rows_fill_the_grid_sortable_and_filterable(app):
    open_sql(app)
    type_sql(
        app,
        "SELECT weather, count(*) AS n, round(avg(temp_max), 2) AS warmth\n"
        "FROM seattle_weather GROUP BY weather ORDER BY n DESC",
    )
    app.locator(".cm-content .sql-tok-keyword").first.wait_for()  # highlighted as SQL
    run(app)
    want = weather(
        "SELECT weather, count(*) AS n, round(avg(temp_max), 2) FROM seattle_weather GROUP BY weather ORDER BY n DESC"
    )
    assert tabs(app) == ["seattle_weather", "query_result"]
    assert app.locator("#table-title").inner_text() == "query_result"
    assert grid_column(app, 0) == [w for w, _, _ in want]
    assert grid_column(app, 1) == [str(n) for _, n, _ in want]
    assert app.locator("#sql-status").inner_text().startswith("query_result: 5 rows · ")
    assert app.evaluate("loupe.tables().map((t) => t.table)") == ["seattle_weather", "query_result"]
    assert app.evaluate("loupe.view().sql").startswith("SELECT weather, count(*)")
    # The result is a table like any other: sort by a header, then search.
    app.locator("#grid thead th[data-col='2'] .colhead").click()
    app.wait_for_function('JSON.stringify(loupe.view().tables.query_result.sort) === \'[["warmth","asc"]]\'')
    app.wait_for_function(
        f"document.querySelector('#grid tbody tr[data-row] td').textContent === "
        f"'{sorted(want, key=lambda r: r[2])[0][0]}'"
    )
    app.fill("#search-input", "r")
    app.press("#search-input", "Enter")
    app.wait_for_function("document.getElementById('view-count').textContent === 'Showing 2 of 5 rows'")
    assert sorted(grid_column(app, 0)) == ["drizzle", "rain"]


def test_the_statement_at_the_cursor_or_the_selection_runs(app):
    open_sql(app)
    type_sql(app, "SELECT 1 AS first;\nSELECT 'second' AS second, 2 AS two;")
    run(app)  # the cursor is in the second statement
    assert app.locator("#grid thead .colname").all_inner_texts() == ["second", "two"]
    app.keyboard.press("Control+Home")
    run(app)
    assert app.locator("#grid thead .colname").all_inner_texts() == ["first"]
    # A selection runs alone, even when it is only part of a statement.
    type_sql(app, "SELECT 40 + 2 AS answer, 'ignored' AS rest")
    app.keyboard.press("Home")
    app.keyboard.down("Shift")
    for _ in range(len("SELECT 40 + 2 AS answer")):
        app.keyboard.press("ArrowRight")
    app.keyboard.up("Shift")
    run(app)
    assert app.locator("#grid thead .colname").all_inner_texts() == ["answer"]
    assert grid_column(app, 0) == ["42"]
    assert tabs(app) == ["seattle_weather", "query_result"]  # one result tab, replaced by each run


def test_run_all_creates_tables_then_shows_the_last_query(app):
    open_sql(app)
    type_sql(
        app,
        "CREATE TABLE rainy AS SELECT * FROM seattle_weather WHERE weather = 'rain';\n"
        "DESCRIBE rainy;\n"
        "SELECT strftime(date, '%Y') AS year, count(*) AS days FROM rainy GROUP BY year ORDER BY year;",
    )
    run(app, click="#sql-run-all")
    assert tabs(app) == ["seattle_weather", "rainy", "query_result"]
    want = weather(
        "SELECT strftime(date, '%Y'), count(*) FROM seattle_weather WHERE weather = 'rain' GROUP BY 1 ORDER BY 1"
    )
    assert grid_column(app, 0) == [y for y, _ in want] and grid_column(app, 1) == [str(n) for _, n in want]
    assert "3 statements" in app.locator("#sql-status").inner_text()
    assert app.evaluate("loupe.tables().find((t) => t.table === 'rainy').rows") == 641
    # Shift+Ctrl+Enter runs everything too; dropping a table closes its tab.
    type_sql(app, "DROP TABLE rainy;\nSUMMARIZE seattle_weather;")
    run(app, keys="Shift+Control+Enter")
    assert tabs(app) == ["seattle_weather", "query_result"]
    assert grid_column(app, 0) == ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]


def test_completion_offers_tables_columns_and_functions(app):
    open_sql(app)
    type_sql(app, "SELECT temp_m")
    app.keyboard.press("Control+Space")
    options = app.locator(".cm-tooltip-autocomplete .cm-completionLabel")
    options.first.wait_for()
    assert {"temp_max", "temp_min"} <= set(options.all_inner_texts())
    app.keyboard.press("Escape")
    type_sql(app, "SELECT w.precipitation, strft")
    app.keyboard.press("Control+Space")
    app.locator(".cm-tooltip-autocomplete li", has_text="strftime").first.wait_for()
    app.keyboard.press("Escape")
    type_sql(app, "SELECT * FROM seattle_weather AS w WHERE w.")
    app.keyboard.press("Control+Space")
    app.locator(".cm-tooltip-autocomplete li").first.wait_for()
    assert options.all_inner_texts() == ["date", "precipitation", "temp_max", "temp_min", "weather", "wind"]
    app.keyboard.type("wi")
    app.locator(".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel", has_text="wind").wait_for()
    app.wait_for_timeout(150)  # past CodeMirror's 75 ms: Enter right after the list updates is not a pick
    app.keyboard.press("Enter")
    assert editor_text(app) == "SELECT * FROM seattle_weather AS w WHERE w.wind"
    type_sql(app, "SELECT * FROM seattle_w")
    app.keyboard.press("Control+Space")
    app.locator(".cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel", has_text="seattle_weather").wait_for()
    app.wait_for_timeout(150)  # CodeMirror ignores Enter for 75 ms after the list opens (no accidental picks)
    app.keyboard.press("Enter")
    assert editor_text(app) == "SELECT * FROM seattle_weather"


def test_an_error_is_explained_and_marked_where_it_is_and_nothing_else_changes(app):
    open_sql(app)
    before = app.evaluate("JSON.stringify(loupe.view().tables)")
    type_sql(app, "SELECT date,\n  nope, weather\nFROM seattle_weather")
    run(app)
    alert = app.locator("#sql-error")
    assert alert.is_visible() and alert.get_attribute("role") == "alert"
    text = alert.inner_text()
    assert text.startswith('Line 2, column 3: Binder Error: Referenced column "nope" not found')
    assert "Check the column names" in text and "LINE" not in text
    assert app.locator(".cm-lintRange-error").inner_text() == "nope"
    assert tabs(app) == ["seattle_weather"]
    assert app.locator("#table-title").inner_text() == "seattle_weather"
    assert app.locator("#view-count").inner_text() == "1,461 rows"
    assert app.evaluate("JSON.stringify(loupe.view().tables)") == before
    assert app.locator("#error").is_hidden()  # the panel says it, not the page
    # Fixing the query and running it again works, and the mark goes.
    type_sql(app, "SELECT date, weather FROM seattle_weather")
    run(app)
    assert alert.is_hidden() and app.locator(".cm-lintRange-error").count() == 0
    assert app.locator("#table-title").inner_text() == "query_result"


def test_error_marks_land_right_after_characters_outside_the_basic_plane(app):
    open_sql(app)
    type_sql(app, "SELECT '🦆🦆' AS ducks, nope FROM seattle_weather", paste=True)
    run(app)
    assert app.locator(".cm-lintRange-error").inner_text() == "nope"
    assert app.locator("#sql-error").inner_text().startswith("Line 1, column 23: ")  # characters, not UTF-16 units


def test_a_failing_statement_after_others_says_which_ran(app):
    open_sql(app)
    type_sql(app, "CREATE TABLE kept AS SELECT 1 AS x;\nSELECT * FROM nowhere;")
    run(app, keys="Shift+Control+Enter")
    text = app.locator("#sql-error").inner_text()
    assert text.startswith("Line 2, column 15: Catalog Error: Table with name nowhere does not exist")
    assert text.endswith("(the statement before it ran)")
    assert app.locator(".cm-lintRange-error").inner_text() == "nowhere"
    assert tabs(app) == ["seattle_weather", "kept"]  # the table it made is there
    assert app.locator("#table-title").inner_text() == "seattle_weather"  # and the grid did not move


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "There is no SQL statement to run"),
        ("-- only a comment\n/* and another */", "There is no SQL statement to run"),
        ("SELECT 'unterminated", "unterminated quoted string"),
        ("SELECT 1 +", "syntax error at end of input"),
        (";;;", "There is no SQL statement to run"),
    ],
)
def test_malformed_input_is_refused_with_advice(app, text, message):
    open_sql(app)
    type_sql(app, text, paste=True)
    run(app)
    assert message in app.locator("#sql-error").inner_text()
    assert tabs(app) == ["seattle_weather"]
    if text.startswith("SELECT 'unterminated"):
        assert app.locator(".cm-lintRange-error").inner_text().startswith("'unterminated")
    type_sql(app, "SELECT 42 AS answer")  # and the editor still works
    run(app)
    assert grid_column(app, 0) == ["42"]


def test_a_long_query_can_be_cancelled_and_the_app_stays_usable(app):
    open_sql(app)
    type_sql(app, "SELECT count(*) FROM range(1000000) a, range(1000000) b")
    before, sent = runs(app), counter(app, "cancellable-sent")
    app.locator("#sql-panel .cm-content").press("Control+Enter")
    cancel = app.locator("#sql-cancel")
    cancel.wait_for(state="visible")
    assert app.get_attribute("#sql-panel", "aria-busy") == "true"
    wait_counter(app, "cancellable-sent", sent)  # DuckDB has the statement
    assert runs(app) == before  # still running
    cancel.click()
    app.wait_for_function(f"Number(document.getElementById('sql-panel').dataset.runs) > {before}", timeout=15_000)
    assert app.locator("#sql-status").inner_text().startswith("Cancelled")
    assert app.locator("#sql-error").is_hidden() and cancel.is_hidden()
    assert tabs(app) == ["seattle_weather"]
    # The grid and the engine answer again.
    app.locator("#grid thead th[data-col='2'] .colhead").click()
    app.wait_for_function('JSON.stringify(loupe.view().tables.seattle_weather.sort) === \'[["temp_max","asc"]]\'')
    type_sql(app, "SELECT 42 AS answer")
    run(app)
    assert grid_column(app, 0) == ["42"]


def test_history_survives_a_reload_and_puts_a_query_back(app, base_url):
    open_sql(app)
    for query in ("SELECT 1 AS one", "SELECT 2 AS two", "SELECT   1 AS one"):
        type_sql(app, query)
        run(app)
    open_app(app, base_url)  # the same tab: its workspace comes back, the editor open as it was
    app.locator("#sql-panel .cm-content").wait_for()
    app.click("#sql-history summary")
    items = app.locator("#sql-history .sql-history-item")
    assert items.all_inner_texts() == ["SELECT 1 AS one", "SELECT 2 AS two"]  # one line each
    assert items.first.get_attribute("title") == "SELECT   1 AS one"  # the newest spelling is kept
    assert app.locator("#sql-history summary").inner_text() == "History (2)"
    items.nth(1).click()
    assert editor_text(app) == "SELECT 2 AS two"
    assert app.evaluate("document.activeElement.classList.contains('cm-content')")
    run(app)
    assert app.locator("#grid thead .colname").all_inner_texts() == ["two"]
    app.click("#sql-history summary")
    app.click("#sql-history-clear")
    assert items.count() == 0
    assert app.evaluate("localStorage.getItem('loupe.sql.history')") is None


def test_damaged_history_in_storage_is_ignored(app, base_url):
    app.evaluate("localStorage.setItem('loupe.sql.history', '[\"SELECT 7 AS seven\", 12, {\"no\": 1}')")
    open_app(app, base_url)
    open_sql(app)
    app.click("#sql-history summary")
    assert app.locator("#sql-history .sql-history-item").count() == 0
    type_sql(app, "SELECT 7 AS seven")
    run(app)
    assert app.evaluate("JSON.parse(localStorage.getItem('loupe.sql.history'))") == ["SELECT 7 AS seven"]


def test_save_the_result_as_a_table_and_as_a_view(app):
    open_sql(app)
    app.click("#sql-save summary")
    app.click("#sql-save-form button[type=submit]")
    app.wait_for_function(
        "document.getElementById('sql-save-error').textContent === 'Run a query first: its result is what gets saved.'"
    )
    type_sql(app, "SELECT * FROM seattle_weather WHERE weather = 'snow'")
    run(app)
    name = app.locator("#sql-save-name")
    for bad, message in (
        ("2 snowy", "letters, digits and _"),
        ("SEATTLE_WEATHER", "already exists"),
        ("", "Type a name"),
    ):
        name.fill(bad)
        name.press("Enter")
        app.wait_for_function(f"document.getElementById('sql-save-error').textContent.includes({message!r})")
        assert name.get_attribute("aria-invalid") == "true"
    name.fill("snowy_days")
    name.press("Enter")
    app.wait_for_function("document.getElementById('sql-status').textContent === 'Saved as table snowy_days.'")
    assert tabs(app) == ["seattle_weather", "snowy_days"]
    assert app.locator("#table-title").inner_text() == "snowy_days"
    assert app.locator("#view-count").inner_text() == "26 rows"
    assert name.get_attribute("aria-invalid") is None
    # A view: no tab, but SQL can read it.
    type_sql(app, "SELECT weather, count(*) AS days FROM seattle_weather GROUP BY weather")
    run(app)
    app.click("#sql-save summary")
    name.fill("days_by_weather")
    app.check("#sql-save-form input[value=view]")
    name.press("Enter")
    app.wait_for_function(
        "document.getElementById('sql-status').textContent.startsWith('Saved as view days_by_weather')"
    )
    assert tabs(app) == ["seattle_weather", "snowy_days", "query_result"]
    type_sql(app, "SELECT days FROM days_by_weather WHERE weather = 'fog'")
    run(app)
    assert grid_column(app, 0) == [str(weather("SELECT count(*) FROM seattle_weather WHERE weather = 'fog'")[0][0])]


def test_explain_shows_the_plan_as_text(app):
    open_sql(app)
    type_sql(app, "EXPLAIN SELECT weather FROM seattle_weather")
    run(app)
    output = app.locator("#sql-output")
    assert output.is_visible() and "SEQ_SCAN" in output.inner_text()
    assert tabs(app) == ["seattle_weather"]


def test_keyboard_users_are_never_trapped_and_paste_stays_in_the_editor(app):
    open_sql(app)
    app.keyboard.type("SELECT 1")
    app.keyboard.press("Tab")  # Tab indents inside the editor…
    assert app.evaluate("document.activeElement.classList.contains('cm-content')")
    app.keyboard.press("Escape")
    app.keyboard.press("Tab")  # …and Escape then Tab moves on
    assert not app.evaluate("document.activeElement.classList.contains('cm-content')")
    assert app.evaluate("document.getElementById('sql-panel').contains(document.activeElement)")
    loads = counter(app, "loads")
    paste = """([selector, text]) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        document.querySelector(selector).dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }"""
    app.evaluate(paste, ["#sql-panel .cm-content", "a,b\n1,2\n"])
    assert "a,b" in editor_text(app)
    # A paste onto the page itself opens a table. Loads go one at a time, so had the editor's
    # paste opened one too, that would be the load counted first.
    app.evaluate(paste, ["body", "c\td\n3\t4\n"])
    assert wait_counter(app, "loads", loads) == loads + 1
    assert [c["name"] for c in app.evaluate("loupe.tables()")[-1]["columns"]] == ["c", "d"]  # none from the editor


def test_the_panel_passes_axe_with_a_result_an_error_and_its_drawers_open(app):
    open_sql(app)
    type_sql(app, "SELECT * FROM seattle_weather LIMIT 5 -- five rows")
    run(app, click="#sql-run")
    assert app.locator("#view-count").inner_text() == "5 rows"
    assert axe_violations(app) == []
    type_sql(app, "SELECT nope FROM seattle_weather")
    run(app)
    app.click("#sql-history summary")
    app.click("#sql-save summary")
    app.click("#sql-save-form button[type=submit]")
    app.locator("#sql-save-error").wait_for()
    assert axe_violations(app) == []
