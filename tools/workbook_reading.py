"""The workbook corpus's other side: Loupe's reading of a workbook, and its comparison with the oracle's.

``loupe_reading`` reads a file as the browser does (``app.core.workbooks.read_file``, then each CSV
loaded into DuckDB); ``compare`` names each difference from the oracle's sheets as seen
(tools/workbook_oracle.py), cell by cell with ``same``. See tools/workbook_corpus.py.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from decimal import Decimal
from typing import Any

from tools.workbook_oracle import Seen, Serial, empty

# The rows after the header whose every cell is compared.
FIRST_ROWS = 5
TABLE = "workbook"


def loupe_reading(engine: Any, data: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Loupe's tables of the workbook, each loaded into DuckDB as the browser loads it, and the hidden sheets.

    Each table: ``{"name", "rows", "csv_header", "columns", "first"}``: the row count Loupe reports,
    the header as its CSV writes it, DuckDB's column names and its first ``FIRST_ROWS`` rows.
    """
    import csv

    from app.core import load_plan, loading, sql, workbooks

    read = workbooks.read_file("xlsx", data, name)
    tables = []
    for table in read["tables"]:
        path = engine.register_text("sheet.csv", table["csv"])
        try:
            options = load_plan.part_options({}, table)
            info = loading.run(loading.load_csv(TABLE, path, table["name"], options), engine.execute)
            info, _ = loading.run(load_plan.refined(TABLE, info, table["name"], None, False), engine.execute)
            count = engine.execute("SELECT count(*) FROM " + sql.quote_ident(TABLE))["rows"][0][0]
            first = engine.execute(f"SELECT * FROM {sql.quote_ident(TABLE)} LIMIT {FIRST_ROWS}")["rows"]
        finally:
            engine.execute("DROP TABLE IF EXISTS " + sql.quote_ident(TABLE))
        tables.append(
            {
                "name": table["name"],
                "rows": table["rows"],
                "loaded": count,
                "rejected": info.get("rejected", {}).get("count", 0),
                "csv_header": next(csv.reader(io.StringIO(table["csv"]))),
                "columns": [c["name"] for c in info["columns"]],
                "first": [list(row) for row in first],
            }
        )
    return tables, list(read["hidden"])


# --- the comparison ----------------------------------------------------------------------------


def compare(expected: tuple[list[Seen], list[str]], found: tuple[list[dict[str, Any]], list[str]]) -> list[str]:
    """What differs between the oracle's sheets as seen (``as_seen``) and Loupe's (``loupe_reading``), in words."""
    seen, hidden = expected
    tables, loupe_hidden = found
    problems = []
    if [s.name for s in seen] != [t["name"] for t in tables]:
        problems.append(f"sheets {[t['name'] for t in tables]}, oracle {[s.name for s in seen]}")
    if hidden != loupe_hidden:
        problems.append(f"hidden sheets {loupe_hidden}, oracle {hidden}")
    by_name = {t["name"]: t for t in tables}
    for sheet in seen:
        table = by_name.get(sheet.name)
        if table is None:
            continue
        where = f"sheet {sheet.name!r}: "
        if table["rows"] != len(sheet.rows) or table["loaded"] != len(sheet.rows):
            problems.append(
                where
                + f"{table['rows']} rows ({table['loaded']} in DuckDB), oracle {len(sheet.rows)}"
                + (f"; DuckDB rejected {table['rejected']}" if table["rejected"] else "")
            )
        if len(table["columns"]) != len(sheet.header):
            problems.append(where + f"{len(table['columns'])} columns, oracle {len(sheet.header)}")
        header = [(i, o, t) for i, (o, t) in enumerate(zip(sheet.header, table["csv_header"])) if not same(o, t)]
        if header or len(table["csv_header"]) != len(sheet.header):
            problems.append(
                where + "header " + ", ".join(f"column {i + 1}: {t!r}, oracle {o!r}" for i, o, t in header[:4])
            )
        for r, (want, got) in enumerate(zip(sheet.rows[:FIRST_ROWS], table["first"])):
            cells = [(c, o, d) for c, (o, d) in enumerate(zip(want, got)) if not same(o, d)]
            if cells:
                problems.append(
                    where
                    + f"row {r + 1}: "
                    + ", ".join(f"{table['columns'][c]!r} {d!r}, oracle {o!r}" for c, o, d in cells[:4])
                    + (" …" if len(cells) > 4 else "")
                )
    return problems


