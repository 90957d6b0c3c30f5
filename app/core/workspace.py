"""Workspaces: what Loupe keeps on this device so that work survives a reload, a crash and a restart.

A workspace is one record (the page keeps it in IndexedDB) and a folder of
files (the browser's private file system, OPFS):

    {"loupe": "workspace", "version": 1, "id": "w1a2b3", "name": "Workspace 1",
     "created": "2026-12-04T18:25:42.000Z", "opened": "…",   # ISO 8601 times (UTC): they sort as text
     "state": "{...}",             # the view state as JSON text (app/core/view.py), steps and all
     "kept": [                     # one per read entry of the log: the table as it was read
         {"entry": "{...}",        # the read entry, as canonical JSON (``entry_text``)
          "file": "t3.parquet",    # the table's rows (Parquet) in the workspace's folder
          "source": "t3.source",   # the file it was read from, when it is kept too (else null)
          "table": "sales", "name": "sales.csv", "rows": 1000000, "bytes": 41000000,
          "columns": [{"name", "type"}], "sheets": [...],
          "complete": true}],      # false until every byte of ``file`` was written
     "next": 4}                    # the number of the next file

Restoring a workspace replays its state's log (app/core/restore.py) with the
kept tables read from storage instead of from their files, so a table comes
back without its file, online or offline, and every step after the read runs
as it did. ``keeping`` says which tables must be written (read entries not
kept yet) and which files are no longer needed; ``restorable`` which entries
can come back and, for the others, what to do.

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import display, errors, view

VERSION = 1
MARK = "workspace"
MB = 1000 * 1000
# Files larger than this are not copied into storage without asking (the person may change it).
DEFAULT_LIMIT = 1000 * MB
# The first workspace's name, and the stem of new ones ("Workspace 2", ...).
FIRST_NAME = "Workspace"
DAMAGED_RECORD = "This workspace's record is damaged and could not be read."


def new_record(workspace_id: str, name: str, now: str) -> dict:
    """An empty workspace named ``name``, created and opened at ``now`` (an ISO 8601 time)."""
    return {
        "loupe": MARK,
        "version": VERSION,
        "id": workspace_id,
        "name": name,
        "created": now,
        "opened": now,
        "state": None,
        "kept": [],
        "next": 1,
    }


def checked(record) -> dict:
    """``record`` as read back from storage, vetted; raises StateError saying what is wrong.

    Kept tables whose description is malformed are dropped (their files are
    then unreferenced, and ``unused_files`` lets the page delete them).
    """
    if not isinstance(record, dict) or record.get("loupe") != MARK:
        raise errors.StateError(DAMAGED_RECORD)
    version = record.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise errors.StateError(
            "This workspace was kept by a newer version of Loupe; reload the page to get that version."
        )
    if not isinstance(record.get("id"), str) or not isinstance(record.get("name"), str):
        raise errors.StateError(DAMAGED_RECORD)
    out = dict(record)
    out["kept"] = [dict(k) for k in record.get("kept") or [] if _well_formed(k)]
    if not isinstance(out.get("state"), str):
        out["state"] = None
    for key in ("created", "opened"):
        if not isinstance(out.get(key), str):
            out[key] = ""
    if not isinstance(out.get("next"), int):
        out["next"] = 1
    return out


def entry_text(entry: dict) -> str:
    """A read entry as canonical JSON (keys sorted at every depth): equal entries, equal text."""
    return json.dumps(_sorted(entry), separators=(",", ":"))


def read_entries(state: dict) -> list:
    """The read entries of the view ``state``'s log whose tables are still open, in log order.

    A read whose table was closed is not needed again; one whose table was
    renamed is (the rename is replayed after it).
    """
    open_now = set(s["table"] for s in state["sources"])
    names = {}  # the name each read table has now
    reads = []  # type: list
    for entry in state["log"]:
        op = entry["op"]
        if op == "read":
            reads.append(entry)
            names[id(entry)] = entry["table"]
        elif op == "rename":
            for read in reads:
                if names[id(read)] == entry["table"]:
                    names[id(read)] = entry["to"]
        elif op == "close":
            reads = [r for r in reads if names[id(r)] != entry["table"]]
    return [r for r in reads if names[id(r)] in open_now]


def keeping(record: dict, state: dict) -> dict:
    """What to write and delete so that ``record`` keeps what the view ``state`` reads.

    ``{"write": [read entries not kept yet], "drop": [kept items no longer read]}``.
    An item written only in part counts as not kept. The sample is never
    kept: it is part of Loupe, offline too.
    """
    wanted = [(entry_text(e), e) for e in read_entries(state) if e["kind"] != "sample"]
    texts = set(text for text, _ in wanted)
    kept = set(k["entry"] for k in record["kept"] if k.get("complete"))
    write = [entry for text, entry in wanted if text not in kept]
    drop = [k for k in record["kept"] if k["entry"] not in texts]
    return {"write": _distinct(write), "drop": drop}


def file_names(record: dict, suffix: str) -> tuple:
    """``(record with its counter moved on, name)``: a fresh file name in the workspace's folder."""
    out = dict(record)
    number = int(record.get("next") or 1)
    out["next"] = number + 1
    return out, "t" + str(number) + suffix


