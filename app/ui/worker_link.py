"""Starts the Pyodide (CPython) worker in the background and reports when it is ready."""

from pyscript import window

from app.ui import feedback

WORKER_NAME = "loupe-python"


async def start(duckdb_version: str):
    """Create the worker; resolve ``loupe.pythonReady`` with CPython's version."""
    from pyscript import create_named_worker
    try:
        worker = await create_named_worker(src="./app/worker.py", name=WORKER_NAME,
                                           config="./pyscript.toml")
        version = await worker.python_version()
    except Exception as error:
        window.loupe._pythonFailed(str(error))
        feedback.status("DuckDB " + duckdb_version + " ready · Python unavailable: " + str(error))
        return None
    window.loupe._worker = worker  # for the console and tests: await loupe._worker.python_version()
    window.loupe._pythonReady(version)
    feedback.status("DuckDB " + duckdb_version + " ready · Python " + version.split(" ")[0] + " ready")
    return worker
