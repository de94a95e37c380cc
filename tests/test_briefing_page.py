"""The Briefing pack page: renders, previews the pack the CLI would build, builds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")
PAGE = "app_pages/briefing.py"


def run(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(PAGE)
    at.query_params["as_at"] = "2022-12-31"
    at.run()
    assert not at.exception, at.exception
    return at


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


@pytest.mark.parametrize("db", ["empty_db", "demo_db"])
def test_page_previews_the_pack(db, request, monkeypatch):
    at = run(request.getfixturevalue(db), monkeypatch)
    assert at.title[0].value == "Briefing pack"
    preview = [s for s in subheaders(at) if s.startswith("Preview: ")]
    assert preview, subheaders(at)
    labels = [e.label for e in at.expander]
    assert labels[:3] == ["1. STEM Education and Training Strategy for Scotland",
                          "2. Three things to know", "3. Overview: the strategy as a whole"]  # fmt: skip
    assert any(label.endswith(". Excellence") for label in labels)


def test_choosing_one_theme_and_building_gives_downloads(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch)
    at.multiselect(key="b_themes").set_value(["equity"]).run()
    labels = [e.label for e in at.expander]
    assert any(label.endswith(". Equity") for label in labels)
    assert not any("Excellence" in label for label in labels)
    at.checkbox(key="b_pdf").uncheck()
    at.checkbox(key="b_note").uncheck()
    at.checkbox(key="b_zip").uncheck().run()
    at.button(key="b_build").click().run()
    assert not at.exception, at.exception
    downloads = [d.proto.label for d in at.get("download_button")]
    assert downloads == ["Download PowerPoint"]


def test_choosing_one_commitment_from_every_theme_previews_its_theme_only(demo_db, monkeypatch):
    at = run(demo_db, monkeypatch)
    at.multiselect(key="b_commitments").set_value(["C04"]).run()
    assert not at.exception, at.exception
    themes = [e.label for e in at.expander if e.label.split(". ", 1)[-1] in
              ("Excellence", "Equity", "Inspiration", "Connection")]  # fmt: skip
    assert len(themes) == 1, themes
