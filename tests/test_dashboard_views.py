"""The dashboard's reading side without Streamlit: SQL builders on a real DuckDB file and
the pure shaping in dashboard.views."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from dashboard import format as fmt
from dashboard import sql, views
from etl import status, store
from tests.status_fixture import COUNCILS, add_return

TODAY = date.today()


def commitments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["C01", "C02", "C03"],
            "title": ["Professional learning", "Online resource", "Gender balance"],
            "theme": ["excellence", "excellence", "equity"],
            "lead": ["Education Scotland", "Education Scotland", "SDS"],
            "sectors": [["primary", "secondary"], ["cld"], ["secondary"]],
            "status": ["at_risk", "complete", "off_track"],
            "manual": [True, False, False],
            "reason": ["Waiting for funding", None, "milestone C03-M1 overdue"],
            "data_gap": [False, False, True],
        }
    )


def test_commitment_filters_combine():
    table = views.commitment_table(commitments(), themes=["excellence"], sectors=["secondary"])
    assert list(table["Commitment"]) == ["C01"]
    assert table["Status"][0] == "▲ At risk (manual)"
    assert list(views.commitment_table(commitments(), search="GENDER")["Commitment"]) == ["C03"]
    assert views.commitment_table(commitments(), statuses=["off_track"])["Status"][0] == (
        "✖ Off track · data gap"
    )
    assert views.commitment_filters(commitments())["sector"] == ["cld", "primary", "secondary"]


def test_filters_that_leave_nothing_give_an_empty_table():
    # A theme and lead with no commitment, then a sector: the empty frame keeps its columns.
    table = views.commitment_table(
        commitments(), themes=["equity"], leads=["Education Scotland"], sectors=["cld"],
        statuses=["complete"], search="online",
    )  # fmt: skip
    assert table.empty
    assert "Commitment" in table.columns


def test_what_changed_says_which_way_and_why(demo_db):
    """Each move with its reason (issue 27, part 2): here the quarter's new figures."""
    with store.connect(demo_db) as con:
        before, after = (status.report(con, date(2025, m, 30)) for m in (6, 9))
    changed = views.what_changed(before, after)
    was = before.commitments.set_index("id")["status"]
    for row in changed[changed["What"] == "Commitment"].itertuples():
        now = after.commitments.set_index("id").loc[row.Id, "status"]
        way = "↑ better" if fmt.RANK[now] > fmt.RANK[was[row.Id]] else "↓ worse"
        assert (row.Was, row.Now, row.Direction) == (fmt.label(was[row.Id]), fmt.label(now), way)
    assert changed["Why"].str.len().gt(0).all()
    for row in changed[changed["What"] == "Indicator"].itertuples():
        ind = after.indicators.set_index("id").loc[row.Id]
        assert row.Why.startswith("new figures, for April to June 2025, from returns received")
        assert f"{fmt.number(ind['actual'], ind['unit'])} against" in row.Why


def returns() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "authority_code": ["S12000005", "S12000047"] * 2,
            "authority_name": ["Clackmannanshire", "Fife"] * 2,
            "period": ["2025-Q1", "2025-Q1", "2025-Q2", "2025-Q2"],
            "due_date": [date(2025, 5, 12)] * 2 + [date(2025, 8, 11)] * 2,
            "received_at": [datetime(2025, 5, 1), None, None, datetime(2025, 8, 1)],
            "status": ["submitted_on_time", "overdue", "overdue", "submitted_on_time"],
        }
    )


def test_chasing_list_and_reminder_for_the_latest_due_quarter():
    chasing = views.chasing_list(returns(), "2025-Q2", date(2025, 8, 21))
    assert chasing.values.tolist() == [
        ["Clackmannanshire", "S12000005", "2025-Q2", "11 August 2025", 10]
    ]
    text = views.reminder_text(chasing, date(2025, 8, 21))
    assert "return for 2025-Q2 was due on 11 August 2025" in text
    assert "- Clackmannanshire" in text and "Fife" not in text


