"""A pack a minister can read (issue 27, part 4): three things to know first, what changed
since last quarter, a plain source line, the technical record in the data annex only, and
the file's own title, author and dates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pptx import Presentation

from dashboard import briefing, views
from dashboard.briefing import pptx as briefing_pptx

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

AS_AT = dt.date(2025, 9, 30)
RECORD = ("ingerprint", "stem-tracker", "Figure rows", "SHA-256", ".pptx", "commitments.yaml")


@pytest.fixture(scope="module")
def inputs(demo_db):
    return briefing.read(demo_db, AS_AT)


@pytest.fixture(scope="module")
def pack(inputs):
    return briefing.build(inputs)


def test_three_things_to_know_come_first(pack, inputs):
    headline = pack.slides[1]
    assert headline.title == "Three things to know" and len(headline.messages) == 3
    commitments = inputs.report.commitments
    good = int(commitments["status"].isin(["on_track", "complete"]).sum())
    assert headline.messages[0].startswith(f"{good} of {len(commitments)} commitments")
    moved = views.what_changed(inputs.previous, inputs.report)
    worse = moved[(moved["What"] == "Commitment") & (moved["Direction"] == "↓ worse")]
    assert headline.messages[1].startswith("Since 30 June 2025, ")
    for code, name in zip(worse["Id"], worse["Name"], strict=True):
        assert f"{code} {name[:20]}" in headline.messages[1]  # named, not a bare code


def test_what_changed_since_last_quarter_has_a_slide(pack, inputs):
    (changes,) = [s for s in pack.slides if s.kind == "changes"]
    assert changes.title == "What changed since last quarter"
    moved = views.what_changed(inputs.previous, inputs.report)
    assert len(moved) > 0
    assert changes.table["Code"].tolist() == moved["Id"].tolist()


def test_the_technical_record_is_in_the_data_annex_only(pack):
    *reader_slides, record = pack.slides
    assert record.title == "Data annex: the figures in this pack"
    assert "stem-tracker briefing --check" in " ".join(record.messages)
    for slide in reader_slides:
        text = " ".join([slide.title, *slide.messages])
        assert not any(word in text for word in RECORD), (slide.title, text)
    assert "Source: Councils' quarterly progress returns; Scottish Government" in pack.source


def test_the_powerpoint_file_has_a_title_author_and_the_as_at_dates(pack):
    props = Presentation(io.BytesIO(briefing_pptx.pptx(pack))).core_properties
    assert props.title == (
        "STEM Education and Training Strategy for Scotland: briefing as at 30 September 2025"
    )
    assert props.author == "STEM Strategy team, Scottish Government"
    assert props.created.date() == props.modified.date() == AS_AT  # not python-pptx's 2013
