"""Run app/core under the real MicroPython build (WebAssembly, in node) over recorded engine answers.

The unit tests record each query's answer from native DuckDB in the shape the
browser hands it over, then a small Python script replays them through a
shared core module under MicroPython; its printed JSON must equal CPython's.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MICROPYTHON = ROOT / "node_modules" / "@micropython" / "micropython-webassembly-pyscript" / "micropython.mjs"

needs_micropython = pytest.mark.skipif(
    not shutil.which("node") or not MICROPYTHON.exists(), reason="needs node and MicroPython's npm package"
)

# node run.mjs MICROPYTHON_MJS CORE_FOLDER CASES REPLAY OUT HEAP_MB
RUNNER = """
import fs from "node:fs";
const [micropython, core, cases, replay, out, heap] = process.argv.slice(2);
const { loadMicroPython } = await import(micropython);
let printed = "";
const mp = await loadMicroPython({ heapsize: Number(heap) * 1024 * 1024, stdout: (text) => { printed += text; } });
mp.FS.mkdir("/app");
mp.FS.mkdir("/app/core");
mp.FS.writeFile("/app/__init__.py", "");
for (const name of fs.readdirSync(core)) {
  if (name.endsWith(".py")) mp.FS.writeFile("/app/core/" + name, fs.readFileSync(core + "/" + name));
}
mp.FS.writeFile("/cases.json", fs.readFileSync(cases));
mp.runPython(fs.readFileSync(replay, "utf8"));
fs.writeFileSync(out, printed);
"""


def replay(tmp_path: Path, cases: list, script: str, heap_mb: int, timeout: int):
    """Run ``script`` under MicroPython with ``cases`` at /cases.json; return what it printed, parsed as JSON."""
    paths = [tmp_path / name for name in ("run.mjs", "cases.json", "replay.py", "out.json")]
    for path, text in zip(paths, (RUNNER, json.dumps(cases), script)):
        path.write_text(text)
    arguments = [paths[0], MICROPYTHON, ROOT / "app" / "core"] + paths[1:] + [heap_mb]
    done = subprocess.run(["node"] + [str(a) for a in arguments], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(paths[3].read_text())
