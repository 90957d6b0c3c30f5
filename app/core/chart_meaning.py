"""What a column holds, for a first chart: an amount to sum, a level to average, or a number that
only names or dates something.

``meaning(name, kind, fact)`` is one of ``MEANINGS``. A year, a month, an hour, an ID or a code is
never summed or averaged. Names are read word by word (``name_words``: ``wind_dir``, ``videoId``,
``Beak Length (mm)``), so ``paid``, ``video``, ``width`` and ``humidity`` hold no ``id`` and
``hourly_rate`` no ``hour``; a column's profile (``fact``), when known, adds what its values show
(every value distinct: a row number; all within 1800–2100: a year; exactly 1–12: a month).
app.core.charts chooses the first chart with it; app.core.chart_axes labels year axes plainly.

Runs under MicroPython and CPython (see README.md).
"""

NUMBER = ("integer", "decimal")  # the column kinds that are numbers (app.core.chart_axes uses them too)


# meaning -> how a first chart may use such a column (see ``meaning``).
MEANINGS = {
    "amount": "adds up (counts, sales, rainfall): summed",
    "level": "a level, rate or measurement (temperature, price, speed): averaged",
    "number": "a number its name says nothing about: whole numbers summed, others averaged",
    "year": "a calendar year: a time axis, never summed or averaged",
    "part": "another part of a date or time (month, day, hour, weekday): a category",
    "id": "a code or a reference to other rows (user_id, zip, fips, iata): a label",
    "row": "the row's own key or number (id, index, row_names): neither a value nor a category",
    "place": "a latitude or longitude: drawn against each other",
    "angle": "a direction in degrees (wind_dir, bearing): never summed or averaged",
    "category": "text or true/false",
}
MEASURES = ("amount", "level", "number")  # the meanings a chart may sum or average
PLACE_AXES = {"latitude": "y", "lat": "y", "longitude": "x", "lon": "x", "lng": "x", "long": "x"}
_WORDS = {}  # type: dict
for _meaning, _text in (
    (
        "id",
        "id ids uuid guid identifier identification key pk fk code codes zip zipcode postcode postal fips "
        "geoid phone telephone tel fax ssn isbn issn ean upc sku iata icao faa naics duns cusip isin serial "
        "date datekey timestamp datetime epoch unixtime ts",
    ),  # whole numbers that are dates: 20130101, epochs
    (
        "label",
        "parent group grp cluster class category cat type kind sex gender label status state county "
        "region district division segment",
    ),  # categories written as numbers (codes); text as it is
    ("row", "row rownum rowid rownumber rownames unnamed idx"),
    ("year", "year yr yyyy fy"),
    (
        "part",
        "month mon mnth mth day dom doy yday mday wday dow weekday wkday dayofweek dayofmonth dayofyear "
        "hour hr hod minute quarter qtr week wk isoweek weekofyear weeknum woy yearmonth yyyymm yyyymmdd",
    ),
    ("place", "latitude lat longitude lon lng"),
    ("angle", "dir direction bearing heading azimuth angle winddir wdir"),
    (
        "amount",
        "count counts cnt total totals sum amount amt qty quantity units sales revenue revenues turnover "
        "cost costs spend spending spent expense expenses expenditure paid payment payments fee fees tax "
        "taxes profit profits loss losses gross net receipts disbursements donations budget deaths cases "
        "births injuries casualties visits visitors views clicks impressions downloads orders items "
        "passengers trips flights tickets votes goals precipitation precip prcp rain rainfall snow "
        "snowfall population pop people volume",
    ),
    (
        "level",
        "temp temperature tmax tmin tavg dewp dewpoint dew humid humidity rh pressure baro visib "
        "visibility wind gust speed velocity score rating grade price prices age height weight length "
        "width depth mass bmi density elevation elev altitude mpg horsepower acceleration delay duration "
        "latency level concentration ph salinity expect expectancy fertility yield open close high low "
        "adjclose mag magnitude",
    ),
):
    for _word in _text.split():
        _WORDS[_word] = _meaning
# Words naming a statistic: such a column is averaged whatever else its name says (trips_per_day, temp_min).
_STATISTICS = (
    "per",
    "avg",
    "average",
    "mean",
    "median",
    "min",
    "max",
    "minimum",
    "maximum",
    "rate",
    "ratio",
    "pct",
    "percent",
    "percentage",
    "perc",
    "share",
    "fraction",
    "proportion",
    "prob",
    "probability",
    "std",
    "stddev",
)
_NUMBERED = ("number", "num", "no", "nr", "nbr")  # invoice_no, week_number: a label; number_of_x: a count
# Where a name says nothing, the scan looks for these meanings in this order.
_SCAN = ("id", "row", "label", "year", "part", "place", "angle", "amount", "level")
_YEARS = (1800, 2100)
# Calendar parts recognised by their values alone, every value present: hours, minutes, months (and days, 1–28..31).
_PARTS_BY_VALUES = ((0, 23), (0, 59), (1, 12))


