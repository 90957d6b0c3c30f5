"""Chart axes: how a column becomes the keys a chart is grouped by, and their labels.

An axis is a plain dict made here and filled in as the data is reduced:
``category`` (values as they are, past the top few "Other"), ``bins``
(numbers in bins of a round width) or ``time`` (dates and times by
period), plus ``number``/``time`` points of a scatter plot. This module
owns the column kinds an axis treats as numbers or times, the summaries
and time units, how many categories, bins and periods each kind of chart
keeps, the labels drawn for keys (never colliding with values), and the
notes saying how an axis reduced its column. app.core.chart_sql builds the
queries around these axes; app.core.charts re-exports what callers use.

What a column holds (a measure, a year, an ID…) is app.core.chart_meaning's.

Runs under MicroPython and CPython (see README.md).
"""

import math

from app.core import bins, chart_meaning, display, errors

NUMBER = chart_meaning.NUMBER
TIME = ("date", "timestamp")
ANY_AXIS = ("text", "boolean", "integer", "decimal", "date", "timestamp")  # kinds a heatmap or a first chart can use

TOP_BARS = 20  # categories along x; the rest are "Other"
TOP_COLORS = 9  # colors (+ "Other": the ten of Vega's category10)
TOP_CELLS = 30  # categories along each side of a heatmap
TOP_BOXES = 20  # boxes of a box plot (the largest groups)
BINS = {"histogram": 40, "line": 120, "area": 120, "heatmap": 30}
PERIODS = {"bar": 60, "line": 400, "area": 400, "heatmap": 40}  # most time periods along x
EMPTY_LABEL = "(empty)"
OTHER_LABEL = "Other"

# aggregate -> (label, words for "the ... of y")
AGGREGATES = {
    "count": ("Count of rows", "count"),
    "sum": ("Sum", "sum"),
    "mean": ("Mean", "mean"),
    "min": ("Minimum", "minimum"),
    "max": ("Maximum", "maximum"),
}

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


# --- axes: how a column becomes the keys of a grouped chart -------------------------


def category_or_time(chart, kinds, role, limit, rank, periods):
    name = chart[role]
    if kinds[name] in TIME:
        return time_axis(role, name, kinds[name], chart["unit"], periods)
    return category_axis(role, name, kinds[name], limit, rank)


def heatmap_axis(chart, kinds, role):
    name = chart[role]
    kind = kinds[name]
    if kind in TIME:
        return time_axis(role, name, kind, chart["unit"], PERIODS["heatmap"])
    if kind in NUMBER:
        return bins_axis(role, name, kind, BINS["heatmap"])
    return category_axis(role, name, kind, TOP_CELLS, "count")


def color_axis(chart, kinds) -> list:
    name = chart["color"]
    return [category_axis("color", name, kinds[name], TOP_COLORS, "count")] if name else []


def category_axis(role, name, kind, limit, rank) -> dict:
    """Values as they are; past the top ``limit`` (by the summary or by rows), 'Other'."""
    return {"role": role, "name": name, "kind": kind, "mode": "category", "limit": limit, "rank": rank}


def bins_axis(role, name, kind, bins) -> dict:
    """Numbers in about ``bins`` bins of a round width (whole widths for whole numbers).

    A number that names or dates something (a year, a code) is ``plain``:
    labelled 2013, not 2,013.
    """
    plain = kind == "integer" and chart_meaning.meaning(name, kind) not in chart_meaning.MEASURES
    return {"role": role, "name": name, "kind": kind, "mode": "bins", "bins": bins, "plain": plain}


def time_axis(role, name, kind, unit, periods) -> dict:
    """Dates and times by period: ``unit``, or with 'auto' the finest giving at most ``periods``."""
    return {"role": role, "name": name, "kind": kind, "mode": "time", "unit": unit, "periods": periods}


def point_axis(role, name, kind) -> dict:
    return {"role": role, "name": name, "kind": kind, "mode": "time" if kind in TIME else "number"}


