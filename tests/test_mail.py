"""E-mail (issue 17): contacts, reminders and receipts, read back from a real SMTP server
running in the test process, through the real `stem-tracker` entry point."""

from __future__ import annotations

import io
import json
from datetime import date
from email import message_from_bytes, policy

import pytest

from etl.mail import contacts, letter, log, reminders, smtp
from etl.mail import receipts as mail_receipts
from etl.submissions import ingest, receipts, versions
from tests.mail_server import ABERDEEN, EDINBURGH, GLASGOW, free_port, plain_text, point_at
from tests.test_status_cli import run
from tests.test_upload_page import filled

AS_AT = "2025-12-01"  # 2025-Q3's returns were due on 11 November 2025: every council is late


@pytest.fixture
def cli(empty_db, monkeypatch, capsys):
    def invoke(*args):
        return run(monkeypatch, capsys, "--db", str(empty_db), *args)

    return invoke


# --- Contacts ------------------------------------------------------------------------------


def test_contacts_file_gives_each_councils_addresses():
    text = "contacts:\n  s12000036: [Stem.Returns@Edinburgh.example]\n  S12000049: []\n"
    assert contacts.read_contacts(io.StringIO(text)) == {
        EDINBURGH: ("stem.returns@edinburgh.example",)
    }
    assert contacts.without_contact([EDINBURGH, GLASGOW], {EDINBURGH: ("a@b.example",)}) == [
        GLASGOW
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "contacts:\n  S12000036: [stem.returns@edinburgh.example, not-an-address]\n",
            'contacts.yaml: S12000036, address 2: "not-an-address" is not an e-mail address '
            "like name@council.gov.uk",
        ),
        (
            "contacts:\n  S99999999: [a@b.example]\n",
            'contacts.yaml: S99999999: "S99999999" is not a council code like S12000036 '
            "(see data/councils.csv)",
        ),
        (
            "contacts:\n  S12000036: a@b.example\n",
            "contacts.yaml: S12000036: should be a list of e-mail addresses",
        ),
        (
            "people:\n  S12000036: [a@b.example]\n",
            "contacts.yaml: the file: needs `contacts:`, a mapping of council code → addresses; "
            "people: is not expected here: the file holds one `contacts:` mapping",
        ),
    ],
    ids=["bad-address", "unknown-council", "not-a-list", "wrong-key"],
)
def test_a_broken_contacts_file_names_the_entry_to_fix(text, message):
    with pytest.raises(contacts.ContactsFileError) as error:
        contacts.read_contacts(io.StringIO(text))
    assert str(error.value) == message


def test_the_example_contacts_file_is_valid_and_invented():
    found = contacts.load_contacts(contacts.DEFAULT_CONTACTS_FILE)
    assert found and all(a.endswith(".example") for addresses in found.values() for a in addresses)


def test_the_example_secrets_file_has_valid_email_settings():
    example = smtp.load_settings(smtp.PROJECT_ROOT / ".streamlit" / "secrets.example.toml")
    assert (example.security, example.server_port, example.dry_run) == ("starttls", 587, None)


def test_mail_settings_are_checked_with_the_setting_to_fix(tmp_path):
    path = tmp_path / "secrets.toml"
    assert smtp.load_settings(path) is None  # no file: e-mail is not configured
    path.write_text('[email]\nhost = "smtp.example"\nsecurity = "tls"\nfrom = "x@y.example"\n')
    with pytest.raises(smtp.MailSettingsError, match=r"\[email\] security: Input should be"):
        smtp.load_settings(path)
    path.write_text(
        '[auth]\nredirect_uri = "https://stem.example/oauth2callback"\n'
        '[email]\nhost = "smtp.example"\nsecurity = "ssl"\nfrom = "x@y.example"\n'
    )
    found = smtp.load_settings(path)
    assert (found.server_port, smtp.send_a_return_link(found)) == (
        465,
        "https://stem.example/upload",
    )


# --- Reminders -----------------------------------------------------------------------------

EDINBURGH_REMINDER = """\
Dear colleague,

Our records show that City of Edinburgh's STEM Education and Training Strategy progress return for 2025-Q3 (July to September 2025) was due on 11 November 2025 and had not been received as at 1 December 2025: it is 20 days late.

Council:   City of Edinburgh (S12000036)
Quarter:   2025-Q3 (July to September 2025)
Due:       11 November 2025
Days late: 20

Please download the template for your council, complete it and upload it as soon as you can on the tracker's Send a return page:

Send a return: https://tracker.example/upload

If you have already sent it, or expect a delay, please reply to let us know.

Thank you,
STEM Strategy team, Scottish Government
"""


