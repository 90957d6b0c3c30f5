"""The stylesheets' themes: dark by preference and dark by force (<html data-theme="dark">) agree.

light-dark() would say each colour once, but needs Chromium 123+, so each stylesheet writes its
dark variables twice (see assets/css/loupe.css); these checks keep the copies identical and make
sure no preference block overrides a forced light theme. The browser side is
tests/browser/test_theme.py.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = sorted((ROOT / "assets" / "css").glob("*.css"))
PREFERS_DARK = "@media (prefers-color-scheme: dark)"
UNLESS_LIGHT = ':root:not([data-theme="light"])'
FORCED_DARK = ':root[data-theme="dark"]'


def rules(css: str) -> list:
    """The top-level ``(prelude, body)`` pairs of ``css``, comments removed."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found, depth, start, prelude = [], 0, 0, ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.append((prelude, css[start:i]))
                start = i + 1
    return found


def declarations(body: str) -> dict:
    """``{property: value}`` of a rule's body."""
    pairs = (part.split(":", 1) for part in body.split(";") if part.strip())
    return {name.strip(): " ".join(value.split()) for name, value in pairs}


def dark_by_preference(css: str) -> dict:
    """The variables set for a dark preference, each block checked to leave a forced light theme alone."""
    found = {}
    for prelude, body in rules(css):
        if prelude == PREFERS_DARK:
            for selector, inner in rules(body):
                assert selector == UNLESS_LIGHT, f"{selector!r} under {PREFERS_DARK} overrides data-theme=light"
                found.update(declarations(inner))
    return found


def dark_by_force(css: str) -> dict:
    found = {}
    for prelude, body in rules(css):
        if prelude == FORCED_DARK:
            found.update({k: v for k, v in declarations(body).items() if k.startswith("--")})
    return found


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda p: p.name)
def test_forced_dark_sets_what_a_dark_preference_sets(sheet):
    css = sheet.read_text()
    assert dark_by_force(css) == dark_by_preference(css)


def test_the_themes_exist_and_force_the_browsers_own_colours():
    css = (ROOT / "assets" / "css" / "loupe.css").read_text()
    assert "--bg" in dark_by_force(css)
    scheme = {}  # selector -> color-scheme, over every rule of that selector
    for prelude, body in rules(css):
        if prelude.startswith(":root") and "color-scheme" in body:
            scheme[prelude] = declarations(body)["color-scheme"]
    assert scheme[":root"] == "light dark"
    assert scheme[':root[data-theme="light"]'] == "light"
    assert scheme[FORCED_DARK] == "dark"


def test_the_page_sets_the_theme_before_its_first_stylesheet():
    html = (ROOT / "index.html").read_text()
    assert html.index("dataset.theme") < html.index('rel="stylesheet"')