def new_item(entry: dict, file: str, table: str, rows: int, columns: list, sheets=None) -> dict:
    """A kept table not written yet (``complete`` False): the read ``entry`` whose table goes to ``file``."""
    return {
        "entry": entry_text(entry),
        "file": file,
        "source": None,
        "table": table,
        "name": entry["name"],
        "rows": rows,
        "columns": columns,
        "sheets": sheets or [],
        "bytes": 0,
        "complete": False,
    }


def with_kept(record: dict, item: dict) -> dict:
    """``record`` keeping ``item`` (see the module's docstring); an item for the same entry is replaced."""
    out = dict(record)
    out["kept"] = [k for k in record["kept"] if k["entry"] != item["entry"]] + [dict(item)]
    return out


def without_kept(record: dict, items: list) -> dict:
    """``record`` without the kept ``items`` (their files are the page's to delete)."""
    gone = set(k["file"] for k in items)
    out = dict(record)
    out["kept"] = [k for k in record["kept"] if k["file"] not in gone]
    return out


def with_state(record: dict, state_text: str, now: str) -> dict:
    """``record`` holding the view state ``state_text`` (JSON), last opened at ``now``."""
    out = dict(record)
    out["state"] = state_text
    out["opened"] = now
    return out


def restorable(record: dict, present: list) -> dict:
    """What of ``record`` can come back, given the files ``present`` in its folder.

    ``{"kept": {entry text: item}, "problems": [sentences]}``: the items whose
    file is there and complete; a sentence for each table that is not, saying
    what to do. The tables not kept wait for their file, as a shared view's
    local files do.
    """
    there = set(present)
    kept = {}
    problems = []  # type: list
    for item in record["kept"]:
        if item.get("complete") and item["file"] in there:
            kept[item["entry"]] = item
            continue
        why = "was still being saved when the page closed" if not item.get("complete") else "is no longer in storage"
        problems.append(
            "“" + item["table"] + "” " + why + ": open " + _quoted(item["name"]) + " again to bring it back."
        )
    return {"kept": kept, "problems": problems}


def waiting_message(names: list) -> str:
    """What to tell a person whose workspace waits for files it could not keep (``names``, each once)."""
    distinct = []  # type: list
    for name in names:
        if name not in distinct:
            distinct.append(name)
    if not distinct:
        return ""
    quoted = ", ".join(_quoted(name) for name in distinct)
    return (
        "This workspace has tables that were not kept on this device: open "
        + quoted
        + " again (Open file…, or drop it here) and their steps apply. Until then your changes are not saved; "
        + "Forget this view goes on without them."
    )


def read_ahead(state: dict, kept: dict) -> list:
    """The kept items to read into the engine before the log is replayed, the table on screen first.

    ``kept``: ``restorable``'s items by entry text. An item whose table's name
    an earlier entry of the log uses (a table of that name read before, closed
    or made by SQL) waits for its turn, so the replay finds names as they were.
    """
    named = set()
    out = []
    still_open = set(entry_text(e) for e in read_entries(state))  # a read closed later is not worth reading ahead
    last = {}  # entry text -> the index of its last read (the one a kept item is the table of)
    for index, entry in enumerate(state["log"]):
        if entry["op"] == "read":
            last[entry_text(entry)] = index
    for index, entry in enumerate(state["log"]):
        text = entry_text(entry) if entry["op"] == "read" else None
        item = kept.get(text) if text in still_open and last[text] == index else None
        if item is not None and entry["table"] not in named:
            out.append(item)
        named.update(_names_in(entry))
    active = state.get("active")
    return [i for i in out if i["table"] == active] + [i for i in out if i["table"] != active]


