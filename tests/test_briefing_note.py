"""The briefing note in Word: read back with python-docx, checked against the pack built from
the same inputs, opened by LibreOffice Writer, checked with `briefing --check`."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard import briefing
from dashboard import format as fmt
from dashboard.briefing import pdf as briefing_pdf
from dashboard.briefing import word
from etl import store
from etl.strategy.load import load_strategy
from etl.submissions.ingest import ingest_return
from tests.kaleido_session import kaleido_browser  # noqa: F401  (the fixture)

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

AS_AT = dt.date(2022, 12, 31)
ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = {"Title", "Heading 1", "Heading 2", "List Bullet", "Caption", "Normal"}


@pytest.fixture(scope="module")
def inputs(demo_db):
    return briefing.read(demo_db, AS_AT)


@pytest.fixture(scope="module")
def made(inputs, kaleido_browser):  # noqa: F811
    """One theme's note: every kind of block, few charts to draw."""
    return word.build(inputs, themes=["connection"])


@pytest.fixture(scope="module")
def document(made):
    return Document(io.BytesIO(made.docx))


def headings(document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


def body(document):
    """The body's paragraphs and tables in document order, as python-docx objects."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_headings_in_order_and_built_in_styles_only(document, made, inputs):
    revised = any(s.kind == "revisions" for s in made.pack.slides)
    assert headings(document) == [
        ("Title", inputs.strategy_title),
        ("Heading 1", "Key facts"),
        ("Heading 1", "Connection"),
        ("Heading 2", "Commitments off track or at risk"),
        ("Heading 2", "Milestones overdue or due in the next 90 days"),
        ("Heading 2", "Connection in charts"),
        ("Heading 1", "Annex A: indicators against trajectory"),
        ("Heading 2", "Connection"),
        ("Heading 1", "Annex B: revisions, sources and method"),
        *([("Heading 2", "Revisions since first published")] if revised else []),
        ("Heading 2", "Sources"),
        ("Heading 2", "How statuses are judged"),
        ("Heading 2", "The figures in this note"),
    ]
    used = {p.style.name: p.style for p in document.paragraphs}
    assert set(used) <= BUILT_IN and all(s.builtin for s in used.values())
    assert {t.style.name for t in document.tables} == {word.TABLE_STYLE}
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"


def test_as_at_date_figures_label_demo_and_the_pack_key_facts(document, made, inputs):
    lines = [p.text for p in document.paragraphs]
    assert "Briefing note as at 31 December 2022" in lines
    label = fmt.first_upper(inputs.report.figures_label)
    assert label == "Figures as known on 31 December 2022"
    assert any(line.startswith(label) for line in lines)
    assert any(line.startswith("DEMO DATA") for line in lines)
    start = lines.index("Key facts") + 1
    bullets = [p.text for p in document.paragraphs[start:] if p.style.name == "List Bullet"]
    headline, overview = made.pack.slides[1], made.pack.slides[2]
    assert (headline.title, overview.kind) == ("Three things to know", "overview")
    key_messages = headline.messages + overview.messages[1:]  # both first say the same
    assert bullets[: len(key_messages)] == key_messages
    assert any(re.search(r"\d+ of 32 councils have sent their \d{4}-Q\d return", m)
               for m in key_messages)  # fmt: skip


def test_a_picture_per_chart_with_alt_text_then_its_data_with_a_repeating_header(document, made):
    charts = {c.name: c for c in made.pack.charts()}
    assert len(charts) >= 6
    pictures = document.inline_shapes
    assert sorted(p._inline.docPr.get("name") for p in pictures) == sorted(charts)
    for picture in pictures:
        chart = charts[picture._inline.docPr.get("name")]
        assert picture._inline.docPr.get("descr") == chart.summary != ""
    blocks = list(body(document))
    for n, block in enumerate(blocks):
        if not hasattr(block, "runs") or not block._p.xpath(".//wp:docPr"):
            continue
        chart = charts[block._p.xpath(".//wp:docPr")[0].get("name")]
        assert blocks[n - 1].style.name == "Caption" and chart.title in blocks[n - 1].text
        table = blocks[n + 2]  # after the table's caption
        assert [r.cells[0].text for r in table.rows[1:]] == chart.categories
    for table in document.tables:  # every table's header repeats on a new page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_fingerprint_in_the_properties_is_the_packs(document, made, inputs):
    pack = briefing.build(inputs)  # the whole pack, as the CLI builds it
    core = document.core_properties
    assert pack.figures.fingerprint in core.comments
    assert core.title == f"{inputs.strategy_title}: briefing note"
    assert "31 December 2022" in core.subject and core.language == "en-GB"
    assert word.figures_of(made.docx) == pack.figures
    assert pack.figures.fingerprint in text_of(document)


def writer(folder: Path, source: Path, to: str, out: Path) -> Path:
    """LibreOffice Writer, headless, with a profile of the test's own (parallel runs)."""
    subprocess.run(
        [briefing_pdf.soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}",
         "--headless", "--convert-to", to, "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    return out / f"{source.stem}.{to.split(':')[0]}"


@pytest.mark.skipif(briefing_pdf.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_writer_saves_it_keeping_its_figures_and_prints_the_key_facts(made, tmp_path):
    (tmp_path / "note.docx").write_bytes(made.docx)
    # Opened and saved again by a word processor (as an official's edit is): the record stays.
    saved = writer(tmp_path, tmp_path / "note.docx", "docx:MS Word 2007 XML", tmp_path / "saved")
    assert word.figures_of(saved.read_bytes()) == made.pack.figures
    reader = PdfReader(writer(tmp_path, saved, "pdf", tmp_path))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for message in made.pack.slides[1].messages:
        assert " ".join(message.split()) in text, message
    assert made.pack.figures.fingerprint[:12] in text


def test_the_page_offers_the_note_beside_the_pack(demo_db, monkeypatch, kaleido_browser):  # noqa: F811
    monkeypatch.setenv("STEM_TRACKER_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "dashboard" / "streamlit_app.py"), default_timeout=120)
    at.switch_page("app_pages/briefing.py")
    at.query_params["as_at"] = AS_AT.isoformat()
    at.run()
    at.multiselect(key="b_commitments").set_value(["C22"])
    at.checkbox(key="b_pdf").uncheck()
    at.checkbox(key="b_zip").uncheck().run()
    at.button(key="b_build").click().run()
    assert not at.exception, at.exception
    downloads = [d.proto.label for d in at.get("download_button")]
    assert downloads == ["Download PowerPoint", "Download the briefing note (Word)"]


# --- Rebuilt after a correction, and checked ---------------------------------------------------


def cli(db, monkeypatch, capsys, *args) -> tuple[int, str, str]:
    from dashboard.cli import main

    monkeypatch.setattr(sys, "argv", ["stem-tracker", "--db", str(db), *args])
    with pytest.raises(SystemExit) as done:
        main()
    out, err = capsys.readouterr()
    return done.value.code or 0, out, err


def correct_today(db) -> tuple[str, float]:
    """A council corrects its 2022-Q3 return today: C21-I1 up by 7."""
    with store.connect(db) as con:
        code, value = con.execute(
            "SELECT authority_code, value FROM figures_at(current_date, true) WHERE "
            "period = '2022-Q3' AND indicator_id = 'C21-I1' AND sex = 'all' AND "
            "simd_quintile = 'all' AND authority_code <> 'S92000003' ORDER BY 1 LIMIT 1"
        ).fetchone()
        rows = con.execute(
            "SELECT indicator_id, sex, simd_quintile, value FROM figures_at(current_date, true) "
            "WHERE authority_code = ? AND period = '2022-Q3'",
            [code],
        ).fetchall()
    lines = ["authority_code,period,indicator_id,sex,simd_quintile,value"]
    lines += [
        f"{code},2022-Q3,{i},{s},{q},{v + 7 if (i, s, q) == ('C21-I1', 'all', 'all') else v}"
        for i, s, q, v in rows
    ]
    strategy = load_strategy(ROOT / "commitments.yaml")
    assert ingest_return(db, "\n".join(lines).encode(), "fix.csv", strategy).stored
    return code, value


@pytest.mark.usefixtures("kaleido_browser")
def test_a_note_rebuilt_after_a_correction_is_the_same_and_check_names_the_change(
    demo_db, tmp_path, monkeypatch, capsys
):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    known, today = tmp_path / "known.docx", tmp_path / "today.docx"
    for day, out in ((AS_AT.isoformat(), known), (dt.date.today().isoformat(), today)):
        code, said, _ = cli(db, monkeypatch, capsys, "briefing", "--as-at", day,
                            "--commitment", "C21", "--out", str(out))  # fmt: skip
        assert code == 0 and f"wrote {out}" in said
        code, said, _ = cli(db, monkeypatch, capsys, "briefing", "--check", str(out))
        assert code == 0 and said.startswith(f"{out}: matches the tracker")
    authority, value = correct_today(db)

    rebuilt = word.build(briefing.read(db, AS_AT), commitments=["C21"])
    before = Document(str(known))
    assert text_of(Document(io.BytesIO(rebuilt.docx))) == text_of(before)
    assert word.figures_of(rebuilt.docx) == word.figures_of(known.read_bytes())
    code, said, _ = cli(db, monkeypatch, capsys, "briefing", "--check", str(known))
    assert code == 0 and said.startswith(f"{known}: matches the tracker (as at 2022-12-31")
    code, said, _ = cli(db, monkeypatch, capsys, "briefing", "--check", str(today))
    assert code == 1 and f"{today}: does not match the tracker" in said
    assert f"  {authority} 2022-Q3 C21-I1 (all, SIMD all): {value:g} -> {value + 7:g}" in said


def test_bad_input_is_one_plain_line(demo_db, tmp_path, monkeypatch, capsys):
    code, _, err = cli(demo_db, monkeypatch, capsys, "briefing", "--out", str(tmp_path / "n.txt"))
    assert code == 2 and err.startswith("error: --out must name a .pptx file (the pack) or a .docx")
    cases = {
        "text.docx": (b"not a document", "is not a Word file"),
        "plain.docx": (_plain_docx(), "is not a briefing note made by the tracker"),
        "bomb.docx": (_bomb(), "is too large"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        code, _, err = cli(demo_db, monkeypatch, capsys, "briefing", "--check",
                           str(tmp_path / name))  # fmt: skip
        assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err


def _plain_docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A few kilobytes that unpack to more than a note's part may hold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/_rels/document.xml.rels", b" " * (word.MAX_PART_BYTES + 1))
    return buffer.getvalue()
