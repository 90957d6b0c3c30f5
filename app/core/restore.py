"""Restoring a shared view: its log replayed in order, as actions for a driver to perform.

A link's state (app/core/share.py ``checked``) holds the log of what made
its tables (app/core/view.py). ``Replay`` walks that log in order and
yields one action per entry that can be done now; the driver (app/ui/
sharing.py in the page, a test with native DuckDB) performs it and sends
back the outcome:

    {"do": "open", "entry", "options", "kept"}
                                        open a read entry's address (the loader), or, with
                                        ``kept`` (an item of app/core/workspace.py), read the
                                        table from this device's storage
                                        -> {"table": name it got} or {"failure": message}
    {"do": "run", "entry"}               do any other entry: ``steps_for`` gives its SQL
                                        -> {} or {"failure": message}

Each outcome may carry ``"here"``: the driver's view state after it, whose
tables the next decisions go by. A local file (or pasted text) is not in a
link: its entry waits in ``awaited`` until the person opens the file
(``arrived``), and so do the entries on its table; SQL that fails while files
are awaited is put off and tried again after each arrival, and the SQL after
it waits behind it, so statements still run in their order. A workspace
(``kept``: its stored tables by entry text) brings back its read entries from
storage, local files included, so nothing waits for a file it kept.

Who asked decides what SQL may run (app/core/guard.py, README: Privacy):
``PERSON`` runs every statement; for a ``LINK`` a statement that does more
than read is held (``held_statements``) until the person agrees
(``agreed``); the page around a framed Loupe (``FROM_PAGE``) gets reading
SQL only. A link or a page never replaces a table the person has open: a
kept query whose name is taken gets a fresh one.

``shown`` then fits the link's per-table states to the tables made.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, guard, naming, query, recipe, retype, scripts, share, sql, statements, view, workspace

PERSON = "person"
LINK = "link"
FROM_PAGE = "page"


class Replay:
    """One shared view being restored; it may wait for local files and for the person's agreement."""

    def __init__(self, state: dict, trust: str = PERSON, kept=None):
        self.state = state
        self.trust = trust
        self.pending = [dict(entry) for entry in state["log"]]  # entries not done yet, in order
        self.stored = {}  # type: dict  # id of a pending read entry -> its kept item (read from storage)
        for entry in self.pending:
            item = (kept or {}).get(workspace.entry_text(entry)) if entry["op"] == "read" else None
            if item is not None:
                self.stored[id(entry)] = item
        self.awaited = self._local_reads()
        self.problems = []  # type: list
        self.opened = []  # type: list  # tables whose shared state applies (made, or found open already)
        self.made = []  # type: list  # tables this replay made (a link may rename or close only these)
        self.asked = trust != LINK  # whether held statements were decided on (agreed or not)
        self.allowed = trust == PERSON
        if trust == FROM_PAGE:
            self._refuse(guard.NOT_READING_MESSAGE.rstrip(": ") + ".")

    def held_statements(self) -> list:
        """The statements waiting for the person's agreement (a link's SQL that does more than read)."""
        if self.allowed or self.asked:
            return []
        out = []  # type: list
        for entry in self.pending:
            out.extend(_not_reading(entry))
        return out

    def agreed(self, yes: bool) -> None:
        """The person agreed (or not) to run the held statements; a ``round`` follows."""
        self.asked = True
        if yes:
            self.allowed = True
        else:
            self._refuse("you chose not to run its SQL.")

    def arrived(self, entry: dict, table: str) -> None:
        """The awaited local source ``entry`` was opened (and logged) as ``table``; a ``round`` follows."""
        self.awaited = [e for e in self.awaited if e is not entry and e["table"] != entry["table"]]
        self.pending = [e for e in self.pending if not (e["op"] == "read" and e["table"] == entry["table"])]
        if table != entry["table"]:
            self._rename(entry["table"], table)
        self.opened.append(table)
        self.made.append(table)

    def round(self, here: dict):
        """Steps: an action for each entry that can be done now, in log order (see the module's docstring).

        ``here``: the driver's view state. Entries that cannot be done yet stay pending.
        """
        still = []  # type: list
        blocked = []  # type: list  # tables not made yet: entries on them wait
        behind = False  # SQL was put off: later SQL waits behind it
        for entry in list(self.pending):
            op = entry["op"]
            if op == "read" and entry["kind"] in share.LOCAL and id(entry) not in self.stored:
                if _same_source(view.source(here, entry["table"]), entry):
                    self.awaited = [e for e in self.awaited if e["table"] != entry["table"]]
                    self.opened.append(entry["table"])  # open already (a view of this page applied again)
                    continue
                still.append(entry)
                blocked.append(entry["table"])
                continue
            if op in ("sql", "query") and (behind or not self._may_run(entry)):
                still.append(entry)
                blocked.extend(_tables_of(entry))
                behind = True
                continue
            if op not in ("read", "sql", "query") and entry["table"] in blocked:
                still.append(entry)
                if op == "rename":
                    blocked.append(entry["to"])
                continue
            if op not in ("read", "sql", "query") and not self._may_change(entry, here):
                continue  # its table could not be opened (that was said), or is the person's own
            if op == "read":
                here = yield from self._open(entry, here)
                if entry in self.awaited:  # storage failed it: it waits for its file, and so do its steps
                    still.append(entry)
                    blocked.append(entry["table"])
                continue
            if op == "query":
                entry = self._free_name(entry, here)
            outcome = yield {"do": "run", "entry": entry}
            here = outcome.get("here", here)
            failure = outcome.get("failure")
            if failure is None:
                self.opened.extend(_tables_of(entry))
                self.made.extend(_tables_of(entry))
            elif op in ("sql", "query") and self.awaited:
                still.append(entry)  # it may need a file not opened yet: tried again after the next one
                blocked.extend(_tables_of(entry))
                behind = True
            elif op in ("sql", "query"):
                self.problems.append(_not_made(entry) + " could not be made again from its SQL: " + failure)
            else:
                self.problems.append(failure)
        self.pending = still

    def waiting(self) -> bool:
        """True while local files are awaited or statements wait for the person's agreement."""
        return bool(self.awaited) or bool(self.held_statements())

    def _open(self, entry: dict, here: dict):
        """Steps: open a read entry's address again, under its name if that is free."""
        known = view.source(here, entry["table"])
        options = share.open_options(entry)
        if known is not None:
            if _same_source(known, entry):
                self.opened.append(entry["table"])
                return here  # already open (a link followed in the same tab)
            options.pop("table")
        kept = self.stored.get(id(entry))
        outcome = yield {"do": "open", "entry": entry, "options": options, "kept": kept}
        if outcome.get("failure") is not None and kept is not None:
            self.stored.pop(id(entry))  # storage could not give it back: its file can
            self.problems.append(outcome["failure"])
            if entry["kind"] in share.LOCAL:
                self.awaited.append(entry)
                return here
            outcome = yield {"do": "open", "entry": entry, "options": options, "kept": None}
        if outcome.get("failure") is not None:
            self.problems.append(outcome["failure"])
            return here
        if outcome["table"] != entry["table"]:
            self._rename(entry["table"], outcome["table"])
        self.opened.append(outcome["table"])
        self.made.append(outcome["table"])
        return outcome.get("here", here)

    def _may_change(self, entry: dict, here: dict) -> bool:
        """Whether a type, flatten, steps, rename or close entry applies here: its table is here, and it may touch it.

        A link renames or closes only tables it made itself, never the person's own.
        """
        if view.source(here, entry["table"]) is None:
            return False
        return entry["op"] in ("type", "flatten", "steps") or self.trust == PERSON or entry["table"] in self.made

    def _may_run(self, entry: dict) -> bool:
        return self.allowed or not _not_reading(entry)

    def _free_name(self, entry: dict, here: dict) -> dict:
        """``entry`` (a kept query), renamed if its table's name is taken by a table it must not replace."""
        table = entry["table"]
        if self.trust == PERSON or view.source(here, table) is None:
            return entry
        made = _made_by(here, table)
        if made is not None and made["op"] == "query" and made.get("statement") == entry.get("statement"):
            return entry  # the same query's table (a link followed again): made again in place
        fresh = naming.table_name_for(table, [s["table"] for s in here["sources"]])
        self._rename(table, fresh)
        renamed = dict(entry)
        renamed["table"] = fresh
        return renamed

    def _rename(self, table: str, new_name: str) -> None:
        self.state = view.rename_source(self.state, table, new_name)
        renamed = view.renamed_entries(self.pending, table, new_name)
        self.stored = {
            id(new): self.stored[id(old)] for old, new in zip(self.pending, renamed) if id(old) in self.stored
        }
        self.pending = renamed
        self.awaited = self._local_reads()

    def _local_reads(self) -> list:
        """The pending reads of local files that storage does not hold: they wait for the person."""
        return [e for e in self.pending if e["op"] == "read" and e["kind"] in share.LOCAL and id(e) not in self.stored]

    def _refuse(self, why: str) -> None:
        """Drop the statements that do more than read, each said in ``problems``."""
        kept = []  # type: list
        for entry in self.pending:
            if _not_reading(entry):
                self.problems.append(_not_made(entry) + " was not made: " + why)
            else:
                kept.append(entry)
        self.pending = kept


