"""Workspaces (app/core/workspace.py) and restoring one (app/core/restore.py ``kept``) against native DuckDB.

The page keeps each table as it was read in a Parquet file and its view
state in a record; here a "device" is a folder of Parquet files written by
native DuckDB, and the restore reads them back, so the round trip is real.
"""

import json

import pytest

from app.core import errors, restore, view, workspace
from tests.unit.test_restore import Page, link


class Device:
    """Storage as the page has it: a record, and Parquet files in a folder."""

    def __init__(self, folder):
        self.folder = folder
        self.record = workspace.new_record("w1", "Workspace", "2026-12-04T10:00:00.000Z")

    def keep(self, page, table, complete=True):
        """Write ``table`` of ``page`` as it is now (the page does this right after reading it)."""
        entry = [e for e in page.here["log"] if e["op"] == "read" and e["table"] == table][-1]
        self.record, name = workspace.file_names(self.record, ".parquet")
        page.engine.execute("COPY " + '"' + table + '"' + " TO '" + str(self.folder / name) + "' (FORMAT parquet)")
        rows = page.rows('SELECT count(*) FROM "' + table + '"')[0][0]
        item = workspace.new_item(entry, name, table, rows, page.columns(table))
        item.update(bytes=(self.folder / name).stat().st_size, complete=complete)
        self.record = workspace.with_kept(self.record, item)
        return item

    def save(self, page):
        self.record = workspace.with_state(self.record, view.dumps(page.here), "2026-12-04T11:00:00.000Z")

    def present(self):
        return sorted(p.name for p in self.folder.iterdir())


class Restored(Page):
    """A page after a restart: it reads kept tables from the device, and counts what it opened from files."""

    def __init__(self, engine, device):
        super().__init__(engine)
        self.device = device
        self.from_files = []
        self.from_storage = []
        self.broken = set()  # kept files that fail to read back

    def drive(self, replay):
        steps = replay.round(self.here)
        outcome = None
        while True:
            try:
                action = steps.send(outcome)
            except StopIteration:
                return
            entry = action["entry"]
            kept = action.get("kept")
            if action["do"] == "open" and kept is not None:
                outcome = self.bring_back(entry, kept, action["options"])
            elif action["do"] == "open":
                self.from_files.append(entry["name"])
                outcome = {
                    "table": self.open(entry["kind"], entry["name"], entry.get("url"), action["options"].get("table"))
                }
            else:
                try:
                    self.do(entry)
                    outcome = {}
                except errors.LoupeError as failure:
                    outcome = {"failure": str(failure)}
            outcome["here"] = self.here

    def bring_back(self, entry, kept, options):
        if kept["file"] in self.broken:
            return {"failure": "“" + entry["table"] + "” could not be read back from this device."}
        table = options.get("table") or entry["table"]
        path = self.device.folder / kept["file"]
        self.engine.execute('CREATE TABLE "' + table + "\" AS SELECT * FROM read_parquet('" + str(path) + "')")
        self.from_storage.append(table)
        self.here = view.with_entry(self.here, dict(entry, table=table))
        return {"table": table}


def restarted(engines, device):
    record = workspace.checked(json.loads(json.dumps(device.record)))
    found = workspace.restorable(record, device.present())
    page = Restored(engines(), device)
    replay = restore.Replay(link(view.loads(record["state"])), restore.PERSON, found["kept"])
    page.drive(replay)
    return page, replay, found


@pytest.fixture
def device(tmp_path):
    return Device(tmp_path)


def two_kept(engines, device):
    """A person's page with a local file and an address opened, each kept as it was read."""
    page = Page(engines())
    page.open("file", "notes.csv")
    device.keep(page, "notes")
    page.open("url", "sales.csv", "https://example.org/sales.csv")
    device.keep(page, "sales")
    return page


def sender_with_work(engines, device):
    """Two tables kept, then a type set, steps, and a query kept as a table."""
    page = two_kept(engines, device)
    page.do({"op": "type", "table": "sales", "column": "id", "to": "VARCHAR"})
    page.do(
        {
            "op": "steps",
            "table": "notes",
            "steps": [{"kind": "derive", "name": "double", "expression": "amount * 2"}],
        }
    )
    page.run("SELECT kind, sum(amount) AS total FROM notes GROUP BY kind ORDER BY kind")
    device.save(page)
    return page


