"""Markdown: the view's first rows as a GitHub-flavoured table for the clipboard.

app/ui/panels/export_menu.py reads at most ``MARKDOWN_MAX_ROWS`` rows of the
export's SELECT (``export.first_rows``) and copies ``markdown``'s text;
``markdown_message`` says what it copied. app.core.export re-exports them.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display, types

MARKDOWN_MAX_ROWS = 1000


def markdown(columns: list, rows: list) -> str:
    """A GitHub-flavoured Markdown table; number columns are right-aligned.

    ``|`` and ``\\`` are escaped and line breaks become ``<br>``, so every
    value stays in its cell; NULL is an empty cell.
    """
    if not columns:
        return ""
    lines = ["| " + " | ".join(_markdown_cell(c["name"]) for c in columns) + " |"]
    rule = []
    for column in columns:
        rule.append("---:" if types.is_numeric(column.get("kind") or types.kind_of(column["type"])) else "---")
    lines.append("| " + " | ".join(rule) + " |")
    for row in rows:
        cells = [("" if value is None else _markdown_cell(display.cell_text(value))) for value in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown_message(copied: int, total: int) -> str:
    """What a Markdown copy put on the clipboard, and what it left out."""
    if copied < total:
        return (
            "Copied the first "
            + display.thousands(copied)
            + " of "
            + display.thousands(total)
            + " rows as a Markdown table (a Markdown copy stops at "
            + display.thousands(MARKDOWN_MAX_ROWS)
            + " rows; export as CSV for all of them)."
        )
    return "Copied " + display.thousands(copied) + (" row" if copied == 1 else " rows") + " as a Markdown table."


def _markdown_cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>").replace("\r", "<br>")
