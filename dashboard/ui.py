"""Layout pieces every page repeats: a chart with its summary and data, status badges."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts
from dashboard import format as fmt

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def chart(fig: go.Figure, data: pd.DataFrame, key: str) -> None:
    """The chart with its summary as alt text and as a visible sentence, and its data."""
    summary = charts.summary(fig)
    # theme=None: the page shows the figure exactly as it is exported for briefings.
    st.plotly_chart(
        fig,
        key=f"chart_{key}",
        config=PLOTLY_CONFIG,
        width="stretch",
        theme=None,
        alt=f"{fig.layout.meta.get('title', '')}. {summary}",
    )
    st.caption(summary)
    with st.expander("Data for this chart"):
        st.dataframe(data, hide_index=True, width="stretch")
        st.download_button(
            "Download the data (CSV)",
            data.to_csv(index=False).encode("utf-8"),
            file_name=f"{fig.layout.meta.get('name', key) or key}.csv",
            mime="text/csv",
            key=f"csv_{key}",
        )


def status_counts(counts: dict[str, int], order: tuple[str, ...]) -> str:
    """'✖ 2 off track', '▲ 1 at risk', … one to a line, as markdown."""
    return "  \n".join(f"{fmt.icon(s)} {counts.get(s, 0)} {fmt.word(s).lower()}" for s in order)


def demo_banner() -> None:
    st.warning(
        "**Demo data.** These figures are invented to show how the tracker works; "
        "they are not official statistics.",
        icon="⚠️",
    )
