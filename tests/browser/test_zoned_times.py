"""Times with a time zone in the browser (no ICU there): read as UTC and usable everywhere; late values read
as missing when the person chooses; a WebAssembly failure worded and the engine checked."""

import csv
import datetime as dt

import duckdb
import pandas as pd
from test_chart_panel import open_chart
from test_export_menu import export
from test_missing_values import open_text, read_again_with, summary, types_of
from test_profile_panel import cards, open_profiles
from test_ways_in import loads, wait_loads

HOURS = 24 * 40
LOG = "time_hour,origin,temp\n" + "".join(
    f"2013-01-{1 + h // 24:02d}T{h % 24:02d}:00:00{'Z' if h % 3 else '+01:00'},{'JFK' if h % 2 else 'LGA'},{h % 17 + 0.5}\n"
    for h in range(HOURS // 2)
)


def test_zoned_times_are_utc_and_work_everywhere(app, tmp_path):
    info = open_text(app, "hourly.csv", LOG)
    assert types_of(info) == {
        "time_hour": "TIMESTAMP",
        "time_hour_offset": "VARCHAR",
        "origin": "VARCHAR",
        "temp": "DOUBLE",
    }
    assert summary(app).endswith("· Times in UTC")
    assert "are shown in UTC" in app.locator("#error-text").inner_text()
    path = tmp_path / "hourly.csv"
    path.write_text(LOG)
    oracle = pd.to_datetime(pd.read_csv(path)["time_hour"], utc=True, format="ISO8601").dt.tz_convert(None)
    ours = app.evaluate("loupe.query('SELECT CAST(time_hour AS VARCHAR) FROM hourly ORDER BY rowid')")["rows"]
    assert [row[0] for row in ours] == [str(t) for t in oracle]
    # What failed before without ICU: date parts, truncation, formatting, a cast to a date.
    row = app.evaluate(
        "loupe.query(\"SELECT date_trunc('month', time_hour), extract(hour FROM time_hour), "
        "strftime(time_hour, '%d %H'), CAST(max(time_hour) AS DATE) FROM hourly "
        "WHERE time_hour_offset = '+01:00' GROUP BY ALL ORDER BY 2 LIMIT 1\")"
    )["rows"][0]
    assert row[0].startswith("2013-01-01") and row[1] == 2
    # The grid, a filter on the column, the profiles, the suggested chart, group-by on a date part, an export.
    assert app.locator("#grid tbody tr[data-row]").first.inner_text().startswith("1")  # row numbers
    app.evaluate(
        "loupe.setTableState('hourly', {filters: [{column: 'time_hour', op: 'range', "
        "value: ['2013-01-02 00:00:00', '2013-01-02 23:59:59']}]})"
    )
    app.wait_for_function("document.getElementById('view-count').textContent === 'Showing 24 of 480 rows'")
    open_profiles(app)
    card = cards(app)["time_hour"]
    assert card["type"] and card["bars"]  # a histogram over time, not an error
    app.evaluate("loupe.setTableState('hourly', {filters: []})")
    spec = open_chart(app)
    assert spec and app.locator("#chart-view .vega-embed svg").count() == 1
    assert app.locator("#chart-error").count() == 0 or app.locator("#chart-error").is_hidden()
    grouped = app.evaluate(
        "loupe.query(\"SELECT date_part('day', time_hour) AS d, count(*) FROM hourly GROUP BY d ORDER BY d LIMIT 1\")"
    )["rows"]
    assert grouped == [[1, 24]]
    _, exported = export(app, tmp_path, "csv")
    with open(exported, newline="") as f:
        first = next(csv.DictReader(f))
    assert dt.datetime.fromisoformat(first["time_hour"]) == oracle[0].to_pydatetime()


def test_zoned_times_in_json_and_parquet_are_utc_too(app, tmp_path):
    # DuckDB-WASM's JSON reader gives them in UTC itself (as TIMESTAMP_S).
    info = open_text(
        app, "events.json", '[{"at": "2024-05-01T12:00:00+02:00", "n": 1}, {"at": "2024-05-01T12:00:00Z", "n": 2}]'
    )
    assert [c["kind"] for c in info["columns"]] == ["timestamp", "integer"]
    rows = app.evaluate('loupe.query("SELECT strftime(\\"at\\", \'%H:%M\') FROM events ORDER BY n")')["rows"]
    assert rows == [["10:00"], ["12:00"]]
    # Parquet keeps the zoned type: Loupe reads it as UTC and says so.
    path = tmp_path / "zoned.parquet"
    duckdb.sql("SET TimeZone = 'UTC'")
    duckdb.sql(f"COPY (SELECT TIMESTAMPTZ '2024-05-01 12:00:00+02' AS stamp, 1 AS n) TO '{path}' (FORMAT parquet)")
    before = loads(app)
    app.set_input_files("#file-input", str(path))
    wait_loads(app, before + 1)
    info = app.evaluate("loupe.tables()")[-1]
    assert types_of(info)["stamp"] == "TIMESTAMP"
    assert summary(app).endswith("· Times in UTC")
    assert app.evaluate("loupe.query(\"SELECT strftime(stamp, '%H:%M'), extract(day FROM stamp) FROM zoned\")")[
        "rows"
    ] == [["10:00", 1]]


def test_a_date_function_on_a_zoned_time_made_in_sql_gets_advice(shared_app):
    failure = shared_app.evaluate("loupe.query(\"SELECT date_trunc('day', now())\").then(() => 'ran', e => e.message)")
    assert "CAST(ts AS TIMESTAMP)" in failure and "time-zone extension" in failure
    assert shared_app.evaluate("loupe.query(\"SELECT date_trunc('day', CAST(now() AS TIMESTAMP)) IS NOT NULL\")")[
        "rows"
    ] == [[True]]


def test_late_values_can_be_read_as_missing_and_a_link_keeps_the_choice(app):
    lines = ["id,v"] + [f"{i},{i * 2}" for i in range(30000)]
    lines[25501] = "25500,oops"
    info = open_text(app, "late.csv", "\n".join(lines) + "\n")
    assert types_of(info)["v"] == "VARCHAR"  # widened by default: nothing lost
    app.locator("#read-as summary").click()
    assert app.get_by_label("Values that do not fit").input_value() == "widen"
    app.get_by_label("Values that do not fit").select_option("missing")
    before = loads(app)
    app.locator("#read-as-form button").click()
    wait_loads(app, before + 1)
    app.wait_for_function("document.getElementById('source-summary').textContent.includes('Values that do not fit')")
    assert types_of(app.evaluate("loupe.tables()")[-1])["v"] == "BIGINT"
    assert (
        "1 value far into the file is not integers (the first on line 25,502) and became missing"
        in app.locator("#error-text").inner_text()
    )
    assert app.evaluate("loupe.query('SELECT count(v), count(*) FROM late')")["rows"] == [[29999, 30000]]
    assert app.evaluate("loupe.view().sources.at(-1).read.late") == "missing"
    read_again_with(app, "NA")  # the choice stays when something else is changed
    assert app.get_by_label("Values that do not fit").input_value() == "missing"


def test_a_webassembly_failure_is_worded_and_the_engine_checked(shared_app):
    message = shared_app.evaluate("""async () => {
        const real = loupeEngine.query;
        loupeEngine.query = async () => { throw new Error('RuntimeError: function signature mismatch'); };
        try { await loupe.query('SELECT 1'); return 'ran'; }
        catch (e) { return e.message; }
        finally { loupeEngine.query = real; }
    }""")
    assert message.startswith(
        "The engine stopped in the middle of this query (a WebAssembly failure: “function signature mismatch”)"
    )
    assert message.endswith("it still works, and every table is as it was.")
    assert "RuntimeError" not in message
    assert shared_app.evaluate("loupe.query('SELECT 42')")["rows"] == [[42]]