def unused_files(record: dict, present: list) -> list:
    """The files in the workspace's folder that ``record`` does not refer to (a crash's leftovers)."""
    used = set()
    for item in record["kept"]:
        used.add(item["file"])
        if item.get("source"):
            used.add(item["source"])
    return [name for name in present if name not in used]


def size_of(record: dict) -> int:
    """The bytes ``record``'s files take, as recorded when they were written."""
    total = 0
    for item in record["kept"]:
        total += int(item.get("bytes") or 0) + int(item.get("source_bytes") or 0)
    return total


def find(records: list, workspace_id: str):
    """The record of ``workspace_id`` among ``records``, or None."""
    for record in records:
        if record["id"] == workspace_id:
            return record
    return None


def tables_of(record: dict) -> list:
    """The tables the workspace shows, in tab order (from its state; none if it has none)."""
    if not record.get("state"):
        return []
    try:
        return [s["table"] for s in view.loads(record["state"])["sources"]]
    except errors.LoupeError:
        return []


def listing(records: list, current: str) -> list:
    """The workspaces as the list shows them, most recently opened first.

    Each ``{id, name, tables, size, opened, current}``: ``tables`` a count,
    ``size`` in words.
    """
    rows = []
    for record in sorted(records, key=lambda r: str(r.get("opened") or ""), reverse=True):
        rows.append(
            {
                "id": record["id"],
                "name": record["name"],
                "tables": len(tables_of(record)),
                "size": bytes_words(size_of(record)),
                "opened": record.get("opened") or "",
                "current": record["id"] == current,
            }
        )
    return rows


def fresh_name(records: list, stem=FIRST_NAME) -> str:
    """A workspace name not taken yet: ``stem``, else ``stem 2``, ``stem 3``, ..."""
    taken = set(r["name"] for r in records)
    if stem not in taken:
        return stem
    number = 2
    while stem + " " + str(number) in taken:
        number += 1
    return stem + " " + str(number)


def copy_name(records: list, name: str) -> str:
    """The name of a copy of the workspace ``name``."""
    return fresh_name(records, name + " (copy)")


def checked_name(name, records: list, workspace_id: str) -> str:
    """A new name for the workspace ``workspace_id``, trimmed; StateError if empty, too long or taken."""
    text = str(name or "").strip()
    if not text:
        raise errors.StateError("A workspace needs a name; type one, then Rename.")
    if len(text) > 80:
        raise errors.StateError("That name is too long; keep it under 80 characters.")
    for record in records:
        if record["name"] == text and record["id"] != workspace_id:
            raise errors.StateError("Another workspace is called “" + text + "”; choose another name.")
    return text


def checked_limit(text) -> int:
    """The ``Keep files up to … MB`` field as bytes; StateError saying what to type if it is not a whole number ≥ 1."""
    try:
        megabytes = int(str(text).strip())
    except ValueError:
        megabytes = 0
    if megabytes < 1:
        raise errors.StateError("Type a whole number of megabytes, 1 or more, in Keep files up to.")
    return megabytes * MB


