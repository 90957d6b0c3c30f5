"""Workspaces (README: Workspaces): work survives closing the browser, online and offline, read from storage.

Each "restart" closes a persistent Chromium profile and launches a new one
on the same folder, as a person closing and opening the browser. What comes
back is read from the browser's storage: no load of a file, no request.
"""

import json
import time

import pytest
import samples
from conftest import CHROMIUM, CHROMIUM_ARGS, _requests
from helpers import BOOT_TIMEOUT_MS, axe_violations, counter, open_app
from playwright.sync_api import Error as PlaywrightError
from test_offline import WAIT_FOR_CONTROL
from test_view_log import run_in_editor

SALES = "region,amount,day\n" + "\n".join(
    f"{'north south east west'.split()[i % 4]},{i * 1.5},2024-01-{i % 28 + 1:02d}" for i in range(2000)
)


# Every message the page shows, in order (one box shows one at a time).
SAID = """window.said = [];
new MutationObserver(() => {
    const text = document.getElementById('error-text')?.textContent;
    if (text && window.said.at(-1) !== text) window.said.push(text);
}).observe(document, {subtree: true, childList: true, characterData: true});"""


def said(page) -> str:
    return " | ".join(page.evaluate("window.said"))


class Profile:
    """A browser profile on disk; ``start()`` launches Chromium on it (a restart), ``stop()`` closes it."""

    def __init__(self, browser, folder):
        self.browser_type = browser.browser_type
        self.folder = folder
        self.context = None
        self.errors = []

    def start(self, url, offline=False, init_script=None):
        self.context = self.browser_type.launch_persistent_context(
            str(self.folder), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 800}
        )
        self.context.set_default_timeout(BOOT_TIMEOUT_MS)
        self.context.on("request", lambda request: _requests["urls"].append(request.url))  # the privacy check
        if offline:
            self.context.set_offline(True)
        self.context.add_init_script(SAID)
        if init_script:
            self.context.add_init_script(init_script)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.requests = []
        page.on("request", lambda request: self.requests.append(request.url))
        return open_app(page, url)

    def new_page(self, url):
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return open_app(page, url)

    def stop(self):
        self.context.close()
        self.context = None


@pytest.fixture
def profile(browser, tmp_path):
    made = Profile(browser, tmp_path / "profile")
    yield made
    if made.context is not None:
        made.context.close()
    assert not made.errors, f"uncaught errors in the page: {made.errors}"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return samples.build(tmp_path_factory.mktemp("samples"))


def booted(page):
    """Wait for Loupe to be up on the page's (new) document."""
    for attempt in range(3):
        try:
            page.wait_for_load_state("load")
            page.wait_for_function("window.loupe !== undefined")
            page.evaluate("loupe.ready")
            page.wait_for_selector("#grid tbody tr[data-row]")
            return
        except PlaywrightError:  # the document was still being replaced
            if attempt == 2:
                raise


def settled(page):
    page.wait_for_function("Number(document.body.dataset.views || 0) > 0")
    page.wait_for_function("Number(document.body.dataset.settled || 0) >= Number(document.body.dataset.views || 0)")


def all_kept(page, count):
    """Wait until ``count`` tables and their files are written to storage, the view saved; the workspace's report."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        report = page.evaluate("loupe.saveWorkspace()")
        if len(report["tables"]) >= count and all(t["complete"] and t["source"] for t in report["tables"]):
            return report
        time.sleep(0.2)
    raise AssertionError(f"not every table was kept: {report}")


def close_tab(page, table):
    page.locator(f".tab-close[aria-label='Close {table}']").click()
    page.wait_for_function(f"!loupe.tables().some(t => t.table === {json.dumps(table)})")


def restored(page, tables):
    page.wait_for_function(
        "(names) => names.every(n => loupe.tables().some(t => t.table === n))", arg=tables, timeout=60_000
    )
    page.wait_for_function("!document.getElementById('loading') || document.getElementById('loading').hidden")
    settled(page)


def snapshot(page):
    """What a person would check came back: every table's rows, the steps, the view of each table."""
    tables = {t["table"]: (t["rows"], [c["name"] for c in t["columns"]]) for t in page.evaluate("loupe.tables()")}
    state = page.evaluate("loupe.view()")
    defaults = {
        "widths": {},
        "hidden": [],
        "group": None,
        "chart": None,
        "sort": [],
        "filters": [],
        "search": "",
        "order": [],
    }
    views = {name: {**defaults, **{k: v for k, v in s.items() if k != "offset"}} for name, s in state["tables"].items()}
    sums = page.evaluate("loupe.query('SELECT sum(amount), count(*) FROM sales')")["rows"]
    return tables, views, state["active"], sums


