"""What SQL may do in Loupe: no statement reaches the network, and SQL from outside the person only reads.

Two walls keep a person's data in the tab (README: Privacy):

1. The engine is locked before any SQL runs (``LOCK``, applied by
   assets/js/engine.mjs in the browser and by ``NativeEngine(locked=True)``):
   no extensions, no file or URL but the ones Loupe registers under
   ``FILES``, and no later ``SET``/``RESET`` can change that. ``refusal``
   turns away the statements that would otherwise only fail obscurely
   (``INSTALL``, ``LOAD``); ``engine_message`` words DuckDB's refusals.
2. SQL that arrives from outside the person — ``?sql=``, the query sources
   of a ``#state=`` link, ``loupe:query`` and ``loupe:setView`` messages —
   runs as is only when every statement only reads (``reading``). A link's
   other statements are shown and run only once the person agrees; an
   embedding page's are refused (``NOT_READING_MESSAGE``).

Runs under MicroPython and CPython (see README.md).
"""

from app.core import statements

# The folder (in DuckDB's virtual file system) of every file Loupe registers.
FILES = "/loupe/"

LOCK = (
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET allowed_directories = ['" + FILES + "']",
    "SET enable_external_access = false",
    "SET lock_configuration = true",
)

NETWORK_MESSAGE = (
    "Loupe reads files you open or give as a URL; SQL cannot fetch addresses or read other files. "
    "Open the file with the URL box (or Open file…), then query its table."
)
EXTENSION_MESSAGE = (
    "This needs a DuckDB extension, and Loupe does not install or load extensions: they would be "
    "downloaded from another site. Loupe reads CSV, JSON, Parquet, Excel and SQLite files itself "
    "(Open file… or the URL box) and writes them with Export."
)
LOCKED_MESSAGE = (
    "Loupe's engine settings are fixed so that no SQL can reach the network; SET, RESET and "
    "PRAGMA cannot change them. Everything else in SQL works as usual."
)
NOT_READING_MESSAGE = (
    "SQL from the page around Loupe may only read (SELECT, WITH … SELECT, DESCRIBE, SHOW, "
    "SUMMARIZE, EXPLAIN); it cannot change or make tables. Refused: "
)

# First words of statements that only read.
_READING = ("SELECT", "VALUES", "FROM", "TABLE", "PIVOT", "UNPIVOT", "(", "DESCRIBE", "SHOW", "SUMMARIZE")
# First words of every other statement DuckDB runs. A first word in neither
# list is not SQL DuckDB can parse: it fails before anything runs, with
# DuckDB's own syntax error (a typo in a link gets that, not a question).
_OTHER_STATEMENTS = (
    "WITH",
    "EXPLAIN",
    "CREATE",
    "DROP",
    "ALTER",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "TRUNCATE",
    "COPY",
    "ATTACH",
    "DETACH",
    "USE",
    "EXPORT",
    "IMPORT",
    "INSTALL",
    "FORCE",
    "LOAD",
    "SET",
    "RESET",
    "PRAGMA",
    "CALL",
    "CHECKPOINT",
    "VACUUM",
    "ANALYZE",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "ABORT",
    "END",
    "COMMENT",
    "REPLACE",
    "UPSERT",
    "GRANT",
    "REVOKE",
    "RELEASE",
    "SAVEPOINT",
    "LISTEN",
    "NOTIFY",
    "UNLISTEN",
    "DISCARD",
)
# Words that may begin the main statement after a WITH clause.
_MAIN_WORDS = (
    "SELECT",
    "VALUES",
    "FROM",
    "TABLE",
    "PIVOT",
    "UNPIVOT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "CREATE",
    "DROP",
    "ALTER",
    "COPY",
)
# (a fragment of DuckDB's message, what to say instead)
_ENGINE_REFUSALS = (
    ("file system operations are disabled by configuration", NETWORK_MESSAGE),
    ("the configuration has been locked", LOCKED_MESSAGE),
    ("Loading external extensions is disabled", EXTENSION_MESSAGE),
    ("extension autoloading", EXTENSION_MESSAGE),
    ("but it exists in the", EXTENSION_MESSAGE),
    ("Permission Error", NETWORK_MESSAGE),
)


