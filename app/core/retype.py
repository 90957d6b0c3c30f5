"""Column types after loading: what DuckDB's sniffer leaves as text, and the person's overrides.

DuckDB reads ISO dates, US dates and plain numbers itself; it leaves as
text numbers with thousands separators ("1,234.50"), percentages ("12.5%"),
amounts of money ("$1,234.50", "1.234,50 €"), yes/no and y/n answers, dates
such as "15.03.2024" or "15 Mar 2024" and date-times with AM/PM.
``refine_types`` looks at a sample of every text column, converts the
columns whose values all fit one of the rules below (``TEXT_RULES``, then
``DATE_FORMATS``; missing-value markers such as NA aside: they become NULL),
and counts the values elsewhere in the table that did not fit (they become
NULL, and the person is told). Each change names its rule, which
``changes_message`` words.

A percentage keeps the number it shows: "12.5%" becomes 12.5, not 0.125,
so the grid, filters, sums and charts show the numbers the person reads in
the file (the column's name usually says "%" or "rate"); the message says
so, and a formula can divide by 100 where a fraction is wanted.

``retype`` is the same conversion for a type the person chooses.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, missing, sql

SAMPLE_ROWS = 1000
# Types a person can choose for a column, with what each is called on screen.
TYPE_CHOICES = [
    ("VARCHAR", "text"),
    ("BIGINT", "integer"),
    ("DOUBLE", "decimal"),
    ("BOOLEAN", "true/false"),
    ("DATE", "date"),
    ("TIMESTAMP", "date and time"),
]
_THOUSANDS = "^[+-]?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$|^[+-]?[0-9]+([.][0-9]+)?$"
_INTEGER = "^[+-]?[0-9]{1,3}(,[0-9]{3})*$|^[+-]?[0-9]+$"
_POINT = "([0-9]{1,3}(,[0-9]{3})+|[0-9]+)([.][0-9]+)?"  # 1,234.50
_COMMA = "([0-9]{1,3}([.][0-9]{3})+|[0-9]+)(,[0-9]+)?"  # 1.234,50
_SYMBOL = "[$€£¥₹]"
_SPACE = "[ \u00a0]?"  # spreadsheets in French or German put a no-break space before "€"


def _money(number: str) -> str:
    """A regex for an amount: the symbol before or after ``number``, a minus sign or (parentheses)."""
    s, n, sp = _SYMBOL, number, _SPACE
    return (
        "-?"
        + s
        + sp
        + n
        + "|"
        + s
        + sp
        + "-"
        + n
        + "|-?"
        + n
        + sp
        + s
        + "|[(]"
        + s
        + sp
        + n
        + "[)]|[(]"
        + n
        + sp
        + s
        + "[)]"
    )


# The constants of these SQL fragments and regexes are the rules' own, written
# into the SQL (not values from the file) so DuckDB compiles each pattern once.
_NO_COMMAS = "replace({v}, ',', '')"
_NEGATIVE = "regexp_replace({v}, '^[(](.*)[)]$', '-\\1')"
# Rules for a text column, tried in this order: (rule, type, regex every
# trimmed value matches, regex some value must match or None, SQL turning the
# trimmed text ``{v}`` into the type, what the column is read as, for a person).
TEXT_RULES = [
    # Without a separator, digits left as text are codes (zip codes, "007"): keep them.
    ("thousands", "BIGINT", _INTEGER, ",", _NO_COMMAS, "numbers with thousands separators"),
    ("thousands", "DOUBLE", _THOUSANDS, ",", _NO_COMMAS, "numbers with thousands separators"),
    (
        "percent",
        "DOUBLE",
        "[+-]?" + _POINT + _SPACE + "%",
        None,
        "replace(" + _NO_COMMAS + ", '%', '')",
        "percentages (12.5% as 12.5)",
    ),
    (
        "percent, decimal comma",
        "DOUBLE",
        "[+-]?" + _COMMA + _SPACE + "%",
        None,
        "replace(replace(replace({v}, '.', ''), ',', '.'), '%', '')",
        "percentages with a decimal comma",
    ),
    (
        "currency",
        "DOUBLE",
        _money(_POINT),
        None,
        "regexp_replace(" + _NEGATIVE + ", '[^0-9.-]', '', 'g')",
        "amounts of money",
    ),
    (
        "currency, decimal comma",
        "DOUBLE",
        _money(_COMMA),
        None,
        "replace(regexp_replace(" + _NEGATIVE + ", '[^0-9,-]', '', 'g'), ',', '.')",
        "amounts of money with a decimal comma",
    ),
    # A column of only "F" (or "n") is as likely a code as an answer: one "true" value must be there.
    ("yes/no", "BOOLEAN", "(?i)(yes|no)", "(?i)y", "lower({v}) = 'yes'", "true/false (yes/no)"),
    ("y/n", "BOOLEAN", "(?i)(y|n)", "(?i)y", "lower({v}) = 'y'", "true/false (y/n)"),
    ("true/false", "BOOLEAN", "(?i)(true|false)", "(?i)t", "lower({v}) = 'true'", "true/false"),
    ("t/f", "BOOLEAN", "(?i)(t|f)", "(?i)t", "lower({v}) = 't'", "true/false (T/F)"),
]
# (strptime format, how it is named to a person, type); tried in this order.
DATE_FORMATS = [
    ("%d.%m.%Y", "DD.MM.YYYY", "DATE"),
    ("%d/%m/%Y", "DD/MM/YYYY", "DATE"),
    ("%d-%m-%Y", "DD-MM-YYYY", "DATE"),
    ("%Y.%m.%d", "YYYY.MM.DD", "DATE"),
    ("%d %b %Y", "D Mon YYYY", "DATE"),
    ("%d %B %Y", "D Month YYYY", "DATE"),
    ("%b %d, %Y", "Mon D, YYYY", "DATE"),
    ("%B %d, %Y", "Month D, YYYY", "DATE"),
    # AM/PM is the United States' way, so month first before day first.
    ("%m/%d/%Y %I:%M %p", "MM/DD/YYYY hh:mm AM/PM", "TIMESTAMP"),
    ("%m/%d/%Y %I:%M:%S %p", "MM/DD/YYYY hh:mm:ss AM/PM", "TIMESTAMP"),
    ("%Y-%m-%d %I:%M %p", "YYYY-MM-DD hh:mm AM/PM", "TIMESTAMP"),
    ("%Y-%m-%d %I:%M:%S %p", "YYYY-MM-DD hh:mm:ss AM/PM", "TIMESTAMP"),
    ("%d/%m/%Y %I:%M %p", "DD/MM/YYYY hh:mm AM/PM", "TIMESTAMP"),
    ("%d/%m/%Y %I:%M:%S %p", "DD/MM/YYYY hh:mm:ss AM/PM", "TIMESTAMP"),
]
_READ_AS = {rule: said for rule, _, _, _, _, said in TEXT_RULES}


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
    by_column = {row[0]: row[1:] for row in counted["rows"]}
    changes = []
    for column in text:
        decided = _decide(by_column[column]) if column in by_column else None
        if decided is not None:
            target, expression, rule = decided
            nulls, found = yield from _convert(table, column, target, expression(column), markers)
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
    yield (
        (
            "CREATE OR REPLACE TABLE "
            + t
            + " AS SELECT * EXCLUDE ("
            + excluded
            + "), "
            + ", ".join(replaced)
            + " FROM "
            + t
        ),
        [],
    )
    return made


def changes_message(name: str, changes: list) -> str:
    """What ``refine_types``/``retype`` did, for a person; '' when nothing needs saying."""
    said = []
    for change in changes:
        if change["rule"] in _READ_AS:
            said.append("'" + change["column"] + "' as " + _READ_AS[change["rule"]])
        elif change["rule"] != "chosen":
            kind = "dates and times" if change["type"] == "TIMESTAMP" else "dates"
            said.append("'" + change["column"] + "' as " + kind + " (" + change["rule"] + ")")
    lost = [c for c in changes if c["nulls"]]
    parts = []
    if said:
        parts.append("Read " + ", ".join(said) + " in '" + name + "'.")
    marked = missing.used(changes, _markers_of(changes))
    if marked:
        where = ", ".join("'" + c["column"] + "'" for c in changes if c.get("markers"))
        parts.append(
            missing.label(marked) + " in " + where + (" marks" if len(marked) == 1 else " mark") + " missing values."
        )
    for change in lost:
        n = change["nulls"]
        parts.append(
            str(n)
            + (" value" if n == 1 else " values")
            + " of '"
            + change["column"]
            + "' did not fit "
            + change["type"]
            + " and became NULL."
        )
    return " ".join(parts)


def _markers_of(changes: list) -> list:
    out = []  # type: list
    for change in changes:
        out += [m for m in change.get("markers") or [] if m not in out]
    return out


def _check_query(table: str, text: list, markers: list) -> tuple:
    """Rows ``(column, counts...)``: per text column of the sample, its values that are not markers, then per
    rule of ``TEXT_RULES`` how many fit (and how many match its "some" regex, where it has one), then per date
    format how many fit. A column with no value in the sample has no row.

    The sample is unpivoted so each test is written once whatever the number
    of columns: DuckDB's cost of a test is in compiling it, not in the rows.
    """
    v = "u.value"
    parts = ["u.name", "count(" + v + ") FILTER (WHERE NOT list_contains(k.m, " + v + "))"]
    for _, _, every, some, _, _ in TEXT_RULES:
        parts.append("count(*) FILTER (WHERE regexp_full_match(trim(" + v + "), " + _pattern(every) + "))")
        if some is not None:
            parts.append("count(*) FILTER (WHERE regexp_matches(" + v + ", " + _pattern(some) + "))")
    for fmt, _, _ in DATE_FORMATS:
        # TRY_STRPTIME is slow to fail: only values that begin as the format does are tried.
        parts.append(
            "count(CASE WHEN regexp_matches(" + v + ", " + _pattern(_beginning(fmt)) + ") THEN "
            "TRY_STRPTIME(trim(" + v + "), " + _pattern(fmt) + ") END)"
        )
    sample = "(SELECT " + ", ".join(sql.quote_ident(c) for c in text) + " FROM " + sql.quote_ident(table) + " LIMIT ?)"
    unpivoted = "(UNPIVOT " + sample + " ON COLUMNS(*) INTO NAME name VALUE value) AS u"
    return (
        "SELECT " + ", ".join(parts) + " FROM " + unpivoted + ", " + missing.marker_list(markers) + " GROUP BY u.name",
        [SAMPLE_ROWS] + list(markers),
    )


def _decide(counts: list):
    """(type, a function of the column name giving (SQL, params), rule) for one column's counts, or None to
    leave it as text."""
    filled = counts[0]
    if filled == 0:
        return None
    i = 1
    for rule, target, every, some, convert, _ in TEXT_RULES:
        fits = counts[i] == filled and (some is None or counts[i + 1] > 0)
        i += 1 if some is None else 2
        if fits:
            return target, _rule_expression(target, every, convert), rule
    for fmt, label, target in DATE_FORMATS:
        if counts[i] == filled:
            return target, _date_expression(fmt), label
        i += 1
    return None


def _rule_expression(target: str, every: str, convert: str):
    """A value that does not match the rule's ``every`` regex becomes NULL (and is counted), not a guess."""

    def expression(column: str) -> tuple:
        v = "trim(" + sql.quote_ident(column) + ")"
        return (
            "CASE WHEN regexp_full_match("
            + v
            + ", "
            + _pattern(every)
            + ") THEN TRY_CAST("
            + convert.replace("{v}", v)
            + " AS "
            + target
            + ") END",
            [],
        )

    return expression


