"""The rules of ``spec/status-rules.md``: one small pure function per section, named
after it, so each can be read (and tested, table by table) next to the spec. No store,
no frames to assemble: ``etl/status/assembly.py`` applies them to what it reads."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

import pandas as pd

from etl.periods import Quarter

MILESTONE_STATUSES = ("complete", "overdue", "due_soon", "not_yet_due")
INDICATOR_STATUSES = ("on_track", "at_risk", "off_track", "no_data")
COMMITMENT_STATUSES = ("complete", "on_track", "at_risk", "off_track")
RETURN_STATUSES = ("submitted_on_time", "submitted_late", "overdue", "not_yet_due")

DUE_SOON_DAYS = 90


# --- Milestones -------------------------------------------------------------------------


def milestone_status(due: dt.date, completed: dt.date | None, as_at: dt.date) -> str:
    """Complete / Overdue / Due soon / Not yet due, as at D."""
    if completed is not None and completed <= as_at:
        return "complete"
    if due < as_at:
        return "overdue"
    if due <= as_at + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "not_yet_due"


def milestone_on_time(due: dt.date, completed: dt.date | None, as_at: dt.date) -> bool | None:
    """For a complete milestone: completed on or before its due date. None otherwise."""
    if milestone_status(due, completed, as_at) != "complete":
        return None
    return completed <= due


# --- Indicators -------------------------------------------------------------------------


def trajectory(
    baseline: tuple[str, float], targets: list[tuple[str, float]], period: str
) -> float | None:
    """Straight lines by quarter from the baseline to each target in turn; flat at the
    last target after it; None before the baseline."""
    at = _quarter_index(period)
    points = [(_quarter_index(p), float(v)) for p, v in [baseline, *targets]]
    if at < points[0][0]:
        return None
    for (q0, v0), (q1, v1) in zip(points, points[1:], strict=False):
        if at <= q1:
            share = (at - q0) / (q1 - q0)
            return v0 * (1 - share) + v1 * share  # exactly v0 and v1 at the ends
    return points[-1][1]


@cache
def _quarter_index(period: str) -> int:
    return Quarter.parse(period).index


@dataclass(frozen=True)
class NationalFigure:
    value: float | None  # the combined figure as reported (unscaled)
    authorities_reported: int | None  # n of the councils; None for a national indicator
    coverage: float | None  # n / councils; None for a national indicator
    estimated: bool  # a sum scaled up from n < councils
    compared_value: float | None  # the figure compared with the trajectory
    enough_coverage: bool  # the quarter can be an indicator's latest quarter


def national_figure(
    *,
    reported_by: str,
    aggregation: str,
    authorities_reported: int,
    total: float | None,
    mean: float | None,
    councils: int,
    min_coverage: float,
) -> NationalFigure:
    """Combine the authorities' headline figures for one indicator and quarter."""
    n = authorities_reported
    if reported_by == "national":  # Scotland's own figure; "latest quarter with a figure"
        value = mean if n else None
        return NationalFigure(value, None, None, False, value, value is not None)
    coverage = n / councils if councils else 0.0
    # n ≥ share × councils, with room for float noise (0.75 × 32 is exactly 24).
    enough = n > 0 and n >= min_coverage * councils - 1e-9
    if n == 0:
        return NationalFigure(None, 0, coverage, False, None, False)
    if aggregation == "sum":
        estimated = n < councils
        return NationalFigure(total, n, coverage, estimated, total * councils / n, enough)
    return NationalFigure(mean, n, coverage, False, mean, enough)


def indicator_status(
    actual: float | None,
    trajectory_value: float | None,
    direction: str,
    on_track_ratio: float = 1.0,
    at_risk_ratio: float = 0.9,
) -> tuple[float | None, str]:
    """(ratio, status) in the latest quarter. The ratio is None where it cannot be formed."""
    if missing(actual) or missing(trajectory_value):
        return None, "no_data"
    if trajectory_value == 0:
        good = direction == "up" or actual == 0
        return None, "on_track" if good else "off_track"
    if direction == "down" and actual == 0:
        return None, "on_track"
    ratio = actual / trajectory_value if direction == "up" else trajectory_value / actual
    judged = round(ratio, 9)  # float noise (0.8999999999) must not change a status
    if judged >= on_track_ratio:
        return ratio, "on_track"
    if judged >= at_risk_ratio:
        return ratio, "at_risk"
    return ratio, "off_track"


# --- Commitments ------------------------------------------------------------------------


def override_applies(override_status: str | None, override_date: dt.date | None, as_at) -> bool:
    """A manual override counts from its date: one dated after D is ignored."""
    return bool(override_status) and override_date is not None and override_date <= as_at


def commitment_status(milestone_statuses: list[str], indicator_statuses: list[str]) -> str:
    """The roll-up when no override applies. Indicators with No data do not count."""
    if "overdue" in milestone_statuses or "off_track" in indicator_statuses:
        return "off_track"
    if "at_risk" in indicator_statuses:
        return "at_risk"
    if milestone_statuses and all(s == "complete" for s in milestone_statuses):
        return "complete"
    return "on_track"


# --- Returns completeness ---------------------------------------------------------------


def return_due_date(period: str, returns_due_days: int) -> dt.date:
    return Quarter.parse(period).end + dt.timedelta(days=returns_due_days)


def return_status(due_date: dt.date, received_on: dt.date | None, as_at: dt.date) -> str:
    """On time / late by the first version's arrival; a return arriving after D has not
    arrived as at D."""
    if received_on is not None and received_on <= as_at:
        return "submitted_on_time" if received_on <= due_date else "submitted_late"
    return "overdue" if due_date < as_at else "not_yet_due"


def overdue_returns(returns: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """The councils to chase: rows of a report's ``returns`` whose return for ``period``
    (the coverage quarter) is Overdue. The chasing list and the e-mail reminders both
    start here."""
    if period is None:
        return returns.iloc[0:0]
    return returns[(returns["period"] == period) & (returns["status"] == "overdue")]


def missing(value) -> bool:
    """None, <NA> or NaN: a figure nobody sent."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
