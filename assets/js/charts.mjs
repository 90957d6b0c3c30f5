// Chart glue (Vega-Lite via vega-embed): filled in by the chart work.
