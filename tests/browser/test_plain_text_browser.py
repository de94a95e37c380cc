"""A crafted ``?as_at=`` in a real browser (issue 25): the sidebar's warning shows the text as
typed, with no link to another site and no image loaded from it, not even a bare address
(Streamlit's Markdown turns one into a link)."""

from __future__ import annotations

from urllib.parse import quote, urlparse

from tests.browser.conftest import browser_page, wait_for_app

CRAFTED = (
    "[sign in again](https://evil.example/login) ![](https://evil.example/pixel.png) "
    "see https://evil.example/bare and www.evil.example"
)


def test_a_crafted_as_at_link_shows_as_plain_text_in_the_browser(demo_server):
    with browser_page(viewport_height=1000, timeout_ms=30_000) as tab:
        asked = []
        tab.on("request", lambda request: asked.append(request.url))
        tab.goto(f"{demo_server.url}/?as_at={quote(CRAFTED)}")
        wait_for_app(tab)
        warning = tab.get_by_test_id("stSidebar").get_by_test_id("stAlert")
        shown = warning.inner_text().replace("\u2060", "")  # the word joiners that unlink
        assert f"as at '{CRAFTED}', which cannot be shown" in shown
        assert tab.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
        assert not [url for url in asked if (urlparse(url).hostname or "").endswith("evil.example")]
