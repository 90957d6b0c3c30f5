"""The CSV corpus (tools/corpus.py) opened in the browser, every file in one booted page, each against pandas.

``loupe.open({name, text})`` reads a file as a person's file is read (DuckDB-WASM, then the loader's
refinements); its table info is compared with pandas's reading, computed here in Python. The agreement
table is written to tests/corpus/.cache/agreement-browser.md when the module is done.
"""

import pytest

from tools import corpus

OPEN_TIMEOUT_MS = 60_000
# loupe.open, raced with a timeout: page.evaluate itself never gives up.
OPEN = """async ([name, text, timeout]) => {
    const late = new Promise((resolve) => setTimeout(() => resolve({late: true}), timeout));
    try {
        return await Promise.race([loupe.open({name, text}, {table: 'corpus'}), late]);
    } catch (error) {
        return {error: String(error)};
    }
}"""


@pytest.fixture(scope="module")
def corpus_page(shared_app):
    """The shared page, with the uncaught errors it logs collected in ``errors``."""
    corpus.ensure_corpus()
    shared_app.errors = []
    shared_app.on("pageerror", lambda error: shared_app.errors.append(str(error)))
    return shared_app


@pytest.fixture(scope="module")
def agreements():
    found: list = []
    yield found
    if found:
        title = f"Loupe (DuckDB-WASM, in Chromium) against pandas, {len(found)} CSV files"
        table = corpus.agreement_table(found, title)
        (corpus.CACHE / "agreement-browser.md").write_text(table + "\n")


@pytest.mark.parametrize("corpus_file", corpus.pytest_cases())
def test_loupe_opens_what_pandas_reads(corpus_page, agreements, corpus_file):
    text = corpus_file.path.read_text(encoding="utf-8")
    info = corpus_page.evaluate(OPEN, [corpus_file.path.name, text, OPEN_TIMEOUT_MS])
    errors = list(corpus_page.errors)
    corpus_page.errors.clear()
    assert "late" not in info, f"not open after {OPEN_TIMEOUT_MS / 1000:.0f} s"
    assert "error" not in info, info.get("error")
    assert errors == [], "uncaught errors in the page"
    agreement = corpus.compare(corpus_file.name, corpus.expected_reading(corpus_file), info)
    agreements.append(agreement)
    assert agreement.problems == []
