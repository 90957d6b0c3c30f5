"""Opening big files: first rows visible and fully queryable, from the moment the file is chosen.

The file is chosen in a file input (what a drop does too); time 0 is the
input's change event. "First rows" is the first moment the table shows rows
of the new file; "queryable" is when the whole table is loaded.
"""

from __future__ import annotations

from pathlib import Path

import data
from common import HEAP_PEAK_MB, HEAP_SCRIPT, LONGEST_SINCE, LONGTASK_SCRIPT, Samples

# Installed before a file is chosen: time 0 at the change event (capture
# phase, before the app's own listener), first rows and completion by observers.
WATCH = """(name) => {
  const state = window.__open = { t0: null, first: null, full: null };
  document.addEventListener('change', () => { state.t0 = performance.now(); }, { capture: true, once: true });
  const done = Number(document.body.getAttribute('data-loads') || '0');
  new MutationObserver((_, observer) => {
    if (!state.first && document.getElementById('table-title').textContent === name
        && document.querySelector('#grid tbody tr[data-row]:not(.waiting)')) state.first = performance.now();
  }).observe(document.getElementById('table-view'), { subtree: true, childList: true, characterData: true });
  new MutationObserver((_, observer) => {
    if (Number(document.body.getAttribute('data-loads')) > done) { state.full = performance.now(); observer.disconnect(); }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-loads'] });
}"""

SCENARIOS = [
    # (label, file, table name in Loupe, first-rows target ms, queryable target ms, peers)
    ("1M-row CSV (45 MB)", data.orders_csv, "orders_1000k", 500, 1500, ["duckdb-wasm", "pyodide-sqlite"]),
    ("flights-3M Parquet", data.flights_parquet, "flights_3m", 500, 2000, ["duckdb-wasm"]),
]


def loupe_open(browser, base: str, path: Path, table: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(LONGTASK_SCRIPT)
    page.add_init_script(HEAP_SCRIPT)
    page.goto(base)
    page.evaluate("loupe.pythonReady")  # the app has fully started, as each peer has
    page.wait_for_timeout(500)
    page.evaluate(WATCH, table)
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("window.__open.full !== null", timeout=120_000)
    result = page.evaluate("window.__open")
    result["longtask"] = page.evaluate(LONGEST_SINCE, result["t0"])
    result["heap"] = page.evaluate(HEAP_PEAK_MB)
    error = page.locator("#error")
    if error.is_visible() and "warning" not in (error.get_attribute("class") or ""):
        raise RuntimeError(f"Loupe failed to open {path.name}: {error.inner_text()}")
    context.close()
    return result


def peer_open(browser, base: str, peer: str, path: Path) -> tuple[float, float]:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(HEAP_SCRIPT)
    page.goto(f"{base}bench/peers/{peer}-open.html")
    page.wait_for_function("window.peerReady === true", timeout=120_000)
    page.evaluate(
        "document.addEventListener('change', () => { window.__t0 = performance.now(); }, {capture: true, once: true})"
    )
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("window.peerOpened !== undefined", timeout=180_000)
    elapsed = page.evaluate("window.peerOpened - window.__t0")
    heap = page.evaluate(HEAP_PEAK_MB)
    context.close()
    return elapsed, heap


def run(browser, base: str, samples: Samples) -> None:
    """One iteration of every opening scenario."""
    for label, make, table, first_target, full_target, peers in SCENARIOS:
        path = make()
        measured = loupe_open(browser, base, path, table)
        samples.add(f"open {label}: first rows visible", "loupe", measured["first"] - measured["t0"], first_target)
        samples.add(f"open {label}: fully queryable", "loupe", measured["full"] - measured["t0"], full_target)
        samples.add(f"open {label}: longest main-thread task", "loupe", measured["longtask"], 100)
        samples.add(f"open {label}: peak main-thread JS heap (MB, not ms)", "loupe", measured["heap"])
        for peer in peers:
            elapsed, heap = peer_open(browser, base, peer, path)
            samples.add(f"open {label}: peak main-thread JS heap (MB, not ms)", peer, heap)
            samples.add(f"open {label}: first rows visible", peer, elapsed)
            samples.add(f"open {label}: fully queryable", peer, elapsed)
