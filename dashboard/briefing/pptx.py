"""The briefing pack as PowerPoint: native, editable charts (python-pptx), alt text on every
chart, each chart's data in the speaker notes and the as-at date on every slide.

Layout boxes (inches on a 16:9 slide) are in ``LAYOUT`` so the PDF draws the same page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from dashboard import format as fmt
from dashboard.briefing.pack import Chart, Pack, Slide
from dashboard.briefing.tables import column_widths
from etl.errors import TrackerError
from etl.figures_used import FiguresUsed

WIDTH, HEIGHT = 13.333, 7.5
# (left, top, width, height) in inches
LAYOUT = {
    "title": (0.5, 0.3, 12.3, 0.8),
    "footer": (0.5, 6.95, 11.3, 0.4),
    "number": (11.9, 6.95, 0.9, 0.4),
    "messages": (0.5, 1.1, 12.3, 2.0),
    "chart_left": (0.5, 3.2, 4.7, 3.65),
    "chart_right": (5.4, 3.2, 7.4, 3.65),
    "chart_wide_left": (0.5, 1.95, 6.05, 4.9),
    "chart_wide_right": (6.75, 1.95, 6.05, 4.9),
    "indicator_messages": (0.5, 1.1, 12.3, 0.8),
    "table": (0.5, 1.6, 12.3, 5.2),
    "table_messages": (0.5, 1.05, 12.3, 0.5),
    "cover_title": (0.8, 2.0, 11.7, 1.6),
    "cover_lines": (0.8, 3.7, 11.7, 2.0),
}
TEXT = RGBColor.from_string(fmt.TEXT.lstrip("#"))
DARK_BLUE = RGBColor.from_string(fmt.PALETTE[0].lstrip("#"))


def chart_boxes(slide: Slide) -> list[tuple[float, float, float, float]]:
    if slide.kind == "indicators":
        boxes = [LAYOUT["chart_wide_left"], LAYOUT["chart_wide_right"]]
    else:
        boxes = [LAYOUT["chart_left"], LAYOUT["chart_right"]]
    return boxes[: len(slide.charts)]


def messages_box(slide: Slide) -> tuple[float, float, float, float]:
    if slide.kind == "indicators":
        return LAYOUT["indicator_messages"]
    if slide.table is not None:
        return LAYOUT["table_messages"]
    return LAYOUT["messages"]


def pptx(pack: Pack) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(HEIGHT)
    blank = deck.slide_layouts[6]
    for number, slide in enumerate(pack.slides, start=1):
        page = deck.slides.add_slide(blank)
        if slide.kind == "title":
            _cover(page, slide)
        else:
            _text(page, LAYOUT["title"], [slide.title], size=26, bold=True, colour=DARK_BLUE)
            if slide.messages:
                _text(page, messages_box(slide), slide.messages, size=14, bullets=True)
            for chart, box in zip(slide.charts, chart_boxes(slide), strict=True):
                _chart(page, chart, box)
            if slide.table is not None:
                _table(page, slide.table, LAYOUT["table"])
        _text(page, LAYOUT["footer"], [pack.source], size=10, colour=TEXT)
        _text(
            page,
            LAYOUT["number"],
            [f"{number} of {len(pack.slides)}"],
            size=10,
            align=PP_ALIGN.RIGHT,
        )
        if slide.notes:
            page.notes_slide.notes_text_frame.text = slide.notes
    _record(deck, pack.figures)
    _properties(deck, pack)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


# The figures a pack used (as-at date, mode, fingerprint, versions), kept inside the .pptx as
# a part of its own so that `stem-tracker briefing --check` can read them back.
RECORD_TYPE = "https://schemas.gov.scot/stem-tracker/figures-used"
RECORD_NAME = "/stem-tracker/figures-used.json"


def _record(deck, used: FiguresUsed) -> None:
    package = deck.part.package
    blob = json.dumps(used.to_json(), separators=(",", ":")).encode()
    part = Part(PackURI(RECORD_NAME), "application/json", package, blob)
    deck.part.relate_to(part, RECORD_TYPE)
    deck.core_properties.keywords = f"as at {used.as_at.isoformat()}; {used.mode}"
    deck.core_properties.comments = f"Figures fingerprint (SHA-256): {used.fingerprint}"


AUTHOR = "STEM Strategy team, Scottish Government"


def _properties(deck, pack: Pack) -> None:
    """Title, author and dates, as a reader's file browser and screen reader show them.
    The dates are the as-at date's (python-pptx's template says 2013 otherwise), so a pack
    rebuilt for the same date is the same file."""
    props = deck.core_properties
    props.title = f"{pack.strategy_title}: briefing as at {fmt.long_date(pack.as_at)}"
    props.subject = "Progress against the strategy's commitments, milestones and indicators"
    props.author = props.last_modified_by = AUTHOR
    props.language = "en-GB"
    props.revision = 1
    day = dt.datetime.combine(pack.as_at, dt.time())
    props.created = props.modified = day


class NotAPack(TrackerError, ValueError):
    """The file is not a briefing pack made by the tracker; the message says why."""


# What a pack may hold unpacked: the tracker's largest, every chart as a picture, is a few
# megabytes. A file is a zip, and a small one can unpack to gigabytes, which python-pptx
# would hold in memory, so the sizes its parts declare (zipfile reads no more) come first.
MAX_UNPACKED = 100_000_000
MAX_RECORD = 1_000_000  # the figures-used record: a few kilobytes


def _refuse_large_parts(data: bytes, name: str) -> None:
    """NotAPack when the file's parts unpack to more than any pack's, or it is no zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise NotAPack(f"{name} is not a PowerPoint file ({error})") from None
    total = sum(part.file_size for part in parts)
    record = sum(p.file_size for p in parts if "/" + p.filename == RECORD_NAME)
    if total > MAX_UNPACKED:
        raise NotAPack(
            f"{name} unpacks to {total / 1e6:,.0f} MB, more than any briefing pack made by "
            f"the tracker (at most {MAX_UNPACKED / 1e6:,.0f} MB)"
        )
    if record > MAX_RECORD:
        raise NotAPack(
            f"{name}'s record of the figures it used unpacks to {record / 1e6:,.1f} MB, more "
            f"than any briefing pack's (at most {MAX_RECORD / 1e6:,.0f} MB)"
        )


