"""Both adapters implement the written Engine protocol, and a step generator runs the same against either.

WasmEngine is checked by inspecting its class and by driving it under
asyncio with a stand-in for its JavaScript glue backed by native DuckDB (no
browser): the stand-in fails the way MicroPython shows a rejected JS promise,
``JsException(js_error, name, message)``.
"""

import asyncio
import inspect
import json
import threading

import duckdb
import pytest

from app.core import errors, loading
from app.engine import protocol, wasm
from app.engine.native import NativeEngine
from app.engine.wasm import WasmEngine


def _in_own_loop(coroutine):
    """``asyncio.run(coroutine)`` in a thread of its own: the browser tests' Playwright keeps a loop running here."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class JsException(Exception):
    """A rejected JS promise as MicroPython raises it: args are (js_error, name, message)."""

    def __init__(self, name, message):
        super().__init__(None, name, message)


class Glue:
    """``window.loupeEngine``'s query functions, answering from native DuckDB (JSON in, JSON out)."""

    def __init__(self, engine, cancelled=False):
        self.engine = engine
        self.cancelled = cancelled
        self.order = []  # the statements, in the order they reached the engine
        self.hold = None  # an asyncio.Event the next statement waits for

    async def query(self, sql, params_json):
        self.order.append(sql)
        if self.hold is not None:
            hold, self.hold = self.hold, None
            await hold.wait()
        try:  # DuckDB's own words, as the browser's engine gives them
            cursor = self.engine.connection.execute(sql, json.loads(params_json))
        except duckdb.Error as error:
            raise JsException("Error", str(error)) from None
        if cursor.description is None:
            return json.dumps({"columns": [], "rows": []})
        columns = [{"name": d[0], "type": str(d[1])} for d in cursor.description]
        return json.dumps({"columns": columns, "rows": [list(r) for r in cursor.fetchall()]}, default=str)

    async def queryCancellable(self, sql, params_json):  # noqa: N802 (the glue's JavaScript name)
        if self.cancelled:
            raise JsException(wasm.CANCELLED, "the query was cancelled")
        return await self.query(sql, params_json)


@pytest.fixture
def native():
    engine = NativeEngine()
    engine.execute("CREATE TABLE t AS SELECT range AS n, 'x' || range AS s FROM range(5)")
    yield engine
    engine.close()


def _signature(method):
    return [p.name for p in inspect.signature(method).parameters.values()]


@pytest.mark.parametrize("adapter", [NativeEngine, WasmEngine])
@pytest.mark.parametrize("name", protocol.methods(protocol.Engine))
def test_both_adapters_have_every_engine_method(adapter, name):
    assert callable(getattr(adapter, name, None)), adapter.__name__ + " lacks " + name
    assert _signature(getattr(adapter, name)) == _signature(getattr(protocol.Engine, name))


@pytest.mark.parametrize("name", protocol.methods(protocol.BrowserEngine))
def test_the_browser_adapter_has_every_browser_method(name):
    method = getattr(WasmEngine, name, None)
    declared = getattr(protocol.BrowserEngine, name)
    assert callable(method), "WasmEngine lacks " + name
    assert _signature(method) == _signature(declared)
    assert inspect.iscoroutinefunction(method) == inspect.iscoroutinefunction(declared), name


def test_what_the_protocol_lists_is_what_the_page_uses():
    assert isinstance(NativeEngine(), protocol.Engine)
    assert isinstance(WasmEngine(Glue(None)), protocol.BrowserEngine)


def _steps():
    """A step generator: a description, a statement that fails and is caught, a last count."""
    described = yield from loading.describe("t")
    try:
        yield ("SELECT nope FROM t", [])
    except errors.QueryError as failure:
        caught = "nope" in str(failure)
    counted = yield ("SELECT count(*) FROM t WHERE n >= ?", [2])
    return described, caught, counted["rows"][0][0]


