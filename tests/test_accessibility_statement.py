"""The accessibility statement: the regulations' model statement, reachable from every page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import accessibility

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py")


def statement(db, monkeypatch) -> AppTest:
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(accessibility.STATEMENT_PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_statement_has_every_part_of_the_model_statement(demo_db, monkeypatch):
    at = statement(demo_db, monkeypatch)
    headings = [h.value for h in at.header]
    assert headings == [
        "How accessible this service is",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Technical information about this service's accessibility",
        "How we tested this service",
    ]
    assert [s.value for s in at.subheader] == ["Compliance status", "Non-accessible content"]
    text = "\n".join(m.value for m in at.markdown)
    assert "Equality and Human Rights Commission" in text
    assert "Equality Advisory and Support Service" in text
    assert "WCAG" in text or "Web Content Accessibility Guidelines" in text
    assert "last tested on 1 December 2026" in " ".join(text.split())
    assert "axe-core" in text


def test_the_statement_lists_every_known_issue(demo_db, monkeypatch):
    at = statement(demo_db, monkeypatch)
    text = "\n".join(m.value for m in at.markdown)
    for issue in accessibility.KNOWN_ISSUES:
        assert issue.what in text and issue.criterion in text and issue.upstream in text


def test_about_links_to_the_statement(demo_db, monkeypatch):
    monkeypatch.setenv("STEM_TRACKER_DB", str(demo_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/about.py")
    at.run()
    assert not at.exception
    links = at.get("page_link")
    assert [(link.proto.page, link.proto.label) for link in links] == [
        ("accessibility", "Accessibility statement")
    ]
