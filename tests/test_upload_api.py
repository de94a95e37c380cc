"""The back end refuses what a person may not send, whatever a page offered (no page here)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from dashboard import auth
from etl.actions import check_return
from etl.councils import NATIONAL_CODE
from etl.periods import last_ended
from etl.submissions import export, ingest, receipts

EDINBURGH, GLASGOW = "S12000036", "S12000049"
PERIOD = str(last_ended(date.today()))
OFFICER = auth.User(
    "officer@edinburgh.example", "Ada", frozenset({auth.COUNCIL_UPLOADER}), EDINBURGH
)
POLICY = auth.User("policy@gov.scot.example", "Pat", frozenset({auth.POLICY_OFFICER}))
VIEWER = auth.User("reader@gov.scot.example", "Vic", frozenset({auth.VIEWER}))


def filled(strategy, *codes: str) -> bytes:
    """One file holding a filled template for each authority."""
    out = io.StringIO()
    writer = None
    for code in codes:
        text = export.template(strategy, code, PERIOD).decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({**row, "value": "7"})
    return out.getvalue().encode()


def send(db, strategy, user: auth.User, data: bytes):
    return ingest.ingest_return(db, data, "return.csv", strategy, submitter=auth.submitter(user))


def test_council_uploader_is_refused_another_councils_figures_and_nothing_is_stored(
    empty_db, strategy
):
    result = send(empty_db, strategy, OFFICER, filled(strategy, GLASGOW))
    assert not result.stored
    messages = [p.message for p in result.report.errors]
    assert messages == [
        'return.csv row 2, column A (authority_code): "S12000049" is Glasgow City; you may send '
        "returns only for City of Edinburgh (S12000036)"
    ]
    assert receipts.submissions(empty_db).empty


def test_one_foreign_row_refuses_the_whole_file(empty_db, strategy):
    result = send(empty_db, strategy, OFFICER, filled(strategy, EDINBURGH, GLASGOW))
    assert not result.stored
    assert receipts.submissions(empty_db).empty


def test_council_uploader_is_refused_national_figures(empty_db, strategy):
    result = send(empty_db, strategy, OFFICER, filled(strategy, NATIONAL_CODE))
    assert not result.stored
    assert "Scotland: national figures come only from policy officers" in str(
        result.report.errors[0]
    )
    assert receipts.submissions(empty_db).empty


def test_a_viewer_may_send_nothing(empty_db, strategy):
    result = send(empty_db, strategy, VIEWER, filled(strategy, EDINBURGH))
    assert not result.stored
    assert "you may send returns only for no council" in str(result.report.errors[0])


def test_council_uploader_sends_own_figures_and_is_named_on_the_submission(empty_db, strategy):
    result = send(empty_db, strategy, OFFICER, filled(strategy, EDINBURGH))
    assert result.stored and [o.action for o in result.outcomes] == ["new"]
    (held,) = receipts.submissions(empty_db).itertuples()
    assert (held.authority_code, held.submitted_by) == (EDINBURGH, "officer@edinburgh.example")


def test_policy_officer_sends_national_figures_and_any_council(empty_db, strategy):
    result = send(empty_db, strategy, POLICY, filled(strategy, NATIONAL_CODE, GLASGOW))
    assert result.stored
    assert sorted(o.authority_code for o in result.outcomes) == [GLASGOW, NATIONAL_CODE]


@pytest.mark.parametrize("user", [OFFICER, VIEWER])
def test_the_check_before_sending_refuses_the_same_way(empty_db, strategy, user):
    checked = check_return(
        empty_db, filled(strategy, GLASGOW), "return.csv", strategy, auth.submitter(user)
    )
    assert not checked.report.valid and not checked.comparisons
