"""The strategy as declared in ``commitments.yaml``: its pydantic models.

Field names follow ``spec/commitments-format.md``; ``etl.strategy.load`` reads the file into
them and says what is wrong, line by line.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from etl.periods import Quarter
from etl.returns import contract

THEME_IDS = ("excellence", "equity", "inspiration", "connection")
BREAKDOWNS = ("sex", "simd_quintile")


def _canonical_period(text: str) -> str:
    return str(Quarter.parse(text))


Period = Annotated[str, AfterValidator(_canonical_period)]


class _Model(BaseModel):
    # Unknown fields are typos until proven otherwise ("complted" must not vanish).
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    id: str
    title: str
    url: str | None = None
    note: str | None = None


class StrategyInfo(_Model):
    title: str
    published: dt.date
    start: Period
    refreshed: dt.date | None = None
    sources: list[Source] = Field(min_length=1)


class Settings(_Model):
    returns_due_days: int = Field(42, ge=0)
    min_coverage: float = Field(0.75, gt=0, le=1)
    on_track_ratio: float = Field(1.0, gt=0)
    at_risk_ratio: float = Field(0.9, gt=0)
    # A revision larger than this share of the figure first published earns its own slide
    # in the briefing pack (spec/status-rules.md, Revisions).
    revision_threshold: float = Field(0.1, gt=0)
    # Published counts below this are suppressed (spec/publication.md, Disclosure control).
    disclosure_min_count: int = Field(5, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Settings:
        if self.at_risk_ratio > self.on_track_ratio:
            raise ValueError("at_risk_ratio must not be above on_track_ratio")
        return self


class Theme(_Model):
    id: Literal["excellence", "equity", "inspiration", "connection"]
    name: str
    description: str


class MilestoneChange(_Model):
    on: dt.date
    was: dt.date
    reason: str


class Milestone(_Model):
    id: str
    title: str
    due: dt.date
    due_text: str
    completed: dt.date | None = None
    rebaselined: list[MilestoneChange] = []
    source: str | None = None
    note: str | None = None

    @property
    def original_due(self) -> dt.date:
        """The first due date ever declared (the due date itself when never moved)."""
        return min(self.rebaselined, key=lambda c: c.on).was if self.rebaselined else self.due


class PeriodValue(_Model):
    period: Period
    value: float
    illustrative: bool = False
    source: str | None = None

    @property
    def quarter(self) -> Quarter:
        return Quarter.parse(self.period)


class IndicatorChange(_Model):
    on: dt.date
    was: PeriodValue
    reason: str


class Indicator(_Model):
    id: str
    name: str
    unit: Literal["count", "percent", "percentage_points"]
    direction: Literal["up", "down"]
    reported_by: Literal["local_authorities", "national"]
    aggregation: Literal["sum", "mean"]
    breakdowns: list[Literal["sex", "simd_quintile"]] = []
    baseline: PeriodValue
    targets: list[PeriodValue] = Field(min_length=1)
    rebaselined: list[IndicatorChange] = []
    illustrative: bool = False
    source: str | None = None
    note: str | None = None
    # The largest plausible figure; returns above it are refused (etl.contract.maximum).
    maximum: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _targets_and_range(self) -> Indicator:
        problems = []
        previous = self.baseline
        for target in self.targets:
            if target.quarter <= previous.quarter:
                problems.append(
                    f"target {target.period} must come after {previous.period} "
                    "(targets follow the baseline, in order)"
                )
            previous = target
        if self.unit == "percent":
            for point in [self.baseline, *self.targets]:
                if not 0 <= point.value <= 100:
                    problems.append(
                        f"{point.value:g} at {point.period} is not a percent (0 to 100)"
                    )
        if self.unit == "percentage_points":
            # A gap between two percentages: either side of zero, never beyond 100.
            for point in [self.baseline, *self.targets]:
                if not -100 <= point.value <= 100:
                    problems.append(
                        f"{point.value:g} at {point.period} is not a gap in percentage points "
                        "(-100 to 100)"
                    )
        if self.unit != "count" and self.maximum is not None and self.maximum > 100:
            what = "percent" if self.unit == "percent" else "gap in percentage points"
            problems.append(f"maximum {self.maximum:g} is not a {what} (up to 100)")
        ceiling = contract.maximum(self.unit, self.maximum)
        for point in [self.baseline, *self.targets]:
            if point.value > ceiling and not (self.unit != "count" and abs(point.value) > 100):
                problems.append(
                    f"{point.value:g} at {point.period} is above the maximum {ceiling:g}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Override(_Model):
    status: Literal["complete", "on_track", "at_risk", "off_track"]
    reason: str
    by: str
    date: dt.date
    # After this date the manual status shows as not reviewed, and `check` warns.
    review_by: dt.date | None = None

    @model_validator(mode="after")
    def _review_after_setting(self) -> Override:
        if self.review_by is not None and self.review_by < self.date:
            raise ValueError(
                f"review_by {self.review_by} is before the override's date {self.date}"
            )
        return self

    def not_reviewed(self, today: dt.date) -> bool:
        """Its review date has passed."""
        return self.review_by is not None and self.review_by < today


class Commitment(_Model):
    id: str
    title: str
    theme: str
    also_themes: list[str] = []
    lead: str
    sectors: list[str] = []
    source: str
    source_text: str | None = None
    milestones: list[Milestone] = []
    indicators: list[Indicator] = []
    override: Override | None = None


class StrategyFile(_Model):
    strategy: StrategyInfo
    settings: Settings = Settings()
    themes: list[Theme]
    commitments: list[Commitment]

    @property
    def milestones(self) -> list[tuple[Commitment, Milestone]]:
        return [(c, m) for c in self.commitments for m in c.milestones]

    @property
    def indicators(self) -> list[tuple[Commitment, Indicator]]:
        return [(c, i) for c in self.commitments for i in c.indicators]

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for _, i in self.indicators if i.id == indicator_id)
