"""Key messages and chart titles for the briefing pack, written from the statuses.

Each takes the status report's rows (already judged by ``etl.status``) and counts or
lists them in plain words: "7 of 9 commitments are on track or complete; 2 off track: …".
The headlines are the overview's chart titles (``format.commitments_headline``).
"""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from etl.vocabulary import Names


def commitments_message(commitments: pd.DataFrame, names: Names) -> str:
    """'7 of 9 … on track or complete; 2 off track: C03 Annual STEM learning conference …
    and C06 …' (names, not a list of codes)."""
    total = len(commitments)
    if not total:
        return "No commitments in this choice."
    counts = fmt.status_counts(commitments["status"], fmt.COMMITMENT_ORDER)
    text = fmt.commitments_on_track(counts, total) + "."
    for status in ("off_track", "at_risk"):
        ids = commitments.loc[commitments["status"] == status, "id"].tolist()
        if ids:
            text += f" {fmt.word(status)} ({len(ids)}): {names.listed(ids, 3)}."
    return text


def milestones_message(milestones: pd.DataFrame, names: Names) -> str:
    overdue = milestones[milestones["status"] == "overdue"].sort_values("due")
    soon = int((milestones["status"] == "due_soon").sum())
    if overdue.empty:
        text = "No milestone overdue"
    else:
        listed = [
            f"{names(m.id)} (due {fmt.long_date(m.due)})"
            for m in overdue.head(3).itertuples(index=False)
        ]
        more = f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""
        noun = "milestones" if len(overdue) != 1 else "milestone"
        text = f"{len(overdue)} {noun} overdue: {', '.join(listed)}{more}"
    return text + f"; {soon} due in the next 90 days."


def delivery_message(done: int, due: int) -> str:
    if not due:
        return "No milestone was due yet."
    return f"Delivery rate: {done} of {due} milestones due were completed ({done / due:.0%})."


def indicators_message(indicators: pd.DataFrame) -> str:
    if indicators.empty:
        return "No indicators in this choice."
    counts = fmt.status_counts(indicators["status"], fmt.INDICATOR_ORDER)
    parts = [f"{n} {fmt.word(s).lower()}" for s, n in counts.items() if n]
    return f"Indicators: {', '.join(parts)} (of {len(indicators)})."


def commitments_title(statuses: pd.Series) -> str:
    counts = fmt.status_counts(statuses, fmt.COMMITMENT_ORDER)
    return fmt.commitments_headline(counts, len(statuses))


def indicators_title(statuses: pd.Series) -> str:
    counts = fmt.status_counts(statuses, fmt.INDICATOR_ORDER)
    return fmt.indicators_headline(counts, len(statuses))
