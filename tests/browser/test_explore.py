"""Exploring a table as a person does: scroll, sort, filter, facets, search, group, columns, select and copy.

Every number on screen is checked against native DuckDB on the same data.
"""

import csv
import io
import random

import duckdb
import pytest
from helpers import ROOT, axe_violations

SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"


def views(app) -> int:
    return int(app.evaluate("Number(document.body.dataset.views || 0)"))


def settled(app) -> int:
    return int(app.evaluate("Number(document.body.dataset.settled || 0)"))


def wait_view(app, before: int) -> None:
    """Wait until a view drawn after ``before`` has also been counted."""
    app.wait_for_function(f"Number(document.body.dataset.views || 0) > {before}")
    app.wait_for_function("Number(document.body.dataset.settled || 0) >= Number(document.body.dataset.views || 0)")


def first_cells(app, column: int, n: int = 3) -> list:
    rows = app.locator("#grid tbody tr[data-row]:not(.waiting)")
    return [rows.nth(i).locator("td").nth(column).inner_text() for i in range(n)]


def weather(sql: str) -> list:
    return duckdb.sql(sql.replace("weather_table", f"read_csv('{SAMPLE}')")).fetchall()


def open_text(app, name: str, text: str) -> None:
    loads = app.evaluate("Number(document.body.dataset.loads || 0)")
    app.evaluate("([name, text]) => loupe.open({name, text})", [name, text])
    app.wait_for_function(f"Number(document.body.dataset.loads) > {loads}")


def big_csv(rows: int) -> str:
    random.seed(7)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "group", "value"])
    for i in range(rows):
        writer.writerow([i, random.choice("abcdefgh"), round(random.uniform(-1000, 1000), 2)])
    return out.getvalue()


def test_scrolling_a_large_table_fetches_only_what_is_in_sight(app):
    open_text(app, "big.csv", big_csv(300_000))
    assert app.locator("#view-count").inner_text() == "300,000 rows"
    assert app.locator("#grid tbody tr[data-row]").count() < 80  # a pool of rows, not 300,000
    app.locator("#grid-wrap").evaluate("(wrap) => { wrap.scrollTop = wrap.scrollHeight / 2; }")
    app.wait_for_function("""() => {
        const row = document.querySelector('#grid tbody tr[data-row]:not(.waiting):not([hidden])');
        return row && Number(row.dataset.row) > 100000;
    }""")
    row = app.locator("#grid tbody tr[data-row]:not(.waiting)").nth(10)
    number = int(row.get_attribute("data-row"))
    assert row.locator("th").inner_text().replace(",", "") == str(number + 1)
    assert row.locator("td").first.inner_text() == str(number)  # the id column is the row number
    app.locator("#grid-wrap").evaluate("(wrap) => { wrap.scrollTop = wrap.scrollHeight; }")
    app.locator("#grid tbody tr[data-row='299999']:not(.waiting)").wait_for()
    app.fill("#jump-input", "123457")
    app.press("#jump-input", "Enter")
    app.locator("#grid tbody tr[data-row='123456']:not(.waiting)").wait_for()
    assert app.locator("#grid tbody tr[data-row='123456'] td").first.inner_text() == "123456"


def test_sort_by_two_columns_then_a_far_row_agrees_with_duckdb(app):
    before = views(app)
    app.locator("#grid thead th[data-col='5'] .colhead").click()  # weather ascending
    wait_view(app, before)
    before = views(app)
    app.locator("#grid thead th[data-col='2'] .colhead").click(modifiers=["Shift"])  # then temp_max ascending
    wait_view(app, before)
    before = views(app)
    app.locator("#grid thead th[data-col='2'] .colhead").click(modifiers=["Shift"])  # temp_max descending
    wait_view(app, before)
    assert app.locator("#grid thead th[data-col='2'] .sortmark").inner_text() == "▼2"
    want = weather("SELECT weather, temp_max FROM weather_table ORDER BY weather, temp_max DESC")
    assert first_cells(app, 5, 1) == [want[0][0]] and first_cells(app, 2, 1) == [f"{want[0][1]:g}"]
    app.fill("#jump-input", "1000")
    app.press("#jump-input", "Enter")
    row = app.locator("#grid tbody tr[data-row='999']:not(.waiting)")
    row.wait_for()
    assert (row.locator("td").nth(5).inner_text(), row.locator("td").nth(2).inner_text()) == (
        want[999][0],
        f"{want[999][1]:g}",
    )
    assert app.evaluate("loupe.view().tables.seattle_weather.sort") == [["weather", "asc"], ["temp_max", "desc"]]


