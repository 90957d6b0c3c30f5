"""Loupe's Pyodide worker: CPython 3.14 for the work that needs all of Python.

It starts in the background after the first table is on screen and exposes
core functions to the main thread (calls are async; no SharedArrayBuffer
needed). Nothing a first look needs waits for it.
"""

import sys

import pyodide_js


def python_version() -> str:
    """CPython's version, e.g. '3.14.2 (main, ...)'."""
    return sys.version


async def load_packages(names) -> list:
    """Install shipped wheels (see wheels.lock) by name; return their versions."""
    from importlib.metadata import version
    names = [str(n) for n in names]
    await pyodide_js.loadPackage(names)
    return [version(name) for name in names]


__export__ = ["python_version", "load_packages"]
