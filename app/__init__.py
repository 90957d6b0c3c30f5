"""Loupe's Python: core (pure), engine (DuckDB adapters), ui (MicroPython DOM)."""
