"""The table 'sales' as pandas code, exported from Loupe.

Run it as: python3 this_script.py [OUT.csv]  (without OUT.csv the table goes to standard output)
"""

import sys

import pandas as pd


SALES_CSV = 'sales.csv'
ROW = "__loupe_row"  # each row's place in the source: keeps the grid's order


def table() -> pd.DataFrame:
    """The table 'sales' as the grid shows it."""
    df = pd.read_csv(
        SALES_CSV,
        dtype={'city': 'string', 'qty': 'Int64', 'price': 'float64', 'note': 'string'},
        parse_dates=['day'],
        na_values={'city': [''], 'qty': ['', 'NA'], 'price': ['', 'NA'], 'day': ['', 'NA'], 'note': ['']},
        keep_default_na=False,
    )
    df[ROW] = range(len(df))

    # Step 1: Replace matches of the pattern '[0-9]+' with '#' in 'note'
    for column in ['note']:
        df[column] = df[column].str.replace('[0-9]+', '#', case=True, regex=True)

    # In the source's order, as the grid shows it
    df = df.sort_values(ROW, kind="stable")
    # The visible columns, in the grid's order
    return df[['city', 'qty', 'price', 'day', 'note']].reset_index(drop=True)


def write_csv(frame: pd.DataFrame, out) -> None:
    """Write ``frame`` as CSV with a header: missing values empty, booleans true/false, dates ISO."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_bool_dtype(frame[name]):
            frame[name] = frame[name].map({True: "true", False: "false"})
    frame.to_csv(out, index=False, lineterminator="\n")


if __name__ == "__main__":
    write_csv(table(), sys.argv[1] if len(sys.argv) > 1 else sys.stdout)
