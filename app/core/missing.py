"""Missing-value markers and late surprises: a column's type decided from all of its values.

DuckDB's CSV sniffer types each column from the first 20,480 rows and
treats only the empty field as missing. Files from R, pandas, SAS, Stata
and spreadsheets mark missing values with ``NA``, ``N/A``, ``NULL``, ``-``,
``.`` and the like, so a column of numbers holding them is read as text;
and a value far into the file that does not fit the sniffed type cannot be
read as that type at all (the loader reads such a column as text instead,
see ``loading.load_csv``).

``settle_types`` looks at those text columns and gives each the first type
of ``RULES`` that fits every value that is not a marker; the markers become
NULL. A column with any other value stays text, so a real text column (the
country code ``NA`` for Namibia among other codes) keeps its values.

DuckDB's ``nullstr`` list would turn a marker into NULL in every column at
once, and its ``force_not_null`` (to spare the text columns) turns the
spared values into '' rather than keeping them (DuckDB 1.4.3), so the
markers are applied column by column here, after reading.

    KNOWN                 the markers looked for when the person has not chosen any
    checked(value)        markers from options (a list, or text as typed): vetted, or OpenError
    parse(text)           "NA, -" -> ["NA", "-"]
    label(markers)        ["NA", "-"] -> "NA, -"
    settle_types(...)     steps: convert the columns; return the changes made
    changes_message(...)  what a person is told about those changes

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display, errors, sql

# What R, pandas, SAS/Stata, spreadsheets and databases write for a missing value.
KNOWN = ["NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "Null", "None", "#N/A", "#NA", "<NA>", "-", "--", ".", "?"]
MAX_MARKERS = 32
MAX_MARKER_CHARS = 40
# What becomes of values far into a file that do not fit their column's sniffed type (Read as…).
WIDEN = "widen"  # the column gets a type they fit (INTEGER → BIGINT → DOUBLE → text)
AS_MISSING = "missing"  # the column keeps its type; they become NULL, counted and shown
LATE_CHOICES = ((WIDEN, "widen the column"), (AS_MISSING, "read as missing"))
# Rows DuckDB's sniffer types columns from (read_csv's default sample_size): a
# column it left as text because of a marker shows that marker within them.
SNIFF_ROWS = 20480

# (type, SQL test that a text value ``{c}`` fits it, parameters), tried in this
# order: the first type every non-marker value fits wins. Integers before
# booleans, so 0/1 columns stay numbers, as DuckDB's sniffer reads them.
RULES = [
    ("BIGINT", "(regexp_full_match(trim({c}), ?) AND TRY_CAST({c} AS BIGINT) IS NOT NULL)", ["[+-]?[0-9]+"]),
    ("DOUBLE", "(regexp_matches({c}, ?) AND TRY_CAST({c} AS DOUBLE) IS NOT NULL)", ["[0-9]"]),
    ("BOOLEAN", "lower(trim({c})) IN (?, ?)", ["true", "false"]),
    (
        "DATE",
        "(regexp_full_match(trim({c}), ?) AND TRY_CAST(trim({c}) AS DATE) IS NOT NULL)",
        ["[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"],
    ),
    # Not a time ending in an offset (Z, +01:00): a cast to TIMESTAMP would drop it. Those are zoned.
    (
        "TIMESTAMP",
        "(regexp_matches({c}, ?) AND NOT regexp_matches(trim({c}), ?) "
        "AND TRY_CAST(trim({c}) AS TIMESTAMP) IS NOT NULL)",
        ["^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]", "[0-9](Z|z|[+-][0-9][0-9](:?[0-9][0-9])?)$"],
    ),
    (
        "TIMESTAMP WITH TIME ZONE",
        "(regexp_matches({c}, ?) AND TRY_CAST(trim({c}) AS TIMESTAMP WITH TIME ZONE) IS NOT NULL)",
        ["^\\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]"],
    ),
    (
        "TIME",
        "(regexp_full_match(trim({c}), ?) AND TRY_CAST(trim({c}) AS TIME) IS NOT NULL)",
        ["[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?"],
    ),
]
_NAMES = {
    "BIGINT": "integers",
    "DOUBLE": "decimals",
    "BOOLEAN": "true/false values",
    "DATE": "dates",
    "TIMESTAMP": "dates and times",
    "TIMESTAMP WITH TIME ZONE": "dates and times",
    "TIME": "times of day",
    "VARCHAR": "text",
}


def checked(value) -> list:
    """The markers ``value`` (a list of strings, or text such as "NA, -") names; OpenError if it cannot be one."""
    if value is None:
        return list(KNOWN)
    if isinstance(value, str):
        value = parse(value)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.OpenError('Missing values must be a list of texts such as ["NA", "-"].')
    out = []  # type: list
    for marker in value:
        if marker and marker not in out:
            out.append(marker)
    if len(out) > MAX_MARKERS:
        raise errors.OpenError(
            "Give at most " + str(MAX_MARKERS) + " missing-value markers; " + str(len(out)) + " were given."
        )
    for marker in out:
        if len(marker) > MAX_MARKER_CHARS or "\x00" in marker:
            raise errors.OpenError(
                "'" + marker[:MAX_MARKER_CHARS] + "…' is too long to be a missing-value marker; "
                "markers are short texts such as NA or -."
            )
    return out


def parse(text: str) -> list:
    """Markers as typed in the Read as… form: comma-separated, spaces around each ignored."""
    out = []  # type: list
    for part in text.split(","):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def label(markers: list) -> str:
    """``["NA", "-"]`` -> ``"NA, -"`` (as shown and as typed in Read as…)."""
    return ", ".join(markers)


def settle_types(table: str, columns: list, markers: list, widened=None, late=WIDEN):
    """Steps: give text columns whose values, markers aside, all fit a type that type; return the changes.

    ``widened`` maps the columns read as text because a value far into the
    file did not fit to the type DuckDB had sniffed for them (tried first).
    DuckDB reads "NaN" in a column of decimals as a number; when NaN is a
    marker, those become NULL too. Each change is ``{column, type, rule,
    nulls, markers, was}``: ``rule`` is "missing" (markers became NULL) or
    "widened"; ``nulls`` counts the markers.
    """
    widened = widened or {}
    text = [c["name"] for c in columns if c["type"] == "VARCHAR" and c["name"] not in widened]
    nan = [m for m in markers if m.lower() == "nan"][:1]
    decimals = [c["name"] for c in columns if c["type"] in ("DOUBLE", "FLOAT")] if nan else []
    candidates = []  # type: list
    with_nan = []  # type: list
    if (markers and text) or decimals:
        found = yield _sampled_markers(table, text if markers else [], decimals, markers)
        masks = found["rows"][0]
        candidates = [name for name, bits in zip(text, masks) if bits]
        with_nan = [name for name, n in zip(decimals, masks[len(masks) - len(decimals) :]) if n]
    candidates += [c["name"] for c in columns if c["name"] in widened]
    changes = []  # type: list
    if candidates:
        counted = yield _fit_counts(table, candidates, markers)
        by_column = {row[0]: row[1:] for row in counted["rows"]}
        for i, column in enumerate(candidates):
            change = _decide(column, by_column[i], markers, widened.get(column), late)
            if change is not None:
                changes.append(change)
    if with_nan:
        counted = yield _nan_counts(table, with_nan)
        for column, n in zip(with_nan, counted["rows"][0]):
            changes.append(
                {
                    "column": column,
                    "type": "DOUBLE",
                    "rule": "missing",
                    "nulls": n,
                    "markers": nan,
                    "was": None,
                    "nan": True,
                }
            )
    converted = [c for c in changes if c["type"] != "VARCHAR"]
    if converted:
        yield _convert(table, converted)
    return changes


def used(changes: list, markers: list) -> list:
    """The markers that became NULL in ``changes``, in the order of ``markers``."""
    seen = []  # type: list
    for change in changes:
        seen += change.get("markers") or []
    return [m for m in markers if m in seen]


def present(found, markers: list) -> list:
    """The markers a bit mask from ``mask`` names, in order."""
    return [m for i, m in enumerate(markers) if (found or 0) >> i & 1]


def changes_message(name: str, changes: list) -> str:
    """What ``settle_types`` did, for a person; '' when it did nothing."""
    parts = []
    missing = [c for c in changes if c["markers"]]
    if missing:
        nulls = 0
        for change in missing:
            nulls += change["nulls"]
        markers = used(missing, _all_markers(missing))
        parts.append(
            "In '"
            + name
            + "', "
            + display.listed(markers)
            + (" marks" if len(markers) == 1 else " mark")
            + " missing values ("
            + display.thousands(nulls)
            + "): "
            + _columns_with_types(missing)
            + ". To change this, open Read as… and edit Missing values."
        )
    for change in changes:
        if change["rule"] == "late":
            late = change.get("late") or {}
            where = " (the first on line " + display.thousands(late["line"]) + ")" if late.get("line") else ""
            parts.append(
                "In '"
                + change["column"]
                + "', "
                + display.thousands(change["unfit"])
                + (" value" if change["unfit"] == 1 else " values")
                + " far into the file "
                + ("is" if change["unfit"] == 1 else "are")
                + " not "
                + _NAMES.get(change["was"], change["was"].lower())
                + where
                + " and became missing, as chosen in Read as…; no row was left out."
                " To keep them, choose Values that do not fit: widen the column."
            )
            continue
        if change["rule"] != "widened":
            continue
        late = change.get("late") or {}
        where = ""
        if late.get("line"):
            where = " (first on line " + display.thousands(late["line"]) + ")"
        parts.append(
            "'"
            + change["column"]
            + "' holds values far into the file that are not "
            + _NAMES.get(change["was"], change["was"].lower())
            + where
            + ", so it was read as "
            + _NAMES.get(change["type"], change["type"].lower())
            + "; no row was left out."
        )
    return " ".join(parts)


def _sampled_markers(table: str, text: list, decimals: list, markers: list) -> tuple:
    """One row over the sniffer's sample: per text column a bit mask of its markers (NULL if none), then per
    column of decimals how many are NaN."""
    parts = [mask(column) for column in text]
    parts += ["count(*) FILTER (WHERE isnan(s." + sql.quote_ident(column) + "))" for column in decimals]
    sample = "(SELECT * FROM " + sql.quote_ident(table) + " LIMIT ?) AS s"
    return (
        "SELECT " + ", ".join(parts) + " FROM " + sample + ", " + marker_list(markers),
        [SNIFF_ROWS] + list(markers),
    )


def _fit_counts(table: str, candidates: list, markers: list) -> tuple:
    """Per candidate column a row: its position, markers, their mask, other values, and how many of
    those fit each rule.

    The rules are tested once per distinct value, weighted by how often it occurs: a column of a
    million values holds far fewer different ones (an R export's wide table of counts went from
    seconds to a fraction of one).
    """
    parts = []
    params = []  # type: list
    other = "v IS NOT NULL AND NOT list_contains(k.m, v)"
    for i, column in enumerate(candidates):
        counts = [
            _weighted("list_contains(k.m, v)"),
            "bit_or(CAST(1 AS BIGINT) << (list_position(k.m, v) - 1)) FILTER (WHERE list_contains(k.m, v))",
            _weighted(other),
        ]
        for _, test, test_params in RULES:
            counts.append(_weighted(other + " AND " + test.replace("{c}", "v")))
            params += test_params
        values = (
            "(SELECT "
            + sql.quote_ident(column)
            + " AS v, count(*) AS n FROM "
            + sql.quote_ident(table)
            + " GROUP BY 1) AS s"
        )
        parts.append(
            "SELECT " + str(i) + " AS i, " + ", ".join(counts) + " FROM " + values + ", " + marker_list(markers)
        )
        params += list(markers)  # each part's marker list comes after its rules' parameters
    return " UNION ALL ".join(parts), params


def _weighted(condition: str) -> str:
    """SQL: how many values (``n`` of each distinct ``v``) meet ``condition``, as a BIGINT (0 for none)."""
    return "CAST(coalesce(sum(n) FILTER (WHERE " + condition + "), 0) AS BIGINT)"


def _nan_counts(table: str, decimals: list) -> tuple:
    parts = ["count(*) FILTER (WHERE isnan(" + sql.quote_ident(column) + "))" for column in decimals]
    return "SELECT " + ", ".join(parts) + " FROM " + sql.quote_ident(table), []


def mask(column: str) -> str:
    """SQL: a bit mask of the markers (``k.m``, see ``marker_list``) column ``s.column`` holds; NULL if none."""
    c = "s." + sql.quote_ident(column)
    return (
        "bit_or(CAST(1 AS BIGINT) << (list_position(k.m, " + c + ") - 1)) FILTER (WHERE list_contains(k.m, " + c + "))"
    )


def marker_list(markers: list) -> str:
    """SQL: the markers as a one-row relation ``k`` with the list ``m`` (its parameters are ``markers``)."""
    if not markers:
        return "(SELECT CAST([] AS VARCHAR[]) AS m) AS k"
    return "(SELECT CAST([" + ", ".join("?" for _ in markers) + "] AS VARCHAR[]) AS m) AS k"


def _decide(column: str, counts: list, markers: list, was, late=None):
    """The change for one column from its counts, or None to leave it as it is."""
    nulls, bits, others = counts[0], counts[1], counts[2]
    fits = counts[3:]
    found = present(bits, markers)
    if was is not None and late == AS_MISSING and was in [r[0] for r in RULES]:
        # The person chose to keep the sniffed type: the values that do not fit it become NULL, counted.
        unfit = others - fits[[r[0] for r in RULES].index(was)]
        rule = "missing" if not unfit else "late"
        return {
            "column": column,
            "type": was,
            "rule": rule,
            "nulls": nulls,
            "markers": found,
            "was": was,
            "unfit": unfit,
        }
    order = [r[0] for r in RULES]
    if was in order:  # the type DuckDB sniffed is tried first
        order = [was] + [t for t in order if t != was]
    chosen = None
    if others:
        for target in order:
            if fits[[r[0] for r in RULES].index(target)] == others:
                chosen = target
                break
    if chosen is None:
        if was is None:
            return None  # text: the markers, if any, are values like any other
        return {"column": column, "type": "VARCHAR", "rule": "widened", "nulls": 0, "markers": [], "was": was}
    rule = "widened" if was is not None and chosen != was else "missing"
    return {"column": column, "type": chosen, "rule": rule, "nulls": nulls, "markers": found, "was": was}


def _convert(table: str, changes: list) -> tuple:
    """Rebuild the table with each changed column cast to its type, its markers as NULL."""
    replaced = []
    params = []  # type: list
    for change in changes:
        c = sql.quote_ident(change["column"])
        cast = "TRY_CAST(trim(" + c + ") AS " + change["type"] + ")"
        if change.get("nan"):
            cast = "CASE WHEN isnan(" + c + ") THEN NULL ELSE " + c + " END"
        elif change["markers"]:
            cast = (
                "CASE WHEN "
                + c
                + " IN ("
                + ", ".join("?" for _ in change["markers"])
                + ") THEN NULL ELSE "
                + cast
                + " END"
            )
            params += change["markers"]
        replaced.append(cast + " AS " + c)
    t = sql.quote_ident(table)
    return "CREATE OR REPLACE TABLE " + t + " AS SELECT * REPLACE (" + ", ".join(replaced) + ") FROM " + t, params


def _all_markers(changes: list) -> list:
    out = []  # type: list
    for change in changes:
        for marker in change["markers"]:
            if marker not in out:
                out.append(marker)
    return out


def _columns_with_types(changes: list) -> str:
    said = ["'" + c["column"] + "' as " + _NAMES.get(c["type"], c["type"].lower()) for c in changes[:5]]
    more = len(changes) - len(said)
    return "read " + ", ".join(said) + (" and " + str(more) + " more" if more > 0 else "")
