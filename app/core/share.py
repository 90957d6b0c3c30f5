"""Share links and address parameters: what a link carries and what opening it must do.

A shared view travels as ``#state=…`` (the view state as JSON, compressed by
the page: see assets/js/loupe.mjs). A fragment never reaches a server, and
the state carries no data: its log reads URLs (opened again), the bundled
sample, or local files and pasted text, which the recipient is asked to
open themselves, then runs the steps taken on them (app/core/restore.py).

    checked(text)         a link's state, migrated and vetted: StateError says what is wrong
    reads(state)          the sources its log opens, in order
    open_options(entry)   loupe.open() options that read a source as it was read
    waiting_message(...)  what to tell a person whose link names local files
    from_address(...)     ``?url=`` (repeatable), ``?sql=``, ``?view=``

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, file_kinds, missing, steps, view

# What ``?view=`` may show: the table, its chart, or every column's profile.
SHOWS = ("table", "chart", "profile")
# Sources only the person can open again (a link opens "url" and "sample" ones, and runs "query" ones).
LOCAL = ("file", "text")
_READ_KEYS = ("format", "encoding", "delimiter", "header", "header_row", "range", "missing", "late")
_URL_SCHEMES = ("http://", "https://")
DAMAGED = "This view link is damaged (it could not be unpacked). Ask for the link again, or copy all of it."
# Longest link state accepted (characters of JSON): a state is small; a huge one is damage or abuse.
MAX_STATE_CHARS = 2000000


def checked(text: str) -> dict:
    """The view state in JSON ``text`` from a link, vetted; raises StateError saying what is wrong.

    An older version's state is migrated first (app/core/migrate.py). Soft
    problems (an active table that is not there, a malformed editor text or
    panel list) are mended in the state returned; the text is not changed.
    """
    if len(text) > MAX_STATE_CHARS:
        raise errors.StateError("This view link is too long to be a Loupe view. Ask for the link again.")
    state = view.loads(text)
    tables = state["tables"]
    present = []  # type: list
    for entry in state["log"]:
        problem = _entry_problem(entry, present)
        if problem:
            raise errors.StateError("This view link is damaged: a step " + problem + ". Ask for the link again.")
    for name in tables:
        if not isinstance(tables[name], dict):
            raise errors.StateError(
                "This view link is damaged: the state of '" + str(name) + "' is not an object. Ask for the link again."
            )
    out = dict(state)
    names = [s["table"] for s in state["sources"]]
    if out.get("active") is not None and out["active"] not in names:
        out["active"] = names[-1] if names else None
    if not isinstance(out.get("sql", ""), str):
        out["sql"] = ""
    panels = out.get("panels")
    out["panels"] = [p for p in panels if p in view.PANELS] if isinstance(panels, list) else []
    return out


def reads(state: dict) -> list:
    """The ``read`` entries of a checked ``state``, in order, each a copy: the sources opened again."""
    return [dict(entry) for entry in state["log"] if entry["op"] == "read"]


def open_options(source: dict) -> dict:
    """``loupe.open()`` options that read ``source`` again as it was read, into the same table name."""
    options = {"table": source["table"]}
    read = source.get("read") or {}
    for key in _READ_KEYS:
        if key in read and read[key] is not None:
            options[key] = read[key]
    if isinstance(read.get("part"), str) and read.get("format") == file_kinds.XLSX:
        options["sheets"] = [read["part"]]  # the sheet it was, even one of many or hidden
    markers = options.get("missing")
    if markers is not None and not (isinstance(markers, list) and all(isinstance(m, str) for m in markers)):
        options.pop("missing")  # damaged: the markers are found again instead
    if options.get("late") not in [None] + [choice for choice, _ in missing.LATE_CHOICES]:
        options.pop("late")  # damaged: late values widen their columns, as by default
    return options


def local_names(state: dict) -> list:
    """Names of the local files and pasted texts ``state`` was made from (they are not in the link)."""
    names = []  # type: list
    for entry in reads(state):
        if entry["kind"] in LOCAL and entry["name"] not in names:
            names.append(entry["name"])
    return names


def matching(sources: list, name: str):
    """The waiting local source a file called ``name`` stands for (None if none does).

    The same name, or the same name in other letter case. Nothing looser
    (a copy renamed ``sales (1).csv`` is not guessed at): a view applied to
    the wrong file would mislead.
    """
    for source in sources:
        if source["name"] == name:
            return source
    folded = name.lower()
    for source in sources:
        if source["name"].lower() == folded:
            return source
    return None


def waiting_message(names: list) -> str:
    """What to tell a person whose shared view needs files only they can open."""
    if not names:
        return ""
    quoted = ", ".join("“" + name + "”" for name in names)
    which = "a file" if len(names) == 1 else "files"
    same = "the same file" if len(names) == 1 else "the same files"
    return (
        "This view was made from "
        + which
        + " on the sender's computer: "
        + quoted
        + ". A link carries the view, never the data. Open "
        + same
        + " (Open file…, or drop it here) and the view applies to it."
    )


def from_address(params: dict) -> dict:
    """The address's parameters (name -> list of values) as ``{urls, sql, show, problems}``.

    Bad values never stop the page: each becomes a sentence in ``problems``
    and the default applies.
    """
    out = {"urls": [], "sql": None, "show": "table", "problems": []}  # type: dict
    for url in params.get("url") or []:
        if url.strip():
            out["urls"].append(url.strip())
    sql = params.get("sql") or []
    if sql and sql[-1].strip():
        out["sql"] = sql[-1]
    shows = params.get("view") or []
    if shows:
        wanted = shows[-1].strip().lower()
        if wanted in SHOWS:
            out["show"] = wanted
        elif wanted:
            out["problems"].append(
                "The address asks for view=" + shows[-1] + ", which Loupe does not have; "
                "use view=table, view=chart or view=profile. Showing the table."
            )
    return out


def is_reopenable_url(url) -> bool:
    """True if a link may open ``url`` by itself (http or https only)."""
    return isinstance(url, str) and url.lower().startswith(_URL_SCHEMES)


def _entry_problem(entry, present: list):
    """What is wrong with one entry of a link's log (None when nothing is); ``present`` follows the tables."""
    if not isinstance(entry, dict):
        return "is not an object"
    op = entry.get("op")
    if op not in view.LOG_OPS:
        return "has an unknown kind (" + str(op)[:40] + ")"
    if op == "sql":
        if not isinstance(entry.get("statement"), str):
            return "of SQL has no statement"
        for key in ("made", "dropped"):
            if not _names(entry.get(key, [])):
                return "of SQL has malformed table names"
        for name in entry.get("dropped", []):
            if name in present:
                present.remove(name)
        present.extend([name for name in entry.get("made", []) if name not in present])
        return None
    table = entry.get("table")
    if not isinstance(table, str) or not table:
        return "has no table name"
    problem = _ENTRY_CHECKS[op](entry)
    if problem:
        return "on '" + table + "' " + problem
    if op == "read" and table in present:
        return "names the table '" + table + "' twice"
    if op in ("read", "query") and table not in present:
        present.append(table)
    elif op == "rename" and table in present:
        present[present.index(table)] = entry["to"]
    elif op == "close" and table in present:
        present.remove(table)
    return None


