"""A return crafted to tie up the server is refused plainly, and quickly (issue 14).

The odd encodings and line endings have their fixture files under
tests/data/returns/bad/ (utf32, lone-cr, too-wide) and good/ (double-bom).
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.returns import Ceiling, Problem, check_return, contract, validate_return
from etl.strategy.load import load_strategy

DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2025, 12, 1)
NAMED = "authority_code,period,indicator_id,value"


@pytest.fixture(scope="module")
def small():
    return load_strategy(DATA / "strategy-small.yaml")


def test_a_megabyte_of_commas_in_the_header_is_refused_unread_in_well_under_a_second(small):
    data = (NAMED + "," * 1_000_000 + "\nS12000036,2025-Q3,C01-I1,1\n").encode()
    start = time.perf_counter()
    report = validate_return(data, "commas.csv", small, today=TODAY)
    assert time.perf_counter() - start < 0.5
    assert [str(e) for e in report.errors] == [
        "commas.csv row 1: the header row has 1,000,004 columns, but a return has at most "
        f"{contract.MAX_COLUMNS}: delete the empty columns to the right of the last one you use"
    ]


def test_blank_columns_up_to_the_limit_are_read_and_an_unnamed_one_with_a_value_is_named(small):
    blank = contract.MAX_COLUMNS - 4
    rows = [NAMED + "," * blank] + [f"S12000036,2025-Q3,C01-I1,{n}" + "," * blank for n in (1, 2)]
    rows[2] += "stray"  # a value under the last, unnamed column
    report = validate_return("\n".join(rows).encode(), "wide.csv", small, today=TODAY)
    assert [str(e) for e in report.errors] == [
        "wide.csv row 1, column CV: this column has values but no name in the header row"
    ]


def back_fill(rows: int) -> bytes:
    row = "S12000036,2025-Q3,C01-I1,{},all,all,\n"
    return (b"authority_code,period,indicator_id,value,sex,simd_quintile,comment\n") + (
        "".join(row.format(n) for n in range(rows)).encode()
    )


def test_a_check_that_runs_out_of_time_is_stopped_and_says_so(small):
    with duckdb.connect() as con:
        report, rows = check_return(
            con,
            back_fill(200_000),
            "big.csv",
            small,
            today=TODAY,
            ceiling=Ceiling(seconds=0.0, seconds_per_mb=0.0),
        )
        assert report.errors == [Problem("check_time", "big.csv", extra="0")]
        assert rows is None  # a check stopped half way hands on no rows
        assert str(report.errors[0]) == (
            "big.csv: checking the file took longer than the 0 seconds a check may take; "
            "split it into smaller files"
        )
        # The connection is usable afterwards, with its own settings back.
        assert con.execute("SELECT current_setting('threads'), 42").fetchone()[1] == 42


def test_the_ceiling_leaves_the_connections_settings_as_they_were(small):
    with duckdb.connect() as con:
        settings = "SELECT current_setting('memory_limit'), current_setting('threads')"
        before = con.execute(settings).fetchone()
        canonical = (DATA / "returns" / "good" / "canonical.csv").read_bytes()
        report, _ = check_return(con, canonical, "ok.csv", small, today=TODAY)
        assert report.valid, report.errors
        assert con.execute(settings).fetchone() == before


def test_an_invisible_character_in_a_message_is_named(small):
    data = "authority_code,period,indicator_id,value\nS12000036,2025-Q3,\u200bC01-I1,1\n"
    report = validate_return(data.encode(), "zw.csv", small, today=TODAY)
    assert [str(e) for e in report.errors] == [
        'zw.csv row 2, column C (indicator_id): "<U+200B>C01-I1" is not one of the '
        "strategy's indicators (did you mean C01-I1?)"
    ]


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("edinburgh 2025-Q3 (final).csv", "edinburgh 2025-Q3 (final).csv"),
        ('=HYPERLINK("http://evil.example","x")&".csv', "evil.example___x_)__.csv"),
        ("=cmd|' /C calc'!A0.csv", "C calc__A0.csv"),
        ("+SUM(A1).csv", "SUM(A1).csv"),
        ("C:\\Users\\ada\\@return.csv", "return.csv"),
        ("Café.csv", "Café.csv"),
        ("=", "return.csv"),
    ],
)
def test_an_uploaded_files_name_is_stored_safe(sent, stored):
    safe = contract.safe_file_name(sent)
    assert safe == stored
    assert not safe.startswith(contract.FORMULA_STARTS)


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "general path"])
def test_a_check_hands_on_its_rows_and_a_refused_file_hands_on_none(small, fast):
    """The rows a check read come back with its report, by the names they carry; a file
    refused before its rows are read gives none, never the rows of the check before."""
    canonical = (DATA / "returns" / "good" / "canonical.csv").read_bytes()
    with duckdb.connect() as con:
        report, rows = check_return(con, canonical, "ok.csv", small, today=TODAY, fast=fast)
        assert report.valid and report.fast_path == fast
        assert rows.count() == sum(s.rows for s in report.submissions) > 0
        pairs = con.execute(
            f"SELECT DISTINCT c.authority_code, c.period FROM {rows.table} c "
            f"JOIN {rows.places} p USING (place_key) ORDER BY ALL"
        ).fetchall()
        assert pairs == [(s.authority_code, s.period) for s in report.submissions]
        report, rows = check_return(con, b"name,value\nx,1\n", "bad.csv", small, today=TODAY)
        assert not report.valid and rows is None
