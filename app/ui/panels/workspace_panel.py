"""The Workspace drawer in the footer: what is kept on this device, the workspaces, Forget everything.

It lists the workspaces (name, tables, size, last opened) with Open, Rename,
Duplicate and Delete; New workspace; the storage used against the browser's
quota and a request to keep it; and Forget everything, which erases every
byte Loupe stored here (app/ui/shell/keeping.py does the storing; the words
are app/core/workspace.py's).

Opening another workspace reloads the page into it: one workspace per tab.
"""

import json

from pyscript import window

from app.core import errors, workspace
from app.ui.shell import consent, feedback, keeping
from app.ui.shell.dom import by_id, clear, el, on, show


def wire(session) -> None:
    drawer = by_id("workspace")
    on(drawer, "toggle", lambda event: session.spawn(refresh(session)) if drawer.open else None)
    on(by_id("workspace-new"), "click", lambda event: session.spawn(new_workspace(session)))
    on(by_id("workspace-forget"), "click", lambda event: session.spawn(ask_forget(session)))
    on(by_id("workspace-persist"), "click", lambda event: session.spawn(_persist(session)))
    on(by_id("workspace-limit"), "change", lambda event: session.spawn(_set_limit(session, str(event.target.value))))
    summarize(session)


def summarize(session) -> None:
    """The drawer's one line: the workspace's name and whether it is being kept."""
    keeper = session.keeper
    if keeper is None or keeper.record is None:
        by_id("workspace-name").textContent = "nothing kept"
    elif not keeper.on:
        by_id("workspace-name").textContent = keeper.record["name"] + " (not kept)"
    else:
        by_id("workspace-name").textContent = keeper.record["name"]


