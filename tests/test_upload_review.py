"""Large changes against the council's previous quarter are raised as queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pandas as pd
import pytest

from etl import store
from etl.actions import check_return
from etl.periods import Quarter, last_ended
from etl.submissions import export, ingest, review


def frame(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "sex", "simd_quintile", "value"])


PREVIOUS = frame(
    [
        ("C01-I1", "all", "all", 100.0),
        ("C01-I1", "female", "all", 40.0),
        ("C01-I1", "male", "all", 60.0),
        ("C02-I1", "all", "all", 0.0),
    ]
)


def test_changes_over_half_either_way_are_queries_and_smaller_ones_are_not():
    new = frame(
        [
            ("C01-I1", "all", "all", 150.0),  # +50 %: exactly the limit, not a query
            ("C01-I1", "female", "all", 61.0),  # +52.5 %
            ("C01-I1", "male", "all", 29.0),  # -51.7 %
            ("C02-I1", "all", "all", 3.0),  # from 0
            ("C03-I1", "all", "all", 7.0),  # nothing to compare with
        ]
    )
    comparison = review.compare(PREVIOUS, new)
    flagged = {
        (q.indicator_id, q.sex): q.change_text
        for q in review.queries(comparison, "S12000036", "2025-Q3")
    }
    assert flagged == {
        ("C01-I1", "female"): "+52%",
        ("C01-I1", "male"): "-52%",
        ("C02-I1", "all"): "from 0",
    }
    assert comparison.loc[comparison["indicator_id"] == "C03-I1", "previous"].isna().all()


NAMES = {"C01-I1": "Teachers"}


def test_every_query_needs_a_tick_and_an_explanation():
    raised = review.queries(
        review.compare(PREVIOUS, frame([("C01-I1", "all", "all", 300.0)])), "S12000036", "2025-Q3"
    )
    key = raised[0].key
    assert key == "S12000036 2025-Q3 C01-I1/all/all"
    # Named in the council's words, not by the page's internal key.
    with pytest.raises(review.QueriesUnanswered, match=r"characters\): C01-I1 Teachers$"):
        review.answer(raised, {key: "A new STEM hub opened"}, ticked=set(), names=NAMES)
    with pytest.raises(review.QueriesUnanswered, match="at least 5 characters"):
        review.answer(raised, {key: "ok"}, ticked={key})
    answered = review.answer(raised, {key: "  A new STEM hub opened "}, ticked={key})
    stored = json.loads(review.to_json(answered))
    assert stored == [
        {
            "authority_code": "S12000036",
            "period": "2025-Q3",
            "indicator_id": "C01-I1",
            "sex": "all",
            "simd_quintile": "all",
            "previous": 100.0,
            "value": 300.0,
            "change": 2.0,
            "explanation": "A new STEM hub opened",
        }
    ]
    assert review.to_json([]) is None


def test_previous_figures_are_the_councils_current_figures_for_the_quarter_before(demo_db):
    with store.connect(demo_db) as con:
        code, period, count = con.execute(
            "SELECT authority_code, period, count(*) FROM current_figures "
            "WHERE authority_code <> 'S92000003' GROUP BY ALL ORDER BY period DESC LIMIT 1"
        ).fetchone()
    later = str(Quarter.parse(period).next())
    previous = review.previous_figures(demo_db, [(code, later), ("S12000036", "2000-Q1")])
    assert len(previous) == count
    assert set(previous["period"]) == {later} and set(previous["authority_code"]) == {code}
    assert list(previous.columns) == [
        "authority_code",
        "period",
        "indicator_id",
        "sex",
        "simd_quintile",
        "value",
    ]


def test_preview_compares_each_submission_with_its_own_previous_quarter(empty_db, strategy):
    period = last_ended(date.today())

    def filled(code, quarter, value):
        text = export.template(strategy, code, str(quarter)).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, "value": value} for r in rows)
        return out.getvalue()

    ingest.ingest_return(
        empty_db, filled("S12000036", period.previous(), "10").encode(), "a", strategy
    )
    both = filled("S12000036", period, "30") + filled("S12000049", period, "30").split("\r\n", 1)[1]
    checked = check_return(
        empty_db, both.encode(), "both.csv", strategy, ingest.default_submitter()
    )
    assert checked.report.valid
    edinburgh = checked.comparisons[("S12000036", str(period))]
    glasgow = checked.comparisons[("S12000049", str(period))]
    assert edinburgh["query"].all() and (edinburgh["previous"] == 10).all()
    assert not glasgow["query"].any() and glasgow["previous"].isna().all()
    assert {q.authority_code for q in checked.queries} == {"S12000036"}
    # Without a store (stem-tracker validate): the same check, nothing set beside it.
    alone = check_return(None, both.encode(), "both.csv", strategy, ingest.default_submitter())
    assert alone.report == checked.report
    assert alone.comparisons == {} and alone.replacing == {} and alone.queries == []
