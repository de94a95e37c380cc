"""DNS rebinding against local mode, in Debian's chromium (issue 14).

Another website can point its own name at 127.0.0.1: the browser on this computer
then opens the dashboard under that name. Chromium's host-resolver rule plays the
rebinding DNS server: `evil.example` resolves to 127.0.0.1. Local mode (every role,
nobody signed in) must answer only when the Host is this computer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, local_dashboard

REFUSED = "only answers on the computer it runs on"


@pytest.fixture(scope="module")
def local_mode(tmp_path_factory, strategy):
    """The dashboard in local mode (no secrets file) on a free 127.0.0.1 port."""
    from etl import store

    folder = tmp_path_factory.mktemp("rebinding")
    db = folder / "tracker.duckdb"
    store.init(db, strategy)
    with local_dashboard(db, folder) as url:
        yield int(url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def rebinding_browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"],
        )
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str):
    tab = browser.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(url)
    return tab


def test_another_sites_name_for_this_computer_gets_no_page(local_mode, rebinding_browser):
    tab = open_page(rebinding_browser, f"http://evil.example:{local_mode}/admin")
    main = tab.get_by_test_id("stMain")
    expect(main.get_by_text(REFUSED, exact=False)).to_be_visible(timeout=30_000)
    expect(main.get_by_role("heading", name="All submissions")).to_have_count(0)
    expect(tab.get_by_role("link", name="All submissions")).to_have_count(0)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])  # [::1]: tests/test_auth.py
def test_this_computers_own_names_get_every_page(local_mode, rebinding_browser, host):
    tab = open_page(rebinding_browser, f"http://{host}:{local_mode}/admin")
    main = tab.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="All submissions")).to_be_visible(timeout=30_000)
    expect(main.get_by_text(REFUSED, exact=False)).to_have_count(0)
