"""Comparisons that explain (issue 27, part 2): each move says why: new figures, a
correction, a milestone passing its date, a manual status, the rule."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from dashboard import views
from etl import status, store
from etl.vocabulary import changes


def indicator(**row):
    base = {"latest_period": "2025-Q2", "actual": 11.0, "trajectory": 13.0, "unit": "count",
            "direction": "up", "name": "Hubs"}  # fmt: skip
    return SimpleNamespace(**(base | row))


@pytest.mark.parametrize(
    "was, why",
    [
        (indicator(latest_period="2025-Q1"), "new figures, for April to June 2025, from returns "
         "received since: 11 against 13 expected by now"),
        (indicator(actual=14.0), "the figure for April to June 2025 changed from 14 to 11 (a "
         "late return or a correction): 11 against 13 expected by now"),
        (indicator(trajectory=10.0), "the level expected moved from 10 to 13 (the trajectory), "
         "the figure the same: 11 against 13 expected by now"),
    ],
    ids=["new figures", "correction", "rule"],
)  # fmt: skip
def test_an_indicator_says_why_it_moved(was, why):
    assert changes.indicator_moved(was, indicator()) == why


def test_a_milestone_passing_its_date_is_said():
    row = SimpleNamespace(title="Annual report 2025", status="overdue", due=date(2025, 11, 30))
    assert changes.milestone_moved("due_soon", row) == (
        "Annual report 2025 passed its due date (30 November 2025) without being completed"
    )


def test_as_known_against_revised_says_what_the_later_returns_moved(demo_db):
    day = date(2025, 9, 30)
    with store.connect(demo_db) as con:
        known, revised = status.report(con, day), status.report(con, day, revised=True)
    moved = views.what_changed(known, revised)
    assert len(moved) > 0
    indicators = moved[moved["What"] == "Indicator"]
    assert indicators["Why"].str.contains("from returns received since|changed from").all()
    for row in moved[moved["What"] == "Commitment"].itertuples():
        names = revised.indicators.loc[revised.indicators["commitment_id"] == row.Id, "name"]
        assert any(name in row.Why for name in names) or "milestone" in row.Why.lower()
    assert not pd.isna(moved["Why"]).any()
