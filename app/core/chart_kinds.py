"""The registry of chart kinds: the roles each uses, the column kinds that fit them, its builders.

``KINDS`` has one entry per kind (bar, line, area, scatter, histogram,
boxplot, heatmap), in the manner of marimo's chart builders: its label,
the roles it uses (``x``, ``y``, ``color``) with the column kinds that fit
each and whether it must be set, the role whose values are summarised,
and its data builder (app.core.chart_sql, app.core.chart_points), spec
builder and title (app.core.chart_specs). A new kind is one entry here.
app.core.charts re-exports ``KINDS`` and ``ORDER``.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import chart_points, chart_specs, chart_sql
from app.core.chart_axes import ANY_AXIS, NUMBER, TIME

CATEGORY = ("text", "boolean", "integer")  # column kinds that can be categories


# kind -> its label, roles [(role, label, column kinds that fit, required)], the role
# whose values are summarised (None: none), and its builders.
KINDS = {  # type: dict
    "bar": {
        "label": "Bar",
        "value": "y",
        "data": chart_sql.bar_data,
        "spec": chart_specs.bar_spec,
        "title": chart_specs.by_title,
        "roles": (
            ("x", "Categories (x)", CATEGORY + TIME, True),
            ("y", "Value (y)", NUMBER, False),
            ("color", "Color", CATEGORY, False),
        ),
    },
    "line": {
        "label": "Line",
        "value": "y",
        "data": chart_sql.line_data,
        "spec": chart_specs.line_spec,
        "title": chart_specs.by_title,
        "roles": (
            ("x", "Along (x)", TIME + NUMBER, True),
            ("y", "Value (y)", NUMBER, False),
            ("color", "One line per (color)", CATEGORY, False),
        ),
    },
    "area": {
        "label": "Area",
        "value": "y",
        "data": chart_sql.line_data,
        "spec": chart_specs.area_spec,
        "title": chart_specs.by_title,
        "roles": (
            ("x", "Along (x)", TIME + NUMBER, True),
            ("y", "Value (y)", NUMBER, False),
            ("color", "Stack by (color)", CATEGORY, False),
        ),
    },
    "scatter": {
        "label": "Scatter",
        "value": None,
        "data": chart_points.scatter_data,
        "spec": chart_specs.scatter_spec,
        "title": chart_specs.scatter_title,
        "roles": (
            ("x", "X", NUMBER + TIME, True),
            ("y", "Y", NUMBER, True),
            ("color", "Color", CATEGORY + ("decimal",), False),
        ),
    },
    "histogram": {
        "label": "Histogram",
        "value": None,
        "data": chart_sql.histogram_data,
        "spec": chart_specs.histogram_spec,
        "title": chart_specs.histogram_title,
        "roles": (("x", "Values (x)", NUMBER, True), ("color", "Stack by (color)", CATEGORY, False)),
    },
    "boxplot": {
        "label": "Box plot",
        "value": None,
        "data": chart_points.boxplot_data,
        "spec": chart_specs.boxplot_spec,
        "title": chart_specs.boxplot_title,
        "roles": (("x", "Group by (x)", CATEGORY, False), ("y", "Values (y)", NUMBER, True)),
    },
    "heatmap": {
        "label": "Heatmap",
        "value": "color",
        "data": chart_sql.heatmap_data,
        "spec": chart_specs.heatmap_spec,
        "title": chart_specs.heatmap_title,
        "roles": (
            ("x", "Across (x)", ANY_AXIS, True),
            ("y", "Down (y)", ANY_AXIS, True),
            ("color", "Value (color)", NUMBER, False),
        ),
    },
}
ORDER = ("bar", "line", "area", "scatter", "histogram", "boxplot", "heatmap")
