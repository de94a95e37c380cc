"""The revisions chart: each quarter's national figure as first published against the latest
(a pure figure builder, like every chart)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish


def revisions_chart(revisions, source: str) -> go.Figure:
    """``revisions``: etl.revisions.Revisions for one indicator."""
    table, unit, name = revisions.table, revisions.unit, revisions.name
    if table.empty:
        return empty(
            f"No figure of {name} has been published yet",
            "No quarter has a national figure yet, so nothing has been revised.",
            source,
        )
    fig = go.Figure()
    _add_lines(fig, table)
    title, text = _finding(revisions)
    fig.update_xaxes(title_text="Quarter", type="category")
    fig.update_yaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    fig.update_layout(margin={"r": 110})
    return finish(
        fig, title, f"{revisions.indicator_id}: national figure as first published (dashed) "
        "and latest (solid), by quarter", source, text,
        data_name=f"{revisions.indicator_id}-revisions",
    )  # fmt: skip


def _add_lines(fig: go.Figure, table: pd.DataFrame) -> None:
    """The first-published line (dashed) and the latest (solid), each labelled at its end."""
    ends = [_last(table, "first_published"), _last(table, "latest")]
    same_end = None not in ends and abs(ends[0][1] - ends[1][1]) <= 0.02 * max(
        abs(ends[1][1]), 1e-9
    )
    for column, label, dash, colour in (
        ("first_published", "First published", "dash", fmt.PALETTE[1]),
        ("latest", "First published and latest" if same_end else "Latest", "solid",
         fmt.PALETTE[0]),
    ):  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=table["period"].tolist(),
                y=table[column].tolist(),
                mode="lines+markers",
                name=label,
                line={"dash": dash, "color": colour},
                hovertemplate=f"{label} %{{x}}: %{{y:,.1f}}<extra></extra>",
            )
        )
        # Direct labels at the end (the legend is off, as on every chart); one label where
        # both lines end at the same figure, so that the two never overprint.
        last = _last(table, column)
        if last is not None and not (same_end and column == "first_published"):
            fig.add_annotation(
                x=last[0], y=last[1], text=label, showarrow=False, xanchor="left",
                xshift=8, font={"color": colour},
            )  # fmt: skip


def _finding(revisions) -> tuple[str, str]:
    """The title (how large revisions are, or that there were none) and the summary."""
    table, unit, name = revisions.table, revisions.unit, revisions.name
    revised = table["revision"].dropna()
    if revised.empty or not (revised != 0).any():
        title = f"{name}: no figure has been revised since it was first published"
        text = f"{len(table)} quarters; " + (
            "none has a figure first published to compare."
            if revised.empty
            else f"each of the {len(revised)} is as first published."
        )
        return title, text
    mean, absolute = revisions.mean_revision, revisions.mean_absolute_revision
    worst = table.loc[table["revision"].abs().idxmax()]
    title = (
        f"{name}: revisions average {fmt.number(absolute, unit)} either way; the largest "
        f"was {worst['period']}"
    )
    text = (
        f"Over {len(revised)} quarters the mean revision was {_signed(mean, unit)} and the "
        f"mean absolute revision {fmt.number(absolute, unit)}; the largest, "
        f"{_signed(worst['revision'], unit)}, was to {worst['period']} (first published "
        f"{fmt.number(worst['first_published'], unit)}, latest "
        f"{fmt.number(worst['latest'], unit)})."
    )
    return title, text


def _signed(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "no figure"
    return ("+" if value > 0 else "") + fmt.number(value, unit)


def _last(table: pd.DataFrame, column: str) -> tuple[str, float] | None:
    """(quarter, figure) of the column's last figure, or None when it has none."""
    known = table[table[column].notna()]
    return None if known.empty else (known["period"].iloc[-1], float(known[column].iloc[-1]))
