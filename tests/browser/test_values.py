"""Every DuckDB type crosses from Arrow to JSON explicitly (assets/js/engine.mjs)."""

import pytest


@pytest.mark.parametrize(
    "sql, value, type_name",
    [
        ("true", True, "BOOLEAN"),
        ("42::TINYINT", 42, "TINYINT"),
        ("-7::SMALLINT", -7, "SMALLINT"),
        ("2147483647::INTEGER", 2147483647, "INTEGER"),
        ("9007199254740991::BIGINT", 9007199254740991, "BIGINT"),
        ("9007199254740993::BIGINT", "9007199254740993", "BIGINT"),
        ("'-9223372036854775808'::BIGINT", "-9223372036854775808", "BIGINT"),
        ("18446744073709551615::UBIGINT", "18446744073709551615", "UBIGINT"),
        ("12::HUGEINT", 12, None),
        ("-170141183460469231731687303715884105727::HUGEINT", "-170141183460469231731687303715884105727", None),
        ("(SELECT sum(x) FROM range(5) t(x))", 10, None),
        ("1.5::DOUBLE", 1.5, "DOUBLE"),
        ("'NaN'::DOUBLE", "NaN", "DOUBLE"),
        ("'-inf'::DOUBLE", "-Infinity", "DOUBLE"),
        ("123.45::DECIMAL(10,2)", 123.45, "DECIMAL(10,2)"),
        ("-0.05::DECIMAL(4,2)", -0.05, "DECIMAL(4,2)"),
        ("12345678901234567.891::DECIMAL(38,3)", "12345678901234567.891", "DECIMAL(38,3)"),
        ("'héllo <b>'", "héllo <b>", "VARCHAR"),
        ("''", "", "VARCHAR"),
        ("NULL::VARCHAR", None, "VARCHAR"),
        ("DATE '2024-02-29'", "2024-02-29", "DATE"),
        ("DATE '1900-01-01'", "1900-01-01", "DATE"),
        ("TIMESTAMP '2024-02-29 13:45:06'", "2024-02-29 13:45:06", "TIMESTAMP"),
        ("TIMESTAMP '2024-02-29 13:45:06.123456'", "2024-02-29 13:45:06.123456", "TIMESTAMP"),
        ("TIMESTAMP '1960-06-01 00:00:00.5'", "1960-06-01 00:00:00.5", "TIMESTAMP"),
        ("TIMESTAMPTZ '2024-02-29 13:45:06+00'", "2024-02-29 13:45:06Z", "TIMESTAMP WITH TIME ZONE"),
        ("TIME '13:45:06.25'", "13:45:06.25", "TIME"),
        ("INTERVAL '1 month 2 days 3 seconds'", {"months": 1, "days": 2, "microseconds": 3000000}, "INTERVAL"),
        ("NULL::INTERVAL", None, "INTERVAL"),
        ("INTERVAL '-5 hours 0.25 seconds'", {"months": 0, "days": 0, "microseconds": -17999750000}, "INTERVAL"),
        ("'\\xAA\\x01'::BLOB", "\\xAA\\x01", "BLOB"),
        ("[1, 2, NULL]", [1, 2, None], "INTEGER[]"),
        ("[[1], []]", [[1], []], "INTEGER[][]"),
        ("{'a': 1, 'b': 'x'}", {"a": 1, "b": "x"}, None),
        ("MAP {'k': 1.5}", {"k": 1.5}, "MAP"),
        ("'a'::ENUM ('a', 'b')", "a", "VARCHAR"),
        ("'00000000-0000-0000-0000-000000000001'::UUID", "00000000-0000-0000-0000-000000000001", None),
    ],
)
def test_value_conversion(shared_app, sql, value, type_name):
    result = shared_app.evaluate("sql => loupe.query(sql)", f"SELECT {sql} AS v")
    assert result["rows"] == [[value]]
    if type_name:
        assert result["columns"][0]["type"] == type_name


def test_many_rows_and_nulls_across_chunks(shared_app):
    result = shared_app.evaluate("""loupe.query(`SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE INTERVAL (i) DAY END AS d,
        CASE WHEN i % 2 = 0 THEN NULL ELSE i::BIGINT * 1000000000000 END AS big
        FROM range(5000) t(i) ORDER BY i`)""")
    rows = result["rows"]
    assert len(rows) == 5000
    assert rows[4999] == [4999, {"months": 0, "days": 4999, "microseconds": 0}, 4999000000000000]
    assert rows[3] == [3, None, 3000000000000] and rows[4][2] is None