def test_a_workspace_comes_back_with_every_table_from_storage_and_none_from_its_files(engines, device):
    sender = sender_with_work(engines, device)
    page, replay, found = restarted(engines, device)
    assert found["problems"] == [] and replay.problems == [] and not replay.waiting()
    assert page.from_files == [] and sorted(page.from_storage) == ["notes", "sales"]
    for table in ("notes", "sales", "query_result"):
        query = 'SELECT * FROM "' + table + '" ORDER BY ALL'
        assert page.rows(query) == sender.rows(query), table
    assert page.types("sales") == sender.types("sales")
    assert [s["table"] for s in page.here["sources"]] == [s["table"] for s in sender.here["sources"]]


def test_a_table_written_only_in_part_is_named_with_what_to_do_and_waits_for_its_file(engines, device):
    page = Page(engines())
    page.open("file", "notes.csv")
    device.keep(page, "notes", complete=False)  # the tab was killed while it was written
    page.do({"op": "steps", "table": "notes", "steps": [{"kind": "derive", "name": "d", "expression": "amount + 1"}]})
    device.save(page)
    back, replay, found = restarted(engines, device)
    assert found["problems"] == [
        "“notes” was still being saved when the page closed: open “notes.csv” again to bring it back."
    ]
    assert [e["name"] for e in replay.awaited] == ["notes.csv"] and back.tables() == []
    waited = replay.awaited[0]
    table = back.open("file", "notes.csv")
    replay.arrived(waited, table)
    back.drive(replay)
    assert replay.problems == [] and back.rows("SELECT d FROM notes ORDER BY d") == [[2.25], [4.5]]


def test_a_kept_file_the_browser_removed_is_said_and_the_rest_comes_back(engines, device):
    sender_with_work(engines, device)
    gone = [k for k in device.record["kept"] if k["table"] == "sales"][0]
    (device.folder / gone["file"]).unlink()
    page, replay, found = restarted(engines, device)
    assert found["problems"] == ["“sales” is no longer in storage: open “sales.csv” again to bring it back."]
    assert page.from_storage == ["notes"] and page.from_files == ["sales.csv"]  # an address is fetched again
    assert page.rows("SELECT count(*) FROM query_result") == [[2]]


def test_storage_that_fails_while_reading_back_lets_a_local_file_wait_and_an_address_be_fetched(engines, device):
    sender_with_work(engines, device)
    record = workspace.checked(device.record)
    found = workspace.restorable(record, device.present())
    page = Restored(engines(), device)
    page.broken = {k["file"] for k in record["kept"]}
    replay = restore.Replay(link(view.loads(record["state"])), restore.PERSON, found["kept"])
    page.drive(replay)
    assert [e["name"] for e in replay.awaited] == ["notes.csv"]
    assert page.from_files == ["sales.csv"] and "sales" in page.tables()
    assert any("could not be read back" in p for p in replay.problems)


def test_what_to_keep_follows_the_log_renames_closes_and_reads_again(engines, device):
    page = Page(engines())
    page.open("file", "notes.csv")
    kept = device.keep(page, "notes")
    page.open("url", "sales.csv", "https://example.org/sales.csv")
    plan = workspace.keeping(device.record, page.here)
    assert [e["table"] for e in plan["write"]] == ["sales"] and plan["drop"] == []
    device.keep(page, "sales")
    page.do({"op": "rename", "table": "notes", "to": "fruit"})
    assert workspace.keeping(device.record, page.here) == {"write": [], "drop": []}  # a rename keeps its read
    page.here = view.reread(page.here, "sales", {"format": "csv", "delimiter": ";"})
    plan = workspace.keeping(device.record, page.here)
    assert [e["table"] for e in plan["write"]] == ["sales"] and [k["table"] for k in plan["drop"]] == ["sales"]
    page.here = view.remove_source(page.here, "fruit")
    assert [k["file"] for k in workspace.keeping(device.record, page.here)["drop"]] == [
        kept["file"],
        [k for k in device.record["kept"] if k["table"] == "sales"][0]["file"],
    ]


