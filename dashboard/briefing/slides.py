"""Each slide of the briefing pack, from the status report: the title, the overview, a
slide per theme, its indicators against trajectory, the milestones to watch and the annex.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard import format as fmt
from dashboard import views
from dashboard.briefing import messages as say
from dashboard.briefing.pack import Chart, Inputs, Slide
from dashboard.briefing.tables import table_slides
from etl.councils import council_count
from etl.vocabulary import indicator_reason, rounded

INDICATOR_CHARTS_PER_SLIDE = 2


def title_slide(inputs: Inputs, theme_names: list[str]) -> Slide:
    label = inputs.report.figures_label
    messages = [
        f"Briefing pack as at {fmt.long_date(inputs.as_at)}",
        "Themes: " + ", ".join(theme_names),
        fmt.first_upper(label),
    ]
    if inputs.demo:
        messages.append("DEMO DATA: the figures are invented for demonstration, not official")
    return Slide(inputs.strategy_title, "title", messages)


def headline_slide(inputs: Inputs) -> Slide:
    """Three things to know, first: a minister may read no further."""
    messages = say.headlines(inputs.report, inputs.previous, inputs.names)
    return Slide("Three things to know", "headline", messages)


def changes_slides(inputs: Inputs) -> list[Slide]:
    """What changed since last quarter, each commitment and indicator that moved."""
    title = "What changed since last quarter"
    if inputs.previous is None:
        return []
    changed = views.what_changed(inputs.previous, inputs.report)
    message = say.moved_message(inputs.report, inputs.previous, inputs.names)
    if changed.empty:
        return [Slide(title, "changes", [message])]
    table = changed.rename(columns={"Id": "Code"})
    return table_slides(title, "changes", table, [message])


def overview_slide(inputs: Inputs) -> Slide:
    report = inputs.report
    themes = report.themes
    commitments_chart = _by_theme(
        inputs,
        "commitments",
        report.commitments["status"],
        [t.commitments for t in themes],
        fmt.COMMITMENT_ORDER,
        say.commitments_title(report.commitments["status"]),
        "Commitments by status and theme",
    )
    indicators_chart = _by_theme(
        inputs,
        "indicators",
        report.indicators["status"],
        [t.indicators for t in themes],
        fmt.INDICATOR_ORDER,
        say.indicators_title(report.indicators["status"]),
        "Indicators against their trajectory, by status and theme",
    )
    due = sum(t.milestones_due for t in themes)
    done = sum(t.milestones_completed for t in themes)
    names = inputs.names
    messages = [
        say.commitments_message(report.commitments, names),
        say.delivery_message(done, due),
        say.milestones_message(report.milestones, names),
        say.indicators_message(report.indicators),
    ]
    cov = inputs.coverage
    if cov["period"]:
        messages.append(
            f"{cov['received']} of {cov['councils']} councils have sent their "
            f"{cov['period']} return."
        )
    return Slide(
        "Overview: the strategy as a whole",
        "overview",
        messages,
        [commitments_chart, indicators_chart],
    )


def _by_theme(
    inputs: Inputs,
    noun: str,
    statuses: pd.Series,
    counts: list[Mapping[str, int]],
    order,
    title: str,
    subtitle: str,
) -> Chart:
    """Commitments or indicators (``noun``, each with its status in ``statuses``) by status,
    one stacked bar per theme (``counts``: each theme's status → count)."""
    return Chart(
        name=f"overview-{noun}-by-theme",
        title=title,
        subtitle=subtitle,
        kind="stacked",
        categories=[t.name for t in inputs.report.themes],
        series={fmt.label(s): [theme[s] for theme in counts] for s in order},
        colours=[fmt.colour(s) for s in order],
        summary=fmt.counts_sentence(
            inputs.as_at, fmt.status_counts(statuses, order), len(statuses), noun
        ),
        value_axis=f"Number of {noun}",
        category="Theme",
    )


def _status_chart(inputs, theme_name, noun, statuses, order, title, what) -> Chart:
    """One theme's commitments or indicators counted by status, as a bar chart."""
    counts = fmt.status_counts(statuses, order)
    return Chart(
        name=f"{fmt_slug(theme_name)}-{noun}-by-status",
        title=title,
        subtitle=f"{theme_name}: {what}",
        kind="bar",
        categories=[fmt.label(s) for s in order],
        series={noun.capitalize(): list(counts.values())},
        colours=[fmt.colour(s) for s in order],
        summary=f"{theme_name}: " + fmt.counts_sentence(inputs.as_at, counts, len(statuses), noun),
        value_axis=f"Number of {noun}",
        category="Status",
    )


def theme_slide(inputs, theme_name, commitments, milestones, indicators) -> Slide:
    commitments_chart = _status_chart(
        inputs, theme_name, "commitments", commitments["status"], fmt.COMMITMENT_ORDER,
        say.commitments_title(commitments["status"]), "commitments by status",
    )  # fmt: skip
    # Indicators by status: the figures themselves are in different units, so each is drawn
    # against its own trajectory on the slides that follow (the rule's ratio is not shown).
    indicators_chart = _status_chart(
        inputs, theme_name, "indicators", indicators["status"], fmt.INDICATOR_ORDER,
        say.indicators_title(indicators["status"]),
        "indicators against their trajectory, by status",
    )  # fmt: skip
    due_by = milestones[milestones["due"].map(lambda d: d <= inputs.as_at).astype(bool)]
    done = int((due_by["status"] == "complete").sum())
    names = inputs.names
    commitments_said = say.commitments_message(commitments, names)
    on_milestones = (
        [say.milestones_message(milestones, names), say.delivery_message(done, len(due_by))]
        if not milestones.empty
        else [
            say.end(
                f"No milestones are set for {names.listed(commitments['id'], 3, say.NAME_WIDTH)}"
            )
        ]
    )
    messages = [commitments_said, *on_milestones, say.indicators_message(indicators)]
    manual = commitments[commitments["manual"]]
    for row in manual.itertuples(index=False):
        messages.append(
            f"{fmt.first_upper(names(row.id, say.NAME_WIDTH))} is {fmt.word(row.status).lower()} "
            "by manual judgement (the reason is in the data annex)."
        )
    gaps = commitments.loc[commitments["data_gap"], "id"].tolist()
    if gaps:
        have = "has" if len(gaps) == 1 else "have"
        listed = names.listed(gaps, 3, say.NAME_WIDTH)
        messages.append(f"Data gap: {listed} {have} an indicator without enough data.")
    charts_ = [commitments_chart] + ([indicators_chart] if len(indicators) else [])
    return Slide(f"{theme_name}", "theme", messages, charts_)


def indicator_slides(inputs: Inputs, theme_name: str, indicators: pd.DataFrame) -> list[Slide]:
    """Each indicator's national figure against its trajectory, a few to a slide."""
    drawn = [_trajectory_chart(inputs, row) for row in indicators.itertuples(index=False)]
    # An indicator with neither a figure nor a trajectory yet (its baseline is after the
    # as-at date) has nothing to draw: it is said in words on the theme's last slide.
    charts_ = [chart for chart in drawn if chart.categories]
    nothing = [
        f"{row.id} {row.name}: no figure or level set yet as at {fmt.long_date(inputs.as_at)}."
        for row, chart in zip(indicators.itertuples(index=False), drawn, strict=True)
        if not chart.categories
    ]
    slides = []
    for start in range(0, len(charts_), INDICATOR_CHARTS_PER_SLIDE):
        part = charts_[start : start + INDICATOR_CHARTS_PER_SLIDE]
        title = f"{theme_name}: indicators against trajectory"
        if start:
            title += " (continued)"
        slides.append(Slide(title, "indicators", [c.summary for c in part], part))
    if nothing and slides:
        slides[-1].messages += nothing
    elif nothing:
        slides.append(Slide(f"{theme_name}: indicators against trajectory", "indicators", nothing))
    return slides


def _trajectory_chart(inputs: Inputs, indicator) -> Chart:
    series = inputs.series[inputs.series["indicator_id"] == indicator.id]
    # Quarters before the first figure or trajectory point carry nothing to show.
    shown = series[series["compared_value"].notna() | series["trajectory"].notna()]
    unit = indicator.unit
    figure = [
        None if not ok else rounded(v, unit)
        for v, ok in zip(shown["compared_value"], shown["enough_coverage"], strict=True)
    ]
    status_text = fmt.indicator_status_text(
        indicator.status, indicator.authorities_reported, reported_by=indicator.reported_by
    ).lstrip(fmt.icon(indicator.status) + " ")
    if indicator.status == "no_data":
        title = f"{indicator.name}: not enough data to judge yet"
        summary = (
            f"{indicator.id} {indicator.name}: {status_text} as at {fmt.long_date(inputs.as_at)}."
        )
    else:
        title = f"{indicator.name}: {fmt.word(indicator.status).lower()}"
        reason = indicator_reason(indicator, council_count())
        summary = f"{indicator.id} {reason}; {status_text[:1].lower()}{status_text[1:]}."
    return Chart(
        name=f"{indicator.id}-against-trajectory",
        title=title,
        subtitle="National figure (solid) against trajectory (dashed), by quarter",
        kind="line",
        categories=shown["period"].tolist(),
        series={
            "National figure": figure,
            "Trajectory": [rounded(v, unit) for v in shown["trajectory"]],
        },
        colours=[fmt.PALETTE[0], fmt.PALETTE[1]],
        summary=summary,
        unit=indicator.unit,
        value_axis=fmt.axis_title(indicator.unit),
        category="Quarter",
    )


def milestone_slides(inputs: Inputs, milestones: pd.DataFrame) -> list[Slide]:
    order = {s: n for n, s in enumerate(fmt.MILESTONE_ORDER)}
    pressing = milestones[milestones["status"].isin(["overdue", "due_soon"])].copy()
    pressing["_order"] = pressing["status"].map(order)
    pressing = pressing.sort_values(["_order", "due", "id"])
    table = pd.DataFrame(
        {
            "Milestone": pressing["id"],
            "What": pressing["title"],
            "Commitment": pressing["commitment_id"],
            "Due": [
                fmt.due_text(d, o)[4:]
                for d, o in zip(pressing["due"], pressing["original_due"], strict=True)
            ],
            "Status": [fmt.label(s) for s in pressing["status"]],
        }
    )
    overdue = int((pressing["status"] == "overdue").sum())
    soon = int((pressing["status"] == "due_soon").sum())
    title = "Milestones overdue and due in the next 90 days"
    if table.empty:
        return [
            Slide(
                title,
                "milestones",
                [
                    "No milestone is overdue or due in the 90 days after "
                    f"{fmt.long_date(inputs.as_at)}."
                ],
            )
        ]
    message = f"{overdue} milestone{'s' if overdue != 1 else ''} overdue and {soon} due soon."
    return table_slides(title, "milestones", table, [message])


def commitments_table(commitments: pd.DataFrame) -> pd.DataFrame:
    """Each commitment with its status and why (the annex's table, the note's list)."""
    return pd.DataFrame(
        {
            "Commitment": commitments["id"],
            "Title": commitments["title"],
            "Theme": commitments["theme"].map(lambda t: fmt.THEME_NAMES.get(t, t)),
            "Status": [
                fmt.label(s) + (" (manual)" if m else "")
                for s, m in zip(commitments["status"], commitments["manual"], strict=True)
            ],
            "Why": commitments["reason"].fillna(""),
        }
    )


def annex_slides(commitments: pd.DataFrame, indicators: pd.DataFrame) -> list[Slide]:
    commitment_table = commitments_table(commitments)
    indicator_table = pd.DataFrame(
        {
            "Indicator": indicators["id"],
            "Name": indicators["name"].map(_short),
            "Quarter": indicators["latest_period"].fillna("none"),
            "Figure": [
                fmt.number(v, u) + (" (est.)" if e else "")
                for v, u, e in zip(
                    indicators["actual"], indicators["unit"], indicators["estimated"], strict=True
                )
            ],
            "Trajectory": [
                fmt.number(v, u)
                for v, u in zip(indicators["trajectory"], indicators["unit"], strict=True)
            ],
            "Status": views.indicator_statuses(indicators),
        }
    )
    shown = commitment_table.assign(Why=commitment_table["Why"].map(lambda t: _short(t, 120)))
    slides = table_slides("Data annex: commitments", "annex", shown, [], commitment_table)
    if not indicator_table.empty:
        slides += table_slides("Data annex: indicators", "annex", indicator_table, [])
    return slides


def revision_slides(inputs: Inputs, indicators: pd.DataFrame) -> list[Slide]:
    """A slide of the indicators whose figures were revised by more than the threshold
    (none when no revision is that large)."""
    rows = []
    for ind in indicators.itertuples(index=False):
        found = inputs.revisions.get(ind.id)
        if found is None or found.largest_share() <= inputs.revision_threshold:
            continue
        table = found.table.dropna(subset=["revision"])
        worst = table.loc[table["revision"].abs().idxmax()]
        rows.append(
            {
                "Indicator": ind.id,
                "Name": _short(ind.name),
                "Largest in": worst["period"],
                "First published": fmt.number(worst["first_published"], ind.unit),
                "Latest": fmt.number(worst["latest"], ind.unit),
                "Revision": fmt.number(worst["revision"], ind.unit),
                "Mean revision": fmt.number(found.mean_revision, ind.unit),
                "Mean absolute": fmt.number(found.mean_absolute_revision, ind.unit),
            }
        )
    if not rows:
        return []
    message = (
        f"{len(rows)} indicator{'s were' if len(rows) != 1 else ' was'} revised by more than "
        f"{inputs.revision_threshold:.0%} of the figure first published (first published: as "
        f"known at the return due date; latest: the {inputs.report.figures_label})."
    )
    return table_slides("Revisions to the figures", "revisions", pd.DataFrame(rows), [message])


def figures_slide(inputs: Inputs, what: str = "pack", example: str = "PACK.pptx") -> Slide:
    """What the pack's (or note's: ``what``) figures are, so that it can be rebuilt and
    checked exactly."""
    used = inputs.figures
    table = pd.DataFrame(
        {
            "": ["As at", "Figures", "Fingerprint (SHA-256)", "Figure rows", "Returns used"],
            "Value": [
                fmt.long_date(used.as_at),
                inputs.report.figures_label,
                used.fingerprint,
                f"{used.rows:,}",
                f"{len(used.submissions):,} versions of councils' and national returns",
            ],
        }
    )
    mode = " --revised" if used.revised else ""
    return Slide(
        f"Data annex: the figures in this {what}",
        "annex",
        [
            f"Rebuilding this {what} for the same date and figures gives the same fingerprint. "
            f"`stem-tracker briefing --check {example}` says whether it still matches the "
            f"tracker (rebuild: `stem-tracker briefing --as-at {used.as_at.isoformat()}{mode}`)."
        ],
        table=table,
    )


def _short(text: str, length: int = 48) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def fmt_slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
