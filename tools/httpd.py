"""The development/static server: site files only, right MIME types, gzip, caching.

- Only files listed by ``tools.site`` are served; the repository's other
  files (.git, node_modules, tests) are 404.
- ``.mjs``/``.js`` as JavaScript, ``.wasm`` as application/wasm (needed for
  streaming compilation), the manifest as application/manifest+json.
- gzip when the client accepts it: vendored files use the ``.gz`` written at
  setup; small app files are compressed on the fly and remembered.
- Vendored files live in versioned folders and are cached for a year;
  everything else is revalidated (ETag) so a new deploy is seen at once.
"""

from __future__ import annotations

import email.utils
import gzip
import posixpath
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools import site

MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".wasm": "application/wasm",
    ".py": "text/x-python; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".parquet": "application/vnd.apache.parquet",
}
COMPRESS = (".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".wasm", ".py", ".toml", ".csv", ".tsv", ".svg")
LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the site rooted at ``root`` (set by ``make_server``)."""

    root: Path = site.ROOT
    server_version = "Loupe"
    protocol_version = "HTTP/1.1"
    _gzip_cache: dict[tuple[str, float], bytes] = {}

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args) -> None:
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def _respond(self, send_body: bool) -> None:
        relative = _relative_path(self.path)
        if relative is None:
            return self._send_error(HTTPStatus.BAD_REQUEST)
        if relative in ("", "index.html"):
            relative = "index.html"
        elif index := site.folder_index(relative, self.root):  # /examples/ → examples/index.html
            asked = urllib.parse.urlsplit(self.path)
            if not asked.path.endswith("/"):
                query = f"?{asked.query}" if asked.query else ""
                return self._send_redirect(f"/{urllib.parse.quote(relative)}/{query}")
            relative = index
        if relative == site.SERVICE_WORKER:
            body = site.service_worker_source(self.root).encode()
            return self._send(
                body,
                "text/javascript; charset=utf-8",
                REVALIDATE,
                None,
                send_body,
                extra={"Service-Worker-Allowed": "/"},
            )
        if relative == site.EMBED_PAGE:
            text = site.embed_source(self.root)
            return self._send(
                text.encode(),
                "text/html; charset=utf-8",
                REVALIDATE,
                None,
                send_body,
                extra={"Content-Security-Policy": site.content_security_policy(text)},
            )
        path = self.root / relative
        if not site.is_site_path(relative) or not path.is_file():
            return self._send_error(HTTPStatus.NOT_FOUND)
        stat = path.stat()
        etag = f'"{int(stat.st_mtime_ns):x}-{stat.st_size:x}"'
        cache = LONG_CACHE if relative.startswith("assets/vendor/") else REVALIDATE
        if self.headers.get("If-None-Match") == etag:
            return self._send_not_modified(etag, cache)
        content_type = MIME_TYPES.get(path.suffix, "application/octet-stream")
        body, encoding = self._body(path, stat.st_mtime)
        self._send(
            body,
            content_type,
            cache,
            etag,
            send_body,
            encoding=encoding,
            last_modified=email.utils.formatdate(stat.st_mtime, usegmt=True),
            extra=self._policy(relative, path),
        )

    def _policy(self, relative: str, path: Path) -> dict:
        """The Content-Security-Policy header for the app's pages and DuckDB's worker (else none)."""
        if relative == "index.html":
            return {"Content-Security-Policy": site.content_security_policy(path.read_text())}
        if relative == site.WORKER_CSP_PATH:
            return {"Content-Security-Policy": site.WORKER_CSP}
        return {}

    def _body(self, path: Path, mtime: float) -> tuple[bytes, str | None]:
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts_gzip or path.suffix not in COMPRESS:
            return path.read_bytes(), None
        pre = path.with_name(path.name + ".gz")
        if pre.is_file() and pre.stat().st_mtime >= mtime:
            return pre.read_bytes(), "gzip"
        key = (str(path), mtime)
        if key not in self._gzip_cache:
            self._gzip_cache[key] = gzip.compress(path.read_bytes(), compresslevel=6)
        return self._gzip_cache[key], "gzip"

    def _send(
        self,
        body: bytes,
        content_type: str,
        cache: str,
        etag: str | None,
        send_body: bool,
        encoding: str | None = None,
        last_modified: str | None = None,
        extra: dict | None = None,
    ) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Accept-Encoding")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if etag:
            self.send_header("ETag", etag)
        if last_modified:
            self.send_header("Last-Modified", last_modified)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_not_modified(self, etag: str, cache: str) -> None:
        self.send_response(HTTPStatus.NOT_MODIFIED)
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_redirect(self, location: str) -> None:
        """A folder asked for without its final '/': relative links inside need it."""
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", REVALIDATE)
        self.end_headers()

    def _send_error(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", REVALIDATE)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def make_server(host: str, port: int, root: Path = site.ROOT, verbose: bool = False) -> ThreadingHTTPServer:
    """A threaded server for ``root``; call ``serve_forever()`` on it."""
    handler = type("BoundSiteHandler", (SiteHandler,), {"root": root})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.verbose = verbose  # type: ignore[attr-defined]
    return server


def _relative_path(raw: str) -> str | None:
    """The request path as a safe, relative, '/'-separated path, or None."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(raw).path)
    if "\x00" in path or "\\" in path:
        return None
    normal = posixpath.normpath(path)
    if not normal.startswith("/") or ".." in normal.split("/"):
        return None
    return normal.lstrip("/").removesuffix("/") if normal != "/" else ""
