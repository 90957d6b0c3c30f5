"""Loading CSV through the shared step generators, against native DuckDB and real files."""

from pathlib import Path

import pytest

from app.core import errors, loading, sql
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def load(engine, table, name, data, options=None):
    """Sniff, then load, as the browser does."""
    path = engine.register_bytes(name, data if isinstance(data, bytes) else data.encode())
    dialect = loading.run(loading.sniff_dialect(path, name, options), engine.execute)
    return loading.run(loading.load_csv(table, path, name, dialect), engine.execute)


def test_sample_loads_with_types(engine):
    info = load(engine, "seattle_weather", "seattle-weather.csv", SAMPLE.read_bytes())
    assert info["rows"] == 1461
    assert [(c["name"], c["type"], c["kind"]) for c in info["columns"]] == [
        ("date", "DATE", "date"),
        ("precipitation", "DOUBLE", "decimal"),
        ("temp_max", "DOUBLE", "decimal"),
        ("temp_min", "DOUBLE", "decimal"),
        ("wind", "DOUBLE", "decimal"),
        ("weather", "VARCHAR", "text"),
    ]


@pytest.mark.parametrize(
    "text, rows, columns",
    [
        ("a;b\n1;2\n3;4\n", 2, ["a", "b"]),
        ("a\tb\n1\t2\n", 1, ["a", "b"]),
        ("a|b\n1|2\n", 1, ["a", "b"]),
        ('name,quote\n"Smith, J","He said ""hi""\nand left"\n', 1, ["name", "quote"]),
        ("a,b\n", 0, ["a", "b"]),  # header only: an empty table, not an error
        ("\ufeffa,b\n1,2\n", 1, ["a", "b"]),  # UTF-8 byte-order mark
        ("Report 2024\nSource: x\n\na,b\n1,2\n3,4\n", 2, ["a", "b"]),  # a preamble
        ("# comment\na;b\n1;2\n", 1, ["a", "b"]),
    ],
)
def test_csv_dialects(engine, text, rows, columns):
    info = load(engine, "t", "t.csv", text)
    assert info["rows"] == rows
    assert [c["name"] for c in info["columns"]] == columns


def test_latin1_read_as_utf8_is_explained_and_read_right_with_its_encoding(engine):
    data = "name,city\nJosé,Zürich\nAnn,Oslo\n".encode("latin-1")
    with pytest.raises(errors.OpenError) as raised:
        load(engine, "t", "latin.csv", data)
    message = str(raised.value)
    assert message.startswith("Could not read 'latin.csv' as CSV: CSV Error on Line")
    assert "The file is not UTF-8: choose its encoding" in message and "sample_size" not in message
    fixed = load(engine, "u", "latin2.csv", data, {"encoding": "latin-1"})
    assert fixed["rows"] == 2 and "rejected" not in fixed
    assert engine.execute('SELECT city FROM "u" ORDER BY city')["rows"] == [["Oslo"], ["Zürich"]]


def test_failure_leaves_other_tables_intact(engine):
    load(engine, "good", "good.csv", "x\n1\n2\n")
    with pytest.raises(errors.OpenError):
        load(engine, "bad", "bad.csv", "a," + "x" * 2_100_000 + "\n")
    assert engine.execute('SELECT sum(x) FROM "good"')["rows"] == [[3]]
    assert engine.execute(*sql.list_tables())["rows"] == [["good"]]


def test_describe_and_drop(engine):
    load(engine, "t", "t.csv", "a,b\n1,x\n")
    assert loading.run(loading.describe("t"), engine.execute)["rows"] == 1
    loading.run(loading.drop("t"), engine.execute)
    with pytest.raises(errors.QueryError):
        loading.run(loading.describe("t"), engine.execute)


@pytest.mark.parametrize(
    "text, rows, count, phrase",
    [
        (
            "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n",
            2,
            2,
            "line 3 (too few fields: 4,5), line 4 (too many fields: 6,7,8,9)",
        ),
        (
            "id,v\n" + "".join(f"{i},{i}\n" for i in range(30000)) + "x,1,2\n",
            30000,
            1,
            "line 30002 (too many fields: x,1,2)",
        ),
    ],
    ids=["ragged", "ragged-late"],
)
def test_rows_that_do_not_fit_are_counted_and_shown(engine, text, rows, count, phrase):
    info = load(engine, "t", "t.csv", text)
    assert info["rows"] == rows and info["rejected"]["count"] == count
    message = loading.rejected_message("t.csv", info["rejected"])
    assert phrase in message and f"{count} row" in message


