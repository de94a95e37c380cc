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
from etl.periods import AsAtOutOfRange, Quarter, as_at_range, check_as_at, parse_day

# Before a database is set up nothing is judged; the picker still needs a first day.
FIRST_QUARTER = Quarter(2017, 4)


def _pick(day: date) -> None:
    st.session_state["as_at"] = day
    st.session_state.pop("_as_at_problem", None)


def _chosen_by_hand() -> None:
    st.session_state.pop("_as_at_problem", None)


def _as_at_from_link(start: Quarter, today: date) -> None:
    """On a session's first run, read ``?as_at=`` as a link writes it (2025-09-30, or
    30/09/2025 as the sidebar shows it); a date the tracker does not answer for is said
    plainly, never silently replaced by today."""
    if "as_at" in st.session_state or "as_at" not in st.query_params:
        return
    text = st.query_params["as_at"]
    try:
        day = check_as_at(parse_day(text), start, today)
    except (ValueError, AsAtOutOfRange) as error:
        st.session_state["_as_at_problem"] = (
            f"The link asked for the status as at {text!r}, which cannot be shown: {error}. "
            f"Showing today, {fmt.long_date(today)}, instead."
        )
        del st.query_params["as_at"]
        return
    if text != day.isoformat():  # the date widget reads only ISO dates from the URL
        st.query_params["as_at"] = day.isoformat()
        st.session_state["as_at"] = day


def as_at_picker(start: Quarter | None = None) -> date:
    """The as-at date in the sidebar (default today), with the ends of recent quarters;
    ``start`` is the strategy's first quarter, from the store."""
    today = date.today()
    start = start or FIRST_QUARTER
    _as_at_from_link(start, today)
    first, last = as_at_range(start, today)
    with st.sidebar:
        chosen = st.date_input(
            "Status as at",
            value=today,
            min_value=first,
            max_value=last,
            key="as_at",
            bind="query-params",
            format="DD/MM/YYYY",
            on_change=_chosen_by_hand,
            help="Every status, chart and export is worked out as at this date "
            f"(from {fmt.long_date(first)} to {fmt.long_date(last)}).",
        )
        st.toggle(
            "Revised figures",
            key="revised",
            bind="query-params",
            help="Off: the figures as known on the as-at date (what the tracker showed that "
            "day). On: the figures as they stand today, with every correction since.",
        )
        if problem := st.session_state.get("_as_at_problem"):
            st.warning(fmt.plain(problem), icon=":material/warning:")  # quotes the link
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


def revised() -> bool:
    """Whether the revised figures (as they stand today) are chosen instead of those known
    at the as-at date."""
    return bool(st.session_state.get("revised", False))


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
