"""Demo data: deterministic, plausible, labelled, and shaped like councils' returns."""

from __future__ import annotations

from datetime import date

import pytest

from etl import demo, store
from etl.periods import Quarter, last_ended

TODAY = date(2025, 11, 25)


@pytest.fixture(scope="module")
def built(strategy):
    return demo.build_demo(strategy, seed=2017, today=TODAY)


def test_same_seed_same_figures(strategy, built):
    again = demo.build_demo(strategy, seed=2017, today=TODAY)
    assert again[0].equals(built[0]) and again[1].equals(built[1])
    other = demo.build_demo(strategy, seed=1, today=TODAY)
    assert not other[1]["value"].equals(built[1]["value"])


def test_covers_every_council_from_the_start_to_the_last_ended_quarter(strategy, built):
    submissions, figures, quarters = built
    assert quarters[0] == Quarter.parse(strategy.strategy.start)
    assert quarters[-1] == last_ended(TODAY)
    councils = submissions[submissions.authority_code != "S92000003"]
    assert councils.authority_code.nunique() == 32
    national = [i.id for _, i in strategy.indicators if i.reported_by == "national"]
    if national:
        assert (submissions.authority_code == "S92000003").any()


def test_some_councils_are_late_or_missing_and_some_returns_corrected(strategy, built):
    submissions, _, quarters = built
    due = {str(q): q.end.toordinal() + strategy.settings.returns_due_days for q in quarters}
    late = submissions.apply(lambda s: s.received_at.date().toordinal() > due[s.period], axis=1)
    assert 0 < late.mean() < 0.3
    per_quarter = submissions[submissions.version == 1].groupby("period").authority_code.nunique()
    assert (per_quarter < 33).any(), "some council misses some quarter"
    assert (submissions.version == 2).any() and (submissions.action == "replaced").any()
    current = submissions[submissions.is_current]
    assert not current.duplicated(["authority_code", "period"]).any()


def test_figures_respect_units_and_declared_breakdowns(strategy, built):
    _, figures, _ = built
    indicators = {i.id: i for _, i in strategy.indicators}
    assert set(figures.indicator_id) <= set(indicators)
    assert (figures.value >= 0).all()
    for indicator_id, rows in figures.groupby("indicator_id"):
        indicator = indicators[indicator_id]
        if indicator.unit == "percent":
            assert rows.value.max() <= 100
        if "sex" not in indicator.breakdowns:
            assert set(rows.sex) == {"all"}
        if "simd_quintile" not in indicator.breakdowns:
            assert set(rows.simd_quintile) == {"all"}
        else:
            assert set(rows.simd_quintile) == {"all", "1", "2", "3", "4", "5"}


def test_loaded_demo_is_marked_as_demo_and_refuses_real_data(tmp_path, strategy):
    path = tmp_path / "t.duckdb"
    store.init(path, strategy)
    summary = demo.load_demo(path, strategy, today=TODAY)
    with store.connect(path) as con:
        assert store.get_meta(con, "figures") == "demo"
        assert con.execute("SELECT count(*) FROM figures").fetchone()[0] == summary["rows"]
        # Pretend a council's real return arrived: the demo must not overwrite it.
        con.execute("UPDATE meta SET value = 'official' WHERE key = 'figures'")
    with pytest.raises(demo.DemoRefused, match="not demo data"):
        demo.load_demo(path, strategy, today=TODAY)
    with store.connect(path) as con:
        assert con.execute("SELECT count(*) FROM figures").fetchone()[0] == summary["rows"]
