"""Databases held open while a test module runs, so that its many connects cost nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from etl import store


@contextmanager
def held_open(*paths: Path) -> Iterator[None]:
    """One connection to each database, held while the block runs. DuckDB shares a database
    already open in this process between its connections, so every ``store.connect`` inside
    skips opening the file (which costs more than a page's reads). Only for databases no
    other process opens meanwhile: DuckDB locks the file to this process."""
    with ExitStack() as held:
        for path in paths:
            held.enter_context(store.connect(path))
        yield
