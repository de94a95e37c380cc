"""The log of public releases built (spec/publication.md): each one's as-at date, the figures
it used, who built it and when; and what a later view says about them ("revised since the
release of 30 September 2025").

A release's figures are those known at its as-at date, so it still matches the store unless a
version of a return that counts at that date arrived after it was built (a correction on the
day itself). Building the release lives in ``dashboard/release`` (it draws charts); only the
log and the comparisons, which need no chart, live here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from etl import store
from etl.figures_used import FiguresUsed, changes_since
from etl.periods import last_ended
from etl.status import sql as status_sql


@dataclass(frozen=True)
class ReleaseRecord:
    id: int
    as_at: dt.date
    fingerprint: str
    strategy_sha256: str
    figures: FiguresUsed
    pages: int
    published_rows: int
    built_by: str
    built_at: dt.datetime


def log_release(
    con: duckdb.DuckDBPyConnection,
    figures: FiguresUsed,
    strategy_sha256: str,
    pages: int,
    published_rows: int,
    built_by: str,
) -> int:
    """Record a release built now; returns its number in the log."""
    with store.transaction(con):
        return con.execute(
            """
            INSERT INTO releases (as_at, fingerprint, strategy_sha256, figure_rows, submissions,
                                  pages, published_rows, built_by, built_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [figures.as_at, figures.fingerprint, strategy_sha256, figures.rows,
             list(figures.submissions), pages, published_rows, built_by, store.uk_now()],
        ).fetchone()[0]  # fmt: skip


def releases(con: duckdb.DuckDBPyConnection) -> list[ReleaseRecord]:
    """Every release built, the latest first."""
    rows = con.execute(
        """
        SELECT id, as_at, fingerprint, strategy_sha256, figure_rows, submissions, pages,
               published_rows, built_by, built_at
        FROM releases ORDER BY built_at DESC, id DESC
        """
    ).fetchall()
    return [
        ReleaseRecord(
            id, as_at, fingerprint, sha, FiguresUsed(as_at, False, fingerprint, n, tuple(ids)),
            pages, published, by, at,
        )
        for id, as_at, fingerprint, sha, n, ids, pages, published, by, at in rows
    ]  # fmt: skip


def still_matches(con: duckdb.DuckDBPyConnection, release: ReleaseRecord) -> bool:
    """Whether the figures as known at the release's date are still those it used."""
    return changes_since(con, release.figures).empty


@dataclass(frozen=True)
class RevisedSince:
    """A later view's national figures that differ from those of an earlier release."""

    release_as_at: dt.date
    changes: list[tuple[str, float, float]]  # quarter, as released, as now


def revised_since(
    con: duckdb.DuckDBPyConnection, indicator_id: str, as_at: dt.date, revised: bool = False
) -> RevisedSince | None:
    """For the view of ``indicator_id`` as at ``as_at``: the latest release as at an earlier
    date, and each quarter it covered whose national figure (the councils' headline figures
    combined as the indicator combines them) differs in this view; None when there is no
    such release or nothing differs."""
    earlier = con.execute("SELECT max(as_at) FROM releases WHERE as_at < ?", [as_at]).fetchone()[0]
    if earlier is None:
        return None
    last = str(last_ended(earlier))
    aggregation = con.execute(
        "SELECT aggregation FROM indicators WHERE id = ?", [indicator_id]
    ).fetchone()
    column = "mean" if aggregation and aggregation[0] == "mean" else "total"
    then = _national(con, earlier, last, indicator_id, False, column)
    now = _national(con, as_at, last, indicator_id, revised, column)
    changes = [
        (period, then[period], now[period])
        for period in sorted(then.keys() & now.keys())
        if then[period] != now[period]
    ]
    return RevisedSince(earlier, changes) if changes else None


def _national(con, day: dt.date, last: str, indicator_id: str, revised: bool, column: str):
    """Quarter → the national figure as reported (the councils' sum or mean), as known at
    ``day`` (or revised)."""
    frame = status_sql.headline_totals(con, last, indicator_id, as_at=day, revised=revised)
    return {
        period: float(value) for period, value in zip(frame["period"], frame[column], strict=True)
    }
