"""Returns completeness: councils down, quarters across, each cell the return's status."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish


def returns_grid(
    grid: pd.DataFrame, as_at: date, source: str, period: str | None = None
) -> go.Figure:
    """Completeness: councils down, quarters across, each cell an icon and a colour.

    ``grid``: authority_name, period, status (long form, one row per council and quarter).
    ``period``: the quarter the title and summary count, the status report's
    ``coverage_period`` (the latest whose returns are due), so the title agrees with the
    chasing list and the overview; by default the latest quarter shown.
    """
    if grid.empty:
        return empty("No returns are due yet", "No quarter has ended since the start.", source)
    periods = sorted(grid["period"].unique())
    names = sorted(grid["authority_name"].unique(), reverse=True)
    wide = grid.pivot_table(
        index="authority_name", columns="period", values="status", aggfunc="first"
    ).reindex(index=names, columns=periods)
    look = _looks()
    fig = go.Figure(_cells(wide, look))
    _add_icons(fig, wide, look)
    title, text_summary = _finding(grid, period or periods[-1], as_at)
    key = "   ".join(f"{look[s][0]} {fmt.word(s)}" for s in fmt.RETURN_ORDER)
    fig.update_xaxes(side="top", title_text=None, showgrid=False, type="category")
    fig.update_yaxes(showgrid=False, type="category")
    fig = finish(
        fig, title, f"Quarterly returns by council. Key: {key}", source, text_summary,
        height=200 + 22 * len(names), data_name="returns-completeness",
    )  # fmt: skip
    fig.update_layout(title_pad_b=32)  # room for the quarters along the top
    return fig


def _looks() -> dict[str, tuple[str, str]]:
    """Each return status's (icon, colour)."""
    # A return not yet due is neutral grey here, not a milestone's on-track colour.
    return {s: (fmt.return_label(s).split(" ")[0], fmt.return_colour(s)) for s in fmt.RETURN_ORDER}


def _cells(wide: pd.DataFrame, look: dict[str, tuple[str, str]]) -> go.Heatmap:
    """The coloured cells: each status a code, drawn in its own colour by a stepped scale."""
    codes = {s: n for n, s in enumerate(fmt.RETURN_ORDER)}
    z = wide.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    text = wide.apply(lambda col: col.map(lambda s: look[s][0])).fillna("").to_numpy()
    steps = len(fmt.RETURN_ORDER)
    scale = []
    for n, status in enumerate(fmt.RETURN_ORDER):
        scale += [[n / steps, look[status][1]], [(n + 1) / steps, look[status][1]]]
    return go.Heatmap(
        z=z,
        x=list(wide.columns),
        y=list(wide.index),
        text=text,
        customdata=wide.apply(lambda col: col.map(fmt.word)).fillna("").to_numpy(),
        colorscale=scale,
        zmin=-0.5,
        zmax=steps - 0.5,
        showscale=False,
        xgap=2,
        ygap=2,
        hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>",
    )


def _add_icons(fig: go.Figure, wide: pd.DataFrame, look: dict[str, tuple[str, str]]) -> None:
    """The icons go on a text layer so each takes the text colour that reads on its cell."""
    cells = wide.stack().dropna().rename("status").reset_index()
    fig.add_scatter(
        x=cells["period"],
        y=cells["authority_name"],
        mode="text",
        text=[look[s][0] for s in cells["status"]],
        textfont={"color": [fmt.text_on(look[s][1]) for s in cells["status"]], "size": 12},
        hoverinfo="skip",
        showlegend=False,
    )


def _finding(grid: pd.DataFrame, period: str, as_at: date) -> tuple[str, str]:
    """The title (how many councils have sent the quarter's return) and the summary."""
    counts = grid[grid["period"] == period]["status"].value_counts()
    received = int(counts.get("submitted_on_time", 0) + counts.get("submitted_late", 0))
    overdue = int(counts.get("overdue", 0))
    title = (
        f"{received} of {grid['authority_name'].nunique()} councils have sent their {period} return"
    )
    return title, f"As at {fmt.long_date(as_at)}, {title}; {overdue} overdue."
