"""Pure Python core of Loupe: naming, types, SQL building, view state, errors.

Public modules:
    loading -- loading and describing tables as engine-independent steps
    charts  -- chart kinds, fitting a chart to the columns, the public chart entry points
    chart_axes -- how a column becomes a chart's axis: kinds, summaries, units, limits, labels
    chart_meaning -- what a column holds for a first chart: a measure to sum or average, a year, an ID
    chart_sql -- the SQL reducing a table to what a chart draws, one data builder per kind
    chart_specs -- Vega-Lite encodings and titles, one spec builder per kind
    chart_kinds -- the registry of chart kinds: roles, the column kinds that fit, builders
    chart_points -- the data of scatter plots (sampled) and box plots (quartiles)
    chart_suggest -- the first chart of a table, from what its columns hold
    bins    -- round bins, calendar arithmetic and engine numbers, shared by profiles and charts
    filters -- filter operators (a registry), the search box, their chips' labels
    display     -- values and counts as the text shown on screen
    guard   -- what SQL may do: the engine's lock, refusals, SQL from outside the person only reads
    errors  -- the LoupeError tree and wording of engine errors
    export  -- export formats, the SQL feeding a file, file names and messages
    export_markdown -- Markdown tables for the clipboard
    export_xlsx -- formula prefixes, Excel's limits and sheet names, Excel writing
    naming  -- table names from file names
    profile -- column profiles: counts, statistics, histograms, top values
    profile_bins -- a profile histogram's bins: edges, labels, the SQL numbering them
    profile_text -- a profile as the header's bars and the detail panel's lines
    file_kinds -- format, compression and encoding from a name and first bytes
    history -- the SQL editor's query history (recent, distinct, capped)
    missing -- missing-value markers and late values: text columns given the type their values fit
    load_plan -- opening a source: the reader per format, retries, what a load says (step generators)
    zones   -- times with a time zone read as UTC (the offsets kept where they vary)
    query   -- the SQL of a view: filters, search, sort, grouping, paging, facets
    recipe_file -- recipes as files: a table's steps as JSON, read back, checked against a table's columns
    retype  -- text columns holding numbers or dates get their types; type overrides
    share   -- share links and address parameters: what a link carries, what opening it does
    migrate -- view states of earlier versions brought to the current one
    restore -- a shared view's log replayed in order, as actions for the page to do
    scripts -- the SQL editor's statements run as steps, and the log entries of what ran
    sql     -- quote_ident and the SQL builders (SQL + parameters)
    statements -- SQL scripts split into statements; where an engine error points
    workbooks -- Excel sheets and SQLite tables as CSV (CPython only)
    workbook_sheet -- one sheet's cells as a person reads it: range, header, empty rows and columns (CPython only)
    workbook_csv -- a sheet's cells as CSV text DuckDB reads back with their types (CPython only)
    ods_xml -- an .ods read from its content.xml with the standard library, for what calamine refuses (CPython only)
    biff_old -- an Excel 2.x-4.0 worksheet (BIFF2-4) read with the standard library (CPython only)
    sheet_range -- a range as Excel writes it (B3:F200) and a header row, as typed in Read as…
    types   -- DuckDB type names to kinds shown in the UI
    view    -- the serialisable, versioned view state
    workspace -- what a workspace keeps on this device: its record, the tables to write, what comes back
    view_log -- the log of a view: the entries that make its tables, and the sources derived from it
    captions -- the words around the data: row counts, the columns drawer, selection, facets, profiles
    cell_range -- a selected range of grid cells: bounds, where a key moves its focus
    chips   -- the chips above the grid (filters, search, grouping) and the view without each
    grid_layout -- which rows the grid draws and where, scaled scrolling, cell classes, cached blocks
    layout_columns -- column moves, hidden columns shown again, first widths, groupable columns
    paging  -- the first page, the stored order or groups and their count (step generators)
    sorting -- the header click's sort cycle, grouped sorts, the marks a header shows
    source_summary -- the line describing a table's source, and the read-as form's choices
"""

# Modules that also run on the main thread under MicroPython (mpy.toml lists
# them; tests/unit/test_purity.py holds them to the common subset).
SHARED = (
    "bins",
    "captions",
    "loading",
    "cell_range",
    "chart_axes",
    "chart_kinds",
    "chart_meaning",
    "chart_points",
    "chart_specs",
    "chart_sql",
    "chart_suggest",
    "charts",
    "chips",
    "code_highlight",
    "code_names",
    "code_plan",
    "errors",
    "export",
    "export_markdown",
    "export_xlsx",
    "filters",
    "display",
    "file_kinds",
    "grid_layout",
    "guard",
    "history",
    "join_plan",
    "layout_columns",
    "load_plan",
    "missing",
    "migrate",
    "naming",
    "paging",
    "profile",
    "profile_bins",
    "profile_text",
    "query",
    "recipe",
    "recipe_file",
    "retype",
    "restore",
    "scripts",
    "share",
    "sorting",
    "source_summary",
    "sheet_range",
    "sql",
    "statements",
    "step_columns",
    "step_forms",
    "step_frame",
    "step_parse",
    "step_parts",
    "step_pivot",
    "step_pivot_plan",
    "step_reshape",
    "step_rows",
    "step_tables",
    "step_text_sql",
    "step_values",
    "steps",
    "types",
    "undo",
    "view",
    "view_log",
    "workspace",
    "zones",
)
