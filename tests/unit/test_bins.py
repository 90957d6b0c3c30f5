"""Round bins, calendar arithmetic and engine numbers, checked against native DuckDB and Python."""

import datetime
import math

import duckdb
import pytest

from app.core import bins


@pytest.fixture(scope="module")
def db():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.mark.parametrize(
    "raw, step",
    [(0.0042, (5, -3)), (1, (1, 0)), (1.01, (2, 0)), (4.17, (5, 0)), (7, (1, 1)), (21647, (5, 4)), (1e300, (1, 300))],
)
def test_nice_steps(raw, step):
    m, k = bins.nice_step(raw)
    assert (m, k) == step
    assert m * 10.0**k >= raw


@pytest.mark.parametrize(
    "lo, hi, m, k, whole, edges",
    [
        (0, 99, 5, 0, True, (0, 5, 20, 0)),
        (-7, 12, 2, 0, True, (-8, 2, 11, 0)),
        (3, 9, 2, -1, True, (3, 1, 7, 0)),  # a whole step is 1 at least
        (-(2**127), 2**127 - 1, 1, 37, True, (-18 * 10**37, 10**37, 36, 0)),  # exact for HUGEINT
        (0.13, 0.97, 5, -2, False, (0.1, 0.05, 18, 2)),
        (-1.5, 2.25, 2, -1, False, (-1.6, 0.2, 20, 1)),
        (-1.7e308, 1.7e308, 1, 0, False, None),  # wider than a double holds
    ],
)
def test_bin_edges(db, lo, hi, m, k, whole, edges):
    found = bins.bin_edges(lo, hi, m, k, whole)
    assert found == (pytest.approx(edges) if edges and not whole else edges)
    if found is None or abs(hi) > 1e15:
        return
    start, step, count, _ = found
    # Every value from lo to hi falls in one of the bins, numbered as profiles and charts number them in SQL.
    values = [lo, hi, (lo + hi) / 2]
    numbers = db.execute("SELECT floor((unnest(?) - ?) / ?)::BIGINT", [values, float(start), float(step)]).fetchall()
    assert all(0 <= n[0] < count for n in numbers)


def test_civil_matches_python_dates():
    epoch = datetime.date(1970, 1, 1)
    for days in list(range(-719_000, 2_900_000, 997)) + [-1, 0, 59, 60, 365, 11016]:
        day = epoch + datetime.timedelta(days=days)
        assert bins.civil(days) == (day.year, day.month, day.day)


@pytest.mark.parametrize(
    "seconds", [0, -1, 59, 86399, 86400, 951782400, 951868799, 1709251199.75, -2208988800, 4102444800, -62135596800]
)
def test_iso_and_month_index_match_duckdb(db, seconds):
    stamp = "epoch_ms(CAST(floor(?::DOUBLE * 1000) AS BIGINT))"
    text, day, month = db.execute(
        "SELECT strftime(" + stamp + ", '%Y-%m-%d %H:%M:%S'), " + stamp + "::DATE::VARCHAR, "
        "year(" + stamp + ") * 12 + month(" + stamp + ") - 1",
        [seconds] * 4,
    ).fetchone()
    assert bins.iso(seconds, False) == text
    assert bins.iso(seconds, True) == day
    assert bins.month_index(seconds) == month


@pytest.mark.parametrize(
    "value, whole, number",
    [
        (None, None, None),
        (12, 12, 12.0),
        (-3.0, -3, -3.0),
        ("170141183460469231731687303715884105727", 2**127 - 1, 1.7014118346046923e38),  # from the browser
        ("-42", -42, -42.0),
        (2.5, 2, 2.5),
        ("NaN", None, None),
        ("Infinity", None, None),
        ("-Infinity", None, None),
        (float("nan"), None, None),
        (float("-inf"), None, None),
    ],
)
def test_numbers_from_either_engine(value, whole, number):
    if whole is not None or value is None:
        assert bins.integer(value) == whole
    assert bins.real(value) == number


@pytest.mark.parametrize(
    "value, finite", [(0.0, True), (-1e308, True), (float("nan"), False), (float("inf"), False), (-math.inf, False)]
)
def test_finite(value, finite):
    assert bins.finite(value) is finite
