"""window.loupe: open, query, tables — and clear, recoverable errors on bad input."""

import pytest

SAMPLE_PATH = "assets/vendor/vega-datasets-3.2.1/seattle-weather.csv"


def rejection(page, script):
    """The message of the Error a promise rejects with (fails if it resolves)."""
    return page.evaluate(f"""async () => {{
        try {{ await ({script}); }} catch (e) {{ return e instanceof Error ? e.message : 'not an Error: ' + e; }}
        throw new Error('expected a rejection');
    }}""")


def assert_sample_intact(page):
    assert page.evaluate("loupe.query('SELECT count(*) AS n FROM seattle_weather')")["rows"] == [[1461]]
    assert "seattle_weather" in [t["table"] for t in page.evaluate("loupe.tables()")]


def test_query_returns_columns_and_rows(app):
    result = app.evaluate(
        'loupe.query("SELECT weather, count(*) AS n FROM seattle_weather GROUP BY weather ORDER BY n DESC, weather")'
    )
    assert result["columns"] == [{"name": "weather", "type": "VARCHAR"}, {"name": "n", "type": "BIGINT"}]
    assert result["rows"][0] == ["rain", 641] and sum(r[1] for r in result["rows"]) == 1461


def test_tables_lists_the_sample(app):
    tables = app.evaluate("loupe.tables()")
    assert tables == [
        {
            "table": "seattle_weather",
            "rows": 1461,
            "columns": [
                {"name": "date", "type": "DATE", "kind": "date"},
                {"name": "precipitation", "type": "DOUBLE", "kind": "decimal"},
                {"name": "temp_max", "type": "DOUBLE", "kind": "decimal"},
                {"name": "temp_min", "type": "DOUBLE", "kind": "decimal"},
                {"name": "wind", "type": "DOUBLE", "kind": "decimal"},
                {"name": "weather", "type": "VARCHAR", "kind": "text"},
            ],
        }
    ]


def test_open_csv_text(app):
    info = app.evaluate("loupe.open({name: 'Sales 2024.csv', text: 'region;amount\\nnorth;10.5\\nsouth;7\\n'})")
    assert info == {
        "table": "sales_2024",
        "rows": 2,
        "columns": [
            {"name": "region", "type": "VARCHAR", "kind": "text"},
            {"name": "amount", "type": "DOUBLE", "kind": "decimal"},
        ],
    }
    assert app.locator("#table-title").inner_text() == "sales_2024"
    assert app.locator("#tables .tab-name").all_inner_texts() == ["seattle_weather", "sales_2024"]
    assert app.evaluate("loupe.query('SELECT sum(amount) FROM sales_2024')")["rows"] == [[17.5]]
    again = app.evaluate("loupe.open({name: 'Sales 2024.csv', text: 'a\\n1\\n'})")
    assert again["table"] == "sales_2024_2"


def test_open_url_served_by_the_app(app, base_url):
    info = app.evaluate(f"loupe.open('{base_url}{SAMPLE_PATH}')")
    assert info["table"] == "seattle_weather_2" and info["rows"] == 1461
    relative = app.evaluate(f"loupe.open('./{SAMPLE_PATH}')")
    assert relative["table"] == "seattle_weather_3"


def test_open_a_blob(app):
    info = app.evaluate("loupe.open(new Blob(['x,y\\n1,2\\n3,4\\n'], {type: 'text/csv'}))")
    assert info["rows"] == 2 and info["table"] == "data"


@pytest.mark.parametrize(
    "script, expected",
    [
        ("loupe.query('SELEC 1')", "Parser Error"),
        ("loupe.query('SELECT * FROM nowhere')", "loupe.tables()"),
        ("loupe.query('   ')", "The query is empty"),
        ("loupe.open({name: 'empty.csv', text: ''})", "'empty.csv' is empty"),
        ("loupe.open({name: 'blank.csv', text: '  \\n\\n '})", "'blank.csv' is empty"),
        ("loupe.open({name: 'nul.csv', text: 'a,b\\u0000\\n1,2'})", "NUL characters"),
        ("loupe.open({name: 'n.csv', text: 42})", "needs text as a string"),
        ("loupe.open(null)", "takes a URL string, a File or Blob, or {name, text}"),
        ("loupe.open(42)", "takes a URL string"),
        ("loupe.open('./no/such/file.csv')", "the server answered 404"),
        ("loupe.open(new Blob([new Uint8Array([0x50,0x4b,3,4,20,0,6,0])]))", "is damaged or only partly downloaded"),
        ("loupe.open(new Blob([new Uint8Array(4096).map((_, i) => i % 7)]))", "contains binary data"),
    ],
)
def test_bad_input_is_rejected_with_advice_and_nothing_is_lost(app, script, expected):
    message = rejection(app, script)
    assert expected in message
    assert_sample_intact(app)
    assert app.locator("#table-title").inner_text() == "seattle_weather"


def test_cross_origin_url_without_cors_is_explained(app, other_origin):
    message = rejection(app, f"loupe.open('{other_origin}{SAMPLE_PATH}')")
    assert "does not let other sites read the file (CORS)" in message
    assert_sample_intact(app)


def test_calls_made_before_ready_are_queued(page, base_url):
    page.goto(base_url, wait_until="commit")
    page.wait_for_function("window.loupe !== undefined")
    result = page.evaluate("loupe.query('SELECT 40 + 2 AS answer')")
    assert result == {"columns": [{"name": "answer", "type": "INTEGER"}], "rows": [[42]]}


def test_sql_can_create_and_drop_tables(app):
    app.evaluate("loupe.open({name: 'a.csv', text: 'x\\n1\\n'})")
    app.evaluate("loupe.query('DROP TABLE a')")
    assert [t["table"] for t in app.evaluate("loupe.tables()")] == ["seattle_weather"]
    assert app.locator("#table-title").inner_text() == "seattle_weather"