def test_filters_from_the_column_panel_show_chips_and_counts(app):
    app.locator("#grid thead th[data-col='2'] .colmenu").click()  # temp_max
    side = app.locator("#side")
    side.wait_for()
    side.locator(".range-form input").first.fill("20")
    side.locator(".range-form input").nth(1).fill("25.5")
    before = views(app)
    side.get_by_role("button", name="Apply range").click()
    wait_view(app, before)
    n = weather("SELECT count(*) FROM weather_table WHERE temp_max BETWEEN 20 AND 25.5")[0][0]
    assert app.locator("#view-count").inner_text() == f"Showing {n:,} of 1,461 rows"
    assert app.locator("#chips .chip-label").all_inner_texts() == ["temp_max: 20 – 25.5"]
    app.locator("#grid thead th[data-col='5'] .colmenu").click()  # weather: facets under the range filter
    facets = side.locator(".facet-list .facet")
    facets.first.wait_for()
    counts = dict(weather("SELECT weather, count(*) FROM weather_table WHERE temp_max BETWEEN 20 AND 25.5 GROUP BY 1"))
    shown = {
        facets.nth(i).locator(".facet-value").inner_text(): int(
            facets.nth(i).locator(".facet-count").inner_text().replace(",", "")
        )
        for i in range(facets.count())
    }
    assert shown == counts
    side.locator(".facet", has_text="fog").locator("input").check()
    side.locator(".facet", has_text="drizzle").locator("input").check()
    before = views(app)
    side.get_by_role("button", name="Show only the checked values").click()
    wait_view(app, before)
    n = weather(
        "SELECT count(*) FROM weather_table WHERE temp_max BETWEEN 20 AND 25.5 AND weather IN ('fog', 'drizzle')"
    )[0][0]
    assert app.locator("#view-count").inner_text() == f"Showing {n:,} of 1,461 rows"
    assert set(first_cells(app, 5, min(n, 3))) <= {"fog", "drizzle"}
    before = views(app)
    app.locator("#chips .chip-remove").first.click()  # drop the range: only the weather filter stays
    wait_view(app, before)
    n = weather("SELECT count(*) FROM weather_table WHERE weather IN ('fog', 'drizzle')")[0][0]
    assert app.locator("#view-count").inner_text() == f"Showing {n:,} of 1,461 rows"
    assert axe_violations(app) == []


def test_search_contains_and_a_bad_regular_expression(app):
    before = views(app)
    app.fill("#search-input", "2013-02")
    app.press("#search-input", "Enter")
    wait_view(app, before)
    assert app.locator("#view-count").inner_text() == "Showing 28 of 1,461 rows"
    app.locator("#grid thead th[data-col='5'] .colmenu").click()
    side = app.locator("#side")
    side.locator(".contains-form input[type=search]").fill("(unclosed")
    side.locator(".contains-form input[type=checkbox]").check()
    side.get_by_role("button", name="Find").click()
    alert = app.locator("#error")
    alert.wait_for(state="visible")
    assert "“(unclosed” is not a valid regular expression" in alert.inner_text()
    # the failed filter was not kept: the search alone still applies
    assert app.evaluate("loupe.view().tables.seattle_weather.filters || []") == []
    assert app.locator("#view-count").inner_text() == "Showing 28 of 1,461 rows"
    side.locator(".contains-form input[type=search]").fill("^dri")
    before = views(app)
    side.get_by_role("button", name="Find").click()
    wait_view(app, before)
    n = weather(
        "SELECT count(*) FROM weather_table WHERE strftime(date, '%Y-%m-%d') LIKE '%2013-02%' AND weather LIKE 'dri%'"
    )[0][0]
    assert app.locator("#view-count").inner_text() == f"Showing {n:,} of 1,461 rows"
    before = views(app)
    app.locator("#chips").get_by_role("button", name="Clear all").click()
    wait_view(app, before)
    assert app.locator("#view-count").inner_text() == "1,461 rows"
    assert app.locator("#search-input").input_value() == ""


