"""Chart builders, tested by the figures' data (AppTest cannot see inside a plotly chart)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import format as fmt
from dashboard.briefing import messages as say
from dashboard.charts import common, councils, overview
from dashboard.charts import equity as equity_charts
from dashboard.charts import indicators as indicator_charts
from dashboard.charts import milestones as milestone_charts
from dashboard.charts import returns as returns_charts
from etl.status import ThemeCounts

AS_AT = date(2025, 9, 30)
SOURCE = common.source_line(AS_AT, 27, "2025-Q2", demo=True)


def themes() -> tuple[ThemeCounts, ...]:
    return (
        ThemeCounts(
            id="excellence",
            name="Excellence",
            commitments={"complete": 1, "on_track": 2, "at_risk": 0, "off_track": 1},
            indicators={"on_track": 1, "at_risk": 1, "off_track": 0, "no_data": 0},
            milestones_due=4,
            milestones_completed=3,
        ),
        ThemeCounts(
            id="equity",
            name="Equity",
            commitments={"complete": 0, "on_track": 1, "at_risk": 1, "off_track": 2},
            indicators={"on_track": 0, "at_risk": 0, "off_track": 1, "no_data": 1},
            milestones_due=0,
            milestones_completed=0,
        ),
    )


def title(fig: go.Figure) -> str:
    """The finding as written (the figure's title wraps it over lines in bold)."""
    return fig.layout.meta["title"]


def labelled(fig: go.Figure) -> None:
    """Every chart carries its finding, the as-at date, the source line and a summary."""
    assert fig.layout.title.text
    notes = " ".join(a.text or "" for a in fig.layout.annotations)
    assert "As at 30 September 2025" in notes and "Source:" in notes
    assert "DEMO DATA" in notes
    assert common.summary(fig)


def test_source_line_says_coverage_and_demo():
    assert SOURCE.startswith("As at 30 September 2025 · Source: ")
    assert "27 of 32 councils reported for 2025-Q2" in SOURCE
    assert "DEMO DATA" in SOURCE
    assert "DEMO" not in common.source_line(AS_AT)


def test_commitments_by_theme_stacks_statuses_with_words_and_icons():
    fig = overview.commitments_by_theme(themes(), AS_AT, SOURCE)
    labelled(fig)
    bars = {bar.name: bar for bar in fig.data}
    assert list(bars) == ["Off track", "At risk", "On track", "Complete"]  # worst first
    assert list(bars["Off track"].x) == [2, 1]  # Equity, Excellence (first theme on top)
    assert list(bars["Off track"].y) == ["Equity", "Excellence"]
    assert bars["Off track"].marker.color == fmt.colour("off_track")
    assert "✖ 2 off track" in bars["Off track"].text
    assert title(fig) == "4 of 8 commitments are on track or complete; 3 off track"


def test_delivery_by_theme_labels_rates_and_says_none_due():
    fig = overview.delivery_by_theme(themes(), AS_AT, SOURCE)
    labelled(fig)
    bar = fig.data[0]
    assert list(bar.y) == ["Equity", "Excellence"]
    assert list(bar.x) == [0, 75]
    assert list(bar.text) == ["none due yet", "75% (3 of 4 due)"]
    assert bar.marker.color == fmt.PALETTE[0]
    assert "75% of milestones due have been delivered" in title(fig)


def test_indicators_by_theme_counts_no_data_apart():
    fig = overview.indicators_by_theme(themes(), AS_AT, SOURCE)
    assert [b.name for b in fig.data] == ["Off track", "At risk", "On track", "No data"]
    assert "1 of 3 measured indicators are on track; 1 without enough data" in (title(fig))


def test_empty_theme_counts_give_a_message_not_an_error():
    zero = [
        replace(
            theme,
            commitments=dict.fromkeys(theme.commitments, 0),
            milestones_due=0,
            milestones_completed=0,
        )
        for theme in themes()
    ]
    fig = overview.commitments_by_theme(zero, AS_AT, SOURCE)
    assert "No commitments" in title(fig)
    assert "No milestones were due yet" in title(overview.delivery_by_theme(zero, AS_AT, SOURCE))


def milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["C01-M1", "C01-M2", "C02-M1"],
            "commitment_id": ["C01", "C01", "C02"],
            "title": ["First", "Second", "Third"],
            "due": [date(2019, 6, 30), date(2025, 12, 31), date(2024, 3, 31)],
            "original_due": [date(2018, 12, 31), date(2025, 12, 31), date(2024, 3, 31)],
            "due_text": ["during 2018-19", "by the end of 2025", "by March 2024"],
            "completed": [date(2019, 8, 1), None, None],
            "status": ["complete", "due_soon", "overdue"],
            "on_time": [False, None, None],
            "theme": ["excellence", "excellence", "equity"],
        }
    )


