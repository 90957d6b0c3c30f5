"""Charts over big files: a change of field, summary or filter, from the action to the chart redrawn.

Loupe opens flights-3M (3,000,000 rows, Parquet) as a person does, opens the
chart panel and makes it a bar chart of the mean delay by origin. Each step
then changes one thing: the x field (origin <-> destination, chosen in the
form), the summary (mean <-> sum), or the rows (a range filter on delay set
and cleared through ``loupe.setTableState``, which is what the column panel's
range form does). Time 0 is the form's change event (taken by a
capture-phase listener before the app's own) or the setTableState call;
the chart is redrawn when ``<body data-charts>`` counts it, which
assets/js/charts.mjs does once vega-embed has drawn the new spec. A filter
step includes the grid's own repaint: the chart follows it.

The peer is a raw DuckDB-WASM page with the same vega-embed
(bench/peers/duckdb-wasm-chart.html) running the plain aggregate (top 20, no
'Other') and drawing it: the floor for the same chart.
"""

from __future__ import annotations

import data
from common import Samples, open_in_loupe

REDRAW_TARGET = 500
LONGTASK_TARGET = 100
TIMEOUT = 120_000
TABLE = "flights_3m"
LABEL = "flights-3M"
BASE_CHART = {"kind": "bar", "x": "origin", "y": "delay", "color": None, "aggregate": "mean", "unit": "auto"}
FILTER = [{"column": "delay", "op": "range", "value": [60, 120]}]

# Installed once the chart is up: arm() starts a step (time 0 at the next change event, or
# at once with now=true); the step is done when <body data-charts> counts a new chart.
WATCH = """() => {
  const count = () => Number(document.body.dataset.charts || '0');
  window.__chart = {
    arm(now) {
      if (this.observer) this.observer.disconnect();
      const step = window.__step = { t0: now ? performance.now() : null, done: null };
      const before = count();
      if (!now) {
        const listening = new AbortController();
        document.addEventListener('change', () => { step.t0 = performance.now(); listening.abort(); },
                                  { capture: true, signal: listening.signal });
      }
      const observer = this.observer = new MutationObserver(() => {
        if (step.t0 === null || step.done !== null || count() <= before) return;
        step.done = performance.now();
        observer.disconnect();
      });
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-charts'] });
    },
  };
}"""
LONGEST_OVERLAPPING = "(t0) => Math.max(0, ...window.__longtasks.filter(([s, d]) => s + d >= t0).map(([, d]) => d))"
# Each step: (scenario, how: a form field and value, or a table state to set)
STEPS = [
    ("change of x field", ("x", "destination")),
    ("change of x field", ("x", "origin")),
    ("change of summary", ("aggregate", "sum")),
    ("change of summary", ("aggregate", "mean")),
    ("change of filter", {"filters": FILTER}),
    ("change of filter", {"filters": []}),
]
PEER_SQL = {
    "change of x field": "SELECT {x} AS x, avg(delay) AS value FROM t {where} GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
    "change of summary": "SELECT {x} AS x, sum(delay) AS value FROM t {where} GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
    "change of filter": "SELECT {x} AS x, avg(delay) AS value FROM t {where} GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
}


def run(browser, base: str, samples: Samples) -> None:
    """One iteration: each step in Loupe (then the peer's equivalent), on flights-3M."""
    path = data.flights_parquet()
    longest = 0.0
    for name, value in loupe_charts(browser, base, path):
        longest = max(longest, value["longtask"])
        samples.add(f"chart {LABEL}: {name} (to chart redrawn)", "loupe", value["done"], REDRAW_TARGET)
    samples.add(f"chart {LABEL}: longest main-thread task", "loupe", longest, LONGTASK_TARGET)
    for name, elapsed in peer_charts(browser, base, path):
        samples.add(f"chart {LABEL}: {name} (to chart redrawn)", "duckdb-wasm", elapsed)


def loupe_charts(browser, base: str, path) -> list[tuple[str, dict]]:
    context, page = open_in_loupe(browser, base, path, TIMEOUT, viewport={"width": 1280, "height": 800})
    if TABLE not in page.evaluate("loupe.tables().map((t) => t.table)"):
        raise RuntimeError(f"Loupe did not open {path.name} as {TABLE}: {page.locator('#error').inner_text()}")
    page.evaluate(WATCH)
    drawn = int(page.evaluate("Number(document.body.dataset.charts || 0)"))
    page.click("#chart-toggle")  # the suggested chart first (Vega loads), then the bar chart measured
    page.wait_for_function("(n) => Number(document.body.dataset.charts || 0) > n", arg=drawn, timeout=TIMEOUT)
    _set_state(page, {})
    _settle(page)
    out = []
    for name, how in STEPS:
        if isinstance(how, tuple):
            page.evaluate("__chart.arm(false)")
            page.select_option("#chart-" + how[0], how[1])
        else:
            page.evaluate("__chart.arm(true)")
            page.evaluate(
                "([table, state]) => { loupe.setTableState(table, state); }", [TABLE, dict(how, chart=_chart(page))]
            )
        page.wait_for_function("window.__step.done !== null", timeout=TIMEOUT)
        step = page.evaluate("window.__step")
        _settle(page)
        longest = page.evaluate(LONGEST_OVERLAPPING, step["t0"])
        out.append((name, {"done": step["done"] - step["t0"], "longtask": longest}))
    context.close()
    return out


def peer_charts(browser, base: str, path) -> list[tuple[str, float]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}bench/peers/duckdb-wasm-chart.html")
    page.wait_for_function("window.peerReady === true", timeout=TIMEOUT)
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("window.peerOpened !== undefined", timeout=TIMEOUT)
    page.evaluate("(sql) => peerChart(sql)", PEER_SQL["change of x field"].format(x="origin", where=""))  # Vega loads
    out = []
    x, where = "origin", ""
    for name, how in STEPS:
        if isinstance(how, tuple) and how[0] == "x":
            x = how[1]
        elif not isinstance(how, tuple):
            where = "WHERE delay BETWEEN 60 AND 120" if how["filters"] else ""
        out.append((name, page.evaluate("(sql) => peerChart(sql)", PEER_SQL[name].format(x=x, where=where))))
    context.close()
    return out


def _chart(page) -> dict:
    return page.evaluate(f"loupe.view().tables[{TABLE!r}].chart")


def _set_state(page, state: dict) -> None:
    """The table as opened, charted as BASE_CHART; returns once that chart is drawn."""
    drawn = int(page.evaluate("Number(document.body.dataset.charts || 0)"))
    page.evaluate("([table, state]) => loupe.setTableState(table, state)", [TABLE, dict(state, chart=BASE_CHART)])
    page.wait_for_function("(n) => Number(document.body.dataset.charts || 0) > n", arg=drawn, timeout=TIMEOUT)


def _settle(page) -> None:
    """Let background work (the grid's row order, header profiles) finish before the next step."""
    page.wait_for_function(
        "Number(document.body.dataset.settled || 0) >= Number(document.body.dataset.views || 0)", timeout=TIMEOUT
    )
    page.wait_for_timeout(1500)
