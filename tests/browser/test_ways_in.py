"""Every way in: drag-and-drop, paste, the URL box, ?url= (repeatable) — and Cancel."""

SAMPLE = "assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"


def loads(page) -> int:
    return int(page.evaluate("document.body.getAttribute('data-loads') || '0'"))


def wait_loads(page, count: int) -> None:
    page.wait_for_function(f"Number(document.body.getAttribute('data-loads') || '0') >= {count}", timeout=90_000)


def paste_on_the_page(page, text: str) -> None:
    """Paste ``text`` onto the page itself (not into a text box): it opens as a table."""
    page.evaluate(
        """(text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""",
        text,
    )


def test_drop_files_anywhere_on_the_page(app):
    before = loads(app)
    app.evaluate("""() => {
        const data = new DataTransfer();
        data.items.add(new File(['city,visits\\nOslo,3\\nLima,5\\n'], 'dropped.csv', {type: 'text/csv'}));
        data.items.add(new File(['{"k": 1}\\n{"k": 2}\\n'], 'more.jsonl'));
        const target = document.querySelector('#grid tbody td');
        target.dispatchEvent(new DragEvent('dragenter', {dataTransfer: data, bubbles: true, cancelable: true}));
        window.__zoneShown = !document.getElementById('drop-zone').hidden;
        target.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    }""")
    wait_loads(app, before + 2)
    assert app.evaluate("window.__zoneShown") is True
    assert app.locator("#drop-zone").is_hidden()
    names = [t["table"] for t in app.evaluate("loupe.tables()")]
    assert names == ["seattle_weather", "dropped", "more"]


def test_paste_spreadsheet_cells_opens_a_table(app):
    before = loads(app)
    app.evaluate("""() => {
        const data = new DataTransfer();
        data.setData('text/plain', 'name\\tscore\\nAda\\t9.5\\nBo\\t7\\n');
        document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    wait_loads(app, before + 1)
    pasted = app.evaluate("loupe.tables()")[-1]
    assert pasted["table"] == "pasted" and pasted["rows"] == 2
    assert [c["type"] for c in pasted["columns"]] == ["VARCHAR", "DOUBLE"]


def test_paste_into_the_url_box_is_left_alone(app):
    before = loads(app)
    app.locator("#url-input").focus()
    app.evaluate("""() => {
        const data = new DataTransfer();
        data.setData('text/plain', 'a,b\\n1,2\\n');
        document.getElementById('url-input').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    paste_on_the_page(app, "c\td\n3\t4\n")
    wait_loads(app, before + 1)  # loads go one at a time: had the box's paste opened a table, it would count first
    assert loads(app) == before + 1
    assert [c["name"] for c in app.evaluate("loupe.tables()")[-1]["columns"]] == ["c", "d"]


def test_url_box(app, base_url):
    before = loads(app)
    app.locator("#url-input").fill(base_url + SAMPLE)
    app.locator("#url-form button").click()
    wait_loads(app, before + 1)
    assert app.evaluate("loupe.tables()")[-1]["table"] == "seattle_weather_2"
    app.locator("#url-input").fill(base_url + "missing.csv")
    app.locator("#url-input").press("Enter")
    wait_loads(app, before + 2)
    assert "the server answered 404" in app.locator("#error-text").inner_text()


def test_url_parameters_open_each_url_instead_of_the_sample(page, base_url):
    page.goto(f"{base_url}?url=./{SAMPLE}&url=./{SAMPLE}")
    page.evaluate("loupe.ready")
    names = [t["table"] for t in page.evaluate("loupe.tables()")]
    assert names == ["seattle_weather", "seattle_weather_2"]


def test_a_bad_url_parameter_still_leaves_a_working_app(page, base_url):
    page.goto(f"{base_url}?url=./nothing-here.csv")
    page.evaluate("loupe.ready")
    assert "nothing-here.csv" in page.locator("#error-text").inner_text()
    assert [t["table"] for t in page.evaluate("loupe.tables()")] == ["seattle_weather"]


def test_cancel_stops_a_long_load_and_keeps_nothing(app):
    flights = "node_modules/vega-datasets/data/flights-3m.parquet"
    before = loads(app)
    app.set_input_files("#file-input", flights)
    app.locator("#loading").wait_for(state="visible")
    app.wait_for_function("/rows/.test(document.getElementById('loading-text').textContent)")
    app.locator("#loading-cancel").click()
    wait_loads(app, before + 1)
    assert "was cancelled; nothing was kept" in app.locator("#error-text").inner_text()
    assert [t["table"] for t in app.evaluate("loupe.tables()")] == ["seattle_weather"]
    assert app.evaluate(
        "loupe.query(\"SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'flights%'\")"
    )["rows"] == [[0]]
    assert app.locator("#loading").is_hidden()
    # and the app still opens the same file afterwards
    app.set_input_files("#file-input", flights)
    wait_loads(app, before + 2)
    assert app.evaluate("loupe.tables()")[-1]["rows"] == 3_000_000


def test_cancel_stops_reading_a_big_csv(app, tmp_path):
    import duckdb

    path = tmp_path / "big.csv"
    duckdb.connect().execute(
        f"COPY (SELECT range AS id, 'row ' || range AS label, range * 0.5 AS v "
        f"FROM range(3000000)) TO '{path}' (HEADER)"
    )
    before = loads(app)
    app.set_input_files("#file-input", str(path))
    app.wait_for_function("/MB\\) — \\d/.test(document.getElementById('loading-text').textContent)")
    app.locator("#loading-cancel").click()
    wait_loads(app, before + 1)
    assert "was cancelled; nothing was kept" in app.locator("#error-text").inner_text()
    assert [t["table"] for t in app.evaluate("loupe.tables()")] == ["seattle_weather"]
    assert app.evaluate("loupe.query('SELECT count(*) FROM seattle_weather')")["rows"] == [[1461]]


def test_manifest_and_icons_make_it_installable(app, base_url):
    manifest = app.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["name"] == "Loupe" and manifest["display"] == "standalone"
    sizes = app.evaluate(
        """async (icons) => Promise.all(icons.map(icon => new Promise((resolve) => {
        const image = new Image();
        image.onload = () => resolve([icon.sizes, image.naturalWidth]);
        image.onerror = () => resolve([icon.sizes, 0]);
        image.src = new URL(icon.src, new URL('assets/', location.href)).href;
    })))""",
        manifest["icons"],
    )
    assert ["192x192", 192] in sizes and ["512x512", 512] in sizes and all(w > 0 for _, w in sizes)
