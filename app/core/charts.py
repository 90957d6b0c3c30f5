"""Charts: the kinds of chart, fitting a chart to a table's columns, and the public entry points.

A chart is plain data, kept in the view state (the table state's ``"chart"``):

    {"kind": "bar", "x": "origin", "y": "delay", "color": None, "aggregate": "mean", "unit": "auto"}

``KINDS`` is the registry, one entry per kind (bar, line, area, scatter,
histogram, boxplot, heatmap), in the manner of marimo's chart builders:
the roles it uses (``x``, ``y``, ``color``) with the column kinds that fit
each, a data builder and a spec builder. Nothing reaches the browser
whole: groups are summarised, bins and time periods computed, quartiles
taken and big scatter plots sampled in DuckDB, so a chart of millions of
rows draws from a few hundred values (at most ``SAMPLE_ROWS``).
Categories past the top few are combined as "Other", and ``notes`` say on
screen how the data was reduced.

The work is split by responsibility; this module re-exports what callers use:
    chart_kinds   -- ``KINDS``: each kind's roles, the column kinds that fit them, its builders
    chart_axes    -- how a column becomes an axis: kinds, summaries, units, limits, labels, notes
    chart_sql     -- the SQL reducing a table to a grouped chart's data (one data builder per kind)
    chart_points  -- the data of scatter plots (sampled) and box plots (quartiles)
    chart_specs   -- the Vega-Lite encodings and titles (one spec builder per kind)
    chart_suggest -- the first chart of a table, from what its columns hold

Public API:
    suggest(columns, facts) -> chart or None  a sensible first chart from what the columns hold
    fields_for(kind, columns) -> {role: [column names]}
    roles(kind) -> [(role, label, required)]
    problem(chart, columns) -> message or None
    fitted(chart, columns, changed) -> chart  every role filled with a column that fits
    chart_data(source, columns, chart)     steps -> data {chart, values, axes, notes, rows}
    vega_lite(data, export) -> spec
    title(data), summary(data) -> text     the title; what the chart shows, for screen readers
    file_name(table, extension) -> text

Runs under MicroPython and CPython (see README.md).
"""

from app.core import chart_axes, chart_kinds, chart_meaning, chart_points, chart_specs, chart_suggest, errors

# Re-exported: callers (app.ui.panels.chart_panel, the tests) use them as charts.X.
NUMBER, TIME, AGGREGATES, UNITS = chart_axes.NUMBER, chart_axes.TIME, chart_axes.AGGREGATES, chart_axes.UNITS
MEASURES = chart_meaning.MEASURES
TOP_BARS, TOP_COLORS, TOP_CELLS, TOP_BOXES = (
    chart_axes.TOP_BARS,
    chart_axes.TOP_COLORS,
    chart_axes.TOP_CELLS,
    chart_axes.TOP_BOXES,
)
BINS, PERIODS = chart_axes.BINS, chart_axes.PERIODS
EMPTY_LABEL, OTHER_LABEL = chart_axes.EMPTY_LABEL, chart_axes.OTHER_LABEL
SAMPLE_ROWS, SAMPLE_SEED = chart_points.SAMPLE_ROWS, chart_points.SAMPLE_SEED
ChartError = errors.ChartError

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

ANY_AXIS = chart_axes.ANY_AXIS
KINDS, ORDER, CATEGORY = chart_kinds.KINDS, chart_kinds.ORDER, chart_kinds.CATEGORY

HEIGHT = 240  # on screen: the table below keeps most of the page
EXPORT_WIDTH = 800
EXPORT_HEIGHT = 400

AGGREGATE_ORDER = ("count", "sum", "mean", "min", "max")
_FOLLOWING = ("count", "sum", "mean")  # summaries that follow the value chosen (sum of rain, mean of temperature)
UNIT_ORDER = ("auto", "year", "quarter", "month", "week", "day", "hour", "minute", "second")
_KIND_WORDS = {
    "text": "text",
    "boolean": "true/false",
    "integer": "whole number",
    "decimal": "number",
    "date": "date",
    "timestamp": "date and time",
}


# --- public API -----------------------------------------------------------------


def suggest(columns: list, facts=None):
    """A first chart for a table, from what its columns hold (None when nothing fits).

    ``facts`` is optional: ``{column name: its profile}`` (app.core.profile's,
    for some or all columns). Without it names and kinds decide alone; the
    rules are app.core.chart_suggest's.
    """
    chart = chart_suggest.first_chart(columns, facts or {})
    if chart is None and facts:
        chart = chart_suggest.first_chart(columns, {})
    return fitted(chart, columns) if chart else None


def roles(kind: str) -> list:
    """``[(role, label, required)]`` of a chart kind, in the order a form shows them."""
    return [(r[0], r[1], r[3]) for r in _entry(kind)["roles"]]


