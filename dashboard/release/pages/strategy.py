"""Home (the four themes at a glance), one page per theme and one per commitment."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard import format as fmt
from dashboard import views
from dashboard.release.content import Content
from dashboard.release.pages.common import chart_of, frame_table
from dashboard.release.site import Link, Page, Table, bullets, chart, facts, heading, links
from dashboard.release.site import table as table_part
from dashboard.release.site import text as words
from dashboard.release.tables import Published
from etl.periods import day_text
from etl.status import ThemeCounts


def home(content: Content, published: Published, figures: dict) -> Page:
    inputs = content.inputs
    report = inputs.report
    themes = report.themes
    parts = [
        words(
            f"How Scotland is delivering the {inputs.strategy_title}, as at "
            f"{day_text(content.as_at)}: the statuses of its commitments, milestones and "
            f"indicators, judged on the {report.figures_label}."
        ),
        _coverage(content),
        heading("The four themes at a glance", "themes"),
        table_part(_themes_table(themes)),
        heading("Commitments, indicators and milestones by theme", "charts"),
    ]
    counts = views.themes_table(themes)
    for name, columns in (
        ("commitments-by-theme", [c for c in counts.columns if c.startswith("Commitments")]),
        ("indicators-by-theme", [c for c in counts.columns if c.startswith("Indicators")]),
        ("delivery-by-theme", ["Milestones due", "Milestones completed", "Delivery rate (%)"]),
    ):
        data = counts[["Theme", *columns]]
        caption = f"Data for the chart: {name.replace('-', ' ')}"
        parts.append(
            chart(chart_of(name, figures[name], frame_table(name, caption, data, columns)))
        )
    return Page("index.html", "STEM strategy progress", parts)


def _coverage(content: Content):
    coverage = content.inputs.coverage
    if not content.has_returns:
        return words(
            f"No council returns had been received by {day_text(content.as_at)}: this release "
            "shows the strategy's commitments and milestones, and no figures yet."
        )
    if coverage.get("period"):
        return words(
            f"{coverage['received']} of {coverage['councils']} councils had sent their return "
            f"for {coverage['period']} by {day_text(content.as_at)}."
        )
    return words("No quarter's returns were due yet.")


def _themes_table(themes: Sequence[ThemeCounts]) -> Table:
    rows = []
    for theme, card in zip(themes, views.theme_cards(themes), strict=True):
        good = card["commitments"]["on_track"] + card["commitments"]["complete"]
        total = sum(card["commitments"].values())
        rows.append(
            [Link(f"themes/{theme.id}.html", card["name"]),
             f"{good} of {total} on track or complete",
             f"{card['indicators']['on_track']} of {sum(card['indicators'].values())} on track",
             f"{card['delivery']} ({card['delivery_detail']})"]
        )  # fmt: skip
    return Table(
        "themes-at-a-glance",
        "The four themes: commitments on track, indicators on track and milestones delivered",
        ["Theme", "Commitments", "Indicators", "Milestones delivered"],
        rows,
    )


def themes(content: Content) -> list[Page]:
    report = content.inputs.report
    descriptions = content.strategy["themes"]
    pages = []
    for theme in report.themes:
        commitments = report.commitments[report.commitments["theme"] == theme.id]
        indicators = report.indicators[report.indicators["theme"] == theme.id]
        description = _description(descriptions, theme.id)
        parts = [words(description)] if description else []
        parts += [
            heading("Commitments", "commitments"),
            table_part(_commitments_table(theme.name, commitments)),
            heading("Indicators", "indicators"),
            links(
                [(f"../indicators/{i.id}.html", f"{i.id}: {i.name}",
                  fmt.indicator_status_text(i.status, i.authorities_reported,
                                            reported_by=i.reported_by))
                 for i in indicators.itertuples(index=False)]
            ) if not indicators.empty else words("This theme has no indicators."),
        ]  # fmt: skip
        pages.append(Page(f"themes/{theme.id}.html", theme.name, parts, [("index.html", "Home")]))
    return pages


def _description(descriptions: pd.DataFrame | None, theme_id: str) -> str:
    if descriptions is None or descriptions.empty:
        return ""
    found = descriptions[descriptions["id"] == theme_id]
    return "" if found.empty else str(found.iloc[0]["description"])


def _commitments_table(theme_name: str, commitments: pd.DataFrame) -> Table:
    rows = [
        [Link(f"../commitments/{c.id}.html", c.id), c.title,
         fmt.label(c.status) + (" (manual)" if c.manual else ""), c.reason or ""]
        for c in commitments.itertuples(index=False)
    ]  # fmt: skip
    return Table(
        "commitments",
        f"Commitments of the {theme_name} theme and their status",
        ["Commitment", "Title", "Status", "Why"],
        rows,
    )


def commitments(content: Content) -> list[Page]:
    inputs = content.inputs
    report = inputs.report
    changes = content.strategy["milestone_changes"]
    pages = []
    for c in report.commitments.itertuples(index=False):
        milestones = views.milestone_table(report.milestones, commitment=c.id)
        indicators = views.commitment_indicators(report.indicators, c.id)
        theme = views.theme_names(report.themes).get(c.theme, c.theme)
        parts = [
            facts(
                [("Theme", theme), ("Lead", c.lead),
                 ("Status", fmt.label(c.status) + (" (manual)" if c.manual else "")),
                 ("Why", c.reason or "–"),
                 ("Data gap", "yes: an indicator has no data" if c.data_gap else "no")]
            ),
            heading("Milestones", "milestones"),
        ]  # fmt: skip
        if milestones.empty:
            parts.append(words("This commitment has no milestones."))
        else:
            rows = views.milestone_rows(milestones)
            parts.append(table_part(frame_table("milestones", f"Milestones of {c.id}", rows)))
            parts += _rebaselined(changes, milestones["id"])
        parts.append(heading("Indicators", "indicators"))
        parts.append(
            links([(f"../indicators/{i.id}.html", f"{i.id}: {i.name}", fmt.label(i.status))
                   for i in indicators.itertuples(index=False)])
            if not indicators.empty else words("This commitment has no indicators.")
        )  # fmt: skip
        crumbs = [("index.html", "Home"), (f"themes/{c.theme}.html", theme)]
        pages.append(Page(f"commitments/{c.id}.html", f"{c.id}: {c.title}", parts, crumbs))
    return pages


def _rebaselined(changes: pd.DataFrame | None, milestone_ids: pd.Series) -> list:
    if changes is None or changes.empty:
        return []
    moved = changes[changes["milestone_id"].isin(set(milestone_ids))]
    if moved.empty:
        return []
    return [
        heading("Rebaselined milestones", "rebaselined"),
        bullets(
            [f"{m.milestone_id}: moved on {day_text(m.changed_on)} from "
             f"{day_text(m.was)}. {m.reason}" for m in moved.itertuples(index=False)]
        ),
    ]  # fmt: skip
