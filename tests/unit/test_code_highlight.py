"""app/core/code_highlight.py: the exported code shown with colours, its text unchanged and safe as HTML."""

import html as std_html
import re

import pytest
from code_examples import EXAMPLES, build

from app.core import code_highlight, code_targets


def _text_of(markup: str) -> str:
    assert re.sub(r'<span class="tok-(comment|string|keyword|number)">|</span>', "", markup).count("<") == 0
    return std_html.unescape(re.sub(r"<[^>]+>", "", markup))


def _kinds(code: str, language: str) -> dict:
    found: dict = {}
    for kind, text in code_highlight.tokens(code, language):
        found.setdefault(kind, []).append(text)
    return found


def test_python_tokens():
    code = 'import duckdb\n# read it\nPATH = "a \\" b"  # the file\nx = 3.5 + f\'{y}\'\ndef f():\n    """Doc "q"."""\n'
    kinds = _kinds(code, "python")
    assert kinds["keyword"] == ["import", "def"]
    assert kinds["comment"] == ["# read it", "# the file"]
    assert kinds["string"] == ['"a \\" b"', "'{y}'", '"""Doc "q"."""']
    assert kinds["number"] == ["3.5"]
    assert "".join(text for _kind, text in code_highlight.tokens(code, "python")) == code


def test_sql_tokens():
    code = "-- Step 1: it's\nSELECT \"select\", 'it''s' AS x3, 42 FROM t WHERE a IS NOT NULL;"
    kinds = _kinds(code, "sql")
    assert kinds["comment"] == ["-- Step 1: it's"]
    assert kinds["string"] == ["'it''s'"]
    assert kinds["number"] == ["42"]
    assert [k.upper() for k in kinds["keyword"]] == ["SELECT", "AS", "FROM", "WHERE", "IS", "NOT", "NULL"]


@pytest.mark.parametrize("code", ["'unterminated", '"""never closed', "x = '\n", "", "\\", "-- only", "1.2.3abc"])
def test_malformed_code_is_shown_as_it_is(code):
    for language in ("python", "sql", "json", "text"):
        assert _text_of(code_highlight.html(code, language)) == code


def test_data_in_the_code_cannot_make_markup():
    code = "# column <script>alert(1)</script>\nx = '<img src=x onerror=alert(1)>' & 1\n"
    markup = code_highlight.html(code, "python")
    assert "<script" not in markup and "<img" not in markup
    assert _text_of(markup) == code


@pytest.mark.parametrize("target", ["duckdb", "pandas", "polars", "notebook", "sql:duckdb", "sql:postgres"])
def test_every_exported_program_round_trips(target, tmp_path):
    for example in EXAMPLES[:8]:
        folder = tmp_path / example["id"]
        folder.mkdir()
        answer = code_targets.render(build(example, folder).plan(), target)
        markup = code_highlight.html(answer["code"], answer["language"])
        assert _text_of(markup) == answer["code"]
        assert 'class="tok-keyword"' in markup or answer["language"] == "json"
        assert 'class="tok-comment"' in markup or answer["language"] == "json"
        assert answer["language"] == "sql" or 'class="tok-string"' in markup
