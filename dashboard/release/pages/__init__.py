"""Every page of a release, as plain data (``dashboard.release.site.Page``): home, themes and
commitments (``strategy``), indicators (``indicator``), councils (``council``), and About
these statistics, data downloads and the accessibility statement (``about``)."""

from __future__ import annotations

from dashboard.release.content import Content
from dashboard.release.pages import about, council, indicator, strategy
from dashboard.release.site import Page
from dashboard.release.tables import Published


def all_pages(content: Content, published: Published, figures: dict) -> list[Page]:
    """Every page, in the order of the site's menu."""
    pages = [strategy.home(content, published, figures)]
    pages += strategy.themes(content)
    pages += strategy.commitments(content)
    pages += [
        indicator.page(content, published, figures, indicator_id)
        for indicator_id in content.inputs.report.indicators["id"]
    ]
    pages += council.pages(content, published)
    pages += [
        about.about(content, published),
        about.downloads(published),
        about.accessibility(content),
    ]
    return pages
