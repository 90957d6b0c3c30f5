"""Loupe's Pyodide worker: CPython 3.14 for the work that needs all of Python.

It starts in the background after the first table is on screen and exposes
functions to the main thread (calls are async; no SharedArrayBuffer needed).
Nothing a first look needs waits for it. Each exported function is parse ->
call core -> serialise, in a few lines.
"""

import json
import sys

import pyodide_js

from app.core import tabular


def python_version() -> str:
    """CPython's version, e.g. '3.14.2 (main, ...)'."""
    return sys.version


async def load_packages(names) -> list:
    """Install shipped wheels (see wheels.lock) by name; return their versions."""
    from importlib.metadata import version
    names = [str(n) for n in names]
    await pyodide_js.loadPackage(names)
    return [version(name) for name in names]


async def read_tables(fmt, buffer) -> str:
    """JSON ``{"tables": [{"name", "csv", "rows"}]}`` or ``{"error"}`` for an xlsx or SQLite file."""
    fmt = str(fmt)
    if fmt == "xlsx":
        await load_packages(["openpyxl"])
    data = buffer.to_bytes() if hasattr(buffer, "to_bytes") else bytes(buffer)
    try:
        tables = tabular.read_tables(fmt, data)
    except tabular.TabularError as error:
        return json.dumps({"error": str(error)})
    return json.dumps({"tables": tables})


__export__ = ["python_version", "load_packages", "read_tables"]
