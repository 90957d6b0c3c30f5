"""Panels beside the table: column, profile, chart, SQL (editor, runs, history, saving) and export."""
