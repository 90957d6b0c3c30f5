"""Boot: the shell paints, the sample table appears before Python, Python loads behind."""

from helpers import open_app


def test_sample_table_with_row_count_and_types(app):
    assert app.locator("#table-title").inner_text() == "seattle_weather"
    assert app.locator("#table-meta").inner_text() == "1,461 rows × 6 columns"
    headers = app.locator("#grid thead th .colhead")
    assert headers.count() == 6
    assert headers.nth(0).locator(".colname").inner_text() == "date"
    assert headers.nth(0).locator(".coltype").get_attribute("aria-label") == "type DATE"
    assert headers.nth(1).locator(".coltype").get_attribute("aria-label") == "type DOUBLE"
    assert 20 <= app.locator("#grid tbody tr[data-row]").count() <= 80  # only the rows in sight are drawn
    first = app.locator("#grid tbody tr[data-row]").first.locator("td")
    assert [first.nth(i).inner_text() for i in range(6)] == ["2012-01-01", "0", "12.8", "5", "4.7", "drizzle"]
    assert app.locator("#view-count").inner_text() == "1,461 rows"
    assert app.locator("#boot").is_hidden()


def test_table_is_shown_before_python_is_ready(page, base_url):
    open_app(page, base_url)
    assert page.evaluate("document.body.dataset.pythonStarts") == "1"  # the full app asks for Python…
    marks = page.evaluate("""async () => {
        const version = await loupe.pythonReady;
        const at = (name) => performance.getEntriesByName(name)[0].startTime;
        return {table: at('loupe:table-visible'), python: at('loupe:python-ready'), version};
    }""")
    assert marks["version"].startswith("3.14")
    assert marks["table"] < marks["python"]  # …and it becomes ready only after the table is on screen
    assert "Python 3.14" in page.locator("#status").inner_text()


def test_shell_paints_with_progress_before_python_runs(page, base_url):
    page.route("**/micropython.wasm", lambda route: None)  # hold MicroPython back forever
    page.goto(base_url, wait_until="domcontentloaded")
    assert page.title().startswith("Loupe")
    assert page.locator("#boot [role=progressbar]").is_visible()
    assert page.locator("#boot .steps li").count() == 3
    page.wait_for_selector('#boot [data-step="engine"][data-state="done"]')
    assert page.locator('#boot [data-step="ui"]').get_attribute("data-state") == "pending"


def test_python_worker_installs_shipped_wheels_offline(app, context):
    app.evaluate("loupe.pythonReady")
    context.set_offline(True)
    versions = app.evaluate("loupe._worker.load_packages(['openpyxl'])")
    assert list(versions) == ["3.1.5"]