def test_work_comes_back_after_a_restart_from_storage_online_and_offline(profile, base_url, files):
    page = profile.start(base_url)
    page.evaluate(WAIT_FOR_CONTROL)  # the app itself is cached for offline use
    close_tab(page, "seattle_weather")  # the sample leaves the log: then nothing at all is read from a file
    page.evaluate(f"loupe.open({{name: 'sales.csv', text: {json.dumps(SALES)}}})")
    page.set_input_files("#file-input", str(files["weather.parquet"]))
    page.wait_for_function("loupe.tables().some(t => t.table === 'weather')")
    page.evaluate("loupe.pythonReady")
    page.set_input_files("#file-input", str(files["weather.xlsx"]))
    page.wait_for_function(
        "loupe.tables().some(t => t.table.startsWith('weather_2') || t.table === 'Sheet1')", timeout=90_000
    )
    run_in_editor(page, "CREATE TABLE totals AS SELECT region, sum(amount) AS total FROM sales GROUP BY region")
    page.wait_for_function("loupe.tables().some(t => t.table === 'totals')")
    page.evaluate("loupe.addStep({kind: 'derive', name: 'double', expression: 'amount * 2'}, 'sales')")
    page.evaluate("""loupe.setTableState('sales', {filters: [{column: 'region', op: 'in', value: ['north']}],
        sort: [['amount', 'desc']], chart: {kind: 'bar', x: 'region', y: 'amount', aggregate: 'sum'}})""")
    page.locator("#chart-panel").wait_for(state="visible")
    report = all_kept(page, 4)
    assert sorted(t["name"] for t in report["tables"]) == [
        "sales.csv",
        "weather.parquet",
        "weather.xlsx",
        "weather.xlsx",
    ]
    assert all(t["source"] for t in report["tables"])  # the files themselves are kept too (Read as…)
    settled(page)
    before = snapshot(page)
    assert before[0]["sales"][1][-1] == "double" and before[1]["sales"]["chart"]["kind"] == "bar"
    profile.stop()

    for offline in (False, True):
        page = profile.start(base_url, offline=offline)
        restored(page, list(before[0]))
        assert counter(page, "loads") == 0  # no file or address was read: all of it came from storage
        assert sorted(page.evaluate("loupe.workspace()")["restored"]) == sorted(t for t in before[0] if t != "totals")
        after = snapshot(page)
        assert after[0] == before[0] and after[2:] == before[2:]
        assert sorted(after[1]) == sorted(before[1])
        for table, shown in before[1].items():
            assert after[1][table] == shown, table
        assert page.locator("#chart-panel").is_visible()
        page.wait_for_function("document.getElementById('view-count').textContent.startsWith('Showing 500 of 2,000')")
        assert page.evaluate("loupe.steps('sales')")["steps"][0]["state"] == "done"
        assert [r for r in profile.requests if r.startswith("http") and not r.startswith(base_url)] == []
        if offline:
            assert page.locator("#offline-status").inner_text() == "Works offline."
        profile.stop()


