"""The explorer's decisions moved into app/core, as a person meets them: dragging a header, sorting groups, keys.

(Each decision has its unit tests under CPython; these check the wiring.)
"""


def views(app) -> int:
    return int(app.evaluate("Number(document.body.dataset.views || 0)"))


def wait_view(app, before: int) -> None:
    """Wait until a view drawn after ``before`` has also been counted."""
    app.wait_for_function(f"Number(document.body.dataset.views || 0) > {before}")
    app.wait_for_function("Number(document.body.dataset.settled || 0) >= Number(document.body.dataset.views || 0)")


def first_cells(app, column: int, n: int = 3) -> list:
    rows = app.locator("#grid tbody tr[data-row]:not(.waiting)")
    return [rows.nth(i).locator("td").nth(column).inner_text() for i in range(n)]


def names(app) -> list:
    return app.locator("#grid thead .colname").all_inner_texts()


def test_a_header_dragged_onto_another_moves_its_column_before_it(app):
    assert names(app) == ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"]
    before = views(app)
    app.locator("#grid thead th[data-col='5']").drag_to(app.locator("#grid thead th[data-col='1']"))
    wait_view(app, before)
    assert names(app) == ["date", "weather", "precipitation", "temp_max", "temp_min", "wind"]
    assert first_cells(app, 1, 1) == ["drizzle"]
    assert app.evaluate("loupe.view().tables.seattle_weather.order")[:2] == ["date", "weather"]


def test_a_grouped_view_cycles_the_sort_of_its_groups(app):
    app.locator("#group summary").click()
    app.locator("#group-keys input[value='weather']").check()
    before = views(app)
    app.locator("#group-form button[type=submit]").click()
    wait_view(app, before)
    count = app.locator("#grid thead th[data-col='1']")
    assert count.get_attribute("aria-sort") == "descending"  # commonest groups first until a header is clicked
    assert first_cells(app, 0, 1) == ["rain"]
    # asc, desc, then no sort of its own: commonest first again
    for aria, first in (("ascending", "snow"), ("descending", "rain"), ("descending", "rain")):
        before = views(app)
        count.locator(".colhead").click()
        wait_view(app, before)
        count = app.locator("#grid thead th[data-col='1']")
        assert count.get_attribute("aria-sort") == aria
        assert first_cells(app, 0, 1) == [first]
    assert app.evaluate("loupe.view().tables.seattle_weather.group.sort") == []


def test_keys_move_the_selection_and_say_where_it_is(app):
    app.locator("#grid tbody tr[data-row='0'] td[data-c='5']").click()
    assert app.locator("#cell-status").inner_text() == "Row 1, weather: drizzle"
    app.keyboard.press("Control+End")
    app.wait_for_function("document.getElementById('cell-status').textContent.startsWith('Row 1,461, weather')")
    app.wait_for_selector("#grid tbody tr[data-row='1460']:not(.waiting)")  # the last block has arrived
    app.keyboard.press("Home")
    assert app.locator("#cell-status").inner_text() == "Row 1,461, date: 2015-12-31"
    app.keyboard.press("Shift+ArrowUp")
    assert app.locator("#cell-status").inner_text().endswith("— 2 × 1 selected")
