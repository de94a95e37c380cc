"""The strategy as declared in ``commitments.yaml``: pydantic models and a loader.

Field names follow ``spec/commitments-format.md``. Every problem is collected,
then reported with the line of the file it is on, e.g.
``commitments.yaml line 88: milestone C04-M2: due "2018-13-01" is not a date``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from etl.periods import Quarter
from etl.returns import contract
from etl.strategy_errors import Problem, StrategyError
from etl.yamlfile import YamlSyntaxError, line_of, load_with_lines

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


def load_strategy(path: str | Path) -> StrategyFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StrategyError([Problem(path.name, 1, "the file does not exist")]) from None
    except UnicodeDecodeError:
        raise StrategyError([Problem(path.name, 1, "the file is not UTF-8 text")]) from None
    except OSError as error:
        raise StrategyError(
            [Problem(path.name, 1, f"the file cannot be read ({error.strerror})")]
        ) from None
    return parse_strategy(text, path.name)


def parse_strategy(text: str, file_name: str = "commitments.yaml") -> StrategyFile:
    try:
        data, lines = load_with_lines(text)
    except YamlSyntaxError as error:
        raise StrategyError([Problem(file_name, error.line, error.message)]) from None
    if not isinstance(data, dict):
        raise StrategyError(
            [
                Problem(
                    file_name, 1, "the file must be a mapping with strategy, themes and commitments"
                )
            ]
        )
    problems = [
        Problem(file_name, line_of(lines, path), message) for path, message in _cross_checks(data)
    ]
    try:
        model = StrategyFile.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(item["loc"])
            problems.append(Problem(file_name, line_of(lines, path), _describe(data, path, item)))
    else:
        if not problems:
            return model
    problems.sort(key=lambda p: p.line)
    raise StrategyError(problems)


def _label(data: Any, path: tuple) -> str:
    """'milestone C04-M2: ' for a path inside that milestone, and so on."""
    label, node = "", data
    kinds = {
        "commitments": "commitment",
        "milestones": "milestone",
        "indicators": "indicator",
        "themes": "theme",
    }
    kind = None
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(step, str):
            kind = kinds.get(step)
        elif kind and isinstance(node, dict):
            label = f"{kind} {node.get('id', f'number {step + 1}')}: "
    return label


def _describe(data: Any, path: tuple, item: dict) -> str:
    field = next((str(step) for step in reversed(path) if isinstance(step, str)), "value")
    value = item.get("input")
    shown = f'"{value}"' if not isinstance(value, dict | list) else ""
    kind = item["type"]
    if kind == "missing":
        text = f"{field} is missing"
    elif kind == "extra_forbidden":
        text = f'"{field}" is not a known field (a typo?)'
    elif kind.startswith("date"):
        text = f"{field} {shown} is not a date (write it as 2019-06-30)"
    elif kind == "literal_error":
        allowed = item.get("ctx", {}).get("expected", "")
        text = f"{field} {shown} is not one of {allowed}"
    elif kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        text = f"{field} {shown} is not a number"
    elif kind == "value_error":
        error = item["ctx"]["error"]
        text = f"{field}: {error}" if path and isinstance(path[-1], str) else str(error)
    elif kind == "too_short":
        text = f"{field} needs at least one entry"
    elif kind in (
        "string_type",
        "model_type",
        "list_type",
        "dict_type",
        "bool_type",
        "bool_parsing",
    ):
        expected = {
            "string_type": "text",
            "model_type": "a mapping",
            "dict_type": "a mapping",
            "list_type": "a list",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
        }[kind]
        text = f"{field} {shown} should be {expected}".replace("  ", " ")
    else:
        text = f"{field} {shown}: {item['msg']}".replace("  ", " ")
    return _label(data, path) + text


def _cross_checks(data: dict) -> list[tuple[tuple, str]]:
    """Ids unique across the file, and every reference (theme, source) declared."""
    problems: list[tuple[tuple, str]] = []

    def items(value: Any) -> list[tuple[int, dict]]:
        return (
            [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
            if isinstance(value, list)
            else []
        )

    strategy = data.get("strategy") if isinstance(data.get("strategy"), dict) else {}
    source_ids = {s.get("id") for _, s in items(strategy.get("sources"))}
    themes = items(data.get("themes"))
    theme_ids = [t.get("id") for _, t in themes]
    for theme_id in sorted(set(THEME_IDS) - set(theme_ids)):
        problems.append((("themes",), f'the theme "{theme_id}" is missing (the strategy has four)'))

    seen: Counter = Counter()
    for kind, path, node in _all_ids(data):
        seen[node.get("id")] += 1
        if seen[node.get("id")] == 2:
            problems.append(
                (path + ("id",), f'{kind} id "{node.get("id")}" is used more than once')
            )
    for ci, commitment in items(data.get("commitments")):
        where = ("commitments", ci)
        label = f"commitment {commitment.get('id')}: "
        if "theme" in commitment and commitment["theme"] not in theme_ids:
            problems.append(
                (
                    where + ("theme",),
                    f'{label}theme "{commitment["theme"]}" is not a declared theme',
                )
            )
        for ti, theme in enumerate(commitment.get("also_themes") or []):
            if theme not in theme_ids:
                problems.append(
                    (
                        where + ("also_themes", ti),
                        f'{label}also_themes "{theme}" is not a declared theme',
                    )
                )
        refs = [(where + ("source",), label, commitment.get("source"))]
        for key in ("milestones", "indicators"):
            for i, node in items(commitment.get(key)):
                node_label = f"{key[:-1]} {node.get('id')}: "
                refs.append((where + (key, i, "source"), node_label, node.get("source")))
        for path, node_label, ref in refs:
            if ref is not None and ref not in source_ids:
                problems.append(
                    (path, f'{node_label}source "{ref}" is not one of strategy.sources')
                )
    return problems


def _all_ids(data: dict):
    commitments = data.get("commitments") if isinstance(data.get("commitments"), list) else []
    for ci, commitment in enumerate(commitments):
        if not isinstance(commitment, dict):
            continue
        yield "commitment", ("commitments", ci), commitment
        for key in ("milestones", "indicators"):
            children = commitment.get(key) if isinstance(commitment.get(key), list) else []
            for i, node in enumerate(children):
                if isinstance(node, dict):
                    yield key[:-1], ("commitments", ci, key, i), node
