"""Loupe: the table 'sales' as shown, in Polars, from sales.csv (1 step; every row and column).

Run it:    python3 sales.py [OUT.csv]   (CSV with a header; to standard output without OUT.csv)
Import it: from sales import table; print(table())
"""

import sys

import polars as pl


# The files this reads: change a path to run the same steps on another file.
SALES_CSV = "sales.csv"
ROW = "__loupe_row"  # each row's place in the source: keeps the grid's order


def typed(name: str, dtype, missing=()) -> pl.Expr:
    """The text column ``name`` as ``dtype`` ('date', 'timestamp', 'boolean' or a Polars type), ``missing`` as null."""
    text = pl.col(name).str.strip_chars()
    if missing:
        text = pl.when(text.is_in(list(missing))).then(None).otherwise(text).alias(name)
    if dtype == "date":
        return text.str.to_date("%Y-%m-%d")
    if dtype == "timestamp":
        return text.str.to_datetime()
    if dtype == "boolean":
        # the words DuckDB reads as booleans
        words = {"true": True, "t": True, "yes": True, "y": True, "1": True}
        words.update({"false": False, "f": False, "no": False, "n": False, "0": False})
        return text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)
    return text.cast(dtype)


def table() -> pl.DataFrame:
    """The table 'sales' as the grid shows it."""
    # sales: sales.csv, read as CSV, comma-separated, with a header line
    # 'NA' read as missing in qty, price, day
    # every column is read as text, then typed as Loupe typed it
    df = pl.read_csv(
        SALES_CSV,
        infer_schema=False,
    )
    missing = ['NA']  # missing values in columns of numbers, dates and booleans
    df = df.with_columns(
        typed('qty', pl.Int64, missing),
        typed('price', pl.Float64, missing),
        typed('day', 'date', missing),
    )
    df = df.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))

    # Step 1: Replace matches of the pattern '[0-9]+' with '#' in 'note'
    df = df.with_columns(pl.col(['note']).str.replace_all('[0-9]+', '#'))

    # In the source's order, as the grid shows it
    df = df.sort(ROW, maintain_order=True)
    # The visible columns, in the grid's order
    return df.select(['city', 'qty', 'price', 'day', 'note'])


def write_csv(frame: pl.DataFrame, out) -> None:
    """Write ``frame`` as CSV with a header: missing values empty, booleans true/false, dates ISO."""
    frame.write_csv(out, datetime_format="%Y-%m-%d %H:%M:%S%.f", line_terminator="\n")


if __name__ == "__main__":
    write_csv(table(), sys.argv[1] if len(sys.argv) > 1 else sys.stdout)
