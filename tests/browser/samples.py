"""Sample files for the browser tests, made from real vega-datasets data (deterministic)."""

import csv
import gzip
import json
import sqlite3
from pathlib import Path

import duckdb
import openpyxl

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "node_modules" / "vega-datasets" / "data"


def weather_rows() -> list[list[str]]:
    with (DATA / "seattle-weather.csv").open(newline="") as f:
        return list(csv.reader(f))


def build(folder: Path) -> dict[str, Path]:
    """Write every sample into ``folder``; return them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    weather = (DATA / "seattle-weather.csv").read_bytes()
    text = weather.decode()
    files["weather.csv.gz"] = gzip.compress(weather, mtime=0)
    files["weather-utf16.csv"] = text.replace("sun", "sün").encode("utf-16")
    files["weather-utf16be.csv"] = b"\xfe\xff" + text.replace("sun", "sün").encode("utf-16-be")
    files["weather-latin1.csv"] = text.replace("sun", "sün").replace(",", ";").encode("cp1252")
    files["weather-bom.csv"] = b"\xef\xbb\xbf" + weather
    files["weather.txt"] = text.replace(",", "|").encode()
    files["unemployment.tsv"] = (DATA / "unemployment.tsv").read_bytes()
    files["movies.json"] = (DATA / "movies.json").read_bytes()
    cars = json.loads((DATA / "cars.json").read_bytes())
    files["cars.jsonl"] = "\n".join(json.dumps(c) for c in cars).encode() + b"\n"
    files["cars.ndjson.gz"] = gzip.compress(files["cars.jsonl"], mtime=0)
    files["nested.json"] = json.dumps(
        [{"id": 1, "who": {"name": "Ada", "tags": ["x", "y"]}}, {"id": 2, "who": {"name": "Bo", "tags": []}}]
    ).encode()
    files["preamble.csv"] = b"Report generated 2024-01-01\nSource: NOAA\n\n" + weather
    files["header-only.csv"] = b"date,precipitation,weather\n"
    files["ragged.csv"] = b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"
    files["empty.csv"] = b""
    files["photo.csv"] = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    files["truncated.csv.gz"] = files["weather.csv.gz"][: len(files["weather.csv.gz"]) // 2]
    files["invalid.json"] = b'[{"a": 1}, {"a": '
    files["invalid.jsonl"] = b'{"a": 1}\n{"a": 2\n{"a": 3}\n'
    files["notzip.xlsx"] = b"this is not a zip archive"
    files["corrupt.sqlite"] = b"SQLite format 3\x00" + bytes(range(256)) * 16
    files["wide.csv"] = (
        ",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join(str(i) for i in range(10_000)) + "\n"
    ).encode()
    files["one-line.csv"] = b"a," + b"x" * 50_000_000
    for name, data in files.items():
        (folder / name).write_bytes(data)
    _xlsx(folder / "weather.xlsx")
    _sqlite(folder / "weather.sqlite")
    _parquet(folder / "weather.parquet")
    return {p.name: p for p in folder.iterdir()}


def _xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daily"
    import datetime

    rows = weather_rows()
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([datetime.date.fromisoformat(row[0])] + [float(v) for v in row[1:5]] + [row[5]])
    notes = book.create_sheet("Notes")
    notes.append(["key", "value"])
    notes.append(["source", "NOAA"])
    book.save(path)


def _sqlite(path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    rows = weather_rows()
    connection.execute(
        "CREATE TABLE weather (date TEXT, precipitation REAL, temp_max REAL, temp_min REAL, wind REAL, weather TEXT)"
    )
    connection.executemany("INSERT INTO weather VALUES (?, ?, ?, ?, ?, ?)", rows[1:])
    connection.execute("CREATE TABLE stations (id INTEGER, name TEXT)")
    connection.execute("INSERT INTO stations VALUES (1, 'Seattle')")
    connection.commit()
    connection.close()


def _parquet(path: Path) -> None:
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT * FROM read_csv('{DATA / 'seattle-weather.csv'}')) "
        f"TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500)"
    )
    connection.close()
