"""Pure figure builders for indicators: national figure against trajectory, councils,
the tile map and the equity breakdowns. Same conventions as ``charts`` (title states
the finding, source line in the figure, summary in ``layout.meta``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts import empty, finish
from etl.councils import council_count
from etl.periods import Quarter


def quarter_end(period: str) -> pd.Timestamp:
    return pd.Timestamp(Quarter.parse(period).end)


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
    name, unit = indicator["name"], indicator.get("unit", "count")
    status = indicator.get("status", "no_data")
    fig = go.Figure()
    path = [(indicator["baseline_period"], indicator["baseline_value"])] + list(
        zip(targets["period"], targets["value"], strict=True)
    )
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
            showarrow=True, arrowhead=0, ax=0, ay=-34, bgcolor="rgba(255,255,255,0.85)",
            font={"color": fmt.PALETTE[1]},
        )  # fmt: skip
    baseline_text = f"Baseline {path[0][0]}: {fmt.number(path[0][1], unit)}"
    fig.add_scatter(
        x=[quarter_end(path[0][0])],
        y=[path[0][1]],
        mode="markers",
        marker={"symbol": "square", "size": 9, "color": fmt.PALETTE[1]},
        name="Baseline",
        text=[baseline_text],
        hoverinfo="text",
    )
    # Below the first point and running right, into the plot: centred on the point, as the
    # targets are, it ran off the chart's left edge.
    fig.add_annotation(
        x=quarter_end(path[0][0]), y=path[0][1], text=baseline_text, showarrow=True,
        arrowhead=0, ax=0, ay=34, xanchor="left", bgcolor="rgba(255,255,255,0.85)",
        font={"color": fmt.PALETTE[1]},
    )  # fmt: skip
    if changes is not None and not changes.empty:
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
    data = series.copy()
    if not data.empty:
        shown = data["compared_value"].fillna(data["value"])
        enough = data["enough_coverage"].fillna(False).astype(bool)
        x = [quarter_end(p) for p in data["period"]]
        hover = [
            f"{p}: {fmt.number(v, unit)}"
            + (f" (estimated for {council_count()} councils)" if bool(e) else "")
            + ("" if pd.isna(n) else f"<br>{int(n)} of {council_count()} councils reported")
            for p, v, e, n in zip(
                data["period"],
                shown,
                data["estimated"].fillna(False),
                data["authorities_reported"],
                strict=True,
            )  # fmt: skip
        ]
        fig.add_scatter(
            x=[xi for xi, ok in zip(x, enough, strict=True) if ok],
            y=shown[enough].tolist(),
            mode="lines+markers",
            line={"color": fmt.PALETTE[0], "width": 3},
            marker={
                "size": 8,
                "color": ["white" if e else fmt.PALETTE[0] for e in data["estimated"][enough]],
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
                    h + "<br>insufficient data"
                    for h, ok in zip(hover, enough, strict=True)
                    if not ok
                ],  # fmt: skip
                hoverinfo="text",
            )
        if enough.any():
            last = data[enough].iloc[-1]
            n = _value(last, "authorities_reported")
            fig.add_annotation(
                x=quarter_end(last["period"]),
                y=shown[enough].iloc[-1],
                text=f"<b>National figure</b><br>{fmt.number(shown[enough].iloc[-1], unit)}"
                + (f" ({int(n)} of {council_count()} councils)" if n is not None else ""),
                showarrow=False,
                xanchor="left",
                xshift=8,
                font={"color": fmt.PALETTE[0]},
            )
    fig.add_vline(x=pd.Timestamp(as_at).value / 1e6, line={"color": "#888888", "dash": "dot"})
    fig.add_annotation(
        x=pd.Timestamp(as_at), y=0, yref="paper", yanchor="bottom", xanchor="right",
        text="as at", showarrow=False, font={"size": 11, "color": "#555555"},
    )  # fmt: skip
    first = quarter_end(path[0][0]) - pd.DateOffset(months=6)
    last = max(quarter_end(path[-1][0]), pd.Timestamp(as_at)) + pd.DateOffset(months=6)
    fig.update_xaxes(type="date", title_text="Quarter", range=[first, last])
    fig.update_yaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    status_text = fmt.indicator_status_text(
        status, indicator.get("authorities_reported"), reported_by=indicator.get("reported_by", "")
    )
    actual, expected = _value(indicator, "actual"), _value(indicator, "trajectory")
    latest = _value(indicator, "latest_period")
    if status == "no_data" or actual is None:
        title = f"{name}: not enough data to judge progress yet"
        text = f"As at {fmt.long_date(as_at)}, {name} has no quarter with enough data."
    else:
        title = f"{name}: {fmt.word(status).lower()}"
        if expected is not None:
            title += f", {fmt.number(actual, unit)} against {fmt.number(expected, unit)} expected"
        text = (
            f"As at {fmt.long_date(as_at)}, the latest quarter with enough data is {latest}: "
            f"{fmt.number(actual, unit)}"
            + (f" against a trajectory of {fmt.number(expected, unit)}" if expected else "")
            + f", so the indicator is {status_text.lstrip('●▲✖○✔ ').lower()}."
        )
    estimated = (
        ""
        if indicator.get("reported_by") == "national"
        else f"; hollow points estimated for all {council_count()} councils"
    )
    subtitle = (
        f"{status_text}. National figure (solid{estimated}) against trajectory (dashed) and targets"
    )
    if data.empty:
        subtitle = "No figures reported yet. Trajectory (dashed) and targets"
    fig = finish(fig, title, subtitle, source, text, height=440, data_name=indicator.get("id", ""))
    fig.update_layout(margin={"r": 150})  # room for the direct label at the line's end
    return fig


def council_bars(
    figures: pd.DataFrame, indicator: Mapping, period: str, as_at: date, source: str,
    highlight: str | None = None, reference: tuple[float, str] | None = None,
) -> go.Figure:  # fmt: skip
    """Every council's figure for one quarter, highest first; councils without one say so.

    ``figures``: authority_code, authority_name, value. ``reference``: a value to read the
    bars against, with its label, e.g. (50, "parity") for a female share.
    """
    name, unit = indicator["name"], indicator.get("unit", "count")
    frame = figures.sort_values("value", ascending=True, na_position="first")
    reported = frame["value"].notna()
    if not reported.any():
        return empty(
            f"No council has reported {name} for {period}",
            f"No council figures for {period}.",
            source,
        )
    colours = [
        fmt.PALETTE[3] if code == highlight else fmt.PALETTE[0] for code in frame["authority_code"]
    ]
    fig = go.Figure(
        go.Bar(
            y=frame["authority_name"].tolist(),
            x=frame["value"].fillna(0).tolist(),
            orientation="h",
            marker_color=colours,
            text=[fmt.number(v, unit) if pd.notna(v) else "no figure" for v in frame["value"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    average = frame["value"].mean()
    lines = [(average, f"council average {fmt.number(average, unit)}", fmt.PALETTE[1], "dash")]
    if reference is not None:
        lines.append((reference[0], reference[1], fmt.PALETTE[2], "dot"))
    for x, label, colour, dash in lines:
        # Behind the bars, so that the line never runs through a council's value label.
        fig.add_vline(x=x, line={"color": colour, "dash": dash}, layer="below")
        fig.add_annotation(
            x=x, y=1, yref="paper", yanchor="bottom", showarrow=False, text=label,
            font={"color": colour},
        )  # fmt: skip
    top = frame[reported].iloc[-1]
    title = f"{top['authority_name']} reported the highest figure for {period}"
    text = (
        f"{int(reported.sum())} of {len(frame)} councils reported {name} for {period}; "
        f"the highest was {top['authority_name']} ({fmt.number(top['value'], unit)}) and the "
        f"council average {fmt.number(average, unit)}."
    )
    fig.update_xaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    fig.update_yaxes(tickfont={"size": 11})
    return finish(
        fig, title, f"{name}, {period}, by council", source, text, height=760,
        data_name=f"{indicator.get('id', '')}-councils-{period}",
    )  # fmt: skip


def _lines(fig: go.Figure, frame: pd.DataFrame, column: str, unit: str, as_at: date) -> None:
    """One line per scope (Scotland first, in palette order), each labelled at its end;
    labels whose ends are close are nudged apart so they stay readable. The time axis ends
    just after the as-at date, as the indicator chart's does, not years beyond the data."""
    ends = []
    for n, (scope, part) in enumerate(frame.groupby("scope", sort=False)):
        part = part.dropna(subset=[column])
        if part.empty:
            continue
        colour = fmt.PALETTE[n % len(fmt.PALETTE)]
        x = [quarter_end(p) for p in part["period"]]
        fig.add_scatter(
            x=x, y=part[column].tolist(), mode="lines+markers", name=scope,
            line={"color": colour, "width": 3 if n == 0 else 2}, marker={"size": 6},
            hovertemplate=f"{scope} %{{x|%b %Y}}: %{{y:,.1f}}<extra></extra>",
        )  # fmt: skip
        ends.append((float(part[column].iloc[-1]), x[-1], scope, colour))
    values = frame[column].dropna()
    close = 0.06 * max(float(values.max() - values.min()), abs(float(values.max())), 1e-9)
    shift, previous = 0, None
    for value, x, scope, colour in sorted(ends, key=lambda end: end[0]):
        shift = shift + 16 if previous is not None and value - previous < close else 0
        previous = value
        fig.add_annotation(
            x=x, y=value, xanchor="left", xshift=8, yshift=shift, showarrow=False,
            text=f"<b>{scope}</b> {fmt.number(value, unit)}", font={"color": colour},
            bgcolor="rgba(255,255,255,0.85)",
        )  # fmt: skip
    firsts = [quarter_end(p) for p in frame.dropna(subset=[column])["period"]]
    start = min(firsts, default=pd.Timestamp(as_at)) - pd.DateOffset(months=6)
    end = max([*(x for _, x, _, _ in ends), pd.Timestamp(as_at)]) + pd.DateOffset(months=6)
    fig.update_xaxes(type="date", title_text="Quarter", range=[start, end])
    # Room for the longest end label (about 7 px a character at 12 px, bold name).
    longest = max((len(f"{scope} {fmt.number(v, unit)}") for v, _, scope, _ in ends), default=0)
    fig.update_layout(margin={"r": 20 + 7 * longest})


