"""Calendar quarters (``2025-Q3`` = July to September 2025) and the 'ended by' rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from etl.errors import TrackerError

# Accepted forms, from the progress-return contract: 2025-Q3, 2025 Q3, 2025Q3, Q3 2025, q3-2025.
# Matched against stripped text, with one run of spaces on either side of an optional dash,
# each taken whole (possessive ``*+``): two runs that could share the same spaces
# (``\s*[- ]?\s*``) let a cell of 2025, 60,000 spaces and ``x`` try every split of them.
_YEAR_FIRST = re.compile(r"(\d{4})\s*+(?:-\s*+)?[qQ]([1-4])")
_QUARTER_FIRST = re.compile(r"[qQ]([1-4])\s*+(?:-\s*+)?(\d{4})")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse any accepted form; raise ValueError with a plain message otherwise."""
        text = str(text)
        stripped = text.strip()
        if m := _YEAR_FIRST.fullmatch(stripped):
            year, q = int(m[1]), int(m[2])
        elif m := _QUARTER_FIRST.fullmatch(stripped):
            year, q = int(m[2]), int(m[1])
        else:
            year = q = 0
        if year < 1:  # the calendar starts at year 1 (year 0 was a traceback)
            raise ValueError(f'"{text}" is not a quarter like 2025-Q3')
        return cls(year, q)

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def from_index(cls, index: int) -> Quarter:
        return cls(index // 4, index % 4 + 1)

    @property
    def index(self) -> int:
        """Quarters since year 0: consecutive quarters differ by one."""
        return self.year * 4 + self.q - 1

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> date:
        """The quarter's last day (31 March, 30 June, 30 September, 31 December), without
        the next quarter's start: after 9999-Q4 there is no date."""
        return date(self.year, 3 * self.q, 31 if self.q in (1, 4) else 30)

    def next(self) -> Quarter:
        return Quarter.from_index(self.index + 1)

    def previous(self) -> Quarter:
        return Quarter.from_index(self.index - 1)

    def ended_by(self, day: date) -> bool:
        """A quarter has ended by D when its last day is on or before D."""
        return self.end <= day

    def __str__(self) -> str:
        return f"{self.year}-Q{self.q}"


def last_ended(day: date) -> Quarter:
    """The latest quarter that has ended by ``day``."""
    current = Quarter.containing(day)
    return current if current.ended_by(day) else current.previous()


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    return [Quarter.from_index(i) for i in range(first.index, last.index + 1)]


# --- The dates the tracker answers for --------------------------------------------------

HORIZON_YEARS = 10  # far enough for every milestone and target; no further


class AsAtOutOfRange(TrackerError, ValueError):
    """An as-at date outside the dates the tracker answers for; the message gives the range."""


def as_at_range(start: Quarter, today: date) -> tuple[date, date]:
    """From the first day of the strategy's first quarter to the end of the tenth year from
    today: the one rule for the dates every command and page answers for."""
    return start.start, date(today.year + HORIZON_YEARS, 12, 31)


def check_as_at(day: date, start: Quarter, today: date) -> date:
    """``day`` when the tracker answers for it, else AsAtOutOfRange saying the range."""
    first, last = as_at_range(start, today)
    if not first <= day <= last:
        raise AsAtOutOfRange(
            f"{day.isoformat()} is outside the dates the tracker answers for: "
            f"{day_text(first)} (the strategy's first quarter) to {day_text(last)}"
        )
    return day


def parse_day(text: str) -> date:
    """A date as a link or a person writes it: 2025-09-30, or 30/09/2025 as the dashboard
    shows it. ValueError with a plain message otherwise."""
    text = str(text).strip()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        year, month, day = int(m[3]), int(m[2]), int(m[1])
    else:
        raise ValueError(f'"{text}" is not a date like 2025-09-30 or 30/09/2025')
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f'"{text}" is not a real date') from None


def day_text(day: date) -> str:
    """30 June 2019: a date in words, as every message and label writes it."""
    return f"{day.day} {day:%B %Y}"


def calendar_day(value: date) -> date:
    """The day of a datetime or pandas Timestamp; a date as it is."""
    return value.date() if isinstance(value, datetime) else value
