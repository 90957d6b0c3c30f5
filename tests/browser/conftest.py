"""Browser fixtures: serve.py in a subprocess, Debian Chromium driven by Playwright.

Every test gets a fresh browser context (empty cache, no service worker),
and fails if the page logged an uncaught error.

Privacy (README: Privacy): every context any test makes records every
request of its pages and their workers, and a test fails if one went to an
origin other than the app's own and those the test was told about — the
servers of the fixtures in ``OUTSIDE_FIXTURES`` it uses, or origins it
passes to the ``allow_origin`` fixture.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from helpers import BOOT_TIMEOUT_MS, open_app
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LOUPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def start_server(*args):
    """Run ``serve.py --port 0 ARGS``; return (process, base URL)."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "serve.py"), "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in process.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            return process, found.group(1)
    raise RuntimeError("serve.py exited without serving: " + (process.stdout.read() or ""))


def _served():
    process, url = start_server()
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def base_url():
    yield from _served()


@pytest.fixture(scope="session")
def other_origin():
    """A second server (another port, so another origin) that sends no CORS headers."""
    yield from _served()


# Fixtures whose value is (or starts with) the base URL of a server a test
# talks to on purpose: a second origin, an embedding host, a deployed copy.
OUTSIDE_FIXTURES = ("other_origin", "host", "deployed")
_requests = {"urls": [], "allowed": set()}  # the running test's requests (from every context), and what it allowed


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def recording_context(*args, **kwargs):
            made = new_context(*args, **kwargs)
            made.on("request", lambda request: _requests["urls"].append(request.url))
            return made

        browser.new_context = recording_context
        yield browser
        browser.close()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def foreign_requests(urls, allowed) -> list:
    """The http(s) requests among ``urls`` to origins not in ``allowed``."""
    return [
        url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss") and origin_of(url) not in allowed
    ]


@pytest.fixture
def allow_origin():
    """Call with a URL: requests to its origin are expected in this test."""
    yield lambda url: _requests["allowed"].add(origin_of(url))


@pytest.fixture(autouse=True)
def no_foreign_requests(request):
    """Fail a test whose pages (or their workers) contacted an origin nobody told it about."""
    _requests["urls"] = []
    _requests["allowed"] = set()
    yield
    urls, _requests["urls"] = _requests["urls"], []
    if not urls:
        return
    allowed = {origin_of(request.getfixturevalue("base_url"))}
    for name in OUTSIDE_FIXTURES:
        # funcargs keeps the test's fixture values; a function fixture is already torn down here
        value = request.node.funcargs.get(name)
        if value is not None:
            allowed.add(origin_of(value[1] if isinstance(value, tuple) else value))
    allowed |= _requests["allowed"]
    foreign = foreign_requests(urls, allowed)
    assert not foreign, f"the page contacted origins it was not told about: {sorted(set(foreign))[:10]}"


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def app(page, base_url):
    return open_app(page, base_url)


@pytest.fixture(scope="module")
def shared_app(browser, base_url):
    """One booted page for a whole module of read-only checks (much faster)."""
    context = browser.new_context()
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = context.new_page()
    yield open_app(page, base_url)
    context.close()