def test_remind_shows_what_would_be_sent_and_sends_nothing(cli, mail_server):
    code, out, _ = cli("remind", "--as-at", AS_AT)
    assert code == 0
    assert "City of Edinburgh (S12000036): due 11 November 2025, 20 days late → " in out
    assert "No contact in contacts.yaml, so no reminder (30): Aberdeen City, " in out
    assert "2 reminder(s) would be sent; nothing was sent." in out
    assert EDINBURGH_REMINDER in out
    assert mail_server.inbox.received == []


def test_remind_send_reminds_each_late_council_once_a_day(cli, empty_db, mail_server):
    code, out, _ = cli("remind", "--as-at", AS_AT, "--send", "--sent-by", "officer@gov.example")
    assert code == 0, out
    inbox = mail_server.inbox
    assert sorted(to for to, _ in inbox.received) == [
        ("returns@glasgow.example", "data.team@glasgow.example"),
        ("stem.returns@edinburgh.example",),
    ]
    (edinburgh,) = [m for to, m in inbox.received if to == ("stem.returns@edinburgh.example",)]
    assert edinburgh["Subject"] == "STEM Strategy progress return for 2025-Q3: 20 days overdue"
    assert edinburgh["From"] == "stem.tracker@gov.scot.example"
    assert plain_text(edinburgh) == EDINBURGH_REMINDER
    assert '<a href="https://tracker.example/upload">Send a return</a>' in inbox.htmls()[0]

    code, out, _ = cli("remind", "--as-at", AS_AT, "--send")  # the same day again
    assert code == 0
    assert "Already reminded today (--insist to remind again): " in out
    assert "No reminder to send." in out
    assert len(inbox.received) == 2

    cli("remind", "--as-at", AS_AT, "--send", "--insist")
    assert len(inbox.received) == 4

    code, out, _ = cli("reminders", "--json")
    entries = json.loads(out)["mail"]
    assert len(entries) == 4 and {e["outcome"] for e in entries} == {"sent"}
    first = entries[-1]
    assert (first["kind"], first["period"], first["sent_by"]) == (
        "reminder", "2025-Q3", "officer@gov.example",
    )  # fmt: skip
    assert first["answer"] == "250 Message accepted for delivery"


def test_a_council_that_has_sent_its_return_is_not_reminded(empty_db, strategy, mail_server):
    people = contacts.load_contacts()
    before = reminders.plan(empty_db, date.today(), people)
    assert [r.authority_code for r in before.reminders] == [EDINBURGH, GLASGOW]
    ingest.ingest_return(empty_db, filled(strategy, GLASGOW, before.period), "g.csv", strategy)
    after = reminders.plan(empty_db, date.today(), people)
    assert (after.period, [r.authority_code for r in after.reminders]) == (
        before.period, [EDINBURGH],
    )  # fmt: skip


def test_two_people_sending_the_same_reminders_at_once_remind_each_council_once(
    empty_db, mail_server
):
    """Issue 25: two "Send reminders" at once both sent. Both plans are made before either
    sends, as when two people open the Councils page and press Send together."""
    from concurrent.futures import ThreadPoolExecutor

    people, settings = contacts.load_contacts(), smtp.load_settings()
    plans = [reminders.plan(empty_db, date.fromisoformat(AS_AT), people) for _ in range(2)]
    assert [len(p.reminders) for p in plans] == [2, 2]
    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(lambda p: reminders.send(empty_db, p, settings, "me"), plans))
    assert sorted(len(attempts) for attempts in sent) == [0, 2]
    assert sorted(to for to, _ in mail_server.inbox.received) == [
        ("returns@glasgow.example", "data.team@glasgow.example"),
        ("stem.returns@edinburgh.example",),
    ]  # fmt: skip


def test_a_server_that_is_down_fails_logged_and_a_later_run_sends(cli, tmp_path, mail_server):
    point_at(tmp_path / "secrets.toml", free_port())
    code, out, err = cli("remind", "--as-at", AS_AT, "--send")
    assert code == 1
    assert (
        "reminder S12000036 2025-Q3 to stem.returns@edinburgh.example: failed (cannot reach " in out
    )
    assert "some e-mails failed (logged; the next `stem-tracker remind --send` tries again)" in err
    _, out, _ = cli("reminders")
    assert out.count(": failed (cannot reach 127.0.0.1:") == 2

    point_at(tmp_path / "secrets.toml", mail_server.port)
    code, out, _ = cli("remind", "--as-at", AS_AT, "--send")
    assert code == 0
    assert len(mail_server.inbox.received) == 2


