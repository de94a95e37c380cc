"""Why a status moved between two reports (the quarter before and now, or the figures as
known and as revised), in a sentence: new figures (a late or new return), a correction, a
milestone passing its date, a manual status, or the rule (the level expected rising)."""

from __future__ import annotations

import pandas as pd

from etl.periods import day_text
from etl.status.words import word
from etl.vocabulary.figures import figure, figure_against
from etl.vocabulary.periods import quarter_months


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def _day(value) -> str:
    return day_text(pd.Timestamp(value).date())


def indicator_moved(was, now) -> str:
    """Why one indicator's status moved (``was`` and ``now``: its rows in the two reports)."""
    if pd.isna(now.latest_period):
        return "not enough councils' figures to judge any more"
    when = quarter_months(now.latest_period)
    against = (
        figure_against(now.actual, now.trajectory, now.unit, now.direction)
        if not pd.isna(now.trajectory)
        else figure(now.actual, now.unit)
    )
    if not _same(was.latest_period, now.latest_period):
        return f"new figures, for {when}, from returns received since: {against}"
    if not _same(was.actual, now.actual):
        return (
            f"the figure for {when} changed from {figure(was.actual, now.unit)} to "
            f"{figure(now.actual, now.unit)} (a late return or a correction): {against}"
        )
    if not _same(was.trajectory, now.trajectory):
        return (
            f"the level expected moved from {figure(was.trajectory, now.unit)} to "
            f"{figure(now.trajectory, now.unit)} (the trajectory), the figure the same: {against}"
        )
    return f"the status rule, on the same figures: {against}"


def milestone_moved(was: str | None, now) -> str:
    title = now.title
    if now.status == "overdue":
        return f"{title} passed its due date ({_day(now.due)}) without being completed"
    if now.status == "complete":
        return f"{title} was completed ({_day(now.completed)})"
    if now.status == "due_soon":
        return f"{title} is now due within 90 days ({_day(now.due)})"
    return f"{title}: {word(now.status)}"


def commitment_moved(commitment_id: str, previous, current) -> str:
    """Why a commitment's status moved: its manual status, or the milestones and indicators
    of it whose status moved (``previous``, ``current``: the two status reports)."""
    was = previous.commitments.set_index("id").loc[commitment_id]
    now = current.commitments.set_index("id").loc[commitment_id]
    if now["manual"] and not was["manual"]:
        return f"a manual status set on {_day(now['override_date'])}"
    if was["manual"] and not now["manual"]:
        return "the manual status no longer applies"
    parts = []
    for kind, explain in (("milestones", milestone_moved), ("indicators", None)):
        before = getattr(previous, kind).set_index("id")
        for row in getattr(current, kind).itertuples(index=False):
            if row.commitment_id != commitment_id or row.id not in before.index:
                continue
            old = before.loc[row.id]
            if old["status"] == row.status:
                continue
            if explain:
                parts.append(explain(old["status"], row))
            else:
                name = f"{row.name} {word(old['status'])} → {word(row.status)}"
                parts.append(f"{name}: {indicator_moved(old, row)}")
    return "; ".join(parts) or "the status rule, on the same figures"


def indicator_moved_by_id(indicator_id: str, previous, current) -> str:
    was = previous.indicators.set_index("id").loc[indicator_id]
    now = current.indicators.set_index("id").loc[indicator_id]
    return indicator_moved(was, now)
