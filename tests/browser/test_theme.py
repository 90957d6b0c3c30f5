"""A theme forced by the address (?theme=light|dark, for embedders) wins over the person's preference.

The page, the chart and the SQL editor all take the forced theme; anything else in ?theme= is
ignored and the preference applies, live. The stylesheets' two copies of the dark colours are
checked in tests/unit/test_css_themes.py.
"""

import pytest
from helpers import axe_violations
from test_chart_panel import open_chart
from test_sql_panel import open_sql

BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(21, 24, 28)"}  # --bg in assets/css/loupe.css
SQL_KEYWORD = {"light": "rgb(122, 31, 162)", "dark": "rgb(215, 168, 255)"}  # --sql-keyword in sql.css
AXIS_LABEL = {"light": "#000", "dark": "#fff"}  # Vega's default and "dark" themes


def background(page, selector: str = "body") -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).backgroundColor")


@pytest.mark.parametrize(("forced", "preferred"), [("dark", "light"), ("light", "dark")])
def test_a_forced_theme_wins_everywhere(page, base_url, forced, preferred):
    page.emulate_media(color_scheme=preferred)
    page.goto(base_url + "?theme=" + forced, wait_until="domcontentloaded")
    assert background(page) == BACKGROUND[forced]  # from the first paint, before Loupe has started
    page.wait_for_function("window.loupe !== undefined")  # then as helpers.open_app waits
    page.evaluate("loupe.ready")
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert page.evaluate("document.documentElement.dataset.theme") == forced
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == forced

    open_chart(page)
    assert background(page, "#chart-view") == BACKGROUND[forced]
    label = "document.querySelector('#chart-view .role-axis-label text').getAttribute('fill')"
    assert page.evaluate(label) == AXIS_LABEL[forced]

    open_sql(page)
    page.evaluate("loupeEditor.setText('SELECT weather, count(*) FROM seattle_weather GROUP BY 1')")
    assert background(page, "#sql-panel .cm-editor") == BACKGROUND[forced]
    keyword = "getComputedStyle(document.querySelector('#sql-panel .sql-tok-keyword')).color"
    assert page.evaluate(keyword) == SQL_KEYWORD[forced]
    assert axe_violations(page) == []

    drawn = page.evaluate("document.body.dataset.charts")
    page.emulate_media(color_scheme=forced)
    page.emulate_media(color_scheme=preferred)  # the preference changes while the page is open
    assert background(page) == BACKGROUND[forced]
    assert page.evaluate(label) == AXIS_LABEL[forced]
    assert page.evaluate("document.body.dataset.charts") == drawn  # the forced chart is not redrawn


@pytest.mark.parametrize("value", ["purple", "", "Dark"])
def test_any_other_theme_follows_the_preference(page, base_url, value):
    page.emulate_media(color_scheme="light")
    page.goto(base_url + "?theme=" + value, wait_until="domcontentloaded")
    assert page.evaluate("document.documentElement.dataset.theme") is None
    assert background(page) == BACKGROUND["light"]
    page.emulate_media(color_scheme="dark")
    assert background(page) == BACKGROUND["dark"]
