"""Councils: returns completeness, who to chase, one council against Scotland, the tile map."""

import streamlit as st

from dashboard import auth, mail_panel, queries, state, ui, views
from dashboard import format as fmt
from dashboard.charts import common
from dashboard.charts import councils as council_charts
from dashboard.charts import returns as returns_charts
from etl.councils import council_count

src = state.require_source()
as_at, revised = state.as_at(), state.revised()
report = queries.status(src, as_at, revised)
meta = queries.meta(src)
returns = report.returns

st.title("Councils")
st.markdown(
    f"Quarterly returns and figures from Scotland's {council_count()} councils, as at "
    f"**{fmt.long_date(as_at)}**."
)
ui.figures_note(report)

st.header("Returns received")
period = report.coverage_period
cover = views.coverage(returns, period)
source = common.source_line(as_at, cover["received"], cover["period"], meta["demo"],
                            what="councils' quarterly progress returns",
                            figures=report.figures_label)  # fmt: skip
quarters = st.slider("Quarters shown", 4, 16, 8, key="quarters")
recent = views.recent_returns(returns, quarters)
ui.chart(
    returns_charts.returns_grid(recent, as_at, source, period),
    views.returns_rows(recent),
    "returns_grid",
)
st.dataframe(views.completeness_grid(returns, quarters), width="stretch")

st.header("Councils to chase")
chasing = views.chasing_list(returns, period, as_at)
if period is None:
    st.markdown("No return is due yet.")
elif chasing.empty:
    st.success(f"Every council has sent its return for {period}.")
else:
    st.markdown(f"**{len(chasing)} councils** have not sent their return for {period}.")
    st.dataframe(chasing, hide_index=True, width="stretch")
    ui.csv_download(
        "Download the chasing list (CSV)", chasing, f"chasing-list-{period}.csv", "chasing_csv"
    )
    st.text_area("Reminder, ready to send", views.reminder_text(chasing, as_at), height=320)
    mail_panel.reminders_section(src.db, report, auth.page_user())
mail_panel.sent_section(src.db, auth.page_user())

st.header("One council against Scotland")
names = views.council_indicators(report.indicators)
if not names:
    st.markdown("No indicator is reported by councils.")
    st.stop()
councils = views.council_names(queries.strategy_table(src, "authorities"))
left, right = st.columns(2)
council = state.choose(
    "Council", list(councils), key="council", format_func=councils.get,
    container=left,
)  # fmt: skip
indicator_id = state.choose(
    "Indicator", list(names), key="indicator", format_func=lambda i: f"{i}: {names[i]}",
    container=right,
)  # fmt: skip
indicator = views.indicator_detail(
    report.indicators, queries.strategy_table(src, "indicators"), indicator_id
)
last = views.latest_quarter(indicator, returns) or "0000-Q0"
comparison = views.council_comparison(
    queries.council_series(src, indicator_id, council, last, as_at, revised),
    queries.national_series(src, as_at, indicator_id, revised),
    councils[council],
    indicator["aggregation"],
)
line = views.indicator_source(indicator, as_at, meta["demo"], report.figures_label)
ui.chart(
    council_charts.council_vs_national(comparison, indicator, councils[council], as_at, line),
    comparison,
    "council_vs_national",
)

st.header("Map of the councils")
period = views.latest_quarter(indicator, returns)
if period is None:
    st.markdown("No quarter has ended yet.")
else:
    figures = queries.council_figures(src, indicator_id, period, as_at, revised)
    ui.chart(
        council_charts.tile_map(figures, queries.council_tiles(), indicator, period, as_at, line),
        figures.rename(columns={"authority_name": "Council", "value": f"Figure ({period})"}),
        "tile_map",
    )
