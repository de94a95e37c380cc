"""The one set of status words: the command line writes them in lower case
(`stem-tracker status`), the dashboard with a capital and an icon (dashboard/format.py)."""

from __future__ import annotations

WORDS = {
    # commitments and indicators
    "complete": "Complete",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
    # milestones
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "not_yet_due": "Not yet due",
    # returns (which reuse "overdue" and "not_yet_due" above)
    "submitted_on_time": "On time",
    "submitted_late": "Late",
}


def word(status: str) -> str:
    """'at risk': the status in running text."""
    return WORDS[status].lower()
