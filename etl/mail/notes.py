"""What became of the e-mails a user just caused, as plain notes with a level (success,
info, warning, error) that a page shows as they are. Data only: the page chooses how."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from etl.councils import council_name
from etl.mail.smtp import DRY_RUN

if TYPE_CHECKING:
    from etl.mail.log import Attempt
    from etl.mail.receipts import ReceiptMail


@dataclass(frozen=True)
class Note:
    level: str  # "success", "info", "warning" or "error": the box a page draws it in
    text: str


def send_notes(attempts: list[Attempt]) -> tuple[Note, ...]:
    """One note for each e-mail just tried: sent, written to a file, or failed."""
    notes = []
    for a in attempts:
        what = f"{a.kind.capitalize()} for {council_name(a.authority_code)}, {a.period}"
        if a.failed:
            notes.append(Note("error", f"{what}: not sent ({a.delivery.answer}). It is logged "
                                       "and the next send tries again."))  # fmt: skip
        else:
            word = "written to a file (dry run)" if a.delivery.outcome == DRY_RUN else "sent"
            notes.append(Note("success", f"{what}: {word} to {', '.join(a.recipients)}."))
    return tuple(notes)


def receipt_notes(mail: ReceiptMail) -> tuple[Note, ...]:
    """What became of the e-mailed receipts of a return just stored or restored."""
    notes = []
    for a in mail.attempts:
        if a.failed:
            notes.append(Note("warning", f"Your return is stored, but its receipt could not be "
                                         f"e-mailed ({a.delivery.answer}). This is logged and "
                                         "will be tried again."))  # fmt: skip
        else:
            how = "written to a file (dry run) for" if a.delivery.outcome == DRY_RUN else "sent to"
            notes.append(Note("info", f"Receipt e-mail {how} {', '.join(a.recipients)}."))
    for receipt in mail.nobody:
        name = council_name(receipt["authority_code"])
        notes.append(Note("info", f"No receipt e-mailed for {name}: it has no contact and you "
                                  "have no e-mail address here."))  # fmt: skip
    if mail.not_sent:
        notes.append(Note("info", f"No receipt e-mailed: {mail.not_sent}."))
    return tuple(notes)
