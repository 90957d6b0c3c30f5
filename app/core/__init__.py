"""Pure Python core of Loupe: naming, types, SQL building, view state, errors.

Public modules:
    errors  -- the LoupeError tree and wording of engine errors
    naming  -- table names from file names
    sniff   -- cheap checks on the first bytes of a file
    sql     -- quote_ident and the SQL builders (SQL + parameters)
    types   -- DuckDB type names to kinds shown in the UI
    view    -- the serialisable, versioned view state
"""