def test_completeness_grid_has_words_and_icons():
    grid = views.completeness_grid(returns())
    assert grid.loc["Fife"].tolist() == ["■ Overdue", "☑ On time"]
    assert views.coverage(returns(), "2025-Q2") == {
        "period": "2025-Q2",
        "received": 1,
        "councils": 2,
    }


def test_quarter_ends_and_previous_quarter():
    assert views.quarter_ends(date(2025, 11, 25), 3) == [
        date(2025, 9, 30),
        date(2025, 6, 30),
        date(2025, 3, 31),
    ]
    assert views.previous_quarter_end(date(2025, 9, 30), "2017-Q4") == date(2025, 6, 30)
    assert views.previous_quarter_end(date(2025, 10, 1), "2017-Q4") == date(2025, 9, 30)
    assert views.previous_quarter_end(date(2018, 1, 1), "2017-Q4") == date(2017, 12, 31)
    assert views.previous_quarter_end(date(2017, 12, 31), "2017-Q4") is None  # nothing before


def test_council_comparison_uses_the_average_per_council_for_a_sum():
    national = pd.DataFrame(
        {
            "period": ["2025-Q1", "2025-Q2"],
            "value": [320.0, 300.0],
            "authorities_reported": pd.array([32, 30], dtype="Int64"),
            "enough_coverage": [True, True],
        }
    )
    council = pd.DataFrame({"period": ["2025-Q2"], "value": [12.0]})
    frame = views.council_comparison(council, national, "Fife", "sum")
    assert frame.values.tolist() == [
        ["2025-Q1", "Scotland (average per council)", 10.0],
        ["2025-Q2", "Scotland (average per council)", 10.0],
        ["2025-Q2", "Fife", 12.0],
    ]


def test_rebaselined_dates_and_statuses_in_words():
    assert fmt.due_text(date(2019, 6, 30), date(2018, 12, 31)) == (
        "due 30 June 2019, originally 31 December 2018"
    )
    assert fmt.due_text(date(2019, 6, 30), date(2019, 6, 30)) == "due 30 June 2019"
    assert fmt.indicator_status_text("at_risk", 27) == "▲ At risk (provisional: 27 of 32 councils)"
    assert fmt.indicator_status_text("no_data", 10).startswith("○ Insufficient data")
    assert fmt.indicator_status_text("on_track", 32) == "● On track (all 32 councils)"


@pytest.fixture
def breakdown_db(tmp_path, strategy):
    path = tmp_path / "breakdowns.duckdb"
    store.init(path, strategy)
    indicator = next(i for _, i in strategy.indicators if set(i.breakdowns) >= {"sex"})
    with store.connect(path) as con:
        for code, (female, male) in zip(COUNCILS[:2], [(30, 70), (50, 50)], strict=True):
            add_return(
                con,
                code,
                "2025-Q2",
                [
                    (indicator.id, "all", "all", female + male),
                    (indicator.id, "female", "all", female),
                    (indicator.id, "male", "all", male),
                ],
            )
    return path, indicator


def test_breakdowns_are_aggregated_in_duckdb_by_council_and_nationally(breakdown_db):
    path, indicator = breakdown_db
    with store.connect(path) as con:
        rows = con.execute(*sql.breakdowns(indicator.id, "2025-Q4", "sum", TODAY, True)).df()
        figures = con.execute(*sql.council_figures(indicator.id, "2025-Q2", TODAY, True)).df()
    national = rows[rows["authority_code"].isna()].iloc[0]
    assert (national["female"], national["male"], national["authorities_reported"]) == (80, 120, 2)
    series = views.equity_series(rows, {COUNCILS[0]: "First"}, COUNCILS[0])
    assert series[["scope", "female_share"]].values.tolist() == [
        ["Scotland", 40.0],
        ["First", 30.0],
    ]
    assert len(figures) == 32 and figures["value"].notna().sum() == 2


def test_sql_builders_refuse_unknown_tables():
    with pytest.raises(ValueError):
        sql.table("submissions; DROP TABLE meta")
