"""About these statistics (sources, method, status rules in words, disclosure control,
revisions policy, fingerprint), the data downloads and the accessibility statement."""

from __future__ import annotations

from dashboard.format import first_upper
from dashboard.release.content import Content
from dashboard.release.opendata import resources
from dashboard.release.site import Link, Page, Table, bullets, facts, heading, links
from dashboard.release.site import table as table_part
from dashboard.release.site import text as words
from dashboard.release.tables import Published
from etl.councils import council_count
from etl.periods import day_text

HOME = [("index.html", "Home")]


def about(content: Content, published: Published) -> Page:
    s = content.settings
    n = s.disclosure_min_count
    inputs = content.inputs
    parts = [
        facts([
            ("As at", day_text(content.as_at)),
            ("Figures", first_upper(inputs.report.figures_label)),
            ("Figures fingerprint (SHA-256)", inputs.figures.fingerprint),
            ("Figures used", f"{inputs.figures.rows:,} rows from "
                             f"{len(inputs.figures.submissions):,} returns"),
            ("Strategy file (SHA-256)", content.strategy_sha256),
            ("Tracker version", content.version),
            ("Cells suppressed", f"{published.suppressed:,}"),
        ]),
        *(_demo() if inputs.demo else []),
        heading("Sources", "sources"),
        bullets([f"{title} {url}".strip() for title, url in content.sources]
                + ["Councils' quarterly progress returns, sent to the Scottish Government."]),
        heading("Method", "method"),
        words(f"Each of Scotland's {council_count()} councils sends a return each quarter. "
              "A council's figures for a quarter are those of the latest version of its return "
              f"received on or before {day_text(content.as_at)}: a correction that arrives "
              "later changes a later release, never this one. Scotland's figure for an "
              "indicator councils report is their figures added up (or averaged, as the "
              "indicator says); where some councils have not reported, a sum is compared with "
              f"the trajectory scaled to all {council_count()} (marked estimated)."),
        heading("How statuses are judged", "statuses"),
        bullets(_status_rules(s)),
        heading("Disclosure control", "disclosure"),
        bullets(_disclosure(n)),
        heading("Revisions policy", "revisions"),
        words("A quarter's national figure is first published as known at its return due "
              f"date ({s.returns_due_days} days after the quarter ends). Councils may correct "
              "a return later; each indicator's page lists every revision since first "
              "published, as known at this release's date. A release never changes once "
              "built: building it again gives the same files, and the figures' fingerprint "
              "above says which figures it used. Later releases carry later corrections."),
    ]  # fmt: skip
    return Page("about.html", "About these statistics", parts, HOME)


def _demo() -> list:
    return [heading("Demo data", "demo"),
            words("This release is built from invented demo returns, to show how the tracker "
                  "works. None of its figures are official statistics.")]  # fmt: skip


def _status_rules(s) -> list[str]:
    return [
        "Milestones: complete when the completion date has passed; overdue when the due date "
        "has passed without completion; due soon when due within 90 days; otherwise not yet "
        "due.",
        "Indicators: the figure in the latest quarter in which at least "
        f"{s.min_coverage:.0%} of councils reported, against a straight-line trajectory from "
        "the baseline to each target. On track at or beyond the trajectory; at risk within "
        f"{1 - s.at_risk_ratio:.0%} of it; off track further away; no data when there is no "
        "such quarter.",
        "Commitments: off track when a milestone is overdue or an indicator off track; else "
        "at risk when an indicator is at risk; else complete when every milestone is "
        "complete; else on track. A manual judgement, with its reason, wins when one is "
        "recorded.",
        "Returns: on time when received by the due date, late when after it, overdue when "
        "the due date has passed without one.",
    ]


def _disclosure(n: int) -> list[str]:
    return [
        f"Why: so that no one can identify a small group of learners, counts of 1 to {n - 1} "
        "are not published for a council, or for any breakdown by sex or SIMD quintile "
        "(primary suppression, shown [c]). Scotland's whole-population totals are published.",
        "Secondary suppression: where a group of cells adds up to a published total (female "
        "and male to all; SIMD quintiles 1 to 5 to all; the councils of one indicator and "
        "quarter to Scotland's figure) and only one cell of it is suppressed, the smallest "
        "other non-zero cell is suppressed too, so that the first cannot be found by "
        "subtraction; this is repeated until no such group holds a single suppressed cell.",
        "This simple rule is the one small statistical publications use. What it does not "
        "cover: it protects each group on its own. Someone "
        "combining several groups, or this release with an earlier one, may still narrow a "
        "suppressed count to a range; and where Scotland's figure comes from a single "
        "council, that figure is suppressed too.",
        "Zero is published as 0. Percentages are published as councils report them; the "
        "counts behind them are not collected, so no disclosure control applies to them.",
        "Symbols: [c] confidential (suppressed); [x] not available (no return received); "
        "[z] not applicable (a breakdown the indicator does not collect).",
    ]


def downloads(published: Published) -> Page:
    rows = [
        [Link(f"data/{r.path}", r.path), r.title, r.description, f"{len(r.frame):,}"]
        for r in resources(published)
    ]
    parts = [
        words("Every figure on this site is in these files, with the same disclosure control. "
              "They form a Frictionless Data Package, described (with each file's columns) "
              "in datapackage.json."),
        links([("data/datapackage.json", "The data package: datapackage.json", "")]),
        table_part(Table("downloads", "The open data files", ["File", "Title", "What it holds",
                         "Rows"], rows, [False, False, False, True])),
    ]  # fmt: skip
    return Page("data.html", "Data downloads", parts, HOME)


def accessibility(content: Content) -> Page:
    parts = [
        words("This site is plain HTML and CSS: it works without JavaScript, at any width "
              "from 320 pixels, with the browser's own zoom and text size, and with a screen "
              "reader. We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at "
              "level AA, and check every kind of page with axe-core."),
        bullets([
            "Every chart is an image with a text alternative that states what it shows, "
            "followed by a table of its data.",
            "Every table has a caption and header cells.",
            "Colour never carries meaning alone: each status is also a word.",
        ]),
        heading("Known limitations", "limitations"),
        words("Long tables scroll sideways on narrow screens. Charts are images: their text "
              "does not reflow when zoomed, so their data tables are the accessible version."),
    ]  # fmt: skip
    return Page("accessibility.html", "Accessibility statement", parts, HOME)
