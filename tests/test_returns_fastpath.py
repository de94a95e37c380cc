"""The strict fast path (etl.returns.fast) changes nothing but speed: for every fixture and
for generated canonical files, valid or breaking rules, the report and the stored figures
are the same whether a canonical file is read with DuckDB's own types or as text."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import store
from etl.returns import Submitter, contract, validate_return
from etl.returns import fast as return_fast
from etl.strategy.load import load_strategy
from etl.submissions.ingest import ingest_return

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = sorted((DATA / "returns").glob("*/*.csv"))
SMALL = load_strategy(DATA / "strategy-small.yaml")
TODAY = date(2025, 12, 1)
ME = Submitter("parity")
EDINBURGH = Submitter("edinburgh", authorities=frozenset({"S12000036"}), national=False)
HEADER = ["authority_code", "period", "indicator_id", "value", "sex", "simd_quintile", "comment"]
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def empty_store() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "empty.duckdb"
        store.init(path, SMALL)
        yield path


def both_reports(data: bytes, submitter=None):
    """(fast, general): the report with the fast path allowed, then forced off."""
    fast = validate_return(data, "returns/x.csv", SMALL, today=TODAY, submitter=submitter)
    general = validate_return(
        data, "returns/x.csv", SMALL, today=TODAY, submitter=submitter, fast=False
    )
    assert not general.fast_path
    return fast, general


def assert_same(fast, general):
    assert fast.errors == general.errors
    assert fast.warnings == general.warnings
    assert fast.submissions == general.submissions
    assert fast.encoding == general.encoding
    assert fast.to_dict() == general.to_dict()


def stored(empty_store: Path, folder: Path, data: bytes, fast: bool) -> tuple:
    db = folder / f"{'fast' if fast else 'general'}.duckdb"
    shutil.copyfile(empty_store, db)
    # Held open around the load: DuckDB then opens the file once, not at every connect.
    with store.connect(db) as con:
        result = ingest_return(
            db, data, "returns/x.csv", SMALL, submitter=ME, today=TODAY, fast=fast
        )
        figures = con.execute(
            "SELECT s.authority_code, s.period, s.version, s.row_count, f.indicator_id, f.sex, "
            "f.simd_quintile, f.value, f.comment FROM figures f "
            "JOIN submissions s ON s.id = f.submission_id ORDER BY ALL"
        ).fetchall()
    outcomes = [(o.authority_code, o.period, o.action, o.rows) for o in result.outcomes]
    return result.report, outcomes, figures


def both_stores(empty_store: Path, data: bytes) -> tuple:
    with tempfile.TemporaryDirectory() as folder:
        fast = stored(empty_store, Path(folder), data, fast=True)
        general = stored(empty_store, Path(folder), data, fast=False)
    return fast, general


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}-{p.stem}" for p in FIXTURES])
def test_every_fixture_gives_the_same_report_either_way(path):
    fast, general = both_reports(path.read_bytes())
    assert_same(fast, general)


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}-{p.stem}" for p in FIXTURES])
def test_every_fixture_stores_the_same_figures_either_way(empty_store, path):
    (fast, *stored_fast), (general, *stored_general) = both_stores(empty_store, path.read_bytes())
    assert_same(fast, general)
    assert stored_fast == stored_general
    assert bool(stored_fast[1]) == fast.valid  # a valid file stored figures, a bad one none


def test_the_fast_path_is_taken_for_a_canonical_file_only():
    def read(name: str):
        data = (DATA / "returns" / "good" / name).read_bytes()
        return validate_return(data, name, SMALL, today=TODAY)

    assert read("canonical.csv").fast_path
    assert read("template-filled.csv").fast_path  # BOM, extra columns, blank values
    # (blank-lines.csv also has a line of spaces, which DuckDB's strict read refuses.)
    for name in ("codes-lower-spaces.csv", "number-forms.csv", "period-forms.csv",
                 "header-case-order.csv", "semicolons.csv", "blank-lines.csv"):  # fmt: skip
        report = read(name)
        assert report.valid and not report.fast_path, name


@pytest.mark.parametrize(
    "cell, reason",
    [("1_000", "DuckDB reads digit groups that the contract refuses"),
     ("1,234", "a tolerated form, not a canonical one"),
     ("12.5%", "a tolerated form, not a canonical one")],
)  # fmt: skip
def test_a_value_in_a_tolerated_or_refused_form_takes_the_general_path(cell, reason):
    data = f'{",".join(HEADER)}\nS12000036,2025-Q3,C01-I2,"{cell}",all,all,\n'.encode()
    fast, general = both_reports(data)
    assert not fast.fast_path, reason
    assert_same(fast, general)


def test_a_valid_canonical_file_with_blank_lines_takes_the_fast_path(empty_store):
    rows = ["S12000036,2025-Q3,C01-I1,5,all,all,", "", "", "S12000036,2025-Q3,C01-I2,4,all,all,"]
    data = ("\n".join([",".join(HEADER), *rows]) + "\n").encode()
    (fast, *stored_fast), (general, *stored_general) = both_stores(empty_store, data)
    assert fast.fast_path and fast.valid  # no message needs its row numbers
    assert_same(fast, general)
    assert stored_fast == stored_general
    assert [row[4] for row in stored_fast[1]] == ["C01-I1", "C01-I2"]


@pytest.mark.parametrize("lines_before_header", [0, 2])
def test_a_canonical_file_with_blank_lines_and_a_mistake_names_the_rows_excel_shows(
    lines_before_header,
):
    rows = ["S12000036,2025-Q3,C01-I1,5,all,all,", "", "", "S12000036,2025-Q3,C01-I1,-4,all,all,"]
    data = ("\n" * lines_before_header + "\n".join([",".join(HEADER), *rows]) + "\n").encode()
    fast, general = both_reports(data)
    assert not fast.fast_path  # DuckDB would number the last row 3, not 5
    assert_same(fast, general)
    # The negative value, and the same key again: both on the row Excel numbers.
    excel_row = 5 + lines_before_header
    assert sorted((e.code, e.row) for e in fast.errors) == [
        ("duplicate", excel_row),
        ("negative", excel_row),
    ]


def test_a_canonical_file_without_the_optional_columns_takes_the_fast_path(empty_store):
    data = b"authority_code,period,indicator_id,value\nS12000036,2025-Q3,C01-I1,12\n"
    (fast, *stored_fast), (general, *stored_general) = both_stores(empty_store, data)
    assert fast.fast_path and fast.valid
    assert_same(fast, general)
    assert stored_fast == stored_general
    assert stored_fast[1] == [("S12000036", "2025-Q3", 1, 1, "C01-I1", "all", "all", 12.0, None)]


def test_a_council_sending_another_councils_canonical_file_is_told_the_same():
    data = f"{','.join(HEADER)}\nS12000033,2025-Q3,C01-I1,5,all,all,\n".encode()
    fast, general = both_reports(data, submitter=EDINBURGH)
    assert fast.fast_path
    assert [e.code for e in fast.errors] == ["not_allowed"]
    assert_same(fast, general)


# Canonical rows: codes, quarters, ids and breakdowns in their exact forms, plain numbers;
# the draws still break rules (negative, percent over 100, duplicates, breakdowns not
# declared, national/council mismatch, long comments, blank cells and values).
_CODES = ["S12000036", "S12000033", "S92000003"]
_PERIODS = ["2025-Q3", "2024-Q1", "2017-Q4"]
_IDS = [i.id for _, i in SMALL.indicators]
_NUMBERS = st.one_of(
    st.integers(-5, 5000).map(str),
    st.floats(-10, 250, allow_nan=False).map(lambda x: repr(round(x, 2))),
    st.just(""),
)
_COMMENTS = st.one_of(
    st.just(""),
    st.text(alphabet="abc é,\"'=+-@\n", max_size=12),
    st.just("x" * (contract.MAX_COMMENT + 1)),
    st.just("'=SUM(A1)"),
)
_ROW = st.tuples(
    st.sampled_from(_CODES + [""]),
    st.sampled_from(_PERIODS),
    st.sampled_from(_IDS),
    _NUMBERS,
    st.sampled_from(["", *contract.SEX_VALUES]),
    st.sampled_from(["", *contract.SIMD_VALUES]),
    _COMMENTS,
)


def canonical_csv(rows: list[tuple], left_out: frozenset[str] = frozenset()) -> bytes:
    """The rows under HEADER, without the optional columns in ``left_out``."""
    keep = [n for n, name in enumerate(HEADER) if name not in left_out]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([HEADER[n] for n in keep])
    writer.writerows([row[n] for n in keep] for row in rows)
    return out.getvalue().encode()


_LEFT_OUT = st.frozensets(st.sampled_from(["sex", "simd_quintile", "comment"]))


@SETTINGS
@given(rows=st.lists(_ROW, min_size=1, max_size=12), left_out=_LEFT_OUT)
def test_generated_canonical_files_give_the_same_report_and_figures(empty_store, rows, left_out):
    data = canonical_csv(rows, left_out)
    (fast, *stored_fast), (general, *stored_general) = both_stores(empty_store, data)
    # DuckDB skips blank lines, so a file with one (even inside a quoted comment) that
    # breaks a rule goes down the general path, which gives Excel's row numbers.
    has_value = any(value for _, _, _, value, *_ in rows)
    assert fast.fast_path == (has_value and (b"\n\n" not in data or general.valid))
    assert_same(fast, general)
    assert stored_fast == stored_general


@SETTINGS
@given(rows=st.lists(_ROW, min_size=1, max_size=8), left_out=_LEFT_OUT)
def test_generated_canonical_files_from_a_council_give_the_same_report(rows, left_out):
    data = canonical_csv(rows, left_out)
    fast, general = both_reports(data, submitter=EDINBURGH)
    assert_same(fast, general)


@pytest.mark.parametrize(
    "body, found",
    [
        (b"S12000036,2025-Q3,C01-I1,1000,all,all,\n", False),
        (b"S12000036,2025-Q3,C01-I1,1_000,all,all,\n", True),
        (
            b"S12000036,2025-Q3,C01-I1,5,all,all,see note_a\nS12000036,2025-Q2,C01-I1,2_5,all,all,\n",
            True,
        ),
        (b"S12000036,2025-Q3,C01-I1,5,all,all,snake_case words only\n", False),
    ],
)
def test_digit_groups_are_found_below_the_header_only(body, found):
    header = ",".join(HEADER).encode() + b"\n"
    assert "_" in header.decode(), "the header's own underscores must not count"
    assert return_fast._has_digit_groups(header + body) is found
