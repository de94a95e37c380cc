"""The briefing pack as PDF, one page per slide.

LibreOffice, when installed, converts the PowerPoint file itself, so the PDF is
the deck exactly, and tagged (structure, reading order, each chart's alt text).
Without it the PDF is drawn directly with fpdf2 from the same
``Pack``: the same layout boxes, texts and tables, and each chart as the PNG
kaleido drew of its plotly twin.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace

from dashboard import format as fmt
from dashboard.briefing.pack import Pack
from dashboard.briefing.pptx import AUTHOR, HEIGHT, LAYOUT, WIDTH, chart_boxes, messages_box
from dashboard.briefing.tables import column_widths
from etl.errors import TrackerError

ENGINES = ("auto", "libreoffice", "direct")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class PdfError(TrackerError, RuntimeError):
    """The PDF could not be made; the message says why."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def engine(choice: str = "auto") -> str:
    """The engine that will make the PDF: LibreOffice when asked for or installed."""
    if choice not in ENGINES:
        raise PdfError(f"unknown PDF engine {choice!r}: choose one of {', '.join(ENGINES)}")
    if choice == "libreoffice" and soffice() is None:
        raise PdfError("LibreOffice is not installed (sudo apt-get install libreoffice-impress)")
    if choice == "auto":
        return "libreoffice" if soffice() else "direct"
    return choice


def pdf(pack: Pack, pptx: bytes, pngs: dict[str, bytes], choice: str = "auto") -> bytes:
    if engine(choice) == "libreoffice":
        return from_pptx(pptx)
    return direct(pack, pngs)


def from_pptx(pptx: bytes, timeout: float = 180) -> bytes:
    """LibreOffice headless, with a profile of its own so a running LibreOffice is not disturbed."""
    with tempfile.TemporaryDirectory(prefix="briefing-") as scratch:
        folder = Path(scratch)
        (folder / "pack.pptx").write_bytes(pptx)
        command = [
            soffice(),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            # A tagged PDF (structure, reading order, alt text), as public-sector
            # accessibility rules expect.
            'pdf:impress_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(folder),
            str(folder / "pack.pptx"),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True)
        except (subprocess.SubprocessError, OSError) as error:
            raise PdfError(f"LibreOffice could not convert the pack to PDF: {error}") from error
        result = folder / "pack.pdf"
        if not result.exists():
            raise PdfError("LibreOffice finished without writing a PDF")
        return result.read_bytes()


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="in", format=(HEIGHT, WIDTH))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():  # covers the status icons (✔ ▲ ✖ ● ○ ■ ◆ ◇ ☑ ◐)
            self.add_font("Body", "", str(regular))
            self.add_font("Body", "B", str(bold))
            self.family = "Body"
            self.unicode = True
        else:
            self.family = "Helvetica"
            self.unicode = False

    def say(self, text: str) -> str:
        if self.unicode:
            return text
        for icon in "✔▲✖●○◐■◆◇☑":
            text = text.replace(icon, "")
        return (
            text.replace("…", "...")
            .replace("–", "-")
            .encode("latin-1", "replace")
            .decode("latin-1")
            .strip()
        )


def direct(pack: Pack, pngs: dict[str, bytes]) -> bytes:
    """Draw every slide as a page: titles, messages, tables and chart images."""
    doc = _Document()
    doc.set_title(f"{pack.strategy_title}: briefing as at {fmt.long_date(pack.as_at)}")
    doc.set_author(AUTHOR)
    doc.set_lang("en-GB")
    doc.set_creation_date(dt.datetime.combine(pack.as_at, dt.time(), dt.UTC))
    for number, slide in enumerate(pack.slides, start=1):
        doc.add_page()
        if slide.kind == "title":
            _lines(
                doc, LAYOUT["cover_title"], [slide.title], size=32, bold=True, colour=fmt.PALETTE[0]
            )
            _lines(doc, LAYOUT["cover_lines"], slide.messages, size=18)
        else:
            _lines(doc, LAYOUT["title"], [slide.title], size=24, bold=True, colour=fmt.PALETTE[0])
            if slide.messages:
                _lines(doc, messages_box(slide), slide.messages, size=12, bullets=True)
            for chart, box in zip(slide.charts, chart_boxes(slide), strict=True):
                _image(doc, pngs.get(chart.name), box, chart.title, chart.summary)
            if slide.table is not None:
                _table(doc, slide.table, LAYOUT["table"])
        _lines(doc, LAYOUT["footer"], [pack.source], size=9)
        _lines(doc, LAYOUT["number"], [f"{number} of {len(pack.slides)}"], size=9, align="R")
    return bytes(doc.output())


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def _lines(doc, box, lines, *, size=12, bold=False, colour=fmt.TEXT, bullets=False, align="L"):
    left, top, width, height = box
    doc.set_font(doc.family, "B" if bold else "", size)
    doc.set_text_color(*_rgb(colour))
    doc.set_xy(left, top)
    line_height = size / 72 * 1.3
    for line in lines:
        doc.set_x(left)
        doc.multi_cell(width, line_height, doc.say(f"• {line}" if bullets else line), align=align)


def _image(doc, png: bytes | None, box, title: str, summary: str = "") -> None:
    left, top, width, height = box
    if png is None:  # no browser to draw the chart: say so rather than leave a hole
        _lines(doc, (left, top + height / 2, width, 0.5), [f"[Chart: {title}]"], size=11, align="C")
        return
    # fpdf2 tags an image with its alt text (a Figure in the structure tree); it does not tag
    # text, so this PDF is only partly tagged. LibreOffice's export (from_pptx) tags it all.
    doc.image(
        io.BytesIO(png), x=left, y=top, w=width, h=height, keep_aspect_ratio=True,
        title=title, alt_text=summary or title,
    )  # fmt: skip


def _table(doc, table: pd.DataFrame, box) -> None:
    left, top, width, _ = box
    doc.set_xy(left, top)
    doc.set_font(doc.family, "", 10)
    doc.set_text_color(*_rgb(fmt.TEXT))
    widths = tuple(column_widths(table, width))
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_rgb(fmt.PALETTE[0]))
    with doc.table(
        col_widths=widths,
        width=width,
        align="LEFT",
        line_height=0.19,
        text_align="LEFT",
        padding=0.04,
        headings_style=heading,
        cell_fill_color=(242, 242, 242),
        cell_fill_mode="ROWS",
        borders_layout="NONE",
    ) as grid:
        header = grid.row()
        for name in table.columns:
            header.cell(doc.say(str(name)))
        for values in table.itertuples(index=False):
            row = grid.row()
            for value in values:
                missing = value is None or (not isinstance(value, str) and pd.isna(value))
                row.cell("" if missing else doc.say(str(value)))
