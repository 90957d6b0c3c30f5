"""Steps that reshape a table (filled in below).

Runs under MicroPython and CPython (see README.md).
"""

KINDS = {}  # type: dict