def test_read_as_after_a_restart_reads_the_kept_file_and_keeps_the_new_reading(profile, base_url):
    page = profile.start(base_url)
    page.evaluate("loupe.open({name: 'colon.csv', text: 'a;b\\n1;x\\n2;y\\n'})")
    all_kept(page, 1)
    profile.stop()
    page = profile.start(base_url)
    restored(page, ["colon"])
    assert [c["name"] for c in page.evaluate("loupe.tables()")[-1]["columns"]] == ["a", "b"]
    loads = counter(page, "loads")  # the sample's
    page.locator("#read-as summary").click()
    page.locator("#read-delimiter").select_option(",")
    page.locator("#read-as-form button").click()
    page.wait_for_function("document.getElementById('source-summary').textContent.includes('comma-separated')")
    assert [c["name"] for c in page.evaluate("loupe.tables()")[-1]["columns"]] == ["a;b"]
    all_kept(page, 1)
    assert counter(page, "loads") == loads + 1  # Read as… read the kept copy of the file; nothing was asked for
    profile.stop()
    page = profile.start(base_url)
    restored(page, ["colon"])
    assert [c["name"] for c in page.evaluate("loupe.tables()")[-1]["columns"]] == ["a;b"]  # the new reading came back
    assert "comma-separated" in page.locator("#source-summary").inner_text()


def test_a_table_still_being_written_when_the_browser_closed_is_named_and_the_rest_opens(profile, base_url):
    page = profile.start(base_url)
    page.evaluate("loupe.open({name: 'small.csv', text: 'k,v\\n1,2\\n'})")
    all_kept(page, 1)
    rows = "\n".join(f"{i},{i % 97},name {i}" for i in range(600_000))
    page.evaluate("(text) => loupe.open({name: 'big.csv', text})", "id,group,label\n" + rows)
    report = page.evaluate("loupe.workspace()")
    assert [t["complete"] for t in report["tables"] if t["name"] == "big.csv"] == [False]  # still being written
    profile.stop()  # the browser closes mid-write

    page = profile.start(base_url)
    restored(page, ["small"])
    page.wait_for_selector("#error:not([hidden])")
    assert (
        "“big” was still being saved when the page closed: open “big.csv” again"
        in page.locator("#error-text").inner_text()
    )
    assert page.locator("#waiting").is_visible() and "big.csv" in page.locator("#waiting-text").inner_text()
    assert page.evaluate("loupe.query('SELECT v FROM small')")["rows"] == [[2]]


def test_a_second_tab_keeps_its_work_in_a_workspace_of_its_own(profile, base_url):
    first = profile.start(base_url)
    first.evaluate("loupe.open({name: 'mine.csv', text: 'a\\n1\\n'})")
    all_kept(first, 1)
    second = profile.new_page(base_url)
    settled(second)
    mine = first.evaluate("loupe.workspace()")
    theirs = second.evaluate("loupe.workspace()")
    assert theirs["id"] != mine["id"] and theirs["kept"] and mine["kept"]
    assert [t["table"] for t in second.evaluate("loupe.tables()")] == ["seattle_weather"]
    assert "“Workspace” is open in another tab, so this tab keeps its work in a new workspace, “Workspace 2”" in said(
        second
    )
    second.evaluate("loupe.open({name: 'theirs.csv', text: 'b\\n2\\n'})")
    all_kept(second, 1)
    first.evaluate("loupe.open({name: 'more.csv', text: 'c\\n3\\n'})")
    all_kept(first, 2)
    names = sorted(w["name"] for w in first.evaluate("loupe.workspaces()"))
    assert names == ["Workspace", "Workspace 2"]
    profile.stop()
    page = profile.start(base_url)
    restored(page, ["mine", "more"])
    assert "theirs" not in [t["table"] for t in page.evaluate("loupe.tables()")]


FULL = """(() => {
    const write = FileSystemWritableFileStream.prototype.write;
    FileSystemWritableFileStream.prototype.write = function (data) {
        if (data instanceof Blob && data.size > 100) {
            return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
        }
        return write.call(this, data);
    };
})();"""

REFUSED = """navigator.storage.getDirectory = () => Promise.reject(new DOMException('Storage is refused here.', 'SecurityError'));"""


