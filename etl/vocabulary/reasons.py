"""Why a status is what it is, as a sentence with its figure, in the item's unit.

'Regional STEM hubs operating: 11 against 13 expected by now (April to June 2025)'. The
rule's ratio r decides the status (etl/status/rules.py) but is never shown: a reader is
told the figure, the level expected by now and, where lower is better, which side of it the
figure is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from etl.periods import day_text
from etl.vocabulary.figures import figure, figure_against
from etl.vocabulary.periods import quarter_months

# Beyond this many milestones and indicators behind a commitment's status, the rest are
# counted, so that a reason stays a sentence.
MOST_LISTED = 3


def _missing(value) -> bool:
    return value is None or value != value  # NaN and NaT are not equal to themselves


def _day(value) -> str:
    return day_text(value.date() if hasattr(value, "date") and callable(value.date) else value)


def indicator_reason(indicator, councils: int | None = None) -> str:
    """One indicator's latest figure against the level expected by now. ``indicator``: a
    status report row (name, unit, direction, actual, trajectory, latest_period,
    estimated, status)."""
    name = indicator.name
    if indicator.status == "no_data" or _missing(indicator.actual):
        return f"{name}: not enough figures yet to judge"
    when = quarter_months(indicator.latest_period)
    if indicator.estimated and councils:
        when += f", estimated for all {councils} councils"
    if _missing(indicator.trajectory):
        return f"{name}: {figure(indicator.actual, indicator.unit)} ({when}), no level set yet"
    against = figure_against(
        indicator.actual, indicator.trajectory, indicator.unit, indicator.direction, when
    )
    return f"{name}: {against}"


def milestone_reason(milestone, as_at: dt.date | None = None) -> str:
    """'Regional STEM hubs established: due 31 December 2018, not complete'."""
    title = milestone.title
    if milestone.status == "complete":
        return f"{title}: completed {_day(milestone.completed)}"
    if milestone.status == "overdue":
        return f"{title}: due {_day(milestone.due)}, not complete"
    return f"{title}: due {_day(milestone.due)}"


def commitment_reason(status: str, milestones: Iterable, indicators: Iterable,
                      councils: int | None = None) -> str | None:  # fmt: skip
    """Which milestones and indicators decided a computed status, each with its figure."""
    milestones, indicators = list(milestones), list(indicators)
    if status == "complete":
        return "Every milestone complete"
    if status == "off_track":
        parts = [milestone_reason(m) for m in milestones if m.status == "overdue"] + [
            indicator_reason(i, councils) for i in indicators if i.status == "off_track"
        ]
    elif status == "at_risk":
        parts = [indicator_reason(i, councils) for i in indicators if i.status == "at_risk"]
    else:
        return None
    if len(parts) > MOST_LISTED:
        parts = parts[:MOST_LISTED] + [f"and {len(parts) - MOST_LISTED} more"]
    return "; ".join(parts) or None


def stale(on, review_by, as_at) -> bool:
    """A manual status whose review date has passed by ``as_at``."""
    return not _missing(review_by) and as_at is not None and _as_date(review_by) < as_at


def not_reviewed(on, review_by) -> str:
    return f"Manual status not reviewed since {_day(on)} (review was due {_day(review_by)})"


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
