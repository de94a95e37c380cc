"""The fingerprint of the current figures: the same figures in any order give the same one;
any difference in a figure gives another."""

from __future__ import annotations

import duckdb
import pytest

from etl.fingerprint import figures_fingerprint

FIGURES = [
    ("S12000036", "2025-Q3", "C01-I1", "all", "all", 40.0, None),
    ("S12000036", "2025-Q3", "C01-I1", "female", "3", 12.5, "checked"),
    ("S12000005", "2025-Q2", "C02-I1", "male", "all", 0.1, None),
    ("S12000005", "2025-Q2", "C02-I1", "all", "all", 7.0, ""),
]


def fingerprint(rows) -> tuple[int, str]:
    with duckdb.connect() as con:
        con.execute("CREATE TABLE current_figures (authority_code VARCHAR, period VARCHAR, "
                    "indicator_id VARCHAR, sex VARCHAR, simd_quintile VARCHAR, value DOUBLE, "
                    "comment VARCHAR)")  # fmt: skip
        if rows:
            con.executemany("INSERT INTO current_figures VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return figures_fingerprint(con)


def changed(row: int, column: int, value):
    rows = [list(r) for r in FIGURES]
    rows[row][column] = value
    return rows


def test_the_same_figures_in_any_order_give_the_same_fingerprint():
    assert fingerprint(FIGURES) == fingerprint(FIGURES[::-1])
    assert fingerprint(FIGURES)[0] == 4


@pytest.mark.parametrize(
    ("what", "rows"),
    [
        ("a value", changed(0, 5, 40.000000000001)),
        ("a comment added", changed(0, 6, "")),
        ("a comment removed", changed(3, 6, None)),
        ("a breakdown", changed(1, 4, "4")),
        ("a council", changed(2, 0, "S12000036")),
        ("two values swapped", [*FIGURES[:2], (*FIGURES[2][:5], 7.0, None), (*FIGURES[3][:5], 0.1, "")]),
        ("a row left out", FIGURES[:3]),
        ("a row twice", [*FIGURES, FIGURES[0]]),
    ],
)  # fmt: skip
def test_any_difference_gives_another_fingerprint(what, rows):
    assert fingerprint(rows) != fingerprint(FIGURES), what


def test_no_figures_have_a_fingerprint_too():
    assert fingerprint([])[0] == 0
