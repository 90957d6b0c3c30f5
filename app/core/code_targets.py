"""The targets of Export as code: their names, labels, file names, and the printer each one is.

``render(plan, target)`` is what the worker answers for ``loupe.exportCode``:
``{"target", "code", "file_name", "language"}``. A target is named as in
the README (``duckdb``, ``sql:duckdb``…); an unknown name is refused with
the list of those there are.

Runs in the Pyodide worker and in CPython.
"""

import importlib

from app.core import code_dialects, code_names, code_plan, code_read, errors

# name -> (label, file suffix, language, module, function); modules are imported on first use.
_PRINTERS = {
    "duckdb": ("code_duckdb", "script"),
    "pandas": ("code_pandas", "script"),
    "polars": ("code_polars", "script"),
    "pyspark": ("code_pyspark", "script"),
    "notebook": ("code_notebook", "notebook"),
    "sql:duckdb": ("code_sql", "query_text"),
}
for _target in code_dialects.DIALECTS:
    _PRINTERS[_target] = ("code_dialects", _target)
TARGETS = {name: (label, suffix, language) + _PRINTERS[name] for name, label, suffix, language in code_names.TARGETS}
ORDER = tuple(code_names.names())


def available() -> list:
    """``[{"target", "label"}]`` of the targets whose printer is here, in menu order."""
    return [{"target": name, "label": TARGETS[name][0]} for name in ORDER if _printer(name) is not None]


def needs_sqlglot(target: str) -> bool:
    """True when the target's printer reads SQL with sqlglot (the worker loads it first)."""
    return target in ("pandas", "polars", "pyspark") or (target.startswith("sql:") and target != "sql:duckdb")


def render(plan: dict, target: str) -> dict:
    """The code of ``target`` for ``plan`` (see the module docstring)."""
    printer = _printer(target) if target in TARGETS else None
    if printer is None:
        names = ", ".join(entry["target"] for entry in available())
        raise errors.ExportError("There is no code export named '" + str(target) + "'; choose one of " + names + ".")
    label, suffix, language, _module, _function = TARGETS[target]
    if not target.startswith("sql:"):
        for each in [plan] + code_plan.tables_read(plan):
            problem = code_read.unread_by_scripts(each)
            if problem:
                raise errors.ExportError(
                    "Loupe cannot write a script for this yet: "
                    + problem
                    + ". Export it as SQL instead (the SQL reads the table by its name), or save the table "
                    "as Parquet from Loupe and open that file, then export the code."
                )
    return {
        "target": target,
        "label": label,
        "code": printer(plan),
        "file_name": code_read.identifier(plan["table"]).lower() + suffix,
        "language": language,
    }


def _printer(target: str):
    _label, _suffix, _language, module, function = TARGETS[target]
    if module == "code_dialects":
        return lambda plan: code_dialects.query_text(plan, function)
    try:
        return getattr(importlib.import_module("app.core." + module), function)
    except (ImportError, AttributeError):  # a printer not shipped in this build
        return None