def test_milestone_timeline_puts_status_words_on_bars_and_marks_the_as_at_date():
    fig = milestone_charts.milestone_timeline(milestones(), AS_AT, SOURCE, start=date(2017, 10, 26))
    labelled(fig)
    bars = fig.data[0]
    assert list(bars.text) == ["✔ Complete (late)", "◆ Due soon", "■ Overdue"]
    assert list(bars.marker.color) == [fmt.colour(s) for s in ("complete", "due_soon", "overdue")]
    assert "due 30 June 2019, originally 31 December 2018" in bars.customdata[0]
    # the second milestone's bar starts where the first one was due
    assert pd.Timestamp(bars.base[1]) == pd.Timestamp(2019, 6, 30)
    moved = fig.data[1]
    assert list(moved.y) == [bars.y[0]] and pd.Timestamp(moved.x[0]) == pd.Timestamp(2018, 12, 31)
    assert any(s.type == "line" for s in fig.layout.shapes)  # the as-at line
    assert title(fig) == "1 of 3 milestones are overdue"


def test_returns_grid_shows_an_icon_in_every_cell():
    grid = pd.DataFrame(
        {
            "authority_name": ["Fife", "Fife", "Angus", "Angus"],
            "period": ["2025-Q1", "2025-Q2", "2025-Q1", "2025-Q2"],
            "status": ["submitted_on_time", "overdue", "submitted_late", "not_yet_due"],
        }
    )
    fig = returns_charts.returns_grid(grid, AS_AT, SOURCE)
    heat = fig.data[0]
    assert list(heat.y) == ["Fife", "Angus"]
    assert [list(row) for row in heat.text] == [["☑", "■"], ["◐", "◇"]]
    assert "0 of 2 councils have sent their 2025-Q2 return" in title(fig)


def test_returns_grid_title_counts_the_quarter_whose_returns_are_due():
    # As at 30 September 2025, 2025-Q3 is shown but not due: the title speaks of 2025-Q2,
    # the status report's coverage period, as the chasing list and the overview do.
    grid = pd.DataFrame(
        {
            "authority_name": ["Fife", "Fife", "Angus", "Angus"],
            "period": ["2025-Q2", "2025-Q3", "2025-Q2", "2025-Q3"],
            "status": ["submitted_on_time", "not_yet_due", "overdue", "not_yet_due"],
        }
    )
    fig = returns_charts.returns_grid(grid, AS_AT, SOURCE, "2025-Q2")
    assert title(fig).startswith("1 of 2 councils have sent their 2025-Q2 return")
    assert common.summary(fig) == (
        "As at 30 September 2025, 1 of 2 councils have sent their 2025-Q2 return; 1 overdue."
    )


def indicator(**overrides) -> dict:
    row = {
        "id": "C01-I1",
        "name": "Practitioners completing STEM professional learning",
        "unit": "count",
        "direction": "up",
        "reported_by": "local_authorities",
        "aggregation": "sum",
        "status": "at_risk",
        "latest_period": "2025-Q2",
        "actual": 950.0,
        "trajectory": 1000.0,
        "authorities_reported": 27,
        "baseline_period": "2024-Q1",
        "baseline_value": 600.0,
    }
    return row | overrides


def series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": "C01-I1",
            "period": ["2024-Q4", "2025-Q1", "2025-Q2"],
            "value": [800.0, 100.0, 801.6],
            "authorities_reported": pd.array([32, 5, 27], dtype="Int64"),
            "coverage": [1.0, 5 / 32, 27 / 32],
            "estimated": [False, True, True],
            "compared_value": [800.0, 640.0, 950.0],
            "trajectory": [900.0, 950.0, 1000.0],
            "enough_coverage": [True, False, True],
        }
    )


TARGETS = pd.DataFrame({"period": ["2025-Q4", "2026-Q4"], "value": [1100.0, 1500.0]})


