"""Charts: the kinds of chart, the SQL that reduces a table to what a chart draws, and its Vega-Lite spec.

A chart is plain data, kept in the view state (the table state's ``"chart"``):

    {"kind": "bar", "x": "origin", "y": "delay", "color": None, "aggregate": "mean", "unit": "auto"}

``KINDS`` is the registry, one entry per kind (bar, line, area, scatter,
histogram, boxplot, heatmap), in the manner of marimo's chart builders:
the roles it uses (``x``, ``y``, ``color``) with the column kinds that fit
each, a data builder and a spec builder. A data builder is a step generator
(see app.core.catalog): it yields ``(sql, params)`` and returns the reduced
data. Nothing reaches the browser whole: groups are summarised, bins and
time periods computed, quartiles taken and big scatter plots sampled in
DuckDB, so a chart of millions of rows draws from a few hundred values
(at most ``SAMPLE_ROWS``). Categories past the top few are combined as
"Other", and ``notes`` say on screen how the data was reduced.

Grouped charts read the source once: a first pass groups it by every key
and keeps partial sums (count, sum, min, max); the top categories are
ranked on those groups and the rest folded into "Other" without reading
the rows again (one GROUP BY over 3M rows costs ~60 ms natively).

Public API:
    suggest(columns) -> chart or None      a sensible first chart from the column kinds
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

import math

from app.core import errors, fmt, profile, sql

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

NUMBER = ("integer", "decimal")
TIME = ("date", "timestamp")
CATEGORY = ("text", "boolean", "integer")
ANY_AXIS = ("text", "boolean", "integer", "decimal", "date", "timestamp")

TOP_BARS = 20  # categories along x; the rest are "Other"
TOP_COLORS = 9  # colors (+ "Other": the ten of Vega's category10)
TOP_CELLS = 30  # categories along each side of a heatmap
TOP_BOXES = 20  # boxes of a box plot (the largest groups)
BINS = {"histogram": 40, "line": 120, "area": 120, "heatmap": 30}
PERIODS = {"bar": 60, "line": 400, "area": 400, "heatmap": 40}  # most time periods along x
SAMPLE_ROWS = 5000  # scatter plots of more rows show a sample of this many
SAMPLE_SEED = 42
EMPTY_LABEL = "(empty)"
OTHER_LABEL = "Other"
HEIGHT = 240  # on screen: the table below keeps most of the page
EXPORT_WIDTH = 800
EXPORT_HEIGHT = 400
_VALUE_FORMAT = ",.6~r"

# aggregate -> (label, words for "the ... of y")
AGGREGATES = {
    "count": ("Count of rows", "count"),
    "sum": ("Sum", "sum"),
    "mean": ("Mean", "mean"),
    "min": ("Minimum", "minimum"),
    "max": ("Maximum", "maximum"),
}
AGGREGATE_ORDER = ("count", "sum", "mean", "min", "max")

# unit -> (approximate seconds, DuckDB interval, Vega axis format, date_trunc call). The call is
# SQL text from this registry, never from input: date_trunc with the part as a parameter cost
# 95 ms against 35 ms with a constant (3M rows, one thread).
UNITS = {
    "second": (1, "1 second", "%H:%M:%S", "date_trunc('second', "),
    "minute": (60, "1 minute", "%H:%M", "date_trunc('minute', "),
    "hour": (3600, "1 hour", "%d %b %H:00", "date_trunc('hour', "),
    "day": (86400, "1 day", "%d %b %Y", "date_trunc('day', "),
    "week": (604800, "7 days", "%d %b %Y", "date_trunc('week', "),
    "month": (2629746, "1 month", "%b %Y", "date_trunc('month', "),
    "quarter": (7889238, "3 months", "Q%q %Y", "date_trunc('quarter', "),
    "year": (31556952, "1 year", "%Y", "date_trunc('year', "),
}
UNIT_ORDER = ("auto", "year", "quarter", "month", "week", "day", "hour", "minute", "second")
_KIND_WORDS = {"text": "text", "boolean": "true/false", "integer": "whole number", "decimal": "number",
               "date": "date", "timestamp": "date and time"}


class ChartError(errors.LoupeError):
    """A chart that cannot be drawn as described; the message says what to choose instead."""


# --- public API -----------------------------------------------------------------

def suggest(columns: list):
    """A first chart for a table, from its column kinds (None when nothing fits).

    A date and a number: a line over time; text and a number: a bar of the
    top categories; two numbers: a scatter plot; one number: a histogram.
    """
    numbers = [c["name"] for c in columns if c["kind"] in NUMBER and not _id_like(c["name"])]
    numbers = numbers or [c["name"] for c in columns if c["kind"] in NUMBER]
    times = [c["name"] for c in columns if c["kind"] in TIME]
    texts = [c["name"] for c in columns if c["kind"] in ("text", "boolean")]
    kinds = _kinds_by_name(columns)
    if times and numbers:
        chart = {"kind": "line", "x": times[0], "y": numbers[0], "aggregate": _usual(kinds[numbers[0]])}
    elif texts and numbers:
        chart = {"kind": "bar", "x": texts[0], "y": numbers[0], "aggregate": _usual(kinds[numbers[0]])}
    elif len(numbers) > 1:
        chart = {"kind": "scatter", "x": numbers[0], "y": numbers[1]}
    elif numbers:
        chart = {"kind": "histogram", "x": numbers[0]}
    elif texts:
        chart = {"kind": "bar", "x": texts[0], "aggregate": "count"}
    elif times:
        chart = {"kind": "line", "x": times[0], "aggregate": "count"}
    else:
        return None
    return fitted(chart, columns)


def roles(kind: str) -> list:
    """``[(role, label, required)]`` of a chart kind, in the order a form shows them."""
    return [(r[0], r[1], r[3]) for r in _entry(kind)["roles"]]


def fields_for(kind: str, columns: list) -> dict:
    """``{role: [column names that fit it]}`` for each role ``kind`` uses."""
    out = {}
    for role, label, kinds, required in _entry(kind)["roles"]:
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
        return ("Unknown chart kind '" + str(kind) + "'; choose one of "
                + ", ".join([KINDS[k]["label"].lower() for k in ORDER]) + ".")
    entry = KINDS[kind]
    found = _kinds_by_name(columns)
    for role, label, kinds, required in entry["roles"]:
        name = chart.get(role)
        if name in (None, ""):
            if required and not [c for c in columns if c["kind"] in kinds]:
                return ("This table has no " + _wanted(kinds) + " column for " + role + " of a "
                        + entry["label"].lower() + " chart; choose another kind of chart.")
            if required:
                return "Choose " + _a(_wanted(kinds)) + " column for " + role + "."
            continue
        if not isinstance(name, str) or name not in found:
            return ("This table has no column named '" + str(name) + "' for " + role
                    + "; choose one of its columns for the chart.")
        if found[name] not in kinds:
            return ("Choose " + _a(_wanted(kinds)) + " column for " + role + ": '" + name + "' is "
                    + _KIND_WORDS.get(found[name], found[name]) + ".")
    value = entry["value"]
    if value:
        aggregate = chart.get("aggregate") or _default_aggregate(chart, value)
        if aggregate not in AGGREGATES:
            return ("Unknown summary '" + str(aggregate) + "'; choose " + ", ".join(AGGREGATE_ORDER) + ".")
        if aggregate != "count" and not chart.get(value):
            return ("Choose a number column for " + value + " to take its " + AGGREGATES[aggregate][1]
                    + ", or summarise by count.")
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
    empty gets the first fitting column not used elsewhere; a summary other
    than count needs a number, so choosing one fills the value role, and
    clearing the value role makes the summary a count.
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
    for role, label, kinds, required in entry["roles"]:
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
            numbers = [n for n in fits[value] if n != out["x"]]
            if changed == "aggregate" and numbers:
                out[value] = numbers[0]
            else:
                out["aggregate"] = "count"
        if changed == value and out[value] is not None and out["aggregate"] == "count":
            out["aggregate"] = _usual(_kinds_by_name(columns)[out[value]])
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
    data = yield from KINDS[chart["kind"]]["data"](source, _kinds_by_name(columns), chart)
    data["chart"] = chart
    return data


def vega_lite(data: dict, export: bool = False) -> dict:
    """The Vega-Lite spec of a chart drawn from its ``data`` (``chart_data``'s result).

    On screen the chart fills its container's width and the notes are
    shown beside it; an ``export`` spec has a fixed width and carries the
    notes as its subtitle.
    """
    chart = data["chart"]
    spec = {"$schema": SCHEMA, "description": summary(data),
            "title": {"text": title(data), "anchor": "start"},
            "width": EXPORT_WIDTH if export else "container", "height": EXPORT_HEIGHT if export else HEIGHT,
            "autosize": {"type": "fit-x", "contains": "padding"},
            "data": {"values": data["values"]}, "config": {"aria": False}}  # type: dict
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
    extremes = _extremes(chart, data)
    return text + " ".join(([extremes] if extremes else []) + data["notes"])


def file_name(table: str, extension: str) -> str:
    """A safe download name: ``'seattle_weather-chart.png'``."""
    kept = []
    for ch in table:
        ok = ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("0" <= ch <= "9") or ch in "-_."
        kept.append(ch if ok else "_")
    stem = "".join(kept).strip("._") or "table"
    return stem[:80] + "-chart." + extension


# --- data builders: one per kind, each a step generator ---------------------------

def _bar_data(source, kinds, chart):
    """Bars: one per category of x (the top ``TOP_BARS`` by the summary, the rest as 'Other')
    or per time period; stacked or side by side by color."""
    x = _category_or_time(chart, kinds, "x", TOP_BARS, "value", PERIODS["bar"])
    keys = [x] + _color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, chart["y"], chart["aggregate"]))


def _line_data(source, kinds, chart):
    """Lines (and areas): the summary of y per time period or per bin of x, one line per color."""
    if kinds[chart["x"]] in TIME:
        x = _time_axis("x", chart["x"], kinds[chart["x"]], chart["unit"], PERIODS[chart["kind"]])
    else:
        x = _bins_axis("x", chart["x"], kinds[chart["x"]], BINS[chart["kind"]])
    x["band"] = False  # points along x, not bars spanning a period or bin
    keys = [x] + _color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, chart["y"], chart["aggregate"]))


def _histogram_data(source, kinds, chart):
    """A histogram: rows per bin of x, over nicely rounded edges, stacked by color."""
    keys = [_bins_axis("x", chart["x"], kinds[chart["x"]], BINS["histogram"])] + _color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, None, "count"))


def _heatmap_data(source, kinds, chart):
    """A heatmap: the summary of color (or the row count) per cell of x by y; numbers binned,
    times by period, text by its top values."""
    keys = [_heatmap_axis(chart, kinds, "x"), _heatmap_axis(chart, kinds, "y")]
    return (yield from _grouped(source, kinds, keys, chart["color"], chart["aggregate"]))


def _scatter_data(source, kinds, chart):
    """Points: every row, or a reservoir sample of ``SAMPLE_ROWS`` drawn in DuckDB (fixed seed)."""
    raws = [_raw_number_or_time(chart["x"], kinds[chart["x"]]) + " AS a1",
            "CAST(" + sql.quote_ident(chart["y"]) + " AS DOUBLE) AS a2"]
    color = chart["color"]
    if color:
        raws.append(_raw_color(color, kinds[color]) + " AS a3")
    values = _values(source, raws)
    valid = "isfinite(a1) AND isfinite(a2)"
    counted = yield ("FROM " + values[0] + " SELECT count(*), count(*) FILTER (WHERE " + valid + ")", values[1])
    total, kept = _int(counted["rows"][0][0]), _int(counted["rows"][0][1])
    x_out = "epoch_ms(a1)::DOUBLE" if kinds[chart["x"]] in TIME else "a1"
    text = ("SELECT " + x_out + ", a2" + (", a3" if color else "") + " FROM (FROM " + values[0]
            + " SELECT * WHERE " + valid + ") AS loupe_points")
    sampled = kept > SAMPLE_ROWS
    if sampled:
        # DuckDB takes only constants in a sample clause: these are this module's, never data.
        text += " USING SAMPLE reservoir(" + str(int(SAMPLE_ROWS)) + " ROWS) REPEATABLE (" + str(int(SAMPLE_SEED)) + ")"
    result = yield (text, values[1])
    points = []
    for row in result["rows"]:  # finite numbers already: the query kept only those
        point = {"x": row[0], "y": row[1]}
        if color:
            point["color"] = row[2]
        points.append(point)
    axes = {"x": _point_axis("x", chart["x"], kinds[chart["x"]]), "y": _point_axis("y", chart["y"], "decimal")}
    notes = []
    if sampled:
        notes.append("A sample of " + fmt.thousands(len(points)) + " of " + fmt.thousands(kept)
                     + " rows, drawn in DuckDB.")
    elif points:
        notes.append(fmt.thousands(len(points)) + (" point" if len(points) == 1 else " points") + ", one per row.")
    if color:
        axes["color"] = _scatter_colors(points, color, kinds[color], notes)
    both = chart["x"] if chart["x"] == chart["y"] else chart["x"] + " or " + chart["y"]
    _left_out(notes, total - kept, both)
    if not points:
        notes = ["No rows to chart: " + ("no row has a value of " + both if total else "this view has no rows") + "."]
    return {"values": points, "axes": axes, "notes": notes, "rows": kept}


def _boxplot_data(source, kinds, chart):
    """Boxes: quartiles of y per group of x (the ``TOP_BOXES`` largest groups), whiskers at the
    furthest values within 1.5 × IQR, computed in DuckDB; outliers are counted, not drawn."""
    x = chart["x"]
    key = sql.quote_ident(x) if x else "NULL"
    values = _values(source, [key + " AS k1", "CAST(" + sql.quote_ident(chart["y"]) + " AS DOUBLE) AS v"])
    # Quartiles per group first (the largest groups), then one more pass over the rows for the
    # whiskers, grouped by the box's number (grouping by every box column cost 1 s on 3M rows).
    text = ("WITH loupe_v AS NOT MATERIALIZED (FROM " + values[0] + " SELECT k1, v WHERE isfinite(v)), "
            "loupe_q AS (FROM (SELECT k1, count(*) AS n, min(v) AS lo, max(v) AS hi, avg(v) AS mean, "
            "quantile_cont(v, [0.25, 0.5, 0.75]) AS q, "
            "row_number() OVER (ORDER BY count(*) DESC, k1 NULLS LAST) AS r, count(*) OVER () AS groups "
            "FROM loupe_v GROUP BY k1) AS loupe_boxes "
            "SELECT *, q[1] - 1.5 * (q[3] - q[1]) AS fence_lo, q[3] + 1.5 * (q[3] - q[1]) AS fence_hi WHERE r <= ?), "
            "loupe_w AS (SELECT loupe_q.r, min(loupe_v.v) FILTER (WHERE loupe_v.v >= fence_lo) AS low, "
            "max(loupe_v.v) FILTER (WHERE loupe_v.v <= fence_hi) AS high, "
            "count(*) FILTER (WHERE loupe_v.v < fence_lo OR loupe_v.v > fence_hi) AS outliers "
            "FROM loupe_q JOIN loupe_v ON loupe_v.k1 IS NOT DISTINCT FROM loupe_q.k1 GROUP BY loupe_q.r) "
            "SELECT k1, n::DOUBLE, lo, q[1], q[2], q[3], hi, mean, groups::DOUBLE, r::DOUBLE, "
            "low, high, outliers::DOUBLE "
            "FROM loupe_q JOIN loupe_w USING (r) ORDER BY r")
    counted = yield ("FROM " + values[0] + " SELECT count(*), count(*) FILTER (WHERE isfinite(v))", values[1])
    total, kept = _int(counted["rows"][0][0]), _int(counted["rows"][0][1])
    result = yield (text, values[1] + [TOP_BOXES])
    boxes = []
    groups = 0
    outliers = 0
    for row in result["rows"]:
        groups = _int(row[8])
        outliers += _int(row[12])
        boxes.append({"x": row[0], "n": _int(row[1]), "min": _float(row[2]), "q1": _float(row[3]),
                      "median": _float(row[4]), "q3": _float(row[5]), "max": _float(row[6]),
                      "mean": _float(row[7]), "low": _float(row[10]), "high": _float(row[11]),
                      "outliers": _int(row[12])})
    axis = {"role": "x", "name": x, "mode": "category", "kind": kinds[x] if x else "text"}
    if x:
        axis["labels"] = _label_boxes(boxes, kinds[x])
        axis["groups"] = groups
    else:
        for box in boxes:
            box["x"] = chart["y"]
        axis["labels"] = [chart["y"]] if boxes else []
    notes = ["Quartiles computed in DuckDB from " + fmt.thousands(kept) + " rows."]
    if x and groups > len(boxes):
        notes.append("The " + str(len(boxes)) + " largest of " + fmt.thousands(groups) + " groups of " + x + ".")
    notes.append("Whiskers reach the furthest values within 1.5 × IQR"
                 + ("; " + fmt.thousands(outliers) + " outliers are not drawn." if outliers else "."))
    _left_out(notes, total - kept, chart["y"])
    if not boxes:
        notes = ["No rows to chart: " + ("no row has a value of " + chart["y"] if total
                                         else "this view has no rows") + "."]
    return {"values": boxes, "axes": {"x": axis}, "notes": notes, "rows": kept}


# --- axes: how a column becomes the keys of a grouped chart -------------------------

def _category_or_time(chart, kinds, role, limit, rank, periods):
    name = chart[role]
    if kinds[name] in TIME:
        return _time_axis(role, name, kinds[name], chart["unit"], periods)
    return _category_axis(role, name, kinds[name], limit, rank)


def _heatmap_axis(chart, kinds, role):
    name = chart[role]
    kind = kinds[name]
    if kind in TIME:
        return _time_axis(role, name, kind, chart["unit"], PERIODS["heatmap"])
    if kind in NUMBER:
        return _bins_axis(role, name, kind, BINS["heatmap"])
    return _category_axis(role, name, kind, TOP_CELLS, "count")


def _color_axis(chart, kinds) -> list:
    name = chart["color"]
    return [_category_axis("color", name, kinds[name], TOP_COLORS, "count")] if name else []


def _category_axis(role, name, kind, limit, rank) -> dict:
    """Values as they are; past the top ``limit`` (by the summary or by rows), 'Other'."""
    return {"role": role, "name": name, "kind": kind, "mode": "category", "limit": limit, "rank": rank}


def _bins_axis(role, name, kind, bins) -> dict:
    """Numbers in about ``bins`` bins of a round width (whole widths for whole numbers)."""
    return {"role": role, "name": name, "kind": kind, "mode": "bins", "bins": bins}


def _time_axis(role, name, kind, unit, periods) -> dict:
    """Dates and times by period: ``unit``, or with 'auto' the finest giving at most ``periods``."""
    return {"role": role, "name": name, "kind": kind, "mode": "time", "unit": unit, "periods": periods}


def _point_axis(role, name, kind) -> dict:
    return {"role": role, "name": name, "kind": kind, "mode": "time" if kind in TIME else "number"}


# --- the grouped query ----------------------------------------------------------------

def _grouped(source, kinds, keys, value, aggregate):
    """Steps: the summary of ``value`` (None: rows) per combination of ``keys`` (axes).

    Binned and time axes first need the range of their column (one query),
    which also counts the rows they leave out (no value); then one query
    groups, ranks the categories and folds the rest into 'Other'.
    """
    raws = [_raw(axis) + " AS a" + str(i + 1) for i, axis in enumerate(keys)]
    if value is not None:
        raws.append(_raw_value(value, kinds[value]) + " AS v")
    values = _values(source, raws)
    ranged = [(i, axis) for i, axis in enumerate(keys) if axis["mode"] != "category"]
    notes = []  # type: list
    left_out = 0
    if ranged:
        left_out = yield from _ranges(values, ranged)
    text, params, layout = _grouped_query(values, keys, value is not None, aggregate)
    result = yield (text, params)
    cells = _cells(result["rows"], keys, layout, value is not None)
    names = []  # per key axis: {key: label} for categories, {ms: label} for periods
    for i, axis in enumerate(keys):
        names.append(_category_labels(_ranked_keys(cells, i), axis) if axis["mode"] == "category" else {})
    rows = 0
    out = []
    for cell in cells:
        rows += cell["rows"]
        record = {"value": _aggregated(cell, aggregate)}
        if aggregate != "count":
            record["rows"] = cell["rows"]
        for i, axis in enumerate(keys):
            _set_key(record, axis, cell["keys"][i], names[i])
        out.append(record)
    axes = {}
    for axis in keys:
        axes[axis["role"]] = axis
    if out:
        shapes = [_axis_shape(axis) for axis in keys if axis["mode"] != "category"]
        notes.append("Summarised in DuckDB from " + fmt.thousands(rows) + (" row" if rows == 1 else " rows")
                     + (": " + ", ".join(shapes) if shapes else "") + ".")
    for axis in keys:
        cut = _cut_note(axis, aggregate, value)
        if cut:
            notes.append(cut)
    if left_out:
        _left_out(notes, left_out, " or ".join([a["name"] for i, a in ranged]))
    if not out:
        notes = ["No rows to chart: " + ("no row has a value of " + " or ".join([a["name"] for i, a in ranged])
                                         if left_out else "this view has no rows") + "."]
    return {"values": out, "axes": axes, "notes": notes, "rows": rows, "value": value, "aggregate": aggregate}


def _ranges(values, ranged):
    """Steps: set each binned or time axis's edges from its column's range; return rows left out."""
    select = ["count(*)", "count(*) FILTER (WHERE " + " AND ".join(["isfinite(a" + str(i + 1) + ")"
                                                                    for i, a in ranged]) + ")"]
    for i, axis in ranged:
        alias = "a" + str(i + 1)
        only = " FILTER (WHERE isfinite(" + alias + "))"
        if axis["mode"] == "time":
            select += ["epoch(min(" + alias + ")" + only + ")", "epoch(max(" + alias + ")" + only + ")"]
        else:
            select += ["min(" + alias + ")" + only, "max(" + alias + ")" + only]
    result = yield ("FROM " + values[0] + " SELECT " + ", ".join(select), values[1])
    row = result["rows"][0]
    for n, pair in enumerate(ranged):
        axis = pair[1]
        lo, hi = _float(row[2 + 2 * n]), _float(row[3 + 2 * n])
        if axis["mode"] == "time":
            axis["unit"] = _unit(axis, lo, hi)
        else:
            _set_bins(axis, lo, hi)
    return _int(row[0]) - _int(row[1])


def _grouped_query(values, keys, has_value, aggregate) -> tuple:
    """``(sql, params, layout)``: layout names the result's leading columns, per key axis."""
    text = "WITH loupe_g AS MATERIALIZED (FROM (FROM " + values[0] + " SELECT "
    params = list(values[1])
    valid = []
    for i, axis in enumerate(keys):
        n = str(i + 1)
        if axis["mode"] == "bins":
            text += "CAST(floor((a" + n + " - ?) / ?) AS BIGINT) AS k" + n + ", "
            params += [float(axis["start"]), float(axis["step"])]
        elif axis["mode"] == "time":
            text += UNITS[axis["unit"]][3] + "a" + n + ") AS k" + n + ", "
        else:
            text += "a" + n + " AS k" + n + ", "
        if axis["mode"] != "category":
            valid.append("isfinite(a" + n + ")")
    text += "count(*) AS n" + (", count(v) AS nv, sum(v) AS s, min(v) AS lo, max(v) AS hi" if has_value else "")
    if valid:
        text += " WHERE " + " AND ".join(valid)
    text += " GROUP BY ALL) AS loupe_groups SELECT "
    for i, axis in enumerate(keys):
        n = str(i + 1)
        if axis["mode"] == "time":
            text += ("epoch_ms(k" + n + ")::DOUBLE AS k" + n + ", "
                     + "epoch_ms(k" + n + " + CAST(? AS INTERVAL))::DOUBLE AS e" + n + ", ")
            params.append(UNITS[axis["unit"]][1])
        else:
            text += "k" + n + ", "
    text += "n" + (", nv, s, lo, hi" if has_value else "") + ")"
    joins = ""
    outs = []
    layout = []  # type: list
    for i, axis in enumerate(keys):
        n = str(i + 1)
        if axis["mode"] == "category":
            rank = _PARTIAL_SQL[aggregate if axis["rank"] == "value" else "count"]
            text += (", loupe_r" + n + " AS (FROM (SELECT k" + n + ", row_number() OVER (ORDER BY " + rank
                     + " DESC NULLS LAST, k" + n + " NULLS LAST) AS r, count(*) OVER () AS groups"
                     + " FROM loupe_g GROUP BY k" + n + ") AS loupe_ranked"
                     + " SELECT k" + n + ", r, groups, r <= ? AS keep)")
            params.append(int(axis["limit"]))
            joins += " JOIN loupe_r" + n + " ON loupe_g.k" + n + " IS NOT DISTINCT FROM loupe_r" + n + ".k" + n
            outs += ["CASE WHEN loupe_r" + n + ".keep THEN loupe_g.k" + n + " END", "NOT loupe_r" + n + ".keep"]
            layout.append((axis["role"], ("value", "other")))
        elif axis["mode"] == "time":
            outs += ["loupe_g.k" + n, "loupe_g.e" + n]
            layout.append((axis["role"], ("start", "end")))
        else:
            outs.append("CAST(loupe_g.k" + n + " AS DOUBLE)")
            layout.append((axis["role"], ("bin",)))
    groups = ", ".join([str(i + 1) for i in range(len(outs))])
    partials = ["sum(loupe_g.n)::DOUBLE"]
    if has_value:
        partials += ["sum(loupe_g.nv)::DOUBLE", "sum(loupe_g.s)", "min(loupe_g.lo)", "max(loupe_g.hi)"]
    for i, axis in enumerate(keys):
        if axis["mode"] == "category":
            n = str(i + 1)
            partials += ["max(loupe_r" + n + ".groups)::DOUBLE", "min(loupe_r" + n + ".r)::DOUBLE"]
    text += (" SELECT " + ", ".join(outs + partials) + " FROM loupe_g" + joins
             + " GROUP BY " + groups + " ORDER BY " + groups)
    return text, params, layout


# Summaries over the partial groups (loupe_g): used to rank categories.
_PARTIAL_SQL = {
    "count": "sum(loupe_g.n)",
    "sum": "sum(loupe_g.s)",
    "mean": "sum(loupe_g.s) / nullif(sum(loupe_g.nv), 0)",
    "min": "min(loupe_g.lo)",
    "max": "max(loupe_g.hi)",
}


def _cells(rows, keys, layout, has_value) -> list:
    """The grouped result as ``[{keys: [key per axis], rows, nv, s, lo, hi, ranks: [rank per axis]}]``.

    Rounding can put a value at a bin's edge one bin past either end; such
    a cell is merged into the end bin (the partial sums merge exactly).
    """
    binned = [i for i, axis in enumerate(keys) if axis["mode"] == "bins"]
    spans = []
    at = 0
    for role, fields in layout:
        spans.append((at, at + len(fields)))
        at += len(fields)
    ranked = [(i, at + (5 if has_value else 1) + 2 * n) for n, i in
              enumerate([i for i, axis in enumerate(keys) if axis["mode"] == "category"])]
    merged = {}  # type: dict
    out = []
    for row in rows:
        found = [tuple(row[a:b]) for a, b in spans]
        for i in binned:
            found[i] = (min(max(_int(found[i][0]), 0), keys[i]["count"] - 1),)
        cell = {"keys": found, "rows": _int(row[at]), "nv": 0, "s": None, "lo": None, "hi": None,
                "ranks": [0] * len(keys)}  # type: dict
        if has_value:
            cell["nv"], cell["s"], cell["lo"], cell["hi"] = _int(row[at + 1]), row[at + 2], row[at + 3], row[at + 4]
        for i, where in ranked:
            keys[i]["groups"] = _int(row[where])
            cell["ranks"][i] = _int(row[where + 1])
        if binned:
            token = tuple(found)
            if token in merged:
                _merge(merged[token], cell)
                continue
            merged[token] = cell
        out.append(cell)
    return out


def _merge(into: dict, cell: dict) -> None:
    into["rows"] += cell["rows"]
    into["nv"] += cell["nv"]
    if cell["s"] is not None:
        into["s"] = cell["s"] + (into["s"] or 0.0)
    for key, pick in (("lo", min), ("hi", max)):
        if cell[key] is not None:
            into[key] = cell[key] if into[key] is None else pick(into[key], cell[key])


def _aggregated(cell: dict, aggregate: str):
    if aggregate == "count":
        return float(cell["rows"])
    if not cell["nv"]:
        return None
    if aggregate == "sum":
        return cell["s"]
    if aggregate == "mean":
        return cell["s"] / cell["nv"]
    return cell["lo"] if aggregate == "min" else cell["hi"]


def _set_key(record: dict, axis: dict, key: tuple, names: dict) -> None:
    """Put one cell's key for ``axis`` into a value record: its label, bin edges or period.

    ``names`` holds the labels of categories, and caches those of periods.
    """
    role = axis["role"]
    if axis["mode"] == "category":
        record[role] = names[key]
        return
    if axis["mode"] == "time":
        record[role] = key[0]
        if axis.get("band", True):
            record[role + "_end"] = key[1]
        if key[0] not in names:
            names[key[0]] = _time_label(key[0], axis["unit"])
        record[role + "_label"] = names[key[0]]
        return
    low = axis["start"] + key[0] * axis["step"]
    high = low + axis["step"]
    if not axis["whole"]:
        low, high = round(low, axis["decimals"]), round(high, axis["decimals"])
    record[role] = low
    if axis.get("band", True):
        record[role + "_end"] = high
    if axis["whole"] and axis["step"] == 1:
        record[role + "_label"] = profile.number_text(low)
    elif axis["whole"]:
        record[role + "_label"] = profile.number_text(low) + " – " + profile.number_text(high - 1)
    else:
        record[role + "_label"] = profile.number_text(low) + " – " + profile.number_text(high)


def _ranked_keys(cells: list, i: int) -> dict:
    """``{(value, is_other): rank}`` of the category keys of axis ``i``."""
    seen = {}
    for cell in cells:
        key = cell["keys"][i]
        if key not in seen:
            seen[key] = cell["ranks"][i]
    return seen


def _category_labels(seen: dict, axis: dict) -> dict:
    """``{(value, is_other): label}``; ``axis["labels"]`` in the order drawn.

    Text is drawn in rank order (largest first); numbers and true/false in
    their own order. 'Other' comes last; labels never collide with values.
    """
    taken = {}
    for key in seen:
        if not key[1] and key[0] is not None:
            taken[fmt.cell_text(key[0])] = True
    empty = _unused(EMPTY_LABEL, taken)
    other = _unused(OTHER_LABEL, taken)
    names = {}
    for key in seen:
        names[key] = other if key[1] else (empty if key[0] is None else fmt.cell_text(key[0]))
    ordered = sorted(seen.keys(), key=lambda k: _category_order(k, seen[k], axis["kind"]))
    axis["labels"] = [names[k] for k in ordered]
    axis["other"] = other
    axis["shown"] = len([k for k in ordered if not k[1]])
    return names


def _category_order(key: tuple, rank: int, kind: str) -> tuple:
    value, is_other = key
    if is_other:
        return (2, 0)
    if value is None:
        return (1, 0)
    if kind == "text":
        return (0, rank)
    if isinstance(value, str):  # a whole number past 2^53 comes from the browser as text
        try:
            return (0, int(value))
        except ValueError:
            return (0, rank)
    return (0, int(value) if isinstance(value, bool) else value)


def _label_boxes(boxes: list, kind: str) -> list:
    taken = {}
    for box in boxes:
        if box["x"] is not None:
            taken[fmt.cell_text(box["x"])] = True
    empty = _unused(EMPTY_LABEL, taken)
    for box in boxes:
        box["x"] = empty if box["x"] is None else fmt.cell_text(box["x"])
    return [b["x"] for b in boxes]


def _scatter_colors(points: list, name: str, kind: str, notes: list) -> dict:
    """Colors of sampled points: numbers as a scale, categories as their top values (in the sample)."""
    if kind == "decimal":
        return {"role": "color", "name": name, "kind": kind, "mode": "number"}
    counts = {}  # type: dict
    for point in points:
        counts[point["color"]] = counts.get(point["color"], 0) + 1
    ranked = sorted(counts.keys(), key=lambda v: (-counts[v], v is None, fmt.cell_text(v)))
    seen = {}
    keys = {}
    for i, value in enumerate(ranked):
        key = (value, False) if i < TOP_COLORS else (None, True)
        keys[value] = key
        if key not in seen:
            seen[key] = i + 1
    axis = _category_axis("color", name, kind, TOP_COLORS, "count")
    names = _category_labels(seen, axis)
    for point in points:
        point["color"] = names[keys[point["color"]]]
    if len(ranked) > TOP_COLORS:
        notes.append("Colors: the " + str(TOP_COLORS) + " commonest of " + fmt.thousands(len(ranked)) + " values of "
                     + name + "; the rest are '" + axis["other"] + "'.")
    return axis


def _axis_shape(axis: dict) -> str:
    """How a binned or time axis grouped its column: ``'delay in 31 bins of 50'``, ``'date by week'``."""
    if axis["mode"] == "bins":
        return (axis["name"] + " in " + str(axis["count"]) + (" bin" if axis["count"] == 1 else " bins")
                + " of " + profile.number_text(axis["step"]))
    return axis["name"] + " by " + axis["unit"]


def _cut_note(axis: dict, aggregate: str, value):
    """The note of a category axis that kept only its top values (None when it kept them all)."""
    if axis["mode"] != "category" or axis.get("groups", 0) <= axis.get("shown", 0) \
            or axis.get("other") not in axis.get("labels", []):
        return None
    by = "rows"
    if axis["rank"] == "value" and aggregate != "count":
        by = AGGREGATES[aggregate][1] + " of " + str(value)
    return ("Top " + str(axis["shown"]) + " of " + fmt.thousands(axis["groups"]) + " values of " + axis["name"]
            + " (by " + by + "); the rest are combined as '" + axis["other"] + "'.")


def _left_out(notes: list, count: int, what: str) -> None:
    if count > 0:
        notes.append(fmt.thousands(count) + (" row" if count == 1 else " rows") + " without a value of "
                     + what + (" is" if count == 1 else " are") + " left out.")


# --- column expressions -----------------------------------------------------------------

def _values(source: tuple, raws: list) -> tuple:
    """The source's rows reduced to the chart's columns (``a1``, ``a2``, ``v`` ...): ``(from_sql, params)``."""
    from_sql, params = source
    return "(SELECT " + ", ".join(raws) + " FROM " + from_sql + ") AS loupe_values", list(params)


def _raw(axis: dict) -> str:
    ident = sql.quote_ident(axis["name"])
    if axis["mode"] == "bins":
        return "CAST(" + ident + " AS DOUBLE)"
    return ident


def _raw_value(name: str, kind: str) -> str:
    """A summarised number as DOUBLE; NaN and infinity (floating types) as NULL, so sums stay finite."""
    ident = "CAST(" + sql.quote_ident(name) + " AS DOUBLE)"
    return "CASE WHEN isfinite(" + ident + ") THEN " + ident + " END" if kind == "decimal" else ident


def _raw_number_or_time(name: str, kind: str) -> str:
    return sql.quote_ident(name) if kind in TIME else "CAST(" + sql.quote_ident(name) + " AS DOUBLE)"


def _raw_color(name: str, kind: str) -> str:
    if kind == "decimal":
        ident = "CAST(" + sql.quote_ident(name) + " AS DOUBLE)"
        return "CASE WHEN isfinite(" + ident + ") THEN " + ident + " END"
    return sql.quote_ident(name)


# --- bins and time periods ----------------------------------------------------------------

def _set_bins(axis: dict, lo, hi) -> None:
    """Edges of about ``axis["bins"]`` bins over lo..hi: a width of 1, 2 or 5 × 10^k, whole for whole numbers."""
    whole = axis["kind"] == "integer"
    if lo is None or hi is None:
        lo, hi = 0.0, 0.0
    span = hi - lo
    if span <= 0 or not _finite(span):
        m, k = 1, 0
    else:
        m, k = profile._nice_step(span / axis["bins"])  # shared with column profiles
    if whole and k < 0:
        m, k = 1, 0
    if whole:
        step = m * 10 ** k
        start = int(math.floor(lo / step)) * step
        count = int((hi - start) // step) + 1
        decimals = 0
    else:
        step = m * 10.0 ** k
        decimals = max(0, -k)
        start = round(math.floor(lo / step) * step, decimals)
        count = int(math.floor((hi - start) / step)) + 1
    axis["whole"] = whole
    axis["start"], axis["step"], axis["count"], axis["decimals"] = start, step, max(1, count), decimals


def _unit(axis: dict, lo, hi) -> str:
    """The axis's time unit: as chosen, or the finest giving at most ``periods`` periods (days at least for dates)."""
    if axis["unit"] in UNITS:
        return axis["unit"]
    span = (hi - lo) if lo is not None and hi is not None else 0
    finest = ("day", "week", "month", "quarter", "year") if axis["kind"] == "date" else \
        ("second", "minute", "hour", "day", "week", "month", "quarter", "year")
    for unit in finest:
        if span / UNITS[unit][0] + 1 <= axis["periods"]:
            return unit
    return "year"


def _time_label(ms, unit: str) -> str:
    """A period's start as text: ``'2012-03'``, ``'2012-03-05 14:00'``, ``'2012 Q1'``."""
    if ms is None:
        return ""
    seconds = int(math.floor(ms / 1000))
    days, rest = seconds // 86400, seconds % 86400
    y, m, d = profile._civil(days)
    date = _pad(y, 4) + "-" + _pad(m, 2) + "-" + _pad(d, 2)
    clock = _pad(rest // 3600, 2) + ":" + _pad(rest % 3600 // 60, 2)
    return {"year": _pad(y, 4), "quarter": _pad(y, 4) + " Q" + str((m - 1) // 3 + 1), "month": date[:7],
            "week": "week of " + date, "day": date, "hour": date + " " + clock, "minute": date + " " + clock,
            "second": date + " " + clock + ":" + _pad(rest % 60, 2)}.get(unit, date)


def _pad(n, width: int) -> str:
    text = str(int(n))
    return "0" * (width - len(text)) + text if len(text) < width else text


# --- spec builders: one per kind ----------------------------------------------------------

def _bar_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    x = axes["x"]
    stacked = chart["aggregate"] in ("count", "sum")
    encoding = _position(x, "x", True)
    encoding["y"] = _value_encoding(chart, data, stacked)
    color = axes.get("color")
    if color:
        encoding["color"] = _color_encoding(color)
        if not stacked and x["mode"] == "category":
            encoding["xOffset"] = {"field": "color", "sort": color["labels"]}
    encoding["tooltip"] = _tooltip(data, chart)
    # Bars spanning periods (x to x2) would be read as horizontal bars without "orient".
    spec["mark"] = {"type": "bar", "orient": "vertical"}
    if color and not stacked and x["mode"] != "category":
        spec["mark"]["opacity"] = 0.6  # overlapping, not stacked: let the hidden ones show
    spec["encoding"] = encoding


def _line_spec(spec: dict, chart: dict, data: dict) -> None:
    _series_spec(spec, chart, data, "line")


def _area_spec(spec: dict, chart: dict, data: dict) -> None:
    _series_spec(spec, chart, data, "area")


def _series_spec(spec: dict, chart: dict, data: dict, mark: str) -> None:
    axes = data["axes"]
    stacked = mark == "area" and chart["aggregate"] in ("count", "sum")
    encoding = _position(axes["x"], "x", False)
    encoding["y"] = _value_encoding(chart, data, stacked)
    if axes.get("color"):
        encoding["color"] = _color_encoding(axes["color"])
    encoding["tooltip"] = _tooltip(data, chart)
    # Points carry the tooltips; past a hundred per line they are drawn invisible.
    series = len(axes["color"]["labels"]) if axes.get("color") else 1
    few = len(data["values"]) <= 100 * series
    spec["mark"] = {"type": mark, "point": True if few else {"opacity": 0, "size": 40}}
    if mark == "area" and not stacked:
        spec["mark"]["opacity"] = 0.5
    spec["encoding"] = encoding


def _histogram_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = _position(axes["x"], "x", True)
    encoding["y"] = _value_encoding(chart, data, True)
    if axes.get("color"):
        encoding["color"] = _color_encoding(axes["color"])
    encoding["tooltip"] = _tooltip(data, chart)
    spec["mark"] = {"type": "bar", "binSpacing": 1}
    spec["encoding"] = encoding


def _heatmap_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = _position(axes["x"], "x", True)
    encoding.update(_position(axes["y"], "y", True))
    encoding["color"] = {"field": "value", "type": "quantitative", "title": _value_title(chart),
                         "scale": {"scheme": "viridis"}}
    encoding["tooltip"] = _tooltip(data, chart)
    spec["mark"] = {"type": "rect"}
    spec["encoding"] = encoding
    spec["height"] += 60


def _scatter_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = {"x": _point_encoding(axes["x"]), "y": _point_encoding(axes["y"])}  # type: dict
    tooltip = [_point_tooltip(axes["x"]), _point_tooltip(axes["y"])]
    color = axes.get("color")
    if color and color["mode"] == "number":
        encoding["color"] = {"field": "color", "type": "quantitative", "title": color["name"],
                             "scale": {"scheme": "viridis"}}
        tooltip.append({"field": "color", "type": "quantitative", "title": color["name"], "format": _VALUE_FORMAT})
    elif color:
        encoding["color"] = _color_encoding(color)
        tooltip.append({"field": "color", "type": "nominal", "title": color["name"]})
    encoding["tooltip"] = tooltip
    many = len(data["values"]) > 3000
    spec["mark"] = {"type": "point", "filled": True, "opacity": 0.5 if many else 0.7, "size": 12 if many else 30}
    spec["encoding"] = encoding


def _boxplot_spec(spec: dict, chart: dict, data: dict) -> None:
    axis = data["axes"]["x"]
    y = chart["y"]
    x = {"field": "x", "type": "nominal", "sort": axis["labels"], "title": chart["x"]}
    x["axis"] = _label_axis(axis["labels"]) if chart["x"] else {"labels": False, "ticks": False}
    if not chart["x"]:
        x["title"] = None
    tooltip = [{"field": "x", "type": "nominal", "title": chart["x"] or "rows"},
               {"field": "n", "type": "quantitative", "title": "Rows", "format": ","}]
    for field, label in (("min", "Minimum"), ("low", "Lower whisker"), ("q1", "25th percentile"),
                         ("median", "Median"), ("q3", "75th percentile"), ("high", "Upper whisker"),
                         ("max", "Maximum"), ("mean", "Mean")):
        tooltip.append({"field": field, "type": "quantitative", "title": label, "format": _VALUE_FORMAT})
    tooltip.append({"field": "outliers", "type": "quantitative", "title": "Outliers (not drawn)", "format": ","})
    scale = {"zero": False}
    spec["encoding"] = {"x": x, "tooltip": tooltip}
    spec["layer"] = [
        {"mark": {"type": "rule"},
         "encoding": {"y": {"field": "low", "type": "quantitative", "title": y, "scale": scale},
                      "y2": {"field": "high"}}},
        {"mark": {"type": "bar", "width": {"band": 0.6}},
         "encoding": {"y": {"field": "q1", "type": "quantitative", "title": y, "scale": scale},
                      "y2": {"field": "q3"}}},
        {"mark": {"type": "tick", "color": "white", "thickness": 2, "width": {"band": 0.6}},
         "encoding": {"y": {"field": "median", "type": "quantitative", "title": y, "scale": scale}}},
    ]


def _position(axis: dict, channel: str, band: bool) -> dict:
    """Encodings placing ``axis`` on ``channel``; ``band``: marks span a bin or period (x2/y2)."""
    field = axis["role"]
    out = {}
    if axis["mode"] == "category":
        encoding = {"field": field, "type": "nominal", "sort": axis["labels"], "title": axis["name"]}
        encoding["axis"] = _label_axis(axis["labels"]) if channel == "x" else {"labelLimit": 160}
        out[channel] = encoding
        return out
    if axis["mode"] == "bins":
        encoding = {"field": field, "type": "quantitative", "title": axis["name"]}
        if band:
            encoding["bin"] = {"binned": True, "step": axis["step"]}
        else:
            encoding["scale"] = {"zero": False}
    else:
        encoding = {"field": field, "type": "temporal", "title": axis["name"] + " (" + axis["unit"] + ")",
                    "scale": {"type": "utc"}, "axis": {"format": UNITS[axis["unit"]][2]}}
    out[channel] = encoding
    if band:
        out[channel + "2"] = {"field": field + "_end"}
    return out


def _label_axis(labels: list) -> dict:
    """Category labels along x: slanted when there are many, cut when long."""
    if len(labels) > 6 or max([len(label) for label in labels] or [0]) > 12:
        return {"labelAngle": -40, "labelLimit": 120}
    return {"labelAngle": 0, "labelLimit": 160}


def _value_encoding(chart: dict, data: dict, stacked: bool) -> dict:
    encoding = {"field": "value", "type": "quantitative", "title": _value_title(chart)}  # type: dict
    if data["axes"].get("color") and not stacked:
        encoding["stack"] = None
    return encoding


def _color_encoding(axis: dict) -> dict:
    return {"field": "color", "type": "nominal", "sort": axis["labels"], "title": axis["name"],
            "legend": {"labelLimit": 160}}


def _point_encoding(axis: dict) -> dict:
    if axis["mode"] == "time":
        return {"field": axis["role"], "type": "temporal", "title": axis["name"], "scale": {"type": "utc"}}
    return {"field": axis["role"], "type": "quantitative", "title": axis["name"], "scale": {"zero": False}}


def _point_tooltip(axis: dict) -> dict:
    if axis["mode"] == "time":
        return {"field": axis["role"], "type": "temporal", "title": axis["name"], "format": "%Y-%m-%d %H:%M"}
    return {"field": axis["role"], "type": "quantitative", "title": axis["name"], "format": _VALUE_FORMAT}


def _tooltip(data: dict, chart: dict) -> list:
    out = []
    for role in ("x", "y", "color"):
        axis = data["axes"].get(role)
        if axis is None:
            continue
        field = role if axis["mode"] == "category" else role + "_label"
        out.append({"field": field, "type": "nominal", "title": axis["name"]})
    out.append({"field": "value", "type": "quantitative", "title": _value_title(chart), "format": _VALUE_FORMAT})
    if chart["aggregate"] != "count":
        out.append({"field": "rows", "type": "quantitative", "title": "Rows", "format": ","})
    return out


def _value_title(chart: dict) -> str:
    aggregate = chart["aggregate"] or "count"
    if aggregate == "count":
        return AGGREGATES["count"][0]
    return AGGREGATES[aggregate][0] + " of " + str(chart[KINDS[chart["kind"]]["value"]])


# --- titles -----------------------------------------------------------------------------

def _by_title(chart: dict, data: dict) -> str:
    x = data["axes"].get("x") if data else None
    text = _value_title(chart) + " by " + chart["x"]
    if x and x["mode"] == "time":
        text += ", per " + x["unit"]
    if chart["color"]:
        text += " and " + chart["color"]
    return text


def _scatter_title(chart: dict, data: dict) -> str:
    return chart["y"] + " against " + chart["x"] + (" by " + chart["color"] if chart["color"] else "")


def _histogram_title(chart: dict, data: dict) -> str:
    return "Distribution of " + chart["x"] + (" by " + chart["color"] if chart["color"] else "")


def _boxplot_title(chart: dict, data: dict) -> str:
    return "Distribution of " + chart["y"] + (" by " + chart["x"] if chart["x"] else "")


def _heatmap_title(chart: dict, data: dict) -> str:
    return _value_title(chart) + " by " + chart["x"] + " and " + chart["y"]


def _extremes(chart: dict, data: dict) -> str:
    """The highest and lowest marks in words (grouped charts and box plots)."""
    values = data["values"]
    key = "median" if chart["kind"] == "boxplot" else "value"
    if chart["kind"] == "scatter":
        return fmt.thousands(len(values)) + " points."
    present = [v for v in values if v.get(key) is not None]
    if not present:
        return ""
    top = present[0]
    low = present[0]
    for v in present:
        if v[key] > top[key]:
            top = v
        if v[key] < low[key]:
            low = v
    what = "median" if key == "median" else _value_title(chart).lower()
    if len(present) == 1:
        return "One mark: " + _where(top, data) + ", " + what + " " + profile.number_text(top[key]) + "."
    return (fmt.thousands(len(values)) + " marks. Highest " + what + ": " + _where(top, data) + ", "
            + profile.number_text(top[key]) + "; lowest: " + _where(low, data) + ", "
            + profile.number_text(low[key]) + ".")


def _where(value: dict, data: dict) -> str:
    parts = []
    for role in ("x", "y", "color"):
        axis = data["axes"].get(role)
        if axis is None or role not in value:
            continue
        parts.append(str(value[role]) if axis["mode"] == "category" else str(value.get(role + "_label", value[role])))
    return " / ".join(parts)


# --- small helpers ------------------------------------------------------------------------

def _entry(kind: str) -> dict:
    found = KINDS.get(kind)
    if found is None:
        raise ChartError("Unknown chart kind '" + str(kind) + "'; choose one of " + ", ".join(ORDER) + ".")
    return found


def _kinds_by_name(columns: list) -> dict:
    out = {}
    for column in columns:
        out[column["name"]] = column["kind"]
    return out


def _default_aggregate(chart: dict, value) -> str:
    return "mean" if value and chart.get(value) else "count"


def _usual(kind: str) -> str:
    """Whole numbers (counts, amounts) are usually summed, measurements averaged."""
    return "sum" if kind == "integer" else "mean"


def _id_like(name: str) -> bool:
    lower = name.lower()
    return lower in ("id", "index", "rowid", "row") or lower.endswith("_id")


def _preferred(names: list, kinds: tuple, columns: list) -> list:
    """``names`` by the order of their kind in ``kinds`` (a role's likeliest kind first), then as in the table."""
    found = _kinds_by_name(columns)
    return sorted(names, key=lambda name: kinds.index(found[name]))


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


def _unused(label: str, taken: dict) -> str:
    while label in taken:
        label = "(" + label + ")"
    return label


def _int(value) -> int:
    return 0 if value is None else int(value)


def _float(value):
    if value is None:
        return None
    number = float(value)
    return number if _finite(number) else None


def _finite(value) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))


# kind -> its label, roles [(role, label, column kinds that fit, required)], the role
# whose values are summarised (None: none), and its builders.
KINDS = {  # type: dict
    "bar": {"label": "Bar", "value": "y", "data": _bar_data, "spec": _bar_spec, "title": _by_title,
            "roles": (("x", "Categories (x)", CATEGORY + TIME, True), ("y", "Value (y)", NUMBER, False),
                      ("color", "Color", CATEGORY, False))},
    "line": {"label": "Line", "value": "y", "data": _line_data, "spec": _line_spec, "title": _by_title,
             "roles": (("x", "Along (x)", TIME + NUMBER, True), ("y", "Value (y)", NUMBER, False),
                       ("color", "One line per (color)", CATEGORY, False))},
    "area": {"label": "Area", "value": "y", "data": _line_data, "spec": _area_spec, "title": _by_title,
             "roles": (("x", "Along (x)", TIME + NUMBER, True), ("y", "Value (y)", NUMBER, False),
                       ("color", "Stack by (color)", CATEGORY, False))},
    "scatter": {"label": "Scatter", "value": None, "data": _scatter_data, "spec": _scatter_spec,
                "title": _scatter_title,
                "roles": (("x", "X", NUMBER + TIME, True), ("y", "Y", NUMBER, True),
                          ("color", "Color", CATEGORY + ("decimal",), False))},
    "histogram": {"label": "Histogram", "value": None, "data": _histogram_data, "spec": _histogram_spec,
                  "title": _histogram_title,
                  "roles": (("x", "Values (x)", NUMBER, True), ("color", "Stack by (color)", CATEGORY, False))},
    "boxplot": {"label": "Box plot", "value": None, "data": _boxplot_data, "spec": _boxplot_spec,
                "title": _boxplot_title,
                "roles": (("x", "Group by (x)", CATEGORY, False), ("y", "Values (y)", NUMBER, True))},
    "heatmap": {"label": "Heatmap", "value": "color", "data": _heatmap_data, "spec": _heatmap_spec,
                "title": _heatmap_title,
                "roles": (("x", "Across (x)", ANY_AXIS, True), ("y", "Down (y)", ANY_AXIS, True),
                          ("color", "Value (color)", NUMBER, False))},
}
ORDER = ("bar", "line", "area", "scatter", "histogram", "boxplot", "heatmap")
