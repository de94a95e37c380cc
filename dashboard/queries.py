"""Every read the pages make, cached. (The briefing and the command line open the store
themselves: they read once, to build a file, and cache nothing.)

DuckDB lets one process hold a file at a time and the CLI may be loading returns
meanwhile, so each read opens a connection, does one piece of work and closes
it (no connection is cached). Cached reads are keyed by a ``Source``: the
database path and a cheap data version read afresh on every run, so figures
loaded by the CLI in another process, or by any session, show on the next rerun (so nothing
clears the cache after a load, which would empty every session's), while a rerun with
nothing new costs one tiny query.
"""

from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard import sql
from etl import config, store
from etl.errors import TrackerError


class Source(NamedTuple):
    db: str
    version: tuple


class NotReady(TrackerError, RuntimeError):
    """The database is missing or not set up; the message says what to run."""


def source() -> Source:
    """Where the figures are and their version now (uncached: one small query)."""
    path = config.db_path()
    try:
        with store.connect(path) as con:
            store.require_schema(con)
            version = tuple(con.execute(*sql.data_version()).fetchone())
    except store.StoreNotReady as error:
        raise NotReady(
            f"The database is not ready: {error} "
            "(or `stem-tracker demo` for demonstration figures)."
        ) from error
    return Source(str(path), version)


def clear() -> None:
    """Forget every cached read, every session's (a benchmark's cold start). Nothing calls
    this after a load: the data version read on each run already keys it."""
    st.cache_data.clear()


def _frame(src: Source, query: tuple[str, list]) -> pd.DataFrame:
    with store.connect(src.db) as con:
        return con.execute(*query).df()


@st.cache_data(show_spinner=False, max_entries=32)
def meta(src: Source) -> dict:
    with store.connect(src.db) as con:
        values = dict(con.execute(*sql.meta()).fetchall())
    values["settings"] = json.loads(values.get("settings") or "{}")
    values["demo"] = values.get("figures") == "demo"
    return values


@st.cache_data(show_spinner=False, max_entries=64)
def strategy_table(src: Source, name: str) -> pd.DataFrame:
    """themes, commitments, milestones, milestone_changes, indicators, indicator_targets, ..."""
    return _frame(src, sql.table(name))


@st.cache_data(show_spinner="Working out statuses…", max_entries=32)
def status(src: Source, as_at: date, revised: bool = False):
    """The status engine's report (etl.status.StatusReport) as at ``as_at``, on the figures
    as known then (or the revised figures)."""
    from etl import status as engine

    with store.connect(src.db) as con:
        return engine.report(con, as_at, revised)


@st.cache_data(show_spinner=False, max_entries=128)
def national_series(
    src: Source, as_at: date, indicator_id: str, revised: bool = False
) -> pd.DataFrame:
    """An indicator's national figure by quarter with its trajectory and coverage."""
    from etl import status as engine

    with store.connect(src.db) as con:
        return engine.national_series(con, as_at, indicator_id, revised)


@st.cache_data(show_spinner=False, max_entries=128)
def council_figures(
    src: Source, indicator_id: str, period: str, as_at: date, revised: bool = False
) -> pd.DataFrame:
    return _frame(src, sql.council_figures(indicator_id, period, as_at, revised))


@st.cache_data(show_spinner=False, max_entries=128)
def council_series(
    src: Source,
    indicator_id: str,
    authority_code: str,
    last_period: str,
    as_at: date,
    revised: bool = False,
):
    return _frame(
        src, sql.council_series(indicator_id, authority_code, last_period, as_at, revised)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def breakdowns(
    src: Source,
    indicator_id: str,
    last_period: str,
    aggregation: str,
    as_at: date,
    revised: bool = False,
):
    return _frame(src, sql.breakdowns(indicator_id, last_period, aggregation, as_at, revised))


@st.cache_data(show_spinner="Working out revisions…", max_entries=64)
def revisions(src: Source, indicator_id: str, as_at: date, revised: bool = False):
    """etl.revisions.Revisions of one indicator for the quarters ended by ``as_at``: the
    latest figures are the revised ones, or those known at ``as_at``."""
    from etl.revisions import revisions as revisions_of

    with store.connect(src.db) as con:
        return revisions_of(con, [indicator_id], as_at=as_at, revised=revised)[indicator_id]


@st.cache_data(show_spinner=False, max_entries=64)
def revised_since(src: Source, indicator_id: str, as_at: date, revised: bool = False):
    """etl.releases.RevisedSince: this view's national figures that differ from the latest
    earlier release's (None when none differ)."""
    from etl.releases import revised_since as revised_since_release

    with store.connect(src.db) as con:
        return revised_since_release(con, indicator_id, as_at, revised)


@st.cache_data(show_spinner="Reading the figures for the pack…", max_entries=8)
def briefing_inputs(src: Source, as_at: date, revised: bool = False):
    """Everything a briefing pack is built from (dashboard.briefing.read): read once per
    data version, not on every rerun of the page while officers choose themes."""
    from dashboard import briefing

    return briefing.read(src.db, as_at, revised)


@st.cache_data(show_spinner=False)
def council_tiles() -> pd.DataFrame:
    """The hand-made grid of the councils for the tile map (code, row, col)."""
    return pd.read_csv(config.PROJECT_ROOT / "data" / "council_tiles.csv")