def test_a_crashs_leftover_files_are_found_and_sizes_add_up(device, engines):
    page = Page(engines())
    page.open("file", "notes.csv")
    item = device.keep(page, "notes")
    (device.folder / "t9.parquet").write_bytes(b"half")
    assert workspace.unused_files(device.record, device.present()) == ["t9.parquet"]
    assert workspace.size_of(device.record) == item["bytes"] > 0


def test_entry_text_is_the_same_for_the_same_entry_whatever_the_order_of_its_keys():
    one = {"op": "read", "table": "t", "kind": "file", "name": "a.csv", "read": {"format": "csv", "delimiter": ";"}}
    two = {"read": {"delimiter": ";", "format": "csv"}, "name": "a.csv", "kind": "file", "table": "t", "op": "read"}
    assert workspace.entry_text(one) == workspace.entry_text(two)
    assert workspace.entry_text(one) != workspace.entry_text(dict(one, name="b.csv"))


@pytest.mark.parametrize(
    "record, says",
    [
        (None, "damaged"),
        ("text", "damaged"),
        ({"loupe": "recipe"}, "damaged"),
        ({"loupe": "workspace", "version": 9, "id": "w", "name": "n"}, "newer version"),
        ({"loupe": "workspace", "version": "1", "id": "w", "name": "n"}, "newer version"),
        ({"loupe": "workspace", "version": 1, "name": "n"}, "damaged"),
        ({"loupe": "workspace", "version": 1, "id": "w", "name": 3}, "damaged"),
    ],
)
def test_a_damaged_record_is_refused_in_words(record, says):
    with pytest.raises(errors.StateError, match=says):
        workspace.checked(record)


def test_a_record_with_malformed_parts_keeps_what_can_be_read():
    record = workspace.checked(
        {
            "loupe": "workspace",
            "version": 1,
            "id": "w",
            "name": "n",
            "state": 7,
            "next": "x",
            "kept": [5, {"file": "t1.parquet"}, {"entry": "{}", "file": "t2.parquet", "table": "t", "name": "t.csv"}],
        }
    )
    assert record["state"] is None and record["next"] == 1 and [k["file"] for k in record["kept"]] == ["t2.parquet"]
    assert workspace.tables_of(record) == [] and workspace.tables_of(dict(record, state="not json")) == []


def test_the_list_shows_newest_first_with_counts_and_sizes(engines, device):
    page = sender_with_work(engines, device)
    other = workspace.new_record("w2", "Older", "2026-11-30T09:00:00.000Z")
    rows = workspace.listing([other, device.record], "w1")
    assert [r["name"] for r in rows] == ["Workspace", "Older"]
    assert rows[0]["tables"] == len(page.here["sources"]) == 3 and rows[0]["current"] and not rows[1]["current"]
    assert rows[1]["tables"] == 0 and rows[1]["size"] == "0 bytes"
    assert rows[0]["size"] == workspace.bytes_words(workspace.size_of(device.record)) != "0 bytes"


def test_names_are_fresh_checked_and_copies_say_so():
    records = [workspace.new_record("a", "Workspace", "t"), workspace.new_record("b", "Workspace 2", "t")]
    assert workspace.fresh_name(records) == "Workspace 3" and workspace.fresh_name([]) == "Workspace"
    assert workspace.copy_name(records, "Workspace") == "Workspace (copy)"
    assert workspace.checked_name("  Sales  ", records, "a") == "Sales"
    assert workspace.checked_name("Workspace", records, "a") == "Workspace"  # its own name
    for bad, says in (
        ("", "needs a name"),
        ("   ", "needs a name"),
        ("x" * 81, "too long"),
        ("Workspace 2", "Another"),
    ):
        with pytest.raises(errors.StateError, match=says):
            workspace.checked_name(bad, records, "a")


@pytest.mark.parametrize(
    "count, words",
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (999, "999 bytes"),
        (1000, "1.0 KB"),
        (41_500_000, "41.5 MB"),
        (2_000_000_000, "2.0 GB"),
        (123_456_789, "123 MB"),
    ],
)
def test_bytes_are_said_as_a_person_reads_them(count, words):
    assert workspace.bytes_words(count) == words


