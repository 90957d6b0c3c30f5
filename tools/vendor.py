"""Install Loupe's browser dependencies from lock files into assets/vendor/.

The vendor folder is build output (ignored by git). It is made from:

- ``package-lock.json`` through ``npm ci`` (PyScript, MicroPython, Pyodide,
  DuckDB-WASM, apache-arrow, parquet-wasm, Vega, Vega-Lite, vega-embed,
  CodeMirror, vega-datasets, esbuild), then the files the app needs are
  copied to ``assets/vendor/<package>-<version>/`` and the ES-module
  libraries are bundled into one file each;
- ``wheels.lock`` through ``pip download --require-hashes`` (wheels for
  the Pyodide worker: pure Python, or built for its wasm32 platform), placed beside Pyodide with a
  ``pyodide-lock.json`` rewritten to list exactly those wheels and hashes.

Every directory carries its version, so vendored URLs can be cached forever.
A stamp of the lock files makes a second run a no-op that touches no network.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "assets" / "vendor"
NODE_MODULES = ROOT / "node_modules"
STAMP = VENDOR / ".stamp"
# Bump when the copy rules below change, so existing vendor folders are redone.
LAYOUT_VERSION = "6"

# (npm package, files or globs inside it, folder name under assets/vendor)
NPM_FILES: list[tuple[str, list[str], str]] = [
    ("@pyscript/core", ["dist/*.js", "dist/*.css"], "pyscript"),
    ("@micropython/micropython-webassembly-pyscript", ["micropython.mjs", "micropython.wasm"], "micropython"),
    ("pyodide", ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"], "pyodide"),
    ("@duckdb/duckdb-wasm", ["dist/duckdb-browser-eh.worker.js", "dist/duckdb-eh.wasm"], "duckdb-wasm"),
    ("parquet-wasm", ["esm/parquet_wasm.js", "esm/parquet_wasm_bg.wasm"], "parquet-wasm"),
    ("vega-datasets", ["data/seattle-weather.csv"], "vega-datasets"),
]
# Bundled with esbuild, one file per library: duckdb-wasm's browser module
# imports apache-arrow by bare name and arrow itself is 150 ES modules;
# Vega and CodeMirror are hundreds of small modules too. One file loads faster.
# (package whose version names the folder, file name, entry module)
BUNDLES: list[tuple[str, str, str]] = [
    (
        "@duckdb/duckdb-wasm",
        "duckdb.mjs",
        "export * from '@duckdb/duckdb-wasm';\nexport * as arrow from 'apache-arrow';\n",
    ),
    (
        "vega-embed",
        "vega.mjs",
        "export { default as vegaEmbed } from 'vega-embed';\n"
        "export * as vega from 'vega';\n"
        "export * as vegaLite from 'vega-lite';\n",
    ),
    (
        "@codemirror/view",
        "codemirror.mjs",
        "export { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, placeholder }"
        " from '@codemirror/view';\n"
        "export { EditorState, EditorSelection, Compartment } from '@codemirror/state';\n"
        "export { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';\n"
        "export { syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput, HighlightStyle }"
        " from '@codemirror/language';\n"
        "export { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';\n"
        "export { sql, PostgreSQL, StandardSQL, SQLDialect } from '@codemirror/lang-sql';\n"
        "export { setDiagnostics, lintGutter } from '@codemirror/lint';\n",
    ),
]
BUNDLE_FOLDERS = {"@duckdb/duckdb-wasm": "duckdb-wasm", "vega-embed": "vega-embed", "@codemirror/view": "codemirror"}
# The platform tag of binary wheels built for this Pyodide's ABI (python-calamine in wheels.lock).
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"
COMPRESSIBLE = (".js", ".mjs", ".wasm", ".css", ".json", ".csv")


class SetupError(RuntimeError):
    """Setup could not finish; the message says what to install or fix."""


def ensure_vendor(log=print) -> bool:
    """Install vendored files if the lock files changed; return True if work was done."""
    stamp = lock_stamp()
    if STAMP.exists() and STAMP.read_text() == stamp:
        return False
    log("Setting up Loupe's dependencies (first run or lock files changed)...")
    _npm_ci(log)
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    VENDOR.mkdir(parents=True)
    versions = npm_versions()
    for package, patterns, name in NPM_FILES:
        _copy_package_files(package, patterns, VENDOR / f"{name}-{versions[package]}")
    for package, file_name, entry in BUNDLES:
        _bundle(entry, VENDOR / f"{BUNDLE_FOLDERS[package]}-{versions[package]}" / file_name)
    pyodide_dir = VENDOR / f"pyodide-{versions['pyodide']}"
    _download_wheels(pyodide_dir, log)
    _write_pyodide_lock(pyodide_dir)
    _precompress(VENDOR, log)
    STAMP.write_text(stamp)
    log("Dependencies ready in assets/vendor/.")
    return True


def lock_stamp() -> str:
    """A digest of everything that decides the vendor folder's content."""
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for name in ("package-lock.json", "wheels.lock"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def npm_versions() -> dict[str, str]:
    """Exact versions of the top-level npm packages, read from package-lock.json."""
    lock = json.loads((ROOT / "package-lock.json").read_text())
    packages = lock["packages"]
    return {
        key.removeprefix("node_modules/"): value["version"]
        for key, value in packages.items()
        if key.count("node_modules/") == 1
    }


def locked_wheels() -> list[tuple[str, str, str]]:
    """(name, version, sha256) for each line of wheels.lock."""
    wheels = []
    for line in (ROOT / "wheels.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, _, digest = line.partition(" --hash=sha256:")
        name, _, version = spec.partition("==")
        wheels.append((name.strip(), version.strip(), digest.strip()))
    return wheels


def _npm_ci(log) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError("npm was not found. Install Node.js 20 or newer (it includes npm), then run again.")
    installed = NODE_MODULES / ".package-lock.json"
    if installed.exists() and _same_packages(installed):
        return
    log("npm ci (from package-lock.json)...")
    _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], "npm ci")


