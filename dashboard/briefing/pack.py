"""What a briefing pack is made of: slides holding plain data, read from one status report.

A ``Chart`` is categories × series (drawn natively in PowerPoint and by plotly for
PNG/SVG/PDF), a ``Slide`` holds key messages, charts or a table, and ``Inputs`` is
everything a pack is built from. Nothing here judges a status.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import pandas as pd

from dashboard import format as fmt
from dashboard.charts.common import source_line
from etl.figures_used import FiguresUsed
from etl.revisions import Revisions
from etl.status import StatusReport, figures_label
from etl.vocabulary import Names, rounded


@dataclass(frozen=True)
class Chart:
    """One chart as plain data, drawn natively in PowerPoint and by plotly for PNG/SVG/PDF.

    kind: "bar" (one series, one bar per category, each coloured by its status),
    "stacked" (one series per status, stacked), or "line" (series over quarters).
    """

    name: str  # file stem of its exports
    title: str  # the finding
    subtitle: str  # what is shown
    kind: str
    categories: list[str]
    series: dict[str, list[float | None]]
    colours: list[str]  # per category for "bar", per series otherwise
    summary: str  # one sentence: alt text on the slide, caption elsewhere
    unit: str = "count"  # "count", "percent" or "percentage_points": the number format
    value_axis: str = ""
    category: str = ""  # what the categories are ("Theme", "Quarter"): the table's first header

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.series, index=self.categories)
        frame.index.name = self.category
        return frame

    def table_text(self) -> str:
        """The chart's data as a plain-text table, for the speaker notes."""
        return f"{self.title}\n" + text_table(self.table().reset_index(), self.unit)


def finite_only(chart: Chart) -> tuple[Chart, int]:
    """The chart with every value that is not a finite number left out, and how many were.

    A sum of absurd figures overflows to infinity; no chart format can hold it (PowerPoint's
    embedded workbook refuses it outright), so the slide says so instead."""
    series, left_out = {}, 0
    for name, values in chart.series.items():
        kept = []
        for value in values:
            if value is not None and not math.isfinite(value):
                left_out += 1
                value = None
            kept.append(value)
        series[name] = kept
    return (replace(chart, series=series) if left_out else chart), left_out


def not_finite_message(count: int) -> str:
    figures = "1 figure" if count == 1 else f"{count} figures"
    return (
        f"{figures} on this slide could not be shown: too large to be a number (a council's "
        "value out of range?), so left out of its charts."
    )


@dataclass
class Slide:
    title: str
    kind: str  # title, overview, theme, indicators, milestones, annex
    messages: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    table: pd.DataFrame | None = None
    notes: str = ""


@dataclass
class Pack:
    as_at: dt.date
    strategy_title: str
    source: str  # as-at date, source, councils reporting, which figures, demo data
    demo: bool
    slides: list[Slide]
    figures: FiguresUsed  # as-at date, mode and fingerprint: what --check compares

    def charts(self) -> list[Chart]:
        return [chart for slide in self.slides for chart in slide.charts]

    @property
    def figures_label(self) -> str:
        return figures_label(self.figures.as_at, self.figures.revised)


@dataclass(frozen=True)
class Inputs:
    """Everything a pack is built from, read in one short connection."""

    report: StatusReport
    series: pd.DataFrame  # national_series for every indicator
    strategy_title: str
    demo: bool
    coverage: dict  # as the dashboard shows it: period, received, councils
    tables: dict[str, pd.DataFrame]  # strategy tables the dashboard's charts need
    figures: FiguresUsed  # which versions' figures, and their fingerprint
    revisions: dict[str, Revisions]  # first published against latest, as at the same date
    revision_threshold: float  # a revision larger than this share earns a slide
    settings: dict = field(default_factory=dict)  # the strategy's settings, for the method
    previous: StatusReport | None = None  # as at the quarter before, for "what changed"

    @property
    def as_at(self) -> dt.date:
        return self.report.as_at

    @property
    def names(self) -> Names:
        """Names for one slide: each code with its name on first use, the name after."""
        return Names.from_report(self.report)

    @property
    def source(self) -> str:
        """The dashboard's source line: as-at date, councils reporting, which figures, demo."""
        return source_line(
            self.as_at,
            self.coverage["received"],
            self.coverage["period"],
            demo=self.demo,
            figures=self.report.figures_label,
        )


def text_table(frame: pd.DataFrame, unit: str | None = None) -> str:
    """A frame as aligned plain text (speaker notes are plain text)."""

    def cell(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        if isinstance(value, float) and unit:
            return fmt.number(rounded(value, unit), unit)
        return str(value)

    rows = [[str(c) for c in frame.columns]] + [
        [cell(v) for v in row] for row in frame.itertuples(index=False)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )
