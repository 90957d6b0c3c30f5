"""app/core stays pure: no browser modules, and the shared subset runs on MicroPython."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "app" / "core"
FORBIDDEN = {"js", "pyscript", "pyodide", "pyodide_js", "micropython"}
SHARED_SUBSET = list(__import__("app.core").core.SHARED)


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_never_imports_browser_modules(path):
    assert not _imports(ast.parse(path.read_text())) & FORBIDDEN


def test_purity_check_catches_a_forbidden_import():
    assert _imports(ast.parse("import js\nfrom pyscript import document\n")) & FORBIDDEN == {"js", "pyscript"}


@pytest.mark.parametrize("name", SHARED_SUBSET)
def test_shared_modules_keep_to_the_micropython_subset(name):
    source = (CORE / f"{name}.py").read_text()
    tree = ast.parse(source)
    assert not _imports(tree) & {"dataclasses", "typing", "enum", "re", "__future__"}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # f-strings: keep them out of shared code entirely
            pytest.fail(f"{name}.py line {node.lineno}: f-string in MicroPython-shared code")
        if isinstance(node, ast.Attribute) and node.attr in {"isalnum", "translate", "casefold", "format_map"}:
            pytest.fail(f"{name}.py line {node.lineno}: str.{node.attr} is missing on MicroPython")
