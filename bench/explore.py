"""Exploring big files: sort, filter, facet counts, group-by and a far jump, from the click to the repaint.

Loupe is driven as a person drives it, in a page where the file was opened
and its background work (row order, header profiles) has settled. Time 0
is the click (or the Enter key) that asks for the action, taken by a
capture-phase listener before the app's own; the action is done when
``<body data-views>`` counts a new view (a sort, filter or group), when
the column panel lists the counted values (facets), or when the wanted row
is drawn with its values (a jump). "Click to settled" is when
``<body data-settled>`` counts it: the view's rows counted and its order
stored. Between actions the table state is reset through ``loupe.setTableState``.

The peer is a raw DuckDB-WASM page (bench/peers/duckdb-wasm-explore.html)
running the equivalent SQL and putting its rows in the page: the engine's
floor for each action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, NamedTuple

import data
from common import Samples, open_in_loupe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

REPAINT_TARGET = 150
JUMP_TARGET = 100
LONGTASK_TARGET = 100
TIMEOUT = 120_000


class Dataset(NamedTuple):
    label: str
    make: Callable[[], Path]
    table: str
    number: str  # a number column: sort, range filter, summary of groups
    text: str  # a text column: sort, facet counts
    search: str
    searched: list[str]  # the columns Loupe's search looks in for that text (see app/core/filters.search_clause)
    low: float
    high: float
    group: str
    summary: str  # fn of the group's summary of ``number``
    far: int  # a far row, 1-based as typed


DATASETS = [
    Dataset(
        "1M-row CSV",
        data.orders_csv,
        "orders_1000k",
        "amount",
        "customer",
        "c4242",
        ["id", "customer", "region", "product", "amount", "quantity", "order_date"],
        100,
        200,
        "region",
        "sum",
        900_000,
    ),
    Dataset(
        "flights-3M",
        data.flights_parquet,
        "flights_3m",
        "delay",
        "origin",
        "SFO",
        ["origin", "destination"],
        60,
        120,
        "origin",
        "avg",
        2_900_000,
    ),
]

# Installed once the file is open. arm(done, settles) starts a step: time 0
# at the next click, submit or keydown; view/settled when <body> counts them;
# done when the condition ("view", "facet" or a 0-based row number) holds.
WATCH = """() => {
  const body = document.body;
  const count = (name) => Number(body.getAttribute(name) || '0');
  window.__explore = {
    arm(done, settles) {
      if (this.observer) this.observer.disconnect();
      const step = window.__step = { t0: null, view: null, settled: null, done: null };
      const views = count('data-views'), settled = count('data-settled');
      const oldFacets = document.querySelector('#side .facet-list');
      const listening = new AbortController();
      const start = () => { step.t0 = performance.now(); listening.abort(); };
      for (const type of ['click', 'submit', 'keydown'])
        document.addEventListener(type, start, { capture: true, signal: listening.signal });
      const reached = {
        view: () => step.view !== null,
        facet: () => { const list = document.querySelector('#side .facet-list');
                       return list !== null && list !== oldFacets && !document.getElementById('side').hidden; },
        row: () => document.querySelector(`#grid tbody tr[data-row='${done}']:not(.waiting)`) !== null,
      }[typeof done === 'number' ? 'row' : done];
      const check = (observer) => {
        const now = performance.now();
        if (step.t0 === null) return;
        if (step.view === null && count('data-views') > views) step.view = now;
        if (step.settled === null && count('data-settled') > settled) step.settled = now;
        if (step.done === null && reached()) step.done = now;
        if (step.done !== null && (step.settled !== null || !settles)) observer.disconnect();
      };
      const observer = this.observer = new MutationObserver(() => check(observer));
      observer.observe(body, { subtree: true, childList: true, attributes: true });
    },
    // Background work is done: the header strips are drawn (or 10 s passed), data-settled still.
    async settle() {
      const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const deadline = performance.now() + 10000;
      const full = () => document.querySelectorAll('#grid thead .spark-slot:not(:empty)').length
                         >= document.querySelectorAll('#grid thead th[data-col]').length;
      while (!full() && performance.now() < deadline) await sleep(50);
      let last = count('data-settled');
      for (let quiet = 0; quiet < 6; quiet++) {
        await sleep(50);
        if (count('data-settled') !== last) { last = count('data-settled'); quiet = 0; }
      }
    },
  };
}"""
# The longest task that ran at or after t0 (the task handling the click itself starts just before t0).
LONGEST_OVERLAPPING = "(t0) => Math.max(0, ...window.__longtasks.filter(([s, d]) => s + d >= t0).map(([, d]) => d))"


class Step(NamedTuple):
    """One action: its name, target, what ends it, how to do it, the peer's SQL."""

    name: str
    target: float
    done: str  # "view", "facet" or "far" (the dataset's far row drawn)
    settles: bool  # <body data-settled> counts it too
    act: Callable  # act(page, dataset, arm): prepares, calls arm(), then clicks or presses Enter
    peer_sql: Callable[[Dataset], str]
    keep: bool = False  # the next step runs in this step's view (no reset in between)


