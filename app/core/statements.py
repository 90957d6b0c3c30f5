"""SQL text as a person types it: statements split apart, and where an engine error points.

``split`` cuts a script into statements at semicolons that are not inside
quotes, identifiers or comments, keeping each statement's offset so an
error can be placed back in the editor. ``error_position`` reads DuckDB's
"LINE n: ... ^" excerpt (or its "at or near" wording) and returns the
character offset in the statement.

The SQL editor (app/core/scripts.py runs it) keeps the rows of a query by storing
them as a table: ``result_kind`` says how a statement's rows can be kept,
``stored`` and ``counted`` build the statements that do it, ``error_in``
places an error back in the person's statement, and ``check_name`` vets
the name of a table or view to save.

Runs under MicroPython and CPython (see README.md).
"""

from app.core.sql import quote_ident


def split(text: str) -> list:
    """``[(statement, offset)]``: each non-empty statement of ``text`` and where it starts."""
    out = []  # type: list
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'" or ch == '"':
            i = skip_quoted(text, i, ch)
            continue
        if ch == "-" and text[i : i + 2] == "--":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and text[i : i + 2] == "/*":
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == "$" and text[i : i + 2] == "$$":
            end = text.find("$$", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == ";":
            _keep(out, text, start, i)
            start = i + 1
        i += 1
    _keep(out, text, start, n)
    return out


def statement_at(text: str, cursor: int) -> tuple:
    """The statement (and its offset) that holds character ``cursor``, or the last one before it."""
    found = ("", 0)
    for statement, offset in split(text):
        if offset > cursor and found[0]:
            break
        found = (statement, offset)
    return found


def error_position(statement: str, message: str):
    """The 0-based offset in ``statement`` that DuckDB's ``message`` points at, or None."""
    lines = message.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped.startswith("LINE ") or index + 1 >= len(lines):
            continue
        head, _, excerpt = line.partition(":")
        number = _int(head.strip()[5:])
        caret = lines[index + 1].find("^")
        if number is None or caret < 0:
            continue
        prefix = len(head) + 2  # "LINE n: " as printed before the excerpt
        column = caret - prefix
        excerpt = excerpt[1:] if excerpt.startswith(" ") else excerpt
        return _offset_of(statement, number, column, excerpt)
    return None


def result_kind(statement: str):
    """How the rows of ``statement`` are kept (a key of ``RESULT_KINDS``), or None if it returns none to show."""
    return RESULT_KINDS.get(_first_word(statement).upper())


# First word -> how the rows are kept:
#   "table"   CREATE TABLE ... AS the statement
#   "wrapped" the same around SELECT * FROM (statement): DuckDB's grammar
#             takes DESCRIBE, SHOW and SUMMARIZE only as a subquery
#   "text"    run as is and shown as text: a plan, a pragma's answer
RESULT_KINDS = {
    "SELECT": "table",
    "WITH": "table",
    "VALUES": "table",
    "FROM": "table",
    "TABLE": "table",
    "PIVOT": "table",
    "UNPIVOT": "table",
    "(": "table",
    "DESCRIBE": "wrapped",
    "SHOW": "wrapped",
    "SUMMARIZE": "wrapped",
    "EXPLAIN": "text",
    "PRAGMA": "text",
    "CALL": "text",
}


def stored(name: str, statement: str, what: str = "TABLE", replace: bool = True) -> tuple:
    """``(sql, params)`` keeping the rows of query ``statement`` as table (or ``what="VIEW"``) ``name``."""
    head = "CREATE " + ("OR REPLACE " if replace else "") + what + " " + quote_ident(name) + " AS "
    if result_kind(statement) == "wrapped":
        return head + "SELECT * FROM (" + statement + "\n)", []
    return head + statement, []


def counted(statement: str) -> tuple:
    """``(sql, params)`` running query ``statement`` for its row count only (a query before the last)."""
    return "SELECT count(*) AS n FROM (" + statement + "\n)", []


def error_in(run_sql: str, statement: str, message: str):
    """Where in ``statement`` an error points, when it ran inside ``run_sql`` (see ``stored``).

    None if nowhere in it.
    """
    position = error_position(run_sql, message)
    start = run_sql.rfind(statement)
    if position is None or start < 0 or not start <= position <= start + len(statement):
        return _named_in(statement, message)
    return position - start


def error_summary(message: str) -> str:
    """``message`` on one line, without DuckDB's "LINE n: ..." excerpt and caret (the editor marks the place)."""
    out = []  # type: list
    after_excerpt = False
    for line in message.split("\n"):
        stripped = line.strip()
        if stripped.startswith("LINE ") and ":" in stripped:
            after_excerpt = True
            continue
        if after_excerpt and stripped.startswith("^"):
            stripped = stripped[1:].strip()  # the advice may follow the caret
        after_excerpt = False
        if stripped:
            out.append(stripped)
    return " ".join(out)


def line_column(text: str, offset: int) -> tuple:
    """``(line, column)``, both from 1, of character ``offset`` in ``text``."""
    before = text[: max(0, offset)]
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


def word_end(text: str, offset: int) -> int:
    """The end of the word (or quoted name) starting at ``offset``; at least one character on."""
    n = len(text)
    if offset >= n:
        return n
    if text[offset] in ("'", '"'):
        return skip_quoted(text, offset, text[offset])
    end = offset
    while end < n and (_is_name_char(text[end])):
        end += 1
    return max(end, offset + 1)


MAX_NAME = 63


def check_name(name: str, taken: list):
    """Why ``name`` cannot name a new table or view (a message), or None if it can.

    Names are kept to what can be typed in SQL without quotes; DuckDB
    compares names without regard to case, so ``taken`` is compared so too.
    """
    if not name:
        return "Type a name for it, for example rainy_days."
    if len(name) > MAX_NAME:
        return "That name is too long; use at most " + str(MAX_NAME) + " characters."
    if "0" <= name[0] <= "9" or not all(_is_name_char(ch) for ch in name):
        return (
            "Use letters, digits and _ only, not starting with a digit (for example rainy_days), "
            "so the name can be typed in SQL as it is."
        )
    if name.lower().startswith("loupe_"):
        return "Names starting with loupe_ are kept for Loupe's own tables; choose another name."
    if name.lower() in [other.lower() for other in taken]:
        return "A table or view named " + name + " already exists; choose another name."
    return None


def catalog_names() -> tuple:
    """``(sql, params)``: the name of every table and view a person made (main schema), as ``name``."""
    return (
        "SELECT table_name AS name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND NOT starts_with(table_name, 'loupe_') "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE NOT internal AND database_name = current_database() AND schema_name = 'main'"
    ), []


def completion_columns() -> tuple:
    """``(sql, params)``: ``(table, column)`` of every table and view of the main schema, in column order."""
    return (
        "SELECT table_name AS t, column_name AS c FROM duckdb_columns() "
        "WHERE NOT internal AND database_name = current_database() AND schema_name = 'main' "
        "AND NOT starts_with(table_name, 'loupe_') ORDER BY table_name, column_index"
    ), []


def function_names() -> tuple:
    """``(sql, params)``: the name of each DuckDB function a person calls by name (not operators or internals)."""
    return (
        "SELECT DISTINCT function_name AS name FROM duckdb_functions() "
        "WHERE regexp_full_match(function_name, '[a-z][a-z0-9_]*') ORDER BY name"
    ), []


def completion_schema(column_rows: list, functions: list) -> dict:
    """``{tables: {name: [columns]}, functions: [names]}`` for the editor, from ``completion_columns`` rows."""
    tables = {}  # type: dict
    for table, column in column_rows:
        tables.setdefault(table, []).append(column)
    return {"tables": tables, "functions": list(functions)}


def output_text(result: dict, limit: int = 200) -> str:
    """The rows of a statement run for its text (a plan, a pragma's answer), as lines a person reads."""
    columns = [c["name"] for c in result.get("columns") or []]
    rows = result.get("rows") or []
    if columns[:2] == ["explain_key", "explain_value"]:
        return "\n".join(str(row[1]) for row in rows).rstrip()
    if not columns or columns == ["Success"] or not rows:
        return ""
    lines = [" | ".join(columns)]
    for row in rows[:limit]:
        lines.append(" | ".join("NULL" if value is None else str(value) for value in row))
    if len(rows) > limit:
        lines.append("… and " + str(len(rows) - limit) + " more rows")
    return "\n".join(lines)


def _named_in(statement: str, message: str):
    """Where the name in "... with name X does not exist" or "Referenced column "X" not found" is in ``statement``.

    DuckDB gives no place for these.
    """
    first = message.split("\n")[0]
    at = first.find(" with name ")
    end = first.find(" does not exist", at)
    lead = " with name "
    if at < 0 or end < 0:
        lead = 'Referenced column "'
        at = first.find(lead)
        end = first.find('" not found', at)
    if at < 0 or end < 0:
        return None
    name = first[at + len(lead) : end].strip('"').lower()
    lowered = statement.lower()
    found = lowered.find(name)
    while found >= 0:
        before = lowered[found - 1] if found else " "
        after = lowered[found + len(name)] if found + len(name) < len(lowered) else " "
        if name and not _is_name_char(before) and not _is_name_char(after):
            return found
        found = lowered.find(name, found + 1)
    return None


def _is_name_char(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9") or ch == "_" or ord(ch) > 127


def _keep(out: list, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    body = _strip_comments(piece).strip()
    if not body:
        return
    lead = len(piece) - len(piece.lstrip())
    out.append((piece.strip(), start + lead))


def skip_quoted(text: str, i: int, quote: str) -> int:
    """The index after the quoted run starting at ``i`` (a doubled quote stays inside); app/core/guard uses it too."""
    j = i + 1
    n = len(text)
    while j < n:
        if text[j] == quote:
            if j + 1 < n and text[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    return n


def _strip_comments(piece: str) -> str:
    out = []
    i = 0
    n = len(piece)
    while i < n:
        if piece[i : i + 2] == "--":
            end = piece.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if piece[i : i + 2] == "/*":
            end = piece.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if piece[i] in ("'", '"'):
            j = skip_quoted(piece, i, piece[i])
            out.append(piece[i:j])
            i = j
            continue
        out.append(piece[i])
        i += 1
    return "".join(out)


def _first_word(statement: str) -> str:
    body = _strip_comments(statement).strip()
    if body.startswith("("):
        return "("
    word = []
    for ch in body:
        if ch.isalpha() or ch == "_":
            word.append(ch)
        else:
            break
    return "".join(word)


def _offset_of(statement: str, line_number: int, column: int, excerpt: str):
    """Offset of (line, column) in ``statement``; DuckDB may print a long line cut, starting with '...'.

    DuckDB counts the caret's column in screen cells, as a terminal shows
    them: a CJK character or an emoji takes two, a combining accent none.
    """
    lines = statement.split("\n")
    if column < 0 or not 1 <= line_number <= len(lines):
        return None
    start = 0
    for line in lines[: line_number - 1]:
        start += len(line) + 1
    line = lines[line_number - 1]
    shown = excerpt[3:] if excerpt.startswith("...") else excerpt
    shift = 3 if excerpt.startswith("...") else 0
    if shown and not line.startswith(shown):
        # A window of a long line: where it sits (its end may be cut too).
        core = shown[:-3] if shown.endswith("...") else shown
        at = len(line) - len(core) if line.endswith(core) else line.find(core)
        if at >= 0:
            return min(len(statement), start + at + _chars_in(line[at:], column - shift))
    return min(len(statement), start + _chars_in(line, column))


def _chars_in(text: str, cells: int) -> int:
    """How many characters of ``text`` fill ``cells`` screen cells (past its end, one character a cell)."""
    used = 0
    for index, ch in enumerate(text):
        if used >= cells and _cells(ch):
            return index
        used += _cells(ch)
    return len(text) + max(0, cells - used)


# (first, last code point, screen cells): wide East Asian scripts and emoji
# take two, combining marks, joiners and variation selectors none; the rest one.
_CELLS = [
    (0x0300, 0x036F, 0),
    (0x1AB0, 0x1AFF, 0),
    (0x1DC0, 0x1DFF, 0),
    (0x200B, 0x200F, 0),
    (0x20D0, 0x20FF, 0),
    (0xFE00, 0xFE0F, 0),
    (0xFE20, 0xFE2F, 0),
    (0x1100, 0x115F, 2),
    (0x2E80, 0x303E, 2),
    (0x3041, 0x33FF, 2),
    (0x3400, 0x4DBF, 2),
    (0x4E00, 0x9FFF, 2),
    (0xA000, 0xA4CF, 2),
    (0xAC00, 0xD7A3, 2),
    (0xF900, 0xFAFF, 2),
    (0xFE30, 0xFE4F, 2),
    (0xFF00, 0xFF60, 2),
    (0xFFE0, 0xFFE6, 2),
    (0x1F300, 0x1F64F, 2),
    (0x1F680, 0x1F6FF, 2),
    (0x1F900, 0x1F9FF, 2),
    (0x20000, 0x2FFFD, 2),
    (0x30000, 0x3FFFD, 2),
]


def _cells(ch: str) -> int:
    code = ord(ch)
    if code < 0x0300:
        return 1
    for first, last, cells in _CELLS:
        if first <= code <= last:
            return cells
    return 1


def _int(text: str):
    try:
        return int(text)
    except ValueError:
        return None
