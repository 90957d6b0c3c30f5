"""Engine errors are worded for a person."""

import pytest

from app.core import errors
from app.engine.native import NativeEngine


@pytest.mark.parametrize("statement, advice", [
    ("SELEC 1", "Check the SQL syntax"),
    ("SELECT * FROM missing_table", "loupe.tables()"),
    ("SELECT nope FROM (SELECT 1 AS a)", "column names"),
    ("SELECT 'abc'::INTEGER", "TRY_CAST"),
])
def test_native_engine_errors_carry_advice(statement, advice):
    with pytest.raises(errors.QueryError) as raised:
        NativeEngine().execute(statement)
    assert advice in str(raised.value)


def test_js_prefix_is_dropped_and_empty_messages_explained():
    assert str(errors.query_error("Error: Parser Error: syntax error")).startswith("Parser Error")
    assert "without a message" in str(errors.query_error(""))


def test_error_tree():
    for cls in (errors.OpenError, errors.QueryError, errors.StateError, errors.ChartError):
        assert issubclass(cls, errors.LoupeError)
    for cls in (errors.EmptyFileError, errors.BinaryFileError, errors.FetchError):
        assert issubclass(cls, errors.OpenError)


def test_chart_errors_belong_to_the_tree():
    from app.core import charts
    assert charts.ChartError is errors.ChartError
    with pytest.raises(errors.ChartError):
        charts.roles("pie")
