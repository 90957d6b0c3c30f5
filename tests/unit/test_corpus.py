"""The CSV corpus (tools/corpus.py): each real data set read as the browser reads it, with native DuckDB,
against pandas; and the corpus's own set-up."""

import subprocess

import pytest

from app.engine.native import NativeEngine
from tools import corpus

FILES = corpus.manifest()
TABLE = "corpus"


@pytest.fixture(scope="module", autouse=True)
def corpus_present():
    corpus.ensure_corpus()


@pytest.fixture(scope="module")
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def agreements():
    """Each file's agreement, written as a table to the cache when the module is done."""
    found: list = []
    yield found
    if found:
        table = corpus.agreement_table(found, f"Loupe (native DuckDB) against pandas, {len(found)} CSV files")
        (corpus.CACHE / "agreement-native.md").write_text(table + "\n")


@pytest.mark.parametrize("corpus_file", corpus.pytest_cases())
def test_loupe_reads_what_pandas_reads(engine, agreements, corpus_file):
    try:
        info = corpus.loupe_reading(engine, str(corpus_file.path), TABLE)
        sums = corpus.loupe_sums(engine, TABLE, info)
    finally:
        engine.execute(f"DROP TABLE IF EXISTS {TABLE}")
    agreement = corpus.compare(corpus_file.name, corpus.expected_reading(corpus_file), info, sums)
    agreements.append(agreement)
    assert agreement.problems == []


# --- the corpus itself ------------------------------------------------------------


def test_the_corpus_is_large_real_and_small_enough():
    assert len(FILES) >= 100
    assert len({f.name for f in FILES}) == len(FILES)
    assert {f.package for f in FILES} == set(corpus.STORE.pinned())
    assert all(f.path.stat().st_size <= corpus.MAX_BYTES for f in FILES)
    assert sum(1 for f in FILES if f.path.read_bytes().startswith(b'"",')) >= 50  # R's row names


def test_every_exception_names_a_file_of_the_corpus():
    names = {f.name for f in FILES}
    assert set(corpus.KNOWN_FAILURES) <= names
    assert {name for name, _ in corpus.EXCUSED} <= names
    assert set(corpus.EXCUSED.values()) <= set(corpus.RULES)


def test_a_present_corpus_touches_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ran " + str(args[0]))

    monkeypatch.setattr(subprocess, "run", refuse)
    assert corpus.ensure_corpus() is False


def test_a_failed_download_says_what_to_check(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus.STORE, "folder", tmp_path)
    monkeypatch.setattr(
        subprocess,
        "run",
        lambda *args, **kwargs: subprocess.CompletedProcess(
            args, 1, "", "ERROR: Could not find a version that satisfies the requirement statsmodels==0.15.0"
        ),
    )
    with pytest.raises(corpus.CorpusError) as raised:
        corpus.STORE.download()
    message = str(raised.value)
    assert "statsmodels" in message and "satisfies the requirement" in message and "reaches PyPI" in message


@pytest.mark.parametrize(
    "pandas_names, loupe_names",
    [
        (["Unnamed: 0", "crim", "zn"], ["row_names", "crim", "zn"]),  # R's row names
        (["a", "Unnamed: 1"], ["a", "Unnamed: 1"]),  # only the first column is R's row names
        (["p95", "P95", "P95", "p95_1"], ["p95", "P95_1", "P95_2", "p95_1_1"]),  # DuckDB's names, equal but for case
        (["P99", "P99.5"], ["P99", "P99.5"]),  # a real name with a dot
    ],
)
def test_the_names_loupe_gives_what_pandas_names(pandas_names, loupe_names):
    assert corpus.loupe_names(pandas_names) == loupe_names


def test_loupe_names_are_duckdbs(engine):
    path = engine.register_text("names.csv", "p95,P95,P95,p95_1\n1,2,3,4\n")
    found = engine.execute("SELECT * FROM read_csv(?)", [path])["columns"]
    assert [c["name"] for c in found] == corpus.loupe_names(["p95", "P95", "P95", "p95_1"])


def test_the_comparison_names_each_disagreement():
    expected = corpus.Expected(3, ["Unnamed: 0", "x", "n"], ["row_names", "x", "n"], ["Unnamed: 0", "n"], {})
    info = {
        "rows": 4,
        "columns": [
            {"name": "column0", "kind": "integer"},
            {"name": "x", "kind": "text"},
            {"name": "n", "kind": "text"},
        ],
    }
    agreement = corpus.compare("f.csv", expected, info)
    assert agreement.problems == [
        "4 rows, pandas 3",
        "named 'column0' for 'row_names'",
        "not numeric: 'Unnamed: 0' (missing), 'n' (text)",
    ]
    assert (agreement.named, agreement.numeric, agreement.numeric_agreeing) == (2, 2, 0)
    table = corpus.agreement_table([agreement], "t")
    assert "| files, row count | 0 | 1 | 0.0 % |" in table and "- f.csv: 4 rows, pandas 3" in table
