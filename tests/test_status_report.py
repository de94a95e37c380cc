"""report() and national_series() on small hand-made databases (tests/status_fixture.py)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from etl import store
from etl.status import national_series, report
from tests.status_fixture import (
    COUNCILS,
    add_council_returns,
    add_national,
    add_return,
    set_settings,
    status_db,
)

day = dt.date.fromisoformat


@pytest.fixture
def db(tmp_path):
    return status_db(tmp_path)


def worked_example(con) -> None:
    """The returns behind the hand-worked example below (strategy-status.yaml)."""
    # 2018-Q2: every council. The first council's first version (value 999) was replaced.
    add_return(
        con, COUNCILS[0], "2018-Q2", {"C01-I1": 999, "C02-I1": 99}, "2018-07-15 10:00",
        version=1, is_current=False,
    )  # fmt: skip
    add_return(
        con, COUNCILS[0], "2018-Q2", {"C01-I1": 12, "C02-I1": 22}, "2018-08-25 10:00", version=2
    )
    for code in COUNCILS[1:30]:
        add_return(con, code, "2018-Q2", {"C01-I1": 12, "C02-I1": 22}, "2018-08-01 10:00")
    add_return(con, COUNCILS[30], "2018-Q2", {"C01-I1": 12, "C02-I1": 22}, "2018-08-20 10:00")
    add_return(con, COUNCILS[31], "2018-Q2", {"C01-I1": 12, "C02-I1": 22}, "2018-08-11 16:00")
    # 2018-Q3: 24 councils report C01-I1 (exactly 75 %), 23 of them C02-I1 (just under).
    for n, code in enumerate(COUNCILS[:24]):
        figures = {"C01-I1": 15} | ({"C02-I1": 10} if n < 23 else {})
        add_return(con, code, "2018-Q3", figures, "2018-11-01 10:00")
    # A 25th council's return arrives after D (and holds only a breakdown row).
    add_return(
        con, COUNCILS[24], "2018-Q3", [("C01-I1", "female", "all", 500.0)], "2018-12-05 10:00"
    )
    # The national indicator: Scotland's own figure for 2018-Q1 only; a council's row for a
    # national indicator is not Scotland's figure and is ignored.
    add_national(con, "2018-Q1", {"C03-I1": 1200}, "2018-05-01 10:00")
    add_return(con, COUNCILS[5], "2018-Q3", {"C03-I1": 99999}, "2018-11-01 11:00")


ISSUE_KEYS = {
    "milestones": ["id", "commitment_id", "due", "completed", "status", "on_time"],
    "indicators": [
        "id", "commitment_id", "latest_period", "actual", "authorities_reported", "estimated",
        "trajectory", "ratio", "status",
    ],
    "commitments": ["id", "theme", "status", "manual", "reason", "data_gap"],
    "themes": [
        "id", "commitments", "milestones_due", "milestones_completed", "delivery_rate",
        "indicators",
    ],
    "returns": ["authority_code", "period", "status"],
}  # fmt: skip


def pick(rows, keys):
    return [{k: row[k] for k in keys} for row in rows]


def none_of(statuses, **counts):
    return {s: counts.get(s, 0) for s in statuses}


COMMITMENT = ("complete", "on_track", "at_risk", "off_track")
INDICATOR = ("on_track", "at_risk", "off_track", "no_data")


def test_hand_worked_example_as_at_30_november_2018(db):
    """Worked by hand from spec/status-rules.md. As at 2018-11-30: the last quarter ended
    is 2018-Q3; D + 90 days is 2019-02-28; returns are due 42 days after a quarter ends."""
    with store.connect(db) as con:
        worked_example(con)
        data = report(con, day("2018-11-30")).to_json()
    json.dumps(data, allow_nan=False)  # plain JSON, no NaN

    assert set(data) == set(ISSUE_KEYS) | {"as_at", "figures", "figures_label"}
    assert data["as_at"] == "2018-11-30"
    for key, keys in ISSUE_KEYS.items():
        for row in data[key]:
            assert set(keys) <= set(row), key

    assert pick(data["milestones"], ISSUE_KEYS["milestones"]) == [
        # completed 2018-05-01, before its due date
        {"id": "C01-M1", "commitment_id": "C01", "due": "2018-06-30",
         "completed": "2018-05-01", "status": "complete", "on_time": True},
        # due 2019-06-30, after D + 90
        {"id": "C01-M2", "commitment_id": "C01", "due": "2019-06-30",
         "completed": None, "status": "not_yet_due", "on_time": None},
        # completed 2019-02-01 is after D, so not complete; due 2018-12-31 is within 90 days
        {"id": "C04-M1", "commitment_id": "C04", "due": "2018-12-31",
         "completed": "2019-02-01", "status": "due_soon", "on_time": None},
    ]  # fmt: skip

    assert pick(data["indicators"], ISSUE_KEYS["indicators"]) == [
        # 2018-Q3: 24 of 32 councils (75 %) sent 15 each: 360, scaled ×32/24 = 480.
        # Trajectory 320 → 640 over four quarters: 480 in 2018-Q3. r = 480/480 = 1.0.
        {"id": "C01-I1", "commitment_id": "C01", "latest_period": "2018-Q3", "actual": 480.0,
         "authorities_reported": 24, "estimated": True, "trajectory": 480.0, "ratio": 1.0,
         "status": "on_track"},
        # 2018-Q3 has 23 councils (just under 75 %), so the latest quarter is 2018-Q2: the
        # mean of 32 councils' 22 (the replaced 99 no longer counts). Trajectory 20 → 10
        # over eight quarters: 18.75. Direction down: r = 18.75 / 22 = 0.852 < 0.9.
        {"id": "C02-I1", "commitment_id": "C02", "latest_period": "2018-Q2", "actual": 22.0,
         "authorities_reported": 32, "estimated": False, "trajectory": 18.75,
         "ratio": pytest.approx(18.75 / 22), "status": "off_track"},
        # National: Scotland's latest figure is 2018-Q1, 1200; trajectory 1000 → 2000 over
        # four quarters: 1250. r = 0.96. The council's 99999 is ignored.
        {"id": "C03-I1", "commitment_id": "C03", "latest_period": "2018-Q1", "actual": 1200.0,
         "authorities_reported": None, "estimated": False, "trajectory": 1250.0,
         "ratio": pytest.approx(0.96), "status": "at_risk"},
    ]  # fmt: skip

    assert pick(data["commitments"], ISSUE_KEYS["commitments"]) == [
        {"id": "C01", "theme": "excellence", "status": "on_track", "manual": False,
         "reason": None, "data_gap": False},
        # The override (at risk) is dated 2019-01-01, after D: ignored.
        {"id": "C02", "theme": "equity", "status": "off_track", "manual": False,
         "reason": "Gap in STEM uptake: 22.0% against 18.8% expected by now (April to June "
                   "2018); 3.2 points above it, and lower is better", "data_gap": False},
        {"id": "C03", "theme": "inspiration", "status": "at_risk", "manual": False,
         "reason": "Ambassadors active: 1,200 against 1,250 expected by now (January to "
                   "March 2018)", "data_gap": False},
        # Its only milestone is due soon; no indicators.
        {"id": "C04", "theme": "connection", "status": "on_track", "manual": False,
         "reason": None, "data_gap": False},
    ]  # fmt: skip

    assert pick(data["themes"], ISSUE_KEYS["themes"]) == [
        {"id": "excellence", "commitments": none_of(COMMITMENT, on_track=1),
         "milestones_due": 1, "milestones_completed": 1, "delivery_rate": 1.0,
         "indicators": none_of(INDICATOR, on_track=1)},
        {"id": "equity", "commitments": none_of(COMMITMENT, off_track=1),
         "milestones_due": 0, "milestones_completed": 0, "delivery_rate": None,
         "indicators": none_of(INDICATOR, off_track=1)},
        {"id": "inspiration", "commitments": none_of(COMMITMENT, at_risk=1),
         "milestones_due": 0, "milestones_completed": 0, "delivery_rate": None,
         "indicators": none_of(INDICATOR, at_risk=1)},
        # C04-M1 is due 2018-12-31: not yet due by D.
        {"id": "connection", "commitments": none_of(COMMITMENT, on_track=1),
         "milestones_due": 0, "milestones_completed": 0, "delivery_rate": None,
         "indicators": none_of(INDICATOR)},
    ]  # fmt: skip

    # Returns: 32 councils × 2017-Q4 … 2018-Q3. Nothing for the first two quarters.
    returns = data["returns"]
    assert len(returns) == 4 * 32
    status = {(r["authority_code"], r["period"]): r["status"] for r in returns}
    for period in ("2017-Q4", "2018-Q1"):
        assert {status[c, period] for c in COUNCILS} == {"overdue"}
    assert status[COUNCILS[0], "2018-Q2"] == "submitted_on_time"  # first version 15 July
    assert status[COUNCILS[1], "2018-Q2"] == "submitted_on_time"
    assert status[COUNCILS[30], "2018-Q2"] == "submitted_late"  # 20 August, due 11 August
    assert status[COUNCILS[31], "2018-Q2"] == "submitted_on_time"  # on the due date
    assert [status[c, "2018-Q3"] for c in COUNCILS] == ["submitted_on_time"] * 24 + [
        "overdue"
    ] * 8  # the 25th council's return arrived on 5 December, after D
    first = next(
        r for r in returns if (r["authority_code"], r["period"]) == (COUNCILS[0], "2018-Q2")
    )
    assert first["due_date"] == "2018-08-11"
    assert first["received_at"] == "2018-07-15T10:00:00"
    late = next(
        r for r in returns if (r["authority_code"], r["period"]) == (COUNCILS[24], "2018-Q3")
    )
    assert late["received_at"] is None  # not received as at D


def test_an_override_counts_from_its_date(db):
    with store.connect(db) as con:
        worked_example(con)
        before = report(con, day("2018-12-31")).commitments.set_index("id").loc["C02"]
        on = report(con, day("2019-01-01")).commitments.set_index("id").loc["C02"]
    assert (before["status"], before["manual"]) == ("off_track", False)
    assert (on["status"], on["manual"], on["reason"]) == ("at_risk", True, "Survey paused")
    assert on["override_by"] == "Policy lead"


@pytest.mark.parametrize(
    "as_at, milestone, on_time, commitment",
    [
        ("2019-01-31", "overdue", None, "off_track"),  # completed 2019-02-01: after D
        ("2019-02-01", "complete", False, "complete"),  # completed a month late
    ],
)
def test_a_milestone_completed_after_d_is_not_complete(db, as_at, milestone, on_time, commitment):
    with store.connect(db) as con:
        result = report(con, day(as_at))
    row = result.milestones.set_index("id").loc["C04-M1"]
    assert row["status"] == milestone
    assert (None if pd.isna(row["on_time"]) else bool(row["on_time"])) == on_time
    assert result.commitments.set_index("id").loc["C04", "status"] == commitment


def test_no_figures_at_all_means_no_data_and_a_data_gap(db):
    with store.connect(db) as con:
        result = report(con, day("2025-09-30"))
    assert set(result.indicators["status"]) == {"no_data"}
    assert result.indicators["latest_period"].isna().all()
    gaps = result.commitments.set_index("id")["data_gap"].to_dict()
    assert gaps == {"C01": True, "C02": True, "C03": True, "C04": False}
    # No data does not count: C01 is off track by its overdue milestone (due 2019-06-30).
    assert result.commitments.set_index("id").loc["C01", "status"] == "off_track"


def test_before_the_baseline_there_is_no_trajectory_so_no_data(db):
    with store.connect(db) as con:
        add_council_returns(con, "2017-Q4", 32, {"C01-I1": 10})  # baseline is 2018-Q1
        result = report(con, day("2018-03-30"))  # 2018-Q1 has not ended
    row = result.indicators.set_index("id").loc["C01-I1"]
    assert row["latest_period"] == "2017-Q4"
    assert row["actual"] == 320
    assert row["status"] == "no_data"


def test_after_the_last_target_the_trajectory_is_flat(db):
    with store.connect(db) as con:
        add_council_returns(con, "2024-Q2", 32, {"C01-I1": 18})  # 576 against 640
        row = report(con, day("2024-09-30")).indicators.set_index("id").loc["C01-I1"]
    assert (row["latest_period"], row["trajectory"]) == ("2024-Q2", 640.0)
    assert row["ratio"] == pytest.approx(0.9)
    assert row["status"] == "at_risk"


def test_only_quarters_ended_by_d_count(db):
    with store.connect(db) as con:
        add_council_returns(con, "2018-Q2", 32, {"C01-I1": 12})
        add_council_returns(con, "2018-Q3", 32, {"C01-I1": 15})
        on_last_day = report(con, day("2018-09-30")).indicators.set_index("id")
        day_before = report(con, day("2018-09-29")).indicators.set_index("id")
    assert on_last_day.loc["C01-I1", "latest_period"] == "2018-Q3"
    assert day_before.loc["C01-I1", "latest_period"] == "2018-Q2"


def test_coverage_threshold_is_a_setting(db):
    with store.connect(db) as con:
        set_settings(con, min_coverage=0.5)
        add_council_returns(con, "2018-Q2", 16, {"C01-I1": 10})
        add_council_returns(con, "2018-Q3", 15, {"C01-I1": 10})
        row = report(con, day("2018-11-30")).indicators.set_index("id").loc["C01-I1"]
    assert row["latest_period"] == "2018-Q2"  # 16 of 32 is 50 %; 15 is under
    assert row["actual"] == 320.0  # 160 × 32/16


def test_returns_due_days_is_a_setting(db):
    with store.connect(db) as con:
        set_settings(con, returns_due_days=10)
        add_return(con, COUNCILS[0], "2018-Q2", {"C01-I1": 1}, "2018-07-11 09:00")
        add_return(con, COUNCILS[1], "2018-Q2", {"C01-I1": 1}, "2018-07-10 09:00")
        returns = report(con, day("2018-07-11")).returns
    q2 = returns[returns["period"] == "2018-Q2"].set_index("authority_code")
    assert set(q2["due_date"]) == {day("2018-07-10")}
    assert q2.loc[COUNCILS[0], "status"] == "submitted_late"
    assert q2.loc[COUNCILS[1], "status"] == "submitted_on_time"
    assert q2.loc[COUNCILS[2], "status"] == "overdue"


def test_returns_cover_every_council_and_quarter_from_the_start(db):
    with store.connect(db) as con:
        returns = report(con, day("2025-09-30")).returns
        names = dict(con.execute("SELECT code, name FROM authorities").fetchall())
    periods = sorted(set(returns["period"]))
    assert periods[0] == "2017-Q4" and periods[-1] == "2025-Q3" and len(periods) == 32
    assert len(returns) == 32 * 32
    assert set(returns["authority_code"]) == set(COUNCILS)  # councils only, not Scotland
    pairs = zip(returns["authority_code"], returns["authority_name"], strict=True)
    assert all(names[code] == name for code, name in pairs)
    q3 = returns[returns["period"] == "2025-Q3"]
    assert set(q3["status"]) == {"not_yet_due"}  # due 2025-11-11


def test_before_the_strategy_starts_nothing_is_expected(db):
    with store.connect(db) as con:
        result = report(con, day("2017-12-30"))
    assert len(result.returns) == 0
    assert set(result.indicators["status"]) == {"no_data"}


def test_national_series_by_quarter(db):
    with store.connect(db) as con:
        worked_example(con)
        series = national_series(con, day("2018-11-30"), "C01-I1")
        everything = national_series(con, day("2018-11-30"))
    rows = series.to_dict("records")
    assert [r["period"] for r in rows] == ["2017-Q4", "2018-Q1", "2018-Q2", "2018-Q3"]
    first, baseline, q2, q3 = rows
    assert first["trajectory"] != first["trajectory"]  # NaN: before the baseline
    assert (baseline["trajectory"], baseline["authorities_reported"]) == (320.0, 0)
    assert not baseline["enough_coverage"]
    assert (q2["value"], q2["compared_value"], q2["estimated"]) == (384.0, 384.0, False)
    assert (q3["value"], q3["compared_value"], q3["estimated"]) == (360.0, 480.0, True)
    assert (q3["coverage"], bool(q3["enough_coverage"])) == (0.75, True)
    assert set(everything["indicator_id"]) == {"C01-I1", "C02-I1", "C03-I1"}
    national = everything[everything["indicator_id"] == "C03-I1"].set_index("period")
    assert national.loc["2018-Q1", "value"] == 1200.0
    assert national["value"].isna().sum() == 3  # the council's 2018-Q3 row is not Scotland's
    c02 = everything[everything["indicator_id"] == "C02-I1"].set_index("period")
    assert c02.loc["2018-Q3", "authorities_reported"] == 23
    assert not c02.loc["2018-Q3", "enough_coverage"]


def test_an_uninitialised_database_is_a_plain_error(tmp_path):
    with (
        store.connect(tmp_path / "empty.duckdb", create=True) as con,
        pytest.raises(store.StoreNotReady),
    ):
        report(con, day("2025-09-30"))
