"""The bins of a column profile's histogram: their edges, labels and the SQL numbering them.

``number_bins`` and ``time_bins`` each return a plan ``(bin_sql, params,
bars)``: ``bin_sql`` numbers a value ``v``'s bin from 0 (with ``params``),
and ``bars`` are the ``[{lo, hi, count, label}]`` to fill, one per bin
(``count`` still 0). app.core.profile runs the query and counts.

Numbers get 1, 2 or 5 × 10^k wide bins (whole widths for whole numbers);
dates and times fixed steps up to two weeks (weeks start on Mondays), then
calendar months, quarters, half years and years. Time bins follow epoch
seconds, so for TIMESTAMPTZ they are in UTC whatever the session's zone.

Runs under MicroPython and CPython (see README.md).
"""

import math

from app.core import bins, display

_DAY = bins.DAY
# Fixed time bins in seconds, up to two weeks; wider bins are calendar months and years.
_SECOND_STEPS = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    _DAY,
    2 * _DAY,
    7 * _DAY,
    14 * _DAY,
)
_MONDAY = 4 * _DAY  # 1970-01-05: week bins start on Mondays
_MONTH_STEPS = (1, 2, 3, 6)
_AVERAGE_MONTH = 2629746  # seconds in 365.2425 / 12 days


def number_bins(lo, hi, count: int, whole: bool):
    """The plan of about ``count`` bins over lo..hi, or None when the span overflows a double.

    ``whole``: an integer column, whose bins have whole widths and are
    labelled by their first and last value (``10 – 19``).
    """
    if lo == hi:
        return None, [], [_bar(lo, hi, display.number_text(lo))]
    span = float(hi) - float(lo)
    if not bins.finite(span):
        return None
    m, k = bins.nice_step(span / max(1, count))
    edges = bins.bin_edges(lo, hi, m, k, whole)
    if edges is None:
        return None
    start, step, n, decimals = edges
    bars = []
    for i in range(n):
        low = start + i * step
        high = low + step
        if whole and step == 1:
            label = display.number_text(low)
        elif whole:
            label = display.number_text(low) + " – " + display.number_text(high - 1)
        else:
            low, high = round(low, decimals), round(high, decimals)
            label = display.number_text(low) + " – " + display.number_text(high)
        bars.append(_bar(low, high, label))
    return "floor((v::DOUBLE - ?) / ?)", [float(start), float(step)], bars


def time_bins(lo: float, hi: float, count: int, dated: bool) -> tuple:
    """The plan of at most about ``count`` bins over epoch seconds lo..hi, edges as ISO text.

    ``dated``: a DATE column, whose bins are whole days at least and whose
    edges are dates. ``hi`` of a bin is where the next one starts.
    """
    if lo == hi:
        return None, [], [_bar(bins.iso(lo, dated), bins.iso(hi, dated), _label(lo, _DAY if dated else 1))]
    raw = (hi - lo) / max(1, count)
    for seconds in _SECOND_STEPS:
        if seconds >= raw and (seconds >= _DAY or not dated):
            return _fixed_time_bins(lo, hi, seconds, dated)
    for months in _MONTH_STEPS:
        if months * _AVERAGE_MONTH >= raw:
            return _month_bins(lo, hi, months, dated)
    m, k = bins.nice_step(raw / (12 * _AVERAGE_MONTH))
    return _month_bins(lo, hi, 12 * m * 10 ** max(0, k), dated)


def _fixed_time_bins(lo, hi, step, dated) -> tuple:
    align = _MONDAY if step >= 7 * _DAY else 0
    start = math.floor((lo - align) / step) * step + align
    count = int(math.floor((hi - start) / step)) + 1
    bars = []
    for i in range(count):
        low = start + i * step
        bars.append(_bar(bins.iso(low, dated), bins.iso(low + step, dated), _label(low, step)))
    return "floor((epoch(v) - ?) / ?)", [float(start), float(step)], bars


def _month_bins(lo, hi, months, dated) -> tuple:
    start = (bins.month_index(lo) // months) * months
    count = (bins.month_index(hi) - start) // months + 1
    bars = []
    for i in range(count):
        low = start + i * months
        last = low + months - 1
        if months == 1:
            label = _month_text(low)
        elif months < 12:
            label = _month_text(low) + " – " + _month_text(last)
        elif months == 12:
            label = "%04d" % (low // 12)
        else:
            label = "%04d – %04d" % (low // 12, last // 12)
        bars.append(_bar(_month_start(low, dated), _month_start(low + months, dated), label))
    return "(year(v) * 12 + month(v) - 1 - ?) // ?", [start, months], bars


def _bar(lo, hi, label: str) -> dict:
    return {"lo": lo, "hi": hi, "count": 0, "label": label}


def _label(seconds, step) -> str:
    """A bin's start to the precision its width needs."""
    text = bins.iso(seconds, False)
    if step >= _DAY:
        return text[:10]
    if step >= 60:
        return text[:16]
    return text


def _month_text(index) -> str:
    return "%04d-%02d" % (index // 12, index % 12 + 1)


def _month_start(index, dated) -> str:
    text = _month_text(index) + "-01"
    return text if dated else text + " 00:00:00"