def council_vs_national(
    frame: pd.DataFrame, indicator: Mapping, council_name: str, as_at: date, source: str
) -> go.Figure:
    """One council's figure by quarter beside Scotland's (per-council average for counts).

    ``frame``: period, scope (council name or 'Scotland …'), value.
    """
    name, unit = indicator["name"], indicator.get("unit", "count")
    council = frame[frame["scope"] == council_name].dropna(subset=["value"])
    if council.empty:
        return empty(
            f"{council_name} has not reported {name} yet",
            f"No figures from {council_name} for this indicator.",
            source,
        )
    fig = go.Figure()
    _lines(fig, frame, "value", unit, as_at)
    last = council.iloc[-1]
    scotland = frame[(frame["scope"] != council_name) & (frame["period"] == last["period"])]
    national = scotland["value"].iloc[0] if not scotland.empty else None
    other = scotland["scope"].iloc[0] if not scotland.empty else "Scotland"
    if national is None or pd.isna(national):
        title = f"{council_name}: {fmt.number(last['value'], unit)} in {last['period']}"
    else:
        side = "above" if last["value"] >= national else "below"
        title = f"{council_name} was {side} {other} in {last['period']}"
    text = (
        f"In {last['period']} {council_name} reported {fmt.number(last['value'], unit)} for "
        f"{name}"
        + (
            f", against {fmt.number(national, unit)} for {other}."
            if national is not None and not pd.isna(national)
            else "."
        )  # fmt: skip
    )
    fig.update_yaxes(title_text=fmt.axis_title(unit), rangemode="tozero")
    return finish(fig, title, f"{name}: {council_name} and Scotland", source, text,
                  data_name=f"{indicator.get('id', '')}-council")  # fmt: skip


