"""Pure Python core of Loupe: naming, types, SQL building, view state, errors.

Public modules:
    catalog -- loading and describing tables as engine-independent steps
    charts  -- chart kinds, fitting a chart to the columns, the public chart entry points
    chart_axes -- how a column becomes a chart's axis: kinds, summaries, units, limits, labels
    chart_meaning -- what a column holds for a first chart: a measure to sum or average, a year, an ID
    chart_sql -- the SQL reducing a table to what a chart draws, one data builder per kind
    chart_specs -- Vega-Lite encodings and titles, one spec builder per kind
    filters -- filter operators (a registry), the search box, their chips' labels
    fmt     -- values and counts as the text shown on screen
    guard   -- what SQL may do: the engine's lock, refusals, SQL from outside the person only reads
    errors  -- the LoupeError tree and wording of engine errors
    export  -- export formats, the SQL feeding a file, Markdown tables, Excel writing
    naming  -- table names from file names
    profile -- column profiles: counts, statistics, histograms, top values
    formats -- format, compression and encoding from a name and first bytes
    history -- the SQL editor's query history (recent, distinct, capped)
    missing -- missing-value markers and late values: text columns given the type their values fit
    zones   -- times with a time zone read as UTC (the offsets kept where they vary)
    query   -- the SQL of a view: filters, search, sort, grouping, paging, facets
    refine  -- text columns holding numbers or dates get their types; type overrides
    share   -- share links and address parameters: what a link carries, what opening it does
    sql     -- quote_ident and the SQL builders (SQL + parameters)
    statements -- SQL scripts split into statements; where an engine error points
    tabular -- Excel sheets and SQLite tables as CSV (CPython only)
    types   -- DuckDB type names to kinds shown in the UI
    view    -- the serialisable, versioned view state
"""

# Modules that also run on the main thread under MicroPython (mpy.toml lists
# them; tests/unit/test_purity.py holds them to the common subset).
SHARED = (
    "catalog",
    "chart_axes",
    "chart_meaning",
    "chart_specs",
    "chart_sql",
    "charts",
    "errors",
    "export",
    "filters",
    "fmt",
    "formats",
    "guard",
    "history",
    "missing",
    "naming",
    "profile",
    "query",
    "refine",
    "share",
    "sql",
    "statements",
    "types",
    "view",
    "zones",
)