def test_indicator_chart_draws_trajectory_targets_and_only_well_covered_quarters():
    changes = pd.DataFrame({"was_period": ["2025-Q4"], "was_value": [1200.0]})
    fig = indicator_charts.indicator_vs_trajectory(
        series(), indicator(), TARGETS, AS_AT, SOURCE, changes
    )
    labelled(fig)
    traces = {t.name: t for t in fig.data if t.name}
    assert list(traces["Trajectory"].y) == [600, 1100, 1500]  # baseline then targets
    assert list(traces["National figure"].y) == [800, 950]  # enough coverage only
    assert list(traces["Too few councils reported"].y) == [640]
    assert "insufficient data" in traces["Too few councils reported"].text[0]
    originals = [t for t in fig.data if t.marker.symbol == "diamond-open"]
    assert list(originals[0].y) == [1200]
    assert "▲ At risk (provisional: 27 of 32 councils)" in fig.layout.meta["subtitle"]
    assert title(fig).startswith("Practitioners completing STEM")
    assert "at risk, 950 against 1,000 expected" in title(fig)
    assert fig.layout.yaxis.title.text == "Number"


def test_indicator_chart_labels_each_target_on_the_side_away_from_the_national_line():
    """The national figure at 2025-Q2 (950) is below the 2025-Q4 target (1,100): that label
    goes above its point; a target the line has passed (600 in 2025-Q1, where the figure
    was 640) is labelled below. The original target is labelled too, and the line's own
    label starts past the as-at line, which is near."""
    targets = pd.DataFrame({"period": ["2025-Q1", "2025-Q4"], "value": [600.0, 1100.0]})
    changes = pd.DataFrame({"was_period": ["2025-Q4"], "was_value": [1200.0]})
    fig = indicator_charts.indicator_vs_trajectory(
        series(), indicator(), targets, AS_AT, SOURCE, changes
    )
    offsets = {
        a.text: a.ay for a in fig.layout.annotations if a.text.startswith(("Target", "Orig"))
    }
    assert offsets["Target 2025-Q4: 1,100"] < 0  # above: the line is below it
    assert offsets["Target 2025-Q1: 600"] > 0  # below: the line (640) is above it
    assert offsets["Original target 2025-Q4: 1,200"] < 0
    end = next(a for a in fig.layout.annotations if a.text.startswith("<b>National figure"))
    assert pd.Timestamp(end.x) == pd.Timestamp(AS_AT)


def test_indicator_chart_without_data_says_insufficient_not_a_colour():
    fig = indicator_charts.indicator_vs_trajectory(
        series().iloc[0:0],
        indicator(status="no_data", actual=None, latest_period=None, authorities_reported=None),
        TARGETS,
        AS_AT,
        SOURCE,
    )
    assert "not enough data" in title(fig)
    assert "No figures reported yet" in fig.layout.meta["subtitle"]


def councils_figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "authority_code": ["S12000005", "S12000047", "S12000049"],
            "authority_name": ["Clackmannanshire", "Fife", "Glasgow City"],
            "value": [10.0, None, 30.0],
        }
    )


def test_council_bars_sort_and_name_councils_without_a_figure():
    fig = councils.council_bars(councils_figures(), indicator(), "2025-Q2", AS_AT, SOURCE)
    bar = fig.data[0]
    assert list(bar.y) == ["Fife", "Clackmannanshire", "Glasgow City"]
    assert list(bar.text) == ["no figure", "10", "30"]
    assert "Glasgow City reported the highest figure for 2025-Q2" in title(fig)
    average = [shape for shape in fig.layout.shapes if shape.x0 == 20.0]
    assert average and average[0].layer == "below", "the average line runs behind the labels"


def test_council_bars_draw_a_reference_line_when_asked():
    fig = councils.council_bars(
        councils_figures(), indicator(), "2025-Q2", AS_AT, SOURCE, reference=(50, "parity")
    )
    assert {shape.x0 for shape in fig.layout.shapes} == {20.0, 50}
    assert "parity" in [a.text for a in fig.layout.annotations]


def test_tile_map_draws_a_tile_per_council_with_its_value():
    tiles = pd.DataFrame(
        {
            "code": ["S12000005", "S12000047", "S12000049"],
            "row": [0, 0, 1],
            "col": [0, 1, 0],
            "short_name": ["Clacks", "Fife", "Glasgow"],
        }
    )
    fig = councils.tile_map(councils_figures(), tiles, indicator(), "2025-Q2", AS_AT, SOURCE)
    labelled(fig)
    assert len(fig.layout.shapes) == 3
    text = list(fig.data[0].text)
    assert "Clacks<br><b>10</b>" in text and "Fife<br><b>no figure</b>" in text
    fills = [s.fillcolor for s in fig.layout.shapes]
    assert fills[1] == fmt.NO_DATA and fills[0] != fills[2]


def test_the_real_tile_grid_places_all_32_councils_once():
    data = Path(__file__).resolve().parent.parent / "data"
    grid = pd.read_csv(data / "council_tiles.csv")
    names = pd.read_csv(data / "councils.csv")
    assert sorted(grid["code"]) == sorted(names["code"])
    assert not grid.duplicated(["row", "col"]).any()
    # Short enough to fit a tile: at 11 px about 13 characters fit in an 80 px tile.
    assert grid["short_name"].str.len().max() <= 13


