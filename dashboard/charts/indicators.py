"""An indicator's national figure by quarter against its trajectory and targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import finish, quarter_end
from etl.councils import council_count

LABEL_REACH = pd.Timedelta(days=120)  # an as-at line this close after the line's end


def _value(row: Mapping, key: str):
    value = row.get(key)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def indicator_vs_trajectory(
    series: pd.DataFrame,
    indicator: Mapping,
    targets: pd.DataFrame,
    as_at: date,
    source: str,
    changes: pd.DataFrame | None = None,
) -> go.Figure:
    """The national figure by quarter against the trajectory from baseline to targets.

    ``series``: the status engine's national_series (period, value, authorities_reported,
    coverage, estimated, compared_value, trajectory, enough_coverage).
    ``indicator``: one row of the report's indicators plus baseline_period/baseline_value.
    ``targets``: period, value. ``changes``: was_period, was_value (rebaselined targets).
    """
    unit = indicator.get("unit", "count")
    path = [(indicator["baseline_period"], indicator["baseline_value"])] + list(
        zip(targets["period"], targets["value"], strict=True)
    )
    national = _national_by_quarter(series)
    fig = go.Figure()
    _add_trajectory(fig, path, targets, unit, national)
    _add_baseline(fig, path[0], unit)
    if changes is not None and not changes.empty:
        _add_original_targets(fig, changes, unit, national)
    if not series.empty:
        _add_national_figure(fig, series, unit, as_at)
    _add_as_at(fig, as_at)
    first = quarter_end(path[0][0]) - pd.DateOffset(months=6)
    last = max(quarter_end(path[-1][0]), pd.Timestamp(as_at)) + pd.DateOffset(months=6)
    fig.update_xaxes(type="date", title_text="Quarter", range=[first, last])
    fig.update_yaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    status_text = fmt.indicator_status_text(
        indicator.get("status", "no_data"),
        indicator.get("authorities_reported"),
        reported_by=indicator.get("reported_by", ""),
    )
    title, text = _finding(indicator, as_at, status_text)
    fig = finish(
        fig, title, _subtitle(indicator, series, status_text), source, text, height=440,
        data_name=indicator.get("id", ""),
    )  # fmt: skip
    fig.update_layout(margin={"r": 150})  # room for the direct label at the line's end
    return fig


def _shown(series: pd.DataFrame) -> pd.Series:
    """Each quarter's national figure as the chart draws it: the figure compared with the
    trajectory (estimated for every council) where there is one, else the figure reported."""
    return series["compared_value"].fillna(series["value"])


def _national_by_quarter(series: pd.DataFrame) -> dict[str, float]:
    """The national figure as shown, by quarter (where it is known)."""
    if series.empty:
        return {}
    shown = _shown(series)
    return {p: v for p, v in zip(series["period"], shown, strict=True) if not pd.isna(v)}


def _label_offset(period: str, value: float, national: dict[str, float]) -> int:
    """Where a target's label goes, in pixels from its point: on the side away from the
    national line (the figure that quarter, or the latest before it), so that the line never
    runs through the words; above when there is no figure yet."""
    known = [p for p in national if p <= period] or sorted(national)[:1]
    return 34 if known and national[max(known)] > value else -34


def _add_trajectory(
    fig: go.Figure, path: list, targets: pd.DataFrame, unit: str, national: dict[str, float]
) -> None:
    """The dashed trajectory from the baseline through each target, each target marked and
    labelled on the side of its point away from the national line."""
    fig.add_scatter(
        x=[quarter_end(p) for p, _ in path],
        y=[v for _, v in path],
        mode="lines",
        line={"color": fmt.PALETTE[1], "dash": "dash", "width": 2},
        name="Trajectory",
        hovertemplate="Trajectory %{x|%b %Y}: %{y:,.1f}<extra></extra>",
    )
    fig.add_scatter(
        x=[quarter_end(p) for p in targets["period"]],
        y=targets["value"].tolist(),
        mode="markers",
        marker={"symbol": "diamond", "size": 12, "color": fmt.PALETTE[1]},
        name="Target",
        text=[f"Target {p}: {fmt.number(v, unit)}" for p, v in path[1:]],
        hoverinfo="text",
    )
    for period, value in path[1:]:
        fig.add_annotation(
            x=quarter_end(period), y=value, text=f"Target {period}: {fmt.number(value, unit)}",
            showarrow=True, arrowhead=0, ax=0, ay=_label_offset(period, value, national),
            bgcolor="rgba(255,255,255,0.85)", font={"color": fmt.PALETTE[1]},
        )  # fmt: skip


def _add_baseline(fig: go.Figure, baseline: tuple, unit: str) -> None:
    period, value = baseline
    baseline_text = f"Baseline {period}: {fmt.number(value, unit)}"
    fig.add_scatter(
        x=[quarter_end(period)],
        y=[value],
        mode="markers",
        marker={"symbol": "square", "size": 9, "color": fmt.PALETTE[1]},
        name="Baseline",
        text=[baseline_text],
        hoverinfo="text",
    )
    # Below the first point and running right, into the plot: centred on the point, as the
    # targets are, it ran off the chart's left edge.
    fig.add_annotation(
        x=quarter_end(period), y=value, text=baseline_text, showarrow=True,
        arrowhead=0, ax=0, ay=34, xanchor="left", bgcolor="rgba(255,255,255,0.85)",
        font={"color": fmt.PALETTE[1]},
    )  # fmt: skip


def _add_original_targets(
    fig: go.Figure, changes: pd.DataFrame, unit: str, national: dict[str, float]
) -> None:
    """A hollow diamond where a rebaselined target first stood, labelled as the targets are
    (a static chart has no hover to say what it is)."""
    fig.add_scatter(
        x=[quarter_end(p) for p in changes["was_period"]],
        y=changes["was_value"].tolist(),
        mode="markers",
        marker={"symbol": "diamond-open", "size": 12, "color": fmt.TEXT},
        text=[
            f"Original target {p}: {fmt.number(v, unit)}"
            for p, v in zip(changes["was_period"], changes["was_value"], strict=True)
        ],
        hoverinfo="text",
    )
    for period, value in zip(changes["was_period"], changes["was_value"], strict=True):
        fig.add_annotation(
            x=quarter_end(period), y=value, text=f"Original target {period}: "
            f"{fmt.number(value, unit)}", showarrow=True, arrowhead=0, ax=0,
            ay=_label_offset(period, value, national), bgcolor="rgba(255,255,255,0.85)",
            font={"color": fmt.TEXT, "size": 11},
        )  # fmt: skip


def _add_national_figure(fig: go.Figure, series: pd.DataFrame, unit: str, as_at: date) -> None:
    """The national figure as a solid line where enough councils reported (hollow points:
    estimated), grey open points where too few did, and a label at the line's end (past the
    as-at line when that is near, so the dotted line does not run through the words)."""
    shown = _shown(series)
    enough = series["enough_coverage"].fillna(False).astype(bool)
    x = [quarter_end(p) for p in series["period"]]
    hover = _figure_hover(series, shown, unit)
    fig.add_scatter(
        x=[xi for xi, ok in zip(x, enough, strict=True) if ok],
        y=shown[enough].tolist(),
        mode="lines+markers",
        line={"color": fmt.PALETTE[0], "width": 3},
        marker={
            "size": 8,
            "color": ["white" if e else fmt.PALETTE[0] for e in series["estimated"][enough]],
            "line": {"color": fmt.PALETTE[0], "width": 2},
        },
        name="National figure",
        text=[h for h, ok in zip(hover, enough, strict=True) if ok],
        hoverinfo="text",
    )
    if (~enough).any():
        fig.add_scatter(
            x=[xi for xi, ok in zip(x, enough, strict=True) if not ok],
            y=shown[~enough].tolist(),
            mode="markers",
            marker={"symbol": "circle-open", "size": 8, "color": fmt.NO_DATA},
            name="Too few councils reported",
            text=[
                h + "<br>insufficient data" for h, ok in zip(hover, enough, strict=True) if not ok
            ],
            hoverinfo="text",
        )
    if enough.any():
        last = series[enough].iloc[-1]
        n = _value(last, "authorities_reported")
        end = quarter_end(last["period"])
        fig.add_annotation(
            x=max(end, pd.Timestamp(as_at)) if pd.Timestamp(as_at) - end < LABEL_REACH else end,
            y=shown[enough].iloc[-1],
            text=f"<b>National figure</b><br>{fmt.number(shown[enough].iloc[-1], unit)}"
            + (f" ({int(n)} of {council_count()} councils)" if n is not None else ""),
            showarrow=False,
            xanchor="left",
            xshift=8,
            font={"color": fmt.PALETTE[0]},
        )


def _figure_hover(series: pd.DataFrame, shown: pd.Series, unit: str) -> list[str]:
    """Each quarter's figure, whether it is estimated and how many councils reported."""
    return [
        f"{p}: {fmt.number(v, unit)}"
        + (f" (estimated for {council_count()} councils)" if bool(e) else "")
        + ("" if pd.isna(n) else f"<br>{int(n)} of {council_count()} councils reported")
        for p, v, e, n in zip(
            series["period"],
            shown,
            series["estimated"].fillna(False),
            series["authorities_reported"],
            strict=True,
        )  # fmt: skip
    ]


