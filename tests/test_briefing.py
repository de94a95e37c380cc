"""The briefing pack: open the PowerPoint with python-pptx and check it against the status
engine's figures for the same date."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pypdf import PdfReader
from typer.testing import CliRunner

from dashboard import briefing, export
from dashboard import cli as dashboard_cli
from dashboard import format as fmt
from dashboard.briefing import figures as briefing_figures
from dashboard.briefing import pdf as briefing_pdf
from dashboard.briefing import pptx as briefing_pptx
from etl import status as engine
from etl import store
from etl.vocabulary import rounded
from tests.kaleido_session import kaleido_browser  # noqa: F401  (the fixture)

AS_AT = dt.date(2022, 12, 31)
AS_AT_WORDS = "31 December 2022"
# python-pptx names a line chart by its first series' markers: LINE or LINE_MARKERS.
LINES = (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)


@pytest.fixture(scope="module")
def inputs(demo_db):
    return briefing.read(demo_db, AS_AT)


@pytest.fixture(scope="module")
def report(demo_db):
    """The status engine's own answer, read separately from the pack."""
    with store.connect(demo_db) as con:
        return engine.report(con, AS_AT), engine.national_series(con, AS_AT)


@pytest.fixture(scope="module")
def pack(inputs):
    return briefing.build(inputs)


@pytest.fixture(scope="module")
def deck(pack):
    return Presentation(io.BytesIO(briefing_pptx.pptx(pack)))


def chart_frames(slide):
    return [shape for shape in slide.shapes if shape.has_chart]


def slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def slides_titled(deck, title):
    return [s for s in deck.slides if slide_text(s).startswith(title)]


def values(series):
    return [
        None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in series.values
    ]


def test_slides_in_order_title_overview_themes_milestones_annex(deck, pack, report):
    status_report, _ = report
    assert len(deck.slides) == len(pack.slides)
    kinds = [s.kind for s in pack.slides]
    # A minister reads the three things to know first, then the overview and what changed.
    assert kinds[:4] == ["title", "headline", "overview", "changes"]
    theme_names = [t.name for t in status_report.themes]
    theme_slides = [s.title for s in pack.slides if s.kind == "theme"]
    assert theme_slides == theme_names
    for theme in theme_names:  # one indicator slide per two indicators of the theme
        theme_id = {t.name: t.id for t in status_report.themes}[theme]
        n = int((status_report.indicators["theme"] == theme_id).sum())
        titles = [s.title for s in pack.slides if s.kind == "indicators"]
        assert sum(t.startswith(f"{theme}: ") for t in titles) == math.ceil(n / 2)
    assert kinds.index("milestones") > max(i for i, k in enumerate(kinds) if k == "indicators")
    assert kinds[-1] == "annex"
    first = slide_text(deck.slides[0])
    assert "STEM Education and Training Strategy" in first
    assert f"Briefing pack as at {AS_AT_WORDS}" in first
    assert "DEMO DATA" in first


def test_as_at_date_and_page_number_on_every_slide(deck):
    for number, slide in enumerate(deck.slides, start=1):
        text = slide_text(slide)
        assert f"As at {AS_AT_WORDS}" in text, number
        assert f"{number} of {len(deck.slides)}" in text


def test_every_chart_is_native_with_alt_text_and_its_data_in_the_notes(deck):
    kinds = {XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED, *LINES}
    seen = set()
    for slide in deck.slides:
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        for frame in chart_frames(slide):
            chart = frame.chart
            assert chart.chart_type in kinds
            seen.add("line" if chart.chart_type in LINES else chart.chart_type)
            descr = frame._element.nvGraphicFramePr.cNvPr.get("descr")
            assert descr and len(descr) > 20, chart.chart_title.text_frame.text
            assert chart.chart_title.text_frame.text in notes
            for category in chart.plots[0].categories:
                assert str(category) in notes
    assert seen == {XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED, "line"}


def test_overview_charts_equal_the_engines_theme_counts(deck, report):
    status_report, _ = report
    themes = status_report.themes
    overview = slides_titled(deck, "Overview")[0]
    commitments, indicators = (f.chart for f in chart_frames(overview))
    assert list(commitments.plots[0].categories) == [t.name for t in themes]
    for series, status in zip(commitments.series, fmt.COMMITMENT_ORDER, strict=True):
        assert series.name == fmt.label(status)  # a word, not colour alone
        assert values(series) == [t.commitments[status] for t in themes]
    for series, status in zip(indicators.series, fmt.INDICATOR_ORDER, strict=True):
        assert values(series) == [t.indicators[status] for t in themes]


