"""Round bins, calendar arithmetic and numbers as an engine hands them over.

Column profiles (app.core.profile) and charts (app.core.chart_axes) both cut
numbers into bins of a round width and dates into calendar periods; this
module holds what they share, so each rule is written once:

    nice_step(raw) -> (m, k)              the smallest m × 10^k >= raw, m one of 1, 2, 5
    bin_edges(lo, hi, m, k, whole)        start, step, count and decimals of bins over lo..hi
    civil(days) -> (year, month, day)     days since 1970-01-01 as a date (MicroPython has no datetime)
    month_index(seconds), iso(seconds, dated)
    integer(value), count(value), real(value), finite(value)

DuckDB's values arrive from native DuckDB as Python numbers and from the
browser as JSON, where big integers, NaN and infinity are text.

Runs under MicroPython and CPython (see README.md).
"""

import math

DAY = 86400  # seconds

_INF = float("inf")
_NAMED_FLOATS = {"NaN": float("nan"), "Infinity": _INF, "-Infinity": -_INF}


def nice_step(raw: float) -> tuple:
    """``(m, k)``: the smallest m × 10^k at least ``raw`` (> 0), with m one of 1, 2, 5."""
    k = 0
    while 10.0**k > raw:
        k -= 1
    while 10.0 ** (k + 1) <= raw:
        k += 1
    for m in (1, 2, 5):
        if m * 10.0**k >= raw:
            return m, k
    return 1, k + 1


def bin_edges(lo, hi, m: int, k: int, whole: bool):
    """``(start, step, count, decimals)`` of bins of width m × 10^k covering lo..hi (None if too wide).

    ``start`` is a multiple of the step, so the edges read well. For
    ``whole`` numbers the step is an int (1 when m × 10^k is a fraction),
    exact even for HUGEINT when lo and hi are ints.
    """
    if whole:
        step = m * 10**k if k >= 0 else 1
        start = (lo // step) * step
        return start, step, (hi - start) // step + 1, 0
    step = m * 10.0**k
    decimals = max(0, -k)
    start = round(math.floor(lo / step) * step, decimals)
    width = (hi - start) / step
    if not finite(width):
        return None
    return start, step, int(math.floor(width)) + 1, decimals


# --- calendar arithmetic on epoch seconds --------------------------------------------


def civil(days: int) -> tuple:
    """Days since 1970-01-01 as (year, month, day), proleptic Gregorian (H. Hinnant's algorithm)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (1 if month <= 2 else 0), month, day


def month_index(seconds) -> int:
    """Months since year 0 of the month holding epoch ``seconds``."""
    year, month, _ = civil(int(math.floor(seconds / DAY)))
    return year * 12 + month - 1


def iso(seconds, dated: bool) -> str:
    """Epoch seconds as ISO text: the date alone when ``dated``, else date and time (UTC)."""
    whole = int(math.floor(seconds))
    days = whole // DAY
    year, month, day = civil(days)
    text = "%04d-%02d-%02d" % (year, month, day)
    if dated:
        return text
    rest = whole - days * DAY
    return text + " %02d:%02d:%02d" % (rest // 3600, rest // 60 % 60, rest % 60)


# --- numbers from either engine ------------------------------------------------------


def integer(value):
    """An exact int from DuckDB's value, or None (big integers arrive from the browser as text)."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return int(float(value))


def count(value) -> int:
    """A count from a query's result: an int, NULL as 0."""
    return integer(value) or 0


def real(value):
    """A finite float, or None for NULL, NaN and infinity (the browser sends those two as text)."""
    if value is None:
        return None
    if isinstance(value, str) and value in _NAMED_FLOATS:
        value = _NAMED_FLOATS[value]
    value = float(value)
    return value if finite(value) else None


def finite(value) -> bool:
    """False for NaN and infinity."""
    return value == value and value != _INF and value != -_INF
