"""The ministers' briefing pack: read the figures, build the slides, write the files.

One code path for the page and the CLI: ``read()`` takes what the pack needs from
the database (one short connection), ``build()`` turns it into a ``Pack`` of
slides holding plain data (``pack``; each slide in ``slides``, its key messages in
``messages``, long tables split by ``tables``), and ``files()`` renders that one pack as
PowerPoint (native, editable charts: ``pptx``), PDF (``pdf``) and a ZIP of PNG/SVG charts
(``export``, drawn by ``figures``). Every number on a slide comes from the
``StatusReport``; nothing here re-judges a status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import sql, views
from dashboard.briefing.figures import slide_figures
from dashboard.briefing.pack import Inputs, Pack, finite_only, not_finite_message, text_table
from dashboard.briefing.slides import (
    annex_slides,
    changes_slides,
    figures_slide,
    headline_slide,
    indicator_slides,
    milestone_slides,
    overview_slide,
    revision_slides,
    theme_slide,
    title_slide,
)
from etl import status as engine
from etl import store
from etl.errors import TrackerError
from etl.figures_used import figures_used
from etl.revisions import revisions
from etl.strategy.model import Settings


class BriefingError(TrackerError, ValueError):
    """A briefing cannot be built as asked (e.g. an unknown theme); the message says why."""


STRATEGY_TABLES = ("indicators", "indicator_targets", "indicator_changes")


def read(db: Path | str, as_at: dt.date, revised: bool = False) -> Inputs:
    """The status report and what goes with it, as at ``as_at``: on the figures as known
    then, or (``revised``) as they stand today."""
    with store.connect(db) as con:
        report = engine.report(con, as_at, revised)
        series = engine.national_series(con, as_at, None, revised)
        meta = dict(con.execute(*sql.meta()).fetchall())
        # The quarter before, for "what changed" (none before the strategy's first quarter).
        before = views.previous_quarter_end(as_at, meta["start"]) if meta.get("start") else None
        previous = engine.report(con, before, revised) if before else None
        tables = {name: con.execute(*sql.table(name)).df() for name in STRATEGY_TABLES}
        used = figures_used(con, as_at, revised)
        revised_by = revisions(con, as_at=as_at, revised=revised, triangle=False)
        settings = store.settings(con)
    return Inputs(
        report=report,
        series=series,
        strategy_title=meta.get("title") or "STEM Education and Training Strategy",
        demo=meta.get("figures") == "demo",
        coverage=views.coverage(report.returns, report.coverage_period),
        tables=tables,
        figures=used,
        revisions=revised_by,
        revision_threshold=Settings(**settings).revision_threshold,
        settings=settings,
        previous=previous,
    )


@dataclass(frozen=True)
class Scope:
    """What a briefing covers: the chosen themes (id: name, in order) and their rows."""

    themes: dict[str, str]
    commitments: pd.DataFrame
    milestones: pd.DataFrame
    indicators: pd.DataFrame

    def of_theme(self, theme: str) -> Scope:
        ids = self.commitments.loc[self.commitments["theme"] == theme, "id"]
        return Scope(
            {theme: self.themes[theme]},
            self.commitments[self.commitments["id"].isin(ids)],
            self.milestones[self.milestones["commitment_id"].isin(ids)],
            self.indicators[self.indicators["commitment_id"].isin(ids)],
        )


def scope(
    inputs: Inputs,
    themes: Iterable[str] | None = None,
    commitments: Iterable[str] | None = None,
) -> Scope:
    """The chosen themes (default: all) and commitments (default: all in them), or
    BriefingError naming what is unknown."""
    report = inputs.report
    theme_names = views.theme_names(report.themes)
    chosen_themes = list(themes) if themes else list(theme_names)
    unknown = [t for t in chosen_themes if t not in theme_names]
    if unknown:
        raise BriefingError(
            f"unknown theme {', '.join(unknown)}: choose from {', '.join(theme_names)}"
        )
    known = set(report.commitments["id"])
    chosen = list(commitments) if commitments else None
    if chosen is not None and (missing := [c for c in chosen if c not in known]):
        raise BriefingError(f"unknown commitment {', '.join(missing)}")

    in_scope = report.commitments[report.commitments["theme"].isin(chosen_themes)]
    if chosen is not None:
        in_scope = in_scope[in_scope["id"].isin(chosen)]
        # A theme's slides only where a chosen commitment is.
        holding = set(in_scope["theme"])
        chosen_themes = [t for t in chosen_themes if t in holding]
    ids = set(in_scope["id"])
    return Scope(
        {t: theme_names[t] for t in chosen_themes},
        in_scope,
        report.milestones[report.milestones["commitment_id"].isin(ids)],
        report.indicators[report.indicators["commitment_id"].isin(ids)],
    )


def build(
    inputs: Inputs,
    themes: Iterable[str] | None = None,
    commitments: Iterable[str] | None = None,
) -> Pack:
    """The pack for the chosen themes (default: all) and commitments (default: all in them)."""
    chosen = scope(inputs, themes, commitments)
    slides = [title_slide(inputs, list(chosen.themes.values()))]
    slides.append(headline_slide(inputs))
    slides.append(overview_slide(inputs))
    slides += changes_slides(inputs)
    for theme, name in chosen.themes.items():
        part = chosen.of_theme(theme)
        slides.append(theme_slide(inputs, name, part.commitments, part.milestones, part.indicators))
        slides += indicator_slides(inputs, name, part.indicators)
    slides += milestone_slides(inputs, chosen.milestones)
    slides += revision_slides(inputs, chosen.indicators)
    slides += annex_slides(chosen.commitments, chosen.indicators)
    slides.append(figures_slide(inputs))
    for slide in slides:
        checked = [finite_only(chart) for chart in slide.charts]
        slide.charts = [chart for chart, _ in checked]
        if left_out := sum(n for _, n in checked):
            slide.messages.append(not_finite_message(left_out))
        if slide.charts and not slide.notes:
            slide.notes = "\n\n".join(chart.table_text() for chart in slide.charts)
        elif slide.table is not None and not slide.notes:
            slide.notes = text_table(slide.table)
    return Pack(
        inputs.as_at, inputs.strategy_title, inputs.source, inputs.demo, slides,
        inputs.figures,
    )  # fmt: skip


# --- The files -------------------------------------------------------------------------------

Progress = Callable[[float, str], None]


def files(
    pack: Pack,
    *,
    pdf: bool = True,
    images: bool = True,
    pdf_engine: str = "auto",
    progress: Progress | None = None,
) -> dict[str, bytes]:
    """The pack as ``{"pptx": …, "pdf": …, "zip": …}``; one kaleido browser for all images."""
    from dashboard import export
    from dashboard.briefing import pdf as pdf_file
    from dashboard.briefing import pptx as pptx_file

    def step(share: float, what: str) -> None:
        if progress:
            progress(share, what)

    out: dict[str, bytes] = {}
    step(0.05, "Writing the PowerPoint slides")
    out["pptx"] = pptx_file.pptx(pack)
    engine = pdf_file.engine(pdf_engine) if pdf else None
    with ThreadPoolExecutor(max_workers=1) as background:
        # LibreOffice converts the deck in its own process while Chromium draws the charts.
        converting = (
            background.submit(pdf_file.from_pptx, out["pptx"]) if engine == "libreoffice" else None
        )
        pngs: dict[str, bytes] = {}
        if images or engine == "direct":
            formats = ["png", "svg"] if images else ["png"]

            def drawn(done: int, total: int) -> None:
                step(0.1 + 0.65 * done / total, f"Drawing charts ({done} of {total})")

            rendered = export.images(slide_figures(pack), formats, progress=drawn)
            pngs = {c.name: rendered[f"{export.file_stem(c.name)}.png"] for c in pack.charts()}
            if images:
                out["zip"] = export.zip_of(rendered)
        if engine:
            step(0.8, "Making the PDF")
            out["pdf"] = converting.result() if converting else pdf_file.direct(pack, pngs)
    step(1.0, "Done")
    return out
