"""Benchmark data, made deterministically (no random state: values are hashes of the row number).

- ``orders-1m.csv``: 1,000,000 rows, about 40 MB, 7 columns of mixed types.
- ``flights-3m.parquet``: the real 3M-row flights data from the vega-datasets npm package.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "data"
FLIGHTS = ROOT / "node_modules" / "vega-datasets" / "data" / "flights-3m.parquet"

ORDERS_SQL = """
COPY (SELECT i AS id,
  'c' || (hash(i) % 50000) AS customer,
  ['north', 'south', 'east', 'west', 'central'][1 + (hash(i * 7) % 5)::INT] AS region,
  'p' || (hash(i * 13) % 500) AS product,
  round(((hash(i * 17) % 100000) / 100.0)::DOUBLE, 2) AS amount,
  (hash(i * 19) % 20)::INT + 1 AS quantity,
  DATE '2020-01-01' + ((hash(i * 23) % 1500)::INT) AS order_date
  FROM range(?) t(i) ORDER BY i) TO '{path}' (HEADER)
"""


def orders_csv(rows: int = 1_000_000) -> Path:
    """The orders CSV with ``rows`` rows (made once, then reused)."""
    import duckdb

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"orders-{rows // 1000}k.csv"
    if not path.exists():
        connection = duckdb.connect()
        connection.execute(ORDERS_SQL.format(path=path), [rows])
        connection.close()
    return path


def flights_parquet() -> Path:
    return FLIGHTS


def big_xlsx(rows: int = 100_000) -> Path:
    """A workbook of one sheet, ``rows`` rows of ids, names, amounts, dates and booleans, written by openpyxl."""
    import datetime

    import openpyxl

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"sheet-{rows // 1000}k.xlsx"
    if not path.exists():
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("orders")
        sheet.append(["id", "name", "amount", "ordered", "paid"])
        start = datetime.date(2020, 1, 1)
        for i in range(rows):
            h = (i * 2654435761) % 2**32
            sheet.append(
                [i, f"customer {h % 50_000}", (h % 100_000) / 100, start + datetime.timedelta(h % 1500), h % 3 == 0]
            )
        partial = path.with_suffix(".partial")
        book.save(partial)
        partial.rename(path)
    return path
