"""Transform steps in the browser: the API, the Steps panel with its preview, undo/redo, and links that replay steps."""

import math

import pytest
from helpers import BOOT_TIMEOUT_MS, booted_page, counter, wait_counter

TABLE = "seattle_weather"


@pytest.fixture(scope="module")
def steps_app(browser, base_url):
    """One booted page for the module; each test starts from the sample with no steps."""
    context, page = booted_page(browser, base_url)
    yield page
    context.close()


@pytest.fixture
def page(steps_app):
    steps_app.evaluate(f"loupe.setSteps('{TABLE}', [])")
    steps_app.evaluate(f"loupe.setTableState('{TABLE}', {{filters: [], search: ''}})")
    yield steps_app
    assert not steps_app.errors, f"uncaught errors in the page: {steps_app.errors}"


def columns(page) -> list:
    return [c["name"] for c in page.evaluate("loupe.tables()") if c["table"] == TABLE for c in c["columns"]]


def test_a_derived_column_through_the_api_is_computed_listed_and_logged(page):
    report = page.evaluate(
        f"loupe.addStep({{kind: 'derive', name: 'range', expression: 'temp_max - temp_min'}}, '{TABLE}')"
    )
    assert [s["state"] for s in report["steps"]] == ["done"]
    assert report["steps"][0]["says"] == "New column 'range' = temp_max - temp_min"
    assert "range" in columns(page)
    wrong = page.evaluate(
        f"loupe.query('SELECT count(*) FROM {TABLE} WHERE range IS DISTINCT FROM temp_max - temp_min')"
    )
    assert wrong["rows"] == [[0]]
    entries = [e for e in page.evaluate("loupe.view()")["log"] if e["op"] == "steps"]
    assert entries[-1]["steps"] == [{"kind": "derive", "name": "range", "expression": "temp_max - temp_min"}]
    # the source is Loupe's own: not a table of the person's
    assert TABLE in [t["table"] for t in page.evaluate("loupe.tables()")]
    assert not [t for t in page.evaluate("loupe.tables()") if t["table"].startswith("loupe_")]


@pytest.mark.parametrize(
    ("step", "words"),
    [
        ({"kind": "derive", "name": "x", "expression": "temp_max + nope"}, "nope"),
        ({"kind": "derive", "name": "x", "expression": "1); DROP TABLE seattle_weather; --"}, "one expression"),
        ({"kind": "derive", "name": "x"}, "expression is missing"),
        ({"kind": "derive", "name": "x", "expression": 3}, "expression must be"),
        ({"kind": "splice", "name": "x"}, "kind must be one of"),
        ({"kind": "rename", "column": "wind", "to": "weather"}, "already a column"),
        ({"kind": "derive", "name": "x", "expression": "CAST(weather AS INTEGER)"}, "Could not convert"),
    ],
)
def test_a_step_that_cannot_apply_is_refused_with_its_reason_and_the_table_is_unchanged(page, step, words):
    before = columns(page)
    message = page.evaluate(
        "(step) => loupe.addStep(step, 'seattle_weather').then(() => 'applied', (e) => e.message)", step
    )
    assert words in message
    assert "__loupe_row" not in message
    assert columns(page) == before
    assert page.evaluate(f"loupe.steps('{TABLE}')")["steps"] == []
    assert page.evaluate(f"loupe.query('SELECT count(*) FROM {TABLE}')")["rows"] == [[1461]]


def test_malformed_step_json_names_the_field(page):
    message = page.evaluate(
        "loupe.setSteps('seattle_weather', [{kind: 'derive', name: 'a', expression: 'wind'}, {kind: 'keep'}])"
        ".then(() => 'applied', (e) => e.message)"
    )
    assert "steps[1].columns is missing" in message
    message = page.evaluate("loupe.addStep('not a step').then(() => 'applied', (e) => e.message)")
    assert "step must be an object" in message