def figures_of(data: bytes, name: str = "the file") -> FiguresUsed:
    """The figures a pack records (``_record``), or NotAPack."""
    _refuse_large_parts(data, name)
    try:
        deck = Presentation(io.BytesIO(data))
    except Exception as error:  # python-pptx raises several kinds for a file that is no deck
        raise NotAPack(f"{name} is not a PowerPoint file ({error})") from None
    for rel in deck.part.rels.values():
        if rel.reltype == RECORD_TYPE:
            try:
                return FiguresUsed.from_json(json.loads(rel.target_part.blob))
            except (ValueError, KeyError, TypeError, RecursionError):  # deep nesting too
                break
    raise NotAPack(f"{name} is not a briefing pack made by the tracker (no figures recorded)")


def _cover(page, slide: Slide) -> None:
    _text(
        page,
        LAYOUT["cover_title"],
        [slide.title],
        size=36,
        bold=True,
        colour=DARK_BLUE,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    _text(page, LAYOUT["cover_lines"], slide.messages, size=20)


def _text(
    page,
    box,
    lines,
    *,
    size=14,
    bold=False,
    colour=TEXT,
    bullets=False,
    align=None,
    anchor=MSO_ANCHOR.TOP,
):
    shape = page.shapes.add_textbox(*(Inches(v) for v in box))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = f"• {line}" if bullets else line
        paragraph.font.size = Pt(size)
        paragraph.font.bold = bold
        paragraph.font.color.rgb = colour
        paragraph.space_after = Pt(4)
        if align is not None:
            paragraph.alignment = align
    return shape


CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "stacked": XL_CHART_TYPE.BAR_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


def number_format(chart: Chart) -> str:
    """The chart's figures as the slide text writes them (etl.vocabulary.figure): a percent
    and a gap in points with one decimal, a count whole unless it has a fraction."""
    if chart.unit == "percent":
        return '0.0"%"'
    if chart.unit == "percentage_points":
        return "0.0"
    values = [v for vs in chart.series.values() for v in vs if v is not None]
    return "#,##0" if all(float(v).is_integer() for v in values) else "#,##0.0"


def _chart(page, chart: Chart, box) -> None:
    data = CategoryChartData(number_format=number_format(chart))
    data.categories = chart.categories
    for name, values in chart.series.items():
        data.add_series(name, values)
    frame = page.shapes.add_chart(CHART_TYPES[chart.kind], *(Inches(v) for v in box), data)
    # Alt text: screen readers read the graphic frame's description.
    frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.summary)
    frame._element.nvGraphicFramePr.cNvPr.set("title", chart.title)
    native = frame.chart
    native.font.size = Pt(11)
    native.font.color.rgb = TEXT
    native.has_title = True
    title = native.chart_title.text_frame
    title.text = chart.title
    title.paragraphs[0].font.size = Pt(13)
    title.paragraphs[0].font.bold = True
    plot = native.plots[0]
    if chart.kind == "line":
        _line_style(native, chart)
    else:
        _bar_style(native, plot, chart)
    value_axis = native.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xD9, 0xD9, 0xD9)
    value_axis.tick_labels.font.size = Pt(10)
    if not any(v is not None and v < 0 for vs in chart.series.values() for v in vs):
        value_axis.minimum_scale = 0
    if chart.value_axis:
        value_axis.has_title = True
        value_axis.axis_title.text_frame.text = chart.value_axis
        value_axis.axis_title.text_frame.paragraphs[0].font.size = Pt(10)
        value_axis.axis_title.text_frame.paragraphs[0].font.bold = False
    native.category_axis.tick_labels.font.size = Pt(10)


