"""Missing-value markers, late values and text-only headers, as a person meets them in the browser."""

import pytest
from helpers import BOOT_TIMEOUT_MS
from test_ways_in import loads, wait_loads

WORLD = "iso2,country,population,gdp\nNA,Namibia,2.5,12.3\nDE,Germany,83.2,-\nFR,France,NA,2780\nNO,Norway,5.4,482\n"


def open_text(page, name, text):
    return page.evaluate("([name, text]) => loupe.open({name, text})", [name, text])


def types_of(info) -> dict:
    return {c["name"]: c["type"] for c in info["columns"]}


def read_again_with(page, markers: str) -> None:
    """Type ``markers`` into Read as… → Missing values and read the file again."""
    if not page.locator("#read-missing").is_visible():
        page.locator("#read-as summary").click()
    page.locator("#read-missing").fill(markers)
    before = loads(page)
    page.locator("#read-as-form button").click()
    wait_loads(page, before + 1)


def summary(page) -> str:
    return page.locator("#source-summary").inner_text()


def test_markers_are_found_shown_and_can_be_changed(app):
    info = open_text(app, "world.csv", WORLD)
    assert types_of(info) == {"iso2": "VARCHAR", "country": "VARCHAR", "population": "DOUBLE", "gdp": "DOUBLE"}
    assert summary(app).endswith("· with header · Missing values: NA, -")
    assert "NA and - mark missing values (2)" in app.locator("#error-text").inner_text()
    assert app.evaluate("loupe.query(\"SELECT iso2 FROM world WHERE country = 'Namibia'\")")["rows"] == [["NA"]]
    assert app.evaluate("loupe.query('SELECT count(population), sum(gdp) FROM world')")["rows"] == [[3, 3274.3]]
    assert app.evaluate("loupe.view().sources.at(-1).read.missing") == ["NA", "-"]

    app.locator("#read-as summary").click()
    assert app.get_by_label("Missing values").input_value() == "NA, -"  # labelled for screen readers
    read_again_with(app, "NA")
    app.wait_for_function("document.getElementById('source-summary').textContent.endsWith('Missing values: NA')")
    assert types_of(app.evaluate("loupe.tables()")[-1])["gdp"] == "VARCHAR"  # "-" is a value again
    assert types_of(app.evaluate("loupe.tables()")[-1])["population"] == "DOUBLE"

    read_again_with(app, "")  # none at all
    app.wait_for_function("!document.getElementById('source-summary').textContent.includes('Missing values')")
    info = app.evaluate("loupe.tables()")[-1]
    assert types_of(info)["population"] == "VARCHAR" and types_of(info)["gdp"] == "VARCHAR"
    assert app.evaluate("loupe.view().sources.at(-1).read.missing") == []
    assert app.locator("#read-missing").input_value() == ""


def test_markers_given_to_loupe_open(app):
    info = app.evaluate("loupe.open({name: 'dash.csv', text: 'a,b\\n1,-\\n2,3\\n'}, {missing: ['-']})")
    assert types_of(info) == {"a": "BIGINT", "b": "BIGINT"}
    assert summary(app).endswith("Missing values: -")


def test_markers_among_numbers_with_separators_and_day_first_dates(app):
    text = 'amount,day\n"1,234.50",15.03.2024\n-,NA\n"12,000",01.04.2024\n'
    info = open_text(app, "stats.csv", text)
    assert types_of(info) == {"amount": "DOUBLE", "day": "DATE"}
    assert summary(app).endswith("Missing values: NA, -")
    assert app.evaluate("loupe.query('SELECT count(amount), count(day) FROM stats')")["rows"] == [[2, 2]]


def test_a_late_value_widens_its_column_and_no_row_is_lost(app):
    lines = ["id,temp,note"] + [f"{i},{i % 30}.5,{i}" for i in range(30000)]
    lines[25501] = "25500,NA,oops"
    info = open_text(app, "hourly.csv", "\n".join(lines) + "\n")
    assert info["rows"] == 30000
    assert types_of(info) == {"id": "BIGINT", "temp": "DOUBLE", "note": "VARCHAR"}
    notice = app.locator("#error-text").inner_text()
    assert "NA marks missing values (1)" in notice
    assert "'note' holds values far into the file that are not integers (first on line 25,502)" in notice
    assert "no row was left out" in notice and "left out:" not in notice
    assert app.evaluate("loupe.query('SELECT temp, note FROM hourly WHERE id = 25500')")["rows"] == [[None, "oops"]]


def test_an_all_text_r_export_has_its_header_and_named_row_names(app):
    text = '"","species","colour"\n"1","setosa","red"\n"2","setosa","blue"\n"3","virginica","red"\n'
    info = open_text(app, "iris_text.csv", text)
    assert info["rows"] == 3
    assert [c["name"] for c in info["columns"]] == ["row_names", "species", "colour"]
    assert summary(app).endswith("· with header")
    empty = open_text(app, "empty.csv", '"","x","y"\n')
    assert empty["rows"] == 0 and [c["name"] for c in empty["columns"]] == ["row_names", "x", "y"]


@pytest.fixture
def recipient(browser):
    """A page in a context of its own: what the recipient of a link has."""
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"uncaught error in the page: {error}"))
    yield page
    context.close()


def test_a_link_replays_the_chosen_markers(app, recipient, tmp_path):
    open_text(app, "world.csv", WORLD)
    read_again_with(app, "-")
    app.wait_for_function("document.getElementById('source-summary').textContent.endsWith('Missing values: -')")
    app.locator("#share summary").click()
    app.wait_for_function("document.querySelector('#share-link').value.includes('#state=')")
    link = app.locator("#share-link").input_value()

    recipient.goto(link)
    recipient.wait_for_function("window.loupe !== undefined")
    recipient.evaluate("loupe.ready")
    recipient.locator("#waiting").wait_for(state="visible")
    path = tmp_path / "world.csv"
    path.write_text(WORLD)
    before = loads(recipient)
    recipient.set_input_files("#file-input", str(path))
    wait_loads(recipient, before + 1)
    recipient.wait_for_function("loupe.tables().some(t => t.table === 'world')")
    info = [t for t in recipient.evaluate("loupe.tables()") if t["table"] == "world"][0]
    assert types_of(info) == {"iso2": "VARCHAR", "country": "VARCHAR", "population": "VARCHAR", "gdp": "DOUBLE"}
    recipient.wait_for_function("document.getElementById('source-summary').textContent.endsWith('Missing values: -')")


def test_a_big_file_with_a_marker_past_the_quick_preview_opens(app):
    """Over 2 MB the first rows are shown from a quick guess on 2,048 lines; an NA below them must not fail."""
    lines = ["origin,year,hour,temp,wind_speed,note"]
    lines += [f"EWR,2013,{i % 24},{i % 40}.25,{i % 13}.5,{'x' * 40}" for i in range(40000)]
    lines[2053] = "EWR,2013,0,1.25,NA," + "x" * 40
    text = "\n".join(lines) + "\n"
    assert len(text) > 2_000_000
    info = open_text(app, "weather_big.csv", text)
    assert info["rows"] == 40000
    assert types_of(info)["wind_speed"] == "DOUBLE"
    assert app.evaluate("loupe.query('SELECT count(wind_speed) FROM weather_big')")["rows"] == [[39999]]
    assert summary(app).endswith("Missing values: NA")
