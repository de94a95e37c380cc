"""Equity: women and girls' share against parity and the SIMD quintile gap, over time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish, lines_by_scope


def _against(frame: pd.DataFrame, column: str, unit: str, level: float, label: str, as_at: date):
    """``column`` over time, a line per scope, against a dashed reference ``level``; with
    the first scope and its latest row, which the title and summary speak of."""
    fig = go.Figure()
    fig.add_hline(y=level, line={"color": "#888888", "dash": "dash"})
    fig.add_annotation(
        x=0, xref="paper", y=level, yanchor="bottom", xanchor="left", showarrow=False,
        text=label, font={"color": "#555555"},
    )  # fmt: skip
    lines_by_scope(fig, frame, column, unit, as_at)
    first_scope = frame["scope"].iloc[0]
    return fig, first_scope, frame[frame["scope"] == first_scope].iloc[-1]


def female_share(frame: pd.DataFrame, indicator: Mapping, as_at: date, source: str) -> go.Figure:
    """Women and girls' share of the figure over time, nationally and for a council,
    against parity (50%). ``frame``: period, scope, female_share (0-100)."""
    name = indicator["name"]
    data = frame.dropna(subset=["female_share"])
    if data.empty:
        return empty(f"No figures by sex for {name} yet", "No breakdown by sex reported.", source)
    fig, first_scope, latest = _against(data, "female_share", "percent", 50, "parity (50%)", as_at)
    gap = latest["female_share"] - 50
    side = "below" if gap < 0 else "above"
    title = (
        f"Women and girls were {latest['female_share']:.0f}% in {latest['period']}, "
        f"{abs(gap):.0f} points {side} parity"
    )
    text = (
        f"In {latest['period']} women and girls made up {latest['female_share']:.1f}% of "
        f"{name} ({first_scope}), {abs(gap):.1f} percentage points {side} parity."
    )
    fig.update_yaxes(title_text="Female share (%)", range=[0, 100])
    return finish(fig, title, f"{name}: female share", source, text,
                  data_name=f"{indicator.get('id', '')}-female-share")  # fmt: skip


def simd_gap(frame: pd.DataFrame, indicator: Mapping, as_at: date, source: str) -> go.Figure:
    """The gap between the least (SIMD 5) and most (SIMD 1) deprived quintiles over time.

    ``frame``: period, scope, simd_gap (quintile 5 minus quintile 1, in the indicator's unit).
    """
    name, unit = indicator["name"], indicator.get("unit", "count")
    data = frame.dropna(subset=["simd_gap"])
    if data.empty:
        return empty(
            f"No figures by deprivation for {name} yet",
            "No breakdown by SIMD quintile reported.",
            source,
        )
    fig, first_scope, latest = _against(data, "simd_gap", unit, 0, "no gap", as_at)
    points = " percentage points" if unit == "percent" else ""
    gap = latest["simd_gap"]
    size = f"{abs(gap):.1f}{points}" if unit == "percent" else fmt.number(abs(gap), unit)
    if gap > 0:
        title = f"The most deprived areas trail the least deprived by {size} ({latest['period']})"
    elif gap < 0:
        title = f"The most deprived areas lead the least deprived by {size} ({latest['period']})"
    else:
        title = f"No gap between the most and least deprived areas ({latest['period']})"
    text = (
        f"In {latest['period']} the gap in {name} between SIMD quintile 5 (least "
        f"deprived) and quintile 1 (most deprived) was "
        f"{f'{gap:.1f}' if unit == 'percent' else fmt.number(gap, unit)}{points} "
        f"({first_scope})."
    )
    axis = (
        "Gap, quintile 5 minus 1 (percentage points)"
        if unit == "percent"
        else ("Gap, quintile 5 minus 1 (number)")
    )
    fig.update_yaxes(title_text=axis, zeroline=True)
    return finish(fig, title, f"{name}: least minus most deprived quintile", source, text,
                  data_name=f"{indicator.get('id', '')}-simd-gap")  # fmt: skip