def _bar_style(native, plot, chart: Chart) -> None:
    plot.gap_width = 60
    # Bar charts list categories bottom-up; reverse so the slide reads top-down like the table.
    native.category_axis.reverse_order = True
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.font.size = Pt(10)
    # Zero segments of a stack carry no label (the format's third section is for zero).
    if chart.kind == "stacked":
        labels.number_format = "#,##0;-#,##0;;"
    else:
        labels.number_format = number_format(chart)
    labels.number_format_is_linked = False
    labels.show_value = True
    if chart.kind == "bar":
        plot.vary_by_categories = False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        series = plot.series[0]
        for point, colour in zip(series.points, chart.colours, strict=False):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
        native.has_legend = False
        if chart.unit == "percent":
            values = [v for v in chart.series[next(iter(chart.series))] if v is not None]
            native.value_axis.maximum_scale = 50 * (max([100, *values]) // 50 + 1)
            native.value_axis.major_unit = 50
        elif _largest_total(chart) <= 10:
            native.value_axis.major_unit = 1
    else:  # stacked: one series per status, the status word in the legend and labels
        plot.overlap = 100
        labels.position = XL_LABEL_POSITION.CENTER
        for series, colour in zip(plot.series, chart.colours, strict=True):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
            # Each status's labels in the text colour that reads on its fill.
            own = series.data_labels
            own.number_format = labels.number_format
            own.number_format_is_linked = False
            own.show_value = True
            own.position = XL_LABEL_POSITION.CENTER
            own.font.size = Pt(10)
            own.font.color.rgb = RGBColor.from_string(fmt.text_on(colour).lstrip("#"))
        native.has_legend = True
        native.legend.position = XL_LEGEND_POSITION.BOTTOM
        native.legend.include_in_layout = False
        native.legend.font.size = Pt(10)
        if _largest_total(chart) <= 10:
            native.value_axis.major_unit = 1


def _largest_total(chart: Chart) -> float:
    totals = [sum(v or 0 for v in values) for values in zip(*chart.series.values(), strict=True)]
    return max(totals, default=0)


def _line_style(native, chart: Chart) -> None:
    native.has_legend = True
    native.legend.position = XL_LEGEND_POSITION.BOTTOM
    native.legend.include_in_layout = False
    native.legend.font.size = Pt(10)
    for series, colour in zip(native.plots[0].series, chart.colours, strict=True):
        series.smooth = False
        line = series.format.line
        line.color.rgb = RGBColor.from_string(colour.lstrip("#"))
        if series.name == "Trajectory":  # dashed and unmarked: told apart without colour
            line.width = Pt(2)
            line.dash_style = MSO_LINE_DASH_STYLE.DASH
            series.marker.style = XL_MARKER_STYLE.NONE
        else:
            line.width = Pt(2.75)
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#"))
    native.category_axis.tick_labels.font.size = Pt(9)
    # Label every fourth quarter so the years stay legible (python-pptx has no property).
    skip = OxmlElement("c:tickLblSkip")
    skip.set("val", "4")
    native.category_axis._element.insert_element_before(
        skip, "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst"
    )


def _table(page, table: pd.DataFrame, box) -> None:
    left, top, width, _ = box
    widths = column_widths(table, width)
    rows = len(table) + 1
    shape = page.shapes.add_table(
        rows, len(table.columns), Inches(left), Inches(top), Inches(width), Inches(0.3 * rows)
    )
    grid = shape.table
    for i, w in enumerate(widths):
        grid.columns[i].width = Emu(int(Inches(w)))
    for c, name in enumerate(table.columns):
        _cell(grid.cell(0, c), str(name), bold=True, fill=fmt.PALETTE[0], colour="FFFFFF")
    for r, row in enumerate(table.itertuples(index=False), start=1):
        shade = "F2F2F2" if r % 2 else "FFFFFF"
        for c, value in enumerate(row):
            missing = value is None or (not isinstance(value, str) and pd.isna(value))
            _cell(grid.cell(r, c), "" if missing else str(value), fill=shade)


def _cell(cell, text: str, *, bold=False, fill="FFFFFF", colour=fmt.TEXT) -> None:
    cell.text = text
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
    paragraph = cell.text_frame.paragraphs[0]
    paragraph.font.size = Pt(10)
    paragraph.font.bold = bold
    paragraph.font.color.rgb = RGBColor.from_string(colour.lstrip("#"))
    cell.margin_top = cell.margin_bottom = Inches(0.04)
    cell.margin_left = cell.margin_right = Inches(0.06)
