"""DuckDB type names to kinds, checked against types native DuckDB really reports."""

import pytest

from app.core import types
from app.engine.native import NativeEngine


@pytest.mark.parametrize(
    "literal, kind",
    [
        ("1::TINYINT", "integer"),
        ("1::SMALLINT", "integer"),
        ("1::INTEGER", "integer"),
        ("1::BIGINT", "integer"),
        ("1::HUGEINT", "integer"),
        ("1::UBIGINT", "integer"),
        ("1::UHUGEINT", "integer"),
        ("1.5::DOUBLE", "decimal"),
        ("1.5::FLOAT", "decimal"),
        ("1.5::DECIMAL(18,3)", "decimal"),
        ("true", "boolean"),
        ("'x'", "text"),
        ("gen_random_uuid()", "text"),
        ("DATE '2024-01-02'", "date"),
        ("TIMESTAMP '2024-01-02 03:04:05'", "timestamp"),
        ("TIMESTAMPTZ '2024-01-02 03:04:05+00'", "timestamp"),
        ("TIME '03:04:05'", "time"),
        ("INTERVAL 3 DAY", "interval"),
        ("'a'::BLOB", "binary"),
        ("[1, 2]", "list"),
        ("{'a': 1}", "struct"),
        ("MAP {'a': 1}", "struct"),
    ],
)
def test_kind_of_duckdb_types(literal, kind):
    engine = NativeEngine()
    engine.execute(f"CREATE TABLE t AS SELECT {literal} AS v")
    duckdb_type = engine.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 't'")["rows"][0][
        0
    ]
    assert types.kind_of(duckdb_type) == kind, duckdb_type


def test_labels_and_alignment():
    assert types.label_of("integer") == "123"
    assert types.label_of("nonsense") == "?"
    assert types.kind_of("GEOMETRY") == "other"
    assert types.is_numeric("decimal") and not types.is_numeric("text")
    assert types.describe_columns([{"name": "a", "type": "BIGINT"}]) == [
        {"name": "a", "type": "BIGINT", "kind": "integer"}
    ]
