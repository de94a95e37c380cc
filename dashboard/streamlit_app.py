"""STEM Strategy Tracker: the policy officers' dashboard.

Run with ``streamlit run dashboard/streamlit_app.py``. This file holds the
navigation and the chrome every page shares (as-at date, demo banner, the
figures' source); each page's layout is in ``app_pages/``.
"""

from __future__ import annotations

import streamlit as st

from dashboard import accessibility, auth, queries, state, ui
from etl import store
from etl.periods import Quarter

st.set_page_config(
    page_title="STEM Strategy Tracker",
    page_icon="📈",
    layout="wide",
    # "auto": open on a desktop, closed on a phone, where it would cover the page (1.4.10).
    initial_sidebar_state="auto",
)

# --- Sign-in and roles (issue 6) -----------------------------------------------------------
# Shows the sign-in screen and stops until someone with a role is signed in (local mode: one
# user with every role, localhost only, and a banner saying so).
user = auth.require_user()
auth.show_account(user)
returns_pages = auth.pages(user)  # none for a viewer

# One flat list, not sections: Streamlit puts section headers inside the navigation's <ul>,
# which screen readers then cannot read as a list (axe-core `list`, WCAG 1.3.1; issue 16).
pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/home:", default=True),
    st.Page("app_pages/commitments.py", title="Commitments", icon=":material/checklist:"),
    st.Page("app_pages/milestones.py", title="Milestones", icon=":material/event:"),
    st.Page("app_pages/councils.py", title="Councils", icon=":material/account_balance:"),
    st.Page("app_pages/equity.py", title="Equity", icon=":material/balance:"),
    st.Page("app_pages/briefing.py", title="Briefing pack", icon=":material/slideshow:"),
    # Send a return and All submissions, for the roles that may use them.
    *returns_pages,
    st.Page("app_pages/about.py", title="About the figures", icon=":material/info:"),
    st.Page(
        accessibility.STATEMENT_PAGE,
        title="Accessibility statement",
        icon=":material/accessibility:",
    ),
]
page = st.navigation(pages, expanded=True)
# Each page's own title in the browser tab, then the tracker's (WCAG 2.4.2): one title for
# every page told a screen reader, a tab list or the history nothing about which it was.
st.set_page_config(page_title=f"{page.title} · STEM Strategy Tracker")
WITHOUT_AS_AT = {"Send a return", "Releases"}
accessibility.styles()
accessibility.enter_applies_dates()


def _source() -> queries.Source | None:
    try:
        return queries.source()
    except queries.NotReady as error:
        st.session_state["_not_ready"] = str(error)
        return None


# A page never shows a traceback because another program holds the database (a long load
# from the command line): it says so, and the next click tries again.
try:
    source = _source()
    meta = queries.meta(source) if source else {}
    # Sending a return is not judged as at a date, and a release is built as at the date
    # chosen on its own page: the sidebar's date and revised switch would do nothing there,
    # so they are not shown.
    if page.title not in WITHOUT_AS_AT:
        state.as_at_picker(Quarter.parse(meta["start"]) if meta.get("start") else None)
    st.session_state["_source"] = source
    if meta.get("demo"):
        ui.demo_banner()
    # The link to this view, in a place kept for it in the sidebar: redrawn whenever the
    # page puts a choice in the address, so it holds them all even if the page stops early.
    state.link_slot(st.sidebar.empty() if page.title not in WITHOUT_AS_AT else None)
    page.run()
except store.StoreBusy:
    ui.store_busy()
