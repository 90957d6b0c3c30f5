"""Table names from file names and URLs."""

import pytest

from app.core.naming import file_name_from_url, table_name_for


@pytest.mark.parametrize(
    "file_name, existing, expected",
    [
        ("seattle-weather.csv", [], "seattle_weather"),
        ("Sales 2024 (final).csv", [], "sales_2024_final"),
        ("data.csv.gz", [], "data"),
        ("data.csv", ["data"], "data_2"),
        ("data.csv", ["DATA", "data_2"], "data_3"),
        ("2024.csv", [], "t_2024"),
        ("###.csv", [], "table"),
        ("", [], "table"),
        ("Ünïcode Straße.tsv", [], "ünïcode_straße"),
        ("C:\\Users\\me\\report.csv", [], "report"),
        ("<img src=x onerror=alert(1)>.csv", [], "img_src_x_onerror_alert_1"),
        ("reports/<b>q1</b>.csv", [], "b"),
        ("x" * 200 + ".csv", [], "x" * 60),
        (".csv", [], "csv"),
    ],
)
def test_table_name_for(file_name, existing, expected):
    assert table_name_for(file_name, existing) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://127.0.0.1:8000/assets/data/cars.csv", "cars.csv"),
        ("https://example.org/a/b/Sales%202024.csv?download=1#top", "Sales 2024.csv"),
        ("https://example.org/", "example.org"),
        ("https://example.org/export/", "export"),
        ("data.csv", "data.csv"),
        ("https://example.org/bad%ZZname.csv", "bad%ZZname.csv"),
        ("https://example.org/%FF.csv", "%FF.csv"),
    ],
)
def test_file_name_from_url(url, expected):
    assert file_name_from_url(url) == expected
