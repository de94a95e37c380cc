"""What every page shares: the as-at date and the figures' source, and the URL they live in.

Widgets bound to the URL (``bind="query-params"``) keep the as-at date and the
chosen commitment, council and indicator in the address bar, so a link in an
e-mail opens the same view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import streamlit as st

from dashboard import format as fmt
from dashboard import queries, views

EARLIEST = date(2017, 10, 1)  # the strategy's first quarter


def _pick(day: date) -> None:
    st.session_state["as_at"] = day


def as_at_picker() -> date:
    """The as-at date in the sidebar (default today), with the ends of recent quarters."""
    today = date.today()
    with st.sidebar:
        chosen = st.date_input(
            "Status as at",
            value=today,
            min_value=EARLIEST,
            max_value=date(today.year + 10, 12, 31),
            key="as_at",
            bind="query-params",
            format="DD/MM/YYYY",
            help="Every status, chart and export is worked out as at this date.",
        )
        st.caption("Quick choice: the end of a recent quarter")
        ends = views.quarter_ends(today, 4)
        columns = st.columns(2)
        for n, end in enumerate(ends):
            columns[n % 2].button(
                f"{end:%d %b %Y}",
                key=f"as_at_{end.isoformat()}",
                on_click=_pick,
                args=(end,),
                width="stretch",
                help=f"Status as at the end of the quarter, {fmt.long_date(end)}",
            )
        if chosen != today:
            st.button("Back to today", on_click=_pick, args=(today,), width="stretch")
    return chosen or today


def as_at() -> date:
    return st.session_state.get("as_at") or date.today()


def source() -> queries.Source | None:
    """The figures' source for this run (set by the app before the page runs)."""
    return st.session_state.get("_source")


def require_source() -> queries.Source:
    """The source, or a plain message and stop when the database is not ready."""
    src = source()
    if src is None:
        st.info(st.session_state.get("_not_ready", "The database is not ready."))
        st.stop()
    return src


def choose(
    label: str,
    options: Sequence[str],
    key: str,
    format_func: Callable[[str], str] = str,
    container=st,
    **kwargs,
) -> str | None:
    """A selectbox whose choice lives in the URL as ``?key=id`` and is kept across pages.

    (Streamlit's own ``bind="query-params"`` would put the formatted label in the URL.)
    """
    options = list(options)
    if not options:
        return None
    widget, kept = f"_{key}_choice", f"_{key}_kept"
    if st.session_state.get(widget) not in options:
        wanted = st.query_params.get(key)
        if wanted not in options:
            wanted = st.session_state.get(kept)
        st.session_state[widget] = wanted if wanted in options else options[0]
    value = container.selectbox(label, options, key=widget, format_func=format_func, **kwargs)
    st.session_state[kept] = value
    st.query_params[key] = value
    return value
