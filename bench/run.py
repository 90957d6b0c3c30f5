#!/usr/bin/env python3
"""Loupe against its peers, in one run, on this machine: ``python3 bench/run.py``.

    python3 bench/run.py                  # medians of 5 iterations
    python3 bench/run.py --quick          # 1 iteration (the tests run this so the bench cannot rot)
    python3 bench/run.py --json out.json --only start

Peers are minimal pages in bench/peers/ served by the same server:
- ``duckdb-wasm``: raw DuckDB-WASM (the engine floor);
- ``pyodide-sqlite``: Pyodide + Python's csv module into sqlite3 (Datasette Lite's approach);
- ``pyscript-pyodide``: a plain PyScript + Pyodide page (the start-up floor of Python apps);
- ``keep-formats``: one table kept in OPFS as Parquet, Arrow IPC and a DuckDB file (``restore``).

Cold scenarios use a fresh browser context per iteration (empty HTTP cache,
no service worker); warm ones reload in the same context. Prints a Markdown
table and writes JSON: a list of {"scenario", "loupe_ms", "peers", "target_ms"}.
Groups: ``start`` (start-up), ``open`` (big files), ``explore`` (sort, filter,
facets, group-by and jumps in big files), ``charts`` (a chart redrawn after a
change of field, summary or filter), ``embeds`` (three embeds in a page of
another origin: ready, heap, Pyodide requests) and ``steps`` (a derived column,
find and replace, fill, undo, a join and a pivot on big tables, against raw
DuckDB-WASM running the same SQL), ``code`` (a 20-step recipe exported to
each target, against the same printer on native CPython) and ``restore`` (a
1M-row CSV table and flights-3M back from the browser's storage after a
restart, against opening the file again and raw DuckDB-WASM, and the storage
format: Parquet, Arrow IPC or a DuckDB file in OPFS); ``--only`` picks one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

try:
    import playwright  # noqa: F401
except ImportError:  # the system Python: run again in the test environment, which has Playwright
    import os

    _VENV_PYTHON = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
    if not _VENV_PYTHON.exists():
        sys.exit(
            "The benchmark needs the test environment: run `python3 test.py` once (it sets up .venv "
            "and Chromium), then `python3 bench/run.py` again."
        )
    os.execv(str(_VENV_PYTHON), [str(_VENV_PYTHON), *sys.argv])

import charts  # noqa: E402
import code_export  # noqa: E402
import embeds  # noqa: E402
import explore  # noqa: E402
import opening  # noqa: E402
import restore  # noqa: E402
import spreadsheets  # noqa: E402
import start  # noqa: E402
import steps  # noqa: E402
from common import CHROMIUM_ARGS, Samples, serve  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tools import vendor  # noqa: E402

GROUPS = {
    "start": "start-up",
    "open": "opening big files",
    "explore": "exploring big files",
    "charts": "charts over big files",
    "embeds": "embeds in another site's page",
    "steps": "transform steps on big tables",
    "spreadsheets": "opening workbooks",
    "code": "export as code",
    "restore": "workspaces: big tables back from storage after a restart",
}


def measure(iterations: int, groups: list[str]) -> tuple[list[dict], dict]:
    server, base = serve()
    samples = Samples()
    transfer: dict[str, list[int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(iterations):
            if "start" in groups:
                start.run(browser, base, samples, transfer)
            if "open" in groups:
                opening.run(browser, base, samples)
            if "explore" in groups:
                explore.run(browser, base, samples)
            if "charts" in groups:
                charts.run(browser, base, samples)
            if "embeds" in groups:
                embeds.run(browser, base, samples)
            if "steps" in groups:
                steps.run(browser, base, samples)
            if "spreadsheets" in groups:
                spreadsheets.run(browser, base, samples)
            if "code" in groups:
                code_export.run(browser, base, samples)
            if "restore" in groups:
                restore.run(browser, base, samples)
        browser.close()
    server.shutdown()
    return samples.rows(), {k: int(statistics.median(v)) for k, v in transfer.items() if v}


def markdown(rows: list[dict], transfer: dict, iterations: int) -> str:
    peers = sorted({name for row in rows for name in row["peers"]})
    lines = [
        f"Median of {iterations} (ms, lower is better; '—' = not measured)",
        "",
        "| scenario | Loupe | " + " | ".join(peers) + " | target |",
        "|---|---:|" + "---:|" * len(peers) + "---:|",
    ]
    for row in rows:
        cells = [str(row["peers"].get(p, "—")) for p in peers]
        target = "—" if row["target_ms"] is None else f"≤ {row['target_ms']:g}"
        lines.append(f"| {row['scenario']} | {row['loupe_ms']} | " + " | ".join(cells) + f" | {target} |")
    if transfer:
        lines += [
            "",
            "First visit transfer (Loupe, page + workers, before the service worker's precache): "
            f"{transfer['wire'] / 1e6:.1f} MB compressed, {transfer['raw'] / 1e6:.1f} MB raw.",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one iteration")
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--only", choices=sorted(GROUPS), help="run one group of scenarios")
    args = parser.parse_args(argv)
    vendor.ensure_vendor()
    iterations = 1 if args.quick else args.iterations
    rows, transfer = measure(iterations, [args.only] if args.only else list(GROUPS))
    print(markdown(rows, transfer, iterations))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
