"""The view state is a log: each step that ran is one entry, and a link replays them in order."""

import json

import pytest
from helpers import BOOT_TIMEOUT_MS

PEOPLE = b'[{"id": 1, "who": {"name": "Ada", "age": "36"}}, {"id": 2, "who": {"name": "Bo", "age": "x"}}]'


@pytest.fixture
def fresh(browser):
    """Pages in contexts of their own: what a recipient of a link has."""
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(BOOT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: pytest.fail(f"uncaught error in the page: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()


def boot(page, url):
    page.goto(url)
    page.wait_for_function("window.loupe !== undefined")
    page.evaluate("loupe.ready")
    return page


def run_in_editor(page, text: str) -> None:
    if page.locator("#sql-panel").is_hidden():
        page.locator("#sql-toggle").click()
    page.locator("#sql-editor .cm-content").wait_for()
    runs = int(page.locator("#sql-panel").get_attribute("data-runs") or 0)
    page.locator("#sql-editor .cm-content").fill(text)
    page.keyboard.press("Shift+Control+Enter")  # run all
    page.wait_for_function(f"Number(document.querySelector('#sql-panel').dataset.runs || 0) > {runs}")


def tables(page) -> list:
    return sorted(t["table"] for t in page.evaluate("loupe.tables()"))


def test_each_statement_that_ran_is_logged_and_a_two_table_script_replays(app, fresh):
    script = (
        "CREATE TABLE rainy AS FROM seattle_weather WHERE weather = 'rain';\n"
        "CREATE TABLE windy AS FROM rainy WHERE wind > 5;\n"
        "SELECT count(*) AS n FROM windy"
    )
    run_in_editor(app, script)
    log = app.evaluate("loupe.view().log")
    assert [e["op"] for e in log] == ["read", "sql", "sql", "query"]
    assert log[1] == {
        "op": "sql",
        "statement": "CREATE TABLE rainy AS FROM seattle_weather WHERE weather = 'rain'",
        "made": ["rainy"],
        "dropped": [],
    }
    assert log[3] == {"op": "query", "table": "query_result", "statement": "SELECT count(*) AS n FROM windy"}
    assert app.evaluate("loupe.view().version") == 2
    sent = app.evaluate("loupe.query('FROM query_result')")["rows"]

    page = boot(fresh(), app.evaluate("loupe.link()"))
    page.locator("#consent").wait_for(state="visible")  # a link's SQL that makes tables is asked about
    page.locator("#consent-yes").click()
    page.wait_for_function("loupe.tables().length === 4")
    assert tables(page) == ["query_result", "rainy", "seattle_weather", "windy"]
    assert page.evaluate("loupe.query('FROM query_result')")["rows"] == sent
    assert page.locator("#error").is_hidden()


def test_a_statement_that_failed_is_not_logged(app):
    run_in_editor(app, "CREATE TABLE kept AS SELECT 1 AS x;\nCREATE TABLE oops AS FROM nowhere;\nSELECT 2")
    assert "nowhere" in app.locator("#sql-error").inner_text()
    log = app.evaluate("loupe.view().log")
    assert [e.get("statement") for e in log[1:]] == ["CREATE TABLE kept AS SELECT 1 AS x"]
    assert "nowhere" not in json.dumps(log)
    assert app.evaluate("loupe.view().sql").startswith("CREATE TABLE kept")  # the editor's text: shown, never run


def test_a_type_set_after_flattening_survives_a_link(app, fresh, tmp_path):
    people = tmp_path / "people.json"
    people.write_bytes(PEOPLE)
    loads = app.evaluate("Number(document.body.dataset.loads || 0)")
    app.set_input_files("#file-input", str(people))
    app.wait_for_function(f"Number(document.body.dataset.loads || 0) > {loads}")
    app.locator("#flatten").click()
    app.wait_for_function("loupe.view().log.some((e) => e.op === 'flatten')")  # the view is published last
    state = app.evaluate("loupe.view()")
    assert [e["op"] for e in state["log"]][-2:] == ["read", "flatten"]
    state["log"].append({"op": "type", "table": "people", "column": "who.age", "to": "BIGINT"})
    app.evaluate("(state) => loupe.setView(state)", state)  # the person's own view: the type applies here
    assert {c["name"]: c["type"] for c in app.evaluate("loupe.tables()")[-1]["columns"]}["who.age"] == "BIGINT"

    page = boot(fresh(), app.evaluate("loupe.link()"))
    page.locator("#waiting").wait_for(state="visible")
    restores = page.evaluate("Number(document.body.dataset.restores || 0)")
    page.set_input_files("#file-input", str(people))
    page.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}")
    page.wait_for_function("loupe.tables().some((t) => t.table === 'people')")
    columns = {
        c["name"]: c["type"] for t in page.evaluate("loupe.tables()") if t["table"] == "people" for c in t["columns"]
    }
    assert columns["who.age"] == "BIGINT" and columns["who.name"] == "VARCHAR"
    assert page.evaluate("loupe.query('SELECT \"who.age\" FROM people ORDER BY id')")["rows"] == [[36], [None]]


def test_a_version_1_link_still_opens(app, fresh, base_url):
    state = {
        "version": 1,
        "sources": [
            {
                "table": "seattle_weather",
                "kind": "sample",
                "name": "seattle-weather.csv",
                "url": "./assets/vendor/vega-datasets-3.2.1/seattle-weather.csv",
                "read": {"format": "csv"},
            },
            {
                "table": "query_result",
                "kind": "query",
                "name": "query_result",
                "read": {"sql": "SELECT weather, count(*) AS days FROM seattle_weather GROUP BY ALL"},
            },
        ],
        "active": "seattle_weather",
        "tables": {
            "seattle_weather": {"sort": [["temp_max", "desc"]], "offset": 0, "search": "fog"},
            "query_result": {"sort": [], "offset": 0},
        },
    }
    packed = app.evaluate("(text) => loupe._pack(text)", json.dumps(state))
    page = boot(fresh(), base_url + "#state=" + packed)
    page.wait_for_function("loupe.tables().length === 2")
    page.wait_for_function("loupe.view().tables.seattle_weather?.search === 'fog'")
    got = page.evaluate("loupe.view()")
    assert got["version"] == 2 and [e["op"] for e in got["log"]] == ["read", "query"]
    assert got["tables"]["seattle_weather"]["sort"] == [["temp_max", "desc"]]
    assert page.evaluate("loupe.query('SELECT count(*) FROM query_result')")["rows"] == [[5]]
