"""WCAG 2.2 AA with axe-core, in Debian's chromium against a real `streamlit run` on the demo.

Every page, and the states people reach (a return with errors, one commitment open, a
briefing pack built), has no serious or critical violation except the known issues of
Streamlit's own components listed in dashboard/accessibility.py, which the accessibility
statement lists too. Then the charts as a screen reader meets them, and reflow: text at
200% and a 320 pixel wide window, with screenshots in tests/artifacts/ (look at them).
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from dashboard.accessibility import KNOWN_ISSUES
from tests.browser.conftest import ARTIFACTS, ROOT, browser_page, wait_for_app

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
PAGES = {
    "overview": "",
    "commitments": "commitments",
    "milestones": "milestones",
    "councils": "councils",
    "equity": "equity",
    "briefing": "briefing",
    "upload": "upload",
    "admin": "admin",
    "about": "about",
    "statement": "accessibility",
}
BAD_RETURN = ROOT / "tests" / "data" / "returns" / "bad" / "not-a-number.csv"


@pytest.fixture(scope="module")
def page():
    with browser_page(viewport_height=1000, timeout_ms=30_000) as tab:
        yield tab


def serious_violations(page) -> list[str]:
    """Serious and critical axe-core findings, one line per element, less the known issues."""
    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    lines = []
    for violation in found:
        if violation["impact"] not in ("serious", "critical"):
            continue
        known = [i.where for i in KNOWN_ISSUES if i.rule and i.rule == violation["id"]]
        for node in violation["nodes"]:
            if known and _matches(page, node["target"], known):
                continue
            lines.append(f"{violation['id']}: {node['target']} {node['html'][:120]}")
    return lines


def _matches(page, target: list, selectors: list[str]) -> bool:
    return page.evaluate(
        "([target, selectors]) => { const e = document.querySelector(target);"
        " return !!e && selectors.some(s => e.matches(s) || !!e.closest(s)); }",
        [target[-1], selectors],
    )


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


# Each page's title in the browser tab (WCAG 2.4.2 Page Titled): its name in the navigation.
TAB_TITLES = {
    "overview": "Overview", "commitments": "Commitments", "milestones": "Milestones",
    "councils": "Councils", "equity": "Equity", "briefing": "Briefing pack",
    "upload": "Send a return", "admin": "All submissions", "about": "About the figures",
    "statement": "Accessibility statement",
}  # fmt: skip


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_has_no_serious_violation(demo_server, page, name):
    open_page(page, f"{demo_server.url}/{PAGES[name]}")
    assert serious_violations(page) == []
    assert page.title() == f"{TAB_TITLES[name]} · STEM Strategy Tracker"


def test_a_return_with_errors_has_no_serious_violation(demo_server, page):
    open_page(page, f"{demo_server.url}/upload")
    page.locator("input[type=file]").set_input_files(BAD_RETURN)
    expect(page.get_by_text("There is a problem")).to_be_visible()
    wait_for_app(page)
    assert serious_violations(page) == []


def test_one_commitment_open_has_no_serious_violation(demo_server, page, strategy):
    commitment = next(c for c in strategy.commitments if len(c.indicators) > 1)
    open_page(page, f"{demo_server.url}/commitments?commitment={commitment.id}")
    expect(page.get_by_role("heading", name=re.compile(f"^{commitment.id}: "))).to_be_visible()
    page.get_by_text("Data for this chart").first.click()  # an open data table too
    wait_for_app(page)
    assert serious_violations(page) == []


def test_a_built_briefing_pack_has_no_serious_violation(demo_server, page):
    open_page(page, f"{demo_server.url}/briefing")
    # The PowerPoint alone: the PDF and chart images take a chromium of their own.
    page.get_by_text("Also make a PDF").click()
    wait_for_app(page)
    page.get_by_text("Also make a ZIP of the charts").click()
    wait_for_app(page)
    page.get_by_role("button", name="Build the briefing pack").click()
    # Writing the slides takes a few seconds, more on a busy machine.
    expect(page.get_by_role("button", name="Download PowerPoint")).to_be_visible(timeout=90_000)
    wait_for_app(page)
    assert serious_violations(page) == []


def test_charts_are_named_by_their_titles_and_followed_by_their_summaries(demo_server, page):
    """A screen reader meets each chart as an image named by its title and summary, then the
    summary as text, then its data table: nothing needs the mouse's hover."""
    open_page(page, demo_server.url)
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.locator(".gtitle")).to_have_count(3)
    for n in range(charts.count()):
        chart = charts.nth(n)
        assert chart.get_attribute("role") == "figure"
        name = chart.get_attribute("aria-label")
        title = chart.locator(".gtitle").first.text_content()
        assert name.startswith(title[:30]), (name, title)
        after = chart.locator(
            "xpath=ancestor::*[@data-testid='stElementContainer'][1]/following-sibling::*[1]"
        )
        summary = after.get_by_test_id("stCaptionContainer")
        assert summary.text_content().strip() in name
        expander = after.locator("xpath=following-sibling::*[1]")
        expect(expander.get_by_text("Data for this chart")).to_be_visible()


@pytest.mark.parametrize(
    "name, width, text_size",
    [("overview", 320, "100%"), ("upload", 320, "100%"), ("commitments", 1280, "200%")],
)
def test_reflow_and_large_text_hide_nothing(demo_server, page, name, width, text_size):
    """1.4.10 and 1.4.4: at 320 px wide, or with text at 200%, nothing needs scrolling sideways
    (tables may scroll inside themselves). Look at the screenshots in tests/artifacts/."""
    narrow = page.context.browser.new_page(viewport={"width": width, "height": 900})
    try:
        open_page(narrow, f"{demo_server.url}/{PAGES[name]}")
        narrow.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
        narrow.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        # The app scrolls inside its main area: a screenshot at the top and one further down.
        stem = f"reflow-{name}-{width}px-text-{text_size[:-1]}"
        narrow.screenshot(path=ARTIFACTS / f"{stem}-1.png")
        narrow.evaluate("document.querySelector('[data-testid=stMain]').scrollBy(0, 1400)")
        narrow.wait_for_timeout(300)
        narrow.screenshot(path=ARTIFACTS / f"{stem}-2.png")
        for link in narrow.get_by_test_id("stSidebarNavLink").all():
            if width > 320:  # the sidebar is open: page names wrap, not cut short with "…"
                assert link.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), link.inner_text()
        overflow = narrow.evaluate(
            "() => document.querySelector('[data-testid=stMain]').scrollWidth"
            " - document.querySelector('[data-testid=stMain]').clientWidth"
        )
        assert overflow <= 1
    finally:
        narrow.close()