def bytes_words(count: int) -> str:
    """A number of bytes as a person reads it: 512 bytes, 12.3 KB, 4.5 MB, 1.2 GB."""
    if count < 1000:
        return display.thousands(count) + (" byte" if count == 1 else " bytes")
    for unit, size in (("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)):
        if count < size * 1000 or unit == "TB":
            value = count / size
            return ("%.1f" % value if value < 100 else str(int(round(value)))) + " " + unit
    return str(count) + " bytes"


def storage_words(used, quota, persisted) -> str:
    """The storage line: what Loupe uses of the quota (its offline copy too), and whether it may be cleared."""
    if used is None or quota is None:
        return "This browser does not say how much storage Loupe may use."
    line = "Loupe uses " + bytes_words(int(used)) + " of the " + bytes_words(int(quota)) + " this browser allows it"
    if persisted:
        return line + "; kept until you delete it."
    return line + "; the browser may clear it when the device runs short of space."


def over_limit_message(name: str, size: int, limit: int) -> str:
    """Words for a file too large to be copied into storage without asking."""
    return (
        _quoted(name)
        + " ("
        + bytes_words(size)
        + ") is larger than "
        + bytes_words(limit)
        + ", so it is not kept on this device: after a reload you will be asked to open it again. "
        + "To keep it, raise “Keep files up to” under Kept here (at the bottom), then open it again."
    )


def not_kept_message(table: str, why: str) -> str:
    """Words for a table that could not be written to storage (``why``: the browser's reason)."""
    if "quota" in why.lower():
        return (
            "“"
            + table
            + "” is not kept on this device: the browser's storage for Loupe is full. It stays open here; "
            + "delete a workspace you no longer need (Kept here, at the bottom) to make room."
        )
    return "“" + table + "” is not kept on this device (" + why + "). It stays open here until this tab closes."


REFUSED_MESSAGE = (
    "This browser does not let Loupe keep anything here (a private window does not): "
    "your work stays open in this tab and is lost when it closes."
)


def second_tab_message(busy: str, fresh: str) -> str:
    """Words for a tab whose workspace ``busy`` is open in another tab, so it keeps its work in ``fresh``."""
    return (
        "“"
        + busy
        + "” is open in another tab, so this tab keeps its work in a new workspace, “"
        + fresh
        + "”. Kept here (at the bottom) lists both; open one there to switch."
    )


def is_empty(record: dict) -> bool:
    """Whether ``record`` keeps nothing: no table kept, and no table but the sample in its view."""
    if record["kept"]:
        return False
    if not record.get("state"):
        return True
    try:
        state = view.loads(record["state"])
    except errors.LoupeError:
        return False  # damaged: kept for the person to see, not cleared silently
    return all(s["kind"] == "sample" for s in state["sources"])


def forget_report(erased: dict) -> str:
    """What Forget everything erased, in one sentence (``erased``: the page's counts)."""
    parts = []
    workspaces = int(erased.get("workspaces") or 0)
    files = int(erased.get("files") or 0)
    if workspaces:
        parts.append(_count(workspaces, "workspace", "workspaces"))
    if files:
        parts.append(_count(files, "kept file", "kept files") + " (" + bytes_words(int(erased.get("bytes") or 0)) + ")")
    if erased.get("settings"):
        parts.append(_count(int(erased["settings"]), "saved setting", "saved settings") + " (SQL history included)")
    if erased.get("databases"):
        parts.append(_count(int(erased["databases"]), "browser database", "browser databases"))
    if erased.get("caches"):
        parts.append(_count(int(erased["caches"]), "cache of downloaded data", "caches of downloaded data"))
    if not parts:
        return "Nothing of yours was stored on this device. The tables open in this tab stay until it closes."
    return (
        "Erased from this device: "
        + display.listed(parts)
        + ". Loupe itself stays available offline. The tables open in this tab stay until it closes, and "
        + "nothing more is kept until you reload."
    )


# --- helpers ---------------------------------------------------------------------------


def _well_formed(item) -> bool:
    if not isinstance(item, dict):
        return False
    for key in ("entry", "file", "table", "name"):
        if not isinstance(item.get(key), str):
            return False
    return isinstance(item.get("columns", []), list)


def _names_in(entry: dict) -> list:
    names = [entry.get("table"), entry.get("to")] + list(entry.get("made") or []) + list(entry.get("dropped") or [])
    return [n for n in names if isinstance(n, str)]


def _sorted(value):
    if isinstance(value, dict):
        return [[key, _sorted(value[key])] for key in sorted(value)]
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _distinct(entries: list) -> list:
    seen = set()
    out = []
    for entry in entries:
        text = entry_text(entry)
        if text not in seen:
            seen.add(text)
            out.append(entry)
    return out


def _quoted(name: str) -> str:
    return "“" + name + "”"


def _count(n: int, one: str, many: str) -> str:
    return display.thousands(n) + " " + (one if n == 1 else many)