def meaning(name: str, kind: str, fact=None) -> str:
    """What column ``name`` of ``kind`` holds: a key of ``MEANINGS``.

    The name decides first; where it says nothing (``number``), a whole
    number's ``fact`` (its profile: ``count``, ``nulls``, ``distinct``, ``min``,
    ``max``) can show a row number (every value once, in a dense range), a
    year (all within 1800–2100), a month (1–12), an hour (0–23), a minute
    (0–59) or a day of the month (1–28..31), each with every value present.
    """
    found = meaning_by_name(name)
    if kind not in NUMBER:
        return found if found in ("id", "row") else "category"
    if found is None and kind == "integer" and fact:
        found = _meaning_by_values(fact)
    return {"label": "id", None: "number"}.get(found, found)


def meaning_by_name(name: str):
    """What a column's name says it holds (a key of ``MEANINGS``, or ``label``: a category however written),
    or None when it says nothing."""
    words = _named_words(name)
    if not words:
        return None
    head, several = words[-1], len(words) > 1
    if _WORDS.get(head) in ("id", "row", "label"):
        if head in ("id", "key", "pk", "uuid", "guid") and not several:
            return "row"  # the table's own key; user_id, zip and code name other things
        return _WORDS[head]
    if several and (head in _NUMBERED or head == "at"):  # invoice_no, created_at
        return "id"
    if words[0] in _NUMBERED or words[0] == "n":  # number_of_seats, n_flights; n alone is a count, No. a row
        return "amount" if several or head == "n" else "row"
    if several and words[0] in ("total", "sum", "count", "cnt"):  # total_price: price times quantity
        return "amount"
    if [w for w in words if w in _STATISTICS]:
        return "level"
    if head in _WORDS:
        return _WORDS[head]
    if words[0] == "row" or (head == "index" and not several):  # row_names, index; price_index is a level
        return "row"
    if head == "long":
        return "place"
    for wanted in _SCAN:
        for word in words:
            if _WORDS.get(word) == wanted or (wanted == "year" and _yearly(word)):
                return wanted
    return None


def place_axis(name: str):
    """Where a latitude ('y') or longitude ('x') column goes on a map of points (None for other columns)."""
    words = _named_words(name)
    return PLACE_AXES.get(words[-1]) if words else None


def name_words(name: str) -> list:
    """The words of a column name, in lower case: ``wind_dir``, ``windDir``, ``Wind Dir`` -> ``['wind', 'dir']``.

    Words break at anything but a letter or digit, where a small letter
    meets a capital (``videoId``), before the last capital of a run
    (``IDNumber`` -> id, number) and between letters and digits (``zip5``).
    """
    words = []
    word = ""
    last = ""
    for ch in name:
        sort = _char_sort(ch)
        if not sort:
            if word:
                words.append(word)
            word, last = "", ""
            continue
        if word:
            if (sort == "upper" and last == "lower") or (sort == "digit") != (last == "digit"):
                words.append(word)
                word = ""
            elif sort == "lower" and last == "upper" and len(word) > 1:
                words.append(word[:-1])
                word = word[-1]
        word += ch
        last = sort
    if word:
        words.append(word)
    return [w.lower() for w in words]


def usual_aggregate(name: str, kind: str) -> str:
    """The summary a value column usually wants: amounts summed, levels averaged.

    A column that names or dates something (a year, an ID) is not summed or
    averaged: its maximum (the latest year) is shown when a person picks it.
    """
    held = meaning(name, kind)
    if held == "amount" or (held == "number" and kind == "integer"):
        return "sum"
    return "mean" if held in ("level", "number", "place") else "max"


def _meaning_by_values(fact: dict):
    low, high, distinct = fact.get("min"), fact.get("max"), fact.get("distinct")
    if not isinstance(low, int) or not isinstance(high, int) or not distinct:
        return None
    exact = not fact.get("distinct_approx")
    present = (fact.get("count") or 0) - (fact.get("nulls") or 0)
    if (
        present >= 20
        and low >= 0
        and high - low + 1 <= 2 * present
        and distinct >= (present if exact else 0.9 * present)
    ):
        return "row"
    if _YEARS[0] <= low and high <= _YEARS[1]:
        return "year"
    full = exact and distinct == high - low + 1
    if full and ((low, high) in _PARTS_BY_VALUES or (low == 1 and 28 <= high <= 31)):
        return "part"
    return None


def _yearly(word: str) -> bool:
    """A word made with 'year' (birthyear, yearbuilt), not years or yearly."""
    return (
        len(word) > 4
        and (word[:4] == "year" or word[-4:] == "year")
        and word not in ("years", "yearly")
        and word not in _WORDS
    )


def _char_sort(ch: str) -> str:
    if "a" <= ch <= "z":
        return "lower"
    if "A" <= ch <= "Z":
        return "upper"
    if "0" <= ch <= "9":
        return "digit"
    return "lower" if ord(ch) > 127 else ""  # letters beyond ASCII (MicroPython cases ASCII only)


def _named_words(name: str) -> list:
    """The words of a name without numbers (zip5 is a zip), unless it has nothing else."""
    words = name_words(name)
    return [w for w in words if not _digits(w)] or words


def _digits(word: str) -> bool:
    return all("0" <= ch <= "9" for ch in word)