def test_theme_charts_equal_the_engines_figures(deck, report):
    status_report, _ = report
    for theme in status_report.themes:
        slide = [s for s in deck.slides if slide_text(s).split("\n")[0] == theme.name][0]
        frames = chart_frames(slide)
        counts = frames[0].chart
        assert counts.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        assert list(counts.plots[0].categories) == [fmt.label(s) for s in fmt.COMMITMENT_ORDER]
        assert values(counts.series[0]) == [theme.commitments[s] for s in fmt.COMMITMENT_ORDER]
        indicators = status_report.indicators[status_report.indicators["theme"] == theme.id]
        # Indicators by status: their figures are in different units, and the rule's ratio
        # is not for the reader (each is drawn against its trajectory on its own slide).
        by_status = frames[1].chart
        assert list(by_status.plots[0].categories) == [fmt.label(s) for s in fmt.INDICATOR_ORDER]
        assert values(by_status.series[0]) == [
            int((indicators["status"] == s).sum()) for s in fmt.INDICATOR_ORDER
        ]


def test_trajectory_charts_equal_the_engines_national_series(deck, report):
    status_report, series = report
    checked = 0
    for slide in deck.slides:
        for frame in chart_frames(slide):
            chart = frame.chart
            if chart.chart_type not in LINES:
                continue
            indicator_id = frame._element.nvGraphicFramePr.cNvPr.get("descr").split()[0]
            rows = series[series["indicator_id"] == indicator_id].set_index("period")
            unit = status_report.indicators.set_index("id").loc[indicator_id, "unit"]
            periods = list(chart.plots[0].categories)
            national, trajectory = chart.series
            assert (national.name, trajectory.name) == ("National figure", "Trajectory")
            for period, shown in zip(periods, values(trajectory), strict=True):
                want = rows.loc[period, "trajectory"]
                # Rounded as the slide text writes it (one rounding everywhere).
                assert (shown is None and pd.isna(want)) or shown == rounded(want, unit)
            for period, shown in zip(periods, values(national), strict=True):
                want = rows.loc[period, "compared_value"]
                if not rows.loc[period, "enough_coverage"] or pd.isna(want):
                    assert shown is None
                else:
                    assert shown == rounded(want, unit)
            checked += 1
    assert checked == len(status_report.indicators)


def test_key_messages_are_written_from_the_statuses(pack, report):
    status_report, _ = report
    commitments = status_report.commitments
    good = int(commitments["status"].isin(["on_track", "complete"]).sum())
    overview = next(s for s in pack.slides if s.kind == "overview")
    assert overview.messages[0].startswith(
        f"{good} of {len(commitments)} commitments are on track or complete"
    )
    overdue = status_report.milestones[status_report.milestones["status"] == "overdue"]
    if len(overdue):
        first = overdue.sort_values("due").iloc[0]
        assert (
            f"{len(overdue)} milestones overdue: {first['id']} {first['title'][:20]}"
            in " ".join(overview.messages)
        )
    due = sum(t.milestones_due for t in status_report.themes)
    done = sum(t.milestones_completed for t in status_report.themes)
    assert f"Delivery rate: {done} of {due} milestones due were completed" in overview.messages[1]


def test_milestone_slides_list_every_overdue_and_due_soon_milestone(deck, report):
    status_report, _ = report
    pressing = status_report.milestones[
        status_report.milestones["status"].isin(["overdue", "due_soon"])
    ]
    listed = []
    for slide in slides_titled(deck, "Milestones overdue"):
        table = [s for s in slide.shapes if s.has_table][0].table
        rows = [[c.text for c in row.cells] for row in table.rows]
        assert rows[0] == ["Milestone", "What", "Commitment", "Due", "Status"]
        listed += [(r[0], r[4]) for r in rows[1:]]
    assert sorted(listed) == sorted(
        (m.id, fmt.label(m.status)) for m in pressing.itertuples(index=False)
    )


def test_annex_holds_every_commitment_and_indicator(deck, report):
    status_report, _ = report
    annex = "\n".join(slide_text(s) for s in slides_titled(deck, "Data annex"))
    for row in status_report.commitments.itertuples(index=False):
        assert f"{row.id}\n" in annex
    for row in status_report.indicators.itertuples(index=False):
        assert f"{row.id}\n" in annex


def test_choosing_themes_and_commitments(inputs, report):
    status_report, _ = report
    equity = briefing.build(inputs, themes=["equity"])
    assert [s.title for s in equity.slides if s.kind == "theme"] == ["Equity"]
    assert all(not s.title.startswith("Excellence") for s in equity.slides)
    one = status_report.commitments[status_report.commitments["theme"] == "equity"].iloc[0]
    only = briefing.build(inputs, themes=["equity"], commitments=[one["id"]])
    theme_slide = [s for s in only.slides if s.kind == "theme"][0]
    assert sum(theme_slide.charts[0].series["Commitments"]) == 1
    with pytest.raises(briefing.BriefingError, match="unknown theme art: choose from excellence"):
        briefing.build(inputs, themes=["art"])
    with pytest.raises(briefing.BriefingError, match="unknown commitment C99"):
        briefing.build(inputs, commitments=["C99"])


