"""Calendar quarters (``2025-Q3`` = July to September 2025) and the 'ended by' rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Accepted forms, from the progress-return contract: 2025-Q3, 2025 Q3, 2025Q3, Q3 2025, q3-2025.
_YEAR_FIRST = re.compile(r"^\s*(\d{4})\s*[- ]?\s*[qQ]([1-4])\s*$")
_QUARTER_FIRST = re.compile(r"^\s*[qQ]([1-4])\s*[- ]?\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    q: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Parse any accepted form; raise ValueError with a plain message otherwise."""
        text = str(text)
        if m := _YEAR_FIRST.match(text):
            return cls(int(m[1]), int(m[2]))
        if m := _QUARTER_FIRST.match(text):
            return cls(int(m[2]), int(m[1]))
        raise ValueError(f'"{text}" is not a quarter like 2025-Q3')

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
        """The quarter's last day."""
        return self.next().start - timedelta(days=1)

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
