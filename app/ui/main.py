"""Loupe's main thread (MicroPython): boot, open what the address asks for, wire the page.

Nothing here waits on Pyodide: the first table appears as soon as DuckDB is
up; the CPython worker starts afterwards, in the background — except in an
embed (embed.html), which starts it only when something needs it.
"""

from pyscript import window

from app.engine.wasm import WasmEngine
from app.ui.opening import sharing, ways_in
from app.ui.panels import chart_panel, code_menu, export_menu, sql_panel, steps_panel, workspace_panel
from app.ui.session import Session
from app.ui.shell import address, api, feedback, keeping, privacy, worker_link


async def main():
    boot = window.loupeBoot
    window.performance.mark("loupe:ui-running")
    boot.step("ui", "done")
    engine = WasmEngine(window.loupeEngine)
    try:
        version = await engine.start()
    except Exception as error:
        boot.fail(
            "The query engine could not start: "
            + str(error)
            + ". Reload the page; if it keeps failing, use a current Chrome, Edge, Firefox or Safari."
        )
        return
    boot.step("engine", "done")
    window.performance.mark("loupe:engine-ready")
    session = Session(engine, window.loupe)
    ways_in.wire(session)
    privacy.wire(engine)
    worker_link.use(engine)
    export_menu.wire(session)
    code_menu.wire(session)
    session.sql_panel = sql_panel.wire(session)
    chart_panel.wire(session)
    steps_panel.wire(session)
    sharing.wire(session)
    api.attach(window.loupe, session)
    session.keeper = keeping.Keeper(session)
    await feedback.guarded(session.keeper.start())
    workspace_panel.wire(session)
    await feedback.guarded(address.open_first_view(session))  # whatever the address holds, the page starts
    boot.step("sample", "done")
    boot.finish()
    window.loupe._ready(version)
    if session.embedded:
        feedback.status("DuckDB " + version + " ready")
        return  # an embed starts Python only when something needs it (Excel, SQLite)
    feedback.status("DuckDB " + version + " ready · Python loading in the background…")
    await worker_link.start(version)


await main()
