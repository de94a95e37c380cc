"""The revisions chart: each quarter's national figure as first published against the latest
(a pure figure builder, like every chart)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts import empty, finish


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
    for column, label, dash, colour in (
        ("first_published", "First published", "dash", fmt.PALETTE[1]),
        ("latest", "Latest", "solid", fmt.PALETTE[0]),
    ):
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
        # Direct labels at the end: the legend is off, as on every chart.
        last = table[table[column].notna()].iloc[-1] if table[column].notna().any() else None
        if last is not None:
            fig.add_annotation(
                x=last["period"], y=last[column], text=label, showarrow=False, xanchor="left",
                xshift=8, font={"color": colour},
            )  # fmt: skip
    revised = table["revision"].dropna()
    mean, absolute = revisions.mean_revision, revisions.mean_absolute_revision
    if revised.empty:
        title = f"{name}: no figure has been revised since it was first published"
        text = f"{len(table)} quarters; none has a figure first published to compare."
    else:
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
    fig.update_xaxes(title_text="Quarter", type="category")
    fig.update_yaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    fig.update_layout(margin={"r": 110})
    return finish(
        fig, title, f"{revisions.indicator_id}: national figure as first published (dashed) "
        "and latest (solid), by quarter", source, text,
        data_name=f"{revisions.indicator_id}-revisions",
    )  # fmt: skip


def _signed(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "no figure"
    return ("+" if value > 0 else "") + fmt.number(value, unit)
