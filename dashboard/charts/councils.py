"""Councils' figures for an indicator: every council for a quarter, one council beside
Scotland over time, and the tile map."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish, lines_by_scope
from etl.councils import council_count


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
    lines_by_scope(fig, frame, "value", unit, as_at)
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
    """Scotland's councils as equal tiles on a grid, shaded by their figure (five bands,
    the value written on each tile, so colour is never the only cue).

    ``figures``: authority_code, authority_name, value. ``tiles``: code, row, col,
    short_name (data/council_tiles.csv: a name that fits on a tile).
    """
    name, unit = indicator["name"], indicator.get("unit", "count")
    frame = tiles.merge(figures, left_on="code", right_on="authority_code", how="left")
    bands = _fifths(frame["value"])
    fig = go.Figure()
    # One list of tiles, set once: add_shape per tile re-checks every shape before it.
    fig.update_layout(shapes=_tiles(frame, bands))
    _add_tile_text(fig, frame, bands, unit)
    fig.update_xaxes(visible=False, range=[-0.6, frame["col"].max() + 0.6], showgrid=False)
    fig.update_yaxes(
        visible=False, range=[-frame["row"].max() - 0.6, 0.6], showgrid=False,
        scaleanchor="x", scaleratio=1,
    )  # fmt: skip
    title, text = _tile_finding(frame, name, unit, period)
    # 960 px tall: a tile (about 80 px) then holds its short name and value in 11 px text.
    return finish(
        fig, title,
        f"{name} by council, {period}. Darker tiles: higher figures (fifths); grey: no figure",
        source, text, height=960, data_name=f"{indicator.get('id', '')}-tile-map-{period}",
    )  # fmt: skip


def _fifths(values: pd.Series) -> pd.Series:
    """Each council's band, 0 (lowest fifth) to 4, NaN without a figure; a lone figure
    takes the darkest."""
    if values.notna().sum() >= 2:
        return pd.qcut(values.rank(method="first"), 5, labels=False, duplicates="drop")
    return pd.Series(4, index=values.index).where(values.notna())


def _tiles(frame: pd.DataFrame, bands: pd.Series) -> list[dict]:
    """A square per council at its place on the grid, shaded by its band."""
    return [
        {"type": "rect", "layer": "below", "x0": col - 0.47, "x1": col + 0.47,
         "y0": -row - 0.47, "y1": -row + 0.47,
         "fillcolor": fmt.NO_DATA if pd.isna(band) else fmt.SEQUENTIAL[int(band)],
         "line": {"color": "white", "width": 2}}
        for row, col, band in zip(frame["row"], frame["col"], bands, strict=True)
    ]  # fmt: skip


def _add_tile_text(fig: go.Figure, frame: pd.DataFrame, bands: pd.Series, unit: str) -> None:
    """Each tile's short name and figure written on it (white on the darker bands), and the
    full name on hover."""
    values = frame["value"]
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


def _tile_finding(frame: pd.DataFrame, name: str, unit: str, period: str) -> tuple[str, str]:
    """The title (the council with the highest figure) and the summary (highest, lowest)."""
    values = frame["value"]
    reported = int(values.notna().sum())
    if not reported:
        return (
            f"No council has reported {name} for {period}",
            f"Tile map of Scotland's {council_count()} councils for {period}: no figures yet.",
        )
    top = frame.loc[values.idxmax()]
    title = f"{top['authority_name']} has the highest figure for {period}"
    text = (
        f"Tile map of Scotland's {council_count()} councils for {period}: {reported} reported; "
        "the highest "
        f"was {top['authority_name']} ({fmt.number(top['value'], unit)}), the lowest "
        f"{frame.loc[values.idxmin(), 'authority_name']} "
        f"({fmt.number(values.min(), unit)})."
    )
    return title, text
