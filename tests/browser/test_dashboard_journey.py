"""A policy officer's weekly look, in Debian's chromium against a real `streamlit run` server:
overview → change the as-at date → open a commitment → read its indicator chart, then
open the shared link again. Screenshots go to tests/artifacts/ (look at them)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from dashboard import views
from etl import status, store
from tests.browser.conftest import ARTIFACTS, browser_page, local_dashboard


@pytest.fixture(scope="module")
def dashboard(demo_db, tmp_path_factory):
    """The dashboard on demo data, on a free localhost port."""
    folder = tmp_path_factory.mktemp("dashboard-server")
    with local_dashboard(demo_db, folder) as url:
        yield url


@pytest.fixture(scope="module")
def page():
    with browser_page(viewport_height=1800, timeout_ms=30_000) as tab:
        yield tab


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)  # let plotly finish drawing
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def main(page):
    return page.get_by_test_id("stMain")


def pick_quarter_end(page, end: date) -> None:
    """The sidebar's quarter-end picker: every quarter end since the strategy began."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Or the end of a quarter").click()
    page.keyboard.type(f"{end.day} {end:%B %Y}")  # the list is long: narrow it as a person would
    page.get_by_role("option", name=f"{end.day} {end:%B %Y} (").click()


def type_as_at(page, day: date) -> None:
    """Type a date into the sidebar's date field and press Enter (no mouse, no Tab)."""
    page.get_by_role("spinbutton", name="day, Status as at").click()
    page.keyboard.type(f"{day:%d%m%Y}")
    page.keyboard.press("Enter")


def test_policy_officer_journey(dashboard, page, strategy):
    expect.set_options(timeout=20_000)
    page.goto(dashboard)
    expect(main(page).get_by_text("How the STEM Strategy is doing")).to_be_visible()
    expect(page.get_by_text("Demo data.", exact=False).first).to_be_visible()
    expect(main(page).locator(".js-plotly-plot").first).to_be_visible()
    shot(page, "1-overview")

    # Change the as-at date to the end of an earlier quarter, from the picker.
    end = views.quarter_ends(date.today(), 2)[1]
    pick_quarter_end(page, end)
    expect(main(page).get_by_text(f"As at {end.day} {end:%B %Y}.")).to_be_visible()
    expect(page).to_have_url(re.compile(f"as_at={end.isoformat()}"))
    shot(page, "2-overview-as-at")

    # Open a commitment with more than one indicator.
    commitment = next(c for c in strategy.commitments if len(c.indicators) > 1)
    page.get_by_role("link", name="Commitments").click()
    expect(main(page).get_by_role("heading", name="Commitments")).to_be_visible()
    box = main(page).get_by_test_id("stSelectbox").filter(has_text="Open a commitment")
    box.click()
    page.keyboard.type(commitment.id)
    page.get_by_role("option", name=re.compile(f"^{commitment.id}: ")).click()
    expect(
        main(page).get_by_role("heading", name=re.compile(f"^{commitment.id}: "))
    ).to_be_visible()
    expect(page).to_have_url(re.compile(f"commitment={commitment.id}"))
    shot(page, "3-commitment")

    # Its indicator chart: national figure against trajectory, stating as-at and source.
    indicator = commitment.indicators[0]
    chart = main(page).locator(".js-plotly-plot").filter(has_text=indicator.name).first
    chart.scroll_into_view_if_needed()
    expect(chart).to_contain_text("Target ")
    expect(chart).to_contain_text(f"As at {end.day} {end:%B %Y}")
    page.wait_for_timeout(800)
    chart.screenshot(path=str(ARTIFACTS / "dashboard-4-indicator-chart.png"))
    summary = main(page).get_by_text(re.compile(r"the latest quarter with enough data|no quarter"))
    expect(summary.first).to_be_visible()

    # The link in an e-mail opens the same view.
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    expect(
        main(page).get_by_role("heading", name=re.compile(f"^{commitment.id}: "))
    ).to_be_visible()
    expect(main(page).get_by_text(f"{end.day} {end:%B %Y}").first).to_be_visible()
    shot(page, "5-shared-link")


