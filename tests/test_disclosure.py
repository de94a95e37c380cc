"""Disclosure control (spec/publication.md), as tables: each case is the table a council
would send and the table as published."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.councils import NATIONAL_CODE
from etl.disclosure import CONFIDENTIAL, groups, suppress

S = NATIONAL_CODE


def table(rows: list[tuple], unit: str = "count") -> pd.DataFrame:
    """Rows of (authority, sex, simd, value) for one indicator and quarter."""
    return pd.DataFrame(
        [(a, "2025-Q3", "I1", sex, simd, unit, float(v)) for a, sex, simd, v in rows],
        columns=["authority_code", "period", "indicator_id", "sex", "simd_quintile", "unit",
                 "value"],
    )  # fmt: skip


def shown(rows: list[tuple], unit: str = "count") -> list[tuple]:
    published = suppress(table(rows, unit))
    return list(
        zip(published["authority_code"], published["sex"], published["simd_quintile"],
            published["shown"], strict=True)
    )  # fmt: skip


def test_a_single_suppressed_cell_in_a_pair_takes_its_partner_with_it():
    assert shown(
        [("A", "all", "all", 20), ("A", "female", "all", 3), ("A", "male", "all", 17)]
    ) == [
        ("A", "all", "all", "20"),
        ("A", "female", "all", CONFIDENTIAL),
        ("A", "male", "all", CONFIDENTIAL),
    ]


def test_a_quintile_group_loses_its_smallest_other_non_zero_cell():
    rows = [("A", "all", "all", 60), ("A", "all", "1", 2), ("A", "all", "2", 0),
            ("A", "all", "3", 9), ("A", "all", "4", 30), ("A", "all", "5", 19)]  # fmt: skip
    assert [s for *_, s in shown(rows)] == ["60", CONFIDENTIAL, "0", CONFIDENTIAL, "30", "19"]


def test_the_councils_of_one_quarter_add_up_to_scotland():
    rows = [(S, "all", "all", 45), ("A", "all", "all", 4), ("B", "all", "all", 11),
            ("C", "all", "all", 30)]  # fmt: skip
    assert [s for *_, s in shown(rows)] == ["45", CONFIDENTIAL, CONFIDENTIAL, "30"]


def test_two_suppressed_cells_need_nothing_more():
    rows = [("A", "all", "all", 7), ("A", "female", "all", 3), ("A", "male", "all", 4)]
    assert [s for *_, s in shown(rows)] == ["7", CONFIDENTIAL, CONFIDENTIAL]


def test_a_cascade_across_groups_runs_until_no_group_holds_one_suppressed_cell():
    # B's male 2 is primary and takes B's female 8 with it; then the females and the males of
    # the quarter under Scotland's totals each hold one suppressed cell, so A's go too.
    rows = [(S, "all", "all", 50), (S, "female", "all", 18), (S, "male", "all", 32),
            ("A", "all", "all", 40), ("A", "female", "all", 10), ("A", "male", "all", 30),
            ("B", "all", "all", 10), ("B", "female", "all", 8), ("B", "male", "all", 2)]  # fmt: skip
    published = suppress(table(rows))
    assert list(published["shown"]) == [
        "50", "18", "32", "40", CONFIDENTIAL, CONFIDENTIAL, "10", CONFIDENTIAL, CONFIDENTIAL
    ]  # fmt: skip
    assert list(published["suppressed"].fillna("")) == [
        "", "", "", "", "secondary", "secondary", "", "secondary", "primary"
    ]  # fmt: skip


def test_zero_is_published_and_a_lone_partner_of_zeros_takes_the_total():
    rows = [("A", "all", "all", 3), ("A", "female", "all", 3), ("A", "male", "all", 0)]
    # A's total (3) is itself primary: nothing to recover from, so male's 0 stays.
    assert [s for *_, s in shown(rows)] == [CONFIDENTIAL, CONFIDENTIAL, "0"]
    rows = [("A", "all", "all", 9), ("A", "female", "all", 2), ("A", "male", "all", 0),
            ("A", "all", "1", 9)]  # fmt: skip
    # Only a zero beside the 2: the zero goes, so the two hidden cells hide each other.
    assert [s for *_, s in shown(rows)] == ["9", CONFIDENTIAL, CONFIDENTIAL, "9"]


def test_scotlands_whole_population_total_is_published_however_small():
    assert shown([(S, "all", "all", 3)]) == [(S, "all", "all", "3")]
    assert shown([(S, "all", "all", 3), (S, "female", "all", 3)])[1][3] == CONFIDENTIAL


def test_percentages_are_untouched():
    rows = [("A", "all", "all", 2.5), ("A", "female", "all", 1), ("A", "male", "all", 4)]
    assert [s for *_, s in shown(rows, unit="percent")] == ["2.5", "1", "4"]


def test_a_suppressed_value_is_gone_from_the_table():
    published = suppress(table([("A", "all", "all", 3)]))
    assert published["value"].isna().all() and published["suppressed"][0] == "primary"


# --- The property over random tables ------------------------------------------------------

BODIES = [S, "A", "B", "C"]
CELLS = [("all", "all"), ("female", "all"), ("male", "all"),
         *(("all", q) for q in "12345")]  # fmt: skip


@st.composite
def random_tables(draw):
    rows = []
    for period in ("2025-Q2", "2025-Q3"):
        for body in BODIES:
            for sex, simd in CELLS:
                if draw(st.booleans()):
                    value = draw(st.one_of(st.integers(0, 6), st.integers(0, 200)))
                    rows.append((body, period, "I1", sex, simd, "count", float(value)))
    return pd.DataFrame(
        rows, columns=["authority_code", "period", "indicator_id", "sex", "simd_quintile",
                       "unit", "value"]
    )  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(random_tables())
def test_no_small_count_is_published_and_no_group_can_be_subtracted(frame):
    published = suppress(frame, min_count=5)
    open_ = published["suppressed"].isna()
    below_national = (published["authority_code"] != S) | (
        (published["sex"] != "all") | (published["simd_quintile"] != "all")
    )
    small = frame["value"].between(1, 4)
    assert not (open_ & below_national & small).any()
    for group in groups(frame.reset_index(drop=True)):
        if open_[group.total]:
            assert sum(not open_[m] for m in group.members) != 1
