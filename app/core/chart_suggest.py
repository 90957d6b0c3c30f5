"""The first chart of a table: which columns it draws, from their names, kinds and profiles.

``first_chart(columns, facts)`` returns a chart's kind and roles, or None;
app.core.charts.suggest fills in the rest (``charts.fitted``). The value
charted is a measure (``chart_meaning.meaning``), never a year, month, day,
hour, ID or code: measures whose name says what they are first, mostly
empty or few-valued ones last. Amounts are summed and levels averaged. It
is drawn along the first of ``_WITH_VALUE`` the table has: a date or time,
a year (a line), latitude and longitude (points), a category, a calendar
part (a bar), a second measure (a scatter), a code (a bar); else its
histogram. With no measure, ``_WITHOUT_VALUE``: points on a map, else the
count of rows over time, by a category, a calendar part or a code, else
the histogram of a number. A column with a single value is left out while
anything else fits. Each rule is one entry of ``_GROUPS`` and the two
tables after it.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import chart_meaning
from app.core.chart_axes import ANY_AXIS, NUMBER, TIME, TOP_BARS, kinds_by_name

MEASURES = chart_meaning.MEASURES


def first_chart(columns: list, facts: dict):
    """The first rule of ``_WITH_VALUE`` (or ``_WITHOUT_VALUE``) whose group the table has, as a chart.

    ``facts`` is ``{column name: its profile}`` (app.core.profile's, for some
    or all columns; only ``count``, ``nulls``, ``distinct``, ``min`` and
    ``max`` are read), or empty: then names and kinds decide alone.
    """
    groups = _groups(columns, facts)
    value = (groups["measure"] or [None])[0]
    groups["value"] = [value] if value else []
    groups["second"] = groups["measure"][1:]
    for group, build in _WITH_VALUE if value else _WITHOUT_VALUE:
        if groups[group]:
            return build(groups[group][0], value, kinds_by_name(columns))
    return None


def _groups(columns: list, facts: dict) -> dict:
    """``{group: [column names, the likeliest first]}`` for the rules; a column with one value is in none."""
    held = []
    for i, column in enumerate(columns):
        found = _held(column, facts.get(column["name"]), i)
        if not found["constant"]:
            held.append(found)
    groups = {}
    for group, wanted, rank in _GROUPS:
        chosen = sorted([h for h in held if wanted(h)], key=rank)
        groups[group] = [h["name"] for h in chosen]
    lon = [h["name"] for h in held if h["meaning"] == "place" and chart_meaning.place_axis(h["name"]) == "x"]
    lat = [h["name"] for h in held if h["meaning"] == "place" and chart_meaning.place_axis(h["name"]) == "y"]
    groups["place"] = [(lon[0], lat[0])] if lon and lat else []
    return groups


def _held(column: dict, fact, index: int) -> dict:
    """What the suggestion needs to know of a column: its meaning and what its profile (if any) shows."""
    kind = column["kind"]
    fact = fact if isinstance(fact, dict) else {}
    known = isinstance(fact.get("count"), int) and isinstance(fact.get("distinct"), int)
    rows = fact["count"] if known else 0  # type: int
    present = rows - (fact.get("nulls") or 0)
    distinct = fact["distinct"] if known else 0  # type: int
    enough = 0.9 * present if fact.get("distinct_approx") else present  # an estimate may be 10% off
    return {
        "name": column["name"],
        "kind": kind,
        "index": index,
        "meaning": chart_meaning.meaning(column["name"], kind, fact) if kind in ANY_AXIS else None,
        "distinct": distinct if known else None,
        "constant": known and distinct <= 1,
        "unique": known and present > 1 and distinct >= enough,
        "sparse": known and present * 2 < rows,
        "few": known and distinct <= TOP_BARS and present >= 5 * distinct,
    }


def _measure_rank(held: dict) -> tuple:
    """Measures whose names say what they are first, then the others; whole numbers of a few values (codes,
    most likely) after those, and mostly empty columns last."""
    return (held["sparse"], held["few"] and held["kind"] == "integer", held["meaning"] == "number", held["index"])


def _category_rank(held: dict) -> tuple:
    """Categories of a few values (or not known) first, then the fewest values, then one value per row."""
    if held["unique"]:
        return (2, 0, held["index"])
    if held["distinct"] is not None and held["distinct"] > TOP_BARS:
        return (1, held["distinct"], held["index"])
    return (0, 0, held["index"])


def _table_order(held: dict) -> int:
    return held["index"]


def _number_rank(held: dict) -> tuple:
    """Numbers with no measure among them: directions and places before row numbers and codes."""
    return (held["meaning"] in ("row", "id"), held["index"])


def _two_years(held: dict) -> bool:
    """A year of one or two values is no line: its years are categories."""
    return held["meaning"] == "year" and held["distinct"] is not None and held["distinct"] < 3


def _line(x, value, kinds: dict) -> dict:
    return _along("line", x, value, kinds)


def _bar(x, value, kinds: dict) -> dict:
    return _along("bar", x, value, kinds)


def _along(kind: str, x: str, value, kinds: dict) -> dict:
    if value is None:
        return {"kind": kind, "x": x, "aggregate": "count"}
    return {"kind": kind, "x": x, "y": value, "aggregate": chart_meaning.usual_aggregate(value, kinds[value])}


def _map(pair: tuple, value, kinds: dict) -> dict:
    """Latitude against longitude; colored by the value where it is a decimal (whole numbers color as categories)."""
    color = value if value and kinds[value] == "decimal" else None
    return {"kind": "scatter", "x": pair[0], "y": pair[1], "color": color}


def _scatter(second: str, value, kinds: dict) -> dict:
    return {"kind": "scatter", "x": value, "y": second}


def _histogram(x: str, value, kinds: dict) -> dict:
    return {"kind": "histogram", "x": x}


# group -> (which columns belong to it, how they rank); "place", "value" and "second" are made in _groups.
_GROUPS = (
    ("measure", lambda h: h["kind"] in NUMBER and h["meaning"] in MEASURES, _measure_rank),
    ("time", lambda h: h["kind"] in TIME, _table_order),
    ("year", lambda h: h["kind"] in NUMBER and h["meaning"] == "year" and not _two_years(h), _table_order),
    ("category", lambda h: h["meaning"] == "category", _category_rank),
    ("repeated", lambda h: h["meaning"] == "category" and not h["unique"], _category_rank),
    ("part", lambda h: h["kind"] in NUMBER and (h["meaning"] == "part" or _two_years(h)), _table_order),
    ("code", lambda h: h["meaning"] == "id", _table_order),
    ("repeated_code", lambda h: h["meaning"] == "id" and not h["unique"], _table_order),
    ("number", lambda h: h["kind"] in NUMBER, _number_rank),
    ("label", lambda h: h["kind"] in ("text", "boolean"), _table_order),
)
# (group, chart builder): the first group a table has gives its first chart.
_WITH_VALUE = (
    ("time", _line),
    ("year", _line),
    ("place", _map),
    ("category", _bar),
    ("part", _bar),
    ("second", _scatter),
    ("code", _bar),
    ("value", _histogram),
)
_WITHOUT_VALUE = (
    ("place", _map),
    ("time", _line),
    ("year", _line),
    ("repeated", _bar),
    ("part", _bar),
    ("repeated_code", _bar),
    ("number", _histogram),
    ("label", _bar),
)
