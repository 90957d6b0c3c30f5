"""Chart data drawn from the rows themselves: scatter plots (sampled) and box plots (quartiles).

Like app.core.chart_sql's grouped builders, each is a step generator (see
app.core.loading) yielding ``(sql, params)`` and returning ``{values, axes,
notes, rows}``. A scatter plot of more than ``SAMPLE_ROWS`` rows shows a
reservoir sample drawn in DuckDB with a fixed seed; a box plot's quartiles,
whiskers and outliers are computed in DuckDB, per group of the largest
``TOP_BOXES``.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import bins, chart_sql, display, sql
from app.core.chart_axes import TIME, TOP_BOXES, add_left_out_note, label_boxes, point_axis, scatter_colors

SAMPLE_ROWS = 5000  # scatter plots of more rows show a sample of this many
SAMPLE_SEED = 42


def scatter_data(source, kinds, chart):
    """Points: every row, or a reservoir sample of ``SAMPLE_ROWS`` drawn in DuckDB (fixed seed)."""
    raws = [
        _raw_number_or_time(chart["x"], kinds[chart["x"]]) + " AS a1",
        "CAST(" + sql.quote_ident(chart["y"]) + " AS DOUBLE) AS a2",
    ]
    color = chart["color"]
    if color:
        raws.append(_raw_color(color, kinds[color]) + " AS a3")
    values = chart_sql.reduced(source, raws)
    valid = "isfinite(a1) AND isfinite(a2)"
    counted = yield ("FROM " + values[0] + " SELECT count(*), count(*) FILTER (WHERE " + valid + ")", values[1])
    total, kept = bins.count(counted["rows"][0][0]), bins.count(counted["rows"][0][1])
    x_out = "epoch_ms(a1)::DOUBLE" if kinds[chart["x"]] in TIME else "a1"
    text = (
        "SELECT "
        + x_out
        + ", a2"
        + (", a3" if color else "")
        + " FROM (FROM "
        + values[0]
        + " SELECT * WHERE "
        + valid
        + ") AS loupe_points"
    )
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
    axes = {"x": point_axis("x", chart["x"], kinds[chart["x"]]), "y": point_axis("y", chart["y"], "decimal")}
    notes = []
    if sampled:
        notes.append(
            "A sample of "
            + display.thousands(len(points))
            + " of "
            + display.thousands(kept)
            + " rows, drawn in DuckDB."
        )
    elif points:
        notes.append(display.thousands(len(points)) + (" point" if len(points) == 1 else " points") + ", one per row.")
    if color:
        axes["color"] = scatter_colors(points, color, kinds[color], notes)
    both = chart["x"] if chart["x"] == chart["y"] else chart["x"] + " or " + chart["y"]
    add_left_out_note(notes, total - kept, both)
    if not points:
        notes = ["No rows to chart: " + ("no row has a value of " + both if total else "this view has no rows") + "."]
    return {"values": points, "axes": axes, "notes": notes, "rows": kept}


def boxplot_data(source, kinds, chart):
    """Boxes: quartiles of y per group of x (the ``TOP_BOXES`` largest groups), whiskers at the
    furthest values within 1.5 × IQR, computed in DuckDB; outliers are counted, not drawn."""
    x = chart["x"]
    key = sql.quote_ident(x) if x else "NULL"
    values = chart_sql.reduced(source, [key + " AS k1", "CAST(" + sql.quote_ident(chart["y"]) + " AS DOUBLE) AS v"])
    # Quartiles per group first (the largest groups), then one more pass over the rows for the
    # whiskers, grouped by the box's number (grouping by every box column cost 1 s on 3M rows).
    text = (
        "WITH loupe_v AS NOT MATERIALIZED (FROM " + values[0] + " SELECT k1, v WHERE isfinite(v)), "
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
        "FROM loupe_q JOIN loupe_w USING (r) ORDER BY r"
    )
    counted = yield ("FROM " + values[0] + " SELECT count(*), count(*) FILTER (WHERE isfinite(v))", values[1])
    total, kept = bins.count(counted["rows"][0][0]), bins.count(counted["rows"][0][1])
    result = yield (text, values[1] + [TOP_BOXES])
    boxes = []
    groups = 0
    outliers = 0
    for row in result["rows"]:
        groups = bins.count(row[8])
        outliers += bins.count(row[12])
        boxes.append(
            {
                "x": row[0],
                "n": bins.count(row[1]),
                "min": bins.real(row[2]),
                "q1": bins.real(row[3]),
                "median": bins.real(row[4]),
                "q3": bins.real(row[5]),
                "max": bins.real(row[6]),
                "mean": bins.real(row[7]),
                "low": bins.real(row[10]),
                "high": bins.real(row[11]),
                "outliers": bins.count(row[12]),
            }
        )
    axis = {"role": "x", "name": x, "mode": "category", "kind": kinds[x] if x else "text"}
    if x:
        axis["labels"] = label_boxes(boxes, kinds[x])
        axis["groups"] = groups
    else:
        for box in boxes:
            box["x"] = chart["y"]
        axis["labels"] = [chart["y"]] if boxes else []
    notes = ["Quartiles computed in DuckDB from " + display.thousands(kept) + " rows."]
    if x and groups > len(boxes):
        notes.append("The " + str(len(boxes)) + " largest of " + display.thousands(groups) + " groups of " + x + ".")
    notes.append(
        "Whiskers reach the furthest values within 1.5 × IQR"
        + ("; " + display.thousands(outliers) + " outliers are not drawn." if outliers else ".")
    )
    add_left_out_note(notes, total - kept, chart["y"])
    if not boxes:
        notes = [
            "No rows to chart: " + ("no row has a value of " + chart["y"] if total else "this view has no rows") + "."
        ]
    return {"values": boxes, "axes": {"x": axis}, "notes": notes, "rows": kept}


# --- column expressions -----------------------------------------------------------------


def _raw_number_or_time(name: str, kind: str) -> str:
    return sql.quote_ident(name) if kind in TIME else "CAST(" + sql.quote_ident(name) + " AS DOUBLE)"


def _raw_color(name: str, kind: str) -> str:
    if kind == "decimal":
        ident = "CAST(" + sql.quote_ident(name) + " AS DOUBLE)"
        return "CASE WHEN isfinite(" + ident + ") THEN " + ident + " END"
    return sql.quote_ident(name)