def fields_for(kind: str, columns: list) -> dict:
    """``{role: [column names that fit it]}`` for each role ``kind`` uses."""
    out = {}
    for role, _label, kinds, _required in _entry(kind)["roles"]:
        out[role] = [c["name"] for c in columns if c["kind"] in kinds]
    return out


def aggregates(kind: str) -> list:
    """The summaries a kind offers (none for scatter, histogram and box plots)."""
    return list(AGGREGATE_ORDER) if _entry(kind)["value"] else []


def normalized(chart: dict) -> dict:
    """``chart`` with every key present: None where a role is unset, ``unit`` 'auto' by default."""
    out = {"kind": None, "x": None, "y": None, "color": None, "aggregate": None, "unit": "auto"}
    for key in out:
        if chart.get(key) not in (None, ""):
            out[key] = chart[key]
    return out


def problem(chart, columns: list):
    """Why ``chart`` cannot be drawn from ``columns``, worded for a person (None when it can)."""
    if not isinstance(chart, dict):
        return "A chart is described by an object such as {kind: 'bar', x: 'weather'}."
    kind = chart.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        return (
            "Unknown chart kind '"
            + str(kind)
            + "'; choose one of "
            + ", ".join([KINDS[k]["label"].lower() for k in ORDER])
            + "."
        )
    entry = KINDS[kind]
    found = chart_axes.kinds_by_name(columns)
    for role, _label, kinds, required in entry["roles"]:
        name = chart.get(role)
        if name in (None, ""):
            if required and not [c for c in columns if c["kind"] in kinds]:
                return (
                    "This table has no "
                    + _wanted(kinds)
                    + " column for "
                    + role
                    + " of a "
                    + entry["label"].lower()
                    + " chart; choose another kind of chart."
                )
            if required:
                return "Choose " + _a(_wanted(kinds)) + " column for " + role + "."
            continue
        if not isinstance(name, str) or name not in found:
            return (
                "This table has no column named '"
                + str(name)
                + "' for "
                + role
                + "; choose one of its columns for the chart."
            )
        if found[name] not in kinds:
            return (
                "Choose "
                + _a(_wanted(kinds))
                + " column for "
                + role
                + ": '"
                + name
                + "' is "
                + _KIND_WORDS.get(found[name], found[name])
                + "."
            )
    value = entry["value"]
    if value:
        aggregate = chart.get("aggregate") or _default_aggregate(chart, value)
        if aggregate not in AGGREGATES:
            return "Unknown summary '" + str(aggregate) + "'; choose " + ", ".join(AGGREGATE_ORDER) + "."
        if aggregate != "count" and not chart.get(value):
            return (
                "Choose a number column for "
                + value
                + " to take its "
                + AGGREGATES[aggregate][1]
                + ", or summarise by count."
            )
    unit = chart.get("unit") or "auto"
    if unit not in UNIT_ORDER:
        return "Unknown time unit '" + str(unit) + "'; choose " + ", ".join(UNIT_ORDER) + "."
    return None


def checked(chart, columns: list) -> dict:
    """``chart`` normalized, or ChartError saying what to change."""
    found = problem(chart, columns)
    if found:
        raise ChartError(found)
    out = normalized(chart)
    entry = KINDS[out["kind"]]
    used = [r[0] for r in entry["roles"]]
    for role in ("x", "y", "color"):
        if role not in used:
            out[role] = None
    out["aggregate"] = (out["aggregate"] or _default_aggregate(out, entry["value"])) if entry["value"] else None
    return out


def fitted(chart: dict, columns: list, changed=None) -> dict:
    """``chart`` made drawable after a person changed ``changed`` (a key) in a form.

    Each role keeps its column if it fits the kind; a required role left
    empty gets the first fitting column not used elsewhere (measures before
    years and IDs); a summary other than count needs a number, so choosing
    one fills the value role, and clearing the value role makes the summary
    a count. Choosing the value takes its usual summary (amounts summed,
    levels averaged) unless the minimum or maximum was chosen.
    """
    out = normalized(chart)
    if out["kind"] not in KINDS:
        out["kind"] = "bar"
    entry = KINDS[out["kind"]]
    fits = fields_for(out["kind"], columns)
    used = [r[0] for r in entry["roles"]]
    for role in ("x", "y", "color"):
        if role not in used or out[role] not in fits.get(role, []):
            out[role] = None
    for role, _label, kinds, required in entry["roles"]:
        if out[role] is None and required:
            taken = [out[r] for r in ("x", "y", "color") if out[r]]
            ranked = _preferred(fits[role], kinds, columns)
            free = [name for name in ranked if name not in taken]
            out[role] = (free or ranked or [None])[0]
    value = entry["value"]
    if not value:
        out["aggregate"] = None
    else:
        if out["aggregate"] not in AGGREGATES:
            out["aggregate"] = _default_aggregate(out, value)
        if out["aggregate"] != "count" and out[value] is None:
            numbers = [n for n in _preferred(fits[value], NUMBER, columns) if n != out["x"]]
            if changed == "aggregate" and numbers:
                out[value] = numbers[0]
            else:
                out["aggregate"] = "count"
        if changed == value and out[value] is not None and out["aggregate"] in _FOLLOWING:
            out["aggregate"] = chart_meaning.usual_aggregate(out[value], chart_axes.kinds_by_name(columns)[out[value]])
    if out["unit"] not in UNIT_ORDER:
        out["unit"] = "auto"
    return out


