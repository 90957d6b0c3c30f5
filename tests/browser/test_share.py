"""Share links and address parameters: a link reproduces the exact view; bad links keep the app working."""

import json
from urllib.parse import quote

import duckdb
import pytest
from helpers import BOOT_TIMEOUT_MS, ROOT, axe_violations

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"
SAMPLE_PATH = "assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"
NOTES = "id,kind,amount\n1,apple,3.5\n2,pear,1.25\n3,apple,7\n4,plum,\n5,apple,2\n"


@pytest.fixture
def fresh(browser):
    """Pages in contexts of their own: what a recipient of a link has (nothing of the sender's)."""
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


def settled(page):
    """Wait until the view on screen has been drawn and counted."""
    page.wait_for_function("Number(document.body.dataset.views || 0) > 0")
    page.wait_for_function("Number(document.body.dataset.settled || 0) >= Number(document.body.dataset.views || 0)")


def cells(page, n=5) -> list:
    rows = page.locator("#grid tbody tr[data-row]:not(.waiting)")
    page.wait_for_function("document.querySelectorAll('#grid tbody tr[data-row]:not(.waiting)').length > 0")
    return [[td.inner_text() for td in rows.nth(i).locator("td").all()] for i in range(min(n, rows.count()))]


def run_in_editor(page, text: str) -> None:
    """Open the SQL panel, type ``text``, run it with Ctrl+Enter and wait for the run to finish."""
    page.locator("#sql-toggle").click()
    page.locator("#sql-editor .cm-content").wait_for()
    runs = int(page.locator("#sql-panel").get_attribute("data-runs") or 0)
    page.locator("#sql-editor .cm-content").fill(text)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"Number(document.querySelector('#sql-panel').dataset.runs || 0) > {runs}")


def without_offsets(state: dict) -> dict:
    state = json.loads(json.dumps(state))
    for table in state["tables"].values():
        table.pop("offset", None)
    return state


def test_a_link_reproduces_the_exact_view(app, fresh):
    app.evaluate("""loupe.setTableState('seattle_weather', {
        filters: [{column: 'weather', op: 'in', value: ['rain', 'sun']}, {column: 'temp_max', op: 'range', value: [10, 25]}],
        search: '', sort: [['precipitation', 'desc'], ['date', 'asc']],
        hidden: ['wind'], order: ['weather', 'date'], widths: {date: 150},
        chart: {kind: 'bar', x: 'weather', y: 'precipitation', aggregate: 'sum'}})""")
    settled(app)
    app.locator("#chart-panel").wait_for(state="visible")
    link = app.evaluate("loupe.link()")
    assert "#state=" in link and "rain" not in link  # compressed
    sent = app.evaluate("loupe.view()")
    sent_cells = cells(app)
    sent_count = app.locator("#view-count").inner_text()

    page = boot(fresh(), link)
    settled(page)
    got = page.evaluate("loupe.view()")
    assert without_offsets(got)["tables"] == without_offsets(sent)["tables"]
    assert got["active"] == "seattle_weather"
    assert cells(page) == sent_cells
    assert page.locator("#view-count").inner_text() == sent_count
    assert page.locator("#chart-panel").is_visible()
    headers = page.locator("#grid thead th[data-col] .colname").all_inner_texts()
    assert headers[:2] == ["weather", "date"] and "wind" not in headers
    expected = duckdb.sql(f"""SELECT count(*) FROM read_csv('{SAMPLE}')
        WHERE weather IN ('rain', 'sun') AND temp_max BETWEEN 10 AND 25""").fetchone()[0]
    assert f"{expected:,}" in sent_count


def test_the_address_follows_the_view_and_a_reload_keeps_it(app):
    app.evaluate("loupe.setTableState('seattle_weather', {search: 'snow', sort: [['temp_min', 'asc']]})")
    settled(app)
    app.wait_for_function("location.hash.startsWith('#state=') && location.hash.length > 20")
    app.wait_for_function("""async () => {
        const state = JSON.parse(await loupe._unpack(location.hash.slice(7)));
        return state.tables.seattle_weather.search === 'snow';
    }""")
    before = cells(app)
    app.reload()
    app.evaluate("loupe.ready")
    settled(app)
    assert app.evaluate("loupe.view().tables.seattle_weather.search") == "snow"
    assert cells(app) == before


