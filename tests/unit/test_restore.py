"""Restoring a shared view (app/core/restore.py): logs replayed in order against native DuckDB."""

import json

import pytest

from app.core import errors, loading, migrate, naming, restore, scripts, share, view

# What each address "reads" as, for these tests: SQL making the table (the loader is not under test here).
PEOPLE = "https://example.org/people.json"
SALES = "https://example.org/sales.csv"
ADDRESSES = {
    PEOPLE: "CREATE TABLE {t} AS SELECT * FROM (VALUES (1, '7', {{'name': 'ada', 'age': '36'}}),"
    " (2, '8', {{'name': 'bo', 'age': 'x'}})) v(id, code, who)",
    SALES: "CREATE TABLE {t} AS SELECT * FROM (VALUES (1, 'north', 10.0), (2, 'south', 5.5)) v(id, region, amount)",
    "notes.csv": "CREATE TABLE {t} AS SELECT * FROM (VALUES ('apple', 3.5), ('pear', 1.25)) v(kind, amount)",
}


class Page:
    """A recipient's page: an engine and its view state, doing what restore.Replay asks."""

    def __init__(self, engine, here=None):
        self.engine = engine
        self.here = here or view.new_view()

    def open(self, kind, name, url=None, table=None):
        table = table or naming.table_name_for(
            naming.table_name_for(name, []), [s["table"] for s in self.here["sources"]]
        )
        self.engine.execute(ADDRESSES[url or name].format(t='"' + table + '"'))
        self.here = view.add_source(self.here, table, kind, name, url)
        return table

    def do(self, entry):
        """Do one entry as the page does (restore.steps_for), and log it as it ran."""
        table = entry.get("table")
        columns = self.columns(table) if table in self.tables() else []
        done = loading.run(restore.steps_for(entry, columns), self.engine.execute)
        self.here = view.with_entry(self.here, done["entry"])
        return done

    def run(self, text):
        """Run SQL as the editor does."""
        pieces, _ = scripts.pieces_for(text, 0, 0, True)
        outcome = loading.run(scripts.run_script(pieces), self.engine.execute)
        self.here = scripts.view_after(self.here, outcome, self.here["active"])
        return outcome

    def drive(self, replay):
        steps = replay.round(self.here)
        outcome = None
        while True:
            try:
                action = steps.send(outcome)
            except StopIteration:
                return
            entry = action["entry"]
            if action["do"] == "open":
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

    def tables(self):
        return loading.run(scripts.table_names(), self.engine.execute)

    def columns(self, table):
        return loading.run(loading.describe(table), self.engine.execute)["columns"]

    def types(self, table):
        return {c["name"]: c["type"] for c in self.columns(table)}

    def rows(self, sql):
        return self.engine.execute(sql)["rows"]


def link(state):
    """The state as a recipient gets it: through its JSON and share.checked."""
    return share.checked(json.dumps(state))


def restored(engines, state, trust=restore.PERSON, here=None):
    page = Page(engines(), here)
    replay = restore.Replay(link(state), trust)
    page.drive(replay)
    return page, replay


def test_a_type_set_after_flattening_survives_the_restore(engines):
    sender = Page(engines())
    sender.open("url", "people.json", PEOPLE)
    sender.do({"op": "flatten", "table": "people"})
    sender.do({"op": "type", "table": "people", "column": "who.age", "to": "BIGINT"})
    assert [e["op"] for e in sender.here["log"]] == ["read", "flatten", "type"]
    assert sender.here["log"][1]["made"] == ["who.name", "who.age"]

    page, replay = restored(engines, sender.here)
    assert replay.problems == [] and not replay.waiting()
    assert page.types("people") == {"id": "INTEGER", "code": "VARCHAR", "who.name": "VARCHAR", "who.age": "BIGINT"}
    assert page.rows('SELECT "who.age" FROM people ORDER BY id') == [[36], [None]]
    assert [e["op"] for e in page.here["log"]] == ["read", "flatten", "type"]