def _read_problem(entry: dict):
    if entry.get("kind") not in view.READ_KINDS:
        return "has an unknown kind of source"
    if not isinstance(entry.get("name"), str):
        return "has no name"
    if entry["kind"] == "url" and not is_reopenable_url(entry.get("url")):
        return "has an address that is not http or https"
    if entry.get("read") is not None and not isinstance(entry["read"], dict):
        return "has malformed reading options"
    return None


def _type_problem(entry: dict):
    if not isinstance(entry.get("column"), str) or not isinstance(entry.get("to"), str):
        return "sets a type without a column and a type"
    return None


def _flatten_problem(entry: dict):
    return None if _names(entry.get("made", [])) else "flattens into malformed column names"


def _query_problem(entry: dict):
    return None if isinstance(entry.get("statement"), str) else "has no query"


def _rename_problem(entry: dict):
    return None if isinstance(entry.get("to"), str) and entry["to"] else "is renamed to nothing"


def _close_problem(entry: dict):
    return None


def _steps_problem(entry: dict):
    listed = entry.get("steps")
    if not isinstance(listed, list):
        return "has steps that are not a list"
    for index, step in enumerate(listed):
        problem = steps.shape_problem(step, "steps[" + str(index) + "]")
        if problem:
            return "has a step that cannot be used: " + problem
    return None


_ENTRY_CHECKS = {
    "read": _read_problem,
    "type": _type_problem,
    "flatten": _flatten_problem,
    "query": _query_problem,
    "rename": _rename_problem,
    "close": _close_problem,
    "steps": _steps_problem,
}


def _names(value) -> bool:
    return isinstance(value, list) and all(isinstance(name, str) for name in value)
