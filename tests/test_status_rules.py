"""Each rule of spec/status-rules.md, as a table: one row per case, edges included."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.periods import Quarter
from etl.status import (
    commitment_status,
    indicator_status,
    milestone_on_time,
    milestone_status,
    national_figure,
    override_applies,
    return_due_date,
    return_status,
    trajectory,
)

D = dt.date(2025, 9, 30)  # as at 30 September 2025; D + 90 days is 29 December 2025
day = dt.date.fromisoformat


# --- Milestones ---------------------------------------------------------------------------

MILESTONES = [
    # (case, due, completed, status, on_time)
    ("completed before due, by D: complete on time", "2025-10-31", "2025-09-01", "complete", True),
    ("completed on D itself: complete", "2025-09-30", "2025-09-30", "complete", True),
    ("completed after due, by D: complete late", "2025-06-30", "2025-08-01", "complete", False),
    ("completed after D, due before D: overdue", "2025-09-15", "2025-10-01", "overdue", None),
    ("completed after D, due within 90 days: due soon", "2025-12-01", "2025-10-01", "due_soon", None),
    ("not complete, due the day before D: overdue", "2025-09-29", None, "overdue", None),
    ("not complete, due exactly D: due soon", "2025-09-30", None, "due_soon", None),
    ("not complete, due exactly D + 90: due soon", "2025-12-29", None, "due_soon", None),
    ("not complete, due D + 91: not yet due", "2025-12-30", None, "not_yet_due", None),
]  # fmt: skip


@pytest.mark.parametrize(
    "due, completed, expected, on_time",
    [row[1:] for row in MILESTONES],
    ids=[row[0] for row in MILESTONES],
)
def test_milestone_status(due, completed, expected, on_time):
    completed = day(completed) if completed else None
    assert milestone_status(day(due), completed, D) == expected
    assert milestone_on_time(day(due), completed, D) is on_time


# --- Trajectory ---------------------------------------------------------------------------

BASELINE = ("2018-Q1", 100.0)
TARGETS = [("2019-Q1", 200.0), ("2020-Q1", 100.0)]
TRAJECTORY = [
    # (case, period, expected)
    ("before the baseline (no baseline yet): none", "2017-Q4", None),
    ("at the baseline: the baseline value", "2018-Q1", 100.0),
    ("half way to the first target, by quarter", "2018-Q3", 150.0),
    ("at the first target", "2019-Q1", 200.0),
    ("a quarter into the second line", "2019-Q2", 175.0),
    ("at the last target", "2020-Q1", 100.0),
    ("after the last target: flat", "2024-Q4", 100.0),
]


@pytest.mark.parametrize(
    "period, expected", [r[1:] for r in TRAJECTORY], ids=[r[0] for r in TRAJECTORY]
)
def test_trajectory(period, expected):
    assert trajectory(BASELINE, TARGETS, period) == expected


def test_trajectory_with_only_a_baseline_point_reached_is_flat_after_a_single_target():
    assert trajectory(("2018-Q1", 10), [("2018-Q3", 20)], "2018-Q2") == 15
    assert trajectory(("2018-Q1", 10), [("2018-Q3", 20)], "2030-Q1") == 20


# --- Indicator status ---------------------------------------------------------------------

INDICATORS = [
    # (case, actual, trajectory, direction, ratio, status)
    ("up: r exactly 1.0 is on track", 100, 100, "up", 1.0, "on_track"),
    ("up: above the trajectory is on track", 130, 100, "up", 1.3, "on_track"),
    ("up: just under 1.0 is at risk", 99.99, 100, "up", 0.9999, "at_risk"),
    ("up: r exactly 0.9 is at risk", 90, 100, "up", 0.9, "at_risk"),
    ("up: just under 0.9 is off track", 89.99, 100, "up", 0.8999, "off_track"),
    ("up: an actual of 0 is off track", 0, 50, "up", 0.0, "off_track"),
    ("down: r = trajectory / actual; below the line is on track", 80, 100, "down", 1.25, "on_track"),
    ("down: r exactly 0.9 is at risk", 100, 90, "down", 0.9, "at_risk"),
    ("down: well above the line is off track", 125, 100, "down", 0.8, "off_track"),
    ("down: an actual of 0 is on track, no ratio", 0, 5, "down", None, "on_track"),
    ("trajectory 0, up: always on track, no ratio", 3, 0, "up", None, "on_track"),
    ("trajectory 0, up, actual 0: on track", 0, 0, "up", None, "on_track"),
    ("trajectory 0, down, actual 0: on track", 0, 0, "down", None, "on_track"),
    ("trajectory 0, down, actual above 0: off track", 2, 0, "down", None, "off_track"),
    ("no latest quarter: no data", None, 100, "up", None, "no_data"),
    ("no trajectory (before the baseline): no data", 100, None, "up", None, "no_data"),
    ("NaN actual: no data", float("nan"), 100, "up", None, "no_data"),
]  # fmt: skip


@pytest.mark.parametrize(
    "actual, trajectory_value, direction, ratio, expected",
    [r[1:] for r in INDICATORS],
    ids=[r[0] for r in INDICATORS],
)
def test_indicator_status(actual, trajectory_value, direction, ratio, expected):
    got_ratio, status = indicator_status(actual, trajectory_value, direction)
    assert status == expected
    assert got_ratio == (pytest.approx(ratio) if ratio is not None else None)


def test_a_ratio_of_0_9_reached_through_float_arithmetic_is_still_at_risk():
    # 0.27 / 0.3 is 0.9000000000000001 or 0.8999999999999999 in floats; either way 0.9.
    for actual, line in [(0.27, 0.3), (0.3 * 3 * 0.9, 0.9), (90.0, 100.00000000001)]:
        assert indicator_status(actual, line, "up")[1] == "at_risk"


def test_thresholds_are_settings():
    assert indicator_status(85, 100, "up", on_track_ratio=0.95, at_risk_ratio=0.8) == (
        0.85,
        "at_risk",
    )
    assert indicator_status(96, 100, "up", on_track_ratio=0.95, at_risk_ratio=0.8)[1] == "on_track"


# --- National figure ----------------------------------------------------------------------

FIGURES = [
    # (case, reported_by, aggregation, n, total, mean,
    #  value, reported, coverage, estimated, compared, enough)
    ("sum, all 32 report: as reported", "local_authorities", "sum", 32, 320.0, 10.0,
     320.0, 32, 1.0, False, 320.0, True),
    ("sum, n exactly at 75% (24): scaled ×32/24, counts", "local_authorities", "sum", 24,
     240.0, 10.0, 240.0, 24, 0.75, True, 320.0, True),
    ("sum, n just under (23): scaled, does not count", "local_authorities", "sum", 23,
     230.0, 10.0, 230.0, 23, 23 / 32, True, 320.0, False),
    ("mean, n = 24: the mean, never scaled", "local_authorities", "mean", 24, 288.0, 12.0,
     12.0, 24, 0.75, False, 12.0, True),
    ("no council reported", "local_authorities", "sum", 0, None, None,
     None, 0, 0.0, False, None, False),
    ("national: Scotland's own figure", "national", "sum", 1, 5000.0, 5000.0,
     5000.0, None, None, False, 5000.0, True),
    ("national, no figure", "national", "sum", 0, None, None,
     None, None, None, False, None, False),
]  # fmt: skip


@pytest.mark.parametrize("row", FIGURES, ids=[r[0] for r in FIGURES])
def test_national_figure(row):
    _, reported_by, aggregation, n, total, mean, *expected = row
    figure = national_figure(
        reported_by=reported_by,
        aggregation=aggregation,
        authorities_reported=n,
        total=total,
        mean=mean,
        councils=32,
        min_coverage=0.75,
    )
    value, reported, coverage, estimated, compared, enough = expected
    assert figure.value == value
    assert figure.authorities_reported == reported
    assert figure.coverage == (pytest.approx(coverage) if coverage is not None else None)
    assert figure.estimated is estimated
    assert figure.compared_value == (pytest.approx(compared) if compared is not None else None)
    assert figure.enough_coverage is enough


# --- Commitments --------------------------------------------------------------------------

COMMITMENTS = [
    # (case, milestone statuses, indicator statuses, expected)
    ("a milestone overdue: off track", ["complete", "overdue"], ["on_track"], "off_track"),
    ("an indicator off track: off track", ["complete"], ["on_track", "off_track"], "off_track"),
    ("overdue beats at risk", ["overdue"], ["at_risk"], "off_track"),
    ("an indicator at risk: at risk", ["complete"], ["at_risk", "on_track"], "at_risk"),
    ("every milestone complete: complete", ["complete", "complete"], ["on_track"], "complete"),
    ("no data does not count", ["complete"], ["no_data"], "complete"),
    ("complete needs at least one milestone", [], ["on_track"], "on_track"),
    ("nothing to judge: on track", [], [], "on_track"),
    ("a milestone due soon: on track", ["complete", "due_soon"], [], "on_track"),
    ("only no-data indicators: on track", ["not_yet_due"], ["no_data"], "on_track"),
]


@pytest.mark.parametrize(
    "milestones, indicators, expected",
    [r[1:] for r in COMMITMENTS],
    ids=[r[0] for r in COMMITMENTS],
)
def test_commitment_rollup(milestones, indicators, expected):
    assert commitment_status(milestones, indicators) == expected


OVERRIDES = [
    # (case, status, date, applies)
    ("dated before D: wins", "at_risk", "2025-06-30", True),
    ("dated exactly D: wins", "at_risk", "2025-09-30", True),
    ("dated after D: ignored", "at_risk", "2025-10-01", False),
    ("no override", None, None, False),
]


@pytest.mark.parametrize(
    "status, date, applies", [r[1:] for r in OVERRIDES], ids=[r[0] for r in OVERRIDES]
)
def test_override_applies_from_its_date(status, date, applies):
    assert override_applies(status, day(date) if date else None, D) is applies


# --- Returns completeness -----------------------------------------------------------------

DUE = dt.date(2025, 8, 11)  # 2025-Q2 ends 30 June; + 42 days
RETURNS = [
    # (case, due date, first received, as at, expected)
    ("received before the due date: on time", DUE, "2025-07-20", D, "submitted_on_time"),
    ("received on the due date: on time", DUE, "2025-08-11", D, "submitted_on_time"),
    ("received after the due date: late", DUE, "2025-08-12", D, "submitted_late"),
    ("received after D: not received as at D, overdue", DUE, "2025-10-02", D, "overdue"),
    ("nothing received, due date passed: overdue", DUE, None, D, "overdue"),
    ("nothing received, due exactly D: not yet due", D, None, D, "not_yet_due"),
    ("nothing received, due after D: not yet due", day("2025-11-11"), None, D, "not_yet_due"),
    ("received after D, due after D: not yet due", day("2025-11-11"), "2025-10-02", D,
     "not_yet_due"),
]  # fmt: skip


@pytest.mark.parametrize(
    "due_date, received, as_at, expected", [r[1:] for r in RETURNS], ids=[r[0] for r in RETURNS]
)
def test_return_status(due_date, received, as_at, expected):
    assert return_status(due_date, day(received) if received else None, as_at) == expected


@pytest.mark.parametrize(
    "period, days, expected",
    [("2025-Q2", 42, "2025-08-11"), ("2025-Q4", 42, "2026-02-11"), ("2025-Q1", 0, "2025-03-31")],
)
def test_a_return_is_due_a_set_number_of_days_after_its_quarter_ends(period, days, expected):
    assert return_due_date(period, days) == day(expected)


@given(
    start=st.integers(2015 * 4, 2030 * 4),
    steps=st.lists(st.integers(1, 12), min_size=1, max_size=4),
    values=st.lists(st.floats(0, 1e6), min_size=5, max_size=5),
    offset=st.integers(-3, 60),
)
def test_trajectory_passes_through_every_point_and_stays_between_them(start, steps, values, offset):
    indexes = [start]
    for step in steps:
        indexes.append(indexes[-1] + step)
    points = [(str(Quarter.from_index(i)), v) for i, v in zip(indexes, values, strict=False)]
    baseline, targets = points[0], points[1:]
    for period, value in points:
        assert trajectory(baseline, targets, period) == pytest.approx(value)
    at = start + offset
    got = trajectory(baseline, targets, str(Quarter.from_index(at)))
    if at < start:
        assert got is None
    elif at >= indexes[-1]:
        assert got == pytest.approx(points[-1][1])
    else:
        n = max(k for k, i in enumerate(indexes) if i <= at)
        low, high = sorted((points[n][1], points[n + 1][1]))
        assert low - 1e-6 <= got <= high + 1e-6
