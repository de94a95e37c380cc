"""Text from a user is shown as text, never as Markdown (issue 25): a crafted ``?as_at=`` or a
cell of an uploaded file showed a real-looking "sign in again" link to another site, and
loaded an image from it, in the page's own warnings."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import format as fmt
from tests.markdown_text import shown
from tests.test_upload_page import APP, EDINBURGH, PERIOD, app, db, filled  # noqa: F401

CRAFTED = "[sign in again](https://evil.example/login) ![](https://evil.example/pixel.png) :red[!]"


def test_plain_escapes_every_kind_of_markup_and_shows_the_characters_typed():
    typed = CRAFTED + " *bold* _it_ `code` $x$ :material/home: <b>html</b> # heading"
    typed += " https://evil.example www.evil.example a@evil.example"
    text, kinds = shown(fmt.plain(typed))
    # As typed, with a word joiner (invisible) where a bare address would become a link.
    assert text.replace(fmt.WORD_JOINER, "") == typed
    assert "://" not in text and "www." not in text and "@e" not in text
    assert kinds <= {"text", "softbreak"}


def test_a_crafted_as_at_link_is_shown_as_plain_text(demo_db, monkeypatch):
    monkeypatch.setenv("STEM_TRACKER_DB", str(demo_db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("app_pages/overview.py")
    at.query_params["as_at"] = CRAFTED
    at.run()
    assert not at.exception
    text, kinds = shown(at.sidebar.warning[0].value)
    said = f"The link asked for the status as at {CRAFTED!r}, which cannot be shown"
    assert said in text.replace(fmt.WORD_JOINER, "")
    assert kinds <= {"text", "softbreak"}  # no link, no image


@pytest.mark.usefixtures("db")  # the upload page's store and users
def test_a_crafted_cell_in_an_upload_is_shown_as_plain_text(strategy):
    data = filled(strategy, EDINBURGH, PERIOD).replace(EDINBURGH.encode(), b'"' + CRAFTED.encode() + b'"', 1)  # fmt: skip
    at = app("officer@edinburgh.example")
    at.switch_page("app_pages/upload.py").run()
    at.get("file_uploader")[0].set_value(("crafted.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    bold = [m.value for m in at.markdown if "is not a council" in m.value]
    text, kinds = shown(bold[0])
    assert f'"{CRAFTED[:57]}…" is not a council' in text.replace(fmt.WORD_JOINER, "")
    assert "link_open" not in kinds and "image" not in kinds
