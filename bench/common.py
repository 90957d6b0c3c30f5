"""What every benchmark scenario shares: the server, the browser, page probes, medians."""

from __future__ import annotations

import statistics
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import httpd  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--enable-precise-memory-info",
]
# Records long main-thread tasks (PerformanceObserver "longtask") from the very start of each page.
LONGTASK_SCRIPT = """
window.__longtasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
} catch (e) {}
"""
# Samples the page's main-thread JS heap (Chromium's performance.memory) every 50 ms; the peak in MB.
HEAP_SCRIPT = """
window.__heapPeak = 0;
setInterval(() => {
  const used = performance.memory ? performance.memory.usedJSHeapSize : 0;
  if (used > window.__heapPeak) window.__heapPeak = used;
}, 50);
"""
HEAP_PEAK_MB = "Math.round(window.__heapPeak / 1e5) / 10"
LONGEST_SINCE = "(t0) => Math.max(0, ...window.__longtasks.filter(([s]) => s >= t0).map(([, d]) => d))"
MARK = "performance.getEntriesByName(%r)[0]?.startTime ?? null"


class BenchHandler(httpd.SiteHandler):
    """The site plus bench/peers/ (never served by serve.py)."""

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path.lstrip("/")
        if path.startswith("bench/peers/") and "/." not in path and ".." not in path:
            target = ROOT / path
            if target.is_file():
                return self._send(
                    target.read_bytes(),
                    httpd.MIME_TYPES.get(target.suffix, "text/plain"),
                    httpd.REVALIDATE,
                    None,
                    send_body,
                )
        return super()._respond(send_body)


def serve() -> tuple[httpd.ThreadingHTTPServer, str]:
    server = httpd.ThreadingHTTPServer(("127.0.0.1", 0), BenchHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def open_in_loupe(browser, base: str, path: Path, timeout: int = 120_000, **context_options):
    """A fresh context with Loupe fully started (Python ready) and ``path`` opened; ``(context, page)``."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.add_init_script(LONGTASK_SCRIPT)
    page.goto(base)
    page.evaluate("loupe.pythonReady")
    page.wait_for_timeout(1000)
    loads = int(page.evaluate("document.body.dataset.loads || '0'"))
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("(n) => Number(document.body.dataset.loads || '0') > n", arg=loads, timeout=timeout)
    return context, page


class Samples:
    """Measurements by scenario and by who (``loupe`` or a peer's name)."""

    def __init__(self) -> None:
        self.values: dict[str, dict[str, list[float]]] = {}
        self.targets: dict[str, float] = {}

    def add(self, scenario: str, who: str, value: float | None, target: float | None = None) -> None:
        if value is not None:
            self.values.setdefault(scenario, {}).setdefault(who, []).append(float(value))
        if target is not None:
            self.targets[scenario] = target

    def rows(self, only: str | None = None) -> list[dict]:
        out = []
        for scenario, by_who in self.values.items():
            if only and only not in scenario:
                continue
            loupe = by_who.get("loupe", [])
            out.append(
                {
                    "scenario": scenario,
                    "loupe_ms": _rounded(statistics.median(loupe)) if loupe else None,
                    "peers": {
                        name: _rounded(statistics.median(v)) for name, v in sorted(by_who.items()) if name != "loupe"
                    },
                    "target_ms": self.targets.get(scenario),
                }
            )
        return out


def _rounded(value: float) -> float:
    """A median as the table shows it: whole units, or one decimal below 10 (ratios, small times)."""
    return round(value) if abs(value) >= 10 else round(value, 1)
