"""Engine errors are worded for a person."""

import pytest

from app.core import errors
from app.engine.native import NativeEngine


@pytest.mark.parametrize(
    "statement, advice",
    [
        ("SELEC 1", "Check the SQL syntax"),
        ("SELECT * FROM missing_table", "loupe.tables()"),
        ("SELECT nope FROM (SELECT 1 AS a)", "column names"),
        ("SELECT 'abc'::INTEGER", "TRY_CAST"),
    ],
)
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


# --- WebAssembly failures and times with a time zone ------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "RuntimeError: function signature mismatch",
        "Error: RuntimeError: unreachable",
        "RuntimeError: memory access out of bounds\n    at wasm-function[12]",
    ],
)
def test_a_webassembly_failure_says_what_failed_not_the_raw_trap(raw):
    text = str(errors.query_error(raw))
    assert text.startswith("The engine stopped in the middle of this query (a WebAssembly failure: “")
    assert "RuntimeError" not in text and "wasm-function" not in text
    assert errors.is_trap(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "Binder Error: call stack depth exceeded in the expression",
        'Parser Error: syntax error at or near "unreachable"',
    ],
)
def test_engine_errors_that_mention_trap_words_are_not_traps(raw):
    assert not errors.is_trap(raw)
    assert not str(errors.query_error(raw)).startswith("The engine stopped")


def test_after_a_trap_the_check_is_reported():
    assert "still works" in errors.after_trap(True)
    assert "reload the page" in errors.after_trap(False)


def test_zoned_time_functions_get_the_utc_advice():
    from app.engine.native import NativeEngine

    engine = NativeEngine(locked=True)
    try:
        engine.execute("CREATE TABLE t AS SELECT TIMESTAMPTZ '2024-01-01 10:00:00+02' AS ts")
        # Native DuckDB has ICU built in, so the browser's failures are given as the browser says them.
        for raw in [
            "Conversion Error: Unimplemented type for cast (TIMESTAMP WITH TIME ZONE -> DATE)",
            "Binder Error: No function matches the given name and argument types "
            "'strftime(TIMESTAMP WITH TIME ZONE, STRING_LITERAL)'.",
            "Catalog Error: Scalar Function with name date_part is not in the catalog, but it exists in "
            "the icu extension.",
            "Extension Autoloading Error: An error occurred while trying to automatically install the "
            "required extension 'icu':\nLoading external extensions is disabled through configuration",
        ]:
            text = str(errors.query_error(raw))
            assert "CAST(ts AS TIMESTAMP)" in text and "extension" in text
            assert "would be downloaded" not in text  # not the general refusal of extensions
        # The advice works: the cast it suggests runs.
        assert engine.execute("SELECT date_trunc('month', CAST(ts AS TIMESTAMP)) FROM t")["rows"][0][0].month == 1
    finally:
        engine.close()
