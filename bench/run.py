#!/usr/bin/env python3
"""Loupe against its peers, in one run, on this machine: ``python3 bench/run.py``.

    python3 bench/run.py               # medians of 5 iterations
    python3 bench/run.py --quick       # 1 iteration (used by the tests so the bench cannot rot)
    python3 bench/run.py --json out.json --only "cold start"

Peers are minimal pages in bench/peers/ served by the same server:
- ``duckdb-wasm``: raw DuckDB-WASM showing the CSV (the engine floor);
- ``pyodide-sqlite``: Pyodide + Python's csv module into sqlite3 (Datasette Lite's approach);
- ``pyscript-pyodide``: a plain PyScript + Pyodide page (the start-up floor of Python apps).

Cold scenarios use a fresh browser context per iteration (empty HTTP cache,
no service worker); warm ones reload in the same context. Times are from
navigation start (performance.timeOrigin). Prints a Markdown table and
writes JSON: a list of {"scenario", "loupe_ms", "peers": {name: ms}, "target_ms"}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tools import httpd, site, vendor  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
# Records long main-thread tasks from the very start of each page.
LONGTASK_SCRIPT = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push(e.duration); })
    .observe({ type: "longtask", buffered: true });
} catch (e) {}
"""
MARK = "performance.getEntriesByName(%r)[0]?.startTime ?? null"


class BenchHandler(httpd.SiteHandler):
    """The site plus bench/peers/ (never served by serve.py)."""

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path.lstrip("/")
        if path.startswith("bench/peers/") and "/." not in path and ".." not in path:
            target = ROOT / path
            if target.is_file():
                body = target.read_bytes()
                return self._send(body, httpd.MIME_TYPES.get(target.suffix, "text/plain"),
                                  httpd.REVALIDATE, None, send_body)
        return super()._respond(send_body)


def serve() -> tuple[httpd.ThreadingHTTPServer, str]:
    server = httpd.ThreadingHTTPServer(("127.0.0.1", 0), BenchHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# --- one measurement each ---------------------------------------------------

def loupe_start(context, base: str) -> dict:
    """Open Loupe; return ms to the table and to Python, longest task, bytes."""
    transfer = Transfer(context, base)
    page = context.new_page()
    page.add_init_script(LONGTASK_SCRIPT)
    page.goto(base)
    page.wait_for_function("window.loupe !== undefined")
    page.evaluate("loupe.ready")
    table = page.evaluate(MARK % "loupe:table-visible")
    longest_until_table = page.evaluate("Math.max(0, ...window.__longtasks)")
    python = page.evaluate("loupe.pythonReady.then(() => performance.now())")
    page.evaluate("navigator.serviceWorker.ready.then(() => caches.keys())")
    return {"page": page, "table": table, "python": python,
            "longtask": longest_until_table, "transfer": transfer}


def peer_page(context, base: str, peer: str, mark: str) -> float:
    page = context.new_page()
    page.goto(f"{base}bench/peers/{peer}.html")
    page.wait_for_function("window.peerReady === true", timeout=120_000)
    value = page.evaluate(MARK % mark)
    page.close()
    return value


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


# --- scenarios --------------------------------------------------------------

def run(iterations: int, only: str | None) -> tuple[list[dict], dict]:
    server, base = serve()
    samples: dict[str, dict[str, list[float]]] = {}
    transfer: dict[str, list[int]] = {"wire": [], "raw": []}

    def add(scenario: str, who: str, value: float | None) -> None:
        if value is not None:
            samples.setdefault(scenario, {}).setdefault(who, []).append(value)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(iterations):
            context = browser.new_context()
            first = loupe_start(context, base)
            add("cold start: table visible", "loupe", first["table"])
            add("cold start: Python worker ready", "loupe", first["python"])
            add("cold start: longest main-thread task until table", "loupe", first["longtask"])
            transfer["wire"].append(first["transfer"].wire)
            transfer["raw"].append(first["transfer"].raw)
            first["page"].close()
            warm = loupe_start(context, base)
            add("warm start: table visible", "loupe", warm["table"])
            add("warm start: Python worker ready", "loupe", warm["python"])
            context.close()

            for peer, mark, scenario in [
                ("duckdb-wasm", "peer:table-visible", "table visible"),
                ("pyodide-sqlite", "peer:table-visible", "table visible"),
                ("pyodide-sqlite", "peer:python-ready", "Python worker ready"),
                ("pyscript-pyodide", "peer:python-ready", "Python worker ready"),
            ]:
                context = browser.new_context()
                add(f"cold start: {scenario}", peer, peer_page(context, base, peer, mark))
                add(f"warm start: {scenario}", peer, peer_page(context, base, peer, mark))
                context.close()
        browser.close()
    server.shutdown()

    rows = []
    for scenario, by_who in samples.items():
        if only and only not in scenario:
            continue
        loupe = by_who.pop("loupe", [])
        rows.append({
            "scenario": scenario,
            "loupe_ms": round(statistics.median(loupe)) if loupe else None,
            "peers": {name: round(statistics.median(values)) for name, values in sorted(by_who.items())},
            "target_ms": None,
        })
    bytes_ = {k: int(statistics.median(v)) for k, v in transfer.items() if v}
    return rows, bytes_


def markdown(rows: list[dict], transfer: dict, iterations: int) -> str:
    peers = sorted({name for row in rows for name in row["peers"]})
    lines = [f"Median of {iterations} (ms, lower is better; '—' = not applicable)", "",
             "| scenario | Loupe | " + " | ".join(peers) + " | target |",
             "|---|---:|" + "---:|" * len(peers) + "---:|"]
    for row in rows:
        cells = [str(row["peers"].get(p, "—")) for p in peers]
        target = "—" if row["target_ms"] is None else str(row["target_ms"])
        lines.append(f"| {row['scenario']} | {row['loupe_ms']} | " + " | ".join(cells) + f" | {target} |")
    if transfer:
        lines += ["", "First visit transfer (Loupe, page + workers, before the service worker's precache):",
                  f"{transfer['wire'] / 1e6:.1f} MB compressed on the wire, {transfer['raw'] / 1e6:.1f} MB raw."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one iteration")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--only", metavar="TEXT", help="keep scenarios whose name contains TEXT")
    args = parser.parse_args(argv)
    vendor.ensure_vendor()
    iterations = 1 if args.quick else args.iterations
    rows, transfer = run(iterations, args.only)
    print(markdown(rows, transfer, iterations))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
