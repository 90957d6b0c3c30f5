"""DuckDB adapters: `native` (CPython duckdb, for tests and scripts) and `wasm` (browser)."""
