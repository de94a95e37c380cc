"""Reminders to the councils whose return is overdue as at a date.

Who is late comes from the status engine (``status.overdue_returns`` of the coverage
quarter, the same list the Councils page shows for chasing). A council reminded for a
quarter today is not reminded again today unless someone insists; a council whose last
attempt failed is simply still due one, so the next run retries it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from etl import status, store
from etl.mail import log
from etl.mail.contacts import without_contact
from etl.mail.letter import Letter, Link, Table
from etl.mail.smtp import MailSettings, deliver, send_a_return_link
from etl.periods import day_text
from etl.vocabulary import quarter_words


@dataclass(frozen=True)
class Reminder:
    authority_code: str
    council: str
    period: str
    due_date: date
    as_at: date
    to: tuple[str, ...]

    @property
    def days_late(self) -> int:
        return (self.as_at - self.due_date).days


@dataclass(frozen=True)
class Plan:
    """What a run would send as at a date, and why anything is left out."""

    as_at: date
    period: str | None  # the coverage quarter; None when no return is due yet
    reminders: list[Reminder] = field(default_factory=list)  # to send
    reminded_today: list[Reminder] = field(default_factory=list)  # left out: not insisted
    without_contact: list[str] = field(default_factory=list)  # council names
    made_at: datetime = field(default_factory=datetime.now)  # reminders sent since are news

    def to_json(self) -> dict:
        def plain(r: Reminder) -> dict:
            return {"authority_code": r.authority_code, "council": r.council,
                    "period": r.period, "due_date": r.due_date.isoformat(),
                    "days_late": r.days_late, "to": list(r.to)}  # fmt: skip

        return {
            "as_at": self.as_at.isoformat(),
            "period": self.period,
            "reminders": [plain(r) for r in self.reminders],
            "reminded_today": [plain(r) for r in self.reminded_today],
            "without_contact": self.without_contact,
        }


def plan(
    db_path: str | Path,
    as_at: date,
    contacts: dict[str, tuple],
    *,
    insist: bool = False,
    today: date | None = None,
) -> Plan:
    """The reminders due as at ``as_at``, leaving out councils already reminded ``today``."""
    with store.connect(db_path) as con:
        report = status.report(con, as_at)
    return plan_for(report, contacts, reminded_today(db_path, report, today), insist=insist)


def reminded_today(db_path: str | Path, report: status.StatusReport, today: date | None = None):
    """The councils already reminded ``today`` for the report's coverage quarter."""
    period = report.coverage_period
    if period is None:
        return set()
    with store.connect(db_path) as con:
        return log.reminded_on(con, period, today or date.today())


def plan_for(
    report: status.StatusReport, contacts: dict[str, tuple], reminded: set[str], *, insist: bool
) -> Plan:
    """The reminders the report's chasing list calls for (pure: the page passes its report)."""
    period = report.coverage_period
    if period is None:
        return Plan(report.as_at, None)
    late = status.overdue_returns(report.returns, period)
    missing = without_contact(late["authority_code"], contacts)
    due, already = [], []
    for row in late.itertuples(index=False):
        if row.authority_code in missing:
            continue
        reminder = Reminder(row.authority_code, row.authority_name, period, row.due_date,
                            report.as_at, contacts[row.authority_code])  # fmt: skip
        skip = row.authority_code in reminded and not insist
        (already if skip else due).append(reminder)
    names = late.set_index("authority_code")["authority_name"]
    return Plan(report.as_at, period, due, already, [names[c] for c in missing])


def letter(reminder: Reminder, link: str) -> Letter:
    """The reminder: the quarter, its due date, how late it is, and where to send it."""
    days = f"{reminder.days_late} day{'s' if reminder.days_late != 1 else ''}"
    return Letter(
        to=reminder.to,
        subject=f"STEM Strategy progress return for {reminder.period}: {days} overdue",
        blocks=(
            "Dear colleague,",
            f"Our records show that {reminder.council}'s STEM Education and Training Strategy "
            f"progress return for {quarter_words(reminder.period)} was due on "
            f"{day_text(reminder.due_date)} "
            f"and had not been received as at {day_text(reminder.as_at)}: it is {days} late.",
            Table(
                (
                    ("Council", f"{reminder.council} ({reminder.authority_code})"),
                    ("Quarter", quarter_words(reminder.period)),
                    ("Due", day_text(reminder.due_date)),
                    ("Days late", str(reminder.days_late)),
                )
            ),  # fmt: skip
            "Please download the template for your council, complete it and upload it as "
            "soon as you can on the tracker's Send a return page:",
            Link("Send a return", link),
            "If you have already sent it, or expect a delay, please reply to let us know.",
            "Thank you,\nSTEM Strategy team, Scottish Government",
        ),
    )


def send(
    db_path: str | Path, plan: Plan, settings: MailSettings, sent_by: str
) -> list[log.Attempt]:
    """Send each reminder in the plan and log it; a failure is logged and the rest go on.

    One sender at a time (two people pressing Send at once, or the page and a command): each
    waits for the other, then leaves out the councils reminded since its plan was made."""
    link = send_a_return_link(settings)
    attempts = []
    with _one_sender(db_path):
        with store.connect(db_path) as con:
            since = log.reminded_since(con, plan.period, plan.made_at) if plan.period else set()
        for reminder in plan.reminders:
            if reminder.authority_code not in since:
                attempts.append(_send_one(db_path, reminder, link, settings, sent_by))
    return attempts


@contextmanager
def _one_sender(db_path: str | Path) -> Iterator[None]:
    """Hold the lock on a file beside the database (across processes and threads alike)."""
    path = Path(db_path)
    with path.with_name(f"{path.name}.reminders.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _send_one(
    db_path, reminder: Reminder, link: str, settings: MailSettings, sent_by: str
) -> log.Attempt:
    words = letter(reminder, link)
    name = f"reminder-{reminder.authority_code}-{reminder.period}"
    attempt = log.Attempt(
        log.REMINDER, reminder.authority_code, reminder.period, words.to, words.subject,
        sent_by, deliver(words, settings, name),
    )  # fmt: skip
    log.record(db_path, attempt, datetime.now())
    return attempt
