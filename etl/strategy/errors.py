"""What is wrong with a commitments file, line by line.

Apart from the models (``etl.strategy.model``) so that a command can catch a StrategyError without
building the strategy's pydantic models (``etl.submissions.spec_cache.spec_in_store``).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.errors import TrackerError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file} line {self.line}: {self.message}"


class StrategyError(TrackerError, ValueError):
    """``commitments.yaml`` is not valid; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
