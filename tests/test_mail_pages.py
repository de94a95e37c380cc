"""E-mail in the dashboard (issue 17), with AppTest and a real SMTP server in the test
process: a receipt after an upload, reminders from the Councils page, what was sent."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.format import WORD_JOINER
from etl.mail import log
from etl.submissions import receipts
from tests.mail_server import EDINBURGH, free_port, plain_text, point_at
from tests.markdown_text import shown
from tests.test_upload_page import PERIOD, USERS, app, filled

AS_AT = date(2025, 12, 1)  # 2025-Q3's returns were due on 11 November 2025


@pytest.fixture
def db(empty_db, monkeypatch, tmp_path):
    """The app's database and roles file (the SMTP server's files are mail_server's)."""
    monkeypatch.setenv("STEM_TRACKER_DB", str(empty_db))
    users = tmp_path / "users.yaml"
    users.write_text(USERS)
    monkeypatch.setenv("STEM_TRACKER_USERS", str(users))
    return empty_db


def upload(at, strategy):
    at.switch_page("app_pages/upload.py").run()
    at.get("file_uploader")[0].set_value(
        ("edinburgh.csv", filled(strategy, EDINBURGH, PERIOD), "text/csv")
    )
    at.run()
    at.button(key="send").click().run()
    assert not at.exception


def councils_page(at, as_at: date = AS_AT):
    at.switch_page("app_pages/councils.py").run()
    at.date_input(key="as_at").set_value(as_at).run()
    assert not at.exception
    return at


def sent_log(at):
    """The E-mails sent table."""
    return next(d.value for d in at.dataframe if "Mail server's answer" in d.value.columns)


def test_an_upload_emails_its_receipt_to_the_council_and_the_sender(db, strategy, mail_server):
    at = app("officer@edinburgh.example")
    upload(at, strategy)
    ((to, message),) = mail_server.inbox.received
    assert to == ("stem.returns@edinburgh.example", "officer@edinburgh.example")
    (held,) = receipts.submissions(db, EDINBURGH).itertuples()
    assert f"SHA-256:      {held.sha256}" in plain_text(message)
    assert message["Subject"] == (
        f"Receipt: STEM Strategy progress return for City of Edinburgh, {PERIOD} (version 1)"
    )
    assert any(
        i.value == "Receipt e-mail sent to stem.returns@edinburgh.example, "
        "officer@edinburgh.example."
        for i in at.info
    )


def test_a_receipt_that_fails_is_shown_logged_and_sent_again_later(
    db, strategy, tmp_path, mail_server
):
    point_at(tmp_path / "secrets.toml", free_port())  # the server is down
    at = app(None)  # local mode: every role
    upload(at, strategy)
    assert len(receipts.submissions(db, EDINBURGH)) == 1  # stored all the same
    (warning,) = [w.value for w in at.warning if "receipt could not be e-mailed" in w.value]
    assert warning.startswith("Your return is stored, but its receipt could not be e-mailed")
    assert "This is logged and will be tried again." in warning
    assert len(log.failed_receipts(db)) == 1

    point_at(tmp_path / "secrets.toml", mail_server.port)  # back up
    councils_page(at, date.today())
    assert any("1 receipt could not be e-mailed yet" in w.value for w in at.warning)
    table = sent_log(at)
    assert list(table["Outcome"]) == ["✖ failed"] and list(table["What"]) == ["Receipt"]
    at.button(key="retry_receipts").click().run()
    assert not at.exception
    assert [to for to, _ in mail_server.inbox.received] == [("stem.returns@edinburgh.example",)]
    assert any(s.value.startswith("Receipt for City of Edinburgh") for s in at.success)
    assert list(sent_log(at)["Outcome"]) == ["✔ sent", "✖ failed"]
    assert log.failed_receipts(db) == []


def test_councils_page_previews_confirms_and_sends_reminders_once(db, mail_server):
    at = councils_page(app("boss@gov.scot.example"))
    assert "Remind them by e-mail" in [s.value for s in at.subheader]
    plan = next(d.value for d in at.dataframe if "Days late" in d.value.columns)
    assert list(plan["Council"]) == ["City of Edinburgh", "Glasgow City"]
    assert list(plan["Days late"]) == [20, 20]
    assert any(w.value.startswith("No contact for 30 of these councils") for w in at.warning)
    preview = at.code[0].value
    assert preview.startswith("Subject: STEM Strategy progress return for 2025-Q3: 20 days")
    assert "Send a return: https://tracker.example/upload" in preview
    send = at.button(key="remind_send")
    assert send.disabled  # not before the list is confirmed
    (confirm,) = [c for c in at.checkbox if c.label.startswith("I have checked the list")]
    assert confirm.label == (
        "I have checked the list: 2 reminders to 3 addresses; send them through 127.0.0.1"
    )
    confirm.check().run()
    at.button(key="remind_send").click().run()
    assert not at.exception
    assert sorted(to for to, _ in mail_server.inbox.received) == [
        ("returns@glasgow.example", "data.team@glasgow.example"),
        ("stem.returns@edinburgh.example",),
    ]
    said = [shown(s.value)[0].replace(WORD_JOINER, "") for s in at.success]  # as read
    assert said == [
        "Reminder for City of Edinburgh, 2025-Q3: sent to stem.returns@edinburgh.example.",
        "Reminder for Glasgow City, 2025-Q3: sent to returns@glasgow.example, "
        "data.team@glasgow.example.",
    ]
    assert any(i.value.startswith("Already reminded today: City of Edinburgh") for i in at.info)
    assert not [b for b in at.button if b.key == "remind_send"]  # nothing left to send
    sent = sent_log(at)
    assert list(sent["Outcome"]) == ["✔ sent", "✔ sent"]
    assert set(sent["By"]) == {"boss@gov.scot.example"}


def test_only_those_who_may_chase_see_reminders_and_the_log(db, mail_server):
    at = councils_page(app("officer@edinburgh.example"))
    assert "Remind them by e-mail" not in [s.value for s in at.subheader]
    assert "E-mails sent" not in [h.value for h in at.header]
