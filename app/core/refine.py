"""Column types after loading: what DuckDB's sniffer leaves as text, and the person's overrides.

DuckDB reads ISO dates, US dates and plain numbers itself; it leaves as
text numbers with thousands separators ("1,234.50") and dates such as
"15.03.2024" or "15 Mar 2024". ``refine_types`` looks at a sample of every
text column, converts the columns whose values all fit one of the rules
below (missing-value markers such as NA aside: they become NULL), and
counts the values elsewhere in the table that did not fit (they become
NULL, and the person is told).

``retype`` is the same conversion for a type the person chooses.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, missing, sql

SAMPLE_ROWS = 1000
# Types a person can choose for a column, with what each is called on screen.
TYPE_CHOICES = [
    ("VARCHAR", "text"), ("BIGINT", "integer"), ("DOUBLE", "decimal"), ("BOOLEAN", "true/false"),
    ("DATE", "date"), ("TIMESTAMP", "date and time"),
]
_THOUSANDS = "^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$|^[+-]?[0-9]+([.][0-9]+)?$"
_INTEGER = "^[+-]?[0-9]{1,3}(,[0-9]{3})*$|^[+-]?[0-9]+$"
# (strptime format, how it is named to a person); tried in this order.
DATE_FORMATS = [
    ("%d.%m.%Y", "DD.MM.YYYY"), ("%d/%m/%Y", "DD/MM/YYYY"), ("%d-%m-%Y", "DD-MM-YYYY"),
    ("%Y.%m.%d", "YYYY.MM.DD"), ("%d %b %Y", "D Mon YYYY"), ("%d %B %Y", "D Month YYYY"),
    ("%b %d, %Y", "Mon D, YYYY"), ("%B %d, %Y", "Month D, YYYY"),
]


def refine_types(table: str, columns: list, markers=None):
    """Steps: convert text columns that hold numbers or dates; return the changes made.

    Values that are one of ``markers`` (missing-value markers such as NA,
    see app.core.missing) do not count against a rule and become NULL.
    Each change is ``{column, type, rule, nulls, markers}``; ``nulls``
    counts other values that did not fit the new type and became NULL,
    ``markers`` the markers found in the column.
    """
    markers = markers or []
    text = [c["name"] for c in columns if c["type"] == "VARCHAR"]
    if not text:
        return []
    checks, params = _check_query(table, text, markers)
    counted = yield checks, params
    row = counted["rows"][0]
    width = 4 + len(DATE_FORMATS)
    changes = []
    for i, column in enumerate(text):
        decided = _decide(row[i * width: (i + 1) * width])
        if decided is not None:
            target, how, rule = decided
            nulls, found = yield from _convert(table, column, target, _expression(column, target, how), markers)
            changes.append({"column": column, "type": target, "rule": rule, "nulls": nulls, "markers": found})
    return changes


def retype(table: str, column: str, current: str, target: str):
    """Steps: give ``column`` the type ``target``; return ``{column, type, rule, nulls}``."""
    if target not in [t for t, _ in TYPE_CHOICES]:
        raise errors.QueryError("Choose one of these types: " + ", ".join(t for t, _ in TYPE_CHOICES) + ".")
    expression = _cast(column, target, current)
    nulls, _ = yield from _convert(table, column, target, expression, [])
    return {"column": column, "type": target, "rule": "chosen", "nulls": nulls, "markers": []}


def flatten_structs(table: str, columns: list):
    """Steps: give each field of each STRUCT column a column of its own ("who.name"); return their names.

    One level at a time; run again for structs within structs.
    """
    structs = [c["name"] for c in columns if c["type"].upper().startswith("STRUCT")]
    if not structs:
        return []
    t = sql.quote_ident(table)
    replaced = []
    made = []
    for column in structs:
        c = sql.quote_ident(column)
        fields = yield "DESCRIBE SELECT " + c + ".* FROM " + t, []
        for row in fields["rows"]:
            name = column + "." + row[0]
            replaced.append(c + "." + sql.quote_ident(row[0]) + " AS " + sql.quote_ident(name))
            made.append(name)
    excluded = ", ".join(sql.quote_ident(c) for c in structs)
    yield ("CREATE OR REPLACE TABLE " + t + " AS SELECT * EXCLUDE (" + excluded + "), "
           + ", ".join(replaced) + " FROM " + t), []
    return made


def changes_message(name: str, changes: list) -> str:
    """What ``refine_types``/``retype`` did, for a person; '' when nothing needs saying."""
    said = []
    for change in changes:
        if change["rule"] == "thousands":
            said.append("'" + change["column"] + "' as numbers with thousands separators")
        elif change["rule"] != "chosen":
            said.append("'" + change["column"] + "' as dates (" + change["rule"] + ")")
    lost = [c for c in changes if c["nulls"]]
    parts = []
    if said:
        parts.append("Read " + ", ".join(said) + " in '" + name + "'.")
    marked = missing.used(changes, _markers_of(changes))
    if marked:
        where = ", ".join("'" + c["column"] + "'" for c in changes if c.get("markers"))
        parts.append(missing.label(marked) + " in " + where + (" marks" if len(marked) == 1 else " mark")
                     + " missing values.")
    for change in lost:
        n = change["nulls"]
        parts.append(str(n) + (" value" if n == 1 else " values") + " of '" + change["column"] + "' did not fit "
                     + change["type"] + " and became NULL.")
    return " ".join(parts)


def _markers_of(changes: list) -> list:
    out = []  # type: list
    for change in changes:
        out += [m for m in change.get("markers") or [] if m not in out]
    return out


def _check_query(table: str, text: list, markers: list) -> tuple:
    parts = []
    params = []
    for column in text:
        c = "s." + sql.quote_ident(column)
        parts.append("count(" + c + ") FILTER (WHERE NOT list_contains(k.m, " + c + "))")
        parts.append("count(*) FILTER (WHERE regexp_full_match(trim(" + c + "), ?))")
        parts.append("count(*) FILTER (WHERE regexp_full_match(trim(" + c + "), ?))")
        parts.append("count(*) FILTER (WHERE contains(" + c + ", ','))")
        params.extend([_THOUSANDS, _INTEGER])
        for fmt, _ in DATE_FORMATS:
            parts.append("count(TRY_STRPTIME(trim(" + c + "), ?))")
            params.append(fmt)
    sample = "(SELECT * FROM " + sql.quote_ident(table) + " LIMIT ?) AS s, " + missing.marker_list(markers)
    return "SELECT " + ", ".join(parts) + " FROM " + sample, params + [SAMPLE_ROWS] + list(markers)


def _decide(counts: list):
    """(type, how to convert for ``_expression``, rule) for one column's counts, or None to leave it as text."""
    filled, numbers, integers, commas = counts[0], counts[1], counts[2], counts[3]
    if filled == 0:
        return None
    # Without a separator, digits left as text are codes (zip codes, "007"): keep them.
    if numbers == filled and commas > 0:
        target = "BIGINT" if integers == filled else "DOUBLE"
        return target, "thousands", "thousands"
    for i, (fmt, label) in enumerate(DATE_FORMATS):
        if counts[4 + i] == filled:
            return "DATE", fmt, label
    return None