def test_the_panel_previews_a_derived_column_then_applies_it(page):
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.select_option("#step-kind", "derive")
    page.fill("#step-field-name", "warm")
    previews = counter(page, "previews", "#step-preview")
    page.locator("#step-field-expression").click()
    page.keyboard.type("temp_max > 2")  # typed: the preview follows
    page.keyboard.type("0")
    wait_counter(page, "previews", previews, "#step-preview")
    page.wait_for_selector("#step-preview th.st-made")
    assert page.locator("#step-preview th.st-made").inner_text() == "warm"
    assert page.locator("#step-preview tbody tr").count() == 20
    assert "warm" not in columns(page)  # not applied yet
    applied = counter(page, "applied", "#steps-panel")
    page.locator("#step-apply").click()
    wait_counter(page, "applied", applied, "#steps-panel")
    assert "warm" in columns(page)
    assert page.locator("#steps-list .st-line").all_inner_texts() == ["New column 'warm' = temp_max > 20"]
    assert page.locator("#steps-toggle").inner_text() == "Steps (1)"


def test_an_expression_error_is_shown_at_its_place_before_applying(page):
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.select_option("#step-kind", "derive")
    page.fill("#step-field-name", "bad")
    previews = counter(page, "previews", "#step-preview")
    page.fill("#step-field-expression", "wind * nope")
    wait_counter(page, "previews", previews, "#step-preview")
    page.wait_for_selector("#step-preview .st-at-mark")
    assert "nope" in page.locator("#step-preview .st-preview-problem").inner_text()
    assert page.locator("#step-preview .st-at-mark").inner_text() == "n"  # the mark is on 'nope'
    page.locator("#step-cancel").click()


def test_a_value_step_previews_its_changes_before_and_after(page):
    page.evaluate(
        f"loupe.addStep({{kind: 'derive', name: 'wind', expression: 'CASE WHEN wind > 5 THEN NULL ELSE wind END'}},"
        f" '{TABLE}')"
    )
    found = page.evaluate(f"loupe.previewStep({{kind: 'derive', name: 'wind', expression: 'round(wind)'}}, '{TABLE}')")
    oracle = page.evaluate(
        f"loupe.query('SELECT count(*) FILTER (WHERE round(wind) IS DISTINCT FROM wind),"
        f" count(*) FILTER (WHERE wind IS NULL) FROM {TABLE}')"
    )
    assert found["changed"] == oracle["rows"][0][0] > 0
    assert found["emptied"] == 0  # round() empties nothing: the NULLs were empty before
    first = page.evaluate(f"loupe.query('SELECT wind FROM {TABLE} LIMIT 20')")["rows"]
    assert found["before"]["wind"] == [row[0] for row in first]
    index = [c["name"] for c in found["columns"]].index("wind")  # DuckDB rounds halves away from zero
    assert [row[index] for row in found["rows"]] == [
        None if v is None else math.floor(v + 0.5) for v in found["before"]["wind"]
    ]


def test_filters_become_a_step_that_keeps_their_rows(page):
    page.evaluate(f"loupe.setTableState('{TABLE}', {{filters: [{{column: 'weather', op: 'in', value: ['sun']}}]}})")
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.select_option("#step-kind", "filter")
    applied = counter(page, "applied", "#steps-panel")
    page.locator("#step-apply").click()
    wait_counter(page, "applied", applied, "#steps-panel")
    sunny = page.evaluate(f"loupe.query('SELECT count(*), count(DISTINCT weather) FROM {TABLE}')")["rows"]
    assert sunny == [[640, 1]]  # seattle-weather.csv has 640 sunny days
    assert page.evaluate("loupe.view()")["tables"][TABLE].get("filters") == []  # the filter became the step


