"""The page asks nothing of any origin but its own (DESIGN.md: Privacy)."""

from urllib.parse import urlsplit

from helpers import open_app


def test_no_request_leaves_the_origin(context, base_url):
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = open_app(context.new_page(), base_url)
    page.evaluate("loupe.pythonReady")
    page.evaluate("loupe.query('SELECT count(*) FROM seattle_weather')")
    page.evaluate("loupe.open({name: 'x.csv', text: 'a\\n1\\n'})")
    page.evaluate("navigator.serviceWorker.ready")
    origin = urlsplit(base_url).netloc
    foreign = [url for url in requests
               if urlsplit(url).scheme not in ("blob", "data") and urlsplit(url).netloc != origin]
    assert requests, "no request was recorded at all"
    assert foreign == []
    assert any(url.endswith("pyodide.asm.wasm") for url in requests)  # worker requests are seen too