def _cast(column: str, target: str, current: str) -> tuple:
    """(SQL expression, params) turning ``column`` into the chosen ``target``; failures become NULL."""
    numbers_from_text = current == "VARCHAR" and target in ("BIGINT", "DOUBLE")
    return _expression(column, target, "thousands" if numbers_from_text else "cast")


def _expression(column: str, target: str, how: str) -> tuple:
    """(SQL expression, params): ``how`` is "thousands", "cast" or a strptime date format."""
    c = sql.quote_ident(column)
    if how == "thousands":
        return "TRY_CAST(replace(trim(" + c + "), ',', '') AS " + target + ")", []
    if how == "cast":
        return "TRY_CAST(" + c + " AS " + target + ")", []
    return "TRY_STRPTIME(trim(" + c + "), ?)::DATE", [how]


def _convert(table: str, column: str, target: str, expression: tuple, markers: list):
    """Steps: rebuild the column with ``expression`` (SQL, params); return (how many values that are not
    ``markers`` became NULL, the markers found in it).

    (ALTER TABLE ... USING cannot take parameters; SELECT * REPLACE can, and
    keeps the column order.)
    """
    c = sql.quote_ident(column)
    t = sql.quote_ident(table)
    before = yield ("SELECT count(s." + c + ") FILTER (WHERE NOT list_contains(k.m, s." + c + ")), "
                    + missing.mask(column) + " FROM " + t + " AS s, " + missing.marker_list(markers)), list(markers)
    text, params = expression
    if markers:
        text = "CASE WHEN " + c + " IN (" + ", ".join("?" for _ in markers) + ") THEN NULL ELSE " + text + " END"
        params = list(markers) + params
    yield ("CREATE OR REPLACE TABLE " + t + " AS SELECT * REPLACE (CAST(" + text + " AS " + target + ") AS "
           + c + ") FROM " + t), params
    after = yield "SELECT count(" + c + ") FROM " + t, []
    return max(0, before["rows"][0][0] - after["rows"][0][0]), missing.present(before["rows"][0][1], markers)
