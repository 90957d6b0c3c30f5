"""The profile panel as a person uses it: open it, read every column's card, filter, click a value, close it.

Counts and statistics are checked against native DuckDB on the same file;
the tests wait on the panel's ``data-fills`` (views fully profiled) instead
of sleeping.
"""

import csv
import io

import duckdb
from helpers import ROOT, axe_violations, open_app
from test_explore import INJECTIONS, big_csv, open_text

from app.core import display
from app.core.profile import number_text

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"
COLUMNS = ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]
NUMBERS = ["precipitation", "temp_max", "temp_min", "wind"]

CARDS_JS = """() => [...document.querySelectorAll('#profile-cards .pp-card')].map((card) => ({
    column: card.dataset.column,
    name: card.querySelector('.prof-name')?.textContent,
    type: card.querySelector('.prof-type')?.textContent,
    stats: Object.fromEntries([...card.querySelectorAll('.prof-stats dt')].map(
        (dt) => [dt.textContent, dt.nextElementSibling.textContent])),
    bars: [...card.querySelectorAll('.prof-bars:not(.prof-top) .prof-count')].map((c) => c.textContent),
    top: [...card.querySelectorAll('.prof-top .prof-row')].map(
        (row) => [row.querySelector('.prof-value').textContent, row.querySelector('.prof-count').textContent]),
}))"""


def fills(app) -> int:
    return int(app.evaluate("Number(document.getElementById('profile-panel').dataset.fills || 0)"))


def wait_profiled(app, before: int) -> None:
    """Wait until a view newer than ``before`` is fully profiled."""
    app.wait_for_function(f"Number(document.getElementById('profile-panel').dataset.fills || 0) > {before}")


def open_profiles(app) -> None:
    before = fills(app)
    app.click("#profile-toggle")
    wait_profiled(app, before)


def change_state(app, state: dict) -> None:
    before = fills(app)
    app.evaluate("(state) => loupe.setTableState(loupe.view().active, state)", state)
    wait_profiled(app, before)


def cards(app) -> dict:
    return {card["column"]: card for card in app.evaluate(CARDS_JS)}


def weather(text: str) -> list:
    return duckdb.sql(text.replace("weather_table", f"read_csv('{SAMPLE}')")).fetchall()


def count(text: str) -> int:
    """``'641 · 44%'`` -> 641."""
    return int(text.split(" ")[0].replace(",", ""))


def test_every_column_has_a_card_with_the_numbers_duckdb_gives(app):
    open_profiles(app)
    assert app.get_attribute("#profile-toggle", "aria-expanded") == "true"
    assert "profile" in app.evaluate("loupe.view().panels")
    found = cards(app)
    assert list(found) == COLUMNS and [c["name"] for c in found.values()] == COLUMNS
    assert app.get_attribute("#profile-panel", "data-profiled") == "6"
    assert app.inner_text("#profile-status") == "6 columns profiled over 1,461 rows."
    for name in COLUMNS:
        stats = found[name]["stats"]
        rows, nulls, distinct = weather(
            f"SELECT count(*), count(*) - count({name}), count(DISTINCT {name}) FROM weather_table"
        )[0]
        assert stats["Rows"] == display.thousands(rows) and stats["Missing (NULL)"] == display.thousands(nulls), name
        assert stats["Distinct"] == display.thousands(distinct), name
    for name in NUMBERS:
        low, high, mean, median = weather(
            f"SELECT min({name}), max({name}), avg({name}), median({name}) FROM weather_table"
        )[0]
        stats = found[name]["stats"]
        assert found[name]["type"] == "DOUBLE"
        assert (stats["Minimum"], stats["Maximum"]) == (number_text(low), number_text(high)), name
        assert (stats["Mean"], stats["Median"]) == (number_text(mean), number_text(median)), name
        assert sum(count(bar) for bar in found[name]["bars"]) == 1461, name
    first, last = weather("SELECT min(date)::VARCHAR, max(date)::VARCHAR FROM weather_table")[0]
    assert (found["date"]["stats"]["Earliest"], found["date"]["stats"]["Latest"]) == (first, last)
    top = weather("SELECT weather, count(*) FROM weather_table GROUP BY 1 ORDER BY 2 DESC, 1")
    assert [(value, count(text)) for value, text in found["weather"]["top"]] == top


def test_the_cards_follow_filters_search_and_grouping(app):
    open_profiles(app)
    change_state(app, {"filters": [{"column": "weather", "op": "in", "value": ["snow"]}]})
    found = cards(app)
    assert {c["stats"]["Rows"] for c in found.values()} == {"26"}
    assert [(v, count(t)) for v, t in found["weather"]["top"]] == [("snow", 26)]
    high = weather("SELECT max(temp_max) FROM weather_table WHERE weather = 'snow'")[0][0]
    assert found["temp_max"]["stats"]["Maximum"] == number_text(high)
    assert app.inner_text("#profile-status") == "6 columns profiled over the 26 rows that match the filters."

    before = fills(app)
    app.fill("#search-input", "2014-03")
    app.press("#search-input", "Enter")
    wait_profiled(app, before)
    rows = weather(
        "SELECT count(*) FROM weather_table WHERE weather = 'snow' AND CAST(date AS VARCHAR) LIKE '%2014-03%'"
    )[0][0]
    assert {c["stats"]["Rows"] for c in cards(app).values()} == {display.thousands(rows)}

    # Grouped: the cards describe the rows behind the groups, and say so.
    change_state(
        app, {"group": {"by": ["weather"]}, "filters": [{"column": "wind", "op": "range", "value": [5, None]}]}
    )
    rows = weather("SELECT count(*) FROM weather_table WHERE wind >= 5")[0][0]
    assert {c["stats"]["Rows"] for c in cards(app).values()} == {display.thousands(rows)}
    assert list(cards(app)) == COLUMNS
    assert (
        app.inner_text("#profile-note")
        == "The view is grouped: these profiles describe the filtered rows behind the groups."
    )


