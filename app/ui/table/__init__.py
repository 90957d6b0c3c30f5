"""The table on screen: the grid, its header, selection, toolbar, source line and header profiles."""
