"""Loupe: the table 'sales' as shown, from sales.csv (1 step; every row and column).

Run it:    python3 sales.py [OUT.csv]   (CSV with a header; to standard output without OUT.csv)
Import it: from sales import table; table().show()
"""

import os
import shutil
import sys
import tempfile

import duckdb

# The files this reads: change a path to run the same steps on another file.
SALES_CSV = "sales.csv"


def connect():
    """A DuckDB connection holding the tables as Loupe read them."""
    connection = duckdb.connect()
    # sales: sales.csv, read as CSV, comma-separated, with a header line
    # 'NA' read as missing in qty, price, day
    connection.execute(
        'CREATE TABLE "sales" AS SELECT "city", CAST(CASE WHEN "qty" IN (\'NA\') THEN NULL ELSE "qty" END AS BIGINT) AS "qty", CAST(CASE WHEN "price" IN (\'NA\') THEN NULL ELSE "price" END AS DOUBLE) AS "price", CAST(CASE WHEN "day" IN (\'NA\') THEN NULL ELSE "day" END AS DATE) AS "day", "note" FROM read_csv(?, delim = \',\', header = true, names = [\'city\', \'qty\', \'price\', \'day\', \'note\'], types = [\'VARCHAR\', \'VARCHAR\', \'VARCHAR\', \'VARCHAR\', \'VARCHAR\'])',
        [SALES_CSV],
    )
    return connection


# The steps, as Loupe runs them: one CTE per step.
QUERY = """
-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT rowid AS "__loupe_row", * FROM "sales"
),
-- Step 1: Replace matches of the pattern '[0-9]+' with '#' in 'note'
"s1" AS (
    SELECT * REPLACE (regexp_replace("note", '[0-9]+', '#', 'gc') AS "note") FROM "s0"
)
-- The view: every row and column
SELECT "city", "qty", "price", "day", "note" FROM "s1" ORDER BY "__loupe_row";
"""

_OPEN = []  # the connection table() made: a relation reads from its connection while it is used


def table(connection=None):
    """The table as Loupe shows it, as a DuckDB relation (``.df()``, ``.pl()``, ``.write_parquet(...)``)."""
    if connection is None:
        connection = connect()
        _OPEN.append(connection)
    return connection.sql(QUERY)


def main(argv):
    """Write the table as CSV (with a header) to ``argv[1]``, or to standard output."""
    result = table()
    if len(argv) > 1:
        result.write_csv(argv[1])
        return
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "out.csv")
        result.write_csv(out)
        with open(out, encoding="utf-8") as handle:
            shutil.copyfileobj(handle, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