def test_a_full_storage_keeps_the_table_open_and_says_it_is_not_kept(profile, base_url):
    page = profile.start(base_url, init_script=FULL)
    page.evaluate(f"loupe.open({{name: 'sales.csv', text: {json.dumps(SALES)}}})")
    page.wait_for_function("document.body.textContent.includes('storage for Loupe is full')")
    assert page.evaluate("loupe.query('SELECT count(*) FROM sales')")["rows"] == [[2000]]
    report = page.evaluate("loupe.saveWorkspace()")
    assert report["kept"] and report["tables"] == []
    page.evaluate("loupe.open({name: 'next.csv', text: 'a\\n1\\n'})")  # the app keeps working
    assert [t["table"] for t in page.evaluate("loupe.tables()")][-1] == "next"


def test_storage_refused_works_in_memory_and_says_so(profile, base_url):
    page = profile.start(base_url, init_script=REFUSED)
    page.wait_for_function("document.body.textContent.includes('does not let Loupe keep anything')")
    page.evaluate("loupe.open({name: 'a.csv', text: 'x\\n1\\n'})")
    report = page.evaluate("loupe.workspace()")
    assert not report["kept"] and "does not let Loupe keep anything" in report["why"]
    page.locator("#workspace-summary").click()
    assert "does not let Loupe keep anything" in page.locator("#workspace-status").inner_text()


STORAGE_AREAS = """async (marker) => {
    const files = [];
    const walk = async (dir, path) => {
        for await (const [name, handle] of dir.entries()) {
            files.push(path + name);
            if (handle.kind === 'directory') await walk(handle, path + name + '/');
        }
    };
    await walk(await navigator.storage.getDirectory(), '/');
    // Every record of every IndexedDB database the page can open, searched for the person's data.
    const text = async (value) => {
        if (value instanceof Blob) return await value.text();
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return new TextDecoder().decode(value);
        try { return JSON.stringify(value) ?? ''; } catch { return String(value); }
    };
    const databases = [];
    let found = false;
    for (const {name} of await indexedDB.databases()) {
        databases.push(name);
        const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
        for (const store of db.objectStoreNames) {
            const values = await new Promise((ok) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
            for (const value of values) if ((await text(value)).includes(marker)) found = true;
        }
        db.close();
    }
    const cached = [];
    for (const name of await caches.keys()) {
        if (name.startsWith('loupe-')) {  // the app itself: searched too
            const cache = await caches.open(name);
            for (const request of await cache.keys()) if (request.url.includes(marker)) found = true;
            continue;
        }
        cached.push(name);
    }
    const local = localStorage.length, session = sessionStorage.length;
    for (const store of [localStorage, sessionStorage]) {
        for (let i = 0; i < store.length; i++) if ((store.getItem(store.key(i)) || '').includes(marker)) found = true;
    }
    return {files, databases, local, session, cached, found};
}"""

MARKER = "zebra-7781-secret"


def test_forget_everything_erases_every_byte_and_says_what(profile, base_url):
    page = profile.start(base_url)
    secret = SALES.replace("north", MARKER)
    page.evaluate(f"loupe.open({{name: 'secret.csv', text: {json.dumps(secret)}}})")
    all_kept(page, 1)
    page.evaluate("caches.open('data-cache').then(c => c.put('/x', new Response('secret')))")
    run_in_editor(page, f"SELECT '{MARKER}' AS history_entry")
    page.evaluate("loupe.pythonReady")  # Python's own storage exists too
    before = page.evaluate(STORAGE_AREAS, MARKER)
    assert before["files"] and "loupe" in before["databases"] and before["local"] >= 1 and before["found"]
    page.locator("#workspace-summary").click()
    page.locator("#workspace-list").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=str(profile.folder.parent / "workspace-drawer.png"))
    page.locator("#workspace-forget").click()
    page.locator("#consent-yes").click()
    page.wait_for_function(
        "document.getElementById('workspace-said').textContent.startsWith('Erased from this device')"
    )
    said_now = page.locator("#workspace-said").inner_text()
    assert "1 workspace" in said_now and "kept files" in said_now and "cache of downloaded data" in said_now
    after = page.evaluate(STORAGE_AREAS, MARKER)
    assert after["files"] == [] and after["local"] == 0 and after["session"] == 0 and after["cached"] == []
    assert not after["found"]  # nothing of the person's data in any storage the page can reach
    # what is left is the Python runtime's own (PyScript's file-system map, Pyodide's package cache): no data
    assert all(name.startswith("IDBMap/") for name in after["databases"]), after["databases"]
    assert page.evaluate("loupe.query('SELECT count(*) FROM secret')")["rows"] == [[2000]]  # this tab keeps it
    page.evaluate("loupe.open({name: 'after.csv', text: 'a\\n1\\n'})")
    assert page.evaluate(STORAGE_AREAS, MARKER)["files"] == []  # nothing more is kept after it
    again = page.evaluate("loupe.forget()")
    assert again["message"].startswith("Nothing of yours was stored")
    profile.stop()
    page = profile.start(base_url)
    assert [t["table"] for t in page.evaluate("loupe.tables()")] == ["seattle_weather"]


