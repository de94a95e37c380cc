"""Property tests: whatever bytes arrive, the checker answers (never raises) and a rejected
file changes nothing; export then ingest is a round trip that changes nothing."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import store
from etl.returns import Submitter, contract, validate_return
from etl.strategy.load import load_strategy
from etl.submissions.export import export_current
from etl.submissions.ingest import ingest_return

DATA = Path(__file__).resolve().parent / "data"
SMALL = load_strategy(DATA / "strategy-small.yaml")
TODAY = date(2025, 12, 1)
ME = Submitter("property")
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def db():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "property.duckdb"
        store.init(path, SMALL)
        ingest_return(
            path, (DATA / "returns/good/canonical.csv").read_bytes(), "seed.csv", SMALL,
            submitter=ME, today=TODAY,
        )  # fmt: skip
        # Held open while the module runs: every connect then shares the one open database
        # rather than opening the file again (which costs more than a small check).
        with store.connect(path):
            yield path


def snapshot(db) -> tuple:
    with store.connect(db) as con:
        return (
            con.execute("SELECT * FROM submissions ORDER BY id").fetchall(),
            con.execute("SELECT * FROM figures ORDER BY ALL").fetchall(),
        )


@FAST
@given(data=st.binary(max_size=400))
def test_random_bytes_never_raise_and_a_rejected_file_changes_nothing(db, data):
    report = validate_return(data, "random.bin", SMALL, today=TODAY)
    assert report.valid or report.errors
    before = snapshot(db)
    result = ingest_return(db, data, "random.bin", SMALL, submitter=ME, today=TODAY)
    assert result.report.valid == report.valid
    if not result.stored:
        assert snapshot(db) == before


TOKENS = {
    "authority_code": ["S12000036", " s12000033 ", "S12000015", "S92000003", "S1", "", "x"],
    "period": ["2025-Q3", "Q2 2025", "2025q1", "2026-Q1", "2016-Q4", "2025-Q5", "", "soon"],
    "indicator_id": ["C01-I1", "c01-i2", "C02-I1", "C02-I2", "C99", ""],
    "value": ["1", "0", "12.5", "1,234", "45%", "-1", "101", "twelve", "", "nan", "1e3", " 7 "],
    "sex": ["", "all", "female", "MALE", "f"],
    "simd_quintile": ["", "all", "1", "5", "6"],
    "comment": ["", "ok", "=1+1", "'=1+1", 'say "hi"', "a,b", "line\nbreak", "x" * 1001],
    "indicatr_id": ["C01-I1"],
    "": [""],
}


@st.composite
def random_csv(draw) -> bytes:
    names = draw(st.lists(st.sampled_from(sorted(TOKENS)), min_size=1, max_size=8, unique=True))
    header = [draw(st.sampled_from([n, n.upper(), f" {n} "])) for n in names]
    rows = draw(
        st.lists(st.tuples(*[st.sampled_from(TOKENS[n]) for n in names]), min_size=0, max_size=8)
    )
    sep = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
        [header, *rows]
    )
    text = out.getvalue() + draw(st.sampled_from(["", "\n", "\n\n", ",,\n", '"']))
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), "replace")


@FAST
@given(data=random_csv())
def test_random_csvs_never_raise_and_a_rejected_file_changes_nothing(db, data):
    before = snapshot(db)
    result = ingest_return(db, data, "random.csv", SMALL, submitter=ME, today=TODAY)
    if result.stored:
        assert sum(o.rows for o in result.outcomes) == sum(
            s.rows for s in result.report.submissions
        )
    else:
        assert result.report.errors and snapshot(db) == before
        assert all(e.message.startswith("random.csv") for e in result.report.errors)


KEYS = [
    (indicator.id, sex, quintile)
    for _, indicator in SMALL.indicators
    if indicator.reported_by == "local_authorities"
    for sex, quintile in contract.breakdown_rows(indicator)
]
# The largest value each indicator may take (its plausible maximum, issue 14).
MAXIMA = {i.id: contract.maximum(i.unit, i.maximum) for _, i in SMALL.indicators}
COMMENTS = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20),
    st.sampled_from(["=SUM(A1)", "+44 131", "-3 fewer", "@home", "\tindented", "'quoted"]),
)


@st.composite
def valid_rows(draw):
    keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=12, unique=True))
    rows = []
    for indicator, sex, quintile in keys:
        value = draw(st.floats(min_value=0.0, max_value=MAXIMA[indicator], allow_nan=False))
        rows.append((indicator, sex, quintile, value, draw(COMMENTS)))
    return rows


def stored_comment(comment: str | None) -> str | None:
    """What the store keeps: blank is none, CRLF is LF, an export's apostrophe is removed."""
    if comment is None or not comment.strip(" \t\r\n"):
        return None
    return contract.strip_neutraliser(comment.replace("\r\n", "\n"))


@settings(FAST, max_examples=15)
@given(rows=valid_rows(), period=st.sampled_from(["2025-Q3", "2024-Q1", "2017-Q4"]))
def test_ingest_then_export_then_ingest_changes_nothing(db, rows, period):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["authority_code", "period", "indicator_id", "sex", "simd_quintile",
                     "value", "comment"])  # fmt: skip
    for indicator, sex, quintile, value, comment in rows:
        writer.writerow(["S12000036", period, indicator, sex, quintile, repr(value), comment])
    result = ingest_return(db, out.getvalue().encode(), "rt.csv", SMALL, submitter=ME, today=TODAY)
    assert result.stored, result.report.errors
    with store.connect(db) as con:
        held = con.execute(
            "SELECT indicator_id, sex, simd_quintile, value, comment FROM current_figures "
            "WHERE authority_code = 'S12000036' AND period = ? ORDER BY ALL",
            [period],
        ).fetchall()
    expected = sorted((i, s, q, v, stored_comment(c)) for i, s, q, v, c in rows)
    assert held == sorted(expected, key=lambda r: (r[0], r[1], r[2]))
    before = snapshot(db)
    exported = export_current(db)
    again = ingest_return(db, exported, "export.csv", SMALL, submitter=ME, today=TODAY)
    assert again.stored and {o.action for o in again.outcomes} == {"unchanged"}
    assert snapshot(db) == before
