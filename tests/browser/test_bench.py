"""The benchmark still runs (one quick iteration), so it cannot rot."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402


def test_bench_quick_run_writes_the_documented_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert bench.main(["--quick", "--json", str(out)]) == 0
    rows = json.loads(out.read_text())
    scenarios = {row["scenario"]: row for row in rows}
    table = scenarios["cold start: table visible"]
    assert table["loupe_ms"] > 0 and set(table["peers"]) == {"duckdb-wasm", "pyodide-sqlite"}
    assert scenarios["cold start: Python worker ready"]["peers"]["pyscript-pyodide"] > 0
    for row in rows:
        assert set(row) == {"scenario", "loupe_ms", "peers", "target_ms"}
    assert "| cold start: table visible |" in capsys.readouterr().out
