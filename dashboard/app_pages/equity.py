"""Equity: female share against parity and the SIMD quintile gap, nationally and by council."""

import streamlit as st

from dashboard import format as fmt
from dashboard import queries, state, ui, views
from dashboard.charts import common, equity
from dashboard.charts import councils as council_charts

src = state.require_source()
as_at, revised = state.as_at(), state.revised()
report = queries.status(src, as_at, revised)
meta = queries.meta(src)

st.title("Equity")
st.markdown(
    "Who takes part: women and girls' share against parity, and the gap between the least "
    "(SIMD quintile 5) and most (quintile 1) deprived areas, as at "
    f"**{fmt.long_date(as_at)}**."
)
ui.figures_note(report)
with_breakdowns = views.breakdown_indicators(queries.strategy_table(src, "indicators"))
if not with_breakdowns:
    st.markdown("No indicator is reported with a breakdown by sex or deprivation.")
    st.stop()
names = views.labels(report.indicators)
councils = views.council_names(queries.strategy_table(src, "authorities"))
left, right = st.columns(2)
indicator_id = state.choose(
    "Indicator", list(with_breakdowns), key="indicator", container=left,
    format_func=lambda i: f"{i}: {names.get(i, i)}",
)  # fmt: skip
council = state.choose(
    "Council to compare with Scotland", [views.NATIONAL_CODE, *councils],
    key="council", container=right,
    format_func=lambda c: "None (Scotland only)" if c == views.NATIONAL_CODE else councils[c],
)  # fmt: skip
indicator = views.indicator_detail(
    report.indicators, queries.strategy_table(src, "indicators"), indicator_id
)
period = views.latest_quarter(indicator, report.returns)
if period is None:
    st.markdown("No quarter has ended yet.")
    st.stop()
breakdowns = queries.breakdowns(src, indicator_id, period, indicator["aggregation"], as_at, revised)
series = views.equity_series(breakdowns, councils, council)
line = common.source_line(
    as_at, indicator.get("authorities_reported"), period, meta["demo"],
    what="councils' quarterly progress returns (breakdowns)", figures=report.figures_label,
)  # fmt: skip

if "sex" in with_breakdowns[indicator_id]:
    st.header("Women and girls' share")
    ui.chart(equity.female_share(series, indicator, as_at, line), series, "female_share")
    by_council = views.equity_by_council(breakdowns, councils, period, "female_share")
    share = {**indicator, "name": f"Female share of {indicator['name']}", "unit": "percent"}
    bars = council_charts.council_bars(
        by_council, share, period, as_at, line, reference=(50, "parity")
    )
    ui.chart(bars, by_council, "female_share_councils")
else:
    st.caption(f"{indicator['name']} has no breakdown by sex, so no female share is shown.")
if "simd_quintile" in with_breakdowns[indicator_id]:
    st.header("Gap between the least and most deprived areas")
    ui.chart(equity.simd_gap(series, indicator, as_at, line), series, "simd_gap")
    by_council = views.equity_by_council(breakdowns, councils, period, "simd_gap")
    gap = {**indicator, "name": f"SIMD quintile 5 minus 1, {indicator['name']}"}
    ui.chart(council_charts.council_bars(by_council, gap, period, as_at, line), by_council,
             "simd_gap_councils")  # fmt: skip
else:
    st.caption(
        f"{indicator['name']} has no breakdown by SIMD quintile, so no gap between the most "
        "and least deprived areas is shown."
    )