def test_group_by_with_summaries_and_drill_down(app):
    app.locator("#group summary").click()
    app.locator("#group-keys input[value='weather']").check()
    app.locator("#group-add").click()
    row = app.locator("#group-aggs .agg-row").last
    row.locator("select").first.select_option("avg")
    row.locator("select").nth(1).select_option("temp_max")
    before = views(app)
    app.locator("#group-form button[type=submit]").click()
    wait_view(app, before)
    assert app.locator("#grid thead .colname").all_inner_texts() == ["weather", "count", "avg(temp_max)"]
    want = weather("SELECT weather, count(*), avg(temp_max) FROM weather_table GROUP BY 1 ORDER BY 2 DESC, 1")
    assert first_cells(app, 0, 5) == [w for w, _, _ in want]
    assert first_cells(app, 1, 5) == [f"{n:,}".replace(",", "") for _, n, _ in want]
    assert abs(float(first_cells(app, 2, 1)[0]) - want[0][2]) < 1e-9
    assert app.locator("#view-count").inner_text() == "5 groups of 1,461 rows"
    assert axe_violations(app) == []
    fog = app.locator("#grid tbody tr[data-row]", has_text="fog")
    before = views(app)
    fog.locator(".drill").click()
    wait_view(app, before)
    assert app.locator("#view-count").inner_text() == "Showing 101 of 1,461 rows"
    assert app.locator("#chips .chip-label").all_inner_texts() == ["weather: fog"]


def test_columns_hide_move_and_resize(app):
    app.locator("#grid thead th[data-col='4'] .colmenu").click()  # wind
    before = views(app)
    app.locator("#side").get_by_role("button", name="Hide column").click()
    wait_view(app, before)
    assert "wind" not in app.locator("#grid thead .colname").all_inner_texts()
    assert app.locator("#columns-summary").inner_text() == "Columns (1 hidden)…"
    app.locator("#grid thead th[data-col='4'] .colmenu").click()  # weather is now the 5th
    before = views(app)
    app.locator("#side").get_by_role("button", name="Move left").click()
    wait_view(app, before)
    assert app.locator("#grid thead .colname").all_inner_texts() == [
        "date",
        "precipitation",
        "temp_max",
        "weather",
        "temp_min",
    ]
    assert first_cells(app, 3, 1) == ["drizzle"]
    handle = app.locator("#grid thead th[data-col='0'] .resize")
    box = handle.bounding_box()
    width = app.locator("#grid thead th[data-col='0']").bounding_box()["width"]
    app.mouse.move(box["x"] + 3, box["y"] + 10)
    app.mouse.down()
    app.mouse.move(box["x"] + 83, box["y"] + 10, steps=5)
    app.mouse.up()
    grown = app.locator("#grid thead th[data-col='0']").bounding_box()["width"]
    assert 70 <= grown - width <= 90
    assert app.evaluate("loupe.view().tables.seattle_weather.widths.date") == round(grown)
    app.locator("#columns summary").click()
    before = views(app)
    app.locator("#columns-all").click()
    wait_view(app, before)
    assert len(app.locator("#grid thead .colname").all_inner_texts()) == 6


