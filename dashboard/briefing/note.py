"""The ministers' briefing note as plain data: the pack laid out in the shape of a briefing
note (title, key facts, a section per theme, annexes) as ``Block``s, and its charts drawn
for print with the pack's kaleido export.

``layout()`` takes the pack built from the same inputs (so the note has the same key
messages, charts and fingerprint); ``word`` writes the blocks as a Word file and holds
``build()``, which the CLI and the Briefing page call. Every sentence is the pack's or the
About page's (``dashboard.method``); nothing here words a status again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard import export, method
from dashboard import format as fmt
from dashboard.briefing import Scope
from dashboard.briefing.figures import PRINT_DPI, PRINT_PIXELS_PER_INCH, print_figure
from dashboard.briefing.pack import Chart, Inputs, Pack, Slide
from dashboard.briefing.slides import (
    commitments_table,
    figures_slide,
    milestone_slides,
    revision_slides,
)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 the title, 1 a section, 2 a part of one


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Text:
    """Paragraphs of Markdown (bold, italic, code and "- " lists, as ``method`` writes)."""

    markdown: str


@dataclass(frozen=True)
class Table:
    caption: str
    frame: pd.DataFrame


@dataclass(frozen=True)
class Figure:
    """A chart as a picture (alt text: its summary), captioned, then its data as a table."""

    chart: Chart


Block = Heading | Bullets | Text | Table | Figure


# --- The note as blocks ----------------------------------------------------------------------


def layout(inputs: Inputs, pack: Pack, chosen: Scope) -> list[Block]:
    """Title, key facts, a section per theme, then the annexes."""
    kinds = {slide.kind: slide for slide in reversed(pack.slides)}  # the first of each kind
    cover, headline, overview = kinds["title"], kinds["headline"], kinds["overview"]
    blocks: list[Block] = [
        Heading(pack.strategy_title, 0),
        Text(f"Briefing note as at {fmt.long_date(pack.as_at)}"),
        *(Text(line) for line in cover.messages[1:]),  # themes, figures label, demo data
        Heading("Key facts", 1),
        Bullets(headline.messages + overview.messages[1:]),  # its first: the headline's first
        *(Figure(chart) for chart in overview.charts),
    ]
    themes = _theme_slides(pack)
    for (theme, name), (slide, _) in zip(chosen.themes.items(), themes, strict=True):
        blocks += _theme_section(inputs, name, slide, chosen.of_theme(theme))
    blocks.append(Heading("Annex A: indicators against trajectory", 1))
    for name, (_, indicator_slides) in zip(chosen.themes.values(), themes, strict=True):
        blocks.append(Heading(name, 2))
        for slide in indicator_slides:
            summaries = {chart.summary for chart in slide.charts}
            blocks += [Figure(chart) for chart in slide.charts]
            blocks += [Text(m) for m in slide.messages if m not in summaries]
    return blocks + _method_annex(inputs, pack, chosen)


def _theme_slides(pack: Pack) -> list[tuple[Slide, list[Slide]]]:
    """Each theme's slide with its indicator slides (``build`` puts them after it)."""
    themes: list[tuple[Slide, list[Slide]]] = []
    for slide in pack.slides:
        if slide.kind == "theme":
            themes.append((slide, []))
        elif slide.kind == "indicators":
            themes[-1][1].append(slide)
    return themes


def _theme_section(inputs: Inputs, name: str, slide: Slide, part: Scope) -> list[Block]:
    """Status counts in words, the commitments off track or at risk and why, the milestones
    to watch, and the theme's charts."""
    worse = part.commitments[part.commitments["status"].isin(["off_track", "at_risk"])]
    blocks: list[Block] = [Heading(name, 1), Bullets(slide.messages)]
    blocks.append(Heading("Commitments off track or at risk", 2))
    if worse.empty:
        blocks.append(Text(slide.messages[0]))
    else:
        table = commitments_table(worse).drop(columns="Theme")
        blocks.append(Table(f"{name}: commitments off track or at risk, and why", table))
    blocks.append(Heading("Milestones overdue or due in the next 90 days", 2))
    blocks += _table_slides_as_blocks(milestone_slides(inputs, part.milestones), name)
    blocks.append(Heading(f"{name} in charts", 2))
    return blocks + [Figure(chart) for chart in slide.charts]


def _table_slides_as_blocks(slides: list[Slide], caption: str) -> list[Block]:
    """A table split over slides (``tables.table_slides``) as its message and one table."""
    blocks: list[Block] = [Text(m) for m in slides[0].messages] if slides else []
    parts = [s.table for s in slides if s.table is not None]
    if parts:
        title = slides[0].title
        blocks.append(Table(f"{caption}: {title[0].lower()}{title[1:]}", pd.concat(parts)))
    return blocks


def _method_annex(inputs: Inputs, pack: Pack, chosen: Scope) -> list[Block]:
    """Revisions (where any exceed the setting), sources, the rules, the fingerprint."""
    blocks: list[Block] = [Heading("Annex B: revisions, sources and method", 1)]
    revised = revision_slides(inputs, chosen.indicators)
    if revised:
        blocks.append(Heading("Revisions since first published", 2))
        blocks += _table_slides_as_blocks(revised, "Indicators")
    figures = figures_slide(inputs, "note", "NOTE.docx")
    blocks += [
        Heading("Sources", 2),
        Text(method.sources()),
        Text(pack.source),
        Heading("How statuses are judged", 2),
        Text(method.statuses_explained(inputs.settings, "the note's as-at date")),
        Heading("The figures in this note", 2),
        *(Text(m) for m in figures.messages),
        Table("The figures in this note", figures.table),
    ]
    return blocks


# --- The charts as pictures ------------------------------------------------------------------

PRINT_WIDTH = 6.2  # inches: within an A4 page's text width (6.3)


def print_size(chart: Chart) -> tuple[float, float]:
    """Width and height in inches: a bar chart by its number of bars, a line chart fixed."""
    if chart.kind == "line":
        return PRINT_WIDTH, 2.9
    return PRINT_WIDTH, min(max(0.9 + 0.42 * len(chart.categories), 2.0), 4.6)


def draw(charts: list[Chart], progress: Progress | None = None) -> dict[str, bytes]:
    """Each chart as a PNG at print resolution, in one kaleido browser."""
    pngs: dict[str, bytes] = {}
    with export.browser():
        for done, chart in enumerate(charts, start=1):
            fig = print_figure(chart, *print_size(chart))
            pngs[chart.name] = export.image(fig, "png", scale=PRINT_DPI / PRINT_PIXELS_PER_INCH)
            if progress:
                progress(0.9 * done / len(charts), f"Drawing charts ({done} of {len(charts)})")
    return pngs
