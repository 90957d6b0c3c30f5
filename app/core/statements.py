"""SQL text as a person types it: statements split apart, and where an engine error points.

``split`` cuts a script into statements at semicolons that are not inside
quotes, identifiers or comments, keeping each statement's offset so an
error can be placed back in the editor. ``error_position`` reads DuckDB's
"LINE n: ... ^" excerpt (or its "at or near" wording) and returns the
character offset in the statement.

Runs under MicroPython and CPython (see README.md).
"""


def split(text: str) -> list:
    """``[(statement, offset)]``: each non-empty statement of ``text`` and where it starts."""
    out = []  # type: list
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "'" or ch == '"':
            i = _skip_quoted(text, i, ch)
            continue
        if ch == "-" and text[i:i + 2] == "--":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if ch == "/" and text[i:i + 2] == "/*":
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch == "$" and text[i:i + 2] == "$$":
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


def is_query(statement: str) -> bool:
    """True when ``statement`` returns rows a person wants to see (SELECT, WITH, VALUES, ...)."""
    word = _first_word(statement).upper()
    return word in ("SELECT", "WITH", "VALUES", "FROM", "TABLE", "PIVOT", "UNPIVOT", "DESCRIBE", "SHOW",
                    "SUMMARIZE", "EXPLAIN", "(")


def _keep(out: list, text: str, start: int, end: int) -> None:
    piece = text[start:end]
    body = _strip_comments(piece).strip()
    if not body:
        return
    lead = len(piece) - len(piece.lstrip())
    out.append((piece.strip(), start + lead))


def _skip_quoted(text: str, i: int, quote: str) -> int:
    """The index after the quoted run starting at ``i`` (a doubled quote stays inside)."""
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
        if piece[i:i + 2] == "--":
            end = piece.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if piece[i:i + 2] == "/*":
            end = piece.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if piece[i] in ("'", '"'):
            j = _skip_quoted(piece, i, piece[i])
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
    """Offset of (line, column) in ``statement``; DuckDB may print a long line cut, starting with '...'."""
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
        at = line.find(shown.rstrip(".")[:40])
        if at >= 0:
            return min(len(statement), start + at + column - shift)
    return min(len(statement), start + column)


def _int(text: str):
    try:
        return int(text)
    except ValueError:
        return None
