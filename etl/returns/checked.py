"""The rows a check hands on: a file's figures, interpreted, as a relation on the check's
DuckDB connection.

``check_return`` gives its ``Report`` and a ``CheckedRows``; each reader (the rules and
``permissions`` that word the problems, the ingest that stores a valid file, the review
that sets it beside last quarter) takes that value and queries the relations it names,
set-based, so that a two-million-row back-fill never becomes Python objects. The rows
are there until the next check on the same connection, which replaces them.

``table``: one row per row of the file with a value, NULL where a cell is wrong
(the general path makes it a table, the fast path a view; both have these columns):

- ``rid``: the row's position in the file's ``raw`` (or ``typed``) read; ``excel_row``:
  its row number as Excel shows it.
- ``place_key`` INTEGER: its (authority, period), a key in ``places``; NULL when either
  is wrong. ``indicator_key`` INTEGER: the indicator's position in the strategy.
- ``authority_code``, ``superseded`` (the old code written, when it was one),
  ``authority_problem``; ``period``, ``period_problem``; ``indicator_id``,
  ``indicator_problem``: each cell interpreted and, when wrong, the rule it breaks.
- ``unit``, ``national``, ``has_sex``, ``has_simd``, ``maximum``: what the strategy says
  of the indicator.
- ``sex``, ``simd_quintile`` (text or an ENUM of the allowed values) and
  ``breakdown_key`` (``values.breakdown_key``, 0 to 17).
- ``is_percent`` (the value was written with %), ``value`` DOUBLE, ``comment``.

``places``: ``place_key``, ``authority_code``, ``period``; each (authority, period) the
file may hold.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

import duckdb

# The relations' names, for the two modules that make them (``rules``, ``fast``);
# every other module reads the names a ``CheckedRows`` carries.
TABLE = "checked"
PLACES = "places"


@dataclass(frozen=True)
class CheckedRows:
    """Where a check left a file's interpreted rows: ``table`` and ``places`` on ``con``
    (the module's docstring says what they hold)."""

    con: duckdb.DuckDBPyConnection
    table: str = TABLE
    places: str = PLACES

    def count(self) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Forget a previous check's rows: a table on the general path, a view on the fast one."""
    for kind in ("TABLE", "VIEW"):
        with suppress(duckdb.CatalogException):  # it is the other kind
            con.execute(f"DROP {kind} IF EXISTS {TABLE}")
