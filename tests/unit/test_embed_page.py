"""embed.html: index.html in embed mode, made from it so the two cannot drift."""

import re

from tools import site


def test_embed_page_is_index_in_embed_mode():
    index = (site.ROOT / "index.html").read_text()
    embed = site.embed_source()
    assert '<html lang="en" data-embed>' in embed
    assert "manifest.webmanifest" not in embed and "offline.mjs" not in embed
    assert "<title>Loupe (embedded view)</title>" in embed
    ids = lambda text: sorted(re.findall(r'id="([^"]+)"', text))  # noqa: E731
    assert ids(embed) == ids(index)  # the same markup: the same app


def test_a_changed_index_page_is_caught(tmp_path):
    (tmp_path / "index.html").write_text("<html><title>other</title></html>")
    try:
        site.embed_source(tmp_path)
    except ValueError as error:
        assert "_EMBED_EDITS" in str(error)
    else:
        raise AssertionError("embed_source accepted an index.html it cannot turn into embed.html")


def test_embed_page_is_precached_and_built(tmp_path):
    assert '"embed.html"' in site.service_worker_source()
    site.build(tmp_path / "dist")
    assert (tmp_path / "dist" / "embed.html").read_text() == site.with_csp_meta(site.embed_source())