def test_a_dry_run_writes_files_and_sends_nothing(cli, tmp_path, mail_server):
    outbox = tmp_path / "outbox"
    point_at(tmp_path / "secrets.toml", mail_server.port, f'dry_run = "{outbox}"\n')
    code, out, _ = cli("remind", "--as-at", AS_AT, "--send")
    assert code == 0
    assert mail_server.inbox.received == []
    files = sorted(p.name for p in outbox.glob("*.eml"))
    assert [f.rsplit("-", 1)[0] for f in files] == [
        "reminder-S12000036-2025-Q3", "reminder-S12000049-2025-Q3",
    ]  # fmt: skip
    written = message_from_bytes((outbox / files[0]).read_bytes(), policy=policy.default)
    assert plain_text(written) == EDINBURGH_REMINDER
    _, out, _ = cli("reminders", "--json")
    assert {e["outcome"] for e in json.loads(out)["mail"]} == {"dry run"}
    # a dry run reminded nobody: sending for real still reminds both
    point_at(tmp_path / "secrets.toml", mail_server.port)
    cli("remind", "--as-at", AS_AT, "--send")
    assert len(mail_server.inbox.received) == 2


def test_remind_send_without_email_settings_says_how_to_configure(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("STEM_TRACKER_SECRETS", str(tmp_path / "none.toml"))
    code, _, err = cli("remind", "--as-at", AS_AT, "--send")
    assert code == 1
    assert "e-mail is not configured: add an [email] section to " in err


# --- Receipts ------------------------------------------------------------------------------


def test_ingest_notify_emails_the_receipt_to_the_council_and_the_sender(
    cli, empty_db, strategy, tmp_path, mail_server
):
    path = tmp_path / "glasgow.csv"
    path.write_bytes(filled(strategy, GLASGOW, "2025-Q3"))
    code, out, err = cli(
        "ingest", str(path), "--notify", "--submitted-by", "Officer@Glasgow.example"
    )
    assert code == 0, err
    ((to, message),) = mail_server.inbox.received
    assert to == ("returns@glasgow.example", "data.team@glasgow.example", "officer@glasgow.example")
    assert message["Subject"] == (
        "Receipt: STEM Strategy progress return for Glasgow City, 2025-Q3 (version 1)"
    )
    (held,) = versions.history(empty_db, GLASGOW, "2025-Q3")
    text = plain_text(message)
    assert f"SHA-256:      {held['sha256']}" in text
    assert f"Rows:         {held['rows']}" in text and "Version:      1" in text
    assert "receipt S12000049 2025-Q3 to returns@glasgow.example" in out


def test_a_refused_receipt_leaves_the_return_stored_and_is_retried(
    cli, empty_db, strategy, tmp_path, mail_server
):
    mail_server.inbox.refuse = "554 Transaction failed: try later"
    path = tmp_path / "edinburgh.csv"
    path.write_bytes(filled(strategy, EDINBURGH, "2025-Q3"))
    code, out, err = cli("ingest", str(path), "--notify")
    assert code == 0  # the return is stored whatever happens to its receipt
    assert f"{path}: S12000036 2025-Q3: new (version 1" in out
    assert "warning: receipt not sent, receipt S12000036 2025-Q3 to " in err
    assert "failed (554 Transaction failed: try later)" in err
    assert len(versions.history(empty_db, EDINBURGH, "2025-Q3")) == 1
    assert [s for s, _ in log.failed_receipts(empty_db)] == [
        receipts.submissions(empty_db).iloc[0]["submission_id"]
    ]

    point_at(tmp_path / "secrets.toml", mail_server.port, f'dry_run = "{tmp_path / "out"}"\n')
    cli("remind", "--as-at", AS_AT, "--send")
    assert len(log.failed_receipts(empty_db)) == 1  # a dry run reached nobody: still owed

    mail_server.inbox.refuse = None
    point_at(tmp_path / "secrets.toml", mail_server.port)
    code, out, _ = cli("remind", "--as-at", AS_AT, "--send")
    assert "receipt S12000036 2025-Q3 to stem.returns@edinburgh.example: sent" in out
    subjects = [m["Subject"] for _, m in mail_server.inbox.received]
    assert subjects[0].startswith("Receipt: STEM Strategy progress return for City of Edinburgh")
    assert log.failed_receipts(empty_db) == []


def test_a_failed_receipt_is_retried_to_the_contacts_as_they_are_now(
    cli, empty_db, strategy, tmp_path, mail_server
):
    """Issue 25: the retry went to the addresses logged with the failure, so a contact who
    had left (and been taken out of contacts.yaml) still got the council's receipt."""
    mail_server.inbox.refuse = "554 Transaction failed: try later"
    path = tmp_path / "edinburgh.csv"
    path.write_bytes(filled(strategy, EDINBURGH, "2025-Q3"))
    assert cli("ingest", str(path), "--notify")[0] == 0
    (tmp_path / "contacts.yaml").write_text(
        "contacts:\n  S12000036: [new.officer@edinburgh.example]\n"
    )
    mail_server.inbox.refuse = None
    code, out, _ = cli("remind", "--as-at", AS_AT, "--send")
    assert "receipt S12000036 2025-Q3 to new.officer@edinburgh.example: sent" in out
    receipt_to = [to for to, m in mail_server.inbox.received if m["Subject"].startswith("Receipt")]
    assert receipt_to == [("new.officer@edinburgh.example",)]


def test_a_receipt_escapes_the_senders_words_in_html():
    receipt = {
        "submission_id": 1, "authority_code": EDINBURGH, "period": "2025-Q3", "version": 2,
        "action": "replaced", "received_at": "2025-10-01 09:30:00", "submitted_by": "x",
        "file_name": "<b>return</b>.csv", "rows": 4, "sha256": "ab" * 32,
        "queries": [{"indicator_id": "I1", "sex": "all", "simd_quintile": "all",
                     "previous": 10.0, "value": 20.0,
                     "explanation": '<script>alert("hi")</script> & more'}],
    }  # fmt: skip
    words = mail_receipts.letter(receipt, ("a@b.example",), "https://tracker.example/upload")
    assert "<script>" not in words.html and "<b>return" not in words.html
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; more" in words.html
    assert '10 → 20: <script>alert("hi")</script> & more' in words.text
    assert isinstance(words, letter.Letter)


def test_no_contact_and_no_sender_address_means_no_receipt_and_says_so(
    cli, strategy, tmp_path, mail_server
):
    path = tmp_path / "aberdeen.csv"
    path.write_bytes(filled(strategy, ABERDEEN, "2025-Q3"))
    code, _, err = cli("ingest", str(path), "--notify", "--submitted-by", "a clerk")
    assert code == 0
    assert "no receipt e-mailed for S12000033 2025-Q3: no contact in contacts.yaml" in err
    assert mail_server.inbox.received == []


def test_remind_json_lists_the_reminders_and_the_councils_without_contact(cli, mail_server):
    code, out, _ = cli("remind", "--as-at", AS_AT, "--json")
    plan = json.loads(out)
    assert (code, plan["period"], plan["sent"], plan["attempts"]) == (0, "2025-Q3", False, [])
    assert [(r["authority_code"], r["days_late"]) for r in plan["reminders"]] == [
        (EDINBURGH, 20), (GLASGOW, 20),
    ]  # fmt: skip
    assert len(plan["without_contact"]) == 30 and "Aberdeen City" in plan["without_contact"]


def test_a_broken_contacts_file_stops_remind_with_the_entry_to_fix(
    cli, tmp_path, monkeypatch, mail_server
):
    broken = tmp_path / "contacts.yaml"
    broken.write_text("contacts:\n  S12000036: [nobody]\n")
    code, _, err = cli("remind", "--as-at", AS_AT, "--send")
    assert code == 1
    assert 'error: contacts.yaml: S12000036, address 1: "nobody" is not an e-mail address' in err
    assert "Traceback" not in err and mail_server.inbox.received == []


def test_restore_notify_emails_the_restored_versions_receipt(cli, empty_db, strategy, mail_server):
    for value in ("10", "11"):
        ingest.ingest_return(
            empty_db, filled(strategy, EDINBURGH, "2025-Q3", value), "e.csv", strategy
        )
    code, out, _ = cli(
        "restore", "--authority", EDINBURGH, "--period", "2025-Q3", "--version", "1", "--notify",
        "--submitted-by", "boss@gov.example",
    )  # fmt: skip
    assert code == 0 and "S12000036 2025-Q3: restored (version 3" in out
    ((to, message),) = mail_server.inbox.received
    assert to == ("stem.returns@edinburgh.example", "boss@gov.example")
    assert message["Subject"].endswith("City of Edinburgh, 2025-Q3 (version 3)")
    assert "Outcome:      restored" in plain_text(message)