def test_workspaces_are_listed_renamed_duplicated_switched_and_deleted(profile, base_url):
    page = profile.start(base_url)
    page.evaluate("loupe.open({name: 'alpha.csv', text: 'a\\n1\\n2\\n'})")
    all_kept(page, 1)
    page.locator("#workspace-summary").click()
    row = page.locator("#workspace-rows tr").first
    row.wait_for()
    assert "this tab" in row.inner_text() and "Workspace" in row.inner_text()
    page.get_by_role("button", name="Rename Workspace").click()
    page.locator(".workspace-name-field").fill("Alpha work")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('workspace-said').textContent.includes('Alpha work')")
    assert page.locator("#workspace-name").inner_text() == "Alpha work"
    page.get_by_role("button", name="Duplicate Alpha work").click()
    page.wait_for_function("document.querySelectorAll('#workspace-rows tr').length === 2")
    assert sorted(w["name"] for w in page.evaluate("loupe.workspaces()")) == ["Alpha work", "Alpha work (copy)"]
    with page.expect_event("load"):  # a new workspace: the tab reloads into it (a load, not a hash change)
        page.get_by_role("button", name="New workspace").click()
    booted(page)
    assert page.locator("#workspace-name").inner_text() == "Workspace"
    assert [t["table"] for t in page.evaluate("loupe.tables()")] == ["seattle_weather"]
    page.locator("#workspace-summary").click()
    with page.expect_event("load"):
        page.get_by_role("button", name="Open Alpha work (copy)").click()
    booted(page)
    restored(page, ["alpha"])
    assert page.locator("#workspace-name").inner_text() == "Alpha work (copy)"
    assert page.evaluate("loupe.query('SELECT count(*) FROM alpha')")["rows"] == [[2]]
    page.locator("#workspace-summary").click()
    page.get_by_role("button", name="Delete Alpha work", exact=True).click()
    page.locator("#consent-yes").click()
    page.wait_for_function("document.getElementById('workspace-said').textContent.startsWith('Deleted')")
    names = sorted(w["name"] for w in page.evaluate("loupe.workspaces()"))
    assert names == ["Alpha work (copy)"]  # the empty one was cleared when this tab switched


def test_a_damaged_record_opens_what_it_can_and_says_what_to_do(profile, base_url):
    page = profile.start(base_url)
    page.evaluate("loupe.open({name: 'keep.csv', text: 'a\\n1\\n'})")
    report = all_kept(page, 1)
    page.evaluate(
        """async (id) => {
            const record = JSON.parse(await loupeKeep.record(id));
            record.kept.push({entry: '{}', file: 't99.parquet', table: 'ghost', name: 'ghost.csv', complete: true});
            await loupeKeep.put(JSON.stringify(record));
            await loupeKeep.put(JSON.stringify({loupe: 'workspace', version: 1, id: 'broken', name: 7}));
        }""",
        report["id"],
    )
    profile.stop()
    page = profile.start(base_url)
    restored(page, ["keep"])
    page.wait_for_function("window.said.length > 0")
    assert "This workspace's record is damaged and could not be read." in said(page)
    assert "“ghost” is no longer in storage" in said(page)
    assert "ghost" not in [t["table"] for t in page.evaluate("loupe.tables()")]
