"""A quarter in words: '2025-Q3' is July to September 2025 (councils also count financial
quarters, so the months are said beside the code)."""

from __future__ import annotations

from etl.periods import Quarter

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def quarter_months(period: str | Quarter) -> str:
    """'July to September 2025'."""
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    first = _MONTHS[quarter.start.month - 1]
    last = _MONTHS[quarter.end.month - 1]
    return f"{first} to {last} {quarter.end.year}"


def quarter_words(period: str | Quarter) -> str:
    """'2025-Q3 (July to September 2025)'."""
    return f"{period} ({quarter_months(period)})"