def test_select_a_range_with_the_keyboard_and_copy_it_as_tsv(app, context, base_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    app.locator("#grid tbody tr[data-row='1'] td[data-c='1']").click()
    app.keyboard.down("Shift")
    for key in ("ArrowDown", "ArrowDown", "ArrowRight"):
        app.keyboard.press(key)
    app.keyboard.up("Shift")
    assert app.locator("#grid td.sel").count() == 6
    assert "3 × 2 selected" in app.locator("#cell-status").inner_text()
    app.keyboard.press("Control+c")
    app.wait_for_function("document.getElementById('status').textContent.startsWith('Copied 3 rows')")
    want = weather("SELECT precipitation, temp_max FROM weather_table LIMIT 3 OFFSET 1")
    assert app.evaluate("navigator.clipboard.readText()") == "\n".join(f"{a:g}\t{b:g}" for a, b in want)
    app.keyboard.press("Control+End")
    app.locator("#grid tbody tr[data-row='1460'] td.active").wait_for()


def test_profile_panel_numbers_match_duckdb(app):
    app.locator("#grid thead th[data-col='2'] .colmenu").click()
    panel = app.locator("#side")
    panel.locator(".prof-panel, [class^='prof']").first.wait_for()
    app.wait_for_function("document.getElementById('side').innerText.includes('35.6')")  # the profile is in
    text = panel.inner_text()
    mean, low, high = weather("SELECT avg(temp_max), min(temp_max), max(temp_max) FROM weather_table")[0]
    assert "-1.6" in text and "35.6" in text
    assert f"{mean:.2f}"[:4] in text
    app.wait_for_function("document.querySelectorAll('#grid thead .spark-slot:not(:empty)').length === 6")
    assert axe_violations(app) == []


@pytest.mark.parametrize(
    "state, message",
    [
        ({"sort": [["nope", "asc"]]}, "no column named 'nope'"),
        ({"filters": [{"column": "weather", "op": "like-ish", "value": 1}]}, "Unknown filter"),
        ({"sort": "weather"}, "sort must be"),
        ({"group": {"by": ["weather"], "aggs": [{"fn": "sum", "column": "weather"}]}}, "choose a number column"),
    ],
)
def test_bad_table_states_from_the_api_are_refused_and_nothing_changes(app, state, message):
    error = app.evaluate(
        "(state) => loupe.setTableState('seattle_weather', state).then(() => '', (e) => e.message)", state
    )
    assert message in error
    assert app.locator("#view-count").inner_text() == "1,461 rows"
    missing = app.evaluate("loupe.setTableState('nope', {}).then(() => '', (e) => e.message)")
    assert "No table named 'nope'" in missing


def test_a_state_from_the_api_is_drawn_and_announced(app):
    app.evaluate("window.__views = []; addEventListener('loupe:view', (e) => window.__views.push(e.detail))")
    before = views(app)
    applied = app.evaluate("""loupe.setTableState('seattle_weather', {
        filters: [{column: 'weather', op: 'in', value: ['snow']}], sort: [['date', 'desc']], hidden: ['wind']})""")
    wait_view(app, before)
    assert applied["filters"] == [{"column": "weather", "op": "in", "value": ["snow"]}]
    assert app.locator("#view-count").inner_text() == "Showing 26 of 1,461 rows"
    assert first_cells(app, 0, 1) == list(
        weather(
            "SELECT strftime(date, '%Y-%m-%d') FROM weather_table WHERE weather = 'snow' ORDER BY date DESC LIMIT 1"
        )[0]
    )
    assert app.evaluate("window.__views.at(-1).tables.seattle_weather.hidden") == ["wind"]


INJECTIONS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    '"><svg onload=window.__pwned=3>',
    "javascript:window.__pwned=4",
    "{{constructor.constructor('window.__pwned=5')()}}",
    "<iframe srcdoc='<script>parent.__pwned=6</script>'>",
    "' OR 1=1; DROP TABLE seattle_weather; --",
    "\u202eevil\u202c",
    "a\nb\tc",
]


def test_injection_strings_stay_text_everywhere(app):
    header = ",".join('"' + s.replace('"', '""') + '"' for s in INJECTIONS[:4]) + ",n\n"
    body = "".join(
        ",".join('"' + s.replace('"', '""') + '"' for s in INJECTIONS[i : i + 4]) + f",{i}\n"
        for i in range(len(INJECTIONS) - 3)
    )
    open_text(app, '<img src=x onerror="window.__pwned=9">.csv', header + body)
    app.locator("#grid thead th[data-col='1'] .colmenu").click()  # facets and profile of injected values
    app.locator("#side .facet-list").wait_for()
    before = views(app)
    app.locator("#side .facet input").first.check()
    app.locator("#side").get_by_role("button", name="Show only the checked values").click()
    wait_view(app, before)
    app.locator("#group summary").click()
    app.locator("#group-keys input").nth(2).check()
    before = views(app)
    app.locator("#group-form button[type=submit]").click()
    wait_view(app, before)
    # A value put in as markup would have made an <img src=x> that runs its handler when x fails
    # to load; by the time an image of the same address, asked for now, has failed, it had.
    app.evaluate("""() => new Promise((failed) => {
        const probe = new Image();
        probe.addEventListener('error', failed);
        probe.src = 'x';
    })""")
    assert app.evaluate("window.__pwned") is None
    assert app.locator("main img, main script, main svg, main iframe").count() == 0
    heights = app.evaluate(
        "[...document.querySelectorAll('#grid tbody tr[data-row]:not([hidden])')].map(r => r.getBoundingClientRect().height)"
    )
    assert heights and all(abs(h - heights[0]) < 1 for h in heights)  # no cell broke the row layout
    assert app.locator("#chips .chip-label").count() >= 2
    assert app.evaluate("loupe.tables().some(t => t.table.includes('img'))")