def test_a_link_to_a_url_source_and_a_query_opens_both_again(app, fresh):
    url = app.evaluate(f"new URL('./{SAMPLE_PATH}', location.href).href")
    app.evaluate(f"loupe.open({json.dumps(url)}, {{table: 'weather_again'}})")
    app.evaluate("loupe.setTableState('weather_again', {filters: [{column: 'weather', op: 'in', value: ['fog']}]})")
    settled(app)
    run_in_editor(app, "SELECT weather, count(*) AS days FROM weather_again GROUP BY ALL")
    settled(app)
    link = app.evaluate("loupe.link()")

    page = boot(fresh(), link)
    settled(page)
    tables = {t["table"]: t["rows"] for t in page.evaluate("loupe.tables()")}
    assert tables["weather_again"] == 1461 and tables["query_result"] == 5
    assert page.evaluate("loupe.view().active") == "query_result"
    assert page.evaluate("loupe.view().sql").startswith("SELECT weather, count(*)")
    assert page.locator("#sql-panel").is_visible()  # the sender had the editor open
    rows = page.evaluate("loupe.query('SELECT * FROM query_result ORDER BY weather')")["rows"]
    assert rows == [
        list(r)
        for r in duckdb.sql(
            f"SELECT weather, count(*) FROM read_csv('{SAMPLE}') GROUP BY ALL ORDER BY weather"
        ).fetchall()
    ]
    views = page.evaluate("Number(document.body.dataset.views || 0)")
    page.locator("#tables button", has_text="weather_again").click()
    page.wait_for_function(f"Number(document.body.dataset.views || 0) > {views}")  # the tab's view, not the last one
    settled(page)
    assert page.locator("#view-count").inner_text().startswith("Showing")


def test_a_link_to_a_local_file_asks_for_it_and_applies_when_it_is_opened(app, fresh, tmp_path):
    app.evaluate("([name, text]) => loupe.open({name, text})", ["notes.csv", NOTES])
    app.locator("#tables button[aria-label='Close seattle_weather']").click()  # the view is the file alone
    app.wait_for_function("loupe.tables().length === 1")
    app.evaluate(
        "loupe.setTableState('notes', {filters: [{column: 'kind', op: 'in', value: ['apple']}], "
        "sort: [['amount', 'desc']]})"
    )
    settled(app)
    app.locator("#share summary").click()
    app.wait_for_function("document.querySelector('#share-link').value.includes('#state=')")
    assert "notes.csv" in app.locator("#share-note").inner_text()
    assert axe_violations(app) == []
    link = app.locator("#share-link").input_value()

    page = boot(fresh(), link)
    notice = page.locator("#waiting")
    notice.wait_for(state="visible")
    assert "“notes.csv”" in notice.inner_text() and "Open the same file" in notice.inner_text()
    assert page.evaluate("loupe.tables()") == []  # no sample dropped in instead of the view
    assert axe_violations(page) == []
    assert page.evaluate("location.hash") == "#state=" + link.split("#state=")[1]  # kept for a reload

    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    loads = page.evaluate("Number(document.body.dataset.loads || 0)")
    page.set_input_files("#file-input", str(other))  # not the awaited file: opened as usual
    page.wait_for_function(f"Number(document.body.dataset.loads) > {loads}")
    assert notice.is_visible()

    restores = page.evaluate("Number(document.body.dataset.restores || 0)")
    notes = tmp_path / "notes.csv"
    notes.write_text(NOTES)
    page.set_input_files("#file-input", str(notes))
    page.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}")
    settled(page)
    assert not notice.is_visible()
    assert page.evaluate("loupe.view().active") == "notes"
    assert page.locator("#view-count").inner_text() == "Showing 3 of 5 rows"
    assert [row[2] for row in cells(page, 3)] == ["7", "3.5", "2"]
    page.wait_for_function("location.hash !== " + json.dumps("#state=" + link.split("#state=")[1]))