def test_switch_off_move_and_remove_steps(page):
    page.evaluate(
        f"loupe.setSteps('{TABLE}', [{{kind: 'derive', name: 'a', expression: 'wind * 2'}},"
        " {kind: 'derive', name: 'b', expression: 'a + 1'}])"
    )
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.wait_for_function("document.querySelectorAll('#steps-list .st-step').length === 2")
    page.get_by_role("button", name="Do not apply step 1").click()
    page.wait_for_selector('#steps-list .st-step[data-index="1"][data-state="failed"]')
    assert "'a'" in page.locator('#steps-list .st-step[data-index="1"] .st-problem').inner_text()
    assert "a" not in columns(page) and "b" not in columns(page)  # b needs a: marked, nothing is lost
    assert len(page.evaluate(f"loupe.steps('{TABLE}')")["steps"]) == 2
    page.get_by_role("button", name="Apply step 1").click()
    page.wait_for_selector('#steps-list .st-step[data-index="1"][data-state="done"]')
    assert {"a", "b"} <= set(columns(page))
    page.get_by_role("button", name="Move step 1 down").click()  # b before a cannot apply: refused
    page.wait_for_selector("#error:not([hidden])")
    assert "cannot apply" in page.locator("#error-text").inner_text()
    assert [s["step"]["name"] for s in page.evaluate(f"loupe.steps('{TABLE}')")["steps"]] == ["a", "b"]
    page.locator("#error-close").click()
    page.get_by_role("button", name="Remove step 2").click()
    page.wait_for_function("document.querySelectorAll('#steps-list .st-step').length === 1")
    assert "b" not in columns(page) and "a" in columns(page)


def test_undo_and_redo_steps_and_filters_with_buttons_and_keys(page):
    page.evaluate(f"loupe.addStep({{kind: 'derive', name: 'u', expression: 'wind + 1'}}, '{TABLE}')")
    page.evaluate(f"loupe.setTableState('{TABLE}', {{filters: [{{column: 'weather', op: 'in', value: ['rain']}}]}})")
    travels = counter(page, "travels")
    page.locator("#undo").click()  # the filter goes
    wait_counter(page, "travels", travels)
    assert page.evaluate("loupe.view()")["tables"][TABLE].get("filters") == []
    assert "u" in columns(page)
    page.locator("#grid-wrap").focus()
    page.keyboard.press("Control+z")  # the step goes
    wait_counter(page, "travels", travels + 1)
    assert "u" not in columns(page)
    assert page.evaluate(f"loupe.steps('{TABLE}')")["steps"] == []
    page.keyboard.press("Control+Shift+z")  # and comes back
    wait_counter(page, "travels", travels + 2)
    assert "u" in columns(page)
    done = page.evaluate("loupe.redo()")  # the filter again
    assert done["done"] is True
    assert page.evaluate("loupe.view()")["tables"][TABLE]["filters"][0]["value"] == ["rain"]
    assert page.evaluate("loupe.redo()")["done"] is False  # nothing more to redo


def test_undo_never_goes_back_across_opening_a_file(page):
    page.evaluate(f"loupe.addStep({{kind: 'derive', name: 'v', expression: 'wind'}}, '{TABLE}')")
    page.evaluate("loupe.open({text: 'a,b\\n1,2\\n', name: 'other.csv'})")
    result = page.evaluate("loupe.undo()")
    assert result == {"done": False, "can_undo": False, "can_redo": False}
    assert "v" in columns(page)  # the step made before the file was opened stays
    page.locator("button[aria-label='Close other']").click()
    page.wait_for_function("loupe.tables().length === 1")


