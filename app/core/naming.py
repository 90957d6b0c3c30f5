"""Table names from file names and URLs: readable, unique, safe to quote.

Runs under MicroPython and CPython (see README.md).
"""

MAX_NAME = 60
_KNOWN_SUFFIXES = (
    ".gz",
    ".csv",
    ".tsv",
    ".txt",
    ".json",
    ".jsonl",
    ".ndjson",
    ".parquet",
    ".xlsx",
    ".sqlite",
    ".sqlite3",
    ".db",
)


def table_name_for(source_name: str, existing: list) -> str:
    """A table name for a file called ``source_name`` not already in ``existing``.

    ``"Sales 2024 (final).csv"`` becomes ``sales_2024_final``; a second file
    of the same name becomes ``sales_2024_final_2``.
    """
    base = _identifier(_stem(source_name)) or "table"
    taken = [name.lower() for name in existing]
    if base.lower() not in taken:
        return base
    n = 2
    while (base + "_" + str(n)).lower() in taken:
        n += 1
    return base + "_" + str(n)


def file_name_from_url(url: str) -> str:
    """The last path segment of a URL, without query or fragment ('data' if none)."""
    path = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    name = path.rsplit("/", 1)[-1] if "/" in path else path
    if ":" in name or not name:
        return "data"
    return _percent_decode(name)


def _stem(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    lowered = name.lower()
    changed = True
    while changed:
        changed = False
        for suffix in _KNOWN_SUFFIXES:
            if lowered.endswith(suffix) and len(lowered) > len(suffix):
                name = name[: -len(suffix)]
                lowered = lowered[: -len(suffix)]
                changed = True
    return name


def _identifier(text: str) -> str:
    out = []
    for ch in text.lower():
        if ("a" <= ch <= "z") or ("0" <= ch <= "9") or ch == "_":
            out.append(ch)
        elif ch.isalpha():
            out.append(ch)  # letters of other scripts are fine in quoted names
        elif out and out[-1] != "_":
            out.append("_")
    name = "".join(out).strip("_")[:MAX_NAME].strip("_")
    if name and "0" <= name[0] <= "9":
        name = "t_" + name
    return name


def _percent_decode(text: str) -> str:
    if "%" not in text:
        return text
    raw = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%" and i + 2 < len(text) + 0 and _is_hex(text[i + 1 : i + 3]):
            raw.append(int(text[i + 1 : i + 3], 16))
            i += 3
        else:
            raw.extend(text[i].encode())
            i += 1
    try:
        return bytes(raw).decode()
    except UnicodeError:
        return text


def _is_hex(pair: str) -> bool:
    return len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair)
