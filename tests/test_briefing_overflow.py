"""One absurd figure must not break the briefing for everyone (issue 14).

The contract now refuses such a value (tests/data/returns/bad/too-large.csv); a
database that already holds one (stored before, or written by another tool) still
gives a pack whose slides say a figure is too large to show, rather than a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard import briefing, export
from dashboard.briefing import pptx as briefing_pptx
from dashboard.briefing.figures import dashboard_figures
from etl import store
from tests.kaleido_session import kaleido_browser  # noqa: F401  (the fixture)

AS_AT = dt.date(2022, 12, 31)
# The summed indicator whose figures are made absurd, and its commitment.
OVERFLOWING = (
    "SELECT id, commitment_id FROM indicators WHERE reported_by = 'local_authorities' "
    "AND aggregation = 'sum' ORDER BY id LIMIT 1"
)


@pytest.fixture(scope="module")
def overflowing(demo_db, tmp_path_factory):
    """The demo database with every council's figure of one summed indicator at 1.7e308,
    so that its national total is infinite."""
    db = tmp_path_factory.mktemp("overflow") / "tracker.duckdb"
    shutil.copyfile(demo_db, db)
    with store.connect(db) as con:
        indicator, _ = con.execute(OVERFLOWING).fetchone()
        con.execute(
            "UPDATE figure_values SET value = 1.7e308 WHERE indicator_key = "
            "(SELECT key FROM indicator_keys WHERE id = ?)",
            [indicator],
        )
    return db


@pytest.fixture(scope="module")
def pack(overflowing):
    return briefing.build(briefing.read(overflowing, AS_AT))


def test_the_slide_with_an_infinite_total_says_so_and_the_deck_is_written(pack):
    saying = [s for s in pack.slides if any("too large to be a number" in m for m in s.messages)]
    assert saying, "no slide says a figure was left out"
    for slide in saying:
        for chart in slide.charts:
            assert all(
                v is None or abs(v) < float("inf") for vs in chart.series.values() for v in vs
            )
    deck = Presentation(io.BytesIO(briefing_pptx.pptx(pack)))
    assert len(deck.slides) == len(pack.slides)
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes
             if shape.has_text_frame]  # fmt: skip
    assert any("could not be shown: too large to be a number" in t for t in texts)


@pytest.mark.usefixtures("kaleido_browser")
def test_the_pdf_and_the_charts_are_made_too(overflowing):
    # The pack of the commitment whose indicator overflows (the whole pack's other charts
    # are drawn by tests/test_briefing.py).
    inputs = briefing.read(overflowing, AS_AT)
    with store.connect(overflowing) as con:
        _, commitment = con.execute(OVERFLOWING).fetchone()
    pack = briefing.build(inputs, commitments=[commitment])
    assert any("too large to be a number" in m for s in pack.slides for m in s.messages)
    made = briefing.files(pack, pdf_engine="direct")
    assert len(PdfReader(io.BytesIO(made["pdf"])).pages) == len(pack.slides)
    assert made["zip"]
    figures = dashboard_figures(inputs)
    # The dashboard's charts holding the absurd figure still draw (the others are drawn by
    # tests/test_export.py).
    too_large = {name: fig for name, fig in figures.items() if export.too_large_to_show(fig)}
    assert too_large
    assert len(export.images(too_large, ["png"])) == len(too_large)


def test_a_chart_with_an_infinite_value_says_so():
    fig = go.Figure(go.Bar(x=["Fife", "Scotland"], y=[3.0, float("inf")]))
    marked = export.saying_what_is_missing(fig)
    assert [a.text for a in marked.layout.annotations] == [
        "1 figure is too large to show (a council's value out of range?) and left out"
    ]
    assert not fig.layout.annotations  # the figure given is left as it was