def test_clicking_a_top_value_filters_to_it(app):
    open_profiles(app)
    before = fills(app)
    app.locator(".pp-card[data-column='weather'] .prof-value", has_text="fog").click()
    wait_profiled(app, before)
    assert app.locator("#chips .chip-label").count() == 1
    assert "fog" in app.inner_text("#chips")
    assert app.evaluate("loupe.view().tables.seattle_weather.filters") == [
        {"column": "weather", "op": "in", "value": ["fog"]}
    ]
    assert {c["stats"]["Rows"] for c in cards(app).values()} == {"101"}
    # The clicked card was drawn again; the focus stays in it, not lost to the page.
    assert app.evaluate("document.activeElement.closest('.pp-card')?.dataset.column") == "weather"


def test_closing_by_button_and_escape_returns_the_focus_to_the_toggle(app):
    open_profiles(app)
    app.click("#profile-close")
    assert app.is_hidden("#profile-panel")
    assert app.get_attribute("#profile-toggle", "aria-expanded") == "false"
    assert app.evaluate("document.activeElement.id") == "profile-toggle"
    assert "profile" not in app.evaluate("loupe.view().panels")

    before = fills(app)
    app.keyboard.press("Enter")  # the toggle has the focus: open again, from the cache, at once
    assert app.is_visible("#profile-panel") and fills(app) == before
    assert app.get_attribute("#profile-panel", "data-profiled") == "6"
    assert "profile" in app.evaluate("loupe.view().panels")
    app.focus("#profile-cards")
    app.keyboard.press("Escape")
    assert app.is_hidden("#profile-panel")
    assert app.evaluate("document.activeElement.id") == "profile-toggle"
    assert "profile" not in app.evaluate("loupe.view().panels")


def test_the_panel_passes_axe_in_light_and_dark(app, browser, base_url):
    open_profiles(app)
    assert axe_violations(app) == []
    context = browser.new_context(color_scheme="dark", viewport={"width": 390, "height": 800})
    try:
        dark = open_app(context.new_page(), base_url)
        open_profiles(dark)
        assert axe_violations(dark) == []
    finally:
        context.close()


def test_column_names_from_an_injection_corpus_render_as_text(app):
    names = INJECTIONS[:6] + ['say "hi"', "it's", "📈 growth 🚀", "long " * 60 + "end"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for i in range(5):
        writer.writerow([INJECTIONS[(i + j) % 6] for j in range(6)] + ['"q"', "o'k", "🚀", str(i)])
    open_text(app, '<img src=x onerror="window.__pwned=9">.csv', out.getvalue())
    open_profiles(app)
    table = app.evaluate("loupe.tables().at(-1).columns.map((c) => c.name)")
    found = cards(app)
    assert list(found) == table and [c["name"] for c in found.values()] == table
    assert len(table) == len(names) and table[-1] == names[-1].strip()
    before = fills(app)
    app.locator(".pp-card").first.locator(".prof-value").first.click()  # an injected value, as a filter
    wait_profiled(app, before)
    assert app.locator("#chips .chip-label").count() == 1
    assert app.evaluate("window.__pwned") is None
    assert app.locator("main img, main script, main svg, main iframe").count() == 0


def test_a_wide_table_shows_its_first_60_columns_and_says_so(app):
    header = ",".join(f"c{i}" for i in range(75))
    body = "".join(",".join(str(r * i) for i in range(75)) + "\n" for r in range(20))
    open_text(app, "wide.csv", header + "\n" + body)
    open_profiles(app)
    assert list(cards(app)) == [f"c{i}" for i in range(60)]
    assert app.inner_text("#profile-note") == "Showing the first 60 of 75 columns."


def test_a_newer_filter_stops_older_work_on_a_big_table(app, tmp_path):
    text = big_csv(100_000)
    (tmp_path / "big.csv").write_text(text)
    open_text(app, "big.csv", text)
    app.evaluate(
        "loupe.setTableState(loupe.view().active, {filters: [{column: 'group', op: 'in', value: ['a', 'b']}]})"
    )
    # As soon as the first column is being profiled, the person filters again.
    app.evaluate("""() => {
        window.__statuses = [];
        const status = document.getElementById('profile-status');
        new MutationObserver(() => {
            window.__statuses.push(status.textContent);
            if (status.textContent.startsWith('Profiling column 1 of') && !window.__switched) {
                window.__switched = true;
                loupe.setTableState(loupe.view().active, {filters: [{column: 'group', op: 'in', value: ['c']}]});
            }
        }).observe(status, {childList: true, characterData: true, subtree: true});
    }""")
    before = fills(app)
    app.click("#profile-toggle")
    wait_profiled(app, before)
    assert fills(app) == before + 1  # the first view was never finished: the newer one took its place
    assert "Profiling column 1 of 3…" in app.evaluate("window.__statuses")
    rows, low, high = duckdb.sql(
        f"SELECT count(*), min(value), max(value) FROM read_csv('{tmp_path / 'big.csv'}') WHERE \"group\" = 'c'"
    ).fetchall()[0]
    found = cards(app)
    assert list(found) == ["id", "group", "value"]
    assert {c["stats"]["Rows"] for c in found.values()} == {display.thousands(rows)}
    assert [v for v, _ in found["group"]["top"]] == ["c"]
    assert (found["value"]["stats"]["Minimum"], found["value"]["stats"]["Maximum"]) == (
        number_text(low),
        number_text(high),
    )
