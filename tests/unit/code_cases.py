"""The harness the exported-code tests share: a real file read as Loupe reads it, steps applied, the plan, the oracle.

    case = Case.from_csv(tmp_path, "sales.csv", text)       # read as the browser reads it (native DuckDB)
    case.steps([{"kind": "rename", "column": "qty", "to": "quantity"}])
    case.state(filters=[...], sort=[["city", "desc"]])
    plan = case.plan()                                     # code_plan.gather, as the page does
    expected = case.shown()                                # {columns, rows}: the table the grid shows

``shown`` is the oracle: the view Loupe shows (``query.view_select`` over
the table its steps made), read from the same DuckDB, independent of every
printer. ``same_rows`` compares a program's output with it: in order where
the view is sorted (or a step sets the order), as multisets otherwise;
numbers with a relative tolerance, dates and times by their ISO text.
"""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from pathlib import Path

from app.core import code_plan, loading, query, recipe, types, view
from app.engine.native import NativeEngine


class Case:
    def __init__(self, engine: NativeEngine, folder: Path) -> None:
        self.engine = engine
        self.folder = folder
        self.view = view.new_view()
        self.applied: dict = {}

    @classmethod
    def from_csv(cls, folder: Path, name: str, data, options=None, table=None, engine=None) -> Case:
        """A case whose table ``table`` (default: the file's stem) is ``name`` in ``folder`` read as Loupe reads it."""
        case = cls(engine or NativeEngine(), folder)
        case.add_csv(name, data, options, table)
        return case

    def add_csv(self, name: str, data, options=None, table=None) -> str:
        """Write ``data`` to ``folder/name`` and read it as a table (another open table for join and append)."""
        raw = data if isinstance(data, bytes) else data.encode()
        (self.folder / name).write_bytes(raw)
        table = table or name.rsplit(".", 1)[0]
        path = self.engine.register_bytes(name, raw)
        dialect = loading.run(loading.sniff_dialect(path, name, options), self.engine.execute)
        info = loading.run(loading.load_csv(table, path, name, dialect), self.engine.execute)
        read = {"format": "csv"}
        for key in ("encoding", "delimiter", "header"):
            if dialect.get(key) is not None:
                read[key] = dialect[key]
        if info.get("missing"):
            read["missing"] = info["missing"]
        self.view = view.add_source(self.view, table, "file", name, None, read)
        self.table = table
        return table

    def steps(self, step_list: list, table=None) -> dict:
        """Apply ``step_list`` to ``table`` (default: the last read) as the Steps panel does; return what applied."""
        table = table or self.table
        self.view = view.with_steps(self.view, table, step_list)
        self.applied[table] = self.engine.run(recipe.apply(table, step_list, self.others(table)))
        self.view = view.activate(self.view, self.table)
        return self.applied[table]

    def state(self, **changes) -> None:
        """Set the active table's filters, search, sort, group, hidden or order as the grid would."""
        state = dict(view.table_state(self.view, self.table))
        state.update(changes)
        self.view = view.with_table_state(self.view, self.table, state)

    def others(self, table: str) -> list:
        return [s["table"] for s in view.sources(self.view) if s["table"] != table]

    def plan(self, table=None) -> dict:
        table = table or self.table
        failed = (self.applied.get(table) or {}).get("failed")
        return self.engine.run(code_plan.gather(self.view, table, self.others(table), failed))

    def shown(self, table=None) -> dict:
        """The oracle: ``{columns, rows}`` of the view as the grid shows it."""
        table = table or self.table
        state = view.table_state(self.view, table)
        described = self.engine.execute("DESCRIBE " + _q(table))["rows"]
        columns = [{"name": r[0], "type": r[1], "kind": types.kind_of(r[1])} for r in described]
        select, params = query.view_select(table, state, columns, stable=False)
        return self.engine.execute(select, params)

    def sources(self):
        """A new DuckDB connection holding every open table's source as read, under its Loupe name (for the SQL)."""
        import duckdb

        fresh = duckdb.connect()
        for source in view.sources(self.view):
            table = source["table"]
            held = self.engine.run(recipe.source_of(table))
            parquet = self.folder / (table + ".source.parquet")
            self.engine.execute("COPY (SELECT * FROM " + _q(held) + ") TO '" + str(parquet) + "' (FORMAT parquet)")
            fresh.execute("CREATE TABLE " + _q(table) + " AS SELECT * FROM read_parquet(?)", [str(parquet)])
        return fresh

    def ordered(self, table=None) -> bool:
        """True when the rows' order is part of what the view shows: a sort, or a grouping (by its order, then keys)."""
        state = view.table_state(self.view, table or self.table)
        return bool(state.get("sort") or state.get("group"))


def run_script(path: Path, cwd: Path, timeout: float = 120) -> list:
    """Run ``python3 path OUT.csv`` in ``cwd``; return the CSV it wrote as rows of text (header first)."""
    out = cwd / (path.stem + ".out.csv")
    done = subprocess.run(
        [sys.executable, str(path), str(out)], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def query_rows(connection, text: str) -> list:
    """Run one SQL query on a DB-API ``connection``; its result as CSV rows of text (header first)."""
    cursor = connection.cursor() if hasattr(connection, "cursor") else connection
    cursor.execute(text)
    names = [d[0] for d in cursor.description]
    return [names] + [[_text(v) for v in row] for row in cursor.fetchall()]


def csv_rows(text: str) -> list:
    """CSV text (header first) as rows of text."""
    return list(csv.reader(io.StringIO(text)))


def same_rows(got: list, expected: dict, ordered: bool) -> None:
    """Assert that CSV rows ``got`` (header first) hold ``expected`` (``{columns, rows}``) value for value."""
    names = [c["name"] for c in expected["columns"]]
    assert got and got[0] == names, (got[:1], names)
    want = [[_text(v) for v in row] for row in expected["rows"]]
    have = [list(row) for row in got[1:]]
    assert len(have) == len(want), (len(have), len(want))
    if not ordered:
        want = sorted(want, key=_sort_key)
        have = sorted(have, key=_sort_key)
    for i, (a, b) in enumerate(zip(have, want)):
        assert len(a) == len(b), (i, a, b)
        for name, x, y in zip(names, a, b):
            assert _same(x, y), "row " + str(i) + ", column " + repr(name) + ": got " + repr(x) + ", want " + repr(y)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value) -> str:
    """A value as the exported programs write it to CSV: '' for missing, ISO for dates, true/false."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "date") else value.isoformat()
    return str(value)


def _sort_key(row: list) -> list:
    return [_number_or_text(v) for v in row]


def _number_or_text(text: str):
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def _same(got: str, want: str) -> bool:
    if got == want:
        return True
    if got.lower() in ("true", "false") and want.lower() in ("true", "false"):
        return got.lower() == want.lower()
    try:
        a, b = float(got), float(want)
    except ValueError:
        return _same_time(got, want)
    if math.isnan(a) and math.isnan(b):
        return True
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _same_time(got: str, want: str) -> bool:
    """'2024-01-02T03:04:05' and '2024-01-02 03:04:05' (and a trailing '.000000' or ' 00:00:00') are the same."""
    a, b = got.replace("T", " "), want.replace("T", " ")
    for suffix in (".000000", ".000", " 00:00:00"):
        a = a[: -len(suffix)] if a.endswith(suffix) else a
        b = b[: -len(suffix)] if b.endswith(suffix) else b
    return a == b
