"""Which rows the grid draws and where, in plain and scaled scroll ranges; cell classes; cached blocks."""

import pytest

from app.core import grid_layout as g

HEIGHT = 600  # a viewport of 21 rows less the header: 20 rows in sight


def test_rows_in_sight():
    assert g.rows_in_sight(HEIGHT) == 20
    assert g.rows_in_sight(0) == 1


@pytest.mark.parametrize(
    "scroll_top, total, expected",
    [
        (0, 1461, {"first": 0, "last": 38, "top": 0, "bottom": (1461 - 38) * g.ROW_HEIGHT}),
        (28 * 100, 1461, {"first": 92, "last": 130, "top": 92 * 28, "bottom": (1461 - 130) * 28}),
        (0, 5, {"first": 0, "last": 5, "top": 0, "bottom": 0}),
        (28 * 1450, 1461, {"first": 1442, "last": 1461, "top": 1442 * 28, "bottom": 0}),
    ],
)
def test_drawn_rows_unscaled_draw_a_margin_around_the_viewport(scroll_top, total, expected):
    assert g.drawn_rows(scroll_top, total, HEIGHT) == expected


@pytest.mark.parametrize("total", [1000000, 3000000, 50000000])
def test_a_scaled_range_maps_the_scrollbar_onto_every_row(total):
    assert g.scaled(total) and g.virtual_height(total) == g.MAX_HEIGHT
    bottom = g.MAX_HEIGHT - HEIGHT
    assert g.row_at(0, total, HEIGHT) == 0
    assert g.row_at(bottom, total, HEIGHT) == total - g.rows_in_sight(HEIGHT)  # the last row comes into sight
    rows_per_pixel = total // bottom + 1  # scrolling lands to within a pixel's worth of rows
    for row in (0, 1, total // 3, total // 2, total - g.rows_in_sight(HEIGHT)):
        assert abs(g.row_at(g.scroll_for(row, total, HEIGHT), total, HEIGHT) - row) <= rows_per_pixel
    drawn = g.drawn_rows(bottom // 2, total, HEIGHT)
    assert drawn["top"] == bottom // 2 and drawn["last"] - drawn["first"] == g.rows_in_sight(HEIGHT) + 2


@pytest.mark.parametrize("row", [0, 1, 599, 1460])
def test_unscaled_scrolling_is_row_height_per_row(row):
    assert not g.scaled(1461)
    assert g.scroll_for(row, 1461, HEIGHT) == row * g.ROW_HEIGHT
    assert g.row_at(row * g.ROW_HEIGHT + 27, 1461, HEIGHT) == row


def test_blocks_to_drop_are_the_farthest_from_the_rows_in_sight():
    assert g.blocks_to_drop(list(range(10)), 0) == []
    cached = list(range(g.MAX_BLOCKS))
    assert g.blocks_to_drop(cached, 0) == [g.MAX_BLOCKS - 1]
    assert g.blocks_to_drop(cached, (g.MAX_BLOCKS - 1) * g.BLOCK) == [0]
    assert g.blocks_to_drop(cached + [99], 0) == [99, g.MAX_BLOCKS - 1]


@pytest.mark.parametrize(
    "kind, value, cls",
    [
        ("integer", 1, "num"),
        ("decimal", None, "num null"),
        ("text", "", " empty"),
        ("text", None, " null"),
        ("text", "a", ""),
        ("date", "2024-01-01", ""),
    ],
)
def test_cell_class(kind, value, cls):
    assert g.cell_class({"name": "c", "kind": kind}, value) == cls
