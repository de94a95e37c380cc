"""What every chart shares: the source line, the font, the finish (title, subtitle, source
line at the foot, summary in the meta), the empty chart and lines over quarters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from etl.councils import council_count
from etl.periods import Quarter

FONT = "Arial, Helvetica, sans-serif"


# Where the figures come from, in a reader's words (not our file names).
SOURCE = "Councils' quarterly progress returns; Scottish Government"
STRATEGY_SOURCE = "STEM Education and Training Strategy; Scottish Government"


def source_line(
    as_at: date,
    councils_reported: int | None = None,
    period: str | None = None,
    demo: bool = False,
    what: str = SOURCE,
    figures: str | None = None,
) -> str:
    """'As at 30 September 2025 · Source: … · 27 of 32 councils reported for 2025-Q3 ·
    Figures as known on 30 September 2025' (``figures``: the report's figures_label)."""
    parts = [f"As at {fmt.long_date(as_at)}", f"Source: {what}"]
    if councils_reported is not None:
        parts.append(
            f"{councils_reported} of {council_count()} councils reported"
            + (f" for {period}" if period else "")
        )
    if figures:
        parts.append(fmt.first_upper(figures))
    if demo:
        parts.append("DEMO DATA: invented figures, not official statistics")
    return " · ".join(parts)


def summary(fig: go.Figure) -> str:
    """The figure's one-sentence text summary (its alt text)."""
    meta = fig.layout.meta
    return meta.get("summary", "") if isinstance(meta, dict) else ""


def finish(
    fig: go.Figure,
    title: str,
    subtitle: str,
    source: str,
    text_summary: str,
    *,
    height: int = 420,
    data_name: str = "chart",
) -> go.Figure:
    """Shared look: finding as title, what is shown under it, source line at the foot."""
    lines = _wrap(source, 110, " · ")
    fig.update_layout(
        title=_heading(title, subtitle),
        font={"family": FONT, "color": fmt.TEXT, "size": 12},
        colorway=list(fmt.PALETTE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        # A builder that made room on the right for direct labels keeps it.
        margin={
            "l": 10,
            "r": max(30, fig.layout.margin.r or 0),
            "t": 30,
            "b": 70 + 14 * len(lines),
        },
        showlegend=False,
        meta={
            "summary": text_summary,
            "title": title,
            "subtitle": subtitle,
            "source": source,
            "name": data_name,
        },
    )
    _add_source_line(fig, lines)
    fig.update_xaxes(showline=True, linecolor="#888888", gridcolor=fmt.GRID, automargin=True)
    fig.update_yaxes(showline=True, linecolor="#888888", gridcolor=fmt.GRID, automargin=True)
    return fig


def _heading(title: str, subtitle: str) -> dict:
    """The layout's title: the finding in bold, what is shown in smaller type under it,
    each wrapped to the chart's width."""
    return {
        "text": "<br>".join(f"<b>{line}</b>" for line in _wrap(title, 78, " "))
        + "".join(
            f"<br><span style='font-size:13px'>{line}</span>"
            for line in _wrap(subtitle, 120, " ")
            if line
        ),
        "x": 0,
        "xref": "container",
        "xanchor": "left",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "pad": {"b": 18, "l": 10},
        "automargin": True,
        "font": {"size": 17, "color": fmt.TEXT},
    }


def _add_source_line(fig: go.Figure, lines: list[str]) -> None:
    """The source line at the foot, below the axis, as an annotation so that static
    exports keep it."""
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-58,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": "#555555"},
    )


def _wrap(text: str, width: int, separator: str) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken only at ``separator``
    (a longer part stands on a line of its own)."""
    lines: list[str] = []
    for part in text.split(separator):
        if lines and len(lines[-1]) + len(separator) + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return lines


def empty(title: str, message: str, source: str) -> go.Figure:
    """A chart-shaped message for when there is nothing to draw yet."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, "", source, message, height=260)


def quarter_end(period: str) -> pd.Timestamp:
    return pd.Timestamp(Quarter.parse(period).end)


def lines_by_scope(
    fig: go.Figure, frame: pd.DataFrame, column: str, unit: str, as_at: date
) -> None:
    """One line per scope (Scotland first, in palette order), each labelled at its end;
    labels whose ends are close are nudged apart so they stay readable. The time axis ends
    just after the as-at date, as the indicator chart's does, not years beyond the data
    (the council and equity charts)."""
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
