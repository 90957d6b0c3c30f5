"""Workspaces kept on this device: autosave, restore after a reload, a crash or a restart, Forget everything.

app/core/workspace.py decides what a workspace holds and says it;
assets/js/keep.mjs (``window.loupeKeep``) stores: the record in IndexedDB,
the tables as Parquet files in the browser's private file system (OPFS).

- ``start``: this tab's workspace (the one it showed before a reload, else
  the last one opened, else a new one), its lock taken; a tab whose
  workspace another tab holds starts a new one and says so (two tabs never
  write one workspace).
- ``restore``: its view replayed with the kept tables read from storage
  (app/core/restore.py ``kept``), so no file is read again.
- ``read``: a table just opened is written as it was read (its query starts
  before anything else can change it), then the file it came from.
- ``changed``: the view (and the grid's scroll) saved shortly after each change.

Where storage is refused or full, Loupe keeps working in memory and says
what is not kept. An embed keeps nothing: the page around it owns its data.
"""

import asyncio
import json

from pyscript import window

from app.core import errors, share, sql, view, workspace
from app.ui.shell import feedback

SAVE_DELAY_S = 0.3  # a burst of changes (typing a filter) is saved once
FIRST_ROWS_WAIT_S = 2  # at most this long the replay waits for the table on screen to show its first rows
RELOAD_WAIT_MS = 3000  # after a reload, how long the page before may take to let go of the workspace


