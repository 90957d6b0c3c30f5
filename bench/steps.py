"""Transform steps on big tables: a step added until its first rows are on screen, undo, join, pivot.

Loupe is driven through ``loupe.addStep`` / ``loupe.undo`` in a page where
the file was opened and background work has settled; the call resolves once
the grid has drawn the new view, so its duration is "step to first rows
repainted". The longest main-thread task during it is reported too.

The peer is raw DuckDB-WASM (bench/peers/duckdb-wasm-explore.html) running
the same SQL as a view and putting its first rows in the page: the engine's
floor for each step.
"""

from __future__ import annotations

import json

import data
from common import Samples, open_in_loupe

STEP_TARGET = 150  # ms: derived column, find and replace, fill missing → first rows repainted
UNDO_TARGET = 100
JOIN_TARGET = 1000
PIVOT_TARGET = 500
LONGTASK_TARGET = 100
TIMEOUT = 180_000
CUSTOMERS = 10_000

# (name, step, SQL of the same view for the peer over table t, target)
ORDER_STEPS = [
    (
        "1M-row CSV: derived column",
        {"kind": "derive", "name": "total", "expression": "amount * quantity"},
        "SELECT *, amount * quantity AS total FROM t",
        STEP_TARGET,
    ),
    (
        "1M-row CSV: find and replace",
        {"kind": "replace", "column": "region", "find": "north", "replace": "North"},
        "SELECT * REPLACE (replace(region, 'north', 'North') AS region) FROM t",
        STEP_TARGET,
    ),
    (
        "1M-row CSV: fill missing (previous value)",
        {"kind": "fill", "column": "amount", "with": "previous"},
        "SELECT * REPLACE (coalesce(amount, last_value(amount IGNORE NULLS) OVER (ORDER BY rowid)) AS amount)"
        " FROM (SELECT rowid, * FROM t) ORDER BY rowid",
        STEP_TARGET,
    ),
]

# Times one awaited call in the page and the longest task that overlapped it.
TIMED = """async (call) => {
  const t0 = performance.now();
  const result = await (new Function('return ' + call))();
  const t1 = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const longest = Math.max(0, ...(window.__longtasks || []).filter(([s, d]) => s + d >= t0 && s <= t1).map(([, d]) => d));
  return {ms: t1 - t0, longest, result: JSON.stringify(result).slice(0, 300)};
}"""


def _loupe(page, call: str) -> dict:
    return page.evaluate(TIMED, call)


def _peer(page, sql: str) -> float:
    page.evaluate("(sql) => window.peerRun(sql)", f"CREATE OR REPLACE VIEW v AS {sql}")
    return page.evaluate("() => window.peerRun('SELECT * FROM v LIMIT 200')")


def _peer_page(browser, base: str, path):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "bench/peers/duckdb-wasm-explore.html")
    page.wait_for_function("window.peerReady === true", timeout=TIMEOUT)
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("window.peerOpened !== undefined", timeout=TIMEOUT)
    return context, page


def _customers_csv() -> str:
    lines = ["customer,tier"] + [f"c{i},{i % 7}" for i in range(CUSTOMERS)]
    return "\n".join(lines) + "\n"


def run(browser, base: str, samples: Samples) -> None:
    orders = data.orders_csv()
    context, page = open_in_loupe(browser, base, orders, timeout=TIMEOUT)
    peer_context, peer = _peer_page(browser, base, orders)
    try:
        table = page.evaluate("loupe.view().active")
        page.wait_for_timeout(1500)  # let header profiles settle
        for name, step, sql, target in ORDER_STEPS:
            page.evaluate(f"loupe.setSteps('{table}', [])")
            timed = _loupe(page, f"loupe.addStep({_js(step)}, '{table}')")
            samples.add(name, "loupe", timed["ms"], target)
            samples.add(name + ": longest main-thread task", "loupe", timed["longest"], LONGTASK_TARGET)
            samples.add(name, "duckdb-wasm", _peer(peer, sql))
            timed = _loupe(page, "loupe.undo()")
            samples.add(name + ": undo", "loupe", timed["ms"], UNDO_TARGET)
            samples.add(name + ": undo", "duckdb-wasm", _peer(peer, "SELECT * FROM t"))
        page.evaluate(f"loupe.setSteps('{table}', [])")
        page.evaluate("(text) => loupe.open({name: 'customers.csv', text})", _customers_csv())
        page.evaluate(f"loupe.setTableState('{table}', {{}})")
        page.evaluate("document.querySelector('#tables .tab-name').click()")
        peer.evaluate(
            "() => window.peerRun(\"CREATE OR REPLACE TABLE customers AS SELECT 'c' || i AS customer, i % 7 AS tier"
            f' FROM range({CUSTOMERS}) r(i)")'
        )
        join = {"kind": "join", "table": "customers", "how": "left", "keys": [["customer", "customer"]]}
        timed = _loupe(page, f"loupe.addStep({_js(join)}, '{table}')")
        name = f"1M-row CSV: join a {CUSTOMERS:,}-row table"
        samples.add(name, "loupe", timed["ms"], JOIN_TARGET)
        samples.add(name + ": longest main-thread task", "loupe", timed["longest"], LONGTASK_TARGET)
        samples.add(
            name,
            "duckdb-wasm",
            _peer(peer, "SELECT t.*, c.tier FROM t LEFT JOIN customers c USING (customer)"),
        )
    finally:
        context.close()
        peer_context.close()
    _pivot(browser, base, samples)


def _pivot(browser, base: str, samples: Samples) -> None:
    flights = data.flights_parquet()
    context, page = open_in_loupe(browser, base, flights, timeout=TIMEOUT)
    peer_context, peer = _peer_page(browser, base, flights)
    try:
        table = page.evaluate("loupe.view().active")
        page.wait_for_timeout(1500)
        page.evaluate(f"loupe.addStep({{kind: 'derive', name: 'month', expression: 'month(date)'}}, '{table}')")
        pivot = {
            "kind": "pivot",
            "rows": ["origin"],
            "columns": "month",
            "values": [{"fn": "avg", "column": "delay"}, {"fn": "count"}],
        }
        timed = _loupe(page, f"loupe.addStep({_js(pivot)}, '{table}')")
        name = "flights-3M: pivot origin × month (average delay, count)"
        samples.add(name, "loupe", timed["ms"], PIVOT_TARGET)
        samples.add(name + ": longest main-thread task", "loupe", timed["longest"], LONGTASK_TARGET)
        months = ", ".join(
            f'avg(delay) FILTER (WHERE m = {m}) AS "{m} avg", count(*) FILTER (WHERE m = {m}) AS "{m} n"'
            for m in range(1, 13)
        )
        samples.add(
            name,
            "duckdb-wasm",
            _peer(
                peer, f"SELECT origin, {months} FROM (SELECT origin, month(date) AS m, delay FROM t) GROUP BY origin"
            ),
        )
    finally:
        context.close()
        peer_context.close()


def _js(value) -> str:
    return json.dumps(value)
