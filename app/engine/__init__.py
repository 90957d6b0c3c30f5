"""DuckDB adapters: `native` (CPython duckdb, for tests and scripts) and `wasm` (browser).

Both implement the `Engine` protocol written down in `protocol.py` (CPython
only: documentation and typing). Core logic is written as step generators
(see app/core/loading.py): each ``yield (sql, params)`` is one statement, the
engine's answer is sent back in, and a failed or cancelled statement is
raised at the ``yield``. `advance` is the one turn both adapters' ``run``
drivers take, so a step generator behaves the same against either.

Runs under MicroPython and CPython.
"""

from app.core import errors

# Raised at a step generator's yield: a statement the engine rejected, or one Cancel stopped.
THROWN = (errors.QueryError, errors.Cancelled)


def advance(steps, outcome):
    """Feed ``outcome`` (the last answer, or a ``THROWN`` error) to ``steps``.

    Returns ``(True, value)`` once the generator returned ``value``, else
    ``(False, (sql, params))``: the next statement to run.
    """
    try:
        if isinstance(outcome, THROWN):
            return False, steps.throw(outcome)
        return False, steps.send(outcome)
    except StopIteration as stop:
        return True, stop.value
