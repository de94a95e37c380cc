"""The overview's charts: commitments and indicators by status, and milestone delivery,
one bar per theme."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish
from etl.status import ThemeCounts


def _status_by_theme(
    names: list[str], counts: list[Mapping[str, int]], order: tuple[str, ...], noun: str
) -> tuple[go.Figure, dict[str, int]]:
    """``counts``: each theme's status → count, in the order of ``names``."""
    names = names[::-1]  # first theme at the top
    fig = go.Figure()
    totals: dict[str, int] = {}
    for status in order:
        bars = [theme.get(status, 0) for theme in counts][::-1]
        totals[status] = sum(bars)
        if not sum(bars):
            continue
        fig.add_bar(
            y=names,
            x=bars,
            orientation="h",
            name=fmt.word(status),
            marker={"color": fmt.colour(status), "line": {"color": "white", "width": 1}},
            text=[f"{fmt.icon(status)} {n} {fmt.word(status).lower()}" if n else "" for n in bars],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": fmt.text_on(fmt.colour(status))},
            hovertemplate="%{y}: %{x} " + noun + " " + fmt.word(status).lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_xaxes(title_text=f"Number of {noun}", rangemode="tozero", dtick=1)
    return fig, totals


def commitments_by_theme(themes: Sequence[ThemeCounts], as_at: date, source: str) -> go.Figure:
    """Commitments by status, one stacked bar per theme (status words and icons on the bars)."""
    fig, totals = _status_by_theme(
        [t.name for t in themes], [t.commitments for t in themes], fmt.COMMITMENT_ORDER,
        "commitments",
    )  # fmt: skip
    total = sum(totals.values())
    if not total:
        return empty("No commitments to show", "The strategy has no commitments yet.", source)
    text = fmt.counts_sentence(as_at, totals, total, "commitments across the four themes")
    return finish(
        fig, fmt.commitments_headline(totals, total), "Commitments by status and theme",
        source, text, height=360,
        data_name="commitments-by-theme",
    )  # fmt: skip


def indicators_by_theme(themes: Sequence[ThemeCounts], as_at: date, source: str) -> go.Figure:
    """Indicators by status (on track, at risk, off track, no data), one bar per theme."""
    fig, totals = _status_by_theme(
        [t.name for t in themes], [t.indicators for t in themes], fmt.INDICATOR_ORDER,
        "indicators",
    )  # fmt: skip
    total = sum(totals.values())
    if not total:
        return empty("No indicators to show", "The strategy declares no indicators.", source)
    text = fmt.counts_sentence(as_at, totals, total, "indicators")
    return finish(
        fig, fmt.indicators_headline(totals, total),
        "Indicators against their trajectory, by theme", source, text, height=360,
        data_name="indicators-by-theme",
    )  # fmt: skip


def delivery_by_theme(themes: Sequence[ThemeCounts], as_at: date, source: str) -> go.Figure:
    """Milestone delivery rate (completed of those due by the as-at date), one bar per theme."""
    due = pd.Series([t.milestones_due for t in themes], dtype="int64")
    done = pd.Series([t.milestones_completed for t in themes], dtype="int64")
    if not due.sum():
        return empty(
            "No milestones were due yet",
            f"No milestone fell due by {fmt.long_date(as_at)}.",
            source,
        )
    rate = (done / due.where(due > 0) * 100).round(0)
    names = [t.name for t in themes][::-1]
    labels = [
        f"{r:.0f}% ({d} of {n} due)" if n else "none due yet"
        for r, d, n in zip(rate.tolist(), done.tolist(), due.tolist(), strict=True)
    ][::-1]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=rate.fillna(0).tolist()[::-1],
            orientation="h",
            marker_color=fmt.PALETTE[0],
            text=labels,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    overall = done.sum() / due.sum() * 100
    best = themes[rate.idxmax()].name if rate.notna().any() else None
    title = f"{overall:.0f}% of milestones due have been delivered"
    text = (
        f"As at {fmt.long_date(as_at)}, {done.sum()} of {due.sum()} milestones due were "
        f"completed ({overall:.0f}%)"
        + (f"; {best} has the highest delivery rate." if best else ".")
    )
    fig.update_xaxes(
        title_text="Milestones due that were completed (%)", range=[0, 118],
        tickvals=[0, 25, 50, 75, 100],
    )  # fmt: skip
    return finish(
        fig, title, "Milestone delivery rate by theme", source, text, height=360,
        data_name="delivery-by-theme",
    )  # fmt: skip
