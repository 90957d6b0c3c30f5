// SQL editor glue (CodeMirror 6): filled in by the SQL editor work.
