"""Times with a time zone read as UTC, and late values read as missing, checked against pandas and DuckDB."""

import datetime as dt

import pandas as pd
import pytest
from test_missing import column_types, late_file, load, values

from app.core import errors, loading, missing, share, zones
from app.engine.native import NativeEngine


@pytest.fixture
def engine():
    engine = NativeEngine(locked=True)
    yield engine
    engine.close()


def utc_from_pandas(path, column):
    """The column as pandas reads it, in UTC without a zone (pandas is the oracle)."""
    frame = pd.read_csv(path)
    stamps = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return [None if pd.isna(s) else s.tz_convert(None).to_pydatetime() for s in stamps]


LOG = (
    "id,at,ms\n1,2024-01-01T10:00:00Z,15\n2,2024-03-31T01:30:00+01:00,22\n"
    "3,2024-06-01T23:30:00-05:00,9\n4,,40\n5,2024-12-24 18:00:00+0530,3\n"
)


def test_zoned_times_are_utc_with_their_offsets_kept_when_they_vary(engine):
    info, path = load(engine, "log.csv", LOG)
    assert column_types(info) == {"id": "BIGINT", "at": "TIMESTAMP", "at_offset": "VARCHAR", "ms": "BIGINT"}
    assert values(engine, "log", "at") == utc_from_pandas(path, "at")
    assert values(engine, "log", "at_offset") == ["+00:00", "+01:00", "-05:00", None, "+05:30"]
    assert info["utc"] == [{"column": "at", "offsets": 4, "offset_column": "at_offset"}]
    message = zones.changes_message("log.csv", info["utc"])
    assert message == (
        "In 'log.csv', times with a time zone ('at') are shown in UTC, so that every date function "
        "works on them. Their offsets vary, so each value's offset is kept in 'at_offset'."
    )


def test_one_offset_throughout_needs_no_offset_column(engine):
    text = "time_hour,temp\n" + "".join(f"2013-01-01T{h:02d}:00:00Z,{h * 1.5}\n" for h in range(24))
    info, path = load(engine, "hourly.csv", text)
    assert column_types(info) == {"time_hour": "TIMESTAMP", "temp": "DOUBLE"}
    assert values(engine, "hourly", "time_hour") == utc_from_pandas(path, "time_hour")
    assert info["utc"] == [{"column": "time_hour", "offsets": 1, "offset_column": None}]


def test_every_date_function_works_on_them(engine):
    load(engine, "log.csv", LOG)
    row = engine.execute(
        'SELECT date_trunc(\'month\', "at"), extract(year FROM "at"), "at"::DATE, strftime("at", \'%H:%M\') '
        "FROM log WHERE id = 3"
    )["rows"][0]
    assert row == [dt.date(2024, 6, 1), 2024, dt.date(2024, 6, 2), "04:30"]


def test_an_offset_column_name_already_taken_gets_another(engine):
    text = "at,at_offset\n2024-01-01T10:00:00+01:00,x\n2024-01-01T10:00:00+02:00,y\n"
    info, _ = load(engine, "taken.csv", text)
    assert [c["name"] for c in info["columns"]] == ["at", "at_offset_2", "at_offset"]
    assert values(engine, "taken", "at_offset") == ["x", "y"]


def test_zoned_times_with_missing_markers_are_utc_too(engine):
    text = "at,v\n2024-01-01T10:00:00+02:00,1\nNA,2\n2024-01-02T10:00:00Z,3\n"
    info, _ = load(engine, "na.csv", text)
    assert column_types(info)["at"] == "TIMESTAMP"
    assert values(engine, "na", "at") == [dt.datetime(2024, 1, 1, 8), None, dt.datetime(2024, 1, 2, 10)]


def test_a_zoned_typed_column_is_converted_as_it_is(engine):
    engine.execute("CREATE TABLE j AS SELECT 1 AS id, TIMESTAMPTZ '2024-05-01 12:00:00+02' AS \"at\"")
    columns = loading.run(loading.describe("j"), engine.execute)["columns"]
    done = loading.run(zones.to_utc("j", columns), engine.execute)
    assert done == [{"column": "at", "offsets": None, "offset_column": None}]
    assert engine.execute('SELECT typeof("at"), "at" FROM j')["rows"] == [["TIMESTAMP", dt.datetime(2024, 5, 1, 10)]]
    assert loading.run(zones.to_utc("j", columns[:1]), engine.execute) == []  # nothing zoned: nothing run


def test_plain_times_are_left_alone(engine):
    info, _ = load(engine, "plain.csv", "at,v\n2024-01-01 10:00:00,1\n2024-01-02 11:00:00,2\n")
    assert column_types(info) == {"at": "TIMESTAMP", "v": "BIGINT"} and info["utc"] == []


# --- late values read as missing ---------------------------------------------------------


def test_late_values_can_be_read_as_missing_and_are_counted(engine):
    info, path = load(engine, "late.csv", late_file("oops"), {"late": missing.AS_MISSING})
    assert info["rows"] == 30000 and "rejected" not in info
    assert column_types(info)["v"] == "BIGINT"
    assert engine.execute("SELECT v FROM late WHERE id = 25500")["rows"] == [[None]]
    frame = pd.read_csv(path)
    oracle = pd.to_numeric(frame["v"], errors="coerce")  # pandas' way to read the unfit as missing
    assert sum(v is None for v in values(engine, "late", "v")) == int(oracle.isna().sum()) == 1
    assert sum(v for v in values(engine, "late", "v") if v is not None) == int(oracle.sum())
    [change] = info["settled"]
    assert change["rule"] == "late" and change["unfit"] == 1
    assert missing.changes_message("late.csv", info["settled"]) == (
        "In 'v', 1 value far into the file is not integers (the first on line 25,502) and became missing, as chosen "
        "in Read as…; no row was left out. To keep them, choose Values that do not fit: widen the column."
    )


def test_late_markers_stay_markers_when_late_values_are_missing(engine):
    info, _ = load(engine, "late.csv", late_file("NA", "w"), {"late": missing.AS_MISSING})
    assert column_types(info)["w"] == "DOUBLE"
    assert [c["rule"] for c in info["settled"]] == ["missing"]


@pytest.mark.parametrize("given", ["drop", 3, ""])
def test_an_unknown_late_choice_is_refused_or_ignored(engine, given):
    if given == "":
        info, _ = load(engine, "late.csv", late_file("oops"), {"late": given})  # empty: the default
        assert column_types(info)["v"] == "VARCHAR"
        return
    with pytest.raises(errors.OpenError, match="values that do not fit"):
        load(engine, "late.csv", late_file("oops"), {"late": given})


def test_a_link_replays_the_choice_and_drops_a_damaged_one():
    source = {"table": "late", "kind": "url", "name": "late.csv", "read": {"late": "missing"}}
    assert share.open_options(source)["late"] == "missing"
    source["read"]["late"] = "explode"
    assert "late" not in share.open_options(source)
