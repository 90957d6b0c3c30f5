"""Opening workbooks: a 100,000-row .xlsx in Loupe against native readers of the same file.

Loupe reads a workbook with python-calamine in its Pyodide worker, so the peers
are the native readers, timed in this process on the same machine: calamine
(the same Rust reader, compiled for the CPU; the target is 5x its time) and
openpyxl (the reader Loupe used before calamine). Loupe's time runs from the
file input's change event to the first rows on screen, and to the table fully
loaded, as in the opening group.
"""

from __future__ import annotations

import time
from pathlib import Path

import data
import opening
from common import Samples

ROWS = 100_000
TARGET_TIMES_CALAMINE = 5


def calamine_read(path: Path) -> float:
    """ms for native python-calamine to read every sheet's cells as Python values."""
    import python_calamine

    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    book.close()
    return (time.perf_counter() - started) * 1000


def openpyxl_read(path: Path) -> float:
    """ms for native openpyxl (read-only, cached values) to read every sheet's cells."""
    import openpyxl

    started = time.perf_counter()
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in book.worksheets:
        for _ in sheet.iter_rows(values_only=True):
            pass
    book.close()
    return (time.perf_counter() - started) * 1000


def run(browser, base: str, samples: Samples) -> None:
    """One iteration: the workbook opened in Loupe, then read by each native reader."""
    path = data.big_xlsx(ROWS)
    label = f"open a {ROWS:,}-row × 5 .xlsx ({path.stat().st_size / 1e6:.1f} MB)"
    native = calamine_read(path)
    baseline = openpyxl_read(path)
    measured = opening.loupe_open(browser, base, path, path.stem.replace("-", "_"))
    samples.add(f"{label}: first rows visible", "loupe", measured["first"] - measured["t0"])
    samples.add(f"{label}: fully queryable", "loupe", measured["full"] - measured["t0"])
    samples.add(f"{label}: longest main-thread task", "loupe", measured["longtask"], 100)
    ratio = (measured["first"] - measured["t0"]) / native
    samples.add(f"{label}: first rows, Loupe ÷ native calamine (×, not ms)", "loupe", ratio, TARGET_TIMES_CALAMINE)
    for scenario in ("first rows visible", "fully queryable"):
        samples.add(f"{label}: {scenario}", "native calamine", native)
        samples.add(f"{label}: {scenario}", "native openpyxl", baseline)