def test_storage_quota_persistence_and_refusals_are_said():
    assert workspace.storage_words(None, None, False).startswith("This browser does not say")
    line = workspace.storage_words(2_500_000, 10_000_000_000, True)
    assert line == "Loupe uses 2.5 MB of the 10.0 GB this browser allows it; kept until you delete it."
    assert "may clear it" in workspace.storage_words(1, 2, False)
    assert "full" in workspace.not_kept_message("t", "QuotaExceededError: the quota has been exceeded")
    assert "(SecurityError: no)" in workspace.not_kept_message("t", "SecurityError: no")
    assert "raise “Keep files up to”" in workspace.over_limit_message("big.csv", 2 << 30, workspace.DEFAULT_LIMIT)


def test_forget_everything_reports_what_it_erased():
    assert workspace.forget_report({}).startswith("Nothing of yours was stored")
    said = workspace.forget_report({"workspaces": 2, "files": 3, "bytes": 5_000_000, "settings": 1, "databases": 1})
    assert said.startswith(
        "Erased from this device: 2 workspaces, 3 kept files (5.0 MB), 1 saved setting (SQL history included) "
        "and 1 browser database."
    )


def test_a_workspace_record_survives_json_and_the_restore_reads_it(engines, device):
    sender_with_work(engines, device)
    text = json.dumps(device.record)
    again = workspace.checked(json.loads(text))
    assert again == device.record


def test_a_workspace_keeping_nothing_but_the_sample_is_empty(engines, device):
    assert workspace.is_empty(device.record)
    page = Page(engines())
    page.here = view.add_source(page.here, "seattle_weather", "sample", "seattle-weather.csv", "./s.csv")
    device.save(page)
    assert workspace.is_empty(device.record)
    page.open("file", "notes.csv")
    device.save(page)
    assert not workspace.is_empty(device.record)  # a table it did not keep still waits for its file
    assert not workspace.is_empty(dict(device.record, state="{damaged"))
    assert not workspace.is_empty(sender_with_work(engines, Device(device.folder)) and device.record)


def test_a_second_tab_is_told_where_its_work_is_kept():
    said = workspace.second_tab_message("Sales", "Workspace 2")
    assert said.startswith(
        "“Sales” is open in another tab, so this tab keeps its work in a new workspace, “Workspace 2”."
    )


@pytest.mark.parametrize(
    "text, limit", [("1", 1_000_000), (" 2048 ", 2_048_000_000), ("1000", workspace.DEFAULT_LIMIT)]
)
def test_the_size_limit_is_read_in_megabytes(text, limit):
    assert workspace.checked_limit(text) == limit


@pytest.mark.parametrize("text", ["", "0", "-5", "1.5", "lots", None])
def test_a_size_limit_that_is_not_a_whole_number_is_refused_in_words(text):
    with pytest.raises(errors.StateError, match="whole number of megabytes"):
        workspace.checked_limit(text)


def test_a_workspace_waiting_for_files_names_each_once_and_says_what_to_do():
    said = workspace.waiting_message(["book.xlsx", "book.xlsx", "big.csv"])
    assert said.startswith(
        "This workspace has tables that were not kept on this device: open “book.xlsx”, “big.csv” again"
    )
    assert "not saved" in said and workspace.waiting_message([]) == ""


def test_tables_read_ahead_are_the_kept_ones_whose_names_nothing_earlier_uses_the_shown_one_first(engines, device):
    page = two_kept(engines, device)
    page.here = view.activate(page.here, "sales")
    found = workspace.restorable(device.record, device.present())
    assert [i["table"] for i in workspace.read_ahead(page.here, found["kept"])] == ["sales", "notes"]
    page.run("CREATE TABLE copied AS SELECT * FROM notes")  # SQL after it: its close stays in the log
    page.do({"op": "close", "table": "notes"})
    page.open("file", "notes.csv")  # another "notes": an earlier entry names it, so it waits for its turn
    device.keep(page, "notes")
    found = workspace.restorable(device.record, device.present())
    assert [i["table"] for i in workspace.read_ahead(page.here, found["kept"])] == ["sales"]


def test_a_kept_table_without_rows_is_made_from_its_columns(engines):
    from app.core import sql

    engine = engines()
    engine.execute(
        *sql.create_empty("empty one", [{"name": "when", "type": "DATE"}, {"name": "n", "type": "DECIMAL(18,3)"}])
    )
    assert engine.execute('DESCRIBE "empty one"')["rows"][1][:2] == ["n", "DECIMAL(18,3)"]