def _column_index(page, name: str) -> int:
    return page.evaluate(
        """(name) => [...document.querySelectorAll('#grid thead th[data-col]')]
        .find((th) => th.querySelector('.colname').textContent === name).dataset.col""",
        name,
    )


def _sort_by(column: Callable[[Dataset], str]):
    def act(page, d: Dataset, arm) -> None:
        target = page.locator(f"#grid thead th[data-col='{_column_index(page, column(d))}'] .colhead")
        arm()
        target.click()

    return act


def _search(page, d: Dataset, arm) -> None:
    page.fill("#search-input", d.search)
    arm()
    page.press("#search-input", "Enter")


def _range(page, d: Dataset, arm) -> None:
    _open_panel(page, d.number)
    inputs = page.locator("#side .range-form input")
    inputs.nth(0).fill(str(d.low))
    inputs.nth(1).fill(str(d.high))
    arm()
    page.locator("#side .range-form button[type=submit]").click()


def _facets(page, d: Dataset, arm) -> None:
    target = page.locator(f"#grid thead th[data-col='{_column_index(page, d.text)}'] .colmenu")
    arm()
    target.click()


def _group(page, d: Dataset, arm) -> None:
    if not page.evaluate("document.getElementById('group').open"):
        page.click("#group summary")
    page.check(f"#group-keys input[value='{d.group}']")
    page.click("#group-add")
    row = page.locator("#group-aggs .agg-row").last
    row.locator("select").nth(0).select_option(d.summary)
    row.locator("select").nth(1).select_option(d.number)
    arm()
    page.click("#group-form button[type=submit]")


def _jump(page, d: Dataset, arm) -> None:
    page.fill("#jump-input", str(d.far))
    arm()
    page.press("#jump-input", "Enter")


def _open_panel(page, column: str) -> None:
    """Open ``column``'s side panel and let it finish counting its values (or 10 s pass)."""
    old = page.evaluate_handle("document.querySelector('#side .facet-list')")
    page.click(f"#grid thead th[data-col='{_column_index(page, column)}'] .colmenu")
    page.wait_for_selector("#side .range-form", timeout=TIMEOUT)
    try:
        page.wait_for_function(
            "(old) => { const list = document.querySelector('#side .facet-list');"
            " return list !== null && list !== old; }",
            arg=old,
            timeout=10_000,
        )
    except PlaywrightTimeout:
        pass  # no value counts for this column: nothing more to wait for
    page.evaluate("__explore.settle()")


def _searched(d: Dataset) -> str:
    return " OR ".join(f"contains(lower(CAST({c} AS VARCHAR)), lower('{d.search}'))" for c in d.searched)


