"""Every parser of untrusted text runs in time linear in its input (issue 25): ten times the
input costs at most about twelve times the time. A pattern that backtracks (the quarter's
``\\s*[- ]?\\s*`` took 44.6 s on a cell of 60,000 spaces) or a loop that copies what is left
(byte-order marks cut three bytes at a time) costs a hundred times as much instead.
"""

from __future__ import annotations

import contextlib
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.periods import Quarter, parse_day
from etl.returns import Ceiling, validate_return
from etl.returns.ceiling import OutOfTime, bounded
from etl.returns.file import decode, header_problems, too_wide
from etl.returns.report import Problem
from etl.returns.spec import ReturnSpec
from etl.returns.values import interpret
from etl.strategy.load import load_strategy

DATA = Path(__file__).resolve().parent / "data"
TODAY = date(2025, 12, 1)
HEADER = "authority_code,period,indicator_id,value,sex,simd_quintile,comment"
ROW = ["S12000036", "2025-Q3", "C01-I1", "12", "all", "all", ""]
SMALL, LARGE = 2_000, 20_000  # characters of the repeated part


@pytest.fixture(scope="module")
def small():
    return load_strategy(DATA / "strategy-small.yaml")


def seconds(work, argument) -> float:
    """Seconds per call of ``work(argument)``: the best of five rounds of enough calls to
    take a few milliseconds (the best, because a busy machine only ever adds time)."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            work(argument)
        if time.perf_counter() - start >= 0.003:
            break
        calls *= 2
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(calls):
            work(argument)
        rounds.append((time.perf_counter() - start) / calls)
    return min(rounds)


def assert_linear(work, make) -> None:
    """Ten times the input costs at most twelve times the time (measured three times before
    failing: a round on a machine busy with other work is not a slow parser; a quadratic
    one costs about a hundred times, every round)."""
    for _ in range(3):
        small_cost, large_cost = seconds(work, make(SMALL)), seconds(work, make(LARGE))
        if large_cost <= 12 * small_cost:
            return
    pytest.fail(f"{large_cost / small_cost:.0f} times the time for ten times the input")


def quietly(parse):
    """``parse``, with the ValueError it raises for bad text taken as an answer."""

    def work(text):
        with contextlib.suppress(ValueError):
            parse(text)

    return work


def read_header(text: str) -> None:
    found = decode(text.encode("utf-8"), "f.csv")
    if not isinstance(found, Problem) and not too_wide(found, "f.csv"):
        header_problems(found, "f.csv")


PARSERS = {
    "period": quietly(Quarter.parse),
    "date": quietly(parse_day),
    "file and header": read_header,
}
STARTS = ["", "2025", "2025 -", "Q3", "q3 ", "30/", "2025-09-", "authority_code", '"', "\ufeff"]
UNITS = st.text(alphabet=' \t-qQ3,;"\r\n/x\ufeff0', min_size=1, max_size=4)
ENDS = ["", "x", "Q", "-", "\n", '"']


@settings(max_examples=30, deadline=None)
@given(
    parser=st.sampled_from(sorted(PARSERS)),
    start=st.sampled_from(STARTS),
    unit=UNITS,
    end=st.sampled_from(ENDS),
)
def test_every_parser_of_untrusted_text_takes_time_linear_in_its_input(parser, start, unit, end):
    assert_linear(PARSERS[parser], lambda n: start + unit * (n // len(unit)) + end)


LONG_CELLS = {  # a cell of each column, its repeated part, and how it ends
    "authority_code": ("S12", " ", "x"),
    "period": ("2025", " ", "x"),
    "indicator_id": ("C01", " -", "x"),
    "value": ('"1', ",999", 'x"'),  # quoted: thousands separators are commas
    "sex": ("", " ", "female x"),
    "simd_quintile": ("", " ", "5 x"),
    "comment": ("", "a ", ""),
}


def test_a_long_cell_in_any_column_is_checked_in_linear_time(small):
    """Codes, periods, indicator ids, numbers, breakdowns and comments, through the whole
    check (DuckDB reads the numbers; its patterns never backtrack): one row per column,
    each with that column's cell long."""

    def file(n: int) -> bytes:
        rows = [HEADER]
        for position, (start, unit, end) in enumerate(LONG_CELLS.values()):
            row = list(ROW)
            row[position] = start + unit * (n // len(unit)) + end
            rows.append(",".join(row))
        return "\n".join(rows).encode()

    report = validate_return(file(SMALL), "long.csv", small, today=TODAY)
    assert {e.column_name for e in report.errors} >= set(LONG_CELLS) - {"comment"}
    assert_linear(lambda data: validate_return(data, "long.csv", small, today=TODAY), file)


def test_a_period_of_60000_spaces_is_answered_in_under_a_second_with_a_plain_error(small):
    data = f"{HEADER}\nS12000036,2025{' ' * 60_000}x,C01-I1,12,all,all,\n".encode()
    start = time.perf_counter()
    report = validate_return(data, "spaces.csv", small, today=TODAY)
    assert time.perf_counter() - start < 1.0
    assert [str(e) for e in report.errors] == [
        f'spaces.csv row 2, column B (period): "2025{" " * 53}…" is not a quarter like 2025-Q3'
    ]


def test_five_megabytes_of_byte_order_marks_are_read_in_under_a_second(small):
    data = (
        b"\xef\xbb\xbf" * 1_700_000 + f"{HEADER}\nS12000036,2025-Q3,C01-I1,12,all,all,\n".encode()
    )
    start = time.perf_counter()
    report = validate_return(data, "marks.csv", small, today=TODAY)
    assert time.perf_counter() - start < 1.0
    assert report.valid, [str(e) for e in report.errors]


def test_the_python_part_of_a_check_stops_when_its_time_is_up(small, tmp_path):
    """The distinct values are read in Python, which DuckDB's interrupt cannot stop: the
    loop itself stops, between values, once the check's time has run out. (The ceiling's
    timer interrupts another connection here, so that the queries before the loop run.)"""
    rows = "".join(f"S12000036,{2000 + n % 9000}-Q{n % 4 + 1},C01-I1,1,all,all,\n"
                   for n in range(40_000))  # fmt: skip
    (tmp_path / "many.csv").write_text(f"{HEADER}\n{rows}")
    positions = {name: n for n, name in enumerate(HEADER.split(","))}
    with duckdb.connect() as con, duckdb.connect() as timed:
        con.execute("CREATE TEMP TABLE raw AS SELECT * FROM read_csv($p, header = true, "
                    "all_varchar = true, names = $names)",
                    {"p": str(tmp_path / "many.csv"), "names": [f"c{n}" for n in range(7)]})  # fmt: skip
        with bounded(timed, Ceiling(seconds=0.0, seconds_per_mb=0.0), 0), pytest.raises(OutOfTime):
            interpret(con, positions, ReturnSpec.of(small), TODAY)
        interpret(con, positions, ReturnSpec.of(small), TODAY)  # no ceiling: it runs


@pytest.mark.parametrize(
    ("period", "problem"),
    [("9999-Q4", '"9999-Q4" has not ended yet (it ends on 31 December 9999)'),
     ("0000-Q1", '"0000-Q1" is not a quarter like 2025-Q3')],
)  # fmt: skip
def test_a_quarter_at_either_end_of_the_calendar_is_a_plain_problem(small, period, problem):
    """Each was a traceback (a year 10000 or 0 has no dates), found by the test above."""
    data = f"{HEADER}\nS12000036,{period},C01-I1,12,all,all,\n".encode()
    report = validate_return(data, "edge.csv", small, today=TODAY)
    assert [str(e) for e in report.errors] == [f"edge.csv row 2, column B (period): {problem}"]


def workbook_with(text: str) -> bytes:
    """A one-row return workbook whose value, comment and period cells hold ``text``."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(HEADER.split(","))
    sheet.append([ROW[0], text, ROW[2], text, ROW[4], ROW[5], text])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("unit", [" ", "x", "<&>", '"', "\t", "=1+", "#N/A", "2025-Q3 "])
def test_a_workbooks_cells_are_read_in_time_linear_in_their_length(unit):
    """The workbook is one more way in (issue 23): its cells reach the same parsers, after
    the workbook reader has turned the sheet into rows."""
    from etl.returns import workbook

    assert_linear(
        lambda data: workbook.read(data, "f.xlsx"),
        lambda n: workbook_with(unit * (n // len(unit))),
    )
