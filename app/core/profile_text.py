"""A column profile as what the screen shows: the header's strip of bars and the detail panel's lines.

The profile is app.core.profile's dict; ``spark_bars`` and ``summary_lines``
are re-exported there, which is where callers find them.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display

SPARK_VALUES = 8  # top values drawn in a text column's strip

_LENGTH_UNITS = {"text": "characters", "binary": "bytes", "list": "items"}
_NUMBER_LINES = (
    ("min", "Minimum"),
    ("q25", "25th percentile"),
    ("median", "Median"),
    ("q75", "75th percentile"),
    ("max", "Maximum"),
    ("mean", "Mean"),
    ("stddev", "Standard deviation"),
)
# kind -> the statistics its detail panel lists, as (key, label).
_LINES = {
    "integer": _NUMBER_LINES,
    "decimal": _NUMBER_LINES,
    "date": (("min", "Earliest"), ("max", "Latest")),
    "timestamp": (("min", "Earliest"), ("max", "Latest")),
    "time": (("min", "Minimum"), ("max", "Maximum")),
    "interval": (("min", "Minimum"), ("max", "Maximum")),
}


def spark_bars(profile: dict) -> list:
    """The header strip: ``[{label, count, fraction}]``, fraction of the tallest bar (0..1)."""
    if profile.get("histogram"):
        bars = [(b["label"], b["count"]) for b in profile["histogram"]]
    elif profile.get("top"):
        bars = [(display.cell_text(t["value"]), t["count"]) for t in profile["top"][:SPARK_VALUES]]
    else:
        return []
    tallest = max([bar[1] for bar in bars])
    return [{"label": bar[0], "count": bar[1], "fraction": (bar[1] / tallest) if tallest else 0.0} for bar in bars]


def summary_lines(profile: dict) -> list:
    """``[(label, text)]`` for the detail panel, in reading order."""
    count = profile["count"]
    lines = [
        ("Type", profile["type"]),
        ("Rows", display.thousands(count)),
        ("Missing (NULL)", display.thousands(profile["nulls"]) + _percent(profile["nulls"], count)),
    ]
    if profile.get("distinct") is not None:
        lines.append(("Distinct", _distinct_text(profile)))
    for key, label in _LINES.get(profile["kind"], ()):
        if profile.get(key) is not None:
            lines.append((label, display.number_text(profile[key])))
    for key, label in (("nan", "NaN"), ("infinite", "Infinite"), ("empty", "Empty text")):
        if profile.get(key):
            lines.append((label, display.thousands(profile[key]) + _percent(profile[key], count)))
    length = profile.get("length")
    if length and length.get("max") is not None:
        lines.append(
            (
                "Length",
                display.number_text(length["min"])
                + "–"
                + display.number_text(length["max"])
                + " "
                + _LENGTH_UNITS.get(profile["kind"], "")
                + ", mean "
                + display.number_text(length["mean"]),
            )
        )
    if profile.get("incomplete"):
        lines.append(("Note", profile["incomplete"]))
    return lines


def _percent(part, whole) -> str:
    if not whole or not part:
        return ""
    share = 100.0 * part / whole
    return " (<0.1%)" if share < 0.1 else " (" + ("%.1f" % share) + "%)"


def _distinct_text(profile) -> str:
    """The distinct count; an estimate to two significant digits, since it is often 10% off."""
    distinct = profile["distinct"]
    if not profile.get("distinct_approx"):
        return display.thousands(distinct)
    digits = len(str(distinct))
    unit = 10 ** max(0, digits - 2)
    return "≈ " + display.thousands(int(round(distinct / unit)) * unit)
