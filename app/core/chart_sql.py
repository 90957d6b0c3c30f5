"""Chart data: the SQL that reduces a view's rows to the groups a chart draws.

One data builder per grouped kind of chart (app.core.charts.KINDS names
them; scatter and box plots are app.core.chart_points'), each a step
generator (see app.core.loading): it yields ``(sql, params)`` and returns
``{values, axes, notes, rows}``. Grouped charts read the source once: a
first pass groups it by every key and keeps partial sums (count, sum,
min, max); the top categories are ranked on those groups and the rest
folded into "Other" without reading the rows again (one GROUP BY over 3M
rows costs ~60 ms natively). Values reach SQL as parameters, identifiers
through ``sql.quote_ident``; the axes the queries group by are
app.core.chart_axes'. ``reduced`` is the source narrowed to a chart's
columns, for chart_points too.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import bins, display, sql
from app.core.chart_axes import (
    BINS,
    PERIODS,
    TIME,
    TOP_BARS,
    UNITS,
    add_left_out_note,
    axis_shape,
    bins_axis,
    category_labels,
    category_or_time,
    color_axis,
    cut_note,
    heatmap_axis,
    ranked_keys,
    set_bins,
    set_key,
    time_axis,
    time_unit,
)

# --- data builders: one per kind, each a step generator ---------------------------


def bar_data(source, kinds, chart):
    """Bars: one per category of x (the top ``TOP_BARS`` by the summary, the rest as 'Other')
    or per time period; stacked or side by side by color."""
    x = category_or_time(chart, kinds, "x", TOP_BARS, "value", PERIODS["bar"])
    keys = [x] + color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, chart["y"], chart["aggregate"]))


def line_data(source, kinds, chart):
    """Lines (and areas): the summary of y per time period or per bin of x, one line per color."""
    if kinds[chart["x"]] in TIME:
        x = time_axis("x", chart["x"], kinds[chart["x"]], chart["unit"], PERIODS[chart["kind"]])
    else:
        x = bins_axis("x", chart["x"], kinds[chart["x"]], BINS[chart["kind"]])
    x["band"] = False  # points along x, not bars spanning a period or bin
    keys = [x] + color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, chart["y"], chart["aggregate"]))


def histogram_data(source, kinds, chart):
    """A histogram: rows per bin of x, over nicely rounded edges, stacked by color."""
    keys = [bins_axis("x", chart["x"], kinds[chart["x"]], BINS["histogram"])] + color_axis(chart, kinds)
    return (yield from _grouped(source, kinds, keys, None, "count"))


def heatmap_data(source, kinds, chart):
    """A heatmap: the summary of color (or the row count) per cell of x by y; numbers binned,
    times by period, text by its top values."""
    keys = [heatmap_axis(chart, kinds, "x"), heatmap_axis(chart, kinds, "y")]
    return (yield from _grouped(source, kinds, keys, chart["color"], chart["aggregate"]))


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
    values = reduced(source, raws)
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
        names.append(category_labels(ranked_keys(cells, i), axis) if axis["mode"] == "category" else {})
    rows = 0
    out = []
    for cell in cells:
        rows += cell["rows"]
        record = {"value": _aggregated(cell, aggregate)}
        if aggregate != "count":
            record["rows"] = cell["rows"]
        for i, axis in enumerate(keys):
            set_key(record, axis, cell["keys"][i], names[i])
        out.append(record)
    axes = {}
    for axis in keys:
        axes[axis["role"]] = axis
    if out:
        shapes = [axis_shape(axis) for axis in keys if axis["mode"] != "category"]
        notes.append(
            "Summarised in DuckDB from "
            + display.thousands(rows)
            + (" row" if rows == 1 else " rows")
            + (": " + ", ".join(shapes) if shapes else "")
            + "."
        )
    for axis in keys:
        cut = cut_note(axis, aggregate, value)
        if cut:
            notes.append(cut)
    if left_out:
        add_left_out_note(notes, left_out, " or ".join([a["name"] for i, a in ranged]))
    if not out:
        notes = [
            "No rows to chart: "
            + (
                "no row has a value of " + " or ".join([a["name"] for i, a in ranged])
                if left_out
                else "this view has no rows"
            )
            + "."
        ]
    return {"values": out, "axes": axes, "notes": notes, "rows": rows, "value": value, "aggregate": aggregate}


def _ranges(values, ranged):
    """Steps: set each binned or time axis's edges from its column's range; return rows left out."""
    select = [
        "count(*)",
        "count(*) FILTER (WHERE " + " AND ".join(["isfinite(a" + str(i + 1) + ")" for i, a in ranged]) + ")",
    ]
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
        lo, hi = bins.real(row[2 + 2 * n]), bins.real(row[3 + 2 * n])
        if axis["mode"] == "time":
            axis["unit"] = time_unit(axis, lo, hi)
        else:
            set_bins(axis, lo, hi)
    return bins.count(row[0]) - bins.count(row[1])


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
            text += (
                "epoch_ms(k"
                + n
                + ")::DOUBLE AS k"
                + n
                + ", "
                + "epoch_ms(k"
                + n
                + " + CAST(? AS INTERVAL))::DOUBLE AS e"
                + n
                + ", "
            )
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
            text += (
                ", loupe_r"
                + n
                + " AS (FROM (SELECT k"
                + n
                + ", row_number() OVER (ORDER BY "
                + rank
                + " DESC NULLS LAST, k"
                + n
                + " NULLS LAST) AS r, count(*) OVER () AS groups"
                + " FROM loupe_g GROUP BY k"
                + n
                + ") AS loupe_ranked"
                + " SELECT k"
                + n
                + ", r, groups, r <= ? AS keep)"
            )
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
    text += (
        " SELECT "
        + ", ".join(outs + partials)
        + " FROM loupe_g"
        + joins
        + " GROUP BY "
        + groups
        + " ORDER BY "
        + groups
    )
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
    for _role, fields in layout:
        spans.append((at, at + len(fields)))
        at += len(fields)
    ranked = [
        (i, at + (5 if has_value else 1) + 2 * n)
        for n, i in enumerate([i for i, axis in enumerate(keys) if axis["mode"] == "category"])
    ]
    merged = {}  # type: dict
    out = []
    for row in rows:
        found = [tuple(row[a:b]) for a, b in spans]
        for i in binned:
            found[i] = (min(max(bins.count(found[i][0]), 0), keys[i]["count"] - 1),)
        cell = {
            "keys": found,
            "rows": bins.count(row[at]),
            "nv": 0,
            "s": None,
            "lo": None,
            "hi": None,
            "ranks": [0] * len(keys),
        }  # type: dict
        if has_value:
            cell["nv"], cell["s"], cell["lo"], cell["hi"] = (
                bins.count(row[at + 1]),
                row[at + 2],
                row[at + 3],
                row[at + 4],
            )
        for i, where in ranked:
            keys[i]["groups"] = bins.count(row[where])
            cell["ranks"][i] = bins.count(row[where + 1])
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


# --- column expressions -----------------------------------------------------------------


def reduced(source: tuple, raws: list) -> tuple:
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
