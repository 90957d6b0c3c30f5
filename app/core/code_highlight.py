"""Syntax highlighting for Export as code: ``html(code, language)`` is the code as escaped HTML with spans.

Four kinds of token get a class: ``tok-comment``, ``tok-string``,
``tok-keyword`` and ``tok-number``; everything else is plain escaped text,
so the text a person copies from the page is the code, unchanged.
``language`` is ``python``, ``sql`` or ``json`` (a notebook); another
language is escaped only. The scanner is a single pass by hand (no
regular expressions: MicroPython's are too small), linear in the code's
length.

Runs under MicroPython and CPython.
"""

PYTHON_KEYWORDS = (
    "and as assert async await break class continue def del elif else except False finally for from global if "
    "import in is lambda None nonlocal not or pass raise return True try while with yield"
).split()
SQL_KEYWORDS = (
    "all and any as asc between by case cast create cross desc distinct else end except exclude exists false "
    "filter first following from full group having if ilike in inner insert intersect into is join last left "
    "like limit not null nulls offset on or order outer over partition preceding qualify range recursive "
    "rename replace right row rows select semi anti set table then true union unnest using values view when "
    "where window with"
).split()
_KEYWORDS = {"python": set(PYTHON_KEYWORDS), "sql": set(SQL_KEYWORDS), "json": {"true", "false", "null"}}


def html(code: str, language: str) -> str:
    """``code`` as HTML: escaped, its comments, strings, keywords and numbers in spans."""
    keywords = _KEYWORDS.get(language)
    if keywords is None:
        return escape(code)
    return "".join(_span(kind, text) for kind, text in tokens(code, language))


def tokens(code: str, language: str) -> list:
    """``[(kind, text)]`` covering ``code`` exactly; kind is '' for plain text."""
    keywords = _KEYWORDS.get(language) or set()
    lower = language == "sql"
    out = []
    plain_start = 0
    i = 0
    n = len(code)
    while i < n:
        ch = code[i]
        end = 0
        kind = ""
        if ch == "#" and language == "python" or code.startswith("--", i) and language == "sql":
            end, kind = _line_end(code, i), "comment"
        elif ch == '"' and language == "sql":  # a quoted name: plain text, whatever words it holds
            i = _string_end(code, i, language)
            continue
        elif ch in "\"'":
            end, kind = _string_end(code, i, language), "string"
        elif ch.isdigit() and (i == 0 or not _word_char(code[i - 1])):
            end, kind = _word_end(code, i), "number"
        elif _word_char(ch) and (i == 0 or not _word_char(code[i - 1])):
            end = _word_end(code, i)
            word = code[i:end]
            if (word.lower() if lower else word) in keywords:
                kind = "keyword"
            else:
                i = end
                continue
        if kind:
            if plain_start < i:
                out.append(("", code[plain_start:i]))
            out.append((kind, code[i:end]))
            plain_start = i = end
        else:
            i += 1
    if plain_start < n:
        out.append(("", code[plain_start:]))
    return out


def escape(text: str) -> str:
    """``text`` safe inside HTML."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(kind: str, text: str) -> str:
    if not kind:
        return escape(text)
    return '<span class="tok-' + kind + '">' + escape(text) + "</span>"


def _word_char(ch: str) -> bool:
    return ch.isalpha() or ch.isdigit() or ch == "_"


def _word_end(code: str, i: int) -> int:
    while i < len(code) and (_word_char(code[i]) or code[i] == "."):
        if code[i] == "." and not (i + 1 < len(code) and code[i + 1].isdigit() and code[i - 1].isdigit()):
            break
        i += 1
    return i


def _line_end(code: str, i: int) -> int:
    end = code.find("\n", i)
    return len(code) if end < 0 else end


def _string_end(code: str, i: int, language: str) -> int:
    """Where the string opening at ``i`` ends: triple quotes in Python, doubled quotes in SQL, escapes in both."""
    quote = code[i]
    if language == "python" and code.startswith(quote * 3, i):
        end = code.find(quote * 3, i + 3)
        while end > 0 and _escaped(code, end):
            end = code.find(quote * 3, end + 1)
        return len(code) if end < 0 else end + 3
    j = i + 1
    while j < len(code):
        ch = code[j]
        if ch == "\\" and language != "sql":
            j += 2
            continue
        if ch == quote:
            if language == "sql" and j + 1 < len(code) and code[j + 1] == quote:
                j += 2
                continue
            return j + 1
        if ch == "\n" and language == "python":
            return j
        j += 1
    return len(code)


def _escaped(code: str, at: int) -> bool:
    slashes = 0
    while at - 1 - slashes >= 0 and code[at - 1 - slashes] == "\\":
        slashes += 1
    return slashes % 2 == 1