def test_forget_this_view_opens_the_sample(app, fresh):
    app.evaluate("([name, text]) => loupe.open({name, text})", ["notes.csv", NOTES])
    settled(app)
    page = boot(fresh(), app.evaluate("loupe.link()"))
    page.locator("#waiting-forget").click()
    page.wait_for_function("loupe.tables().length === 1")
    assert page.evaluate("loupe.tables()[0].table") == "seattle_weather"
    assert page.locator("#waiting").is_hidden()


@pytest.mark.parametrize(
    "fragment, words",
    [
        ("#state=!!!not-base64", "damaged"),
        ("#state=AAAA", "damaged"),  # base64, but not deflate
        ("#state=", "damaged"),
    ],
)
def test_a_damaged_link_says_so_and_the_sample_opens(fresh, base_url, fragment, words):
    page = boot(fresh(), base_url + fragment)
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert words in page.locator("#error-text").inner_text()
    assert "Ask for the link again" in page.locator("#error-text").inner_text()
    assert page.evaluate("loupe.tables()[0].table") == "seattle_weather"
    assert page.evaluate("loupe.query('SELECT 41 + 1 AS n')")["rows"] == [[42]]


@pytest.mark.parametrize(
    "state, words",
    [
        ({"version": 7, "sources": [], "tables": {}}, "different version"),
        (
            {
                "version": 1,
                "sources": [{"table": "x", "kind": "url", "name": "x", "url": "javascript:alert(1)"}],
                "tables": {},
            },
            "not http or https",
        ),
        ([1, 2], "different version"),
    ],
)
def test_a_forged_link_is_refused_with_a_reason(app, fresh, base_url, state, words):
    packed = app.evaluate("(text) => loupe._pack(text)", json.dumps(state))
    page = boot(fresh(), base_url + "#state=" + packed)
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert words in page.locator("#error-text").inner_text()
    assert page.evaluate("loupe.tables()[0].table") == "seattle_weather"


def test_a_shared_view_that_no_longer_fits_the_file_keeps_the_table(app, fresh):
    state = app.evaluate("loupe.view()")
    state["tables"]["seattle_weather"]["filters"] = [{"column": "no_such_column", "op": "in", "value": ["x"]}]
    packed = app.evaluate("(text) => loupe._pack(text)", json.dumps(state))
    page = boot(fresh(), app.evaluate("location.href.split('#')[0]") + "#state=" + packed)
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert "does not fit" in page.locator("#error-text").inner_text()
    assert page.locator("#view-count").inner_text() == "1,461 rows"


def test_a_link_pasted_into_an_open_tab_is_followed(app, fresh):
    page = boot(fresh(), app.evaluate("location.href.split('#')[0]"))
    settled(page)
    app.evaluate("loupe.setTableState('seattle_weather', {search: 'fog'})")
    settled(app)
    link = app.evaluate("loupe.link()")
    views = page.evaluate("Number(document.body.dataset.views)")
    page.evaluate("(hash) => { location.hash = hash; }", "#state=" + link.split("#state=")[1])
    page.wait_for_function(f"Number(document.body.dataset.views) > {views}")
    page.wait_for_function("loupe.view().tables.seattle_weather.search === 'fog'")
    assert len(page.evaluate("loupe.tables()")) == 1  # the sample already open is reused, not opened twice


def test_sql_in_the_address_runs_and_the_editor_shows_it(fresh, base_url):
    sql = "SELECT weather, max(temp_max) AS hottest FROM seattle_weather GROUP BY ALL ORDER BY hottest DESC"
    page = boot(fresh(), base_url + "?sql=" + quote(sql))
    settled(page)
    assert page.evaluate("loupe.view().active") == "query_result"
    assert page.locator("#sql-panel").is_visible()
    page.locator("#sql-editor .cm-content").wait_for()
    assert page.locator("#sql-editor .cm-content").inner_text().startswith("SELECT weather, max(temp_max)")
    expected = duckdb.sql(sql.replace("seattle_weather", f"read_csv('{SAMPLE}')")).fetchall()
    assert page.evaluate("loupe.query('SELECT * FROM query_result')")["rows"] == [list(r) for r in expected]