def _beginning(fmt: str) -> str:
    """A regex a value that fits the strptime format ``fmt`` matches, cheap to test: how it begins (and ends)."""
    start = "^\\s*[A-Za-z]" if fmt.startswith("%b") or fmt.startswith("%B") else "^\\s*[0-9]"
    return start + ".*[AaPp][.]?[Mm][.]?\\s*$" if "%p" in fmt else start


def _pattern(regex: str) -> str:
    """One of the rules' own regexes or date formats as an SQL literal (never a value from a file).

    DuckDB compiles a pattern given as a parameter again for every row (a
    hundred times slower over the sample), a literal once.
    """
    return "'" + regex.replace("'", "''") + "'"


def _date_expression(fmt: str):
    return lambda column: ("TRY_STRPTIME(trim(" + sql.quote_ident(column) + "), " + _pattern(fmt) + ")", [])


def _cast(column: str, target: str, current: str) -> tuple:
    """(SQL expression, params) turning ``column`` into the chosen ``target``; failures become NULL."""
    c = sql.quote_ident(column)
    if current == "VARCHAR" and target in ("BIGINT", "DOUBLE"):
        return "TRY_CAST(replace(trim(" + c + "), ',', '') AS " + target + ")", []
    return "TRY_CAST(" + c + " AS " + target + ")", []


