"""Receipts by e-mail: when a return is stored (new, replaced or restored), the same
receipt the sender sees on screen goes to the council's contacts and to the sender.

A receipt that cannot be sent is logged as failed and the return stays stored; the next
``stem-tracker remind --send`` (or reminders sent from the Councils page) tries it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from etl.councils import council_name
from etl.mail import log
from etl.mail.contacts import ADDRESS, ContactsFileError, load_contacts
from etl.mail.letter import Letter, Link, Table
from etl.mail.smtp import (
    MailSettings,
    MailSettingsError,
    deliver,
    load_settings,
    send_a_return_link,
)
from etl.submissions import receipts

STORED = ("new", "replaced", "restored")  # "unchanged" stored nothing: no receipt


def recipients(receipt: dict, contacts: dict[str, tuple]) -> tuple[str, ...]:
    """The council's contacts, then the sender when the sender is known by an address."""
    found = list(contacts.get(receipt["authority_code"], ()))
    sender = str(receipt["submitted_by"]).strip().lower()
    if ADDRESS.fullmatch(sender) and sender not in found:
        found.append(sender)
    return tuple(found)


def letter(receipt: dict, to: tuple[str, ...], link: str) -> Letter:
    council = council_name(receipt["authority_code"])
    changes = receipts.explained_changes(receipt)
    return Letter(
        to=to,
        subject=f"Receipt: STEM Strategy progress return for {council}, {receipt['period']} "
        f"(version {receipt['version']})",
        blocks=(
            f"The STEM Strategy Tracker has stored {council}'s progress return for "
            f"{receipt['period']}. Please keep this e-mail as your receipt.",
            Table(tuple(receipts.receipt_rows(receipt))),
            *(["Large changes explained by the sender:", "\n".join(changes)] if changes else []),
            "Every version sent can be downloaded again from the tracker:",
            Link("Send a return", link),
            "STEM Strategy team, Scottish Government",
        ),
    )


def _send_one(db_path, receipt: dict, to, settings: MailSettings, sent_by: str) -> log.Attempt:
    words = letter(receipt, to, send_a_return_link(settings))
    name = f"receipt-{receipt['authority_code']}-{receipt['period']}-v{receipt['version']}"
    attempt = log.Attempt(
        log.RECEIPT, receipt["authority_code"], receipt["period"], to, words.subject, sent_by,
        deliver(words, settings, name), receipt["submission_id"],
    )  # fmt: skip
    log.record(db_path, attempt, datetime.now())
    return attempt


def notify(
    db_path: str | Path,
    submission_ids: list[int],
    contacts: dict[str, tuple],
    settings: MailSettings,
    sent_by: str,
) -> tuple[list[log.Attempt], list[dict]]:
    """E-mail the receipt of each stored submission; return the attempts, and the receipts
    that had nobody to go to (no contact, and a sender without an address)."""
    attempts, nobody = [], []
    for submission_id in submission_ids:
        receipt = receipts.receipt(db_path, submission_id)
        if receipt["action"] not in STORED:
            continue
        to = recipients(receipt, contacts)
        if not to:
            nobody.append(receipt)
            continue
        attempts.append(_send_one(db_path, receipt, to, settings, sent_by))
    return attempts, nobody


def retry_failed(
    db_path: str | Path, settings: MailSettings, contacts: dict[str, tuple], sent_by: str
) -> list[log.Attempt]:
    """Send again every receipt whose last attempt failed, to the council's contacts as
    ``contacts`` has them now (a contact removed since gets nothing; one added gets it), and
    the sender; not in a dry run, which would write the same files at every run and reach
    nobody. A receipt with nobody to go to now stays owed."""
    if settings.dry_run is not None:
        return []
    attempts = []
    for submission_id, _ in log.failed_receipts(db_path):
        receipt = receipts.receipt(db_path, submission_id)
        if to := recipients(receipt, contacts):
            attempts.append(_send_one(db_path, receipt, to, settings, sent_by))
    return attempts


@dataclass(frozen=True)
class ReceiptMail:
    """What became of the receipts of one load, for the page that stored it."""

    attempts: list[log.Attempt] = field(default_factory=list)
    nobody: list[dict] = field(default_factory=list)  # no contact, no sender address
    not_sent: str | None = None  # why none was tried: e-mail not configured, a broken file


def email_receipts(db_path: str | Path, submission_ids: list[int], sent_by: str) -> ReceiptMail:
    """E-mail the receipts of a load made in the dashboard, as configured. Never raises for
    the configuration or the server: the return is stored whatever happens here."""
    try:
        settings, contacts = load_settings(), load_contacts()
    except (MailSettingsError, ContactsFileError) as error:
        # The sender is a council: the server's files are not theirs to fix (the command line
        # names them to an administrator, e.g. `stem-tracker remind`).
        return ReceiptMail(not_sent=f"e-mail is not working on this tracker ({_kind(error)})")
    if settings is None:
        return ReceiptMail(not_sent="e-mail is not set up on this tracker")
    attempts, nobody = notify(db_path, submission_ids, contacts, settings, sent_by)
    return ReceiptMail(attempts, nobody)


def _kind(error: Exception) -> str:
    """Which setting is wrong, without the server's file names."""
    return (
        "its list of council contacts needs fixing"
        if isinstance(error, ContactsFileError)
        else "its mail settings need fixing"
    )
