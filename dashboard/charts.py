"""Pure figure builders for statuses and milestones: data frame + as_at + source line in,
plotly Figure out. No ``st.`` here, so the briefing pack and tests use them as they are.

Every figure carries its own title (stating the finding), the as-at date and
source line (as an annotation, so static exports keep them) and a one-sentence
summary in ``layout.meta["summary"]`` (read it with ``summary(fig)``), which the
page shows under the chart and exports use as alt text. Indicator, council and
equity charts are in ``charts_indicators``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from etl.councils import council_count

FONT = "Arial, Helvetica, sans-serif"


def source_line(
    as_at: date,
    councils_reported: int | None = None,
    period: str | None = None,
    demo: bool = False,
    what: str = "councils' quarterly progress returns and commitments.yaml",
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
    lines = _wrap(source)
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{line}</b>" for line in _wrap_words(title, 78))
            + "".join(
                f"<br><span style='font-size:13px'>{line}</span>"
                for line in _wrap_words(subtitle, 120)
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
        },
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
    fig.update_xaxes(showline=True, linecolor="#888888", gridcolor=fmt.GRID, automargin=True)
    fig.update_yaxes(showline=True, linecolor="#888888", gridcolor=fmt.GRID, automargin=True)
    return fig


def _wrap_words(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _wrap(source: str, width: int = 110) -> list[str]:
    """The source line in lines of at most ``width`` characters, broken at its dots."""
    lines: list[str] = []
    for part in source.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
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


def _status_by_theme(
    themes: pd.DataFrame, prefix: str, order: tuple[str, ...], noun: str
) -> tuple[go.Figure, dict[str, int]]:
    names = themes["name"].tolist()[::-1]  # first theme at the top
    fig = go.Figure()
    totals: dict[str, int] = {}
    for status in order:
        column = f"{prefix}_{status}"
        counts = themes[column].fillna(0).astype(int).tolist()[::-1] if column in themes else []
        totals[status] = sum(counts)
        if not sum(counts):
            continue
        fig.add_bar(
            y=names,
            x=counts,
            orientation="h",
            name=fmt.word(status),
            marker={"color": fmt.colour(status), "line": {"color": "white", "width": 1}},
            text=[
                f"{fmt.icon(status)} {n} {fmt.word(status).lower()}" if n else "" for n in counts
            ],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": fmt.text_on(fmt.colour(status))},
            hovertemplate="%{y}: %{x} " + noun + " " + fmt.word(status).lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.35)
    fig.update_xaxes(title_text=f"Number of {noun}", rangemode="tozero", dtick=1)
    return fig, totals


def commitments_by_theme(themes: pd.DataFrame, as_at: date, source: str) -> go.Figure:
    """Commitments by status, one stacked bar per theme (status words and icons on the bars)."""
    fig, totals = _status_by_theme(themes, "commitments", fmt.COMMITMENT_ORDER, "commitments")
    total = sum(totals.values())
    if not total:
        return empty("No commitments to show", "The strategy has no commitments yet.", source)
    text = fmt.counts_sentence(as_at, totals, total, "commitments across the four themes")
    return finish(
        fig, fmt.commitments_headline(totals, total), "Commitments by status and theme",
        source, text, height=360,
        data_name="commitments-by-theme",
    )  # fmt: skip


def indicators_by_theme(themes: pd.DataFrame, as_at: date, source: str) -> go.Figure:
    """Indicators by status (on track, at risk, off track, no data), one bar per theme."""
    fig, totals = _status_by_theme(themes, "indicators", fmt.INDICATOR_ORDER, "indicators")
    total = sum(totals.values())
    if not total:
        return empty("No indicators to show", "The strategy declares no indicators.", source)
    text = fmt.counts_sentence(as_at, totals, total, "indicators")
    return finish(
        fig, fmt.indicators_headline(totals, total),
        "Indicators against their trajectory, by theme", source, text, height=360,
        data_name="indicators-by-theme",
    )  # fmt: skip


def delivery_by_theme(themes: pd.DataFrame, as_at: date, source: str) -> go.Figure:
    """Milestone delivery rate (completed of those due by the as-at date), one bar per theme."""
    due = themes["milestones_due"].fillna(0).astype(int)
    done = themes["milestones_completed"].fillna(0).astype(int)
    if not due.sum():
        return empty(
            "No milestones were due yet",
            f"No milestone fell due by {fmt.long_date(as_at)}.",
            source,
        )
    rate = (done / due.where(due > 0) * 100).round(0)
    names = themes["name"].tolist()[::-1]
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
    best = themes.loc[rate.idxmax(), "name"] if rate.notna().any() else None
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


def milestone_timeline(
    milestones: pd.DataFrame, as_at: date, source: str, start: date | None = None
) -> go.Figure:
    """Gantt of milestones: a bar from the previous milestone (or the strategy's start)
    to each due date, the status in words on the bar, a line at the as-at date.

    ``milestones``: id, commitment_id, title, due, original_due, completed, status, on_time.
    """
    if milestones.empty:
        return empty("No milestones to show", "No milestone matches this choice.", source)
    frame = milestones.sort_values(["commitment_id", "due"]).reset_index(drop=True)
    due = pd.to_datetime(frame["due"])
    first = pd.Timestamp(start) if start else due.min() - pd.Timedelta(days=365)
    previous = due.groupby(frame["commitment_id"]).shift(1).fillna(first)
    begin = previous.where(previous < due, due - pd.Timedelta(days=90))
    labels = [
        f"{cid} {title[:48] + '…' if len(title) > 49 else title}"
        for cid, title in zip(frame["id"], frame["title"], strict=True)
    ]
    words = [
        fmt.milestone_text(s, t) for s, t in zip(frame["status"], frame["on_time"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            base=begin.tolist(),
            x=[(d - b).total_seconds() * 1000 for d, b in zip(due, begin, strict=True)],
            y=labels,
            orientation="h",
            marker={
                "color": [fmt.colour(s) for s in frame["status"]],
                "line": {"color": "white", "width": 1},
            },
            text=words,
            textposition="outside",
            textfont={"color": fmt.TEXT},
            cliponaxis=False,
            customdata=[
                fmt.due_text(d, o) for d, o in zip(frame["due"], frame["original_due"], strict=True)
            ],
            hovertemplate="%{y}<br>%{customdata}<br>%{text}<extra></extra>",
        )
    )
    # A hollow marker where a rebaselined milestone was first due.
    moved = frame[pd.to_datetime(frame["original_due"]) != due]
    if not moved.empty:
        fig.add_scatter(
            x=pd.to_datetime(moved["original_due"]).tolist(),
            y=[labels[i] for i in moved.index],
            mode="markers",
            marker={"symbol": "diamond-open", "size": 11, "color": fmt.TEXT},
            hovertemplate="originally due %{x|%-d %B %Y}<extra></extra>",
            name="originally due",
        )
    fig.add_vline(x=pd.Timestamp(as_at).value / 1e6, line={"color": fmt.TEXT, "dash": "dash"})
    fig.add_annotation(
        x=pd.Timestamp(as_at),
        y=1,
        yref="paper",
        text=f"as at {fmt.long_date(as_at)}",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11},
    )
    fig.update_yaxes(autorange="reversed", title_text=None)
    fig.update_xaxes(type="date", title_text="Due date")
    fig.update_layout(barmode="overlay", bargap=0.3)
    counts = frame["status"].value_counts()
    overdue, soon = int(counts.get("overdue", 0)), int(counts.get("due_soon", 0))
    complete = int(counts.get("complete", 0))
    if overdue:
        title = f"{overdue} of {len(frame)} milestones are overdue"
    elif soon:
        title = f"No milestone is overdue; {soon} due in the next 90 days"
    else:
        title = f"No milestone is overdue ({complete} of {len(frame)} complete)"
    text = (
        f"As at {fmt.long_date(as_at)}, of {len(frame)} milestones {complete} are complete, "
        f"{overdue} overdue, {soon} due soon and {int(counts.get('not_yet_due', 0))} not yet due."
    )
    if not moved.empty:
        text += f" {len(moved)} had their due date moved (diamond: the original date)."
    return finish(
        fig, title, "Milestones by due date; the dashed line is the as-at date", source, text,
        height=max(300, 150 + 34 * len(frame)), data_name="milestones",
    )  # fmt: skip


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
    codes = {s: n for n, s in enumerate(fmt.RETURN_ORDER)}
    # A return not yet due is neutral here (○, grey), not a milestone's "● Not yet due".
    look = {s: (fmt.return_label(s).split(" ")[0], fmt.return_colour(s)) for s in fmt.RETURN_ORDER}
    z = wide.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    text = wide.apply(lambda col: col.map(lambda s: look[s][0])).fillna("").to_numpy()
    steps = len(fmt.RETURN_ORDER)
    scale = []
    for n, status in enumerate(fmt.RETURN_ORDER):
        scale += [[n / steps, look[status][1]], [(n + 1) / steps, look[status][1]]]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=periods,
            y=names,
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
    )
    # The icons go on a text layer so each takes the text colour that reads on its cell.
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
    latest = period or periods[-1]
    latest_counts = grid[grid["period"] == latest]["status"].value_counts()
    received = int(
        latest_counts.get("submitted_on_time", 0) + latest_counts.get("submitted_late", 0)
    )
    overdue = int(latest_counts.get("overdue", 0))
    title = (
        f"{received} of {grid['authority_name'].nunique()} councils have sent their {latest} return"
    )
    key = "   ".join(f"{look[s][0]} {fmt.word(s)}" for s in fmt.RETURN_ORDER)
    text_summary = f"As at {fmt.long_date(as_at)}, {title}; {overdue} overdue."
    fig.update_xaxes(side="top", title_text=None, showgrid=False, type="category")
    fig.update_yaxes(showgrid=False, type="category")
    fig = finish(
        fig, title, f"Quarterly returns by council. Key: {key}", source, text_summary,
        height=200 + 22 * len(names), data_name="returns-completeness",
    )  # fmt: skip
    fig.update_layout(title_pad_b=32)  # room for the quarters along the top
    return fig
