"""Revisions (spec/status-rules.md): each quarter's national figure as first published
against the latest, in the form official statistics use.

A quarter's figure is *first published* as known at its return due date (or, when nothing
had arrived by then, on the first day anything did); the *latest* is the revised figure.
Both are the figures compared with the trajectory (a sum scaled to every council, as for
status), read through the store's ``figures_at`` like every other view. The revisions
triangle shows each quarter's figure as known at each later quarter end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from etl import store
from etl.councils import council_count
from etl.errors import TrackerError
from etl.periods import Quarter, calendar_day, last_ended, quarters_between
from etl.status import national_figure, return_due_date
from etl.status import sql as status_sql
from etl.strategy.model import Settings


class UnknownIndicator(TrackerError, ValueError):
    """No indicator with that id in the strategy; the message lists the ids."""


@dataclass(frozen=True)
class Revisions:
    indicator_id: str
    name: str
    unit: str
    table: pd.DataFrame  # period, first_published_on, first_published, latest, revision
    triangle: pd.DataFrame  # index: quarters; columns: as-at quarter ends (ISO dates)

    @property
    def mean_revision(self) -> float | None:
        revised = self.table["revision"].dropna()
        return None if revised.empty else float(revised.mean())

    @property
    def mean_absolute_revision(self) -> float | None:
        revised = self.table["revision"].dropna()
        return None if revised.empty else float(revised.abs().mean())

    def largest_share(self) -> float:
        """The largest revision as a share of its first published figure (0 when none)."""
        first, change = self.table["first_published"], self.table["revision"].abs()
        shares = (change / first.abs().where(first != 0)).dropna()
        return float(shares.max()) if not shares.empty else 0.0

    def to_json(self) -> dict:
        from etl.status import json_records

        return {
            "indicator_id": self.indicator_id,
            "name": self.name,
            "unit": self.unit,
            "quarters": json_records(self.table),
            "mean_revision": self.mean_revision,
            "mean_absolute_revision": self.mean_absolute_revision,
            "triangle": {
                period: {column: _plain(v) for column, v in row.items()}
                for period, row in self.triangle.iterrows()
            },
        }


TABLE_COLUMNS = ["period", "first_published_on", "first_published", "latest", "revision"]


def revisions(
    con: duckdb.DuckDBPyConnection,
    indicator_ids: list[str] | None = None,
    *,
    as_at: dt.date | None = None,
    revised: bool = True,
    triangle: bool = True,
) -> dict[str, Revisions]:
    """Revisions of every indicator in ``indicator_ids`` (default: all) for the quarters
    ended by ``as_at`` (default today): first published against the latest figures, which
    are the revised ones, or with ``revised=False`` those known at ``as_at`` (so a briefing
    as known at D says only what was known at D). ``triangle=False`` skips the triangle."""
    today = as_at or dt.date.today()
    store.require_schema(con)
    indicators = status_sql.indicators(con).set_index("id", drop=False)
    unknown = [i for i in indicator_ids or [] if i not in indicators.index]
    if unknown:
        raise UnknownIndicator(
            f"no indicator {', '.join(unknown)}: the indicators are " + ", ".join(indicators.index)
        )
    wanted = indicators.loc[indicator_ids] if indicator_ids else indicators
    settings = Settings(**store.settings(con))
    start = Quarter.parse(store.get_meta(con, "start"))
    quarters = quarters_between(start, last_ended(today)) if start <= last_ended(today) else []
    known = _Known(con, wanted, settings)
    latest = known.on([today], revised=revised).get(today, {})
    first_days = _first_published_days(con, quarters, settings.returns_due_days, today)
    ends = [q.end for q in quarters] if triangle else []
    known_on = known.on(sorted(set(first_days.values()) | set(ends)))
    result = {}
    for ind in wanted.itertuples(index=False):
        rows = []
        for quarter in quarters:
            period = str(quarter)
            now = latest.get((ind.id, period))
            if now is None:
                continue
            day = first_days.get(period)
            first = known_on.get(day, {}).get((ind.id, period)) if day else None
            rows.append((period, day, first, now, None if first is None else now - first))
        table = pd.DataFrame(rows, columns=TABLE_COLUMNS).astype(
            {"first_published": "float64", "latest": "float64", "revision": "float64"}
        )
        grid = _triangle(ind.id, table["period"], {end: known_on[end] for end in ends})
        result[ind.id] = Revisions(ind.id, ind.name, ind.unit, table, grid)
    return result


class _Known:
    """The figures compared with the trajectory as known on several days, for the
    indicators wanted."""

    def __init__(self, con, wanted: pd.DataFrame, settings: Settings):
        self.con = con
        self.wanted = wanted
        self.facts = {ind.id: ind for ind in wanted.itertuples(index=False)}
        self.settings = settings
        self.councils = council_count()

    def on(self, days: list[dt.date], revised: bool = False) -> dict:
        """as-at date → {(indicator, quarter) → the figure compared with the trajectory}, as
        known at each date (one query for them all)."""
        if not days:
            return {}
        only = self.wanted.index[0] if len(self.wanted) == 1 else None
        totals = status_sql.headline_totals_at(
            self.con, {day: str(last_ended(day)) for day in days}, only, revised=revised
        )
        found = {day: {} for day in days}
        for t in totals.itertuples(index=False):
            ind = self.facts.get(t.indicator_id)
            if ind is None:
                continue
            found[calendar_day(t.as_at)][t.indicator_id, t.period] = national_figure(
                reported_by=ind.reported_by,
                aggregation=ind.aggregation,
                authorities_reported=int(t.authorities_reported),
                total=t.total,
                mean=t.mean,
                councils=self.councils,
                min_coverage=self.settings.min_coverage,
            ).compared_value
        return found


def _triangle(indicator_id: str, periods: pd.Series, columns: dict) -> pd.DataFrame:
    """Quarter × quarter end: the indicator's figure for each quarter as known at the end
    of each later quarter (columns where nothing was known yet left out)."""
    grid = pd.DataFrame(
        {
            end.isoformat(): [figures.get((indicator_id, p)) for p in periods]
            for end, figures in columns.items()
        },
        index=pd.Index(periods, name="quarter"),
        dtype="float64",
    )
    return grid.loc[:, grid.notna().any()] if not grid.empty else grid


def _first_published_days(con, quarters, due_days: int, today: dt.date) -> dict[str, dt.date]:
    """Quarter → the day its figures were first published: the return due date, or the
    first day anything arrived for a quarter with nothing by its due date."""
    first = dict(
        con.execute(
            "SELECT period, min(CAST(received_at AS DATE)) FROM submissions GROUP BY period"
        ).fetchall()
    )
    days = {}
    for quarter in quarters:
        period = str(quarter)
        due = return_due_date(period, due_days)
        arrived = first.get(period)
        if arrived is None or arrived > today:
            continue
        day = due if arrived <= due else arrived
        if day <= today:
            days[period] = day
    return days


def _plain(value):
    return None if value is None or pd.isna(value) else float(value)
