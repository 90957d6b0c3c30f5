"""Helpers shared by the browser tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOT_TIMEOUT_MS = 60_000
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def open_app(page, url):
    """Navigate to Loupe and wait until the sample table is on screen."""
    page.goto(url)
    page.wait_for_function("window.loupe !== undefined")
    page.evaluate("loupe.ready")
    page.wait_for_selector("#grid tbody tr[data-row]")
    return page


def booted_page(browser, base_url, viewport=None):
    """``(context, page)``: a context of its own with Loupe booted, the page's uncaught errors kept in ``page.errors``.

    For a module's shared page; close the context when the module is done.
    """
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    context.set_default_timeout(BOOT_TIMEOUT_MS)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return context, open_app(page, base_url)


def axe_violations(page) -> list:
    """axe-core's WCAG 2.1 AA violations on the page as it is now, as readable strings."""
    # Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
    page.evaluate("(source) => { if (!window.axe) (0, eval)(source); }", AXE.read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
        return result.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")
    return list(found)


def counter(page, name: str, selector: str = "body") -> int:
    """The app's counter ``data-NAME`` on ``selector`` (``<body data-loads>`` and the like); 0 if unset.

    ``page`` may be a Page or a Frame."""
    return int(
        page.evaluate("([s, n]) => Number(document.querySelector(s)?.getAttribute('data-' + n) || 0)", [selector, name])
    )


def wait_counter(page, name: str, above: int, selector: str = "body") -> int:
    """Wait until the counter ``data-NAME`` on ``selector`` passes ``above``; return its value.

    A test that proves something did *not* happen first waits here for something that must have."""
    page.wait_for_function(
        "([s, n, above]) => Number(document.querySelector(s)?.getAttribute('data-' + n) || 0) > above",
        arg=[selector, name, above],
    )
    return counter(page, name, selector)
