"""The benchmark still runs (one quick iteration), so it cannot rot."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_run_writes_the_documented_json(tmp_path):
    out = tmp_path / "bench.json"
    # A subprocess: Playwright's sync API cannot nest inside the session's browser fixture.
    # One small group (start-up, with every peer): the whole bench takes minutes (issue 5).
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "start", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| cold start: table visible |" in done.stdout
    rows = json.loads(out.read_text())
    scenarios = {row["scenario"]: row for row in rows}
    table = scenarios["cold start: table visible"]
    assert table["loupe_ms"] > 0 and set(table["peers"]) == {"duckdb-wasm", "pyodide-sqlite"}
    assert scenarios["cold start: Python worker ready"]["peers"]["pyscript-pyodide"] > 0
    for row in rows:
        assert set(row) == {"scenario", "loupe_ms", "peers", "target_ms"}


def test_every_bench_group_still_imports():
    """The groups the quick run skips (open, explore, charts, embeds, steps) at least load and list their scenarios."""
    done = subprocess.run(
        [sys.executable, "-c", "import charts, code_export, embeds, explore, opening, start, steps"],
        cwd=ROOT / "bench",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
