"""Share links and address parameters: what a link carries and what opening it must do.

A shared view travels as ``#state=…`` (the view state as JSON, compressed by
the page: see assets/js/loupe.mjs). A fragment never reaches a server, and
the state carries no data: sources are URLs (opened again), the bundled
sample, SQL (run again over the other tables) or local files and pasted
text, which the recipient is asked to open themselves.

    checked(state)        a decoded state, vetted: StateError says what is wrong
    plan(state)           the sources in the order they must be opened again
    open_options(source)  loupe.open() options that read a source as it was read
    waiting_message(...)  what to tell a person whose link names local files
    from_address(...)     ``?url=`` (repeatable), ``?sql=``, ``?view=``

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, missing, view

# What ``?view=`` may show: the table, its chart, or every column's profile.
SHOWS = ("table", "chart", "profile")
# Sources only the person can open again (a link opens "url" and "sample" ones, and runs "query" ones).
LOCAL = ("file", "text")
_READ_KEYS = ("format", "encoding", "delimiter", "header", "missing", "late")
_URL_SCHEMES = ("http://", "https://")
DAMAGED = "This view link is damaged (it could not be unpacked). Ask for the link again, or copy all of it."
# Longest link state accepted (characters of JSON): a state is small; a huge one is damage or abuse.
MAX_STATE_CHARS = 2000000


def checked(text: str) -> dict:
    """The view state in JSON ``text`` from a link, vetted; raises StateError saying what is wrong."""
    if len(text) > MAX_STATE_CHARS:
        raise errors.StateError("This view link is too long to be a Loupe view. Ask for the link again.")
    state = view.loads(text)
    sources = state["sources"]
    tables = state["tables"]
    if not isinstance(sources, list) or not isinstance(tables, dict):
        raise errors.StateError(
            "This view link is damaged (its sources or tables are malformed). Ask for the link again."
        )
    seen = []  # type: list
    for source in sources:
        problem = _source_problem(source)
        if problem is None and source["table"] in seen:
            problem = "names the table '" + source["table"] + "' twice"
        if problem:
            raise errors.StateError("This view link is damaged: a source " + problem + ". Ask for the link again.")
        seen.append(source["table"])
    for name in tables:
        if not isinstance(tables[name], dict):
            raise errors.StateError(
                "This view link is damaged: the state of '" + str(name) + "' is not an object. Ask for the link again."
            )
    active = state.get("active")
    if active is not None and active not in seen:
        state["active"] = seen[-1] if seen else None
    if not isinstance(state.get("sql", ""), str):
        state["sql"] = ""
    state["panels"] = (
        [p for p in (state.get("panels") or []) if p in view.PANELS] if isinstance(state.get("panels"), list) else []
    )
    return state


def plan(state: dict) -> list:
    """The sources of a checked ``state`` in the order they are opened again, each a copy."""
    return [dict(source) for source in state["sources"]]


def open_options(source: dict) -> dict:
    """``loupe.open()`` options that read ``source`` again as it was read, into the same table name."""
    options = {"table": source["table"]}
    read = source.get("read") or {}
    for key in _READ_KEYS:
        if key in read and read[key] is not None:
            options[key] = read[key]
    markers = options.get("missing")
    if markers is not None and not (isinstance(markers, list) and all(isinstance(m, str) for m in markers)):
        options.pop("missing")  # damaged: the markers are found again instead
    if options.get("late") not in [None] + [choice for choice, _ in missing.LATE_CHOICES]:
        options.pop("late")  # damaged: late values widen their columns, as by default
    return options


def replay_sql(source: dict) -> str:
    """The SQL a "query" source was made by ('' if none was recorded)."""
    read = source.get("read") or {}
    text = read.get("sql")
    return text if isinstance(text, str) else ""


def local_names(state: dict) -> list:
    """Names of the local files and pasted texts ``state`` was made from (they are not in the link)."""
    return [source["name"] for source in state["sources"] if source["kind"] in LOCAL]


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


def _source_problem(source):
    """What is wrong with one source of a link's state (None when nothing is)."""
    if not isinstance(source, dict):
        return "is not an object"
    table = source.get("table")
    if not isinstance(table, str) or not table:
        return "has no table name"
    if source.get("kind") not in view.SOURCE_KINDS:
        return "'" + table + "' has an unknown kind"
    if not isinstance(source.get("name"), str):
        return "'" + table + "' has no name"
    if source["kind"] == "url" and not is_reopenable_url(source.get("url")):
        return "'" + table + "' has an address that is not http or https"
    read = source.get("read")
    if read is not None and not isinstance(read, dict):
        return "'" + table + "' has malformed reading options"
    return None
