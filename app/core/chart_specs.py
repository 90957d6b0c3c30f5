"""Chart specs: the Vega-Lite encodings and marks of each kind of chart, and its titles.

One spec builder per kind (app.core.charts.KINDS names them) fills in the
spec ``charts.vega_lite`` starts from a chart's data (``chart_data``'s
result): the encodings of its axes, marks, tooltips. Title builders word
the chart's title, and ``extremes`` the highest and lowest marks for its
accessible description.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display
from app.core.chart_axes import AGGREGATES, UNITS

_VALUE_FORMAT = ",.6~r"


# --- spec builders: one per kind ----------------------------------------------------------


def bar_spec(spec: dict, chart: dict, data: dict) -> None:
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


def line_spec(spec: dict, chart: dict, data: dict) -> None:
    _series_spec(spec, chart, data, "line")


def area_spec(spec: dict, chart: dict, data: dict) -> None:
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


def histogram_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = _position(axes["x"], "x", True)
    encoding["y"] = _value_encoding(chart, data, True)
    if axes.get("color"):
        encoding["color"] = _color_encoding(axes["color"])
    encoding["tooltip"] = _tooltip(data, chart)
    spec["mark"] = {"type": "bar", "binSpacing": 1}
    spec["encoding"] = encoding


def heatmap_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = _position(axes["x"], "x", True)
    encoding.update(_position(axes["y"], "y", True))
    encoding["color"] = {
        "field": "value",
        "type": "quantitative",
        "title": _value_title(chart, data),
        "scale": {"scheme": "viridis"},
    }
    encoding["tooltip"] = _tooltip(data, chart)
    spec["mark"] = {"type": "rect"}
    spec["encoding"] = encoding
    spec["height"] += 60


def scatter_spec(spec: dict, chart: dict, data: dict) -> None:
    axes = data["axes"]
    encoding = {"x": _point_encoding(axes["x"]), "y": _point_encoding(axes["y"])}  # type: dict
    tooltip = [_point_tooltip(axes["x"]), _point_tooltip(axes["y"])]
    color = axes.get("color")
    if color and color["mode"] == "number":
        encoding["color"] = {
            "field": "color",
            "type": "quantitative",
            "title": color["name"],
            "scale": {"scheme": "viridis"},
        }
        tooltip.append({"field": "color", "type": "quantitative", "title": color["name"], "format": _VALUE_FORMAT})
    elif color:
        encoding["color"] = _color_encoding(color)
        tooltip.append({"field": "color", "type": "nominal", "title": color["name"]})
    encoding["tooltip"] = tooltip
    many = len(data["values"]) > 3000
    spec["mark"] = {"type": "point", "filled": True, "opacity": 0.5 if many else 0.7, "size": 12 if many else 30}
    spec["encoding"] = encoding


def boxplot_spec(spec: dict, chart: dict, data: dict) -> None:
    axis = data["axes"]["x"]
    y = chart["y"]
    x = {"field": "x", "type": "nominal", "sort": axis["labels"], "title": chart["x"]}
    x["axis"] = _label_axis(axis["labels"]) if chart["x"] else {"labels": False, "ticks": False}
    if not chart["x"]:
        x["title"] = None
    tooltip = [
        {"field": "x", "type": "nominal", "title": chart["x"] or "rows"},
        {"field": "n", "type": "quantitative", "title": "Rows", "format": ","},
    ]
    for field, label in (
        ("min", "Minimum"),
        ("low", "Lower whisker"),
        ("q1", "25th percentile"),
        ("median", "Median"),
        ("q3", "75th percentile"),
        ("high", "Upper whisker"),
        ("max", "Maximum"),
        ("mean", "Mean"),
    ):
        tooltip.append({"field": field, "type": "quantitative", "title": label, "format": _VALUE_FORMAT})
    tooltip.append({"field": "outliers", "type": "quantitative", "title": "Outliers (not drawn)", "format": ","})
    scale = {"zero": False}
    spec["encoding"] = {"x": x, "tooltip": tooltip}
    spec["layer"] = [
        {
            "mark": {"type": "rule"},
            "encoding": {
                "y": {"field": "low", "type": "quantitative", "title": y, "scale": scale},
                "y2": {"field": "high"},
            },
        },
        {
            "mark": {"type": "bar", "width": {"band": 0.6}},
            "encoding": {
                "y": {"field": "q1", "type": "quantitative", "title": y, "scale": scale},
                "y2": {"field": "q3"},
            },
        },
        {
            "mark": {"type": "tick", "color": "white", "thickness": 2, "width": {"band": 0.6}},
            "encoding": {"y": {"field": "median", "type": "quantitative", "title": y, "scale": scale}},
        },
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
        if axis.get("plain"):
            encoding["axis"] = {"format": "d"}  # years and codes: 2013, not 2,013
        if band:
            encoding["bin"] = {"binned": True, "step": axis["step"]}
        else:
            encoding["scale"] = {"zero": False}
    else:
        encoding = {
            "field": field,
            "type": "temporal",
            "title": axis["name"] + " (" + axis["unit"] + ")",
            "scale": {"type": "utc"},
            # Labels closer than this are thinned out: the first, flush with the edge, touched the next.
            "axis": {"format": UNITS[axis["unit"]][2], "labelSeparation": 6},
        }
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
    encoding = {"field": "value", "type": "quantitative", "title": _value_title(chart, data)}  # type: dict
    if data["axes"].get("color") and not stacked:
        encoding["stack"] = None
    return encoding


def _color_encoding(axis: dict) -> dict:
    return {
        "field": "color",
        "type": "nominal",
        "sort": axis["labels"],
        "title": axis["name"],
        "legend": {"labelLimit": 160},
    }


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
    out.append({"field": "value", "type": "quantitative", "title": _value_title(chart, data), "format": _VALUE_FORMAT})
    if chart["aggregate"] != "count":
        out.append({"field": "rows", "type": "quantitative", "title": "Rows", "format": ","})
    return out


def _value_title(chart: dict, data: dict) -> str:
    """``'Mean of temp_max'``: the summary and the column summarised (``data["value"]``, the kind's value role)."""
    aggregate = chart["aggregate"] or "count"
    if aggregate == "count":
        return AGGREGATES["count"][0]
    return AGGREGATES[aggregate][0] + " of " + str(data["value"])


# --- titles -----------------------------------------------------------------------------


def by_title(chart: dict, data: dict) -> str:
    x = data["axes"].get("x") if data else None
    text = _value_title(chart, data) + " by " + chart["x"]
    if x and x["mode"] == "time":
        text += ", per " + x["unit"]
    if chart["color"]:
        text += " and " + chart["color"]
    return text


def scatter_title(chart: dict, data: dict) -> str:
    return chart["y"] + " against " + chart["x"] + (" by " + chart["color"] if chart["color"] else "")


def histogram_title(chart: dict, data: dict) -> str:
    return "Distribution of " + chart["x"] + (" by " + chart["color"] if chart["color"] else "")


def boxplot_title(chart: dict, data: dict) -> str:
    return "Distribution of " + chart["y"] + (" by " + chart["x"] if chart["x"] else "")


def heatmap_title(chart: dict, data: dict) -> str:
    return _value_title(chart, data) + " by " + chart["x"] + " and " + chart["y"]


def extremes(chart: dict, data: dict) -> str:
    """The highest and lowest marks in words (grouped charts and box plots)."""
    values = data["values"]
    key = "median" if chart["kind"] == "boxplot" else "value"
    if chart["kind"] == "scatter":
        return display.thousands(len(values)) + " points."
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
    what = "median" if key == "median" else _value_title(chart, data).lower()
    if len(present) == 1:
        return "One mark: " + _where(top, data) + ", " + what + " " + display.number_text(top[key]) + "."
    return (
        display.thousands(len(values))
        + " marks. Highest "
        + what
        + ": "
        + _where(top, data)
        + ", "
        + display.number_text(top[key])
        + "; lowest: "
        + _where(low, data)
        + ", "
        + display.number_text(low[key])
        + "."
    )


def _where(value: dict, data: dict) -> str:
    parts = []
    for role in ("x", "y", "color"):
        axis = data["axes"].get(role)
        if axis is None or role not in value:
            continue
        parts.append(str(value[role]) if axis["mode"] == "category" else str(value.get(role + "_label", value[role])))
    return " / ".join(parts)
