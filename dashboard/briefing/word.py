"""The briefing note as a Word file (python-docx), editable by design; ``build()`` is what
the CLI and the Briefing page call: the pack from the inputs, laid out as a note
(``note``), its charts drawn, written as Word.

Only Word's built-in styles (Title, Heading 1-2, List Bullet, Caption and a built-in table
style), so a department's template restyles it; text stays text (the pictures hold the
charts alone); each table's header row repeats on a new page; the language is en-GB; the
title, subject and fingerprint are in the document's properties, and the figures it used
in a custom XML part, which Word keeps when the note is edited, for ``briefing --check``.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt

from dashboard import format as fmt
from dashboard.briefing import build as build_pack
from dashboard.briefing import scope
from dashboard.briefing.note import (
    Block,
    Bullets,
    Figure,
    Heading,
    Progress,
    Table,
    Text,
    draw,
    layout,
    print_size,
)
from dashboard.briefing.pack import Chart, Inputs, Pack
from etl.errors import TrackerError
from etl.figures_used import FiguresUsed


@dataclass(frozen=True)
class Note:
    pack: Pack  # what the note was built from: as-at date, figures and fingerprint
    blocks: list[Block]
    docx: bytes

    def charts(self) -> list[Chart]:
        return [block.chart for block in self.blocks if isinstance(block, Figure)]


def build(
    inputs: Inputs,
    themes: Iterable[str] | None = None,
    commitments: Iterable[str] | None = None,
    *,
    progress: Progress | None = None,
) -> Note:
    """The briefing note for the chosen themes and commitments (as for the pack), written
    as Word; raises BriefingError for an unknown choice and ExportError without Chromium."""
    pack = build_pack(inputs, themes, commitments)
    blocks = layout(inputs, pack, scope(inputs, themes, commitments))
    pngs = draw([block.chart for block in blocks if isinstance(block, Figure)], progress)
    if progress:
        progress(0.95, "Writing the Word document")
    made = Note(pack, blocks, docx(pack, blocks, pngs))
    if progress:
        progress(1.0, "Done")
    return made


TABLE_STYLE = "Light List Accent 1"
TEXT_WIDTH = 6.3  # inches: A4 less 2.5 cm margins
LANDSCAPE_WIDTH = 9.7
LANGUAGE = "en-GB"


def docx(pack: Pack, blocks: list[Block], pngs: dict[str, bytes]) -> bytes:
    document = Document()
    _page_and_language(document)
    numbers = {"Figure": 0, "Table": 0}
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, block.level)
        elif isinstance(block, Bullets):
            for item in block.items:
                _markdown_runs(document.add_paragraph(style="List Bullet"), item)
        elif isinstance(block, Text):
            _markdown(document, block.markdown)
        elif isinstance(block, Table):
            wide = sum(_least_widths(block.frame.astype(str))) > TEXT_WIDTH
            if wide:  # on a landscape page of its own, as wide annex tables are
                _new_section(document, landscape=True)
            _caption(document, "Table", numbers, block.caption)
            _table(document, block.frame, LANDSCAPE_WIDTH if wide else TEXT_WIDTH)
            if wide:
                _new_section(document, landscape=False)
        elif isinstance(block, Figure):
            _figure(document, block.chart, pngs.get(block.chart.name), numbers)
    _properties(document, pack)
    _record(document, pack.figures)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_and_language(document) -> None:
    """A4 with 2.5 cm margins; British English for the spelling checker and screen readers."""
    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in run_defaults.findall(qn("w:lang")):
        run_defaults.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    run_defaults.append(lang)
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = OxmlElement("w:themeFontLang")
        settings.append(theme_lang)
    theme_lang.set(qn("w:val"), LANGUAGE)
    # Tables in 10-point text: the style's own size, so a template may change it.
    document.styles[TABLE_STYLE].font.size = Pt(10)


def _new_section(document, *, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _properties(document, pack: Pack) -> None:
    used = pack.figures
    core = document.core_properties
    core.title = f"{pack.strategy_title}: briefing note"
    core.subject = f"Briefing note as at {fmt.long_date(pack.as_at)}; {pack.figures_label}"
    core.author = "STEM Strategy Tracker"
    core.language = LANGUAGE
    # As the pack records them (pptx._record): readable in File > Properties.
    core.keywords = f"as at {used.as_at.isoformat()}; {used.mode}"
    core.comments = f"Figures fingerprint (SHA-256): {used.fingerprint}"


# --- Text --------------------------------------------------------------------------------------

_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|`(.+?)`")


def _markdown_runs(paragraph, text: str) -> None:
    """Bold, italic and code spans as runs (code as plain text: a note has no code font)."""
    at = 0
    for match in _INLINE.finditer(text):
        paragraph.add_run(text[at : match.start()])
        bold, italic, code = match.groups()
        run = paragraph.add_run(bold or italic or code)
        run.bold = bold is not None or None
        run.italic = italic is not None or None
        at = match.end()
    paragraph.add_run(text[at:])


def _markdown(document, markdown: str) -> None:
    """Paragraphs and "- " lists (lines wrapped as ``method`` wraps them)."""
    items: list[tuple[str, str]] = []  # (style, text)
    for line in markdown.strip().splitlines():
        if not line.strip():
            items.append(("", ""))
        elif line.startswith("- "):
            items.append(("List Bullet", line[2:]))
        elif items and items[-1][1] and (line.startswith("  ") or items[-1][0] != "List Bullet"):
            style, text = items[-1]
            items[-1] = (style, f"{text} {line.strip()}")
        else:
            items.append(("Normal", line))
    for style, text in items:
        if text:
            _markdown_runs(document.add_paragraph(style=style), text)


def _caption(document, kind: str, numbers: dict[str, int], text: str) -> None:
    """A Word caption, numbered by a SEQ field so Word's cross-references and list of
    figures find it."""
    numbers[kind] += 1
    paragraph = document.add_paragraph(style="Caption")
    paragraph.add_run(f"{kind} ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" SEQ {kind} \\* ARABIC ")
    number = OxmlElement("w:r")
    number_text = OxmlElement("w:t")
    number_text.text = str(numbers[kind])
    number.append(number_text)
    field.append(number)
    paragraph._p.append(field)
    paragraph.add_run(f": {text}")
    paragraph.paragraph_format.keep_with_next = True


# --- Charts and tables -------------------------------------------------------------------------


def _figure(document, chart: Chart, png: bytes | None, numbers: dict[str, int]) -> None:
    """Caption, the picture with its alt text, then its data as a table."""
    _caption(document, "Figure", numbers, chart.title)
    if png is None:
        document.add_paragraph(chart.summary)
    else:
        width, _ = print_size(chart)
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        picture = paragraph.add_run().add_picture(io.BytesIO(png), Inches(width))
        properties = picture._inline.docPr  # alt text, as Word's "Edit Alt Text" writes it
        properties.set("descr", chart.summary)
        properties.set("title", chart.title)
        properties.set("name", chart.name)
    _caption(document, "Table", numbers, f"the figures in figure {numbers['Figure']}")
    table = chart.table().reset_index()
    for column in table.columns[1:]:
        table[column] = [_number(v, chart.unit) for v in table[column]]
    _table(document, table)


def _number(value, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    return fmt.number(value, unit)


def _table(document, frame: pd.DataFrame, width: float = TEXT_WIDTH) -> None:
    """A table in a built-in style, its header row marked to repeat on each page."""
    table = document.add_table(rows=1, cols=len(frame.columns))
    table.style = document.styles[TABLE_STYLE]
    table.autofit = False
    widths = [Inches(w) for w in _widths(frame.astype(str), width)]
    header = table.rows[0]
    for cell, name in zip(header.cells, frame.columns, strict=True):
        cell.text = str(name)
    _mark(header, "w:tblHeader")
    for values in frame.itertuples(index=False):
        row = table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            missing = value is None or (not isinstance(value, str) and pd.isna(value))
            cell.text = "" if missing else str(value)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for row in table.rows:
        _mark(row, "w:cantSplit")  # a row is read whole: never half on one page
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    document.add_paragraph()  # room before what follows; Word joins two adjacent tables


CHARS_PER_INCH, CELL_PADDING = 10, 0.2  # 10-point text in Word's cells (bold headers are wider)


def _least_widths(frame: pd.DataFrame) -> list[float]:
    """Each column as wide as its longest word, so that no word breaks ("Overdue",
    "Commitment"); but never wider than half a page (a fingerprint may wrap)."""

    def longest_word(text: str) -> int:
        return max((len(w) for w in text.split()), default=0)

    return [
        min(max(longest_word(c) for c in [str(name), *frame[name]]), 40) / CHARS_PER_INCH
        + CELL_PADDING
        for name in frame.columns
    ]


def _widths(frame: pd.DataFrame, total: float) -> list[float]:
    """Column widths in inches: the least each needs, then the rest of the line shared by
    how long their texts are."""
    least = _least_widths(frame)
    wants = [
        min(max(len(c) for c in [str(name), *frame[name]]), 60) / CHARS_PER_INCH + CELL_PADDING
        for name in frame.columns
    ]
    spare = total - sum(least)
    if spare <= 0:
        return [total * w / sum(least) for w in least]
    extra = [max(w - m, 0.0) for w, m in zip(wants, least, strict=True)]
    share = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
    return [m + e * share for m, e in zip(least, extra, strict=True)]


def _mark(row, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


# --- The figures used, recorded for `briefing --check` -----------------------------------------

RECORD_NAMESPACE = "https://schemas.gov.scot/stem-tracker/figures-used"
DATASTORE = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
ITEM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"


def _record(document, used: FiguresUsed) -> None:
    """The figures used as JSON inside a custom XML part, the place Word keeps data of an
    application's own through editing and saving."""
    package = document.part.package
    text = escape(json.dumps(used.to_json(), separators=(",", ":")))
    item = Part(
        package.next_partname("/customXml/item%d.xml"),
        "application/xml",
        f'<figuresUsed xmlns="{RECORD_NAMESPACE}">{text}</figuresUsed>'.encode(),
        package,
    )
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, used.fingerprint)).upper() + "}"
    props = Part(
        package.next_partname("/customXml/itemProps%d.xml"),
        ITEM_PROPS_TYPE,
        (
            f'<ds:datastoreItem ds:itemID="{item_id}" xmlns:ds="{DATASTORE}"><ds:schemaRefs>'
            f'<ds:schemaRef ds:uri="{RECORD_NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
        ).encode(),
        package,
    )
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RT.CUSTOM_XML)