def tile_map(
    figures: pd.DataFrame, tiles: pd.DataFrame, indicator: Mapping, period: str, as_at: date,
    source: str,
) -> go.Figure:  # fmt: skip
    """Scotland's 32 councils as equal tiles on a grid, shaded by their figure (five bands,
    the value written on each tile, so colour is never the only cue).

    ``figures``: authority_code, authority_name, value. ``tiles``: code, row, col,
    short_name (data/council_tiles.csv: a name that fits on a tile).
    """
    name, unit = indicator["name"], indicator.get("unit", "count")
    frame = tiles.merge(figures, left_on="code", right_on="authority_code", how="left")
    values = frame["value"]
    fig = go.Figure()
    if values.notna().sum() >= 2:
        bands = pd.qcut(values.rank(method="first"), 5, labels=False, duplicates="drop")
    else:
        bands = pd.Series(4, index=frame.index).where(values.notna())
    for (_, row), band in zip(frame.iterrows(), bands, strict=True):
        fill = fmt.NO_DATA if pd.isna(band) else fmt.SEQUENTIAL[int(band)]
        fig.add_shape(
            type="rect", layer="below", x0=row["col"] - 0.47, x1=row["col"] + 0.47,
            y0=-row["row"] - 0.47, y1=-row["row"] + 0.47, fillcolor=fill,
            line={"color": "white", "width": 2},
        )  # fmt: skip
    dark = [pd.notna(b) and int(b) >= 2 for b in bands]
    fig.add_scatter(
        x=frame["col"].tolist(),
        y=(-frame["row"]).tolist(),
        mode="text",
        text=[
            f"{n}<br><b>{fmt.number(v, unit) if pd.notna(v) else 'no figure'}</b>"
            for n, v in zip(frame["short_name"], values, strict=True)
        ],
        textfont={"size": 11, "color": ["white" if d else fmt.TEXT for d in dark]},
        hovertext=[
            f"{n}: {fmt.number(v, unit) if pd.notna(v) else 'no figure'}"
            for n, v in zip(frame["authority_name"], values, strict=True)
        ],
        hoverinfo="text",
    )
    fig.update_xaxes(visible=False, range=[-0.6, frame["col"].max() + 0.6], showgrid=False)
    fig.update_yaxes(
        visible=False, range=[-frame["row"].max() - 0.6, 0.6], showgrid=False,
        scaleanchor="x", scaleratio=1,
    )  # fmt: skip
    reported = int(values.notna().sum())
    if reported:
        top = frame.loc[values.idxmax()]
        title = f"{top['authority_name']} has the highest figure for {period}"
        text = (
            f"Tile map of Scotland's {council_count()} councils for {period}: {reported} reported; "
            "the highest "
            f"was {top['authority_name']} ({fmt.number(top['value'], unit)}), the lowest "
            f"{frame.loc[values.idxmin(), 'authority_name']} "
            f"({fmt.number(values.min(), unit)})."
        )
    else:
        title = f"No council has reported {name} for {period}"
        text = f"Tile map of Scotland's {council_count()} councils for {period}: no figures yet."
    # 960 px tall: a tile (about 80 px) then holds its short name and value in 11 px text.
    return finish(
        fig, title,
        f"{name} by council, {period}. Darker tiles: higher figures (fifths); grey: no figure",
        source, text, height=960, data_name=f"{indicator.get('id', '')}-tile-map-{period}",
    )  # fmt: skip


def _against(frame: pd.DataFrame, column: str, unit: str, level: float, label: str, as_at: date):
    """``column`` over time, a line per scope, against a dashed reference ``level``; with
    the first scope and its latest row, which the title and summary speak of."""
    fig = go.Figure()
    fig.add_hline(y=level, line={"color": "#888888", "dash": "dash"})
    fig.add_annotation(
        x=0, xref="paper", y=level, yanchor="bottom", xanchor="left", showarrow=False,
        text=label, font={"color": "#555555"},
    )  # fmt: skip
    _lines(fig, frame, column, unit, as_at)
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