STEPS = [
    Step(
        "sort by a number column",
        REPAINT_TARGET,
        "view",
        True,
        _sort_by(lambda d: d.number),
        lambda d: f"SELECT * FROM t ORDER BY {d.number} LIMIT 100",
        keep=True,
    ),
    Step(
        "jump to a far row, sorted",
        JUMP_TARGET,
        "far",
        False,
        _jump,
        lambda d: f"SELECT * FROM t ORDER BY {d.number} LIMIT 100 OFFSET {d.far - 1}",
    ),
    Step(
        "sort by a text column",
        REPAINT_TARGET,
        "view",
        True,
        _sort_by(lambda d: d.text),
        lambda d: f"SELECT * FROM t ORDER BY {d.text} LIMIT 100",
    ),
    Step(
        "search filter",
        REPAINT_TARGET,
        "view",
        True,
        _search,
        lambda d: f"SELECT * FROM t WHERE {_searched(d)} LIMIT 100",
    ),
    Step(
        "range filter",
        REPAINT_TARGET,
        "view",
        True,
        _range,
        lambda d: f"SELECT * FROM t WHERE {d.number} BETWEEN {d.low} AND {d.high} LIMIT 100",
    ),
    Step(
        "facet counts",
        REPAINT_TARGET,
        "facet",
        False,
        _facets,
        lambda d: f"SELECT {d.text}, count(*) FROM t GROUP BY {d.text} ORDER BY 2 DESC LIMIT 50",
    ),
    Step(
        "group-by",
        REPAINT_TARGET,
        "view",
        False,
        _group,
        lambda d: f"SELECT {d.group}, count(*), {d.summary}({d.number}) FROM t GROUP BY {d.group} ORDER BY 2 DESC",
    ),
    Step(
        "jump to a far row", JUMP_TARGET, "far", False, _jump, lambda d: f"SELECT * FROM t LIMIT 100 OFFSET {d.far - 1}"
    ),
]


def run(browser, base: str, samples: Samples) -> None:
    """One iteration of every explore scenario on each file, Loupe then the peer."""
    for d in DATASETS:
        path = d.make()
        longest = 0.0
        for step, value in loupe_explore(browser, base, path, d):
            longest = max(longest, value["longtask"])
            samples.add(f"explore {d.label}: {step.name} (click to repaint)", "loupe", value["done"], step.target)
            if step.settles:
                samples.add(f"explore {d.label}: {step.name} (click to settled)", "loupe", value["settled"])
        samples.add(f"explore {d.label}: longest main-thread task", "loupe", longest, LONGTASK_TARGET)
        for step, elapsed in peer_explore(browser, base, path, d):
            samples.add(f"explore {d.label}: {step.name} (click to repaint)", "duckdb-wasm", elapsed)


def loupe_explore(browser, base: str, path: Path, d: Dataset) -> list[tuple[Step, dict]]:
    """Open ``path`` in Loupe and do each step; ms from time 0 to done and settled, the longest task."""
    context, page = open_in_loupe(browser, base, path, TIMEOUT)
    if page.evaluate("loupe.tables().map((t) => t.table)").count(d.table) != 1:
        raise RuntimeError(f"Loupe did not open {path.name} as {d.table}: {page.locator('#error').inner_text()}")
    page.evaluate(WATCH)
    page.evaluate("__explore.settle()")
    out = []
    for step in STEPS:
        out.append((step, _measure(page, d, step)))
        if not step.keep:
            _reset(page, d)
    context.close()
    return out


def peer_explore(browser, base: str, path: Path, d: Dataset) -> list[tuple[Step, float]]:
    """Open ``path`` in the raw DuckDB-WASM page; ms of each step's SQL with its rows put in the page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}bench/peers/duckdb-wasm-explore.html")
    page.wait_for_function("window.peerReady === true", timeout=TIMEOUT)
    page.set_input_files("#file-input", str(path))
    page.wait_for_function("window.peerOpened !== undefined", timeout=TIMEOUT)
    out = [(step, page.evaluate("(sql) => peerRun(sql)", step.peer_sql(d))) for step in STEPS]
    context.close()
    return out


def _measure(page, d: Dataset, step: Step) -> dict:
    done = d.far - 1 if step.done == "far" else step.done
    step.act(page, d, lambda: page.evaluate("([done, settles]) => __explore.arm(done, settles)", [done, step.settles]))
    page.wait_for_function("window.__step.done !== null", timeout=TIMEOUT)
    if step.settles:
        page.wait_for_function("window.__step.settled !== null", timeout=TIMEOUT)
    page.evaluate("__explore.settle()")
    measured = page.evaluate("window.__step")
    return {
        "done": measured["done"] - measured["t0"],
        "settled": measured["settled"] - measured["t0"] if step.settles else None,
        "longtask": page.evaluate(LONGEST_OVERLAPPING, measured["t0"]),
    }


def _reset(page, d: Dataset) -> None:
    """Back to the table as opened: the column panel closed, no sort, filter or grouping."""
    if page.is_visible("#side"):
        page.click("#side-close")
    page.evaluate("(table) => loupe.setTableState(table, {})", d.table)
    page.evaluate("__explore.settle()")
