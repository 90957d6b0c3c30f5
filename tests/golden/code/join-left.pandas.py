"""The table 'sales' as pandas code, exported from Loupe.

Run it as: python3 this_script.py [OUT.csv]  (without OUT.csv the table goes to standard output)
"""

import sys

import pandas as pd


CITIES_CSV = 'cities.csv'
SALES_CSV = 'sales.csv'
ROW = "__loupe_row"  # each row's place in the source: keeps the grid's order


def cities() -> pd.DataFrame:
    """The table 'cities' after its steps (what a join or append reads)."""
    df = pd.read_csv(
        CITIES_CSV,
        dtype={'city': 'string', 'country': 'string', 'size': 'Int64'},
        na_values={'city': [''], 'country': [''], 'size': ['']},
        keep_default_na=False,
    )
    df[ROW] = range(len(df))

    df = df.sort_values(ROW, kind="stable").reset_index(drop=True)
    return df.drop(columns=[ROW])


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

    # Step 1: Join 'cities' (left: all rows here) on city = city; its columns whose names are taken get '_cities'
    # Keys that are missing match nothing (as in SQL), so the other table's are left out of the match.
    other = cities().rename(columns={'city': '__key_0'})
    unmatched = other[other[['__key_0']].isna().any(axis=1)]
    merged = df.merge(other.drop(unmatched.index), how='left', left_on=['city'], right_on=['__key_0'], sort=False)
    merged = merged.drop(columns=['__key_0'])
    df = merged.astype({ROW: "int64"})
    df = df.sort_values(ROW, kind="stable").reset_index(drop=True)

    # Sorted as the grid is; ties keep the source's order
    df = df.sort_values(['city', ROW], ascending=[True, True], na_position="last", kind="stable")
    # The visible columns, in the grid's order
    return df[['city', 'qty', 'price', 'day', 'note', 'country', 'size']].reset_index(drop=True)


def write_csv(frame: pd.DataFrame, out) -> None:
    """Write ``frame`` as CSV with a header: missing values empty, booleans true/false, dates ISO."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_bool_dtype(frame[name]):
            frame[name] = frame[name].map({True: "true", False: "false"})
    frame.to_csv(out, index=False, lineterminator="\n")


if __name__ == "__main__":
    write_csv(table(), sys.argv[1] if len(sys.argv) > 1 else sys.stdout)
