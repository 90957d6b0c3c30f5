"""Embeds: three Loupe embeds in another site's page, from navigation until all three are ready.

The host page is served from a second local port, so its frames are
cross-origin as on a real site. It holds three ``<loupe-view>`` elements
(assets/js/embed.js: frames of embed.html, each showing a table) and times,
with a message listener installed before anything else, the moment the third
frame has posted ``loupe:ready``. Also measured, over the same load plus a
few settling seconds: the peak main-thread JS heap (the page and its frames
share one renderer here; workers are not counted) and the number of requests
for Pyodide files — an embed that only shows a table must make none.

Peers, in the same run and the same host page:
- ``app-iframes``: three iframes of the full app (index.html, which starts
  Pyodide after its first table); it posts ``loupe:ready`` too
  (assets/js/messages.mjs runs in any framed Loupe page);
- ``duckdb-wasm``: three raw DuckDB-WASM pages (bench/peers/duckdb-wasm.html),
  each ready at its ``peer:table-visible`` mark.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

from common import HEAP_SCRIPT, Samples

SAMPLE = "assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"
PLANETS = "examples/planets.csv"
SETTLE_MS = 3000  # after all three are ready: Pyodide (if any) starts in this window
TIMEOUT = 120_000

# In the host page's <head>, before any frame exists: the time the third frame says loupe:ready.
LISTEN = """<script>
  window.__ready = new Set();
  window.__allReady = null;
  addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "loupe:ready") return;
    window.__ready.add(event.source);
    if (window.__ready.size === 3 && window.__allReady === null) window.__allReady = performance.now();
  });
</script>"""


def host_pages(base: str) -> dict[str, str]:
    """The host page's three variants, by path: Loupe's element, the full app, raw DuckDB-WASM."""
    sample, planets = base + SAMPLE, base + PLANETS
    views = [
        f'<loupe-view src="{sample}" view="table" height="220px"></loupe-view>',
        f'<loupe-view src="{planets}" view="table" height="220px"></loupe-view>',
        f'<loupe-view src="{sample}" height="220px" '
        'sql="SELECT weather, count(*) AS days FROM seattle_weather GROUP BY weather"></loupe-view>',
    ]
    apps = [
        f'<iframe src="{base}index.html?url={quote(url, safe="")}" title="Loupe" height="220"></iframe>'
        for url in (sample, planets, sample)
    ]
    raw = [
        f'<iframe src="{base}bench/peers/duckdb-wasm.html?url={quote(url, safe="")}" title="DuckDB-WASM" '
        'height="220"></iframe>'
        for url in (sample, planets, sample)
    ]
    return {
        "/loupe-view.html": _page(f'<script src="{base}assets/js/embed.js"></script>' + "".join(views)),
        "/app-iframes.html": _page("".join(apps)),
        "/duckdb-wasm.html": _page("".join(raw)),
    }


def run(browser, base: str, samples: Samples) -> None:
    """One iteration: the host page with each kind of embed, each in a fresh context."""
    server, host = _serve(host_pages(base))
    try:
        for who, path in (
            ("loupe", "loupe-view.html"),
            ("app-iframes", "app-iframes.html"),
            ("duckdb-wasm", "duckdb-wasm.html"),
        ):
            result = _load(browser, host + path, framed_peer=who == "duckdb-wasm")
            samples.add("3 embeds, cross-origin: all ready (ms from navigation)", who, result["ready"])
            samples.add("3 embeds, cross-origin: peak main-thread JS heap (MB, not ms)", who, result["heap"])
            samples.add(
                "3 embeds, cross-origin: requests for Pyodide files (count, not ms)",
                who,
                result["pyodide"],
                0 if who == "loupe" else None,
            )
    finally:
        server.shutdown()


def _load(browser, url: str, framed_peer: bool) -> dict:
    context = browser.new_context()
    pyodide = []
    context.on("request", lambda request: pyodide.append(request.url) if "pyodide" in request.url.lower() else None)
    page = context.new_page()
    page.add_init_script(HEAP_SCRIPT)  # runs in every frame, cross-origin ones included
    page.goto(url)
    if framed_peer:
        ready = _peers_ready(page)
    else:
        page.wait_for_function("window.__allReady !== null", timeout=TIMEOUT)
        ready = page.evaluate("window.__allReady")
    page.wait_for_timeout(SETTLE_MS)
    heap = max(frame.evaluate("window.__heapPeak || 0") for frame in page.frames)
    context.close()
    return {"ready": ready, "heap": round(heap / 1e5) / 10, "pyodide": len(pyodide)}


def _peers_ready(page) -> float:
    """The raw pages cannot post loupe:ready: the last one's mark, on the host page's clock."""
    frames = [frame for frame in page.frames if frame != page.main_frame]
    origin = page.evaluate("performance.timeOrigin")
    last = 0.0
    for frame in frames:
        frame.wait_for_function("window.peerReady === true", timeout=TIMEOUT)
        mark = frame.evaluate(
            "performance.timeOrigin + performance.getEntriesByName('peer:table-visible')[0].startTime"
        )
        last = max(last, mark - origin)
    return last


def _page(body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Embeds bench</title>{LISTEN}'
        f"</head><body>{body}</body></html>"
    )


def _serve(pages: dict[str, str]) -> tuple[ThreadingHTTPServer, str]:
    """A second origin: another port on 127.0.0.1, serving only the host pages."""

    class Host(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0], "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Host)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"