def test_clean_files_report_no_rejects_even_after_a_ragged_one(engine):
    load(engine, "t", "t.csv", "a,b\n1,2\n3\n")
    assert "rejected" not in load(engine, "u", "u.csv", "a,b\n1,2\n")


@pytest.mark.parametrize(
    "options, first",
    [
        ({"delimiter": ";"}, ["a,b", "c"]),
        ({"header": False}, ["column0", "column1"]),
        ({"delimiter": ";", "header": False}, ["column0", "column1"]),
    ],
)
def test_csv_options_override_the_sniffer(engine, options, first):
    info = load(engine, "o", "o.csv", b"a,b;c\n1,2;3\n", options)
    assert [c["name"] for c in info["columns"]] == first


def test_a_line_over_the_limit_is_explained(engine):
    with pytest.raises(errors.OpenError) as raised:
        load(engine, "t", "long.csv", "a," + "x" * 2_100_000 + "\n")
    assert "not line-based CSV" in str(raised.value) and len(str(raised.value)) < 600


def test_flatten_structs_one_level_at_a_time(engine):
    from app.core import retype

    engine.execute("""CREATE TABLE n AS SELECT 1 AS id, {'name': 'Ada', 'where': {'city': 'Oslo'}} AS who,
                      {'x': 1} AS "odd ""col\"""")
    info = loading.run(loading.describe("n"), engine.execute)
    made = loading.run(retype.flatten_structs("n", info["columns"]), engine.execute)
    assert made == ["who.name", "who.where", 'odd "col.x']
    assert engine.execute('SELECT "who.name", "odd ""col.x" FROM n')["rows"] == [["Ada", 1]]
    again = loading.run(
        retype.flatten_structs("n", loading.run(loading.describe("n"), engine.execute)["columns"]), engine.execute
    )
    assert again == ["who.where.city"]
    assert loading.run(retype.flatten_structs("n", [{"name": "id", "type": "INTEGER"}]), engine.execute) == []


# --- headers when every column is text ------------------------------------------

R_ALL_TEXT = '"","species","colour"\n"1","setosa","red"\n"2","setosa","blue"\n"3","virginica","red"\n'


@pytest.mark.parametrize(
    "text, columns",
    [
        (R_ALL_TEXT, ["row_names", "species", "colour"]),  # R's write.csv of an all-text data frame
        ('"","name"\n"1","Ann"\n"2","Bob"\n"3","Cy"\n', ["row_names", "name"]),  # ... with distinct names
        (",name,kind\n0,Ann,x\n1,Bob,y\n2,Cy,x\n", ["row_names", "name", "kind"]),  # pandas' to_csv with its index
        ('"","mpg","cyl"\n"Mazda RX4",21,6\n"Datsun 710",22.8,4\n', ["row_names", "mpg", "cyl"]),  # text row names
        ("name,,kind\nAnn,x,fruit\nBob,y,fruit\nCy,z,veg\n", ["name", "column1", "kind"]),  # a label over repeats
        ('"","x","y"\n', ["row_names", "x", "y"]),  # header only, R's empty data frame
        ('"id","name"\n', ["id", "name"]),  # header only, quoted
        ('"id","name"', ["id", "name"]),  # ... without a line end
        ("1,2\n3,4\n", ["column0", "column1"]),  # numbers throughout: no header
    ],
)
def test_headers_of_text_files_agree_with_pandas(engine, text, columns):
    import pandas as pd

    info = load(engine, "t", "t.csv", text)
    frame = pd.read_csv(
        engine.register_bytes("p.csv", text.encode()), header=None if columns[0] == "column0" else "infer"
    )
    assert info["rows"] == len(frame)
    assert [c["name"] for c in info["columns"]] == columns
    named = [c for c in frame.columns if not str(c).startswith("Unnamed") and columns[0] != "column0"]
    assert [c for c in columns if c in named] == named


