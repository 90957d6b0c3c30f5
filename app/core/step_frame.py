"""What every step kind shares: the hidden row column, quoting a name, a stage's own columns, names in words.

Every stage of a recipe (app/core/recipe.py) carries ``ROW``, the row's place
in the table's source; the step modules and app/core/steps.py take it from
here (steps imports the step modules, so they cannot import it from there).

Runs under MicroPython and CPython (see README.md).
"""

from app.core import sql

ROW = "__loupe_row"


def q(name: str) -> str:
    """``name`` as a quoted identifier."""
    return sql.quote_ident(name)


def names(columns: list) -> list:
    """The names of a stage's ``columns`` ([{name, type}]), without ``ROW``."""
    return [c["name"] for c in columns if c["name"] != ROW]


def quoted(names_: list) -> str:
    """Names in a step's words: 'a', 'b'."""
    return ", ".join(["'" + n + "'" for n in names_])
