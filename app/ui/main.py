"""Loupe's main thread (MicroPython): boot, load the sample, wire the page.

Nothing here waits on Pyodide: the first table appears as soon as DuckDB is
up; the CPython worker starts afterwards, in the background.
"""

import asyncio

from pyscript import window

from app.engine.wasm import WasmEngine
from app.ui import api, chart_panel, export_menu, feedback, pages, sql_panel, worker_link
from app.ui.session import SAMPLE_URL, Session


async def main():
    boot = window.loupeBoot
    window.performance.mark("loupe:ui-running")
    boot.step("ui", "done")
    engine = WasmEngine(window.loupeEngine)
    try:
        version = await engine.start()
    except Exception as error:
        boot.fail("The query engine could not start: " + str(error)
                  + ". Reload the page; if it keeps failing, use a current Chrome, Edge, Firefox or Safari.")
        return
    boot.step("engine", "done")
    window.performance.mark("loupe:engine-ready")
    session = Session(engine, window.loupe)
    pages.wire(session)
    export_menu.wire(session)
    sql_panel.wire(session)
    chart_panel.wire(session)
    api.attach(window.loupe, session)
    from_address = pages.open_from_query(session)
    if from_address:
        for opening in from_address:  # ?url= (repeatable): those instead of the sample
            await feedback.guarded(opening)
    if not session.tables:
        await feedback.guarded(session.open({"kind": "sample", "url": SAMPLE_URL}))
    boot.step("sample", "done")
    boot.finish()
    window.loupe._ready(version)
    feedback.status("DuckDB " + version + " ready · Python loading in the background…")
    await worker_link.start(version)


await main()
