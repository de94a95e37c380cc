"""Commitments: a filterable table, then one commitment: milestones, indicators, councils."""

import streamlit as st

from dashboard import format as fmt
from dashboard import queries, state, ui, views
from dashboard.charts import common
from dashboard.charts import councils as council_charts
from dashboard.charts import indicators as indicator_charts
from dashboard.charts import milestones as milestone_charts
from dashboard.charts import revisions as revision_charts

src = state.require_source()
as_at, revised = state.as_at(), state.revised()
report = queries.status(src, as_at, revised)
meta = queries.meta(src)
declared = queries.strategy_table(src, "commitments")

st.title("Commitments")
st.markdown(f"Every commitment in the strategy and its status as at **{fmt.long_date(as_at)}**.")
ui.figures_note(report)

choices = views.commitment_filters(report.commitments)
with st.container(border=True):
    # Every filter is kept in the address, so a shared link opens the same view.
    search = state.kept_text("Search titles, ids and leads", key="search", param="search")
    columns = st.columns(4)
    themes = state.choose_many(
        "Theme", choices["theme"], "f_theme", "theme",
        format_func=lambda t: fmt.THEME_NAMES.get(t, t), container=columns[0],
    )  # fmt: skip
    leads = state.choose_many("Lead", choices["lead"], "f_lead", "lead", container=columns[1])
    sectors = state.choose_many(
        "Sector", choices["sector"], "f_sector", "sector", container=columns[2]
    )
    statuses = state.choose_many(
        "Status", choices["status"], "f_status", "status", format_func=fmt.label,
        container=columns[3],
    )  # fmt: skip
table = views.commitment_table(report.commitments, themes, leads, sectors, statuses, search)
st.markdown(f"**{len(table)} of {len(report.commitments)} commitments** match.")
st.dataframe(table, hide_index=True, width="stretch")

if report.commitments.empty:
    st.stop()
titles = views.labels(report.commitments, name="title")
chosen = state.choose(
    "Open a commitment",
    list(table["Commitment"]) or list(titles),
    key="commitment",
    format_func=lambda c: f"{c}: {titles.get(c, '')}",
)
commitment = views.commitment_detail(report.commitments, declared, chosen)

st.header(f"{chosen}: {commitment['title']}")
st.markdown(f"### {commitment['status_text']}")
if commitment["manual"]:
    st.info(
        f"**Status set by hand** by {commitment['override_by']} on "
        f"{fmt.long_date(commitment['override_date'])}: {commitment['reason']}"
    )
elif commitment["reason"]:
    st.markdown(f"**Why:** {commitment['reason']}")
if commitment["data_gap"]:
    st.warning("**Data gap:** at least one indicator has too few figures to judge.")
st.markdown(
    f"**Theme:** {fmt.THEME_NAMES.get(commitment['theme'], commitment['theme'])}"
    + (
        f" (also {', '.join(fmt.THEME_NAMES.get(t, t) for t in commitment['also_themes'])})"
        if commitment["also_themes"]
        else ""
    )
    + f"  \n**Lead:** {commitment['lead']}  \n**Sectors:** {', '.join(commitment['sectors'])}"
)
if commitment["source_text"]:
    with st.container(border=True):
        st.markdown(f"**What the strategy says** ({commitment['source_title']}):")
        st.markdown(f"> {commitment['source_text']}")

st.subheader("Milestones")
milestones = views.milestone_table(report.milestones, commitment=chosen)
if milestones.empty:
    st.markdown("This commitment has no dated milestones.")
else:
    line = common.source_line(as_at, demo=meta["demo"], what=common.STRATEGY_SOURCE)
    fig = milestone_charts.milestone_timeline(milestones, as_at, line, start=meta.get("published"))
    ui.chart(fig, views.milestone_rows(milestones), f"milestones_{chosen}")
    st.dataframe(views.milestone_rows(milestones), hide_index=True, width="stretch")

st.subheader("Indicators")
indicators = views.commitment_indicators(report.indicators, chosen)
if indicators.empty:
    st.markdown("This commitment has no indicator with figures.")
    st.stop()
st.dataframe(views.indicator_rows(indicators), hide_index=True, width="stretch")
names = views.labels(indicators)
indicator_id = state.choose(
    "Indicator", list(names), key="indicator", format_func=lambda i: f"{i}: {names[i]}"
)
indicator = views.indicator_detail(
    report.indicators, queries.strategy_table(src, "indicators"), indicator_id
)
targets, changes = views.targets_of(
    queries.strategy_table(src, "indicator_targets"),
    queries.strategy_table(src, "indicator_changes"),
    indicator_id,
)
series = queries.national_series(src, as_at, indicator_id, revised)
source = views.indicator_source(indicator, as_at, meta["demo"], report.figures_label)
ui.chart(
    indicator_charts.indicator_vs_trajectory(series, indicator, targets, as_at, source, changes),
    views.series_table(series, indicator["unit"]),
    f"indicator_{indicator_id}",
)
for text in views.target_changes(changes, targets, indicator["unit"]):
    st.markdown(text)

st.subheader("Revisions")
st.markdown(
    "Each quarter's national figure as first published (as known on its return's due date) "
    f"against the latest ({report.figures_label}): councils' late returns and corrections "
    "revise it."
)
revisions = queries.revisions(src, indicator_id, as_at, revised)
since = views.revised_since_text(
    queries.revised_since(src, indicator_id, as_at, revised), indicator["unit"]
)
if since:
    st.info(since)
ui.chart(
    revision_charts.revisions_chart(revisions, source),
    views.revisions_rows(revisions),
    f"revisions_{indicator_id}",
)
st.markdown(
    f"**Mean revision** {fmt.number(revisions.mean_revision, indicator['unit'])}; "
    f"**mean absolute revision** {fmt.number(revisions.mean_absolute_revision, indicator['unit'])}."
)
with st.expander("Revisions triangle: each quarter as known at each later quarter end"):
    st.dataframe(views.revisions_triangle(revisions), hide_index=True, width="stretch")

if indicator["reported_by"] != "national" and indicator["latest_period"]:
    period = indicator["latest_period"]
    figures = queries.council_figures(src, indicator_id, period, as_at, revised)
    ui.chart(
        council_charts.council_bars(figures, indicator, period, as_at, source),
        figures.rename(columns={"authority_name": "Council", "value": f"Figure ({period})"}),
        f"councils_{indicator_id}",
    )
