"""Starts the Pyodide (CPython) worker in the background and reports when it is ready."""

import asyncio

from pyscript import window

from app.ui.shell import feedback
from app.ui.shell.dom import count_up

WORKER_NAME = "loupe-python"
_state = {"worker": None, "started": False, "failed": False, "duckdb": "", "engine": None}
_settled = asyncio.Event()  # set once the worker is up or failed to start


def use(engine) -> None:
    """The engine whose Parquet reader is warmed once Python is up (embeds start Python later)."""
    _state["engine"] = engine


async def ready():
    """The worker once it is up (None if it failed to start); starts it if needed."""
    if not _state["started"]:
        await start("")
    await _settled.wait()
    return _state["worker"]


async def start(duckdb_version: str):
    """Create the worker; resolve ``loupe.pythonReady`` with CPython's version."""
    from pyscript import create_named_worker

    if duckdb_version:
        _state["duckdb"] = duckdb_version
    if _state["started"]:
        return await ready()
    _state["started"] = True
    # <body data-python-starts>: the worker was asked for (before any await, so it is
    # set by the time loupe.ready is seen in the full app; an embed leaves it unset).
    count_up(window.document.body, "data-python-starts")
    try:
        worker = await create_named_worker(src="./app/worker.py", name=WORKER_NAME, config="./pyscript.toml")
        version = await worker.python_version()
    except Exception as error:
        _state["failed"] = True
        _settled.set()
        window.loupe._pythonFailed(str(error))
        feedback.status("DuckDB " + _state["duckdb"] + " ready · Python unavailable: " + str(error))
        return None
    window.loupe._worker = worker  # for the console and tests: await loupe._worker.python_version()
    _state["worker"] = worker
    _settled.set()
    if _state["engine"] is not None:
        _state["engine"].prewarm_parquet()  # start-up is over: compile the Parquet reader while idle
    window.performance.mark("loupe:python-ready")  # tests compare it with loupe:table-visible
    window.loupe._pythonReady(version)
    feedback.status("DuckDB " + _state["duckdb"] + " ready · Python " + version.split(" ")[0] + " ready")
    return worker
