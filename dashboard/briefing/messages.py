"""Key messages and chart titles for the briefing pack, written from the statuses.

Each takes the status report's rows (already judged by ``etl.status``) and counts or
lists them in plain words: "7 of 9 commitments are on track or complete; 2 off track: …".
The headlines are the overview's chart titles (``format.commitments_headline``).
"""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from etl.vocabulary import Names

# A name in a slide's bullet is cut to this many characters: a slide has room for a few.
NAME_WIDTH = 40


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
            text += end(f" {fmt.word(status)} ({len(ids)}): {names.listed(ids, 2, NAME_WIDTH)}")
    return text


def milestones_message(milestones: pd.DataFrame, names: Names) -> str:
    overdue = milestones[milestones["status"] == "overdue"].sort_values("due")
    soon = int((milestones["status"] == "due_soon").sum())
    if overdue.empty:
        text = "No milestone overdue"
    else:
        listed = [
            f"{names(m.id, NAME_WIDTH)} (due {fmt.long_date(m.due)})"
            for m in overdue.head(2).itertuples(index=False)
        ]
        more = f" and {len(overdue) - 2} more" if len(overdue) > 2 else ""
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


def headlines(report, previous, names: Names) -> list[str]:
    """The three things to know: where the commitments stand, what moved since the quarter
    before, and the milestones and indicators behind them."""
    commitments, milestones, indicators = report.commitments, report.milestones, report.indicators
    counts = fmt.status_counts(commitments["status"], fmt.COMMITMENT_ORDER)
    first = (
        fmt.commitments_on_track(counts, len(commitments))
        + f"; {counts['off_track']} off track and {counts['at_risk']} at risk."
    )
    overdue = int((milestones["status"] == "overdue").sum())
    soon = int((milestones["status"] == "due_soon").sum())
    measured = int((indicators["status"] != "no_data").sum())
    on = int((indicators["status"] == "on_track").sum())
    third = (
        f"{overdue} milestone{'s are' if overdue != 1 else ' is'} overdue and {soon} due in the "
        f"next 90 days; {on} of {measured} measured indicators are on track."
    )
    return [first, moved_message(report, previous, names), third]


def moved_message(report, previous, names: Names) -> str:
    """'Since 30 June 2025, 2 commitments moved to a worse status (…) and 1 to a better one.'"""
    if previous is None:
        return "This is the strategy's first quarter: there is no earlier quarter to compare."
    since = f"Since {fmt.long_date(previous.as_at)}"
    was = previous.commitments.set_index("id")["status"]
    worse, better = [], []
    for row in report.commitments.itertuples(index=False):
        before, now = fmt.RANK.get(was.get(row.id)), fmt.RANK.get(row.status)
        if before is None or now is None or before == now:
            continue
        (worse if now < before else better).append(row.id)
    if not worse and not better:
        return f"{since}, no commitment's status has changed."
    parts = []
    if worse:
        noun = "commitments" if len(worse) != 1 else "commitment"
        moved = names.listed(worse, 2, NAME_WIDTH)
        parts.append(f"{len(worse)} {noun} moved to a worse status ({moved})")
    if better:
        parts.append(f"{len(better)} to a better one ({names.listed(better, 2, NAME_WIDTH)})")
    return f"{since}, " + " and ".join(parts) + "."


def end(sentence: str) -> str:
    """The sentence with its full stop, unless a cut name's ellipsis already ends it."""
    return sentence if sentence.endswith(("…", ".")) else sentence + "."
