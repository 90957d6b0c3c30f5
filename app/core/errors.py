"""Every error Loupe shows a person, and how engine errors are worded.

    LoupeError                 base: ``str(error)`` is the message for a person
    +-- OpenError              a file or URL could not be opened
    |   +-- EmptyFileError     nothing to read
    |   +-- BinaryFileError    bytes that are not text in a text format
    |   +-- FetchError         a URL could not be downloaded
    |   +-- TabularError       a workbook or SQLite file that cannot be read
    +-- QueryError             SQL the engine rejected
    +-- StateError             a view state that cannot be read
    +-- ChartError             a chart that cannot be drawn as described
    +-- ExportError            a view that cannot be exported as asked
    +-- Cancelled              the person pressed Cancel: nothing was kept (not a failure)

``unexpected(failure)`` words a failure that is none of these, the same way everywhere.

Runs under MicroPython and CPython (see README.md).
"""


class LoupeError(Exception):
    """Base class: the message says what happened and what to do next."""


class OpenError(LoupeError):
    """A file or URL could not be opened."""


class EmptyFileError(OpenError):
    """The file has no content."""


class BinaryFileError(OpenError):
    """The file holds binary bytes where text was expected."""


class FetchError(OpenError):
    """A URL could not be downloaded."""


class TabularError(OpenError):
    """A workbook or database that cannot be read; the message says why and what to do."""


class QueryError(LoupeError):
    """The engine rejected a query."""


class StateError(LoupeError):
    """A serialised view state is malformed or from an unknown version."""


class ChartError(LoupeError):
    """A chart that cannot be drawn as described; the message says what to choose instead."""


class ExportError(LoupeError):
    """The view cannot be exported as asked (too many rows for Excel, nothing to export)."""


class Cancelled(LoupeError):
    """The person stopped a load, a query or an export; what was there before is unchanged."""


def unexpected(failure) -> str:
    """The one wording for a failure Loupe did not foresee (a bug): what happened and that nothing is lost."""
    return "Loupe failed unexpectedly: " + str(failure) + ". The tables already open are unchanged."


# What the browser says when WebAssembly code stops in the middle (a "trap").
TRAPS = (
    "function signature mismatch",
    "unreachable",
    "memory access out of bounds",
    "index out of bounds",
    "integer overflow",
    "integer divide by zero",
    "call stack",
    "Aborted(",
    "table index is out of bounds",
)
TRAP_MESSAGE = (
    "The engine stopped in the middle of this query (a WebAssembly failure: “{detail}”), "
    "a fault in DuckDB-WASM rather than in the SQL. Try the query another way, for example with "
    "fewer rows or other functions."
)
ZONE_ADVICE = (
    "Times with a time zone (TIMESTAMP WITH TIME ZONE) need DuckDB's time-zone extension for this, "
    "which Loupe does not load. Use them in UTC: cast them first, as in "
    "date_trunc('month', CAST(ts AS TIMESTAMP)). Files' zoned times are read as UTC already."
)

# (prefix of DuckDB's message, advice appended for a person)
_ENGINE_ADVICE = [
    ("Parser Error", "Check the SQL syntax near the position shown."),
    ("Catalog Error", "Check the table and column names; loupe.tables() lists what is loaded."),
    ("Binder Error", "Check the column names and types used in the query."),
    ("Conversion Error", "A value does not fit the type asked for; try TRY_CAST to turn it into NULL."),
    ("Invalid Input Error", "The input could not be read as asked; check the file's format."),
    ("Out of Memory Error", "The data is too large for this browser tab; open a sample or a Parquet file instead."),
    ("Interrupt", "The query was cancelled."),
]


def query_error(message: str) -> QueryError:
    """A QueryError whose text is DuckDB's message plus advice on what to do.

    A refusal of the engine's lock (app/core/guard.py) says what Loupe does instead.
    """
    from app.core import guard

    text = _strip_engine_noise(str(message))
    if is_trap(text):
        return QueryError(TRAP_MESSAGE.replace("{detail}", text.split("\n")[0][:120]))
    if "TIMESTAMP WITH TIME ZONE" in text and (text.startswith("Binder Error") or "Unimplemented" in text):
        return QueryError(text + " — " + ZONE_ADVICE)
    if "icu extension" in text or "extension 'icu'" in text:
        return QueryError(ZONE_ADVICE)
    refused = guard.engine_message(text)
    if refused is not None:
        return QueryError(refused)
    for prefix, advice in _ENGINE_ADVICE:
        if text.startswith(prefix):
            return QueryError(text + " — " + advice)
    return QueryError(text)


def after_trap(alive: bool) -> str:
    """What to add to ``TRAP_MESSAGE`` once the engine was checked afterwards."""
    if alive:
        return "Loupe checked the engine afterwards: it still works, and every table is as it was."
    return (
        "Loupe checked the engine afterwards and it no longer answers: reload the page to start it again "
        "(the view is kept in the address; files you opened must be opened again)."
    )


def is_trap(message: str) -> bool:
    """True if ``message`` says WebAssembly code stopped in the middle (not an SQL error)."""
    first = str(message).split("\n")[0]
    if " Error: " in first and not first.startswith("RuntimeError"):
        return False  # DuckDB's own errors name their kind ("Binder Error: ..."), which a trap does not
    return any(trap in first for trap in TRAPS)


def _strip_engine_noise(message: str) -> str:
    """Drop JS wrapper prefixes such as 'Error: ' that say nothing to a person."""
    text = message.strip()
    for noise in ("Error: ", "RuntimeError: "):
        if text.startswith(noise):
            text = text[len(noise) :]
    return text or "The query failed without a message from the engine."
