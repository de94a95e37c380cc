"""A view's fingerprint from one digest per version (issue 26): the same figures give the
same fingerprint whatever version holds them, a digest is kept when a version is stored,
and a fingerprint made by the older method (every figure hashed) still checks."""

from __future__ import annotations

from datetime import date

import pytest

from etl import store
from etl.figures_used import FiguresUsed, figures_used
from tests.status_fixture import COUNCILS, add_return, status_db

D = date(2018, 9, 30)
ROWS = [("C01-I1", "all", "all", 10.0), ("C01-I1", "female", "2", 4.0)]


@pytest.fixture
def db(tmp_path):
    path = status_db(tmp_path)
    with store.connect(path) as con:
        for code in COUNCILS[:3]:
            add_return(con, code, "2018-Q1", ROWS, "2018-04-20 10:00")
        add_return(con, COUNCILS[3], "2018-Q2", {"C01-I1": 7}, "2018-07-20 10:00")
    return path


def test_a_digest_is_kept_for_every_version_stored(db):
    with store.connect(db) as con:
        assert con.execute("SELECT count(figures_sha256) FROM submissions").fetchone() == (0,)
        hand_made = figures_used(con, D, False)  # digested as it reads
        store.digest_new_versions(con)
        digests = con.execute("SELECT DISTINCT figures_sha256 FROM submissions").fetchall()
        kept = figures_used(con, D, False)
    assert len(digests) == 2  # three councils sent the same figures; one sent others
    assert kept == hand_made
    assert (kept.rows, len(kept.submissions)) == (7, 4)


def test_the_same_figures_in_another_version_give_the_same_fingerprint(db):
    with store.connect(db) as con:
        first = figures_used(con, D, revised=True)
        code = COUNCILS[0]
        con.execute("UPDATE submissions SET is_current = false WHERE authority_code = ?", [code])
        add_return(con, code, "2018-Q1", ROWS[::-1], "2018-10-01 10:00", version=2)
        again = figures_used(con, D, revised=True)
        con.execute("UPDATE submissions SET is_current = false WHERE version = 2")
        add_return(con, code, "2018-Q1", [(*ROWS[0][:3], 11.0), ROWS[1]], "2018-11-01", version=3)
        changed = figures_used(con, D, revised=True)
    assert again.submissions != first.submissions
    assert again.fingerprint == first.fingerprint
    assert changed.fingerprint != first.fingerprint


def test_only_quarters_ended_by_the_date_count(db):
    with store.connect(db) as con:
        before_q2 = figures_used(con, date(2018, 6, 29), revised=True)
        after_q2 = figures_used(con, D, revised=True)
    assert (before_q2.rows, after_q2.rows) == (6, 7)
    assert before_q2.fingerprint != after_q2.fingerprint


def test_a_fingerprint_recorded_before_methods_checks_by_every_figure(db):
    """A pack built before issue 26 recorded no method: its fingerprint hashed every figure,
    and a check recomputes it that way."""
    with store.connect(db) as con:
        old = figures_used(con, D, False, "rows")
        recorded = {k: v for k, v in old.to_json().items() if k != "method"}
        read_back = FiguresUsed.from_json(recorded)
        assert read_back.method == "rows"
        assert figures_used(con, D, False, read_back.method) == old
        assert figures_used(con, D, False).fingerprint != old.fingerprint


def test_upgrading_digests_the_versions_stored_before(tmp_path, strategy, monkeypatch):
    path = tmp_path / "v6.duckdb"
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:6])
    with store.connect(path, create=True) as con:
        store.migrate(con)
        add_return(con, COUNCILS[0], "2018-Q1", ROWS, "2018-04-20 10:00")
    monkeypatch.undo()
    store.init(path, strategy)
    with store.connect(path) as con:
        (digest,) = con.execute("SELECT figures_sha256 FROM submissions").fetchone()
        con.execute("UPDATE submissions SET figures_sha256 = NULL")
        store.digest_new_versions(con)
        assert con.execute("SELECT figures_sha256 FROM submissions").fetchone() == (digest,)
    assert len(digest) == 64
