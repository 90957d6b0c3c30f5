"""The static pieces agree: config file lists, vendored versions, page references."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from tools import vendor

ROOT = Path(__file__).resolve().parents[2]


def _toml(name):
    return tomllib.loads((ROOT / name).read_text())


def _python_files(*folders, pattern="*.py"):
    return {p.relative_to(ROOT).as_posix() for f in folders for p in (ROOT / f).glob(pattern)}


def test_micropython_gets_core_engine_adapter_and_ui():
    listed = {k.removeprefix("./") for k in _toml("mpy.toml")["files"]}
    from app.core import SHARED

    shared = {f"app/core/{name}.py" for name in SHARED} | {"app/core/__init__.py"}
    expected = (
        shared
        | _python_files("app/ui", pattern="**/*.py") - {"app/ui/main.py"}
        | {"app/__init__.py", "app/engine/__init__.py", "app/engine/wasm.py"}
    )
    assert listed == expected


def test_pyodide_worker_gets_all_of_core():
    listed = {k.removeprefix("./") for k in _toml("pyscript.toml")["files"]}
    assert listed == _python_files("app/core") | {"app/__init__.py"}


def test_every_config_file_maps_to_itself():
    for name in ("mpy.toml", "pyscript.toml"):
        for source, target in _toml(name)["files"].items():
            assert source == target and (ROOT / source).is_file()


def test_vendored_paths_use_locked_versions():
    versions = vendor.npm_versions()
    text = "\n".join(
        (ROOT / name).read_text()
        for name in ("index.html", "mpy.toml", "pyscript.toml", "assets/js/engine.mjs", "app/ui/session.py")
    )
    used = set(re.findall(r"vendor/([a-z-]+?)-(\d[\w.-]*?)/", text))
    folders = {name: versions[package] for package, _, name in vendor.NPM_FILES}
    assert used, "no vendored paths found"
    for name, version in used:
        assert folders[name] == version, f"{name}-{version} is not the locked version {folders[name]}"


def test_wheel_lock_is_pinned_with_hashes():
    wheels = vendor.locked_wheels()
    assert {name for name, _, _ in wheels} >= {"micropip", "openpyxl", "et-xmlfile"}
    for name, version, digest in wheels:
        assert re.fullmatch(r"\d+(\.\d+)+", version) and re.fullmatch(r"[0-9a-f]{64}", digest), name


def test_package_json_pins_exact_versions():
    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    for name, spec in deps.items():
        assert re.fullmatch(r"\d[\w.-]*", spec), f"{name}: {spec} is a range, pin it"


@pytest.mark.parametrize("name", ["index.html"])
def test_page_has_the_shell_essentials(name):
    html = (ROOT / name).read_text()
    for needle in (
        '<html lang="en">',
        'name="viewport"',
        'name="description"',
        'rel="icon"',
        'rel="manifest"',
        "<header",
        "<main",
        "<footer",
        'role="progressbar"',
    ):
        assert needle in html, needle
    assert not re.search(r"""(src|href)=["']https?://""", html), "the page must not load anything from elsewhere"


def test_examples_page_loads_only_from_this_site():
    """The examples page is part of the site, and like the app it loads nothing from elsewhere."""
    from tools import site

    html = (ROOT / "examples" / "index.html").read_text()
    assert "examples/index.html" in site.site_files()
    assert '<html lang="en">' in html and 'name="viewport"' in html and "<main" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    for ref in re.findall(r"""(?:src|href)=["'](\.\./[^"'?#]+|[\w-]+\.(?:js|css|csv))["']""", html):
        target = (ROOT / "examples" / ref).resolve()
        assert target.is_file() or target.name == "embed.html", f"{ref} does not exist"


def test_messages_script_follows_the_api_shell():
    """messages.mjs routes postMessage to window.loupe, so it must run after loupe.mjs defines it."""
    html = (ROOT / "index.html").read_text()
    assert html.index('src="./assets/js/loupe.mjs"') < html.index('src="./assets/js/messages.mjs"')


def test_test_modules_have_unique_names():
    """pytest imports test modules by basename (no packages here): a name used twice fails collection."""
    tests = Path(__file__).resolve().parents[1]
    unit = {p.name for p in (tests / "unit").glob("test_*.py")}
    browser = {p.name for p in (tests / "browser").glob("test_*.py")}
    assert not unit & browser
