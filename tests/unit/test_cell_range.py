"""A selected range of cells: bounds, clamping, and where each key moves the focus."""

import pytest

from app.core import cell_range as r

ROWS, COLUMNS, PAGE = 1000, 6, 20


def test_bounds_are_inclusive_whichever_way_the_range_was_drawn():
    assert r.bounds((3, 1), (0, 2)) == (0, 1, 3, 2)
    assert r.bounds((0, 0), (0, 0)) == (0, 0, 0, 0)
    assert r.bounds(None, None) is None


@pytest.mark.parametrize(
    "key, ctrl, focus, target",
    [
        ("ArrowDown", False, (5, 2), (6, 2)),
        ("ArrowDown", True, (5, 2), (999, 2)),
        ("ArrowUp", False, (5, 2), (4, 2)),
        ("ArrowUp", True, (5, 2), (0, 2)),
        ("ArrowRight", False, (5, 2), (5, 3)),
        ("ArrowRight", True, (5, 2), (5, 5)),
        ("ArrowLeft", False, (5, 2), (5, 1)),
        ("ArrowLeft", True, (5, 2), (5, 0)),
        ("PageDown", False, (5, 2), (25, 2)),
        ("PageUp", False, (5, 2), (-15, 2)),
        ("Home", False, (5, 2), (5, 0)),
        ("Home", True, (5, 2), (0, 0)),
        ("End", False, (5, 2), (5, 5)),
        ("End", True, (5, 2), (999, 5)),
        ("a", False, (5, 2), None),
        ("Tab", False, (5, 2), None),
        ("ArrowDown", False, None, (40, 0)),  # a first key press lands on the first row in sight
        ("End", True, None, (40, 0)),
        ("x", False, None, None),
    ],
)
def test_key_target(key, ctrl, focus, target):
    assert r.key_target(key, ctrl, focus, (40, 0), PAGE, ROWS, COLUMNS) == target


@pytest.mark.parametrize("row, column, cell", [(-15, 2, (0, 2)), (5, 9, (5, 5)), (2000, -1, (999, 0)), (3, 3, (3, 3))])
def test_clamped(row, column, cell):
    assert r.clamped(row, column, ROWS, COLUMNS) == cell


def test_everything_and_still_fits():
    assert r.everything(ROWS, COLUMNS) == ((0, 0), (999, 5))
    assert r.everything(0, 0) == ((0, 0), (0, 0))
    assert r.still_fits(None, 0, 0) and r.still_fits((999, 5), ROWS, COLUMNS)
    assert not r.still_fits((1000, 0), ROWS, COLUMNS) and not r.still_fits((0, 6), ROWS, COLUMNS)


@pytest.mark.parametrize("row, target", [(50, None), (40, None), (59, None), (39, 39), (60, 41), (500, 481)])
def test_scroll_target_brings_a_row_into_sight(row, target):
    assert r.scroll_target(row, 40, PAGE) == target
