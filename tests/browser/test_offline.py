"""Offline after one visit; a new deploy replaces the old cache without mixing versions."""

import threading

import pytest
from helpers import open_app

from tools import httpd, site

WAIT_FOR_CONTROL = """async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
        await new Promise(r => navigator.serviceWorker.addEventListener('controllerchange', r, {once: true}));
    }
    return (await caches.keys()).filter(k => k.startsWith('loupe-'));
}"""


def test_reload_and_new_tab_work_offline(context, base_url, tmp_path):
    page = context.new_page()
    page.add_init_script("""window.offlineSaid = [];
        new MutationObserver(() => {
            const text = document.getElementById('offline-status')?.textContent;
            if (text && window.offlineSaid.at(-1) !== text) window.offlineSaid.push(text);
        }).observe(document, {subtree: true, childList: true, characterData: true});""")
    open_app(page, base_url)
    caches = page.evaluate(WAIT_FOR_CONTROL)
    assert len(caches) == 1
    # "Works offline." only once the worker that cached everything controls the page
    page.wait_for_function("document.getElementById('offline-status').textContent === 'Works offline.'")
    said = page.evaluate("window.offlineSaid")
    assert said[0] == "Getting ready for offline use…" and said[-1] == "Works offline.", said
    assert "Works offline." not in said[:-1]
    page.evaluate("loupe.pythonReady")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert page.locator("#table-meta").inner_text() == "1,461 rows × 6 columns"
    assert page.locator("#offline-status").inner_text() == "Works offline."  # controlled from the first paint
    assert page.evaluate("loupe.pythonReady").startswith("3.14")

    tab = context.new_page()
    open_app(tab, base_url + "?from=new-tab")
    path = tmp_path / "offline.csv"
    path.write_text("city,visits\nOslo,3\nLima,5\n")
    tab.set_input_files("#file-input", str(path))
    tab.wait_for_function("loupe.tables().some(t => t.table === 'offline')")
    assert tab.evaluate("loupe.query('SELECT sum(visits) FROM offline')")["rows"] == [[8]]


class FlakyHandler(httpd.SiteHandler):
    """Answers 503 for the paths in ``failing`` (a deploy whose upload broke)."""

    failing: set = set()

    def do_GET(self):
        if self.path.lstrip("/") in self.failing:
            return self._send_error(httpd.HTTPStatus.SERVICE_UNAVAILABLE)
        return super().do_GET()


def _serve(root):
    handler = type("Handler", (FlakyHandler,), {"root": root, "failing": set()})
    server = httpd.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.handler = handler
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def deployed(tmp_path):
    root = tmp_path / "site"
    site.build(root)
    server, url = _serve(root)
    yield root, url, server.handler
    server.shutdown()


def test_new_deploy_waits_then_replaces_the_old_version(context, deployed):
    root, url, _ = deployed
    page = open_app(context.new_page(), url)
    old_caches = page.evaluate(WAIT_FOR_CONTROL)

    index = root / "index.html"
    index.write_text(index.read_text().replace("<title>", '<meta name="loupe-deploy" content="2">\n  <title>'))
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.locator("#update").wait_for(state="visible")

    # While the new version waits, this page still gets the old files only.
    still_old = page.evaluate("fetch('./index.html').then(r => r.text())")
    assert 'name="loupe-deploy"' not in still_old
    assert len(page.evaluate("caches.keys()")) == 2

    with page.expect_navigation():
        page.locator("#update-reload").click()
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert page.locator('meta[name="loupe-deploy"]').count() == 1
    new_caches = page.evaluate("caches.keys()")
    assert len(new_caches) == 1 and new_caches != old_caches


def test_failed_precache_keeps_the_old_version(context, deployed):
    root, url, handler = deployed
    page = open_app(context.new_page(), url)
    old_caches = page.evaluate(WAIT_FOR_CONTROL)
    fmt = root / "app" / "core" / "display.py"
    fmt.write_text("# a new deploy\n" + fmt.read_text())
    handler.failing.add("assets/css/loupe.css")  # ... whose CSS fails to download
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    # Until the failed install is over and has deleted its half-filled cache (a predicate returning
    # a promise would be truthy at once, so poll in the page).
    page.evaluate(
        """async (count) => {
        for (let i = 0; i < 300; i++) {
            const registration = await navigator.serviceWorker.getRegistration();
            if (!registration.installing && (await caches.keys()).length === count) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }""",
        len(old_caches),
    )
    assert page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.waiting)") is None
    assert page.evaluate("caches.keys()") == old_caches
    page.reload()
    page.wait_for_selector("#grid tbody tr[data-row]")
    assert page.evaluate("getComputedStyle(document.body).display") == "grid"  # the old version's CSS
