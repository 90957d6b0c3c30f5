"""The explorer's decisions give the same answers under MicroPython (WebAssembly, in node) as under CPython.

Sorting, column moves, chips, captions, paging (its step generators replayed
over native DuckDB's recorded answers), grid layout, cell ranges and source
summaries run on the main thread in the browser; each call below runs on both
interpreters and the JSON of the results must be equal.
"""

import importlib
import json
from pathlib import Path

from micropython_replay import needs_micropython, replay

from app.core import loading, paging, view
from app.engine.native import NativeEngine

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "vega-datasets" / "data"

REPLAY = """
import json
from app.core import captions, cell_range, chips, filters, grid_layout, layout_columns, loading, paging
from app.core import sorting, source_summary, view
modules = {"captions": captions, "cell_range": cell_range, "chips": chips, "filters": filters,
           "grid_layout": grid_layout, "layout_columns": layout_columns, "paging": paging,
           "sorting": sorting, "source_summary": source_summary, "view": view}
out = []
for case in json.load(open("/cases.json")):
    function = getattr(modules[case["module"]], case["function"])
    if "answers" in case:
        answers = case["answers"]
        found = loading.run(function(*case["args"]), lambda statement, params: answers[json.dumps([statement, params])])
    else:
        found = function(*case["args"])
    out.append(found)
print(json.dumps(out))
"""


def _view(*changes):
    state = view.add_source(view.new_view(), "weather", "file", "weather.csv")
    for change, args in changes:
        state = change(state, *args)
    return state


def _calls(columns):
    busy = _view(
        (view.with_filter, ("weather", "in", ["rain", "sun", None, "fog"])),
        (view.with_filter, ("temp_max", "range", [20.5, None])),
        (view.with_search, ("2014",)),
        (view.with_group, (["weather"], [])),
    )
    busy_state = view.table_state(busy)
    sorted_state = view.table_state(_view((view.with_sort, ("date", "asc")), (view.with_sort, ("wind", "desc", True))))
    found = {"name": "t", "count": 1461, "nulls": 3, "min": -1.6, "max": 35.6, "distinct": 67}
    return [
        ("sorting", "next_direction", [sorted_state, "wind"]),
        ("sorting", "next_direction", [sorted_state, "temp_max"]),
        ("sorting", "clicked_view", [_view((view.with_sort, ("date", "desc"))), "date", True]),
        ("sorting", "clicked_view", [busy, "count", False]),
        ("sorting", "grid_sort", [busy_state]),
        ("sorting", "header_marks", [sorted_state["sort"]]),
        ("layout_columns", "moved_by", [["a", "b", "c"], "c", -5]),
        ("layout_columns", "moved_before", [["a", "b", "c"], "a", "c"]),
        ("layout_columns", "all_shown", [_view((view.with_hidden, ("wind",)), (view.with_hidden, ("date",)))]),
        ("layout_columns", "shown_names", [columns, sorted_state]),
        ("layout_columns", "default_width", [{"name": "précipitation_totale", "kind": "decimal"}]),
        ("chips", "chips_of", [busy_state, columns]),
        ("chips", "removed", [busy, "filter", 1]),
        ("chips", "removed", [busy, "all", 0]),
        ("captions", "count_caption", [1204, 3000000, True, False]),
        ("captions", "count_caption", [1, 1461, True, True]),
        ("captions", "copied_caption", [100000, 3, 100000]),
        ("captions", "cell_announcement", [1999, "wind", "é" * 250, [1000, 0, 1999, 2]]),
        ("captions", "spark_title", [found]),
        ("captions", "share_text", [1, 1000]),
        ("captions", "profiled_caption", [6, 1, True]),
        ("paging", "first_page", [busy_state, 200, 1461, 200]),
        ("paging", "filter_key", [busy_state]),
        ("paging", "profile_source", ["weather", busy_state, columns]),
        ("grid_layout", "drawn_rows", [4000000, 3000000, 600]),
        ("grid_layout", "drawn_rows", [2800, 1461, 600]),
        ("grid_layout", "blocks_to_drop", [list(range(30)), 4000]),
        ("grid_layout", "cell_class", [{"name": "x", "kind": "integer"}, None]),
        ("cell_range", "key_target", ["End", True, [3, 1], [0, 0], 20, 1461, 6]),
        ("cell_range", "key_target", ["PageUp", False, None, [40, 0], 20, 1461, 6]),
        ("cell_range", "bounds", [[9, 4], [2, 1]]),
        ("filters", "typed_bound", [{"name": "x", "kind": "decimal"}, " 2.5 "]),
        ("filters", "offered", [{"name": "x", "kind": "date"}]),
        (
            "source_summary",
            "summary",
            [{"name": "w.csv", "read": {"format": "csv", "delimiter": "\t", "missing": ["NA"]}}],
        ),
        ("source_summary", "read_form", [{"format": "csv", "header": False}]),
    ]


@needs_micropython
def test_micropython_gives_the_same_answers(tmp_path):
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    columns = loading.run(loading.describe("weather"), engine.execute)["columns"]
    cases, expected = [], []
    for module, function, args in _calls(columns):
        cases.append({"module": module, "function": function, "args": args})
        expected.append(getattr(importlib.import_module("app.core." + module), function)(*args))
    # The step generators, over the answers native DuckDB gave (in the JSON shape the browser hands over).
    grouped = view.table_state(_view((view.with_group, (["weather"], [{"fn": "max", "column": "wind"}]))))
    for steps_of, args in (
        ("grouped_rows", ["loupe_groups", "weather", grouped, columns, 200]),
        ("stored_count", [{"columns": [], "rows": []}, "loupe_groups"]),
    ):
        answers = {}

        def recording(statement, params):
            result = engine.execute(statement, params)
            result = json.loads(json.dumps({"columns": result["columns"], "rows": result["rows"]}, default=str))
            answers[json.dumps([statement, params])] = result  # noqa: B023 (called within the same iteration)
            return result

        expected.append(loading.run(getattr(paging, steps_of)(*args), recording))
        cases.append({"module": "paging", "function": steps_of, "args": args, "answers": answers})
    engine.close()
    assert replay(tmp_path, cases, REPLAY, heap_mb=32, timeout=120) == json.loads(json.dumps(expected))
