"""A hard ceiling on one check of a return: the memory and threads DuckDB may use, and
a time after which the check is stopped.

The dashboard checks an upload in its own process (the preview), and Send checks it
again while holding the store's write lock, so one crafted file must not tie up the
server. The time allowed grows with the file (a two-million-row back-fill takes
seconds, a council's return a fraction of one); a check that runs out of either is
reported as a plain problem with the file, never a traceback.

DuckDB's part of a check is interrupted from another thread. The Python part (each
distinct code, period or breakdown read by ``Quarter.parse`` and its kind, and the walk over
rows when a file needs row numbers) cannot be: it holds the interpreter while it runs. So it
keeps to the same time itself: it calls ``keep_to_time`` between values, which raises
``OutOfTime`` once the check's time is up, and no value longer than ``MAX_CELL`` reaches a
parser at all, so that one cell costs little whatever the parser does with it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import duckdb

from etl.errors import TrackerError


@dataclass(frozen=True)
class Ceiling:
    memory: str = "2GB"  # DuckDB's memory_limit; beyond it DuckDB spills to disk or stops
    threads: int = 2
    seconds: float = 20.0  # for any file…
    seconds_per_mb: float = 1.0  # …and this much more per megabyte of it

    def seconds_for(self, size: int) -> float:
        return self.seconds + self.seconds_per_mb * size / 1_000_000


# No code, period, indicator id or breakdown is longer than this, stripped; a longer cell is
# wrong without being parsed (the parsers are linear; this keeps a slip in one cheap).
MAX_CELL = 64

# When the check running in this thread (or task) must stop, by time.monotonic().
_deadline: ContextVar[float | None] = ContextVar("check_deadline", default=None)


class OutOfTime(TrackerError):
    """The Python part of a check ran past its time (``check_return`` reports it)."""


def keep_to_time() -> None:
    """Raise OutOfTime when the check this runs in has used up its time; else nothing."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise OutOfTime


def within_time(values: Iterator, every: int = 1) -> Iterator:
    """``values``, with ``keep_to_time`` called before every ``every``-th one."""
    for n, value in enumerate(values):
        if n % every == 0:
            keep_to_time()
        yield value


@contextmanager
def bounded(
    con: duckdb.DuckDBPyConnection, ceiling: Ceiling, size: int
) -> Iterator[threading.Event]:
    """Apply ``ceiling`` to ``con`` for the block; yield an event set once time ran out.
    ``keep_to_time`` in the block raises OutOfTime from then on.

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

    seconds = ceiling.seconds_for(size)
    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    deadline = _deadline.set(time.monotonic() + seconds)
    timer.start()
    try:
        yield expired
    finally:
        _deadline.reset(deadline)
        done.set()
        timer.cancel()
        timer.join()
        # Nothing else in the tracker sets these, so the defaults are what it had.
        con.execute("RESET memory_limit")
        con.execute("RESET threads")