def test_a_version_1_link_with_a_flattened_column_retyped_opens_and_replays_in_the_right_order(engines):
    state = {
        "version": 1,
        "sources": [{"table": "people", "kind": "url", "name": "people.json", "url": PEOPLE}],
        "active": "people",
        "tables": {
            "people": {
                "sort": [["id", "desc"]],
                "offset": 0,
                "types": {"who.age": "BIGINT", "code": "DOUBLE"},
                "steps": [{"flatten": ["who.name", "who.age"]}],
            }
        },
    }
    page, replay = restored(engines, state)
    assert replay.problems == []
    assert page.types("people") == {"id": "INTEGER", "code": "DOUBLE", "who.name": "VARCHAR", "who.age": "BIGINT"}
    assert [e["op"] for e in replay.state["log"]] == ["read", "type", "flatten", "type"]
    target, problems = restore.shown(page.here, replay.state, replay.opened, {"people": page.columns("people")})
    assert problems == [] and view.table_state(target, "people")["sort"] == [["id", "desc"]]


def test_a_script_that_made_two_tables_is_replayed_statement_by_statement(engines):
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    sender.run(
        "CREATE TABLE north AS FROM sales WHERE region = 'north';\nCREATE TABLE big AS FROM sales WHERE amount > 6;\nSELECT * FROM north JOIN big USING (id)"
    )
    assert [s["table"] for s in sender.here["sources"]] == ["sales", "north", "big", "query_result"]

    page, replay = restored(engines, sender.here)
    assert replay.problems == []
    assert page.tables() == ["big", "north", "query_result", "sales"]
    assert page.rows("FROM query_result") == sender.rows("FROM query_result")
    assert [s["table"] for s in page.here["sources"]] == ["sales", "north", "big", "query_result"]


def test_a_statement_that_failed_is_not_replayed(engines):
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    sender.run("CREATE TABLE kept AS FROM sales;\nCREATE TABLE oops AS FROM nowhere;\nCREATE TABLE never AS SELECT 1")
    assert [e["op"] for e in sender.here["log"]] == ["read", "sql"]

    page, replay = restored(engines, sender.here)
    assert replay.problems == [] and page.tables() == ["kept", "sales"]


def test_a_version_1_script_that_made_two_tables_now_replays(engines):
    script = "CREATE TABLE a AS SELECT 1 AS x; CREATE TABLE b AS SELECT x + 1 AS y FROM a; SELECT * FROM b"
    state = {
        "version": 1,
        "sources": [
            {"table": "a", "kind": "query", "name": "a", "read": {"sql": script}},
            {"table": "b", "kind": "query", "name": "b", "read": {"sql": script}},
            {"table": "query_result", "kind": "query", "name": "query_result", "read": {"sql": "SELECT * FROM b"}},
        ],
        "active": "query_result",
        "tables": {
            "a": {"sort": [], "offset": 0},
            "b": {"sort": [], "offset": 0},
            "query_result": {"sort": [], "offset": 0},
        },
    }
    page, replay = restored(engines, state)
    assert replay.problems == []
    assert page.rows("FROM query_result") == [[2]]
    assert [s["table"] for s in page.here["sources"]] == ["a", "b", "query_result"]


def test_sql_over_a_local_file_waits_for_it_then_runs(engines):
    sender = Page(engines())
    sender.open("file", "notes.csv")
    sender.run("SELECT kind, sum(amount) AS total FROM notes GROUP BY kind ORDER BY kind")
    page = Page(engines())
    replay = restore.Replay(link(sender.here), restore.LINK)
    page.drive(replay)
    assert page.tables() == [] and [e["name"] for e in replay.awaited] == ["notes.csv"] and replay.waiting()
    waited = share.matching(replay.awaited, "NOTES.CSV")
    table = page.open("file", "notes.csv")
    replay.arrived(waited, table)
    page.drive(replay)
    assert replay.problems == [] and not replay.waiting()
    assert page.rows("FROM query_result") == [["apple", 3.5], ["pear", 1.25]]