def test_row_names_keep_a_header_that_really_says_column0(engine):
    info = load(engine, "t", "t.csv", "column0,b\nx,1\ny,2\n")
    assert [c["name"] for c in info["columns"]] == ["column0", "b"]
    info = load(engine, "u", "u.csv", ",row_names\n1,a\n2,b\n")  # the readable name is taken: left as DuckDB named it
    assert [c["name"] for c in info["columns"]] == ["column0", "row_names"]


def test_a_header_choice_is_kept(engine):
    info = load(engine, "t", "t.csv", R_ALL_TEXT, {"header": False})
    assert info["rows"] == 4 and [c["name"] for c in info["columns"]] == ["column0", "column1", "column2"]


@pytest.mark.parametrize(
    "rows, header",
    [
        ([[None, "species"], ["1", "setosa"], ["2", "setosa"]], True),  # R row names, repeated labels
        ([[None, "name"], ["1", "Ann"], ["2", "Bob"]], True),  # R row names alone
        ([[None, "name"], ["0", "Ann"], ["1", "Bob"]], True),  # pandas' index
        ([[None, "name"], ["3", "Ann"], ["7", "Bob"]], False),  # an empty first cell over numbers is just missing
        ([["kind", None], ["fruit", "x"], ["fruit", "y"]], True),  # a unique label over repeated values
        ([["fruit", None], ["fruit", "x"], ["veg", "y"]], False),  # the first value recurs: data
        ([["Ann", None], ["Bob", "x"], ["Cy", "y"]], False),  # all different: no evidence either way
        ([["name", None], ["1", "x"], ["2", "x"]], True),  # a name over numbers
        ([["5", None], ["1", "x"], ["2", "x"]], False),  # a number over numbers: data, whatever else says
        ([["id", "name"]], True),  # a single line of text: a header with no rows
        ([["2019", "2020"]], False),  # a single line of numbers: data
        ([[None, None], ["a", "b"]], False),
        ([], False),
    ],
)
def test_header_stands_out(rows, header):
    assert loading.header_stands_out(rows) is header


# --- Excel's "sep=" line and delimiters at line ends ----------------------------


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("sep=;\nname;amount\nAnn;1,5\nBob;2\n", ";"),
        ("sep=,\r\nname,amount\r\nAnn,1.5\r\nBob,2\r\n", ","),
        ("sep=\t\nname\tamount\nAnn\t1.5\nBob\t2\n", "\t"),
        ("sep=|\nname|amount\nAnn|1.5\nBob|2\n", "|"),
        ("\ufeffsep=;;\nname;amount\nAnn;1,5\nBob;2\n", ";"),  # a byte-order mark; padded as a spreadsheet saves it
    ],
)
def test_excels_sep_line_names_the_delimiter_and_is_skipped_as_pandas_skips_it(engine, text, delimiter):
    import pandas as pd

    info = load(engine, "t", "t.csv", text)
    frame = pd.read_csv(
        engine.register_bytes("p.csv", text.encode("utf-8-sig")), sep=delimiter, skiprows=1, encoding="utf-8-sig"
    )
    assert [c["name"] for c in info["columns"]] == list(frame.columns) == ["name", "amount"]
    assert info["rows"] == len(frame) == 2
    assert engine.execute("SELECT name FROM t")["rows"] == [["Ann"], ["Bob"]]


def test_the_first_rows_shown_of_a_big_file_skip_the_sep_line_too(engine):
    """The loader's preview (files over 2 MB) reads with the same options as the load."""
    path = engine.register_bytes("big.csv", "sep=;\nname;amount\nAnn;1\nBob;2\n".encode())
    options = loading.run(loading.excel_options(path, {}), engine.execute)
    assert options == {"delimiter": ";", "skip": 1}
    preview = engine.execute(*sql.preview_csv(path, options))
    assert [c["name"] for c in preview["columns"]] == ["name", "amount"] and len(preview["rows"]) == 2
    plain = engine.register_bytes("plain.csv", b"name,amount\nAnn,1\n")
    assert loading.run(loading.excel_options(plain, {"header": True}), engine.execute) == {"header": True}