def set_key(record: dict, axis: dict, key: tuple, names: dict) -> None:
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
            names[key[0]] = time_label(key[0], axis["unit"])
        record[role + "_label"] = names[key[0]]
        return
    low = axis["start"] + key[0] * axis["step"]
    high = low + axis["step"]
    if not axis["whole"]:
        low, high = round(low, axis["decimals"]), round(high, axis["decimals"])
    record[role] = low
    if axis.get("band", True):
        record[role + "_end"] = high
    text = _plain_text if axis.get("plain") else display.number_text
    if axis["whole"] and axis["step"] == 1:
        record[role + "_label"] = text(low)
    elif axis["whole"]:
        record[role + "_label"] = text(low) + " – " + text(high - 1)
    else:
        record[role + "_label"] = display.number_text(low) + " – " + display.number_text(high)


def ranked_keys(cells: list, i: int) -> dict:
    """``{(value, is_other): rank}`` of the category keys of axis ``i``."""
    seen = {}
    for cell in cells:
        key = cell["keys"][i]
        if key not in seen:
            seen[key] = cell["ranks"][i]
    return seen


def category_labels(seen: dict, axis: dict) -> dict:
    """``{(value, is_other): label}``; ``axis["labels"]`` in the order drawn.

    Text is drawn in rank order (largest first); numbers and true/false in
    their own order. 'Other' comes last; labels never collide with values.
    """
    taken = {}
    for key in seen:
        if not key[1] and key[0] is not None:
            taken[display.cell_text(key[0])] = True
    empty = _unused(EMPTY_LABEL, taken)
    other = _unused(OTHER_LABEL, taken)
    names = {}
    for key in seen:
        names[key] = other if key[1] else (empty if key[0] is None else display.cell_text(key[0]))
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


def label_boxes(boxes: list, kind: str) -> list:
    taken = {}
    for box in boxes:
        if box["x"] is not None:
            taken[display.cell_text(box["x"])] = True
    empty = _unused(EMPTY_LABEL, taken)
    for box in boxes:
        box["x"] = empty if box["x"] is None else display.cell_text(box["x"])
    return [b["x"] for b in boxes]


def scatter_colors(points: list, name: str, kind: str, notes: list) -> dict:
    """Colors of sampled points: numbers as a scale, categories as their top values (in the sample)."""
    if kind == "decimal":
        return {"role": "color", "name": name, "kind": kind, "mode": "number"}
    counts = {}  # type: dict
    for point in points:
        counts[point["color"]] = counts.get(point["color"], 0) + 1
    ranked = sorted(counts.keys(), key=lambda v: (-counts[v], v is None, display.cell_text(v)))
    seen = {}
    keys = {}
    for i, value in enumerate(ranked):
        key = (value, False) if i < TOP_COLORS else (None, True)
        keys[value] = key
        if key not in seen:
            seen[key] = i + 1
    axis = category_axis("color", name, kind, TOP_COLORS, "count")
    names = category_labels(seen, axis)
    for point in points:
        point["color"] = names[keys[point["color"]]]
    if len(ranked) > TOP_COLORS:
        notes.append(
            "Colors: the "
            + str(TOP_COLORS)
            + " commonest of "
            + display.thousands(len(ranked))
            + " values of "
            + name
            + "; the rest are '"
            + axis["other"]
            + "'."
        )
    return axis


def axis_shape(axis: dict) -> str:
    """How a binned or time axis grouped its column: ``'delay in 31 bins of 50'``, ``'date by week'``."""
    if axis["mode"] == "bins":
        return (
            axis["name"]
            + " in "
            + str(axis["count"])
            + (" bin" if axis["count"] == 1 else " bins")
            + " of "
            + display.number_text(axis["step"])
        )
    return axis["name"] + " by " + axis["unit"]