class NotANote(TrackerError, ValueError):
    """The file is not a briefing note made by the tracker; the message says why."""


# A note's parts that the check reads are small; a bigger one is refused unread (a zip bomb).
MAX_FILE_BYTES = 200_000_000
MAX_PART_BYTES = 5_000_000
MAX_PARTS = 10_000


def figures_of(data: bytes, name: str = "the file") -> FiguresUsed:
    """The figures a note records (``_record``), or NotANote. Reads only the document's
    relationships and its custom XML parts, each within MAX_PART_BYTES."""
    if len(data) > MAX_FILE_BYTES:
        raise NotANote(f"{name} is too large to be a briefing note ({len(data):,} bytes)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if len(archive.infolist()) > MAX_PARTS:
            raise NotANote(f"{name} has too many parts to be a briefing note")
        rels = _part(archive, "word/_rels/document.xml.rels", name)
        for rel in parse_xml(rels):
            if rel.get("Type") != RT.CUSTOM_XML or rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join("word", rel.get("Target", "")))
            used = _figures_in(parse_xml(_part(archive, target, name)))
            if used is not None:
                return used
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        if isinstance(error, NotANote):
            raise
        raise NotANote(f"{name} is not a Word file ({error})") from None
    raise NotANote(f"{name} is not a briefing note made by the tracker (no figures recorded)")


def _part(archive: zipfile.ZipFile, path: str, name: str) -> bytes:
    info = archive.getinfo(path)  # KeyError: no such part
    if info.file_size > MAX_PART_BYTES:
        raise NotANote(f"{name}: its part {path} is too large ({info.file_size:,} bytes)")
    with archive.open(info) as part:
        return part.read(MAX_PART_BYTES + 1)[:MAX_PART_BYTES]


def _figures_in(element) -> FiguresUsed | None:
    if element.tag != f"{{{RECORD_NAMESPACE}}}figuresUsed":
        return None
    try:
        return FiguresUsed.from_json(json.loads(element.text or ""))
    except (ValueError, KeyError, TypeError):
        return None
