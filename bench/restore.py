"""Workspaces: a big table back after a browser restart, from storage, against opening its file again.

Each scenario opens the file once in a persistent Chromium profile, waits
until Loupe has kept it (``loupe.saveWorkspace()`` says ``complete``), closes
the browser and launches it again on the same profile. Time 0 is the page's
``loupe:engine-ready`` mark: "first rows" is the restored table's rows in the
grid, "fully restored" the whole table in ``loupe.tables()`` with no load
running. The file must not be read again: ``<body data-loads>`` counts no
more loads than a start without files makes (the sample's), and
``loupe.workspace()`` names the table as restored.
In the same run: the file opened again the normal way (``open again``: from
the input's change event, as the ``open`` group) and by raw DuckDB-WASM,
and what the table takes in storage against its file. Then the format
question, on bench/peers/keep-formats.html: the same table kept as Parquet
(what Loupe writes), as Arrow IPC and as a DuckDB database file in OPFS.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import data
from common import CHROMIUM_ARGS, MARK, Samples
from opening import loupe_open, peer_open

# Installed before the page's own scripts on the relaunch: first rows of `name`
# by an observer (as opening.py's WATCH), fully restored by a poll of loupe.tables().
WATCH = """
(() => {
  const name = %(table)r, rows = %(rows)d;
  const state = window.__restore = { first: null, full: null, started: null };
  const first = () => {
    const loading = document.getElementById('loading');
    if (!state.started && loading && !loading.hidden && loading.textContent.includes('Bringing back ' + name)) {
      state.started = performance.now();
    }
    const title = document.getElementById('table-title');
    if (!state.first && title && title.textContent === name
        && document.querySelector('#grid tbody tr[data-row]:not(.waiting)')) state.first = performance.now();
  };
  const full = () => {
    first();
    if (state.full || !window.loupe || !window.loupe.tables) return;
    let tables = [];
    try { tables = window.loupe.tables(); } catch (e) { return; }
    const loading = document.getElementById('loading');
    if (tables.some((t) => t.table === name && t.rows === rows) && (!loading || loading.hidden)) {
      state.full = performance.now();
      clearInterval(timer);
    }
  };
  const timer = setInterval(full, 10);
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver(first).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
})();
"""

SCENARIOS = [
    # (label, file, table name in Loupe, rows, first-rows target ms after engine ready)
    ("1M-row CSV", data.orders_csv, "orders_1000k", 1_000_000, 1000),
    ("flights-3M Parquet", data.flights_parquet, "flights_3m", 3_000_000, 1000),
]
KEEP_TIMEOUT_S = 300


def _launch(browser, folder: Path):
    context = browser.browser_type.launch_persistent_context(
        str(folder), executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(180_000)
    page = context.pages[0] if context.pages else context.new_page()
    return context, page


def _check_error(page, what: str) -> None:
    error = page.locator("#error")
    if error.is_visible() and "warning" not in (error.get_attribute("class") or ""):
        raise RuntimeError(f"Loupe failed to {what}: {error.inner_text()}")


def keep(browser, base: str, folder: Path, path: Path, table: str) -> dict:
    """Open ``path`` in Loupe on the profile ``folder`` and wait until it is kept; its kept entry."""
    context, page = _launch(browser, folder)
    try:
        page.goto(base)
        page.evaluate("loupe.ready")
        loads = int(page.evaluate("document.body.dataset.loads || '0'"))  # the sample's, on every start
        page.set_input_files("#file-input", str(path))
        page.wait_for_function("(n) => Number(document.body.dataset.loads || '0') > n", arg=loads)
        _check_error(page, f"open {path.name}")
        deadline = time.monotonic() + KEEP_TIMEOUT_S
        item = None
        while time.monotonic() < deadline:
            report = page.evaluate("loupe.saveWorkspace()")
            item = next((t for t in report["tables"] if t["table"] == table), None)
            if item and item["complete"] and item["source"]:
                break
            time.sleep(0.25)
        if not item or not item["complete"]:
            raise RuntimeError(f"Loupe did not keep {table} within {KEEP_TIMEOUT_S} s: {item}")
        return dict(item, boot_loads=loads)
    finally:
        context.close()


def restore(browser, base: str, folder: Path, table: str, rows: int, boot_loads: int) -> dict:
    """Launch the profile again; times from ``loupe:engine-ready`` to first rows and to fully restored.

    ``boot_loads``: the loads a start makes without any file (the sample, read
    from Loupe's own files, counts as one); a restore must add none.
    """
    context, page = _launch(browser, folder)
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.add_init_script(WATCH % {"table": table, "rows": rows})
        page.goto(base)
        page.wait_for_function("window.__restore && window.__restore.full !== null", timeout=180_000)
        _check_error(page, f"restore {table}")
        measured = page.evaluate("window.__restore")
        ready = page.evaluate(MARK % "loupe:engine-ready")
        loads = int(page.evaluate("document.body.dataset.loads || '0'"))
        workspace = page.evaluate("loupe.workspace()")
        marks = page.evaluate("performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])")
        if loads > boot_loads:
            raise RuntimeError(
                f"restoring {table} read a file again: data-loads = {loads}, {boot_loads} at a start (marks: {marks})"
            )
        if table not in workspace.get("restored", []):
            raise RuntimeError(f"{table} was not brought back from storage: {workspace}")
        if errors:
            raise RuntimeError(f"uncaught errors while restoring {table}: {errors}")
        if measured["first"] is None:
            measured["first"] = measured["full"]
        started = None if measured["started"] is None else measured["started"] - ready
        return {
            "first": measured["first"] - ready,
            "full": measured["full"] - ready,
            "started": started,
            "ready": ready,
            "marks": marks,
        }
    finally:
        context.close()


def formats(browser, base: str, path: Path) -> dict:
    """bench/peers/keep-formats.html on ``path``: each format's size, write and read-back times."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}bench/peers/keep-formats.html")
        page.wait_for_function("window.peerReady === true", timeout=120_000)
        page.set_input_files("#file-input", str(path))
        page.wait_for_function("window.keepResult !== undefined || window.keepError !== undefined", timeout=600_000)
        failed = page.evaluate("window.keepError")
        if failed:
            raise RuntimeError(f"keep-formats failed on {path.name}: {failed}")
        return page.evaluate("window.keepResult")
    finally:
        context.close()


FORMATS = [("parquet", "loupe"), ("arrow", "arrow-ipc"), ("duckdb", "duckdb-file")]


def run(browser, base: str, samples: Samples) -> None:
    """One iteration of every restore scenario, and the format comparison."""
    for label, make, table, rows, first_target in SCENARIOS:
        path = make()
        folder = Path(tempfile.mkdtemp(prefix="loupe-restore-"))
        try:
            item = keep(browser, base, folder, path, table)
            back = restore(browser, base, folder, table, rows, item["boot_loads"])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        again = loupe_open(browser, base, path, table)
        raw, _ = peer_open(browser, base, "duckdb-wasm", path)
        first_again, full_again = again["first"] - again["t0"], again["full"] - again["t0"]
        first, full = f"restore {label}: first rows visible", f"restore {label}: fully restored"
        samples.add(first, "loupe", back["first"], first_target)
        samples.add(first, "open again", first_again)
        samples.add(first, "duckdb-wasm", raw)
        samples.add(full, "loupe", back["full"])
        samples.add(full, "open again", full_again)
        samples.add(full, "duckdb-wasm", raw)
        samples.add(
            f"restore {label}: first rows, restore ÷ open again (ratio, not ms)", "loupe", back["first"] / first_again
        )
        samples.add(
            f"restore {label}: fully restored, restore ÷ open again (ratio, not ms)", "loupe", back["full"] / full_again
        )
        samples.add(
            f"restore {label}: fully restored, restore ÷ raw DuckDB-WASM open (ratio, not ms)",
            "loupe",
            back["full"] / raw,
        )
        samples.add(f"restore {label}: engine ready after navigation", "loupe", back["ready"])
        # Where the time goes: what runs before the kept table starts coming back (the view's other sources).
        samples.add(f"restore {label}: bringing back starts (from engine ready)", "loupe", back["started"])
        size = f"restore {label}: kept in storage (MB, not ms)"
        samples.add(size, "loupe", item["bytes"] / 1e6)
        samples.add(size, "source file", path.stat().st_size / 1e6)

        kept = formats(browser, base, path)
        for key, who in FORMATS:
            measured = kept.get(key) or {}
            if "error" in measured or measured.get("rows") != kept["rows"]:
                print(f"keep-formats {label} {key}: {measured}", flush=True)
                continue
            samples.add(f"restore format {label}: write to OPFS", who, measured["writeMs"])
            samples.add(f"restore format {label}: first rows back", who, measured["firstMs"])
            samples.add(f"restore format {label}: read back into DuckDB", who, measured["readMs"])
            samples.add(f"restore format {label}: size in OPFS (MB, not ms)", who, measured["bytes"] / 1e6)
