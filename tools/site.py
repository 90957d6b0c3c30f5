"""What the static site is: its files, its service worker, and the static build.

The same list of files is served by the dev server, precached by the service
worker and copied by ``serve.py --build``, so the three can never disagree.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Top-level files and folders that make up the site; everything else in the
# repository (tests, tools, node_modules, .git) is never served.
SITE_FILES = ("index.html", "mpy.toml", "pyscript.toml")
SITE_DIRS = ("app", "assets", "examples")
SKIP_SUFFIXES = (".gz", ".map", ".pyc", ".md")
SKIP_NAMES = (".stamp", "sw.js")
SERVICE_WORKER = "sw.js"
SW_TEMPLATE = ROOT / "assets" / "js" / "sw.js"
# embed.html is index.html in embed mode, made from it (never edited by hand,
# so the two cannot drift): served by the dev server, written by the build.
EMBED_PAGE = "embed.html"
_EMBED_EDITS = (
    ('<html lang="en">', '<html lang="en" data-embed>'),
    ("<title>Loupe — look at a data file, privately</title>", "<title>Loupe (embedded view)</title>"),
    # An embed is not the app to install, and registers no service worker of its own.
    ('  <link rel="manifest" href="./assets/manifest.webmanifest">\n', ""),
    ('  <script type="module" src="./assets/js/offline.mjs"></script>\n', ""),
)


def site_files(root: Path = ROOT) -> list[str]:
    """Paths (relative, with '/') of every file the site serves, sorted."""
    paths = [name for name in SITE_FILES if (root / name).is_file()]
    for folder in SITE_DIRS:
        for path in (root / folder).rglob("*"):
            if path.is_file() and _is_site_file(path.relative_to(root)):
                paths.append(path.relative_to(root).as_posix())
    return sorted(paths)


def is_site_path(relative: str) -> bool:
    """True if a request path (relative, '/'-separated) names a site file."""
    parts = Path(relative).parts
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0] in SITE_FILES
    return parts[0] in SITE_DIRS and _is_site_file(Path(relative))


def folder_index(relative: str, root: Path = ROOT) -> str | None:
    """The ``index.html`` a folder path such as ``examples`` stands for, or None."""
    index = f"{relative}/index.html" if relative else "index.html"
    return index if is_site_path(index) and (root / index).is_file() else None


def site_version(root: Path = ROOT, files: list[str] | None = None) -> str:
    """A digest of every site file's path and content: a new deploy, a new version."""
    digest = hashlib.sha256()
    for name in files if files is not None else site_files(root):
        digest.update(name.encode())
        digest.update(_file_digest(root / name))
    return digest.hexdigest()[:16]


def embed_source(root: Path = ROOT) -> str:
    """embed.html: index.html with ``data-embed`` on <html>, no manifest, no service worker."""
    text = (root / "index.html").read_text()
    for old, new in _EMBED_EDITS:
        if old not in text:
            raise ValueError(f"index.html no longer contains {old.strip()!r}; update tools/site.py _EMBED_EDITS")
        text = text.replace(old, new, 1)
    return text


# The Content-Security-Policy of index.html and embed.html (README: Privacy).
# script-src: Loupe's own files, WebAssembly ('wasm-unsafe-eval'), the page's
# two inline scripts by hash (the theme, the import map) and 'unsafe-eval':
# without it the page does not start, because PyScript 0.7.31 builds its
# worker hooks with Function() on the main thread (README: Privacy).
# connect-src: the app's own origin, and any http(s) address, because the
# person may open any URL; what SQL can reach is closed in the engine
# (app/core/guard.py), not here. frame-ancestors: any page may embed Loupe.
CSP_DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval' 'unsafe-eval' {inline}"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data: blob:"),
    ("font-src", "'self'"),
    ("connect-src", "'self' blob: data: http: https:"),
    ("worker-src", "'self' blob:"),
    ("manifest-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "*"),
)
# DuckDB's worker (assets/js/duckdb-worker.js) gets a policy of its own: it may
# fetch nothing but the app's own files (its WebAssembly module).
WORKER_CSP_PATH = "assets/js/duckdb-worker.js"
WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def content_security_policy(html: str, meta: bool = False) -> str:
    """The policy for the page ``html``: its inline scripts allowed by their sha256.

    ``meta``: for a <meta http-equiv> tag, which cannot carry frame-ancestors.
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        name + " " + value.format(inline=hashes).strip()
        for name, value in CSP_DIRECTIVES
        if not (meta and name == "frame-ancestors")
    )


def with_csp_meta(html: str) -> str:
    """``html`` with its policy as a <meta http-equiv> (for hosts that send no headers)."""
    tag = '<meta http-equiv="Content-Security-Policy" content="' + content_security_policy(html, meta=True) + '">'
    return html.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n  ' + tag, 1)


def service_worker_source(root: Path = ROOT) -> str:
    """The service worker with this build's version and precache list filled in."""
    files = site_files(root)
    precache = ["./"] + files + [EMBED_PAGE]
    return (
        SW_TEMPLATE.read_text()
        .replace("__LOUPE_VERSION__", site_version(root, files))
        .replace("__LOUPE_PRECACHE__", json.dumps(precache, indent=0))
    )


def build(dest: Path, root: Path = ROOT) -> int:
    """Write a self-contained static site to ``dest``; return the number of files."""
    if dest.exists():
        shutil.rmtree(dest)
    files = site_files(root)
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)
    (dest / SERVICE_WORKER).write_text(service_worker_source(root))
    index = (root / "index.html").read_text()
    embed = embed_source(root)
    (dest / "index.html").write_text(with_csp_meta(index))
    (dest / EMBED_PAGE).write_text(with_csp_meta(embed))
    (dest / "_headers").write_text(headers_file(index, embed))
    return len(files) + 2


# Cache rules and policies for hosts that read a _headers file (Netlify,
# Cloudflare Pages); README explains the same rules for other hosts.
HEADERS_FILE = """\
/assets/vendor/*
  Cache-Control: public, max-age=31536000, immutable
/sw.js
  Cache-Control: no-cache
/*
  Cache-Control: no-cache
  X-Content-Type-Options: nosniff
"""


def headers_file(index_html: str, embed_html: str) -> str:
    """The _headers file: cache rules, and each page's Content-Security-Policy."""
    policy = content_security_policy(index_html)
    pages = "".join(
        path + "\n  Content-Security-Policy: " + text + "\n"
        for path, text in (
            ("/", policy),
            ("/index.html", policy),
            ("/" + EMBED_PAGE, content_security_policy(embed_html)),
            ("/" + WORKER_CSP_PATH, WORKER_CSP),
        )
    )
    return HEADERS_FILE + pages


_digests: dict[Path, tuple[float, int, bytes]] = {}


def _file_digest(path: Path) -> bytes:
    """sha256 of a file, remembered by (mtime, size) so restarts stay fast."""
    stat = path.stat()
    known = _digests.get(path)
    if known and known[:2] == (stat.st_mtime, stat.st_size):
        return known[2]
    digest = hashlib.sha256(path.read_bytes()).digest()
    _digests[path] = (stat.st_mtime, stat.st_size, digest)
    return digest


def _is_site_file(relative: Path) -> bool:
    if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
        return False
    return relative.suffix not in SKIP_SUFFIXES and relative.name not in SKIP_NAMES
