"""Starts the Pyodide (CPython) worker in the background and reports when it is ready."""

import asyncio

from pyscript import window

from app.ui import feedback

WORKER_NAME = "loupe-python"
_state = {"worker": None, "started": False, "failed": False, "duckdb": ""}


async def ready():
    """The worker once it is up (None if it failed to start); starts it if needed."""
    if not _state["started"]:
        await start("")
    while _state["worker"] is None and not _state["failed"]:
        await asyncio.sleep(0.05)
    return _state["worker"]


async def start(duckdb_version: str):
    """Create the worker; resolve ``loupe.pythonReady`` with CPython's version."""
    from pyscript import create_named_worker

    if duckdb_version:
        _state["duckdb"] = duckdb_version
    if _state["started"]:
        return await ready()
    _state["started"] = True
    try:
        worker = await create_named_worker(src="./app/worker.py", name=WORKER_NAME, config="./pyscript.toml")
        version = await worker.python_version()
    except Exception as error:
        _state["failed"] = True
        window.loupe._pythonFailed(str(error))
        feedback.status("DuckDB " + _state["duckdb"] + " ready · Python unavailable: " + str(error))
        return None
    window.loupe._worker = worker  # for the console and tests: await loupe._worker.python_version()
    _state["worker"] = worker
    window.loupeEngine.prewarmParquet()  # start-up is over: compile the Parquet reader while idle
    window.loupe._pythonReady(version)
    feedback.status("DuckDB " + _state["duckdb"] + " ready · Python " + version.split(" ")[0] + " ready")
    return worker