def test_a_step_generator_runs_the_same_against_either_adapter(native):
    direct = native.run(_steps())
    browser = _in_own_loop(WasmEngine(Glue(native)).run(_steps()))
    assert direct == browser
    assert direct[0]["rows"] == 5 and direct[1] is True and direct[2] == 3


def test_the_background_engine_drives_steps_too(native):
    assert native.run(loading.describe("t")) == loading.run(loading.describe("t"), native.background().execute)
    browser = WasmEngine(Glue(native))
    assert _in_own_loop(wasm.run(loading.describe("t"), browser.background()))["rows"] == 5


def _cancelled_steps(seen):
    try:
        yield ("SELECT 1", [])
    except errors.QueryError:  # a failure: carry on
        seen.append("caught")
        return "carried on"
    finally:
        seen.append("closed")


def test_a_cancel_is_its_own_type_and_passes_through_steps_in_the_browser(native):
    seen = []
    with pytest.raises(errors.Cancelled):
        _in_own_loop(WasmEngine(Glue(native, cancelled=True)).run(_cancelled_steps(seen), cancellable=True))
    assert seen == ["closed"]


def test_a_cancel_is_its_own_type_and_passes_through_steps_natively(native):
    seen = []
    stop = threading.Event()

    def keep_cancelling():
        while not stop.wait(0.05):
            native.cancel()

    def long_steps():
        try:
            yield ("SELECT count(*) FROM range(100000000000) a", [])
        except errors.QueryError:
            seen.append("caught")
        finally:
            seen.append("closed")

    canceller = threading.Thread(target=keep_cancelling)
    canceller.start()
    try:
        with pytest.raises(errors.Cancelled):
            native.run(long_steps(), cancellable=True)
    finally:
        stop.set()
        canceller.join()
    assert seen == ["closed"]
    assert native.execute("SELECT 42")["rows"] == [[42]]  # the engine works on


def test_the_engine_error_is_worded_once_at_the_adapter(native):
    with pytest.raises(errors.QueryError) as failure:
        _in_own_loop(WasmEngine(Glue(native)).execute("SELECT * FROM nowhere"))
    message = str(failure.value)
    assert message.startswith("Catalog Error") and message.count("loupe.tables() lists what is loaded") == 1


def test_the_gate_lets_foreground_statements_go_before_background_ones(native):
    glue = Glue(native)
    engine = WasmEngine(glue)

    async def run():
        hold = asyncio.Event()
        glue.hold = hold
        first = asyncio.create_task(engine.execute("SELECT 'first'"))
        await asyncio.sleep(0.01)
        background = asyncio.create_task(engine.execute_background("SELECT 'background'"))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(engine.execute("SELECT 'second'"))
        await asyncio.sleep(0.01)
        assert glue.order == ["SELECT 'first'"]  # the others wait their turn
        hold.set()
        await asyncio.gather(first, background, second)

    _in_own_loop(run())
    assert glue.order == ["SELECT 'first'", "SELECT 'second'", "SELECT 'background'"]


def test_background_work_runs_when_nothing_else_waits(native):
    glue = Glue(native)
    engine = WasmEngine(glue)

    async def run():
        await engine.execute_background("SELECT 1")
        await engine.execute("SELECT 2")
        await engine.execute_background("SELECT 3")

    _in_own_loop(run())
    assert glue.order == ["SELECT 1", "SELECT 2", "SELECT 3"]


@pytest.mark.parametrize(
    "error, expected",
    [
        (JsException(wasm.CANCELLED, "the load was cancelled"), errors.Cancelled),
        (JsException("TypeError", "incorrect header check"), wasm.GlueError),
    ],
)
def test_a_browser_primitive_fails_as_cancelled_or_with_the_browsers_words(error, expected):
    async def failing(*args):
        raise error

    with pytest.raises(expected, match=error.args[2]):
        _in_own_loop(wasm._browser(failing))
