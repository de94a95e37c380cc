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
from etl.periods import (
    AsAtOutOfRange,
    Quarter,
    as_at_range,
    check_as_at,
    last_ended,
    parse_day,
    quarters_between,
)

# Before a database is set up nothing is judged; the picker still needs a first day.
FIRST_QUARTER = Quarter(2017, 4)


def _pick(day: date) -> None:
    st.session_state["as_at"] = day
    st.session_state.pop("_as_at_problem", None)


def _quarter_end_chosen() -> None:
    """A quarter end from the picker becomes the as-at date; the picker empties again, so it
    never shows a date other than the one in use."""
    end = st.session_state.get("_quarter_end")
    if end is not None:
        _pick(end)
    st.session_state["_quarter_end"] = None


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
        # Every quarter end since the strategy began, latest first: a picker, not a few
        # buttons that stop at last year.
        ends = views.quarter_ends(today, len(quarters_between(start, last_ended(today))))
        st.selectbox(
            "Or the end of a quarter",
            ends,
            index=None,
            key="_quarter_end",
            format_func=lambda end: f"{fmt.long_date(end)} ({Quarter.containing(end)})",
            placeholder="Choose a quarter end",
            on_change=_quarter_end_chosen,
            help="Status as at the last day of the quarter you choose.",
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
    changed = st.query_params.get(key) != value
    st.query_params[key] = value
    if changed:
        _draw_link()
    return value


def choose_many(
    label: str,
    options: Sequence[str],
    key: str,
    param: str,
    format_func: Callable[[str], str] = str,
    container=st,
    **kwargs,
) -> list[str]:
    """A multiselect whose choices live in the URL as ``?param=id&param=id`` (the ids, not
    the labels Streamlit's own binding would write), so a shared link keeps the filter."""
    options = list(options)
    if key not in st.session_state:  # a session's first run: the link's choices
        st.session_state[key] = [v for v in st.query_params.get_all(param) if v in options]
    else:  # a choice the options no longer hold (another date) is dropped, not an error
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    value = container.multiselect(label, options, key=key, format_func=format_func, **kwargs)
    _to_url(param, value)
    return value


def kept_text(label: str, key: str, param: str, container=st, **kwargs) -> str:
    """A text box (a search) whose text lives in the URL as ``?param=text``."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param, "")
    value = container.text_input(label, key=key, **kwargs)
    _to_url(param, value)
    return value


def kept_toggle(label: str, key: str, param: str, container=st, **kwargs) -> bool:
    """A switch whose state lives in the URL as ``?param=1`` when on."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param) == "1"
    value = container.toggle(label, key=key, **kwargs)
    _to_url(param, "1" if value else "")
    return value


def _to_url(param: str, value) -> None:
    before = st.query_params.get_all(param)
    if value:
        st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
    if before != st.query_params.get_all(param):
        _draw_link()


_LINK_SLOT, _LINK_DRAWN = "_link_slot", "_link_drawn"


def link_slot(slot) -> None:
    """Where this run's link to the view goes (None: no link on this page); drawn now."""
    st.session_state[_LINK_SLOT] = slot
    st.session_state[_LINK_DRAWN] = 0
    _draw_link()


def _draw_link() -> None:
    slot = st.session_state.get(_LINK_SLOT)
    if slot is None:
        return
    st.session_state[_LINK_DRAWN] += 1  # each drawing in a run is a new element
    with slot.container():
        link_to_view(st.session_state[_LINK_DRAWN])


def link_to_view(key: int) -> None:
    """'Copy link to this view': the address with every choice in it, in a box with a copy
    button, to paste into an e-mail (a colleague who opens it sees the same view)."""
    with st.popover("Copy link to this view", icon=":material/link:", key=f"link_{key}"):
        st.caption("Copy this link (the button at its right) and send it to a colleague.")
        # The address the browser asked for (none in a test run): this page, with every choice.
        page = (st.context.url or "").split("?")[0]
        st.code(page + _query(), language=None, wrap_lines=True)


def _query() -> str:
    """The address's choices. The date and the revised switch are bound to the address by the
    browser, which may not have told this run yet: they are taken from the widgets."""
    from urllib.parse import urlencode

    own = {"as_at": as_at().isoformat(), "revised": "true" if revised() else None}
    pairs = [(k, v) for k in st.query_params if k not in own for v in st.query_params.get_all(k)]
    pairs += [(k, v) for k, v in own.items() if v is not None]
    return ("?" + urlencode(pairs)) if pairs else ""
