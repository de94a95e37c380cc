"""Accessibility statement, in the form of the regulations' model statement.

Layout only: the known issues, the test date and method come from dashboard.accessibility,
which the axe-core browser test reads too.
"""

import streamlit as st

from dashboard import accessibility as a11y
from dashboard import format as fmt

st.title("Accessibility statement for the STEM Strategy Tracker")
st.markdown(
    """
This statement applies to the STEM Strategy Tracker, the dashboard that follows Scotland's
STEM Education and Training Strategy and receives councils' quarterly returns. It is run by
the Scottish Government's STEM Strategy team. We want as many people as possible to be able
to use it. For example, you should be able to:
- zoom in up to 400% and read every page in a window 320 pixels wide, without scrolling
  sideways for text;
- use every page, send a return and build a briefing pack with the keyboard alone, and see
  where the keyboard focus is;
- read every chart's figures without seeing the chart: each chart has a title, a summary
  sentence under it and its figures in a table (*Data for this chart*) with a CSV download;
- tell statuses apart without colour: each has a word and a symbol (✔ complete, ● on track,
  ▲ at risk, ✖ off track, ○ no data; for milestones and returns ■ overdue,
  ◆ due soon, ◇ not yet due, ☑ on time, ◐ late: one symbol, one meaning);
- use a screen reader (we test the pages' structure with axe-core).
"""
)

st.header("How accessible this service is")
st.markdown(
    """
We know some parts are not fully accessible:
- the charts are interactive graphics that a screen reader cannot explore point by point:
  use the summary under each chart and its data table, which hold the same figures;
- the tile map on the Councils page shows councils as equal squares, not their real shapes,
  and lists the same figures in its table;
- long tables (more than a screenful) are shown in Streamlit's data grid, which a screen
  reader reads cell by cell with its arrow keys; short ones are plain HTML tables.
"""
)
for issue in a11y.KNOWN_ISSUES:
    st.markdown(f"- {issue.what}")

st.header("Reporting accessibility problems with this service")
st.markdown(
    f"""
We are always looking to improve the accessibility of this service. If you find a problem
that is not listed on this page, or you need a page, a return template or a briefing pack in
a different format, contact {a11y.CONTACT}.
"""
)

st.header("Enforcement procedure")
st.markdown(
    """
The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public
Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the
'accessibility regulations'). If you are not happy with how we respond to your complaint,
contact the [Equality Advisory and Support Service (EASS)](https://www.equalityadvisoryservice.com/).
"""
)

st.header("Technical information about this service's accessibility")
st.markdown(
    """
The Scottish Government is committed to making its websites accessible, in accordance with
the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations
2018.
"""
)
st.subheader("Compliance status")
if a11y.KNOWN_ISSUES:
    st.markdown(
        "This service is partially compliant with the [Web Content Accessibility Guidelines "
        "version 2.2](https://www.w3.org/TR/WCAG22/) AA standard, because of the "
        "non-compliances listed below."
    )
else:
    st.markdown(
        "This service is fully compliant with the [Web Content Accessibility Guidelines "
        "version 2.2](https://www.w3.org/TR/WCAG22/) AA standard as far as our testing shows "
        "(automated tests find only part of the problems people meet; tell us of any other)."
    )

st.subheader("Non-accessible content")
if not a11y.KNOWN_ISSUES:
    st.markdown("We know of no content that fails WCAG 2.2 AA.")
for issue in a11y.KNOWN_ISSUES:
    reported = f" Reported to Streamlit: <{issue.upstream}>." if issue.upstream else ""
    st.markdown(
        f"**{issue.what}** This fails WCAG 2.2 success criterion {issue.criterion}. "
        f"It comes from Streamlit, the software the dashboard is built with: "
        f"{issue.why_not_fixed}{reported}"
    )

st.header("How we tested this service")
st.markdown(
    f"""
This statement was prepared on {fmt.long_date(a11y.LAST_TESTED)}. The service was last tested
on {fmt.long_date(a11y.LAST_TESTED)} by the team that builds it: {a11y.HOW_TESTED} The tests
run again on every change (tests/browser/test_accessibility.py).
"""
)