def cut_note(axis: dict, aggregate: str, value):
    """The note of a category axis that kept only its top values (None when it kept them all)."""
    if (
        axis["mode"] != "category"
        or axis.get("groups", 0) <= axis.get("shown", 0)
        or axis.get("other") not in axis.get("labels", [])
    ):
        return None
    by = "rows"
    if axis["rank"] == "value" and aggregate != "count":
        by = AGGREGATES[aggregate][1] + " of " + str(value)
    return (
        "Top "
        + str(axis["shown"])
        + " of "
        + display.thousands(axis["groups"])
        + " values of "
        + axis["name"]
        + " (by "
        + by
        + "); the rest are combined as '"
        + axis["other"]
        + "'."
    )


def add_left_out_note(notes: list, count: int, what: str) -> None:
    if count > 0:
        notes.append(
            display.thousands(count)
            + (" row" if count == 1 else " rows")
            + " without a value of "
            + what
            + (" is" if count == 1 else " are")
            + " left out."
        )


# --- bins and time periods ----------------------------------------------------------------


def set_bins(axis: dict, lo, hi) -> None:
    """Edges of about ``axis["bins"]`` bins over lo..hi: a width of 1, 2 or 5 × 10^k, whole for whole numbers
    (and 1 for a plain axis of up to three times that many values)."""
    whole = axis["kind"] == "integer"
    if lo is None or hi is None:
        lo, hi = 0.0, 0.0
    span = hi - lo
    if span <= 0 or not bins.finite(span):
        m, k = 1, 0
    else:
        m, k = bins.nice_step(span / axis["bins"])  # as column profiles choose theirs
    if whole and (k < 0 or (axis.get("plain") and span < 3 * axis["bins"])):
        m, k = 1, 0  # years keep one point each while there are not too many: 144 years, not 72 pairs
    edges = bins.bin_edges(lo, hi, m, k, whole)
    if edges is None:
        raise errors.ChartError(
            "The values of " + axis["name"] + " span more than a number can hold; filter out the extremes to chart it."
        )
    start, step, count, decimals = edges
    axis["whole"] = whole
    axis["start"], axis["step"], axis["count"], axis["decimals"] = (
        int(start) if whole else start,
        step,
        max(1, int(count)),
        decimals,
    )


def time_unit(axis: dict, lo, hi) -> str:
    """The axis's time unit: as chosen, or the finest giving at most ``periods`` periods (days at least for dates)."""
    if axis["unit"] in UNITS:
        return axis["unit"]
    span = (hi - lo) if lo is not None and hi is not None else 0
    finest = (
        ("day", "week", "month", "quarter", "year")
        if axis["kind"] == "date"
        else ("second", "minute", "hour", "day", "week", "month", "quarter", "year")
    )
    for unit in finest:
        if span / UNITS[unit][0] + 1 <= axis["periods"]:
            return unit
    return "year"


def time_label(ms, unit: str) -> str:
    """A period's start as text: ``'2012-03'``, ``'2012-03-05 14:00'``, ``'2012 Q1'``."""
    if ms is None:
        return ""
    seconds = int(math.floor(ms / 1000))
    days, rest = seconds // 86400, seconds % 86400
    y, m, d = bins.civil(days)
    date = _pad(y, 4) + "-" + _pad(m, 2) + "-" + _pad(d, 2)
    clock = _pad(rest // 3600, 2) + ":" + _pad(rest % 3600 // 60, 2)
    return {
        "year": _pad(y, 4),
        "quarter": _pad(y, 4) + " Q" + str((m - 1) // 3 + 1),
        "month": date[:7],
        "week": "week of " + date,
        "day": date,
        "hour": date + " " + clock,
        "minute": date + " " + clock,
        "second": date + " " + clock + ":" + _pad(rest % 60, 2),
    }.get(unit, date)


def _pad(n, width: int) -> str:
    text = str(int(n))
    return "0" * (width - len(text)) + text if len(text) < width else text


def kinds_by_name(columns: list) -> dict:
    """``{column name: kind}`` of ``[{name, kind}]``."""
    out = {}
    for column in columns:
        out[column["name"]] = column["kind"]
    return out


# --- small helpers ------------------------------------------------------------------------


def _plain_text(value) -> str:
    return str(int(value))


def _unused(label: str, taken: dict) -> str:
    while label in taken:
        label = "(" + label + ")"
    return label