def steps_for(entry: dict, columns: list, step_list=None):
    """Steps: do ``entry`` (any op but ``read``) against the engine; return ``{entry, change, applied}``.

    ``entry`` comes back as it ran (a ``flatten`` with the columns it made,
    a ``sql`` with the tables made and dropped this time); ``change`` is a
    ``type`` entry's ``retype.retype`` answer (None for other ops); ``applied``
    what ``recipe.apply`` made of the table's transform steps when they were
    applied (a ``steps`` entry, or a type, flatten or rename of a table that has steps).
    ``columns``: the table's columns now (``[{name, type}]``); ``step_list``: its
    transform steps now (a type or flatten then changes its source, under the steps).
    """
    op = entry["op"]
    ran = dict(entry)
    change = None
    applied = None
    step_list = step_list or []
    if op in ("type", "flatten"):
        source = yield from recipe.source_of(entry["table"])
        if source != entry["table"]:
            found = yield sql.table_columns(source)
            columns = [{"name": row[0], "type": row[1]} for row in found["rows"]]
        if op == "type":
            current = [c["type"] for c in columns if c["name"] == entry["column"]]
            if not current:
                where = " (a step made it: set its type in that step)" if source != entry["table"] else ""
                raise errors.QueryError(
                    "'" + entry["table"] + "' has no column named '" + entry["column"] + "'" + where + "."
                )
            change = yield from retype.retype(source, entry["column"], current[0], entry["to"])
        else:
            ran["made"] = yield from retype.flatten_structs(source, columns)
        if source != entry["table"]:
            applied = yield from recipe.apply(entry["table"], step_list)
    elif op == "steps":
        applied = yield from recipe.apply(entry["table"], entry["steps"])
    elif op == "sql":
        ran = yield from scripts.replayed(entry["statement"])
    elif op == "query":
        if not entry["statement"].strip():
            raise errors.QueryError("the link does not carry it.")
        yield statements.stored(entry["table"], entry["statement"])
    elif op == "rename":
        applied = yield from recipe.rename(entry["table"], entry["to"], step_list)
    elif op == "close":
        yield from recipe.drop(entry["table"])
    else:
        raise ValueError("a " + repr(op) + " entry is not done by SQL")
    return {"entry": ran, "change": change, "applied": applied}