def test_a_pack_of_one_commitment_has_only_its_theme(inputs, report):
    """Chosen from every theme (as the page and `--commitment` do), a commitment with no
    milestones gives its own theme's slide, and no empty slides for the others."""
    status_report, _ = report
    without = set(status_report.commitments["id"]) - set(status_report.milestones["commitment_id"])
    one = status_report.commitments.set_index("id").loc[sorted(without)[0]]
    pack = briefing.build(inputs, commitments=[one.name])
    assert [s.title for s in pack.slides if s.kind == "theme"] == [fmt.THEME_NAMES[one["theme"]]]
    theme = [s for s in pack.slides if s.kind == "theme"][0]
    assert f"No milestones are set for {one['title'][:20]}" in " ".join(theme.messages)


def test_a_pack_builds_on_an_empty_database(empty_db):
    pack = briefing.build(briefing.read(empty_db, AS_AT))
    deck = Presentation(io.BytesIO(briefing_pptx.pptx(pack)))
    assert len(deck.slides) == len(pack.slides) > 4
    assert "DEMO DATA" not in pack.source
    overview = next(s for s in pack.slides if s.kind == "overview")
    assert any("No milestone" in m or "milestones overdue" in m for m in overview.messages)


@pytest.mark.usefixtures("kaleido_browser")
def test_direct_pdf_has_a_page_per_slide_and_zip_has_every_chart(inputs):
    pack = briefing.build(inputs, themes=["connection"])
    steps = []
    made = briefing.files(
        pack, pdf_engine="direct", progress=lambda share, what: steps.append(share)
    )
    reader = PdfReader(io.BytesIO(made["pdf"]))
    assert len(reader.pages) == len(pack.slides)
    # fpdf2 tags each chart with its alt text (a Figure in a structure tree), not the text.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert reader.metadata.author == briefing_pptx.AUTHOR
    assert AS_AT_WORDS in reader.pages[1].extract_text()
    archive = zipfile.ZipFile(io.BytesIO(made["zip"]))
    stems = {export.file_stem(c.name) for c in pack.charts()}
    assert sorted(archive.namelist()) == sorted(f"{s}.{f}" for s in stems for f in ("png", "svg"))
    assert steps == sorted(steps) and steps[-1] == 1.0
    # Each PNG is drawn for its box on the slide, at 2x scale.
    overview = next(s for s in pack.slides if s.kind == "overview")
    (_, _, width, height) = briefing_pptx.chart_boxes(overview)[0]
    png = archive.read(f"{export.file_stem(overview.charts[0].name)}.png")
    assert Image.open(io.BytesIO(png)).size == (
        2 * round(width * briefing_figures.PIXELS_PER_INCH),
        2 * round(height * briefing_figures.PIXELS_PER_INCH),
    )
    svg = archive.read(f"{export.file_stem(overview.charts[0].name)}.svg").decode()
    assert overview.charts[0].title in svg and f"As at {AS_AT_WORDS}" in svg


@pytest.mark.skipif(briefing_pdf.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_pdf_has_a_page_per_slide(pack):
    reader = PdfReader(io.BytesIO(briefing_pdf.from_pptx(briefing_pptx.pptx(pack))))
    assert len(reader.pages) == len(pack.slides)
    # Tagged, as public-sector accessibility rules expect: structure and marked content.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title.endswith(f"briefing as at {AS_AT_WORDS}")


def test_briefing_command_writes_the_pack(demo_db, tmp_path):
    out = tmp_path / "pack.pptx"
    result = CliRunner().invoke(
        dashboard_cli.app,
        ["--db", str(demo_db), "briefing", "--as-at", "2022-12-31", "--theme", "equity",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    assert f"wrote {out}" in result.output
    assert f"Briefing as at 2022-12-31: {len(deck.slides)} slides" in result.output
    assert "Equity" in [slide_text(s).split("\n")[0] for s in deck.slides]


def test_briefing_command_refuses_an_unknown_theme_plainly(demo_db, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "from dashboard.cli import main; main()", "--db", str(demo_db),
         "briefing", "--as-at", "2022-12-31", "--theme", "art", "--out", str(tmp_path / "p.pptx")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("error: unknown theme art: choose from excellence, equity")
    assert "Traceback" not in result.stderr