def _add_as_at(fig: go.Figure, as_at: date) -> None:
    fig.add_vline(x=pd.Timestamp(as_at).value / 1e6, line={"color": "#888888", "dash": "dot"})
    fig.add_annotation(
        x=pd.Timestamp(as_at), y=0, yref="paper", yanchor="bottom", xanchor="right",
        text="as at", showarrow=False, font={"size": 11, "color": "#555555"},
    )  # fmt: skip


def _finding(indicator: Mapping, as_at: date, status_text: str) -> tuple[str, str]:
    """The title (the status and the latest figure against the expected one) and the
    one-sentence summary."""
    name, unit = indicator["name"], indicator.get("unit", "count")
    status = indicator.get("status", "no_data")
    actual, expected = _value(indicator, "actual"), _value(indicator, "trajectory")
    if status == "no_data" or actual is None:
        title = f"{name}: not enough data to judge progress yet"
        return title, f"As at {fmt.long_date(as_at)}, {name} has no quarter with enough data."
    title = f"{name}: {fmt.word(status).lower()}"
    if expected is not None:
        title += f", {fmt.number(actual, unit)} against {fmt.number(expected, unit)} expected"
    text = (
        f"As at {fmt.long_date(as_at)}, the latest quarter with enough data is "
        f"{_value(indicator, 'latest_period')}: {fmt.number(actual, unit)}"
        + (f" against a trajectory of {fmt.number(expected, unit)}" if expected else "")
        + f", so the indicator is {status_text.lstrip('●▲✖○✔ ').lower()}."
    )
    return title, text


def _subtitle(indicator: Mapping, series: pd.DataFrame, status_text: str) -> str:
    if series.empty:
        return "No figures reported yet. Trajectory (dashed) and targets"
    estimated = (
        ""
        if indicator.get("reported_by") == "national"
        else f"; hollow points estimated for all {council_count()} councils"
    )
    return (
        f"{status_text}. National figure (solid{estimated}) against trajectory (dashed) and targets"
    )