def test_a_link_replays_the_steps(page, browser, base_url):
    page.evaluate(
        f"loupe.setSteps('{TABLE}', [{{kind: 'rename', column: 'wind', to: 'wind_speed'}},"
        " {kind: 'conditional', name: 'windy', when: [{column: 'wind_speed', op: '>', value: 5, then: 'yes'}],"
        " else: 'no'}])"
    )
    link = page.evaluate("loupe.link()")
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    try:
        other = context.new_page()
        other.goto(link)
        other.wait_for_function("window.loupe !== undefined")
        other.evaluate("loupe.ready")
        other.wait_for_function(
            "loupe.tables().some(t => t.columns.some(c => c.name === 'windy'))", timeout=BOOT_TIMEOUT_MS
        )
        counts = other.evaluate(f"loupe.query('SELECT windy, count(*) FROM {TABLE} GROUP BY 1 ORDER BY 1')")
        oracle = page.evaluate(
            "(sql) => loupe.query(sql)",
            f"SELECT CASE WHEN wind_speed > 5 THEN 'yes' ELSE 'no' END, count(*) FROM {TABLE} GROUP BY 1 ORDER BY 1",
        )
        assert counts["rows"] == oracle["rows"]
        assert [s["says"] for s in other.evaluate(f"loupe.steps('{TABLE}')")["steps"]] == [
            "Rename 'wind' to 'wind_speed'",
            "New column 'windy' by 1 rule",
        ]
    finally:
        context.close()


def _labels(page) -> None:
    """A second table to join: 'sun' twice (key values repeat on both sides), 'drizzle' missing."""
    page.evaluate(
        "loupe.open({name: 'labels.csv', text: 'weather,label\\nsun,Sunny\\nrain,Rainy\\nfog,Foggy\\n"
        "snow,Snowy\\nsun,Bright\\n'})"
    )
    page.locator("#tables .tab-name", has_text=TABLE).click()
    page.wait_for_function(f"loupe.view().active === '{TABLE}'")


def _close(page, table: str) -> None:
    page.locator(f"button[aria-label='Close {table}']").click()
    page.wait_for_function(f"!loupe.tables().some(t => t.table === '{table}')")


def test_the_join_form_counts_matches_and_warns_before_it_runs(page):
    _labels(page)
    try:
        if page.locator("#steps-panel").is_hidden():
            page.locator("#steps-toggle").click()
        page.select_option("#step-kind", "join")
        page.wait_for_selector("#join-plan[data-counted]")
        counts = page.locator("#join-plan .st-plan-counts").inner_text()
        oracle = page.evaluate(
            f"loupe.query('SELECT count(*) FILTER (WHERE weather IN (SELECT weather FROM labels)),"
            f" count(*) FILTER (WHERE weather NOT IN (SELECT weather FROM labels)) FROM {TABLE}')"
        )["rows"][0]
        assert f"Here: 1,461 rows, {oracle[0]:,} match, {oracle[1]:,} do not." in counts
        assert page.locator("#join-plan").get_attribute("data-warning") == "many-to-many"
        assert "sun" in page.locator("#join-plan .st-plan-note").first.inner_text()
        assert page.locator(".st-key [data-key='left']").input_value() == "weather"  # suggested by name
        applied = counter(page, "applied", "#steps-panel")
        page.locator("#step-apply").click()
        wait_counter(page, "applied", applied, "#steps-panel")
        rows = page.evaluate(f"loupe.query('SELECT count(*) FROM {TABLE}')")["rows"][0][0]
        assert rows == 1461 + 640  # a left join: each sunny day twice
        assert "label" in columns(page)
    finally:
        page.evaluate(f"loupe.setSteps('{TABLE}', [])")
        _close(page, "labels")


def test_a_join_on_keys_of_different_types_reads_one_as_the_other(page):
    page.evaluate("loupe.open({name: 'codes.csv', text: 'code,word\\n1,one\\n2,two\\n'})")
    page.locator("#tables .tab-name", has_text=TABLE).click()
    try:
        page.evaluate(
            f"loupe.addStep({{kind: 'derive', name: 'code', expression: 'CAST(wind > 3 AS INT) + 1 || \\'\\''}},"
            f" '{TABLE}')"
        )
        found = page.evaluate(
            f"loupe.previewStep({{kind: 'join', table: 'codes', how: 'left', keys: [['code', 'code']]}}, '{TABLE}')"
        )
        assert found["problem"] and "casts" in found["problem"]
    finally:
        page.evaluate(f"loupe.setSteps('{TABLE}', [])")
        _close(page, "codes")


