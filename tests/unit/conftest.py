"""Fixtures shared by the unit tests."""

import pytest

from app.engine.native import NativeEngine


@pytest.fixture
def engines():
    """Call to get a fresh native DuckDB engine; each is closed after the test."""
    made = []

    def make():
        made.append(NativeEngine())
        return made[-1]

    yield make
    for engine in made:
        engine.close()
