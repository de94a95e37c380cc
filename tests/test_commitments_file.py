"""The real commitments.yaml: faithful to the strategy, honest about invented numbers,
and rich enough that every status shows at the demo's as-at dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from etl.strategy.load import load_strategy

ROOT = Path(__file__).resolve().parents[1]
CLD_SUMMARY = ROOT.parent / "shared" / "strategy" / "stem-cld-summary.txt"
SECTORS = {
    "elc",
    "primary",
    "secondary",
    "cld",
    "colleges",
    "universities",
    "ite",
    "employers",
    "public",
}
DEMO_AS_AT = ["2018-11-30", "2020-03-31", "2022-12-31", "2025-09-30"]


@pytest.fixture(scope="module")
def strategy():
    return load_strategy(ROOT / "commitments.yaml")


def test_settings_are_the_specs(strategy):
    settings = strategy.settings
    assert (settings.returns_due_days, settings.min_coverage) == (42, 0.75)
    assert (settings.on_track_ratio, settings.at_risk_ratio) == (1.0, 0.9)
    assert strategy.strategy.published == dt.date(2017, 10, 26)
    assert strategy.strategy.refreshed == dt.date(2022, 5, 26)


def test_four_themes_each_with_at_least_two_commitments(strategy):
    assert [t.id for t in strategy.themes] == ["excellence", "equity", "inspiration", "connection"]
    assert all(t.description.strip() for t in strategy.themes)
    for theme in strategy.themes:
        assert sum(c.theme == theme.id for c in strategy.commitments) >= 2, theme.id


def test_indicators_cover_both_reporters_and_both_directions(strategy):
    indicators = [i for _, i in strategy.indicators]
    assert len(indicators) >= 12
    reporters = [i.reported_by for i in indicators]
    assert reporters.count("local_authorities") >= 8
    assert "national" in reporters
    assert any(i.direction == "down" for i in indicators)


def test_equity_council_indicators_carry_breakdowns(strategy):
    equity = [i for c, i in strategy.indicators if c.theme == "equity"]
    council = [i for i in equity if i.reported_by == "local_authorities"]
    assert council and all(i.breakdowns for i in council)
    declared = {b for i in council for b in i.breakdowns}
    assert declared == {"sex", "simd_quintile"}


def test_units_match_aggregation(strategy):
    # Councils' counts add up to Scotland's; their percents are averaged.
    for _, indicator in strategy.indicators:
        expected = "sum" if indicator.unit == "count" else "mean"
        assert indicator.aggregation == expected, indicator.id


def test_cld_conference_is_five_yearly_milestones_2018_to_2022(strategy):
    conference = next(c for c in strategy.commitments if "CLD practitioners" in c.title)
    assert [m.due for m in conference.milestones] == [
        dt.date(year, 12, 31) for year in range(2018, 2023)
    ]
    first = conference.milestones[0]
    assert first.completed == dt.date(2019, 2, 19)
    assert "19 February 2019" in first.note


def test_every_milestone_keeps_the_sources_words(strategy):
    for _, milestone in strategy.milestones:
        assert milestone.due_text.strip(), milestone.id


def test_every_reference_resolves_to_a_declared_source(strategy):
    source_ids = {s.id for s in strategy.strategy.sources}
    for commitment in strategy.commitments:
        refs = [commitment.source]
        refs += [m.source for m in commitment.milestones if m.source]
        refs += [i.source for i in commitment.indicators if i.source]
        for indicator in commitment.indicators:
            points = [indicator.baseline, *indicator.targets]
            points += [change.was for change in indicator.rebaselined]
            refs += [p.source for p in points if p.source]
        assert set(refs) <= source_ids, commitment.id


def test_every_number_is_sourced_or_marked_illustrative(strategy):
    for _, indicator in strategy.indicators:
        points = [indicator.baseline, *indicator.targets]
        points += [change.was for change in indicator.rebaselined]
        for point in points:
            assert indicator.illustrative or point.illustrative or point.source, (
                f"{indicator.id} {point.period}"
            )
        if indicator.illustrative:
            assert "ILLUSTRATIVE" in (indicator.note or ""), indicator.id


def test_every_completion_says_where_its_date_comes_from(strategy):
    for _, milestone in strategy.milestones:
        if milestone.completed:
            assert milestone.note, milestone.id


def test_cld_summary_quotes_are_verbatim(strategy):
    if not CLD_SUMMARY.exists():
        pytest.skip("the stored CLD summary is not beside the project")

    def words(text: str) -> str:
        return " ".join(text.replace("·", " ").split())

    summary = words(CLD_SUMMARY.read_text(encoding="utf-8"))
    quoted = [c for c in strategy.commitments if c.source == "cld-summary"]
    assert len(quoted) >= 14
    for commitment in quoted:
        assert commitment.source_text, commitment.id
        # A quote may join two passages of the summary; each sentence must be verbatim.
        for sentence in re.split(r"(?<=\.) ", words(commitment.source_text)):
            assert sentence.rstrip(".") in summary, f"{commitment.id}: {sentence}"


def test_ids_dates_and_sectors_are_sane(strategy):
    published = strategy.strategy.published
    for commitment in strategy.commitments:
        assert re.fullmatch(r"C\d\d", commitment.id)
        assert commitment.lead.strip() and commitment.title.strip()
        assert set(commitment.sectors) <= SECTORS and commitment.sectors, commitment.id
        assert commitment.theme not in commitment.also_themes
        for milestone in commitment.milestones:
            assert re.fullmatch(rf"{commitment.id}-M\d+", milestone.id)
            assert published - dt.timedelta(days=7) <= milestone.due <= dt.date(2026, 12, 31)
            if milestone.completed:
                assert published <= milestone.completed <= dt.date(2025, 9, 30)
            for change in milestone.rebaselined:
                assert change.was < milestone.due and change.reason.strip()
        for indicator in commitment.indicators:
            assert re.fullmatch(rf"{commitment.id}-I\d+", indicator.id)
            assert indicator.baseline.value >= 0
            assert "2016-Q1" <= indicator.baseline.period <= "2022-Q4"
            assert indicator.targets[-1].period in ("2022-Q4", "2025-Q4")
            for change in indicator.rebaselined:
                assert change.on == dt.date(2022, 5, 26) and change.reason.strip()
        if commitment.override:
            assert commitment.override.reason.strip() and commitment.override.by.strip()


def test_targets_run_to_2022_and_the_refresh_extension(strategy):
    last = [i.targets[-1].period for _, i in strategy.indicators]
    assert "2022-Q4" in last and "2025-Q4" in last
    moved = [i for _, i in strategy.indicators if i.rebaselined]
    assert moved and all(i.rebaselined[0].was.period == "2022-Q4" for i in moved)


@pytest.mark.parametrize("as_at", DEMO_AS_AT)
def test_every_milestone_status_shows_at_the_demo_dates(strategy, as_at):
    # The rule of spec/status-rules.md, restated so that this file checks the YAML alone.
    day = dt.date.fromisoformat(as_at)
    seen = set()
    for _, milestone in strategy.milestones:
        if milestone.completed and milestone.completed <= day:
            seen.add("on time" if milestone.completed <= milestone.due else "late")
        elif milestone.due < day:
            seen.add("overdue")
        elif milestone.due <= day + dt.timedelta(days=90):
            seen.add("due soon")
        else:
            seen.add("not yet due")
    assert seen == {"on time", "late", "overdue", "due soon", "not yet due"}