def _same_packages(installed: Path) -> bool:
    want = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    have = json.loads(installed.read_text())["packages"]
    return all(have.get(k, {}).get("version") == v.get("version") for k, v in want.items() if k)


def _copy_package_files(package: str, patterns: list[str], dest: Path) -> None:
    source = NODE_MODULES / package
    dest.mkdir(parents=True, exist_ok=True)
    for pattern in patterns:
        matches = sorted(source.glob(pattern))
        if not matches:
            raise SetupError(f"{package} has no file matching {pattern}; run 'npm ci' again.")
        for path in matches:
            shutil.copy2(path, dest / path.name)


def _bundle(entry_text: str, out: Path) -> None:
    entry = NODE_MODULES / f".loupe-entry-{out.stem}.mjs"
    entry.write_text(entry_text)
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    out.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            str(esbuild),
            str(entry),
            "--bundle",
            "--format=esm",
            "--platform=browser",
            "--minify",
            "--log-level=warning",
            f"--outfile={out}",
        ],
        "esbuild",
    )


def _download_wheels(dest: Path, log) -> None:
    log("pip download (from wheels.lock)...")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.14",
            "--platform",
            "any",
            "--platform",
            PYODIDE_PLATFORM,
            "--require-hashes",
            "-r",
            str(ROOT / "wheels.lock"),
            "-d",
            str(dest),
        ],
        "pip download",
    )


def _write_pyodide_lock(pyodide_dir: Path) -> None:
    """Rewrite pyodide-lock.json to list exactly the wheels we ship.

    Pyodide's own lock names ~350 packages that are not shipped (the npm
    package has only the core), and its micropip hash differs from PyPI's.
    """
    original = json.loads((NODE_MODULES / "pyodide" / "pyodide-lock.json").read_text())
    packages = {}
    for name, version, digest in locked_wheels():
        wheel = _find_wheel(pyodide_dir, name, version)
        key = name.lower().replace("_", "-")
        entry = dict(original["packages"].get(key, {}))
        entry.update(
            {
                "name": key,
                "version": version,
                "file_name": wheel.name,
                "install_dir": "site",
                "package_type": "package",
                "sha256": digest,
                "imports": entry.get("imports") or [key.replace("-", "_")],
                "depends": [d for d in entry.get("depends", []) if d in packages],
                "unvendored_tests": False,
                "tool": {},
            }
        )
        packages[key] = entry
    packages["openpyxl"]["depends"] = ["et-xmlfile"]
    lock = {"info": original["info"], "packages": packages}
    (pyodide_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


def _find_wheel(folder: Path, name: str, version: str) -> Path:
    stem = name.lower().replace("-", "_")
    for path in folder.glob("*.whl"):
        if path.name.lower().startswith(f"{stem}-{version}-"):
            return path
    raise SetupError(f"pip did not download {name}=={version}; check wheels.lock.")


def _precompress(folder: Path, log) -> None:
    """Write .gz siblings once, so the dev server never compresses 30 MB per request."""
    log("Compressing vendored files...")
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in COMPRESSIBLE:
            with path.open("rb") as src, gzip.open(f"{path}.gz", "wb", compresslevel=6) as out:
                shutil.copyfileobj(src, out, 1 << 20)
            os.utime(f"{path}.gz", (path.stat().st_mtime, path.stat().st_mtime))


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-15:]
        raise SetupError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(detail))
