"""The public release as its readers meet it (issue 22): every kind of page opened from disk
in Debian's chromium, checked with axe-core for WCAG 2.2 AA, and read with JavaScript off."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_accessibility import AXE_OPTIONS

KINDS = ["index.html", "themes/equity.html", "councils/index.html", "councils/S12000033.html",
         "about.html", "data.html", "accessibility.html"]  # fmt: skip


def kinds(folder) -> list[str]:
    first = {sub: sorted((folder / sub).glob("*.html"))[0] for sub in ("commitments", "indicators")}
    return KINDS + [p.relative_to(folder).as_posix() for p in first.values()]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)  # fmt: skip
        yield launched
        launched.close()


def test_no_serious_or_critical_axe_violation_on_any_kind_of_page(demo_release, browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    found = []
    for name in kinds(demo_release.folder):
        tab.goto((demo_release.folder / name).as_uri())
        for violation in Axe().run(tab, options=AXE_OPTIONS).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                found += [f"{name}: {violation['id']} {n['target']}" for n in violation["nodes"]]
    tab.close()
    assert found == []


def test_with_javascript_off_every_chart_is_followed_by_its_data_table(demo_release, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    charts = 0
    for page in sorted(demo_release.folder.rglob("*.html")):
        tab.goto(page.as_uri())
        assert tab.get_by_text("Demo data", exact=True).first.is_visible()
        for figure in tab.locator("figure.chart").all():
            charts += 1
            table = figure.locator("xpath=following-sibling::div[1]//table")
            assert table.locator("caption").inner_text().strip()
            assert table.locator("tbody tr").count() >= 1 or "No rows" in tab.content()
    context.close()
    assert charts == demo_release.release.charts
