"""The dev server and the static build: MIME types, gzip, caching, what is never served."""

import base64
import gzip
import hashlib
import http.client
import json
import re
import threading

import pytest

from tools import httpd, site, vendor


@pytest.fixture(scope="module")
def server():
    vendor.ensure_vendor(log=lambda *a: None)
    server = httpd.make_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def get(port, path, headers=None, method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize(
    "path, mime",
    [
        ("/", "text/html; charset=utf-8"),
        ("/assets/js/engine.mjs", "text/javascript; charset=utf-8"),
        ("/assets/vendor/duckdb-wasm-1.32.0/duckdb-eh.wasm", "application/wasm"),
        ("/assets/vendor/micropython-1.28.0-6/micropython.wasm", "application/wasm"),
        ("/assets/manifest.webmanifest", "application/manifest+json"),
        ("/sw.js", "text/javascript; charset=utf-8"),
        ("/examples/", "text/html; charset=utf-8"),
        ("/examples/planets.csv", "text/csv; charset=utf-8"),
        ("/assets/js/embed.js", "text/javascript; charset=utf-8"),
        ("/assets/js/messages.mjs", "text/javascript; charset=utf-8"),
    ],
)
def test_mime_types(server, path, mime):
    response, _ = get(server, path, method="HEAD")
    assert response.status == 200 and response.getheader("Content-Type") == mime


def test_vendored_files_are_cached_long_and_precompressed(server):
    path = "/assets/vendor/duckdb-wasm-1.32.0/duckdb-eh.wasm"
    response, body = get(server, path, {"Accept-Encoding": "gzip, br"})
    assert response.getheader("Cache-Control") == httpd.LONG_CACHE
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body)[:4] == b"\0asm"
    plain, raw = get(server, path)
    assert plain.getheader("Content-Encoding") is None and len(raw) > 2 * len(body)


def test_app_files_revalidate_with_etags(server):
    response, body = get(server, "/index.html", {"Accept-Encoding": "gzip"})
    assert response.getheader("Cache-Control") == "no-cache"
    assert b"<html" in gzip.decompress(body)
    again, _ = get(server, "/index.html", {"If-None-Match": response.getheader("ETag")})
    assert again.status == 304


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config",
        "/serve.py",
        "/tools/httpd.py",
        "/node_modules/pyodide/package.json",
        "/tests/conftest.py",
        "/assets/../serve.py",
        "/%2e%2e/serve.py",
        "/assets/vendor/.stamp",
        "/app/core/README.md",
        "/assets/js/sw.js",
        "/nope.csv",
        "/assets/%00x",
    ],
)
def test_only_site_files_are_served(server, path):
    response, _ = get(server, path)
    assert response.status in (400, 404)


def test_a_folder_serves_its_index_page(server):
    response, body = get(server, "/examples/")
    assert response.status == 200 and b"<loupe-view" in body
    assert body == (site.ROOT / "examples" / "index.html").read_bytes()


@pytest.mark.parametrize(
    "path, location",
    [
        ("/examples", "/examples/"),
        ("/examples?x=1", "/examples/?x=1"),
        ("//examples", "/examples/"),  # never a protocol-relative address (an open redirect)
    ],
)
def test_a_folder_without_its_slash_is_redirected(server, path, location):
    response, _ = get(server, path)
    assert response.status == 301 and response.getheader("Location") == location


@pytest.mark.parametrize(
    "relative, index",
    [
        ("examples", "examples/index.html"),
        ("", "index.html"),
        ("app", None),  # a site folder without an index page
        ("tests", None),  # not part of the site, whatever it holds
        ("examples/nope", None),
    ],
)
def test_folder_index(tmp_path, relative, index):
    for name in ("index.html", "examples/index.html", "tests/index.html", "app/a.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert site.folder_index(relative, tmp_path) == index


def test_service_worker_lists_every_site_file_and_a_version(server):
    _, body = get(server, "/sw.js")
    text = body.decode()
    assert "__LOUPE" not in text
    precache = json.loads(text.split("const PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert set(precache) == {"./", *site.site_files(), site.EMBED_PAGE}
    assert "assets/vendor/pyodide-314.0.7/pyodide.asm.wasm" in precache
    assert not [p for p in precache if p.endswith((".gz", ".map", ".md"))]


def test_version_changes_with_any_file(tmp_path):
    root = tmp_path / "site"
    (root / "app").mkdir(parents=True)
    (root / "index.html").write_text("<html>1</html>")
    (root / "app" / "a.py").write_text("x = 1")
    first = site.site_version(root)
    (root / "app" / "a.py").write_text("x = 2")
    assert site.site_version(root) != first


def test_static_build_is_self_contained(tmp_path):
    out = tmp_path / "dist"
    count = site.build(out)
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert count == len(files) - 1  # plus _headers
    assert {"index.html", "sw.js", "_headers", "mpy.toml", "app/ui/main.py"} <= files
    assert "assets/vendor/duckdb-wasm-1.32.0/duckdb-eh.wasm" in files
    assert {"examples/index.html", "examples/planets.csv", "assets/js/embed.js", "assets/js/messages.mjs"} <= files
    assert not [f for f in files if f.startswith(("tests/", "tools/", "node_modules/", ".git"))]


def _directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/index.html", "/embed.html"])
def test_pages_carry_a_content_security_policy(server, path):
    response, body = get(server, path)
    policy = _directives(response.getheader("Content-Security-Policy") or "")
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["*"]  # any page may embed Loupe (README: Embedding)
    assert "'wasm-unsafe-eval'" in policy["script-src"] and "'unsafe-inline'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"] and policy["font-src"] == ["'self'"]
    # every inline script of the page is allowed by its hash, and nothing else inline
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", body.decode(), re.S)
    assert len(inline) == 2
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]


def test_no_inline_event_handlers_in_the_pages():
    for text in (site.ROOT.joinpath("index.html").read_text(), site.embed_source()):
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", text), "an inline on…= handler would need 'unsafe-inline'"


def test_the_duckdb_worker_may_fetch_only_its_own_files(server):
    response, _ = get(server, "/" + site.WORKER_CSP_PATH)
    policy = _directives(response.getheader("Content-Security-Policy") or "")
    assert policy["connect-src"] == ["'self'"] and policy["default-src"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_static_build_carries_the_policies(tmp_path):
    site.build(tmp_path / "dist")
    headers = (tmp_path / "dist" / "_headers").read_text()
    index = site.ROOT.joinpath("index.html").read_text()
    assert f"/index.html\n  Content-Security-Policy: {site.content_security_policy(index)}\n" in headers
    assert f"/{site.WORKER_CSP_PATH}\n  Content-Security-Policy: {site.WORKER_CSP}\n" in headers
    built = (tmp_path / "dist" / "index.html").read_text()
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', built).group(1)
    assert "frame-ancestors" not in meta  # not allowed in a <meta> policy; the header has it
    assert _directives(meta)["script-src"] == _directives(site.content_security_policy(index))["script-src"]