def same(oracle: Any, loupe: Any) -> bool:
    """Whether Loupe's cell (a DuckDB value, or CSV text) shows the oracle's value.

    Numbers within a relative 1e-9 (Excel keeps 15 digits), a date as a date
    or a datetime at midnight, a time of day or a duration by its seconds
    (rounded, as Loupe writes them), booleans, text exactly; a missing cell
    is empty text, NULL or None. A value DuckDB reads from the CSV as another
    type is compared in the oracle's type: a number in a text column by its
    value, a text cell read as a number by the text it shows ("12" is 12,
    "007" is not 7). A number against a date is the date's serial number (pyxlsb
    reads no number formats): a date, a datetime or a time Loupe shows is
    turned into its serial number, and agrees within a second.
    """
    if empty(oracle) or empty(loupe):
        return empty(oracle) and empty(loupe)
    if isinstance(oracle, bool) or isinstance(loupe, bool):
        return _as_text(oracle).lower() == _as_text(loupe).lower()
    if isinstance(oracle, Serial) and _serial(loupe) is not None:
        return abs(_serial(loupe) - oracle) * 86400 < 1  # type: ignore[operator]
    if isinstance(oracle, (int, float)):
        number = _as_number(loupe)
        return number is not None and math.isclose(number, oracle, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(oracle, (datetime.datetime, datetime.date)):
        moment = _as_moment(loupe)
        return moment is not None and abs((moment - _moment(oracle)).total_seconds()) < 1
    if isinstance(oracle, (datetime.time, datetime.timedelta)):
        seconds = _as_seconds(loupe)
        return seconds is not None and abs(seconds - _seconds(oracle)) < 1
    if isinstance(oracle, str):
        # DuckDB may read the text as a number, a date or a time; it agrees when it is shown as written.
        if isinstance(loupe, float):
            return oracle in (repr(loupe), _shown(loupe))  # "1.0" in a DOUBLE column is 1.0, DuckDB's text too
        return oracle == (loupe if isinstance(loupe, str) else _shown(loupe))
    return _as_text(oracle) == _as_text(loupe)


def _shown(value: Any) -> str:
    """A DuckDB value as the text Loupe's CSV held for it: 7 for "7", but never for "007" or "7.0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _serial(value: Any) -> float | None:
    """Excel's serial number (1900 system) of a date, datetime or time Loupe shows, as a value or as ISO text."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+:\d\d:\d\d", text):
            return _as_seconds(text) / 86400  # type: ignore[operator]
        for parse in (datetime.datetime.fromisoformat, datetime.time.fromisoformat):
            try:
                value = parse(text)
                break
            except ValueError:
                continue
        else:
            return None
    if isinstance(value, datetime.time):
        return _seconds(value) / 86400
    if isinstance(value, (datetime.datetime, datetime.date)):
        return (_moment(value) - datetime.datetime(1899, 12, 30)).total_seconds() / 86400
    return None


def _moment(value: datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return datetime.datetime.combine(value, datetime.time(0))


def _as_moment(value: Any) -> datetime.datetime | None:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return _moment(value)
    if isinstance(value, (int, float)):
        return datetime.datetime(1899, 12, 30) + datetime.timedelta(days=value)
    try:
        return _moment(datetime.datetime.fromisoformat(str(value).strip()))
    except ValueError:
        return None


def _seconds(value: datetime.time | datetime.timedelta) -> float:
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


def _as_seconds(value: Any) -> float | None:
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return _seconds(value)
    if isinstance(value, datetime.datetime):
        return _seconds(value.time())
    found = re.fullmatch(r"(-?)(\d+):(\d\d)(?::(\d\d(?:\.\d+)?))?", str(value).strip())
    if not found:
        return None
    sign, hours, minutes, seconds = found.groups()
    total = int(hours) * 3600 + int(minutes) * 60 + float(seconds or 0)
    return -total if sign else total
