"""The actions (etl.actions), one call per thing a user does, as the pages and commands
call them; and the pages' cached reads, which see a load without being cleared."""

from __future__ import annotations

import re
from datetime import date

from etl import actions
from etl.councils import NATIONAL_CODE
from etl.mail.notes import Note
from etl.returns import Submitter
from etl.returns.permissions import may_send, refusal_reason
from tests.mail_server import GLASGOW
from tests.test_mail_pages import councils_page
from tests.test_mail_pages import db as db  # the app's database and roles file
from tests.test_upload_page import EDINBURGH, PERIOD, app, filled


def _not_sent(at) -> tuple[int, str]:
    """(how many councils, quarter) the Councils page says have not sent their return."""
    for m in at.markdown:
        if found := re.fullmatch(r"\*\*(\d+) councils\*\* have not sent their return for (\S+)\.",
                                 m.value):  # fmt: skip
            return int(found[1]), found[2]
    raise AssertionError("the Councils page says nothing of the returns not sent")


def test_a_page_shows_a_return_stored_elsewhere_on_its_next_run(db, strategy):
    """The pages' cached reads are keyed by the store's data version, so a return stored
    by another session or a command shows on the next run, with no cache cleared."""
    at = councils_page(app(None), date.today())
    missing, period = _not_sent(at)
    sent = actions.send_return(
        db, filled(strategy, EDINBURGH, period), "e.csv", strategy, Submitter("cli"), mail=None
    )
    assert sent.stored and [o.action for o in sent.outcomes] == ["new"]
    assert sent.mail is None and sent.notes == ()
    assert _not_sent(at.run()) == (missing - 1, period)


def test_restoring_a_version_emails_its_receipt_as_configured(empty_db, strategy, mail_server):
    officer = Submitter("officer@edinburgh.example", frozenset({EDINBURGH}), national=False)
    for value in ("10", "20"):
        data = filled(strategy, EDINBURGH, PERIOD, value)
        assert actions.send_return(empty_db, data, "e.csv", strategy, officer, mail=None).stored
    assert mail_server.inbox.received == []  # mail=None: nothing e-mailed

    restored = actions.restore_version(empty_db, EDINBURGH, PERIOD, 1, "boss@gov.scot.example")
    assert (restored.outcome.action, restored.outcome.version) == ("restored", 3)
    ((to, message),) = mail_server.inbox.received
    assert to == ("stem.returns@edinburgh.example", "boss@gov.scot.example")
    assert message["Subject"].endswith(f"{PERIOD} (version 3)")
    assert restored.notes == (
        Note("info", "Receipt e-mail sent to stem.returns@edinburgh.example, "
                     "boss@gov.scot.example."),
    )  # fmt: skip


def test_refusal_reason_says_why_and_may_send_agrees():
    officer = Submitter("officer", frozenset({EDINBURGH}), national=False)
    assert refusal_reason(officer, EDINBURGH) is None and may_send(officer, EDINBURGH)
    reason = refusal_reason(officer, GLASGOW)
    assert reason.endswith("you may send returns only for City of Edinburgh (S12000036)")
    assert not may_send(officer, GLASGOW)
    assert refusal_reason(officer, NATIONAL_CODE).startswith("Scotland: national figures")
    assert may_send(None, GLASGOW)  # no submitter: the command line sends anything
