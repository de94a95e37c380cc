"""Overview: the four themes side by side, what changed, and how complete the returns are."""

import streamlit as st

from dashboard import format as fmt
from dashboard import queries, state, ui, views
from dashboard.charts import common, overview

src = state.require_source()
as_at, revised = state.as_at(), state.revised()
report = queries.status(src, as_at, revised)
meta = queries.meta(src)
previous_end = views.previous_quarter_end(as_at, meta["start"])
cover = views.coverage(report.returns, report.coverage_period)
source = common.source_line(
    as_at, cover["received"], cover["period"], meta["demo"], figures=report.figures_label
)

st.title("How the STEM Strategy is doing")
st.markdown(f"**As at {fmt.long_date(as_at)}.** {meta.get('title', '')}")
ui.figures_note(report)

# Two cards a row: four side by side left a laptop's screen (about 1,100 pixels) cutting
# theme names mid-word and the rate's label and figure short ("Milestone del…", "None…").
cards = views.theme_cards(report.themes)
pairs = [(column, card) for i in range(0, len(cards), 2)
         for column, card in zip(st.columns(2), cards[i:i + 2], strict=False)]  # fmt: skip
for column, card in pairs:
    with column.container(border=True):
        st.subheader(card["name"])
        st.metric("Milestone delivery rate", card["delivery"], help=card["delivery_detail"])
        st.caption(card["delivery_detail"])
        st.markdown(
            "**Commitments**  \n" + ui.status_count_lines(card["commitments"], fmt.COMMITMENT_ORDER)
        )
        st.markdown(
            "**Indicators**  \n" + ui.status_count_lines(card["indicators"], fmt.INDICATOR_ORDER)
        )

themes = views.themes_table(report.themes)
ui.chart(overview.commitments_by_theme(report.themes, as_at, source), themes, "commitments")
ui.chart(overview.delivery_by_theme(report.themes, as_at, source), themes, "delivery")
ui.chart(overview.indicators_by_theme(report.themes, as_at, source), themes, "indicators")

st.header("What changed since the previous quarter")
changed = (
    views.what_changed(queries.status(src, previous_end, revised), report) if previous_end else None
)
since = fmt.long_date(previous_end)
if changed is None:
    st.markdown("This is the strategy's first quarter: there is no earlier quarter to compare.")
elif changed.empty:
    st.markdown(f"No commitment or indicator changed status since {since}.")
else:
    st.markdown(f"{len(changed)} statuses moved since {since}.")
    st.dataframe(changed, hide_index=True, width="stretch")

st.header("As known against revised")
# The same date judged on the figures known that day and on the figures as they stand now:
# each status the later returns and corrections moved, and why.
known, now = queries.status(src, as_at, False), queries.status(src, as_at, True)
moved = views.what_changed(known, now)
if moved.empty:
    st.markdown(
        f"The returns sent after {fmt.long_date(as_at)} move no status: the figures as known "
        "that day and as they stand now give the same statuses."
    )
else:
    st.markdown(
        f"{len(moved)} statuses differ between the figures as known on "
        f"{fmt.long_date(as_at)} (Was) and as they stand now (Now), because of returns and "
        "corrections councils sent after that day:"
    )
    st.dataframe(moved, hide_index=True, width="stretch")

st.header("Data coverage")
if cover["period"]:
    st.metric(
        f"Councils that sent a return for {cover['period']}",
        f"{cover['received']} of {cover['councils']}",
    )
else:
    st.markdown("No quarter has ended since the strategy's start, so no return is due yet.")
st.page_link(
    "app_pages/councils.py", label="See every council's returns", icon=":material/account_balance:"
)
