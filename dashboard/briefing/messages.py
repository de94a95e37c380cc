"""Key messages and chart titles for the briefing pack, written from the statuses.

Each takes the status report's rows (already judged by ``etl.status``) and counts or
lists them in plain words: "7 of 9 commitments are on track or complete; 2 off track: …".
The headlines are the overview's chart titles (``format.commitments_headline``).
"""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt


def commitments_message(commitments: pd.DataFrame) -> str:
    total = len(commitments)
    if not total:
        return "No commitments in this choice."
    counts = fmt.status_counts(commitments["status"], fmt.COMMITMENT_ORDER)
    text = fmt.commitments_on_track(counts, total)
    worse = []
    for status in ("off_track", "at_risk"):
        ids = commitments.loc[commitments["status"] == status, "id"].tolist()
        if ids:
            worse.append(f"{len(ids)} {fmt.word(status).lower()}: {', '.join(ids)}")
    return text + ("; " + "; ".join(worse) if worse else "") + "."


def milestones_message(milestones: pd.DataFrame) -> str:
    overdue = milestones[milestones["status"] == "overdue"].sort_values("due")
    soon = int((milestones["status"] == "due_soon").sum())
    if overdue.empty:
        text = "No milestone overdue"
    else:
        listed = ", ".join(
            f"{m.id} (due {fmt.long_date(m.due)})" for m in overdue.head(4).itertuples(index=False)
        )
        more = f" and {len(overdue) - 4} more" if len(overdue) > 4 else ""
        text = f"{len(overdue)} milestone{'s' if len(overdue) != 1 else ''} overdue: {listed}{more}"
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


def ratio_sentence(as_at, indicators: pd.DataFrame) -> str:
    if indicators.empty:
        return f"no indicators as at {fmt.long_date(as_at)}."
    parts = [
        f"{row.id} {'no data' if pd.isna(row.ratio) else f'{row.ratio * 100:.0f}% of trajectory'}"
        f" ({fmt.word(row.status).lower()})"
        for row in indicators.itertuples(index=False)
    ]
    return (
        f"latest figure against trajectory as at {fmt.long_date(as_at)}: " + "; ".join(parts) + "."
    )