def equity() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2025-Q1", "2025-Q2", "2025-Q1", "2025-Q2"],
            "scope": ["Scotland", "Scotland", "Fife", "Fife"],
            "female_share": [40.0, 42.0, 50.0, 55.0],
            "simd_gap": [12.0, 10.0, -1.0, 2.0],
        }
    )


def test_female_share_against_parity_labels_lines_directly():
    fig = equity_charts.female_share(equity(), indicator(), AS_AT, SOURCE)
    labelled(fig)
    assert [t.name for t in fig.data] == ["Scotland", "Fife"]
    assert [t.line.color for t in fig.data] == list(fmt.PALETTE[:2])
    assert any(s.y0 == 50 for s in fig.layout.shapes)  # parity
    notes = [a.text for a in fig.layout.annotations]
    assert "<b>Scotland</b> 42.0%" in notes and "<b>Fife</b> 55.0%" in notes
    assert "42% in 2025-Q2, 8 points below parity" in title(fig)


def test_simd_gap_states_which_way_the_gap_runs():
    fig = equity_charts.simd_gap(equity(), indicator(unit="percent"), AS_AT, SOURCE)
    assert "trail the least deprived by 10.0 percentage points" in title(fig)
    assert fig.layout.yaxis.title.text.endswith("(percentage points)")


@pytest.mark.parametrize(
    "build",
    [
        lambda: equity_charts.female_share(equity().iloc[0:0], indicator(), AS_AT, SOURCE),
        lambda: equity_charts.simd_gap(equity().iloc[0:0], indicator(), AS_AT, SOURCE),
        lambda: councils.council_bars(
            councils_figures().assign(value=None), indicator(), "2025-Q2", AS_AT, SOURCE
        ),
        lambda: milestone_charts.milestone_timeline(milestones().iloc[0:0], AS_AT, SOURCE),
        lambda: returns_charts.returns_grid(pd.DataFrame(), AS_AT, SOURCE),
    ],
)
def test_nothing_to_draw_gives_a_labelled_message(build):
    fig = build()
    assert fig.layout.title.text and common.summary(fig)
    assert "As at" in " ".join(a.text for a in fig.layout.annotations)


def fife_and_scotland() -> pd.DataFrame:
    """Two quarters of one indicator for Fife and for Scotland (average per council)."""
    return pd.DataFrame(
        {
            "period": ["2025-Q1", "2025-Q2", "2025-Q1", "2025-Q2"],
            "scope": ["Scotland (average per council)"] * 2 + ["Fife"] * 2,
            "value": [10.0, 11.0, 12.0, 9.0],
        }
    )


def test_council_against_scotland_names_what_it_is_compared_with():
    fig = councils.council_vs_national(fife_and_scotland(), indicator(), "Fife", AS_AT, SOURCE)
    labelled(fig)
    assert title(fig) == "Fife was below Scotland (average per council) in 2025-Q2"
    assert "against 11 for Scotland (average per council)" in common.summary(fig)
    assert [t.name for t in fig.data] == ["Scotland (average per council)", "Fife"]


def test_council_against_scotland_axis_ends_at_the_as_at_date_with_room_for_labels():
    fig = councils.council_vs_national(fife_and_scotland(), indicator(), "Fife", AS_AT, SOURCE)
    start, end = (pd.Timestamp(x) for x in fig.layout.xaxis.range)
    assert start <= pd.Timestamp(2025, 3, 31) and pd.Timestamp(AS_AT) < end
    assert end <= pd.Timestamp(AS_AT) + pd.DateOffset(months=6)  # not years past the data
    # The end labels live in the right margin; the shared finish must not take it away.
    assert fig.layout.margin.r >= 7 * len("Scotland (average per council) 11")


def test_overview_charts_and_briefing_slides_state_the_same_finding():
    frame = themes()
    # The same statuses, one per commitment and indicator, as the briefing counts them.
    commitments = pd.Series(
        [s for t in frame for s in fmt.COMMITMENT_ORDER for _ in range(t.commitments[s])]
    )
    indicators = pd.Series(
        [s for t in frame for s in fmt.INDICATOR_ORDER for _ in range(t.indicators[s])]
    )
    assert title(overview.commitments_by_theme(frame, AS_AT, SOURCE)) == say.commitments_title(
        commitments
    )
    assert title(overview.indicators_by_theme(frame, AS_AT, SOURCE)) == say.indicators_title(
        indicators
    )
