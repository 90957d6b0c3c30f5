"""Start-up scenarios: cold and warm start to the first table, and to Python being ready."""

from __future__ import annotations

from urllib.parse import urlsplit

from common import LONGEST_SINCE, LONGTASK_SCRIPT, MARK, ROOT, Samples

from tools import site

PEERS = [
    ("duckdb-wasm", "peer:table-visible", "table visible"),
    ("pyodide-sqlite", "peer:table-visible", "table visible"),
    ("pyodide-sqlite", "peer:python-ready", "Python worker ready"),
    ("pyscript-pyodide", "peer:python-ready", "Python worker ready"),
]


class Transfer:
    """Bytes a page load moves: compressed on the wire, and raw (files on disk)."""

    def __init__(self, context, base: str):
        self.base = base
        self.wire = 0
        self.raw = 0
        self.seen: set[str] = set()
        context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        if request.url in self.seen or not request.url.startswith(self.base):
            return
        response = request.response()
        if response is None or response.status != 200 or response.from_service_worker:
            return
        self.seen.add(request.url)
        self.wire += request.sizes()["responseBodySize"]
        path = urlsplit(request.url).path.lstrip("/") or "index.html"
        if path == "sw.js":
            self.raw += len(site.service_worker_source().encode())
        elif (ROOT / path).is_file():
            self.raw += (ROOT / path).stat().st_size


def loupe_start(context, base: str) -> dict:
    """Open Loupe; ms to the table and to Python, the longest task until the table, the page."""
    page = context.new_page()
    page.add_init_script(LONGTASK_SCRIPT)
    page.goto(base)
    page.wait_for_function("window.loupe !== undefined")
    page.evaluate("loupe.ready")
    table = page.evaluate(MARK % "loupe:table-visible")
    longest = page.evaluate(LONGEST_SINCE, 0)
    python = page.evaluate("loupe.pythonReady.then(() => performance.now())")
    page.evaluate("navigator.serviceWorker.ready.then(() => caches.keys())")
    return {"page": page, "table": table, "python": python, "longtask": longest}


def peer_start(context, base: str, peer: str, mark: str) -> float:
    page = context.new_page()
    page.goto(f"{base}bench/peers/{peer}.html")
    page.wait_for_function("window.peerReady === true", timeout=120_000)
    value = page.evaluate(MARK % mark)
    page.close()
    return value


def run(browser, base: str, samples: Samples, transfer: dict) -> None:
    """One iteration of every start-up scenario, Loupe and peers, each in fresh contexts."""
    context = browser.new_context()
    moved = Transfer(context, base)
    first = loupe_start(context, base)
    samples.add("cold start: table visible", "loupe", first["table"])
    samples.add("cold start: Python worker ready", "loupe", first["python"])
    samples.add("cold start: longest main-thread task until table", "loupe", first["longtask"])
    transfer.setdefault("wire", []).append(moved.wire)
    transfer.setdefault("raw", []).append(moved.raw)
    first["page"].close()
    warm = loupe_start(context, base)
    samples.add("warm start: table visible", "loupe", warm["table"])
    samples.add("warm start: Python worker ready", "loupe", warm["python"])
    warm["page"].close()
    context.close()
    offline = browser.new_context()
    loupe_start(offline, base)["page"].close()
    offline.set_offline(True)
    again = loupe_start(offline, base)
    samples.add("offline start: table visible", "loupe", again["table"])
    offline.close()
    for peer, mark, scenario in PEERS:
        context = browser.new_context()
        samples.add(f"cold start: {scenario}", peer, peer_start(context, base, peer, mark))
        samples.add(f"warm start: {scenario}", peer, peer_start(context, base, peer, mark))
        context.close()
