"""One call per thing a user does: check a return, send a return, restore a version, send
reminders (or the receipts owed), back up. The dashboard's pages and the command line call
these and lay out what they give back; neither composes check, store and mail steps itself
(tests/test_structure.py holds them to it).

Each takes plain arguments and returns one frozen result: what a check found, what was
stored, the receipts, what the e-mails did (as notes with a level) and, for the command
line, the attempts themselves. E-mail is the caller's choice: ``CONFIGURED`` (the
tracker's settings as they are, never raising: a council sending a return cannot fix the
server's files), a ``Mailer`` checked beforehand (the command line names a broken file
before storing anything), or None. The mail modules are imported when mail is sent, so
that commands which send none start quickly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import duckdb

from etl import returns
from etl.returns import Report, Submitter
from etl.submissions import ingest, versions

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from etl.backup import Backup
    from etl.backup.files import Progress
    from etl.mail.log import Attempt
    from etl.mail.notes import Note
    from etl.mail.receipts import ReceiptMail
    from etl.mail.reminders import Plan
    from etl.mail.smtp import MailSettings
    from etl.returns.spec import ReturnSpec
    from etl.strategy.model import StrategyFile
    from etl.submissions.replacing import Replacing
    from etl.submissions.review import Query

CONFIGURED: Final = "configured"  # e-mail as this tracker is set up, whatever that is


@dataclass(frozen=True)
class Mailer:
    """Mail settings and the council contacts, both read and checked by the caller."""

    settings: MailSettings
    contacts: dict[str, tuple]


Mail = Mailer | str | None  # a Mailer, CONFIGURED, or None: no e-mail


@dataclass(frozen=True)
class ReturnChecked:
    """What checking one file found, storing nothing: its report and, when it is valid and
    checked against a store, each submission beside the council's previous quarter (its
    large changes are the queries to answer before sending) and the version each would
    replace, with the figures that differ (said before Send)."""

    report: Report
    comparisons: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    replacing: dict[tuple[str, str], Replacing] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.report.valid

    @property
    def queries(self) -> list[Query]:
        """Every large change, submission by submission (``review.queries``)."""
        from etl.submissions import review

        return [
            q
            for (code, period), compared in self.comparisons.items()
            for q in review.queries(compared, code, period)
        ]

    def to_dict(self) -> dict:
        return self.report.to_dict()


@dataclass(frozen=True)
class ReturnSent:
    """What sending one file did: its check at loading, each submission's outcome and
    (when asked for) receipt, and what became of the e-mailed receipts."""

    report: Report
    outcomes: list[ingest.Outcome] = field(default_factory=list)
    receipts: list[dict] = field(default_factory=list)
    mail: ReceiptMail | None = None
    sha256: str = ""

    @property
    def stored(self) -> bool:
        return self.report.valid

    @property
    def notes(self) -> tuple[Note, ...]:
        return _receipt_notes(self.mail)

    def to_dict(self) -> dict:
        return {
            **self.report.to_dict(),
            "sha256": self.sha256,
            "outcomes": [asdict(o) for o in self.outcomes],
        }


@dataclass(frozen=True)
class VersionRestored:
    """A version made current again (as a new version, or "unchanged"), and its receipt."""

    outcome: ingest.Outcome
    mail: ReceiptMail | None = None

    @property
    def notes(self) -> tuple[Note, ...]:
        return _receipt_notes(self.mail)


@dataclass(frozen=True)
class MailSent:
    """The e-mails just tried (reminders, receipts sent again), each logged."""

    attempts: tuple[Attempt, ...] = ()

    @property
    def failed(self) -> bool:
        return any(a.failed for a in self.attempts)

    @property
    def notes(self) -> tuple[Note, ...]:
        from etl.mail.notes import send_notes

        return send_notes(list(self.attempts))


def check_return(
    db_path: str | Path | None,
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec,
    submitter: Submitter | None = None,
    *,
    today: date | None = None,
    source_path: str | None = None,
) -> ReturnChecked:
    """Check a return as ``submitter`` (None: anyone may send anything, as at the command
    line) and store nothing; when it is valid, set it beside the store at ``db_path``: the
    previous quarter's figures and the versions it would replace. ``db_path`` None checks
    the file alone (``stem-tracker validate`` needs no store). ``source_path`` may name a
    file holding exactly ``data``, read in place."""
    with duckdb.connect() as con:  # the check's own: the rows it reads are gone after it
        report, rows = returns.check_return(
            con, data, file_name, strategy, today=today or date.today(), submitter=submitter,
            source_path=source_path,
        )  # fmt: skip
        if db_path is None or not report.valid:
            return ReturnChecked(report)
        from etl.submissions import review

        figures = review.checked_figures(rows)
    from etl.submissions.replacing import replacing

    return ReturnChecked(
        report, review.beside_last_quarter(db_path, figures), replacing(db_path, figures)
    )


def send_return(
    db_path: str | Path,
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec | Callable[[], StrategyFile | ReturnSpec],
    submitter: Submitter,
    answered: list[Query] | None = None,
    *,
    today: date | None = None,
    source_path: str | None = None,
    with_receipts: bool = True,
    mail: Mail = CONFIGURED,
) -> ReturnSent:
    """Check and store a return as ``submitter``, each large change ``answered``
    (``review.answer``) kept with its submission; then e-mail the receipts. It is checked
    again as it loads, so a file refused since it was previewed stores nothing and its
    report says why. ``strategy`` and ``source_path`` are ``ingest.ingest_return``'s."""
    loaded = ingest.ingest_return(
        db_path, data, file_name, strategy, submitter=submitter, today=today,
        queries=_as_json(answered), source_path=source_path,
    )  # fmt: skip
    if not loaded.stored:
        return ReturnSent(loaded.report, sha256=loaded.sha256)
    held = _receipts(db_path, loaded.outcomes) if with_receipts else []
    ids = [o.submission_id for o in loaded.outcomes]
    return ReturnSent(
        loaded.report, loaded.outcomes, held,
        _email_receipts(db_path, ids, submitter.name, mail), loaded.sha256,
    )  # fmt: skip


