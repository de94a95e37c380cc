"""Checking a progress return: every rule of shared/spec/progress-return.md, by example.

Each file under tests/data/returns/bad/ shows one failure mode; the .expected file beside
it holds the exact messages a council is told. Each file under good/ holds the same four
figures in one tolerated form (BOM, CRLF, Windows-1252, semicolons, ...).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.councils import councils
from etl.returns import (
    MAX_SHOWN_PER_RULE,
    Problem,
    Submitter,
    contract,
    excel_column,
    validate_return,
)
from etl.strategy.load import load_strategy

DATA = Path(__file__).resolve().parent / "data"
BAD = sorted((DATA / "returns" / "bad").glob("*.csv"))
GOOD = sorted((DATA / "returns" / "good").glob("*.csv"))
TODAY = date(2025, 12, 1)  # 2025-Q3 has ended, 2025-Q4 has not
HEADER = "authority_code,period,indicator_id,value,sex,simd_quintile,comment\n"


@pytest.fixture(scope="module")
def small():
    return load_strategy(DATA / "strategy-small.yaml")


def check(small, text: str | bytes, name="returns/test.csv", **kwargs):
    data = text.encode() if isinstance(text, str) else text
    return validate_return(data, name, small, today=kwargs.pop("today", TODAY), **kwargs)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_gives_exactly_the_expected_messages(small, path):
    report = check(small, path.read_bytes(), f"returns/{path.name}")
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert not report.valid
    assert [str(e) for e in report.errors] == expected


def test_every_bad_fixture_has_its_expected_messages():
    assert len(BAD) >= 25
    for path in BAD:
        assert path.with_suffix(".expected").read_text(encoding="utf-8").strip(), path.name


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_file_in_every_tolerated_form_is_valid(small, path):
    report = check(small, path.read_bytes(), f"returns/{path.name}")
    assert report.errors == []
    assert [(s.authority_code, s.period, s.rows) for s in report.submissions] == [
        ("S12000036", "2025-Q3", 4)
    ]
    codes = [w.code for w in report.warnings]
    assert codes == (["cp1252"] if path.stem == "windows-1252" else [])
    assert report.encoding == ("windows-1252" if path.stem == "windows-1252" else "utf-8")


def test_the_message_format_of_the_contract(small):
    combos = [(sex, q) for sex in contract.SEX_VALUES for q in contract.SIMD_VALUES][:12]
    rows = "".join(
        f"S12000036,2025-Q3,C02-I1,{n},{sex},{q},\n" for n, (sex, q) in enumerate(combos)
    )
    rows += "S12000036,2025-Q3,C01-I2,twelve,,,\n"  # row 14: header, then 12 rows before it
    report = check(small, HEADER + rows, "returns/edinburgh-2025-Q3.csv")
    error = report.errors[-1]
    assert str(error) == (
        'returns/edinburgh-2025-Q3.csv row 14, column D (value): "twelve" is not a number'
    )
    assert (error.code, error.row, error.column, error.column_name, error.value) == (
        "not_a_number", 14, "D", "value", "twelve"
    )  # fmt: skip
    assert error.to_dict()["message"] == str(error)


def test_a_problems_detail_is_its_message_without_where():
    # A command-line file name may hold ": " (only Windows forbids it): detail is not cut there.
    error = Problem("not_a_number", "Q3: draft.csv", 14, "D", "value", "x")
    assert error.detail == '"x" is not a number'
    assert error.message == f"Q3: draft.csv row 14, column D (value): {error.detail}"


def test_a_wrong_header_is_the_only_thing_reported(small):
    rows = "".join("S12000036,2025-Q3,C01-I1,twelve,,,\n" for _ in range(50))
    report = check(small, HEADER.replace("indicator_id", "indicatr_id") + rows)
    assert [e.code for e in report.errors] == ["unknown_column", "missing_column"]


def test_every_row_error_is_reported_at_once_up_to_a_count(small):
    many = MAX_SHOWN_PER_RULE + 25
    codes = [a.code for a in councils()]
    rows = "".join(
        f"{codes[n % 32]},2025-Q{n // 32 + 1},C02-I1,x{n},female,1,\n" for n in range(many)
    )
    report = check(small, HEADER + rows + "S12000036,2025-Q3,C01-I1,-1,,,\n")
    not_numbers = [e for e in report.errors if e.code == "not_a_number"]
    assert len(not_numbers) == MAX_SHOWN_PER_RULE
    assert [e.row for e in not_numbers] == list(range(2, MAX_SHOWN_PER_RULE + 2))
    more = [e for e in report.errors if e.code == "more"]
    assert [str(m) for m in more] == [
        "returns/test.csv column D (value): 25 more rows with this problem "
        f"(the first {MAX_SHOWN_PER_RULE} are listed above)"
    ]
    assert any(e.code == "negative" and e.row == many + 2 for e in report.errors)


def test_blank_value_means_left_out_and_left_out_indicators_are_a_warning(small):
    report = check(small, HEADER + "S12000036,2025-Q3,C01-I1,5,,,\nS12000036,2025-Q3,C01-I2,,,,\n")
    assert report.valid
    assert [str(w) for w in report.warnings] == [
        "returns/test.csv: S12000036 2025-Q3: 2 indicators left out (C01-I2, C02-I1)"
    ]
    assert report.submissions[0].rows == 1


def test_superseded_code_is_mapped_with_a_warning(small):
    report = check(small, HEADER + "S12000046,2025-Q3,C01-I1,5,,,\n")
    assert report.valid
    assert str(report.warnings[0]) == (
        'returns/test.csv row 2, column A (authority_code): "S12000046" is a superseded code; '
        "read as S12000049 (Glasgow City)"
    )
    assert report.submissions[0].authority_code == "S12000049"


def test_national_figures_go_under_scotland(small):
    report = check(small, HEADER + "s92000003,2025 Q3,c02-i2,31.5%,,,\n")
    assert report.valid, report.errors
    assert report.submissions[0].authority_code == "S92000003"


def test_several_pairs_in_one_file_are_several_submissions(small):
    rows = "S12000036,2025-Q3,C01-I1,5,,,\nS12000036,2025-Q2,C01-I1,4,,,\n"
    rows += "S12000033,2025-Q3,C01-I1,3,,,\nS12000033,2025-Q3,C01-I1,3,female,,\n"
    report = check(small, HEADER + rows)
    assert [(s.authority_code, s.period, s.rows) for s in report.submissions] == [
        ("S12000033", "2025-Q3", 2), ("S12000036", "2025-Q2", 1), ("S12000036", "2025-Q3", 1),
    ]  # fmt: skip


def test_a_quarter_counts_once_its_last_day_has_come(small):
    row = HEADER + "S12000036,2025-Q4,C01-I1,5,,,\n"
    assert not check(small, row, today=date(2025, 12, 30)).valid
    assert check(small, row, today=date(2025, 12, 31)).valid


def test_a_council_may_submit_only_its_own_authority(small):
    rows = HEADER + "S12000036,2025-Q3,C01-I1,5,,,\nS12000033,2025-Q3,C01-I1,5,,,\n"
    edinburgh = Submitter("data.officer", frozenset({"S12000036"}), national=False)
    report = check(small, rows, submitter=edinburgh)
    assert [str(e) for e in report.errors] == [
        'returns/test.csv row 3, column A (authority_code): "S12000033" is Aberdeen City; '
        "you may send returns only for City of Edinburgh (S12000036)"
    ]
    national = HEADER + "S92000003,2025-Q3,C02-I2,5,,,\n"
    report = check(small, national, submitter=edinburgh)
    assert [str(e) for e in report.errors] == [
        'returns/test.csv row 2, column A (authority_code): "S92000003" is Scotland: national '
        "figures come only from policy officers"
    ]
    assert check(small, national, submitter=Submitter("policy.officer")).valid


def test_excel_column_letters():
    assert [excel_column(i) for i in (0, 3, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "D", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_never_raises_on_odd_input(small):
    for data in [b"\r\n\r\n", b'"', b'a,b\n"', b"\xef\xbb\xbf", b";;;\n;;;", b"value\n\x00"]:
        report = check(small, data)
        assert not report.valid


def test_contract_breakdown_rows_and_neutraliser():
    assert contract.neutralise("=1+1") == "'=1+1"
    assert contract.neutralise("-5 fewer") == "'-5 fewer"
    assert contract.neutralise("fine") == "fine"
    assert contract.strip_neutraliser("'=1+1") == "=1+1"
    assert contract.strip_neutraliser("'tis") == "'tis"


@pytest.mark.parametrize("formula", [" =1+1", "\n=1+1", "\uff1d1+1", "  @SUM(A1)", "\uff0d5"])
def test_formulas_after_spaces_or_in_full_width_are_neutralised_and_round_trip(formula):
    """Spreadsheets skip leading spaces and line breaks, and read ＝ as = (issue 25)."""
    import duckdb

    from etl.returns.rules import comment_text
    from etl.submissions.export import _text

    assert contract.neutralise(formula) == "'" + formula
    assert contract.strip_neutraliser("'" + formula) == formula
    with duckdb.connect() as con:  # the export's SQL and the ingest's, as files see them
        written = con.execute(f"SELECT {_text('$t')}", {"t": formula}).fetchone()[0]
        read = con.execute(f"SELECT {comment_text('$t')}", {"t": written}).fetchone()[0]
    assert (written, read) == ("'" + formula, formula)
