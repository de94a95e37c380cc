"""What a progress return is checked against: the strategy's start and its indicators.

The return rules need four facts of each indicator, not the whole strategy. A
command-line ingest reads them from the store as plain JSON (``spec_in_store``
in ``etl.submissions.spec_cache``) instead of building the strategy's pydantic models, which
costs a fifth of a second before a back-fill's first row is read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from etl.returns import contract

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    unit: str
    reported_by: str
    breakdowns: tuple[str, ...]
    maximum: float  # the largest plausible figure (contract.maximum)


@dataclass(frozen=True)
class ReturnSpec:
    start: str  # the strategy's first quarter, e.g. "2017-Q4"
    indicators: tuple[IndicatorSpec, ...]  # in the strategy's order

    @classmethod
    def of(cls, strategy: StrategyFile | ReturnSpec) -> ReturnSpec:
        if isinstance(strategy, ReturnSpec):
            return strategy
        return cls(
            strategy.strategy.start,
            tuple(
                IndicatorSpec(
                    i.id,
                    i.unit,
                    i.reported_by,
                    tuple(i.breakdowns),
                    contract.maximum(i.unit, i.maximum),
                )
                for _, i in strategy.indicators
            ),
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "start": self.start,
                "indicators": [
                    [i.id, i.unit, i.reported_by, list(i.breakdowns), i.maximum]
                    for i in self.indicators
                ],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ReturnSpec:
        data = json.loads(text)
        return cls(
            data["start"],
            tuple(
                # A spec stored before maxima were kept has none: each unit's default.
                IndicatorSpec(i, u, r, tuple(b), contract.maximum(u, m[0] if m else None))
                for i, u, r, b, *m in data["indicators"]
            ),
        )
