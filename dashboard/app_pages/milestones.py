"""Milestones: every milestone on one timeline, the page to check before a stocktake."""

import streamlit as st

from dashboard import format as fmt
from dashboard import queries, state, ui, views
from dashboard.charts import common
from dashboard.charts import milestones as milestone_charts

src = state.require_source()
as_at = state.as_at()
report = queries.status(src, as_at, state.revised())
meta = queries.meta(src)

st.title("Milestones")
st.markdown(f"Every milestone in the strategy, as at **{fmt.long_date(as_at)}**.")

counts = fmt.status_counts(report.milestones["status"], fmt.MILESTONE_ORDER)
for column, (status, count) in zip(st.columns(4), counts.items(), strict=True):
    column.metric(fmt.label(status), count)

with st.container(border=True):
    # Every filter is kept in the address, so a shared link opens the same view.
    slipping = state.kept_toggle("Only overdue and due soon", key="m_slipping", param="slipping")
    left, right = st.columns(2)
    statuses = state.choose_many(
        "Status", fmt.MILESTONE_ORDER, "m_status", "status", format_func=fmt.label,
        container=left, disabled=slipping, placeholder="All statuses",
    )  # fmt: skip
    themes = state.choose_many(
        "Theme", list(fmt.THEME_NAMES), "m_theme", "theme", format_func=fmt.THEME_NAMES.get,
        container=right, placeholder="All themes",
    )  # fmt: skip
chosen = ["overdue", "due_soon"] if slipping else statuses
milestones = views.milestone_table(report.milestones, chosen, themes=themes)
st.markdown(f"**{len(milestones)} of {len(report.milestones)} milestones** shown.")

line = common.source_line(as_at, demo=meta["demo"], what=common.STRATEGY_SOURCE)
fig = milestone_charts.milestone_timeline(milestones, as_at, line, start=meta.get("published"))
ui.chart(fig, views.milestone_rows(milestones), "all_milestones")
st.dataframe(views.milestone_rows(milestones), hide_index=True, width="stretch")
