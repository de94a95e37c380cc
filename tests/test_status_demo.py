"""The status engine on the demo database (the real strategy, every council, 2017-Q4 on)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from etl import store
from etl.status import (
    COMMITMENT_STATUSES,
    INDICATOR_STATUSES,
    MILESTONE_STATUSES,
    RETURN_STATUSES,
    national_series,
    report,
)

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")

AS_AT_DATES = [
    dt.date(2018, 11, 30),
    dt.date(2020, 3, 31),
    dt.date(2022, 12, 31),
    dt.date(2025, 9, 30),
]


@pytest.fixture(scope="module")
def demo_reports(demo_db):
    with store.connect(demo_db) as con:
        return {as_at: report(con, as_at) for as_at in AS_AT_DATES}


@pytest.mark.parametrize(
    "part, statuses",
    [
        ("milestones", MILESTONE_STATUSES),
        ("indicators", INDICATOR_STATUSES),
        ("commitments", COMMITMENT_STATUSES),
        ("returns", RETURN_STATUSES),
    ],
)
def test_the_demo_shows_every_status_value(demo_reports, part, statuses):
    seen = set()
    for result in demo_reports.values():
        seen |= set(getattr(result, part)["status"])
    assert seen == set(statuses)


def test_the_demo_shows_manual_statuses_data_gaps_and_estimates(demo_reports):
    commitments = [r.commitments for r in demo_reports.values()]
    indicators = [r.indicators for r in demo_reports.values()]
    assert any(frame["manual"].any() for frame in commitments)
    assert any(frame["data_gap"].any() for frame in commitments)
    assert any(frame["estimated"].any() for frame in indicators)
    assert all(frame.loc[frame["manual"], "reason"].notna().all() for frame in commitments)


@pytest.mark.parametrize("as_at", AS_AT_DATES, ids=str)
def test_the_demo_json_is_plain_and_adds_up(demo_reports, as_at):
    result = demo_reports[as_at]
    data = result.to_json()
    json.dumps(data, allow_nan=False)
    assert data["as_at"] == as_at.isoformat()
    for theme in data["themes"]:
        mine = [c for c in data["commitments"] if c["theme"] == theme["id"]]
        assert sum(theme["commitments"].values()) == len(mine)
        assert sum(theme["indicators"].values()) == sum(
            i["theme"] == theme["id"] for i in data["indicators"]
        )
        assert theme["milestones_completed"] <= theme["milestones_due"]
    assert sum(t["milestones_due"] for t in data["themes"]) == sum(
        m["due"] <= as_at.isoformat() for m in data["milestones"]
    )
    quarters = len(set(result.returns["period"]))
    assert len(data["returns"]) == 32 * quarters


def test_the_latest_quarter_agrees_with_the_national_series(demo_db, demo_reports):
    as_at = AS_AT_DATES[-1]
    with store.connect(demo_db) as con:
        series = national_series(con, as_at)
    indicators = demo_reports[as_at].indicators.set_index("id")
    for indicator_id, rows in series.groupby("indicator_id"):
        counted = rows[rows["enough_coverage"]]
        row = indicators.loc[indicator_id]
        if counted.empty:
            assert row["status"] == "no_data"
            continue
        latest = counted.sort_values("period").iloc[-1]
        assert row["latest_period"] == latest["period"]
        assert row["actual"] == pytest.approx(latest["compared_value"])
        assert row["trajectory"] == pytest.approx(latest["trajectory"])


def test_the_demo_figures_agree_with_a_plain_count(demo_db, demo_reports):
    """One local sum indicator, checked against the figures by a plain query: for each
    council, the latest version of its return received by the as-at date."""
    as_at = AS_AT_DATES[2]
    indicators = demo_reports[as_at].indicators
    row = indicators[
        (indicators["aggregation"] == "sum") & (indicators["reported_by"] == "local_authorities")
    ].iloc[0]
    with store.connect(demo_db) as con:
        n, total = con.execute(
            """
            SELECT count(*), sum(f.value) FROM figures f JOIN submissions s
              ON s.id = f.submission_id
            WHERE f.indicator_id = ? AND s.period = ? AND f.sex = 'all'
              AND f.simd_quintile = 'all' AND s.authority_code <> 'S92000003'
              AND s.version = (SELECT max(version) FROM submissions k
                               WHERE k.authority_code = s.authority_code
                                 AND k.period = s.period AND CAST(k.received_at AS DATE) <= ?)
            """,
            [row["id"], row["latest_period"], as_at],
        ).fetchone()
    assert row["authorities_reported"] == n
    assert n >= 24
    assert row["actual"] == pytest.approx(total * 32 / n)
    assert bool(row["estimated"]) is (n < 32)
