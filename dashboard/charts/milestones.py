"""The milestone timeline: a Gantt of milestones by due date, with the as-at date marked."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.charts.common import empty, finish


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
    labels = [_label(mid, title) for mid, title in zip(frame["id"], frame["title"], strict=True)]
    fig = go.Figure(_bars(frame, _bar_starts(frame, due, start), due, labels))
    moved = frame[pd.to_datetime(frame["original_due"]) != due]
    _mark_original_dues(fig, moved, labels)
    _mark_as_at(fig, as_at)
    fig.update_yaxes(autorange="reversed", title_text=None)
    fig.update_xaxes(type="date", title_text="Due date")
    fig.update_layout(barmode="overlay", bargap=0.3)
    title, text = _finding(frame, moved, as_at)
    return finish(
        fig, title, "Milestones by due date; the dashed line is the as-at date", source, text,
        height=max(300, 150 + 34 * len(frame)), data_name="milestones",
    )  # fmt: skip


def _label(milestone_id: str, title: str) -> str:
    """The milestone's id and title, the title cut to fit beside the bars."""
    return f"{milestone_id} {title[:48] + '…' if len(title) > 49 else title}"


def _bar_starts(frame: pd.DataFrame, due: pd.Series, start: date | None) -> pd.Series:
    """Where each bar begins: the commitment's previous milestone's due date (for its first,
    the strategy's start, else a year before the earliest due date); 90 days before its own
    due date where that is not earlier (due the same day as the one before, or before the
    start), so that every bar shows."""
    first = pd.Timestamp(start) if start else due.min() - pd.Timedelta(days=365)
    previous = due.groupby(frame["commitment_id"]).shift(1).fillna(first)
    return previous.where(previous < due, due - pd.Timedelta(days=90))


def _bars(frame: pd.DataFrame, begin: pd.Series, due: pd.Series, labels: list[str]) -> go.Bar:
    """One bar per milestone, coloured by its status and ending at its due date, with the
    status in words beside it and the due date (and any original one) on hover."""
    return go.Bar(
        base=begin.tolist(),
        x=[(d - b).total_seconds() * 1000 for d, b in zip(due, begin, strict=True)],
        y=labels,
        orientation="h",
        marker={
            "color": [fmt.colour(s) for s in frame["status"]],
            "line": {"color": "white", "width": 1},
        },
        text=[
            fmt.milestone_text(s, t) for s, t in zip(frame["status"], frame["on_time"], strict=True)
        ],
        textposition="outside",
        textfont={"color": fmt.TEXT},
        cliponaxis=False,
        customdata=[
            fmt.due_text(d, o) for d, o in zip(frame["due"], frame["original_due"], strict=True)
        ],
        hovertemplate="%{y}<br>%{customdata}<br>%{text}<extra></extra>",
    )


def _mark_original_dues(fig: go.Figure, moved: pd.DataFrame, labels: list[str]) -> None:
    """A hollow marker where a rebaselined milestone was first due."""
    if moved.empty:
        return
    fig.add_scatter(
        x=pd.to_datetime(moved["original_due"]).tolist(),
        y=[labels[i] for i in moved.index],
        mode="markers",
        marker={"symbol": "diamond-open", "size": 11, "color": fmt.TEXT},
        hovertemplate="originally due %{x|%-d %B %Y}<extra></extra>",
        name="originally due",
    )


def _mark_as_at(fig: go.Figure, as_at: date) -> None:
    """A dashed line at the as-at date, named at its top."""
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


def _finding(frame: pd.DataFrame, moved: pd.DataFrame, as_at: date) -> tuple[str, str]:
    """The title (overdue first, then due soon) and the one-sentence summary."""
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
    return title, text