def _convert(table: str, column: str, target: str, expression: tuple, markers: list):
    """Steps: rebuild the column with ``expression`` (SQL, params); return (how many values that are not
    ``markers`` became NULL, the markers found in it).

    (ALTER TABLE ... USING cannot take parameters; SELECT * REPLACE can, and
    keeps the column order.)
    """
    c = sql.quote_ident(column)
    t = sql.quote_ident(table)
    if not markers:  # any column type: nothing to compare with text markers
        before = yield "SELECT count(" + c + "), NULL FROM " + t, []
    else:
        before = yield from _counted_with_markers(t, column, markers)
    text, params = expression
    if markers:
        text = "CASE WHEN " + c + " IN (" + ", ".join("?" for _ in markers) + ") THEN NULL ELSE " + text + " END"
        params = list(markers) + params
    yield (
        (
            "CREATE OR REPLACE TABLE "
            + t
            + " AS SELECT * REPLACE (CAST("
            + text
            + " AS "
            + target
            + ") AS "
            + c
            + ") FROM "
            + t
        ),
        params,
    )
    after = yield "SELECT count(" + c + ") FROM " + t, []
    return max(0, before["rows"][0][0] - after["rows"][0][0]), missing.present(before["rows"][0][1], markers)


def _counted_with_markers(t: str, column: str, markers: list):
    """Steps: the row of (values that are not ``markers``, the mask of the markers found) of a text column."""
    c = sql.quote_ident(column)
    found = yield (
        (
            "SELECT count(s."
            + c
            + ") FILTER (WHERE NOT list_contains(k.m, s."
            + c
            + ")), "
            + missing.mask(column)
            + " FROM "
            + t
            + " AS s, "
            + missing.marker_list(markers)
        ),
        list(markers),
    )
    return found
