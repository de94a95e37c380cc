"""Sending a checked return (etl.actions.send_return, here without e-mail): loaded with its
answered queries, a receipt back for each submission, nothing stored when the load refuses it."""

from __future__ import annotations

from functools import partial

from dashboard import auth
from etl import store
from etl.actions import check_return, send_return
from etl.submissions import receipts, review
from tests.test_upload_api import OFFICER
from tests.test_upload_page import EDINBURGH, GLASGOW, PERIOD, PREVIOUS, filled

send = partial(send_return, mail=None)
WHY = "A new STEM hub opened in the city"


def answered(db, strategy, data: bytes) -> list[review.Query]:
    checked = check_return(db, data, "e.csv", strategy, auth.submitter(OFFICER))
    ticked = {q.key for q in checked.queries}
    return review.answer(checked.queries, dict.fromkeys(ticked, WHY), ticked)


def test_a_return_is_stored_with_its_explained_changes_and_receipted(empty_db, strategy):
    send(empty_db, filled(strategy, EDINBURGH, PREVIOUS), "q.csv", strategy,
         auth.submitter(OFFICER), [])  # fmt: skip
    data = filled(strategy, EDINBURGH, PERIOD, "20")
    explained = answered(empty_db, strategy, data)
    assert explained and {q.explanation for q in explained} == {WHY}

    sent = send(empty_db, data, "e.csv", strategy, auth.submitter(OFFICER), explained)

    assert sent.stored and sent.report.valid
    (receipt,) = sent.receipts
    assert (receipt["authority_code"], receipt["period"]) == (EDINBURGH, PERIOD)
    assert (receipt["action"], receipt["version"]) == ("new", 1)
    assert receipt["submitted_by"] == OFFICER.email and receipt["file_name"] == "e.csv"
    assert receipt["queries"] == receipts.receipt(empty_db, receipt["submission_id"])["queries"]
    assert len(receipt["queries"]) == len(explained)
    assert {q["explanation"] for q in receipt["queries"]} == {WHY}
    assert receipts.explained_changes(receipt)


def test_the_same_figures_again_are_receipted_as_unchanged(empty_db, strategy):
    data = filled(strategy, EDINBURGH, PERIOD)
    first = send(empty_db, data, "e.csv", strategy, auth.submitter(OFFICER), [])
    again = send(empty_db, data, "again.csv", strategy, auth.submitter(OFFICER), [])
    assert [r["action"] for r in first.receipts] == ["new"]
    (receipt,) = again.receipts
    assert (receipt["action"], receipt["version"]) == ("unchanged", 1)
    assert receipt["submission_id"] == first.receipts[0]["submission_id"]
    assert len(receipts.submissions(empty_db)) == 1


def test_a_refused_return_stores_nothing_and_says_why(empty_db, strategy):
    sent = send(empty_db, filled(strategy, GLASGOW, PERIOD), "g.csv", strategy,
                auth.submitter(OFFICER), [])  # fmt: skip
    assert not sent.stored and sent.receipts == []
    assert "you may send returns only for City of Edinburgh" in sent.report.errors[0].message
    with store.connect(empty_db) as con:
        assert con.execute("SELECT count(*) FROM figure_values").fetchone() == (0,)
    assert receipts.submissions(empty_db).empty
