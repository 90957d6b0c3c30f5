"""A table's recipe as a Jupyter notebook (``.ipynb``): one markdown cell and one code cell per step, on native DuckDB.

The first cells read the sources as the DuckDB script does (app/core/code_duckdb.py);
each step is then a view over the one before (``"s1"``, ``"s2"``…) with its
first rows shown, and the last cell is the view as Loupe shows it,
``result``, written to CSV when ``OUT`` is set.

Runs in the Pyodide worker and in CPython (a printer: see app/core/code_plan.py).
"""

import json

from app.core import code_duckdb, code_plan, code_read, code_sql


def notebook(plan: dict) -> str:
    """The notebook's JSON text (nbformat 4)."""
    plans = [plan] + code_plan.tables_read(plan)
    cells = [
        _markdown(
            "# "
            + plan["table"]
            + "\n\n"
            + code_duckdb.docstring(plan).split("\n\n")[0]
            + "\n\nFirst, the sources, read as Loupe read them."
        )
    ]
    setup = ["import duckdb", "", "# The files this reads: change a path to run the same steps on another file."]
    setup += [code_read.variable(p) + " = " + code_duckdb.py_literal(code_read.location(p)) for p in plans]
    setup += ["OUT = None  # a file name to write the result to as CSV", ""]
    setup += code_duckdb.connect_function(plans)
    setup += ["", "", "connection = connect()"]
    cells.append(_code("\n".join(setup)))
    stages = code_sql.stages(plan)
    for cte in stages:
        title = cte["comment"][0]
        cells.append(_markdown("## " + title))
        create = "CREATE OR REPLACE TEMP VIEW " + cte["name"] + " AS\n" + cte["sql"]
        cells.append(
            _code(
                "connection.execute("
                + code_duckdb.triple_quoted(create)
                + ")\nconnection.sql('SELECT * FROM "
                + cte["name"]
                + " LIMIT 10')"
            )
        )
    final = code_sql.final_select(plan, stages[-1]["name"])
    comment, _, select = final.partition("\n")
    cells.append(_markdown("## " + comment.lstrip("- ").capitalize()))
    cells.append(
        _code(
            "result = connection.sql("
            + code_duckdb.triple_quoted(select)
            + ")\nif OUT:\n    result.write_csv(OUT)\nresult"
        )
    )
    for number, cell in enumerate(cells):
        cell["id"] = "cell-" + str(number + 1)
    document = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "id": "", "metadata": {}, "source": _lines(text)}


def _code(text: str) -> dict:
    return {
        "cell_type": "code",
        "id": "",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": _lines(text),
    }


def _lines(text: str) -> list:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]
