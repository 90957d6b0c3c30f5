"""Export as code: a 20-step recipe's code, asked for until it is in hand, for each target.

Loupe is driven through ``loupe.exportCode(target)`` in a page where the
sample file (seattle-weather.csv) is open with 20 steps (10 derived
columns, 10 find-and-replace); the first call of a SQL dialect loads
sqlglot in the worker, reported on its own with the longest main-thread
task during it (the load must not block the page). Each target's time is
then the median of calls once sqlglot is loaded.

The peer is the same printer on native CPython (``native-cpython``): the
floor of writing that code, without WebAssembly, the plan or the worker
round trip; the plan is gathered by the harness the tests use
(tests/unit/code_cases.py) over the same file and steps.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import Samples, open_in_loupe

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "assets" / "vendor" / "vega-datasets-3.2.1" / "seattle-weather.csv"
TABLE = "seattle_weather"
TARGET = 300  # ms: a 20-step recipe's code, once sqlglot is loaded
LONGTASK_TARGET = 100
TARGETS = ("duckdb", "pandas", "polars", "notebook", "sql:duckdb", "sql:postgres", "sql:spark")
CALLS = 3
STEPS = [
    {"kind": "derive", "name": "d" + str(i), "expression": "temp_max * " + str(i + 1) + " - temp_min"}
    for i in range(10)
] + [{"kind": "replace", "column": "weather", "find": "w" + str(i), "replace": "W" + str(i)} for i in range(10)]

TIMED = """async (target) => {
  const t0 = performance.now();
  const answer = await window.loupe.exportCode(target);
  const t1 = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const longest = Math.max(0, ...(window.__longtasks || []).filter(([s, d]) => s + d >= t0 && s <= t1).map(([, d]) => d));
  return {ms: t1 - t0, longest, length: answer.code.length};
}"""


def run(browser, base: str, samples: Samples) -> None:
    context, page = open_in_loupe(browser, base, SAMPLE)
    try:
        page.evaluate("(steps) => window.loupe.setSteps('" + TABLE + "', steps)", STEPS)
        first = page.evaluate(TIMED, "sql:postgres")
        samples.add("code, 20 steps: first SQL dialect (loads sqlglot)", "loupe", first["ms"])
        samples.add(
            "code, 20 steps: longest main-thread task while sqlglot loads", "loupe", first["longest"], LONGTASK_TARGET
        )
        native = _native_times()
        for target in TARGETS:
            times = [page.evaluate(TIMED, target)["ms"] for _ in range(CALLS)]
            name = "code, 20 steps: " + target
            samples.add(name, "loupe", sorted(times)[len(times) // 2], TARGET)
            samples.add(name, "native-cpython", native.get(target))
    finally:
        context.close()


def _native_times() -> dict:
    """Milliseconds each printer takes on native CPython for the same plan (the median of CALLS)."""
    import tempfile

    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    sys.path.insert(0, str(ROOT))
    from code_cases import Case

    from app.core import code_targets

    with tempfile.TemporaryDirectory() as folder:
        case = Case.from_csv(Path(folder), SAMPLE.name, SAMPLE.read_bytes())
        case.steps(json.loads(json.dumps(STEPS)))
        plan = case.plan()
        out = {}
        for target in TARGETS:
            times = []
            for _ in range(CALLS):
                t0 = time.perf_counter()
                code_targets.render(plan, target)
                times.append((time.perf_counter() - t0) * 1000)
            out[target] = sorted(times)[len(times) // 2]
    return out
