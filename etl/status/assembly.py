"""The status report as at a date D: read the strategy and the *aggregated* figures
from DuckDB (``etl/status/sql.py``), apply the rules (``etl/status/rules.py``) to those
small tables, and hand every view the same frames and each theme's counts
(``etl/status/themes.py``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from etl import store
from etl.councils import council_count
from etl.periods import Quarter, calendar_day, check_as_at, day_text, last_ended, quarters_between
from etl.status import sql as status_sql
from etl.status.rules import (
    commitment_status,
    indicator_status,
    milestone_on_time,
    milestone_status,
    missing,
    national_figure,
    override_applies,
    return_due_date,
    return_status,
    trajectory,
)
from etl.status.themes import ThemeCounts, theme_counts
from etl.strategy.model import Settings
from etl.vocabulary import commitment_reason, not_reviewed, stale

# --- The report -------------------------------------------------------------------------


def figures_label(as_at: dt.date, revised: bool, today: dt.date | None = None) -> str:
    """Which figures a view shows, in the words every view and slide uses."""
    if revised:
        return f"revised figures, as they stand on {day_text(today or dt.date.today())}"
    return f"figures as known on {day_text(as_at)}"


@dataclass(frozen=True)
class StatusReport:
    as_at: dt.date
    milestones: pd.DataFrame
    indicators: pd.DataFrame
    commitments: pd.DataFrame
    themes: tuple[ThemeCounts, ...]  # in the strategy's order
    returns: pd.DataFrame
    revised: bool = False  # the current versions' figures, not those known at as_at

    @property
    def figures_label(self) -> str:
        return figures_label(self.as_at, self.revised)

    @property
    def coverage_period(self) -> str | None:
        """The quarter whose returns coverage ("n of 32 councils reporting") every screen and
        export shows: the latest whose due date has passed by D, so each council without that
        return is Overdue. A return sent early for a later quarter does not move it."""
        due = self.returns.drop_duplicates("period")
        passed = [
            period
            for period, due_date in zip(due["period"], due["due_date"], strict=True)
            if return_status(due_date, None, self.as_at) == "overdue"
        ]
        return max(passed, default=None)

    def to_json(self) -> dict:
        """Plain JSON types: ISO dates, None for anything missing; themes' commitments and
        indicators as status → count."""
        return {
            "as_at": self.as_at.isoformat(),
            "figures": "revised" if self.revised else "as known",
            "figures_label": self.figures_label,
            "milestones": json_records(self.milestones),
            "indicators": json_records(self.indicators),
            "commitments": json_records(self.commitments),
            "themes": [theme.to_json() for theme in self.themes],
            "returns": json_records(self.returns),
        }


@dataclass(frozen=True)
class _Basis:
    """What every part of the report needs to know besides the as-at date."""

    as_at: dt.date
    settings: Settings
    start: Quarter
    last: Quarter  # the last quarter ended by D
    councils: int
    revised: bool  # the current versions' figures, not those known at D


def _basis(con: duckdb.DuckDBPyConnection, as_at: dt.date, revised: bool = False) -> _Basis:
    store.require_schema(con)
    start = store.get_meta(con, "start")
    if start is None:
        raise store.StoreNotReady("the strategy is not loaded yet: run `stem-tracker init` first")
    start = Quarter.parse(start)
    check_as_at(as_at, start, dt.date.today())
    councils = council_count()
    return _Basis(
        as_at, Settings(**store.settings(con)), start, last_ended(as_at), councils, revised
    )


def report(con: duckdb.DuckDBPyConnection, as_at: dt.date, revised: bool = False) -> StatusReport:
    """Every status as at ``as_at``, on the figures as known then (or the revised ones)."""
    as_at = calendar_day(as_at)
    basis = _basis(con, as_at, revised)
    milestones = _milestones(con, basis)
    indicators = _indicators(con, basis)
    commitments = _commitments(con, basis, milestones, indicators)
    themes = theme_counts(status_sql.themes(con), commitments, milestones, indicators, basis.as_at)
    returns = _returns(con, basis)
    return StatusReport(as_at, milestones, indicators, commitments, themes, returns, revised)


def national_series(
    con: duckdb.DuckDBPyConnection,
    as_at: dt.date,
    indicator_id: str | None = None,
    revised: bool = False,
) -> pd.DataFrame:
    """One row per indicator and quarter ended by D, from the earlier of its baseline and
    the strategy start: the national figure, its coverage and the trajectory."""
    as_at = calendar_day(as_at)
    basis = _basis(con, as_at, revised)
    return _series(con, basis, status_sql.indicators(con, indicator_id), indicator_id)


SERIES_COLUMNS = [
    "indicator_id", "period", "value", "authorities_reported", "coverage", "estimated",
    "compared_value", "trajectory", "enough_coverage",
]  # fmt: skip


def _series(con, basis: _Basis, indicators: pd.DataFrame, indicator_id=None) -> pd.DataFrame:
    totals = status_sql.headline_totals(
        con, str(basis.last), indicator_id, as_at=basis.as_at, revised=basis.revised
    )
    # One row per indicator and quarter with any figure: a small table, whatever the figures.
    by_key = {(t.indicator_id, t.period): t for t in totals.itertuples(index=False)}
    rows = []
    for ind in indicators.itertuples(index=False):
        baseline = (ind.baseline_period, ind.baseline_value)
        targets = [(t["period"], t["value"]) for t in (ind.targets or [])]
        first = min(Quarter.parse(ind.baseline_period), basis.start)
        for quarter in quarters_between(first, basis.last):
            period = str(quarter)
            found = by_key.get((ind.id, period))
            figure = national_figure(
                reported_by=ind.reported_by,
                aggregation=ind.aggregation,
                authorities_reported=int(found.authorities_reported) if found else 0,
                total=found.total if found else None,
                mean=found.mean if found else None,
                councils=basis.councils,
                min_coverage=basis.settings.min_coverage,
            )
            rows.append(
                (
                    ind.id,
                    period,
                    figure.value,
                    figure.authorities_reported,
                    figure.coverage,
                    figure.estimated,
                    figure.compared_value,
                    trajectory(baseline, targets, period),
                    figure.enough_coverage,
                )
            )
    series = pd.DataFrame(rows, columns=SERIES_COLUMNS)
    return series.astype(
        {
            "value": "float64",
            "authorities_reported": "Int64",
            "coverage": "float64",
            "estimated": "bool",
            "compared_value": "float64",
            "trajectory": "float64",
            "enough_coverage": "bool",
        }
    )


def _milestones(con, basis: _Basis) -> pd.DataFrame:
    frame = status_sql.milestones(con)
    frame["status"] = [
        milestone_status(m.due, m.completed, basis.as_at) for m in frame.itertuples()
    ]
    frame["on_time"] = pd.Series(
        [milestone_on_time(m.due, m.completed, basis.as_at) for m in frame.itertuples()],
        index=frame.index,
        dtype="boolean",
    )
    return frame[
        ["id", "commitment_id", "title", "due", "original_due", "due_text", "completed",
         "status", "on_time", "theme"]
    ]  # fmt: skip


def _indicators(con, basis: _Basis) -> pd.DataFrame:
    indicators = status_sql.indicators(con)
    series = _series(con, basis, indicators)
    # The latest quarter with enough coverage (for a national indicator: with a figure).
    counted = series[series["enough_coverage"]].sort_values("period")
    latest = counted.groupby("indicator_id").tail(1).set_index("indicator_id").to_dict("index")
    rows = []
    for ind in indicators.itertuples(index=False):
        at = latest.get(ind.id)
        actual = None if at is None else at["compared_value"]
        traj = None if at is None else at["trajectory"]
        ratio, status = indicator_status(
            actual,
            traj,
            ind.direction,
            basis.settings.on_track_ratio,
            basis.settings.at_risk_ratio,
        )
        rows.append(
            {
                "id": ind.id,
                "commitment_id": ind.commitment_id,
                "theme": ind.theme,
                "name": ind.name,
                "unit": ind.unit,
                "direction": ind.direction,
                "reported_by": ind.reported_by,
                "aggregation": ind.aggregation,
                "latest_period": None if at is None else at["period"],
                "actual": actual,
                "reported_value": None if at is None else at["value"],
                "authorities_reported": None if at is None else at["authorities_reported"],
                "coverage": None if at is None else at["coverage"],
                "estimated": False if at is None else bool(at["estimated"]),
                "trajectory": None if missing(traj) else traj,
                "ratio": ratio,
                "status": status,
                "illustrative": bool(ind.illustrative),
            }
        )
    columns = [
        "id", "commitment_id", "theme", "name", "unit", "direction", "reported_by",
        "aggregation", "latest_period", "actual", "reported_value", "authorities_reported",
        "coverage", "estimated", "trajectory", "ratio", "status", "illustrative",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype(
        {
            "actual": "float64",
            "reported_value": "float64",
            "authorities_reported": "Int64",
            "coverage": "float64",
            "trajectory": "float64",
            "ratio": "float64",
            "estimated": "bool",
            "illustrative": "bool",
        }
    )


def _by_commitment(frame: pd.DataFrame) -> dict[str, list]:
    """commitment id → its milestones' or indicators' rows (with ``id`` and ``status``)."""
    grouped: dict[str, list] = defaultdict(list)
    for row in frame.itertuples(index=False):
        grouped[row.commitment_id].append(row)
    return grouped


def _commitments(con, basis: _Basis, milestones: pd.DataFrame, indicators: pd.DataFrame):
    milestones_of, indicators_of = _by_commitment(milestones), _by_commitment(indicators)
    rows = []
    for c in status_sql.commitments(con).itertuples(index=False):
        ms, inds = milestones_of[c.id], indicators_of[c.id]
        data_gap = any(i.status == "no_data" for i in inds)
        review_by = None if pd.isna(c.override_review_by) else c.override_review_by
        if override_applies(c.override_status, c.override_date, basis.as_at):
            status, manual, reason = c.override_status, True, c.override_reason
            if stale(c.override_date, review_by, basis.as_at):
                reason = f"{not_reviewed(c.override_date, review_by)}. {reason}"
        else:
            status = commitment_status([m.status for m in ms], [i.status for i in inds])
            manual = False
            reason = commitment_reason(status, ms, inds, basis.councils)
        rows.append(
            {
                "id": c.id,
                "title": c.title,
                "theme": c.theme,
                "lead": c.lead,
                "sectors": list(c.sectors or []),
                "status": status,
                "manual": manual,
                "reason": reason,
                "override_by": c.override_by if manual else None,
                "override_date": c.override_date if manual else None,
                "review_by": review_by if manual else None,
                "not_reviewed": manual and stale(c.override_date, review_by, basis.as_at),
                "data_gap": data_gap,
            }
        )
    columns = [
        "id", "title", "theme", "lead", "sectors", "status", "manual", "reason",
        "override_by", "override_date", "review_by", "not_reviewed", "data_gap",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).astype(
        {"manual": "bool", "not_reviewed": "bool", "data_gap": "bool"}
    )


RETURNS_COLUMNS = [
    "authority_code", "authority_name", "period", "due_date", "received_at", "status",
]  # fmt: skip


def _returns(con, basis: _Basis) -> pd.DataFrame:
    """Every council × every quarter from the strategy start to the last ended by D."""
    received = {
        (r.authority_code, r.period): r.received_at
        for r in status_sql.first_received(con, basis.as_at).itertuples(index=False)
    }
    councils = list(status_sql.councils(con).itertuples(index=False))
    rows = []
    for quarter in quarters_between(basis.start, basis.last):
        period = str(quarter)
        due_date = return_due_date(period, basis.settings.returns_due_days)
        for council in councils:
            at = received.get((council.authority_code, period))
            status = return_status(due_date, at.date() if at else None, basis.as_at)
            rows.append(
                (
                    council.authority_code,
                    council.authority_name,
                    period,
                    due_date,
                    at if status.startswith("submitted") else None,
                    status,
                )
            )
    frame = pd.DataFrame(rows, columns=RETURNS_COLUMNS)
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    return frame


# --- helpers ----------------------------------------------------------------------------


def _plain(value):
    if missing(value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    return value


def json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a report frame as plain JSON values (ISO dates, None for missing)."""
    return [
        {column: _plain(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False)
    ]