def test_a_pivot_with_totals_and_other_under_a_column_budget(page):
    page.evaluate(
        f"loupe.addStep({{kind: 'derive', name: 'day', expression: 'strftime(date, \\'%m-%d\\')'}}, '{TABLE}')"
    )
    report = page.evaluate(
        f"loupe.addStep({{kind: 'pivot', rows: ['weather'], columns: 'day', values: [{{fn: 'count'}}],"
        f" totals: true, limit_columns: 10}}, '{TABLE}')"
    )
    assert "the rest in Other" in report["steps"][1]["note"]
    names = columns(page)
    assert "Other" in names and "Total" in names and len(names) == 1 + 1 + 10 + 2  # weather, __level, 10, Other, Total
    rows = page.evaluate(f"loupe.query('SELECT * FROM {TABLE}')")
    index = {c["name"]: i for i, c in enumerate(rows["columns"])}
    grand = [r for r in rows["rows"] if r[index["__level"]] == 1]
    assert len(grand) == 1 and grand[0][index["Total"]] == 1461
    for row in rows["rows"]:  # the shown columns and Other add up to the total
        shown = [row[i] or 0 for name, i in index.items() if name not in ("weather", "__level", "Total")]
        assert sum(shown) == row[index["Total"]]
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.wait_for_selector("#steps-list .st-note")


def test_a_step_clicked_shows_the_table_as_of_that_step_and_save_keeps_the_result(page):
    page.evaluate(
        f"loupe.setSteps('{TABLE}', [{{kind: 'derive', name: 'a', expression: 'wind * 2'}},"
        " {kind: 'drop', columns: ['precipitation']}])"
    )
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.get_by_role("button", name="Show the table as of step 1: New column 'a' = wind * 2").click()
    page.wait_for_selector('#steps-list .st-step[data-index="1"][data-state="later"]')
    assert "precipitation" in columns(page) and "a" in columns(page)
    page.locator("#steps-all").click()
    page.wait_for_selector('#steps-list .st-step[data-index="1"][data-state="done"]')
    assert "precipitation" not in columns(page)
    page.fill("#steps-save-name", "windy_copy")
    page.locator("#steps-save button[type=submit]").click()
    page.wait_for_function("loupe.tables().some(t => t.table === 'windy_copy')")
    copy = [t for t in page.evaluate("loupe.tables()") if t["table"] == "windy_copy"][0]
    assert [c["name"] for c in copy["columns"]] == columns(page)
    assert copy["rows"] == 1461
    _close(page, "windy_copy")


def test_a_table_made_by_steps_sorts_filters_and_pages_like_any_other(page):
    page.evaluate(f"loupe.addStep({{kind: 'derive', name: 'range', expression: 'temp_max - temp_min'}}, '{TABLE}')")
    settled = counter(page, "settled")
    page.evaluate(
        f"loupe.setTableState('{TABLE}', {{sort: [['range', 'desc']],"
        " filters: [{column: 'weather', op: 'in', value: ['rain', 'sun']}]})"
    )
    wait_counter(page, "settled", settled)  # counted: the view has no row ids to store an order by
    assert "rows" in page.locator("#view-count").inner_text()
    top = page.evaluate(f"loupe.query(\"SELECT max(range) FROM {TABLE} WHERE weather IN ('rain', 'sun')\")")["rows"][0][
        0
    ]
    index = columns(page).index("range")
    first = page.locator(f"#grid tbody tr[data-row='0'] td[data-c='{index}']").inner_text()
    assert float(first) == pytest.approx(top)  # the grid shows the shortest text that reads back as the value
    assert not page.locator("#error:not([hidden])").count()