def test_bad_sql_and_a_bad_view_in_the_address_say_so_and_the_table_stays(fresh, base_url):
    page = boot(fresh(), base_url + "?sql=" + quote("SELEC nonsense") + "&view=grid")
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert "syntax error" in page.locator("#sql-error").inner_text().lower()
    assert "view=table, view=chart or view=profile" in page.locator("#error-text").inner_text()
    assert page.evaluate("loupe.tables()[0].table") == "seattle_weather"


def test_view_chart_in_the_address_opens_a_chart(fresh, base_url):
    page = boot(fresh(), base_url + "?view=chart")
    page.locator("#chart-panel").wait_for(state="visible")
    page.wait_for_function("Number(document.body.dataset.charts || 0) > 0")
    assert page.evaluate("loupe.view().tables.seattle_weather.chart.kind") == "line"  # date + numbers


def test_embed_shows_a_chart_alone_without_python_and_opens_in_the_full_app(fresh, base_url):
    page = fresh()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    url = base_url + SAMPLE_PATH
    boot(page, base_url + "embed.html?url=" + quote(url) + "&view=chart")
    page.wait_for_function("Number(document.body.dataset.charts || 0) > 0")
    assert page.locator("header.bar").is_hidden() and page.locator("footer.bar").is_hidden()
    assert page.locator("#grid-wrap").is_hidden()
    assert page.locator("#chart-panel").is_visible()
    assert axe_violations(page) == []
    # The full app asks for its Python worker before loupe.ready is seen (test_boot.py); this one did not.
    assert page.evaluate("document.body.dataset.pythonStarts") is None
    assert not [r for r in requests if "pyodide" in r]
    assert page.evaluate("document.querySelector('#status').textContent").endswith("ready")
    full = page.locator("#open-full")
    full.wait_for(state="visible")
    href = full.get_attribute("href")
    assert href.startswith(base_url + "#state=") and full.get_attribute("target") == "_blank"

    opened = boot(fresh(), href)
    opened.locator("#chart-panel").wait_for(state="visible")
    assert opened.evaluate("loupe.view().tables.seattle_weather.chart.kind") == "line"
    assert opened.locator("header.bar").is_visible()


def test_an_embed_starts_no_python_and_leaves_its_address_alone(fresh, base_url):
    page = boot(fresh(), base_url + "embed.html")
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert page.evaluate("loupe.tables()[0].table") == "seattle_weather"
    assert page.evaluate("window.loupe._worker === undefined")
    assert page.evaluate("location.hash") == ""  # an embed leaves its address alone


def test_sql_over_a_local_file_runs_again_once_the_file_is_opened(app, fresh, tmp_path):
    app.evaluate("([name, text]) => loupe.open({name, text})", ["notes.csv", NOTES])
    app.locator("#tables button[aria-label='Close seattle_weather']").click()
    app.wait_for_function("loupe.tables().length === 1")
    run_in_editor(app, "SELECT kind, sum(amount) AS total FROM notes GROUP BY kind")
    settled(app)
    link = app.evaluate("loupe.link()")

    page = boot(fresh(), link)
    page.locator("#waiting").wait_for(state="visible")
    assert page.evaluate("loupe.tables()") == []  # the SQL needs the file: it waits too
    restores = page.evaluate("Number(document.body.dataset.restores || 0)")
    notes = tmp_path / "NOTES.CSV"  # the same name in other letter case
    notes.write_text(NOTES)
    page.set_input_files("#file-input", str(notes))
    page.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}")
    settled(page)
    assert sorted(t["table"] for t in page.evaluate("loupe.tables()")) == ["notes", "query_result"]
    assert page.evaluate("loupe.view().active") == "query_result"
    assert page.locator("#waiting").is_hidden() and page.locator("#error").is_hidden()
    got = page.evaluate("loupe.query('SELECT * FROM query_result ORDER BY kind')")["rows"]
    assert got == [["apple", 12.5], ["pear", 1.25], ["plum", None]]
