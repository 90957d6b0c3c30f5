"""Browser fixtures: serve.py in a subprocess, Debian Chromium driven by Playwright.

Every test gets a fresh browser context (empty cache, no service worker),
and fails if the page logged an uncaught error.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from helpers import BOOT_TIMEOUT_MS, open_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LOUPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def start_server(*args):
    """Run ``serve.py --port 0 ARGS``; return (process, base URL)."""
    process = subprocess.Popen([sys.executable, str(ROOT / "serve.py"), "--port", "0", *args],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