class Keeper:
    """The workspace this tab shows, and whether (and why not) it is being kept."""

    def __init__(self, session):
        self.session = session
        self.glue = window.loupeKeep
        self.record = None  # the workspace's record (app/core/workspace.py), None when nothing is kept
        self.records = []  # every workspace's record, as last read
        self.on = False  # saving now
        self.why = ""  # why not, in words (empty when saving)
        self.limit = workspace.DEFAULT_LIMIT
        self.restored = []  # tables brought back from storage at start
        self.damaged = []  # what was wrong with damaged records, said once the page is up
        self.ahead = {}  # kept file -> {done: Event, failure}: read into the engine ahead of the replay
        self.paused = False  # a table is being read again under a passing name: save after
        self.writing = 0  # tables being written: no kept file is deleted meanwhile (one may be read from it)
        self._saving = False
        self._again = False

    # --- start ---------------------------------------------------------------------

    async def start(self) -> None:
        """Find and lock this tab's workspace; say so when nothing can be kept."""
        if self.session.embedded:
            self.why = "An embedded Loupe keeps nothing on this device."
            return
        refused = str(await self.glue.available())
        if refused:
            self.why = workspace.REFUSED_MESSAGE
            feedback.notice(self.why)
            return
        records = await self.reload_records()
        await self._clear_empty(records, str(self.glue.tabWorkspace() or ""))
        record, got = await self._claim()
        if record is None or not got:
            busy = record
            record = await self.fresh_record(self.records)
            got = await self.glue.lock(record["id"], 0)
            if busy is not None:
                feedback.notice(workspace.second_tab_message(busy["name"], record["name"]))
        self.record = record
        self.on = bool(got)
        if record["kept"]:
            self.session.engine.prewarm_parquet()  # the Parquet reader compiled while the page starts
        if not self.on:
            self.why = "Another tab holds this workspace; nothing from this tab is kept."
        self.glue.setTabWorkspace(record["id"])
        if self.on:
            await self._current()
        limit = await self._meta("limit")
        if isinstance(limit, int) and limit > 0:
            self.limit = limit

    async def _claim(self) -> tuple:
        """``(record, locked)``: the workspace this tab had before a reload, else the last one opened."""
        own = workspace.find(self.records, str(self.glue.tabWorkspace() or ""))
        if own is not None:
            return own, bool(await self.glue.lock(own["id"], RELOAD_WAIT_MS))
        last = workspace.find(self.records, str(await self._meta("current") or ""))
        if last is not None:
            return last, bool(await self.glue.lock(last["id"], 0))
        return None, False

    async def _clear_empty(self, records: list, own: str) -> None:
        """Delete the workspaces that keep nothing and no tab has open (left by tabs that kept nothing)."""
        held = json.loads(str(await self.glue.held()))
        for record in records:
            if record["id"] != own and record["id"] not in held and workspace.is_empty(record):
                await self.glue.dropFolder(record["id"])
                await self.glue.remove(record["id"])
        self.records = [r for r in records if r["id"] == own or r["id"] in held or not workspace.is_empty(r)]

    async def reload_records(self) -> list:
        """Every workspace's record, read again (a damaged one is left out, and said once in ``damaged``)."""
        out = []
        for raw in json.loads(str(await self.glue.records())):
            try:
                out.append(workspace.checked(raw))
            except errors.StateError as failure:
                name = raw.get("name") if isinstance(raw, dict) else None
                said = str(failure) + (" (" + str(name) + ")" if isinstance(name, str) else "")
                if said not in self.damaged:
                    self.damaged.append(said)
        self.records = out
        return out

    def state_text(self):
        """The view state the workspace last kept (JSON text), or None."""
        return None if self.record is None else self.record.get("state")

    async def restore(self) -> bool:
        """Bring the workspace's tables and view back; True if it had any. Says what could not come back."""
        said = list(self.damaged)
        try:
            return await self._restore(said)
        finally:
            if said:
                feedback.error(" ".join(said))

    async def _restore(self, said: list) -> bool:
        record = self.record
        if record is None or not record.get("state"):
            return False
        try:
            state = view.loads(record["state"])
        except errors.StateError as failure:
            feedback.error("This workspace's view could not be read back (" + str(failure) + "); it starts empty.")
            return False
        if not state["sources"]:
            return False
        present = [pair[0] for pair in json.loads(str(await self.glue.files(record["id"])))]
        found = workspace.restorable(record, present)
        if self.on:
            leftovers = workspace.unused_files(record, present)
            if leftovers:
                await self.glue.drop(record["id"], json.dumps(leftovers))
        from app.ui.opening import sharing  # imported here: sharing drives the session, which holds this

        self.restored = []
        said.extend(found["problems"])
        ahead = workspace.read_ahead(state, found["kept"])
        for item in ahead:
            self.ahead[item["file"]] = {"done": asyncio.Event(), "failure": None}
        shown = asyncio.Event()  # the table on screen has its first rows drawn (or will not)
        if ahead:
            slots = [(item, self.ahead[item["file"]]) for item in ahead]
            self.session.spawn(self._read_ahead(slots, state.get("active"), shown))
            if ahead[0]["table"] == state.get("active"):
                # its first rows before anything else takes the engine (the replay may read the sample first);
                # polled: MicroPython's wait_for fails under PyScript's top-level coroutine
                waited = 0.0
                while not shown.is_set() and waited < FIRST_ROWS_WAIT_S:
                    await asyncio.sleep(0.02)
                    waited += 0.02
        await sharing.restore(self.session, state, sharing.PERSON, found["kept"])
        return True

    async def _read_ahead(self, slots: list, active, shown) -> None:
        """Read kept tables into the engine while the log replays (it may first fetch an address or the sample).

        ``slots``: ``(item, {done, failure})`` in order; the replay waits on ``done`` (app.ui.shell.keeping
        ``bring_back``). The table on screen comes first, and its first rows are drawn as soon as they are in.
        """
        for item, slot in slots:
            try:
                stored = await self.stored(item)
                first = [item["table"] == active]

                def on_group(rows, total, item=item, first=first):
                    if first[0]:
                        first[0] = False
                        self.session.spawn(_first_rows(self.session, item, shown))

                await insert_kept(self.session.engine, item["table"], stored, item, on_group)
            except Exception as failure:
                slot["failure"] = failure
            slot["done"].set()
            shown.set()  # drawn, or not to be: the replay goes on either way

    # --- reading back ------------------------------------------------------------------

    async def file(self, name):
        """The kept file ``name`` of this workspace (a File), or None."""
        if self.record is None or not name:
            return None
        return await self.glue.file(self.record["id"], name)

    async def stored(self, item: dict):
        """The kept Parquet file of ``item``; OpenError if storage no longer has it."""
        found = await self.file(item["file"])
        if found is None:
            raise errors.OpenError("“" + item["table"] + "” is no longer in this device's storage.")
        return found

    async def fresh_record(self, records: list) -> dict:
        """A new, empty workspace with a name not taken among ``records``, stored."""
        record = workspace.new_record(new_id(), workspace.fresh_name(records), now())
        await self._put(record)
        return record

    # --- keeping what is opened -------------------------------------------------------------

    async def read(self, table: str) -> None:
        """``table`` was just read: start keeping it (returns once its rows can no longer change under it)."""
        if not self.on:
            return
        entry = _read_entry(self.session.view, table)
        if entry is None or entry["kind"] == "sample":
            return  # the sample is part of Loupe itself (offline too): nothing to keep
        blob = self.session.blobs.get(table)
        size = int(blob.size) if blob is not None else 0
        if size > self.limit:
            feedback.notice(workspace.over_limit_message(entry["name"], size, self.limit))
            return
        self.record, name = workspace.file_names(self.record, ".parquet")
        info = self.session.tables[table]
        item = workspace.new_item(entry, name, table, info["rows"], info["columns"], self.session.sheets.get(table))
        try:
            job = await self.session.engine.keep_parquet(*sql.select_all(table))
        except errors.LoupeError as failure:
            feedback.notice(workspace.not_kept_message(table, str(failure)))
            return
        self.record = workspace.with_kept(workspace.with_state(self.record, view.dumps(self.session.view), now()), item)
        await self._put(self.record)  # with the view that reads it: a crash now names it and waits for its file
        keep_source = entry["kind"] in share.LOCAL and blob is not None
        self.writing += 1
        self.session.spawn(self._finish(job, name, table, blob if keep_source else None))

    def reread(self, old_table: str, table: str) -> None:
        """``old_table``'s read became ``table``'s (Read as… read it under a passing name)."""
        entry = _read_entry(self.session.view, table)
        if self.record is None or entry is None:
            return
        for item in self.record["kept"]:
            if item["table"] == old_table:
                changed = dict(item)
                changed.update(entry=workspace.entry_text(entry), table=table)
                self.record = workspace.with_kept(workspace.without_kept(self.record, [item]), changed)

    async def _finish(self, job, name: str, table: str, source) -> None:
        try:
            await self._write(job, name, table, source)
        finally:
            self.writing -= 1
            self.changed()  # files it held back from deletion may go now

    async def _write(self, job, name: str, table: str, source) -> None:
        engine = self.session.engine
        workspace_id = self.record["id"]
        try:
            parquet, rows = await engine.kept(job)
            written = int(await self.glue.write(workspace_id, name, parquet))
        except Exception as failure:
            await self._not_kept(name, table, _reason(failure))
            return
        self._update(name, {"complete": True, "rows": rows, "bytes": written})
        await self._put(self.record)
        if source is None:
            return
        copy = name.replace(".parquet", ".source")
        try:
            copied = int(await self.glue.write(workspace_id, copy, source))
        except Exception:
            return  # the table is kept; Read as… after a reload will ask for the file
        self._update(name, {"source": copy, "source_bytes": copied})
        await self._put(self.record)

    async def _not_kept(self, name: str, table: str, why: str) -> None:
        if self.record is None:
            return
        gone = [k for k in self.record["kept"] if k["file"] == name]
        self.record = workspace.without_kept(self.record, gone)
        try:
            await self.glue.drop(self.record["id"], json.dumps([name]))
        except Exception:
            pass  # nothing was written, or the storage is gone: nothing to delete
        feedback.notice(workspace.not_kept_message(table, why))
        await self._put(self.record)

    def _update(self, name: str, fields: dict) -> None:
        if self.record is None:
            return
        for item in self.record["kept"]:
            if item["file"] == name:
                item.update(fields)

    # --- saving the view ------------------------------------------------------------------

    def changed(self) -> None:
        """The view changed (or the grid scrolled): save it shortly."""
        if not self.on or self.record is None:
            return
        if self._saving:
            self._again = True
            return
        self._saving = True
        asyncio.create_task(self._save_soon())

    async def _save_soon(self) -> None:
        try:
            self._again = True
            while self._again and self.on:
                self._again = False
                await asyncio.sleep(SAVE_DELAY_S)
                await self.save()
        except Exception as failure:  # storage full or gone: keep working in memory
            self.stop(workspace.not_kept_message("This workspace", _reason(failure)))
        finally:
            self._saving = False

    async def save(self) -> None:
        """Save the view now, and delete the files of tables no longer open."""
        if not self.on or self.record is None:
            return
        if self.paused or self.session.restoring is not None:
            # a table read under a passing name, or a view still coming back (or waiting for a file):
            # saving now would keep a view without the tables not back yet, and delete their files
            self._again = self.paused
            return
        state = self.session.view
        if state["active"] is not None and state["active"] in state["tables"]:
            state = view.with_offset(state, self.session.grid.first_in_sight())
        self.record = workspace.with_state(self.record, view.dumps(state), now())
        await self._current()
        # Read as… on a restored table reads its kept file: it is deleted only once the new copy is written.
        dropped = (
            [] if self.writing else [k for k in workspace.keeping(self.record, state)["drop"] if k.get("complete")]
        )
        if dropped:
            self.record = workspace.without_kept(self.record, dropped)
            names = [k["file"] for k in dropped] + [k["source"] for k in dropped if k.get("source")]
            await self.glue.drop(self.record["id"], json.dumps(names))
        await self._put(self.record)

    def stop(self, why: str) -> None:
        """Keep nothing more from now on, and say ``why``."""
        self.on = False
        self.why = why
        feedback.notice(why)

    # --- Forget everything ----------------------------------------------------------------------

    async def forget(self) -> dict:
        """Erase everything Loupe stored on this device; ``{erased: counts, message}``."""
        self.on = False
        erased = json.loads(str(await self.glue.forget()))
        self.record = None
        self.records = []
        message = workspace.forget_report(erased)
        self.why = "Nothing is kept on this device since Forget everything; reload the page to keep work again."
        return {"erased": erased, "message": message}

    # --- helpers ---------------------------------------------------------------------------

    async def _current(self) -> None:
        """Make this workspace the one a new tab (or the browser after a restart) opens: the last worked on."""
        await self.glue.setMeta("current", json.dumps(self.record["id"]))

    async def _put(self, record: dict) -> None:
        await self.glue.put(json.dumps(record))
        self.records = [r for r in self.records if r["id"] != record["id"]] + [record]

    async def _meta(self, key: str):
        return json.loads(str(await self.glue.meta(key)))


