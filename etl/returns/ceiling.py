"""A hard ceiling on one check of a return: the memory and threads DuckDB may use, and
a time after which the check is stopped.

The dashboard checks an upload in its own process (the preview), and Send checks it
again while holding the store's write lock, so one crafted file must not tie up the
server. The time allowed grows with the file (a two-million-row back-fill takes
seconds, a council's return a fraction of one); a check that runs out of either is
reported as a plain problem with the file, never a traceback.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Ceiling:
    memory: str = "2GB"  # DuckDB's memory_limit; beyond it DuckDB spills to disk or stops
    threads: int = 2
    seconds: float = 20.0  # for any file…
    seconds_per_mb: float = 1.0  # …and this much more per megabyte of it

    def seconds_for(self, size: int) -> float:
        return self.seconds + self.seconds_per_mb * size / 1_000_000


@contextmanager
def bounded(
    con: duckdb.DuckDBPyConnection, ceiling: Ceiling, size: int
) -> Iterator[threading.Event]:
    """Apply ``ceiling`` to ``con`` for the block; yield an event set once time ran out.

    After the time runs out every query on ``con`` is interrupted (again and again, so
    that one starting after the first interrupt is stopped too) until the block ends.
    The connection's settings are back to DuckDB's defaults afterwards (the ingest goes on
    using it)."""
    con.execute(f"SET memory_limit = '{ceiling.memory}'")
    con.execute(f"SET threads = {int(ceiling.threads)}")
    expired, done = threading.Event(), threading.Event()

    def stop() -> None:
        expired.set()
        while True:
            con.interrupt()
            if done.wait(0.05):
                return

    timer = threading.Timer(ceiling.seconds_for(size), stop)
    timer.daemon = True
    timer.start()
    try:
        yield expired
    finally:
        done.set()
        timer.cancel()
        timer.join()
        # Nothing else in the tracker sets these, so the defaults are what it had.
        con.execute("RESET memory_limit")
        con.execute("RESET threads")
