"""What a person does on the page: sort, page, open files, read errors — all rendered as text."""

import os
from pathlib import Path

XSS_HEADER = '<img src=x onerror="window.__pwned=1">'
XSS_CSV = (
    '"<img src=x onerror=""window.__pwned=1"">",b\n"<script>window.__pwned=2</script>",2\n'
    '"<b onmouseover=window.__pwned=3>bold</b>",3\n'
)


def test_click_header_sorts_and_scrolling_reaches_the_last_row(app):
    header = app.locator("#grid thead th").nth(3)  # temp_max
    header.locator(".colhead").click()
    app.wait_for_function(
        "document.querySelector('#grid thead th:nth-child(4)').getAttribute('aria-sort') === 'ascending'"
    )
    assert app.locator("#grid tbody tr[data-row]").first.locator("td").nth(2).inner_text() == "-1.6"
    header.locator(".colhead").click()
    app.wait_for_function(
        "document.querySelector('#grid thead th:nth-child(4)').getAttribute('aria-sort') === 'descending'"
    )
    assert app.locator("#grid tbody tr[data-row]").first.locator("td").nth(2).inner_text() == "35.6"
    app.locator("#grid-wrap").evaluate("(wrap) => { wrap.scrollTop = wrap.scrollHeight; }")
    last = app.locator("#grid tbody tr[data-row='1460']:not(.waiting)")
    last.wait_for()
    assert last.locator("th").inner_text() == "1,461"
    assert last.locator("td").nth(2).inner_text() == "-1.6"  # the coldest day comes last now


def test_open_file_from_the_picker(app, tmp_path):
    path = tmp_path / "my measurements.tsv"
    path.write_text("site\tvalue\nA\t1.5\nB\t\n")
    app.set_input_files("#file-input", str(path))
    app.wait_for_function("document.getElementById('table-meta').textContent === '2 rows × 2 columns'")
    assert app.locator("#table-title").inner_text() == "my_measurements"
    null_cell = app.locator("#grid tbody tr[data-row]").nth(1).locator("td").nth(1)
    assert null_cell.inner_text() == "NULL" and "null" in null_cell.get_attribute("class")
    app.locator("#tables .tab-name", has_text="seattle_weather").click()
    app.wait_for_function("document.getElementById('table-title').textContent === 'seattle_weather'")
    app.locator("#tables .tab-close[aria-label='Close my_measurements']").click()
    app.wait_for_function("document.querySelectorAll('#tables .tab').length === 1")


def test_bad_file_shows_an_error_and_keeps_the_table(app, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    app.set_input_files("#file-input", str(path))
    alert = app.locator("#error")
    alert.wait_for(state="visible")
    assert "'photo.csv' looks like a PNG image" in alert.inner_text()
    assert app.locator("#table-title").inner_text() == "seattle_weather"
    assert app.locator("#grid tbody tr[data-row]").first.locator("td").first.inner_text() == "2012-01-01"
    app.locator("#error-close").click()
    alert.wait_for(state="hidden")


def test_markup_in_names_and_cells_stays_text(app, tmp_path):
    path = tmp_path / '<svg onload="window.__pwned=4">.csv'
    path.write_text(XSS_CSV)
    app.set_input_files("#file-input", str(path))
    app.wait_for_function("document.querySelectorAll('#tables .tab').length === 2")
    app.evaluate(f"loupe.open({{name: '<img src=y onerror=window.__pwned=5>.csv', text: {XSS_CSV!r}}})")
    app.wait_for_function("document.querySelectorAll('#tables .tab').length === 3")
    assert app.evaluate("window.__pwned") is None
    assert app.locator("#grid img, #grid script, #grid b, #grid svg, #tables img").count() == 0
    assert app.locator("#grid thead .colname").first.inner_text() == XSS_HEADER
    assert app.locator("#grid tbody td").first.inner_text() == "<script>window.__pwned=2</script>"


def test_keyboard_reaches_every_control(app):
    app.keyboard.press("Tab")
    assert app.evaluate("document.activeElement.className") == "skip"
    seen = set()
    for _ in range(45):
        app.keyboard.press("Tab")
        seen.add(app.evaluate("document.activeElement.id || document.activeElement.className"))
    assert {
        "file-input",
        "tab-name",
        "tab-close",
        "search-input",
        "jump-input",
        "grid-wrap",
        "colhead",
        "colmenu",
    } <= seen


def test_phone_width_screenshot(browser, base_url, tmp_path):
    from helpers import open_app

    context = browser.new_context(viewport={"width": 390, "height": 800}, device_scale_factor=1)
    page = open_app(context.new_page(), base_url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(Path(os.environ.get("LOUPE_SHOTS", tmp_path)) / "phone.png"))
    context.close()


def test_accessibility_of_each_screen(app, tmp_path):
    from helpers import axe_violations

    assert axe_violations(app) == []  # the sample table
    app.evaluate("loupe.open({name: 'x.csv', text: 'a\\n1\\n'})")
    path = tmp_path / "bad.csv"
    path.write_bytes(bytes(range(256)))
    app.set_input_files("#file-input", str(path))
    app.locator("#error").wait_for(state="visible")
    assert axe_violations(app) == []  # two tables and an error message
    app.emulate_media(color_scheme="dark")
    assert axe_violations(app) == []  # dark theme contrast


def test_boot_screen_accessibility(page, base_url):
    from helpers import axe_violations

    page.route("**/micropython.wasm", lambda route: None)
    page.goto(base_url, wait_until="domcontentloaded")
    assert axe_violations(page) == []