async def refresh(session) -> None:
    """Draw the drawer from storage as it is now."""
    keeper = session.keeper
    summarize(session)
    status = by_id("workspace-status")
    if keeper is None or keeper.record is None:
        status.textContent = keeper.why if keeper is not None and keeper.why else workspace.REFUSED_MESSAGE
        show(by_id("workspace-list"), False)
        return
    if keeper.on:
        await keeper.save()
        status.textContent = (
            "Everything you open and do here is kept on this device as you work, and comes back after a reload "
            "or a restart. Nothing is sent anywhere."
        )
    else:
        status.textContent = keeper.why
    estimate = json.loads(str(await window.loupeKeep.estimate()))
    by_id("workspace-storage").textContent = workspace.storage_words(
        estimate.get("usage"), estimate.get("quota"), estimate.get("persisted")
    )
    show(by_id("workspace-persist"), not estimate.get("persisted"))
    by_id("workspace-limit").value = str(keeper.limit // workspace.MB)
    records = await keeper.reload_records()
    rows = by_id("workspace-rows")
    clear(rows)
    for row in workspace.listing(records, keeper.record["id"]):
        rows.append(_row(session, row))
    show(by_id("workspace-list"), True)


async def new_workspace(session) -> None:
    """Start a new, empty workspace in this tab (the current one stays kept)."""
    keeper = session.keeper
    if keeper is None or keeper.record is None:
        feedback.error(keeper.why if keeper is not None else workspace.REFUSED_MESSAGE)
        return
    await keeper.save()
    record = await keeper.fresh_record(await keeper.reload_records())
    _switch(record["id"])


async def open_workspace(session, workspace_id: str) -> None:
    """Show the workspace ``workspace_id`` in this tab (the page reloads into it)."""
    await session.keeper.save()
    _switch(workspace_id)


async def rename(session, workspace_id: str, name: str) -> None:
    keeper = session.keeper
    records = await keeper.reload_records()
    try:
        text = workspace.checked_name(name, records, workspace_id)
    except errors.StateError as failure:
        by_id("workspace-said").textContent = str(failure)
        return
    if keeper.record is not None and keeper.record["id"] == workspace_id:
        record = keeper.record
    else:
        record = dict(_find(records, workspace_id))
    record["name"] = text
    await window.loupeKeep.put(json.dumps(record))
    by_id("workspace-said").textContent = "Renamed to “" + text + "”."
    await refresh(session)


async def duplicate(session, workspace_id: str) -> None:
    keeper = session.keeper
    if keeper.record is not None and keeper.record["id"] == workspace_id:
        await keeper.save()
    records = await keeper.reload_records()
    source = _find(records, workspace_id)
    copy = dict(source)
    copy["id"] = keeping.new_id()
    copy["name"] = workspace.copy_name(records, source["name"])
    copy["created"] = copy["opened"] = keeping.now()
    try:
        await window.loupeKeep.copyFolder(workspace_id, copy["id"])
    except Exception as failure:
        await window.loupeKeep.dropFolder(copy["id"])
        by_id("workspace-said").textContent = "The workspace could not be copied: " + str(failure)
        return
    await window.loupeKeep.put(json.dumps(copy))
    by_id("workspace-said").textContent = "Copied as “" + copy["name"] + "”."
    await refresh(session)


async def delete(session, workspace_id: str) -> None:
    keeper = session.keeper
    records = await keeper.reload_records()
    record = _find(records, workspace_id)
    current = keeper.record is not None and keeper.record["id"] == workspace_id
    sure = await consent.ask(
        "Delete the workspace “" + record["name"] + "”?",
        "Its tables and steps are erased from this device. Your original files are not touched."
        + (" This tab then starts a new workspace." if current else ""),
        "",
        "Delete it",
        "Keep it",
    )
    if not sure:
        return
    if current:
        keeper.on = False
    await window.loupeKeep.dropFolder(workspace_id)
    await window.loupeKeep.remove(workspace_id)
    if current:
        fresh = await keeper.fresh_record([r for r in records if r["id"] != workspace_id])
        _switch(fresh["id"])
        return
    by_id("workspace-said").textContent = "Deleted “" + record["name"] + "”."
    await refresh(session)


async def ask_forget(session) -> None:
    sure = await consent.ask(
        "Forget everything Loupe kept on this device?",
        "Every workspace, table, step and setting Loupe stored in this browser is erased: its private files, "
        "its databases, its saved settings and SQL history, and any cached data. Your original files are "
        "not touched. The tables open in this tab stay until it closes.",
        "",
        "Erase everything",
        "Keep it",
    )
    if not sure:
        return
    answer = await forget(session)
    by_id("workspace-said").textContent = answer["message"]
    feedback.notice(answer["message"])
    summarize(session)
    await refresh(session)


async def forget(session) -> dict:
    """Erase everything Loupe stored on this device (``loupe.forget()``): ``{erased, message}``."""
    if session.keeper is None:
        return {"erased": {}, "message": workspace.forget_report({})}
    answer = await session.keeper.forget()
    summarize(session)
    return answer


def report(session) -> dict:
    """``loupe.workspace()``: this tab's workspace and what it keeps."""
    keeper = session.keeper
    if keeper is None or keeper.record is None:
        return {"id": None, "name": None, "kept": False, "why": keeper.why if keeper else "", "tables": []}
    tables = [
        {
            "table": item["table"],
            "name": item["name"],
            "rows": item.get("rows"),
            "bytes": item.get("bytes") or 0,
            "source": bool(item.get("source")),
            "complete": bool(item.get("complete")),
        }
        for item in keeper.record["kept"]
    ]
    return {
        "id": keeper.record["id"],
        "name": keeper.record["name"],
        "kept": keeper.on,
        "why": keeper.why,
        "restored": list(keeper.restored),
        "tables": tables,
    }


async def listed(session) -> list:
    """``loupe.workspaces()``: every workspace kept on this device, most recently opened first."""
    keeper = session.keeper
    if keeper is None or keeper.record is None:
        return []
    return workspace.listing(await keeper.reload_records(), keeper.record["id"])


# --- helpers ---------------------------------------------------------------------------


def _row(session, row: dict):
    line = el("tr")
    name = el("th", row["name"], None, {"scope": "row"})
    if row["current"]:
        name.append(el("span", " · this tab", "meta"))
    line.append(name)
    line.append(el("td", str(row["tables"]), "num"))
    line.append(el("td", row["size"], "num"))
    line.append(el("td", str(window.Date.new(row["opened"]).toLocaleString()) if row["opened"] else "—"))
    actions = el("td", None, "workspace-row-actions")
    workspace_id = row["id"]
    if not row["current"]:
        actions.append(
            _button("Open", "Open " + row["name"], lambda e: session.spawn(open_workspace(session, workspace_id)))
        )
    actions.append(_button("Rename", "Rename " + row["name"], lambda e: _renaming(session, line, row)))
    actions.append(
        _button("Duplicate", "Duplicate " + row["name"], lambda e: session.spawn(duplicate(session, workspace_id)))
    )
    actions.append(_button("Delete", "Delete " + row["name"], lambda e: session.spawn(delete(session, workspace_id))))
    line.append(actions)
    return line


def _renaming(session, line, row: dict) -> None:
    """Turn the row's name into a field with Save."""
    cell = line.firstChild
    clear(cell)
    field = el("input", None, "workspace-name-field", {"type": "text", "aria-label": "New name for " + row["name"]})
    field.value = row["name"]
    save = _button("Save", "Save the new name", lambda e: session.spawn(rename(session, row["id"], str(field.value))))
    on(
        field,
        "keydown",
        lambda e: session.spawn(rename(session, row["id"], str(field.value))) if e.key == "Enter" else None,
    )
    cell.append(field)
    cell.append(save)
    field.focus()
    field.select()


def _button(text: str, label: str, handler):
    button = el("button", text, "button small", {"type": "button", "aria-label": label})
    on(button, "click", handler)
    return button


def _find(records: list, workspace_id: str) -> dict:
    found = workspace.find(records, workspace_id)
    if found is not None:
        return found
    raise errors.StateError("That workspace is no longer on this device; it may have been deleted in another tab.")


def _switch(workspace_id: str) -> None:
    window.loupeKeep.setTabWorkspace(workspace_id)
    window.location.href = str(window.location.pathname)


async def _set_limit(session, text: str) -> None:
    """The size above which a file is not copied into storage (``Keep files up to … MB``)."""
    try:
        limit = workspace.checked_limit(text)
    except errors.StateError as failure:
        by_id("workspace-said").textContent = str(failure)
        return
    session.keeper.limit = limit
    await window.loupeKeep.setMeta("limit", json.dumps(limit))
    by_id("workspace-said").textContent = "Files up to " + workspace.bytes_words(limit) + " are kept from now on."


async def _persist(session) -> None:
    granted = bool(await window.loupeKeep.persist())
    by_id("workspace-said").textContent = (
        "The browser will keep Loupe's storage until you delete it."
        if granted
        else "The browser did not promise to keep Loupe's storage; it may clear it when space runs short."
    )
    await refresh(session)