def shown(here: dict, state: dict, opened: list, columns: dict) -> tuple:
    """``(view, problems)``: ``here`` with the link's state of each table in ``opened``, its panels and active table.

    ``columns`` maps each table to its columns now: a table's state that
    does not fit (a column the file no longer has) is left out and said.
    """
    target = here
    problems = []  # type: list
    shared = state["tables"]
    for table in opened:
        if view.source(target, table) is None or table not in columns:
            continue
        try:
            fitted = view.with_table_state(target, table, shared.get(table) or {})
            query.check(view.table_state(fitted, table), columns[table])
            target = fitted
        except errors.LoupeError as failure:
            problems.append(
                "The shared view of '"
                + table
                + "' does not fit the table as it is now ("
                + str(failure)
                + "); it is shown without it."
            )
    for name in state.get("panels") or []:
        target = view.with_panel(target, name, True)
    active = state.get("active")
    if active is not None and view.source(target, active) is not None:
        target = view.activate(target, active)
    return target, problems


def _same_source(known, entry: dict) -> bool:
    """True if the source ``known`` here (or None) is what the read ``entry`` opens."""
    if known is None or known["kind"] != entry["kind"]:
        return False
    if entry["kind"] in share.LOCAL:
        return known["name"] == entry["name"]
    return known.get("url") == entry.get("url")


def _not_reading(entry: dict) -> list:
    """The statements of ``entry`` that do more than read (none for entries that are not SQL)."""
    if entry["op"] not in ("sql", "query"):
        return []
    return guard.not_reading(entry["statement"])


def _tables_of(entry: dict) -> list:
    """The tables an entry makes (as the link recorded them)."""
    if entry["op"] == "sql":
        return list(entry.get("made") or [])
    if entry["op"] == "rename":
        return [entry["to"]]
    return [entry["table"]]


def _not_made(entry: dict) -> str:
    """How a problem names what an entry would have made: "The table 'x'", or "A statement"."""
    tables = _tables_of(entry)
    if entry["op"] == "query" or tables:
        return "The table '" + tables[0] + "'" if len(tables) == 1 else "The tables '" + "', '".join(tables) + "'"
    return "A statement of this view"


def _made_by(here: dict, table: str):
    """The entry of ``here``'s log that last made ``table`` (None if none did)."""
    found = None
    for entry in here.get("log") or []:
        if entry.get("table") == table and entry["op"] in ("read", "query"):
            found = entry
        elif entry["op"] == "sql" and table in (entry.get("made") or []):
            found = entry
        elif entry["op"] == "rename" and entry.get("to") == table:
            found = entry
    return found