def chart_data(source: tuple, columns: list, chart: dict):
    """Steps: the reduced data of ``chart`` over ``source`` (``(from_sql, params)``, the view's rows).

    Returns ``{chart, values, axes, notes, rows}``: ``chart`` as drawn
    (defaults filled in), ``values`` what the spec draws (JSON-compatible
    dicts), ``axes`` each positional and color field, ``notes`` how the data
    was reduced.
    """
    chart = checked(chart, columns)
    data = yield from KINDS[chart["kind"]]["data"](source, chart_axes.kinds_by_name(columns), chart)
    data["chart"] = chart
    return data


def vega_lite(data: dict, export: bool = False) -> dict:
    """The Vega-Lite spec of a chart drawn from its ``data`` (``chart_data``'s result).

    On screen the chart fills its container's width and the notes are
    shown beside it; an ``export`` spec has a fixed width and carries the
    notes as its subtitle.
    """
    chart = data["chart"]
    spec = {
        "$schema": SCHEMA,
        "description": summary(data),
        "title": {"text": title(data), "anchor": "start"},
        "width": EXPORT_WIDTH if export else "container",
        "height": EXPORT_HEIGHT if export else HEIGHT,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": data["values"]},
        "config": {"aria": False},
    }  # type: dict
    if export:
        spec["autosize"] = {"type": "pad"}
        if data["notes"]:
            spec["title"]["subtitle"] = data["notes"]
    KINDS[chart["kind"]]["spec"](spec, chart, data)
    return spec


def title(data: dict) -> str:
    """The chart's title: ``'Mean of temp_max by date, per week'``."""
    chart = data["chart"]
    return KINDS[chart["kind"]]["title"](chart, data)


def summary(data: dict) -> str:
    """What the chart shows, in words (the chart's accessible description)."""
    chart = data["chart"]
    marks = len(data["values"])
    text = KINDS[chart["kind"]]["label"] + " chart: " + title(data) + ". "
    if not marks:
        return text + "Nothing to draw: " + " ".join(data["notes"])
    extremes = chart_specs.extremes(chart, data)
    return text + " ".join(([extremes] if extremes else []) + data["notes"])


def file_name(table: str, extension: str) -> str:
    """A safe download name: ``'seattle_weather-chart.png'``."""
    kept = []
    for ch in table:
        ok = ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9") or ch in "-_."
        kept.append(ch if ok else "_")
    stem = "".join(kept).strip("._") or "table"
    return stem[:80] + "-chart." + extension


# --- small helpers ------------------------------------------------------------------------


def _entry(kind: str) -> dict:
    found = KINDS.get(kind)
    if found is None:
        raise ChartError("Unknown chart kind '" + str(kind) + "'; choose one of " + ", ".join(ORDER) + ".")
    return found


def _default_aggregate(chart: dict, value) -> str:
    return "mean" if value and chart.get(value) else "count"


def _preferred(names: list, kinds: tuple, columns: list) -> list:
    """``names`` by the order of their kind in ``kinds`` (a role's likeliest kind first), then as in the
    table. A role for numbers (scatter, histogram, box plot) takes measures first, whole or not, then
    years, IDs and codes, then dates."""
    found = chart_axes.kinds_by_name(columns)
    numeric = kinds[0] in NUMBER
    order = {}
    for i, name in enumerate(names):
        order[name] = i

    def rank(name):  # the position breaks ties: MicroPython's sort is not stable
        kind = found[name]
        if not numeric:
            return (kinds.index(kind), order[name])
        return (kind not in NUMBER, chart_meaning.meaning(name, kind) not in MEASURES, order[name])

    return sorted(names, key=rank)


def _wanted(kinds: tuple) -> str:
    if tuple(kinds) == NUMBER:
        return "number"
    words = []
    for kind in kinds:
        word = "number" if kind in NUMBER else ("date" if kind in TIME else _KIND_WORDS[kind])
        if word not in words:
            words.append(word)
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def _a(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words
