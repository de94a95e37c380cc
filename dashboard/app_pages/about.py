"""About: the status of the figures, the rules in plain words, sources, accessibility."""

import streamlit as st

from dashboard import accessibility, method, queries, state

st.title("About the figures")

src = state.source()
meta = queries.meta(src) if src else {"demo": False, "settings": {}}
if src is None:
    st.info(st.session_state.get("_not_ready", "The database is not ready."))
elif meta["demo"]:
    st.warning(
        "**The figures are demo data**: invented by `stem-tracker demo` to show how the tracker "
        "works. They are not official statistics and must not be quoted."
    )
else:
    st.success("The figures are councils' and national returns as loaded into the tracker.")

st.header("How statuses are worked out")
st.markdown(method.statuses_explained(meta.get("settings", {})))

st.header("Data sources")
st.markdown(method.sources())

st.header("Accessibility")
st.markdown(
    "Statuses are never shown by colour alone, and every chart has a summary sentence and its "
    "figures in a table. What is and is not accessible, and how to report a problem, is in "
    "the accessibility statement."
)
accessibility.footer()