def restore_version(
    db_path: str | Path,
    authority_code: str,
    period: str,
    version: int,
    submitted_by: str,
    *,
    mail: Mail = CONFIGURED,
) -> VersionRestored:
    """Make an earlier version current again (nothing is deleted), then e-mail its receipt.
    Raises ``versions.SubmissionNotFound`` or ValueError for a version not held."""
    outcome = versions.restore_version(db_path, authority_code, period, version, submitted_by)
    return VersionRestored(
        outcome, _email_receipts(db_path, [outcome.submission_id], submitted_by, mail)
    )


def send_reminders(db_path: str | Path, plan: Plan, mail: Mailer, sent_by: str) -> MailSent:
    """Send the receipts still owed, then the plan's reminders; each logged, a failure
    logged and the rest sent."""
    from etl.mail import reminders

    owed = retry_receipts(db_path, mail, sent_by).attempts
    return MailSent(owed + tuple(reminders.send(db_path, plan, mail.settings, sent_by)))


def retry_receipts(db_path: str | Path, mail: Mailer, sent_by: str) -> MailSent:
    """Send again every receipt whose last attempt failed."""
    from etl.mail import receipts as mail_receipts

    return MailSent(
        tuple(mail_receipts.retry_failed(db_path, mail.settings, mail.contacts, sent_by))
    )


def back_up(
    db_path: str | Path,
    out_dir: str | Path,
    commitments_path: str | Path,
    *,
    wait: float | None = None,
    on_progress: Progress | None = None,
    key: bytes | None = None,
) -> Backup:
    """Back up the whole store into a new folder in ``out_dir`` (``etl.backup.take``)."""
    from etl import backup

    return backup.take(
        db_path, out_dir, commitments_path, wait=wait, key=key,
        on_progress=on_progress or backup.quiet,
    )  # fmt: skip


# The command line loads a file in a fraction of a second: the modules below (pandas, the
# strategy model) are imported only when a page's answers or receipts need them.
def _as_json(answered: list[Query] | None) -> str | None:
    if not answered:
        return None
    from etl.submissions import review

    return review.to_json(answered)


def _receipts(db_path: str | Path, outcomes: list[ingest.Outcome]) -> list[dict]:
    """Each submission's receipt; an unchanged one's is that of the version already held,
    which says so."""
    from etl.submissions import receipts

    return [{**receipts.receipt(db_path, o.submission_id), "action": o.action} for o in outcomes]


def _email_receipts(
    db_path: str | Path, submission_ids: list[int], sent_by: str, mail: Mail
) -> ReceiptMail | None:
    if mail is None:
        return None
    from etl.mail import receipts as mail_receipts

    if not isinstance(mail, Mailer):  # CONFIGURED
        return mail_receipts.email_receipts(db_path, submission_ids, sent_by)
    attempts, nobody = mail_receipts.notify(
        db_path, submission_ids, mail.contacts, mail.settings, sent_by
    )
    return mail_receipts.ReceiptMail(attempts, nobody)


def _receipt_notes(mail: ReceiptMail | None) -> tuple[Note, ...]:
    from etl.mail.notes import receipt_notes

    return receipt_notes(mail) if mail is not None else ()