@pytest.mark.parametrize(
    "line, delimiter",
    [
        ("sep=;", ";"),
        ("sep=\t", "\t"),
        ("sep=,\r", ","),
        ("sep=||", "|"),
        ("sep=", None),
        ("sep=x", None),
        ("sep=;,", None),
        ("sep;", None),
        ("name,sep", None),
        (None, None),
    ],
)
def test_excel_separator(line, delimiter):
    assert loading.excel_separator(line) == delimiter


def test_a_sep_line_gives_way_to_the_options_chosen(engine):
    info = load(engine, "t", "t.csv", "sep=;\na;b\n1;2\n", {"skip": 0, "header": False})
    assert info["rows"] == 3  # the person chose to skip nothing: the line is data
    info = load(engine, "u", "u.csv", "sep=;\na;b\n1;2\n", {"delimiter": ";"})
    assert [c["name"] for c in info["columns"]] == ["a", "b"] and info["rows"] == 1


@pytest.mark.parametrize(
    "text, columns, rows",
    [
        ("a,b,\n1,2,\n3,4,\n", ["a", "b"], [[1, 2], [3, 4]]),
        ("a;b;\n1;2;\n", ["a", "b"], [[1, 2]]),
        ("a,b,\n", ["a", "b"], []),
        ("sep=;\na;b;\n1;2;\n", ["a", "b"], [[1, 2]]),
        # kept: a value in the last column, or a header that names it
        ("a,b,\n1,2,x\n3,4,\n", ["a", "b", "column2"], [[1, 2, "x"], [3, 4, None]]),
        ("a,b,column2\n1,2,\n", ["a", "b", "column2"], [[1, 2, None]]),
    ],
)
def test_a_delimiter_at_every_line_end_makes_no_empty_column(engine, text, columns, rows):
    import pandas as pd

    info = load(engine, "t", "t.csv", text)
    assert [c["name"] for c in info["columns"]] == columns
    assert engine.execute("SELECT * FROM t")["rows"] == rows
    if not text.startswith("sep="):
        # pandas keeps the empty field as an all-NaN "Unnamed: 2"; the rest is the same.
        frame = pd.read_csv(engine.register_bytes("p.csv", text.encode()), sep=";" if ";" in text else ",")
        kept = [c for c in frame.columns if not (str(c).startswith("Unnamed") and frame[c].isna().all())]
        assert len(kept) == len(columns) and kept[:2] == columns[:2] and len(frame) == len(rows)


def test_a_trailing_delimiter_without_a_header(engine):
    info = load(engine, "t", "t.csv", "1,2,\n3,4,\n")
    assert [c["name"] for c in info["columns"]] == ["column0", "column1"] and info["rows"] == 2


# --- found by the corpus of real files (tests/corpus) ------------------------------


def test_rs_header_with_numbers_for_names_is_a_header(engine):
    import pandas as pd

    text = '"","1940","1945"\n"Food",22.2,44.5\n"Housing",10.5,15.5\n'
    info = load(engine, "t", "spending.csv", text)
    frame = pd.read_csv(engine.register_bytes("p.csv", text.encode()))
    assert info["rows"] == len(frame) == 2
    assert [c["name"] for c in info["columns"]] == ["row_names", "1940", "1945"]
    assert [c["type"] for c in info["columns"]][1:] == ["DOUBLE", "DOUBLE"]


def test_space_separated_files_split_but_sentences_do_not(engine):
    import pandas as pd

    text = "gpa tuce psi\n2.66 20 0\n2.89 22 0\n3.28 24 1\n"
    info = load(engine, "t", "spector.csv", text)
    frame = pd.read_csv(engine.register_bytes("p.csv", text.encode()), sep=" ")
    assert [c["name"] for c in info["columns"]] == list(frame.columns) == ["gpa", "tuce", "psi"]
    assert info["rows"] == len(frame) == 3
    notes = load(engine, "n", "notes.csv", "note\nhello world\nbye now\n")
    assert [c["name"] for c in notes["columns"]] == ["note"] and notes["rows"] == 2