def _read_entry(state: dict, table: str):
    """The read entry that made ``table`` (the last one of that name), or None."""
    found = None
    for entry in state["log"]:
        if entry["op"] == "read" and entry["table"] == table:
            found = entry
    return found


def now() -> str:
    """The time now as ISO 8601 text (MicroPython's floats cannot hold milliseconds since 1970)."""
    return str(window.Date.new().toISOString())


def new_id() -> str:
    try:
        return "w-" + str(window.crypto.randomUUID())
    except Exception:  # not a secure context (plain http on another host): a random enough id
        return "w-" + str(window.Math.random())[2:] + str(window.Math.random())[2:]


def _reason(failure) -> str:
    from app.engine import wasm

    name = wasm.js_name(failure)
    message = wasm.js_message(failure)
    return (name + ": " if name and name not in message else "") + message


async def bring_back(session, entry: dict, item: dict, options: dict) -> dict:
    """Make the table of the read ``entry`` from its kept copy ``item``, and log ``entry``; ``{table}``.

    The rows come from the workspace's Parquet file; each column gets back the
    type it was read with; the file it was read from, if kept, is held for
    Read as… and Sheets…. Raises OpenError (worded) when storage cannot give it back.
    """
    from app.core import loading
    from app.engine import wasm
    from app.ui.shell import progress

    keeper = session.keeper
    table = str((options or {}).get("table") or entry["table"])
    ahead = keeper.ahead.pop(item["file"], None)
    async with session._one_load:
        session._loading = True
        progress.start("Bringing back " + table + " from this device…")
        try:
            if ahead is not None:  # read into the engine already, or being read
                await ahead["done"].wait()
                if ahead["failure"] is not None:
                    raise ahead["failure"]
                if table != item["table"]:
                    await session.engine.execute(*sql.rename_table(item["table"], table))
            else:
                stored = await keeper.stored(item)
                await insert_kept(
                    session.engine, table, stored, item, lambda rows, total: progress.rows(table, rows, total)
                )
            info = await wasm.run(loading.describe(table), session.engine)
            if await _same_types(session.engine, table, info["columns"], item.get("columns") or []):
                info = await wasm.run(loading.describe(table), session.engine)
        except errors.Cancelled:
            await session.engine.execute(*sql.drop_table(table))
            raise
        except Exception as failure:
            await session.engine.execute(*sql.drop_table(table))
            raise errors.OpenError(
                "“"
                + table
                + "” could not be read back from this device ("
                + str(failure)
                + "): open "
                + entry["name"]
                + " again."
            )
        finally:
            session._loading = False
            progress.done()
    logged = dict(entry)
    logged["table"] = table
    session.view = view.with_entry(session.view, logged)
    session.tables[table] = {"table": table, "rows": info["rows"], "columns": info["columns"]}
    session.files[table] = []
    session.blobs[table] = await keeper.file(item.get("source"))
    session.sheets[table] = item.get("sheets") or []
    keeper.restored.append(table)
    session._publish()
    await session.render()
    return {"table": table}


