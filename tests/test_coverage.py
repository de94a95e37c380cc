"""Councils reporting (n of 32): one quarter, chosen by the status report, on every screen
and in the briefing pack."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dashboard import briefing, views
from etl import status as engine
from etl import store
from tests.status_fixture import COUNCILS, add_return
from tests.test_dashboard import run

# The demo store held open while this module runs (tests/conftest.py: its reads skip
# reopening the file).
pytestmark = pytest.mark.usefixtures("demo_db_held_open")


def coverage_period(db, as_at: date) -> str | None:
    with store.connect(db) as con:
        return engine.report(con, as_at).coverage_period


def test_the_coverage_quarter_is_the_latest_whose_return_due_date_has_passed(empty_db, strategy):
    indicator = strategy.indicators[0][1].id
    with store.connect(empty_db) as con:  # one council sends 2025-Q3 early
        add_return(con, COUNCILS[0], "2025-Q3", {indicator: 1}, "2025-10-02 09:00")
    # 2025-Q3's return is due on 11 November 2025 (42 days after the quarter ends).
    assert coverage_period(empty_db, date(2025, 10, 15)) == "2025-Q2"  # early return ignored
    assert coverage_period(empty_db, date(2025, 11, 11)) == "2025-Q2"  # due today, not passed
    assert coverage_period(empty_db, date(2025, 11, 12)) == "2025-Q3"


def test_no_coverage_quarter_before_the_first_return_is_due(empty_db):
    # The strategy starts in 2017-Q4, whose return is due on 11 February 2018.
    assert coverage_period(empty_db, date(2018, 2, 11)) is None
    assert coverage_period(empty_db, date(2018, 2, 12)) == "2017-Q4"


def overview_number(db, monkeypatch, as_at: date) -> tuple[str, str]:
    at = run(db, monkeypatch, as_at=as_at.isoformat())
    (metric,) = [m for m in at.metric if m.label.startswith("Councils that sent a return for")]
    return metric.label.removeprefix("Councils that sent a return for "), metric.value


def pack_number(db, as_at: date) -> tuple[str, str]:
    pack = briefing.build(briefing.read(db, as_at))
    (overview,) = [s for s in pack.slides if s.kind == "overview"]
    found = [re.fullmatch(r"(\d+ of \d+) councils have sent their (\S+) return\.", m)
             for m in overview.messages]  # fmt: skip
    ((number, period),) = [m.groups() for m in found if m]
    assert f"{number} councils reported for {period}" in pack.source
    return period, number


@pytest.mark.parametrize(
    "as_at",
    [date(2022, 12, 31), date(2025, 9, 30), date(2025, 10, 15)],  # the last: early returns in
)
def test_overview_and_briefing_pack_show_the_same_councils_reporting(demo_db, monkeypatch, as_at):
    assert overview_number(demo_db, monkeypatch, as_at) == pack_number(demo_db, as_at)


def test_councils_page_chases_every_council_not_counted_as_reporting(demo_db, monkeypatch):
    # As at 15 October 2025 some councils have sent 2025-Q3 early; the quarter to chase is
    # still 2025-Q2, not "every council has sent its return for 2025-Q3".
    as_at = date(2025, 10, 15)
    with store.connect(demo_db) as con:
        report = engine.report(con, as_at)
    period = report.coverage_period
    assert period == "2025-Q2"
    cover = views.coverage(report.returns, period)
    chasing = views.chasing_list(report.returns, period, as_at)
    assert cover["received"] + len(chasing) == cover["councils"] == 32
    at = run(demo_db, monkeypatch, page="app_pages/councils.py", as_at=as_at.isoformat())
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.success])
    assert f"for {period}" in shown and "2025-Q3." not in shown


def test_status_command_counts_the_same_quarter(demo_db, monkeypatch, capsys):
    from tests.test_status_cli import run as run_cli

    code, out, _ = run_cli(
        monkeypatch, capsys, "--db", str(demo_db), "status", "--as-at", "2025-10-15"
    )
    assert code == 0
    period, number = pack_number(demo_db, date(2025, 10, 15))
    assert f"Returns for {period}: {number} councils returned" in out
