"""The SQL editor's query history: most recent first, distinct, capped, stored as JSON text.

The UI keeps it in ``localStorage`` under ``KEY``; everything here is pure.
Stored text may come from an older version, another tab or a hand edit,
so ``loads`` accepts anything and keeps only what it can use.

Runs under MicroPython and CPython (see README.md).
"""

import json

KEY = "loupe.sql.history"
LIMIT = 50
# Longer queries are not kept: localStorage holds about 5 MB for the whole origin.
MAX_CHARS = 20000


def added(history: list, text: str, limit: int = LIMIT) -> list:
    """``history`` with ``text`` first; an earlier copy of it (spacing aside) moves up instead of repeating."""
    text = text.strip()
    if not text or len(text) > MAX_CHARS:
        return list(history[:limit])
    key = _key(text)
    return ([text] + [entry for entry in history if _key(entry) != key])[:limit]


def loads(stored) -> list:
    """The history held in ``stored`` (text from storage, or None); what cannot be read is left out."""
    if not isinstance(stored, str) or not stored:
        return []
    try:
        data = json.loads(stored)
    except ValueError:
        return []
    if not isinstance(data, list):
        return []
    out = []  # type: list
    seen = []  # type: list
    for entry in data:
        if not isinstance(entry, str) or not entry.strip() or len(entry) > MAX_CHARS:
            continue
        key = _key(entry)
        if key not in seen:
            seen.append(key)
            out.append(entry.strip())
    return out[:LIMIT]


def dumps(history: list) -> str:
    """``history`` as the JSON text to store."""
    return json.dumps(list(history[:LIMIT]))


def label(text: str, width: int = 90) -> str:
    """One line standing for a query in a list: spaces collapsed, cut at ``width`` characters with '…'."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def _key(text: str) -> str:
    """Queries that differ only in spacing or line breaks count as the same query."""
    return " ".join(text.split())
