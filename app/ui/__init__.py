"""MicroPython-side DOM code: renders state and dispatches events."""