def test_councils_and_equity_pages_open_from_a_link(dashboard, page, strategy):
    expect.set_options(timeout=20_000)
    page.goto(f"{dashboard}/councils?council=S12000036")
    expect(main(page).get_by_role("heading", name="Councils to chase")).to_be_visible()
    chart = main(page).locator(".js-plotly-plot").filter(has_text="City of Edinburgh").first
    expect(chart).to_be_visible()
    shot(page, "6-councils")
    indicator = next(i for _, i in strategy.indicators if "simd_quintile" in i.breakdowns)
    page.goto(f"{dashboard}/equity?indicator={indicator.id}&council=S12000036")
    heading = "Gap between the least and most deprived areas"
    expect(main(page).get_by_role("heading", name=heading)).to_be_visible()
    shot(page, "7-equity")


def test_revisions_and_the_revised_figures_switch(dashboard, page):
    """An indicator's revisions in a real browser, and the sidebar's switch to the revised
    figures, which the link keeps and every page then says."""
    expect.set_options(timeout=20_000)
    page.goto(f"{dashboard}/commitments?commitment=C01&as_at=2022-12-31")
    expect(main(page).get_by_role("heading", name="Revisions")).to_be_visible()
    chart = main(page).locator(".js-plotly-plot").filter(has_text="as first published")
    expect(chart.first).to_be_visible()
    expect(main(page).get_by_text("Figures as known on 31 December 2022").first).to_be_visible()
    shot(page, "8-revisions")
    page.get_by_test_id("stSidebar").get_by_text("Revised figures", exact=True).click()
    expect(main(page).get_by_text("Revised figures", exact=False).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"revised=true"))
    today = date.today()
    label = f"revised figures, as they stand on {today.day} {today:%B %Y}"
    expect(main(page).get_by_text(label, exact=False).first).to_be_visible()
    page.goto(f"{dashboard}/overview?as_at=2022-12-31&revised=true")
    expect(main(page).get_by_text(label, exact=False).first).to_be_visible()


def test_a_filtered_view_is_shared_by_its_link(dashboard, page, demo_db):
    """The policy officer filters the commitments off track as at 30 September 2025, opens
    one, copies the link to the view; a colleague opening it sees the same view."""
    expect.set_options(timeout=20_000)
    as_at = date(2025, 9, 30)
    with store.connect(demo_db) as con:
        report = status.report(con, as_at)
    off = report.commitments[report.commitments["status"] == "off_track"]
    page.goto(f"{dashboard}/commitments")
    expect(main(page).get_by_role("heading", name="Commitments")).to_be_visible()
    # Every quarter end since the strategy began is a quick choice.
    pick_quarter_end(page, date(2017, 12, 31))
    expect(page).to_have_url(re.compile("as_at=2017-12-31"))
    # A typed date applies on Enter.
    type_as_at(page, as_at)
    expect(page).to_have_url(re.compile("as_at=2025-09-30"))
    expect(main(page).get_by_text("status as at 30 September 2025")).to_be_visible()

    status_filter = main(page).get_by_test_id("stMultiSelect").filter(has_text="Status")
    status_filter.click()
    page.get_by_role("option", name="✖ Off track").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile("status=off_track"))
    matching = f"{len(off)} of {len(report.commitments)} commitments"
    expect(main(page).get_by_text(matching)).to_be_visible()

    chosen = off.iloc[-1]
    box = main(page).get_by_test_id("stSelectbox").filter(has_text="Open a commitment")
    box.click()
    page.get_by_role("option", name=re.compile(f"^{chosen['id']}: ")).click()
    heading = main(page).get_by_role("heading", name=re.compile(f"^{chosen['id']}: "))
    expect(heading).to_be_visible()
    shot(page, "9-filtered-view")

    page.get_by_role("button", name="Copy link to this view").click()
    link = page.get_by_test_id("stCode").filter(has_text="status=off_track").first
    expect(link).to_contain_text(f"commitment={chosen['id']}")
    shared = link.inner_text().strip()
    assert "as_at=2025-09-30" in shared

    # A colleague, in a browser session of their own (no cookies, no state), opens the link.
    context = page.context.browser.new_context(viewport={"width": 1400, "height": 1800})
    try:
        colleague = context.new_page()
        colleague.goto(shared)
        expect(
            main(colleague).get_by_role("heading", name=re.compile(f"^{chosen['id']}: "))
        ).to_be_visible()
        expect(main(colleague).get_by_text(matching)).to_be_visible()
        expect(main(colleague).get_by_text("status as at 30 September 2025")).to_be_visible()
        chip = main(colleague).get_by_test_id("stMultiSelect").filter(has_text="Off track")
        expect(chip).to_be_visible()
        colleague.screenshot(path=str(ARTIFACTS / "dashboard-10-colleague.png"), full_page=True)
    finally:
        context.close()