def test_a_links_sql_that_does_more_than_read_waits_for_the_persons_agreement(engines):
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    sender.run("CREATE TABLE north AS FROM sales WHERE region = 'north'; SELECT count(*) FROM north")
    page = Page(engines())
    replay = restore.Replay(link(sender.here), restore.LINK)
    page.drive(replay)
    assert page.tables() == ["sales"]  # the rest is shown first; the query waits behind the statement
    assert replay.held_statements() == ["CREATE TABLE north AS FROM sales WHERE region = 'north'"]
    replay.agreed(True)
    page.drive(replay)
    assert page.tables() == ["north", "query_result", "sales"] and replay.problems == []

    declined = restore.Replay(link(sender.here), restore.LINK)
    other = Page(engines())
    other.drive(declined)
    declined.agreed(False)
    other.drive(declined)
    assert other.tables() == ["sales"]
    assert "The table 'north' was not made: you chose not to run its SQL." in declined.problems
    assert any("query_result" in p and "could not be made again" in p for p in declined.problems)


def test_the_page_around_a_frame_gets_reading_sql_only(engines):
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    sender.run("CREATE TABLE north AS FROM sales WHERE region = 'north'")
    sender.run("SELECT 1 AS one")
    page, replay = restored(engines, sender.here, restore.FROM_PAGE)
    assert page.tables() == ["query_result", "sales"]
    assert replay.problems[0].startswith("The table 'north' was not made: ")


def test_a_link_never_replaces_or_closes_a_table_the_person_has_open(engines):
    here = Page(engines())
    here.open("url", "sales.csv", SALES)
    here.run("SELECT 'mine' AS whose")
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    sender.run("SELECT region FROM sales")
    sender.here = view.remove_source(sender.here, "sales")  # closed after SQL used it: a close entry
    assert sender.here["log"][-1] == {"op": "close", "table": "sales"}
    replay = restore.Replay(link(sender.here), restore.LINK)
    here.drive(replay)
    assert replay.problems == []
    assert here.rows("FROM query_result") == [["mine"]]
    assert here.rows("FROM query_result_2 ORDER BY region") == [["north"], ["south"]]
    assert "sales" in here.tables()  # the person's own, found open already: not closed
    assert replay.state["active"] == "query_result_2"


def test_a_table_state_that_no_longer_fits_is_left_out_and_said(engines):
    sender = Page(engines())
    sender.open("url", "sales.csv", SALES)
    state = view.with_filter(sender.here, "no_such_column", "in", ["x"])
    page, replay = restored(engines, state)
    target, problems = restore.shown(page.here, replay.state, replay.opened, {"sales": page.columns("sales")})
    assert "does not fit the table as it is now" in problems[0]
    assert view.table_state(target, "sales")["filters"] == []


def test_an_entry_whose_table_did_not_open_is_skipped(engines):
    state = view.add_source(view.new_view(), "gone", "url", "gone.csv", "https://example.org/gone.csv")
    state = view.with_type(state, "gone", "x", "BIGINT")

    class Failing(Page):
        def drive(self, replay):
            steps = replay.round(self.here)
            action = steps.send(None)
            assert action["do"] == "open"
            with pytest.raises(StopIteration):
                steps.send({"failure": "The address could not be read."})

    page = Failing(engines())
    replay = restore.Replay(link(state))
    page.drive(replay)
    assert replay.problems == ["The address could not be read."]


def test_a_future_version_is_refused_with_words():
    with pytest.raises(errors.StateError, match="newer than this one"):
        migrate.to_current({"version": migrate.CURRENT + 1, "log": [], "tables": {}})


def test_a_view_of_this_page_applied_again_finds_its_local_file_open(engines):
    page = Page(engines())
    page.open("file", "notes.csv")
    replay = restore.Replay(link(page.here), restore.PERSON)
    page.drive(replay)
    assert not replay.waiting() and replay.opened == ["notes"] and replay.problems == []
