"""How a file was read is shown and can be changed; column types can be changed; nothing is silently lost."""

from test_ways_in import loads, wait_loads


def pick_text(page, tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    before = loads(page)
    page.set_input_files("#file-input", str(path))
    wait_loads(page, before + 1)


def test_detected_reading_is_shown_and_can_be_changed(app, tmp_path):
    pick_text(app, tmp_path, "cities.csv", "city;note\nZürich;a,b\nKöln;c,d\n".encode("cp1252"))
    assert (
        app.locator("#source-summary").inner_text()
        == "cities.csv · CSV · Windows-1252 (Latin-1) · semicolon-separated · with header"
    )
    assert app.evaluate("loupe.query('SELECT city FROM cities ORDER BY 1')")["rows"] == [["Köln"], ["Zürich"]]
    app.locator("#read-as summary").click()
    assert app.locator("#read-encoding").input_value() == "windows-1252"
    assert app.locator("#read-delimiter").input_value() == ";"
    app.locator("#read-delimiter").select_option(",")
    app.locator("#read-header").select_option("false")
    before = loads(app)
    app.locator("#read-as-form button").click()
    wait_loads(app, before + 1)
    app.wait_for_function("document.getElementById('source-summary').textContent.includes('comma-separated')")
    tables = app.evaluate("loupe.tables()")
    assert [t["table"] for t in tables] == ["seattle_weather", "cities"]
    assert [c["name"] for c in tables[1]["columns"]] == ["column0", "column1"]
    assert tables[1]["rows"] == 2  # "city;note" has no comma: DuckDB skips it as a preamble line
    assert "no header" in app.locator("#source-summary").inner_text()


def test_numbers_with_separators_and_dates_get_their_types(app, tmp_path):
    text = 'when,amount,code,label\n15.03.2024,"1,234.50",00501,x\n01.04.2024,"12,000",02134,y\n02.04.2024,7,02135,z\n'
    pick_text(app, tmp_path, "money.csv", text.encode())
    info = app.evaluate("loupe.tables()")[-1]
    assert [c["type"] for c in info["columns"]] == ["DATE", "DOUBLE", "VARCHAR", "VARCHAR"]
    assert "'amount' as numbers with thousands separators" in app.locator("#error-text").inner_text()
    rows = app.evaluate("loupe.query('SELECT \"when\", amount, code FROM money ORDER BY 1')")["rows"]
    assert rows[0] == ["2024-03-15", 1234.5, "00501"]


def test_changing_a_type_counts_values_that_become_null(app, tmp_path):
    pick_text(app, tmp_path, "scores.csv", b"name,score\nAda,9\nBo,n/a\nCy,7\nDi,unknown\n")
    app.locator("#retype summary").click()
    app.locator("#retype-column").select_option("score")
    app.locator("#retype-type").select_option("BIGINT")
    app.locator("#retype-form button").click()
    app.wait_for_function("loupe.tables()[1].columns[1].type === 'BIGINT'")
    assert "2 values of 'score' did not fit BIGINT and became NULL" in app.locator("#error-text").inner_text()
    assert app.evaluate("loupe.query('SELECT count(score) FROM scores')")["rows"] == [[2]]


def test_a_wrong_choice_can_be_undone_by_reading_again(app, tmp_path):
    pick_text(app, tmp_path, "plain.csv", b"a,b\n1,2\n")
    app.locator("#read-as summary").click()
    for encoding in ("utf-16le", "utf-8"):
        app.locator("#read-encoding").select_option(encoding)
        before = loads(app)
        app.locator("#read-as-form button").click()
        wait_loads(app, before + 1)
        assert [t["table"] for t in app.evaluate("loupe.tables()")] == ["seattle_weather", "plain"]
    assert app.evaluate("loupe.query('SELECT a + b FROM plain')")["rows"] == [[3]]


def test_nested_json_can_be_flattened(app, tmp_path):
    pick_text(
        app,
        tmp_path,
        "people.json",
        b'[{"id": 1, "who": {"name": "Ada", "city": "Oslo"}}, {"id": 2, "who": {"name": "Bo", "city": null}}]',
    )
    flatten = app.locator("#flatten")
    assert flatten.is_visible()
    flatten.click()
    app.wait_for_function("loupe.tables()[1].columns.length === 3")
    assert [c["name"] for c in app.evaluate("loupe.tables()")[1]["columns"]] == ["id", "who.city", "who.name"]
    app.locator("#flatten").wait_for(state="hidden")  # the table list is published before the redraw ends
    assert app.locator("#grid thead .colname").all_inner_texts() == ["id", "who.city", "who.name"]


def test_mixed_line_endings_are_read_and_said(shared_app):
    rows = ["id,name,v"] + [f'{i},"n{i}",{i * 1.5}' for i in range(3000)]
    text = "".join(row + ("\r\n" if i % 2 else "\n") for i, row in enumerate(rows))
    info = shared_app.evaluate("([name, text]) => loupe.open({name, text})", ["mixed.csv", text])
    assert info["rows"] == 3000 and [c["type"] for c in info["columns"]] == ["BIGINT", "VARCHAR", "DOUBLE"]
    assert "mixes line endings" in shared_app.locator("#error-text").inner_text()
    assert shared_app.evaluate("loupe.query(\"SELECT count(*) FROM mixed WHERE name LIKE '%' || chr(13) || '%'\")")[
        "rows"
    ] == [[0]]
    # Old Mac files end lines with CR alone: read as they are.
    info = shared_app.evaluate("loupe.open({name: 'mac.csv', text: 'a,b\\r1,x\\r2,y\\r'})")
    assert info["rows"] == 2
    assert "'mac.csv' mixes" not in shared_app.locator("#error-text").inner_text()


def test_a_file_with_carriage_returns_that_cannot_be_read_keeps_the_first_message(shared_app):
    tables = len(shared_app.evaluate("loupe.tables()"))
    failure = shared_app.evaluate(
        "loupe.open({name: 'long.csv', text: 'a,b\\r\\n1,' + 'x'.repeat(3000000) + '\\n'})"
        ".then(() => 'opened', e => e.message)"
    )
    assert failure.startswith("Could not read 'long.csv' as CSV: Error when sniffing file")
    assert "search space" not in failure and "Possible fixes" not in failure
    assert "line endings" not in failure and len(shared_app.evaluate("loupe.tables()")) == tables