async def insert_kept(engine, table: str, stored, item: dict, on_group) -> None:
    """Make ``table`` from the kept Parquet file ``stored`` (a kept table without rows from its columns)."""
    if not item.get("rows"):
        await engine.execute(*sql.create_empty(table, item.get("columns") or []))
        return
    await engine.insert_parquet(table, stored, on_group)
    engine.prewarm_parquet()


async def _first_rows(session, item: dict, shown) -> None:
    """Draw the first rows of the kept ``item``'s table while the rest comes back, if nothing is shown yet."""
    from app.core import query, types

    table = item["table"]
    try:
        if session.view["active"] is None:  # nothing on screen yet
            columns = types.describe_columns(item.get("columns") or [])
            result = await session.engine.execute(*query.page(table, {}, columns, 0, 200))
            if session.view["active"] is None:
                session._draw_partial(table, columns, result["rows"], table + " — bringing back the rest…")
    except errors.LoupeError:
        pass
    finally:
        shown.set()


async def _same_types(engine, table: str, now: list, wanted: list) -> bool:
    """Give each column of ``table`` the type it was kept with, where the Parquet round trip changed it; True if any."""
    had = {c["name"]: c["type"] for c in wanted}
    changed = False
    for column in now:
        target = had.get(column["name"])
        if target and target != column["type"] and ";" not in target:
            try:
                await engine.execute(*sql.alter_type(table, column["name"], target))
                changed = True
            except errors.LoupeError:
                pass  # the values stay in the type they came back with
    return changed