def refusal(statement: str):
    """Why Loupe will not run ``statement`` at all (a message), or None."""
    words = _words(statement, 2)
    if not words:
        return None
    first = words[0]
    if first in ("INSTALL", "LOAD") or (first == "FORCE" and words[1:] == ["INSTALL"]):
        return EXTENSION_MESSAGE
    if first == "UPDATE" and words[1:] == ["EXTENSIONS"]:
        return EXTENSION_MESSAGE
    return None


def reading(statement: str) -> bool:
    """True if ``statement`` only reads: it cannot change, make or drop a table, nor any setting."""
    words = _words(statement, 0)
    if not words:
        return True
    first = words[0]
    if first == "EXPLAIN":
        rest = words[1:]
        if rest and rest[0] in ("ANALYZE", "ANALYSE"):
            rest = rest[1:]  # EXPLAIN ANALYZE runs the statement: it reads only if that does
        return bool(rest) and _reading_words(rest)
    return _reading_words(words)


def not_reading(text: str) -> list:
    """The statements of the script ``text`` that do more than read (``[]``: it only reads)."""
    return [statement for statement, _ in statements.split(text) if not reading(statement)]


def engine_message(message: str):
    """What to tell a person when DuckDB refused something because of ``LOCK`` (None: not that)."""
    for fragment, text in _ENGINE_REFUSALS:
        if fragment in message:
            asked = _quoted_after(message, 'Cannot access file "')
            return text + (" (The SQL asked for “" + asked + "”.)" if asked else "")
    first = message.split("\n")[0]
    if first.startswith("Catalog Error: Table with name ") and "://" in first:
        # FROM 'https://…/x.parquet' without the extension that reads it: an address all the same
        return NETWORK_MESSAGE
    return None


def _quoted_after(message: str, lead: str) -> str:
    start = message.find(lead)
    if start < 0:
        return ""
    start += len(lead)
    end = message.find('"', start)
    return message[start:end] if end > start else ""


def lock_statements(folder: str) -> list:
    """``LOCK`` with ``folder`` as the one place files may be read from (the native engine's)."""
    return [statement.replace("['" + FILES + "']", "['" + folder + "']") for statement in LOCK]


def _reading_words(words: list) -> bool:
    first = words[0]
    if first not in _READING and first not in _OTHER_STATEMENTS:
        return True  # not a statement DuckDB knows: it fails to parse, so nothing runs
    if first == "WITH":
        main = _main_word(words[1:])
        return main is not None and main in _READING
    return first in _READING


def _main_word(words: list):
    """The word that starts the statement a WITH clause belongs to (None if none is found)."""
    for word in words:
        if word in _MAIN_WORDS:
            return word
    return None


def _words(statement: str, limit: int) -> list:
    """The upper-cased words (and '(' for an opening parenthesis) outside any parentheses,
    quotes and comments of ``statement``; at most ``limit`` of them (0: all)."""
    out = []  # type: list
    depth = 0
    i = 0
    n = len(statement)
    while i < n and (limit == 0 or len(out) < limit):
        ch = statement[i]
        if ch == "'" or ch == '"':
            i = statements.skip_quoted(statement, i, ch)
        elif statement[i : i + 2] == "--":
            end = statement.find("\n", i)
            i = n if end < 0 else end + 1
        elif statement[i : i + 2] == "/*":
            end = statement.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif statement[i : i + 2] == "$$":
            end = statement.find("$$", i + 2)
            i = n if end < 0 else end + 2
        elif ch == "(":
            if depth == 0 and not out:
                out.append("(")
            depth += 1
            i += 1
        elif ch == ")":
            depth = max(0, depth - 1)
            i += 1
        elif _word_char(ch):
            j = i
            while j < n and (_word_char(statement[j]) or "0" <= statement[j] <= "9"):
                j += 1
            if depth == 0:
                out.append(statement[i:j].upper())
            i = j
        else:
            i += 1
    return out


def _word_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch == "_"
