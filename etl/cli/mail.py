"""`stem-tracker remind` and `stem-tracker reminders`: chasing by e-mail and what was sent
(the sending is ``etl.actions``); also the mail settings and the printing of receipts for
`ingest --notify` and `restore --notify`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from etl.cli.options import AS_AT, CliError, parse_as_at
from etl.submissions import ingest

if TYPE_CHECKING:  # pydantic and smtplib are imported by the commands that send, so that
    from etl.actions import Mailer  # other commands start quickly
    from etl.mail.receipts import ReceiptMail
    from etl.mail.smtp import MailSettings

SENT_BY = typer.Option(None, "--sent-by", help="Who sends them (default: your user name).")


def contacts() -> dict[str, tuple]:
    from etl.mail.contacts import ContactsFileError, contacts_file, load_contacts

    try:
        return load_contacts()
    except ContactsFileError as error:
        raise CliError(f"{error}\n(fix {contacts_file()} and run again)") from None


def settings(*, required: bool) -> MailSettings | None:
    from etl.mail.smtp import MailSettingsError, load_settings, secrets_file

    try:
        found = load_settings()
    except MailSettingsError as error:
        raise CliError(f"{error}\n(fix {secrets_file()} and run again)") from None
    if found is None and required:
        raise CliError(
            f"e-mail is not configured: add an [email] section to {secrets_file()} "
            "(see .streamlit/secrets.example.toml), or a dry_run folder to write files instead"
        )
    return found


def _database(ctx: typer.Context) -> Path:
    if not ctx.obj.db.exists():  # connect() would create an empty file
        raise CliError(f"there is no database at {ctx.obj.db}: run `stem-tracker init` first")
    return ctx.obj.db


def _attempt_line(attempt) -> str:
    what = f"{attempt.kind} {attempt.authority_code} {attempt.period}"
    return f"{what} to {', '.join(attempt.recipients)}: {attempt.delivery.outcome} " + (
        f"({attempt.delivery.answer})"
    )


def remind(
    ctx: typer.Context,
    as_at: str = AS_AT,
    send: bool = typer.Option(False, "--send", help="Send them (default: only show them)."),
    insist: bool = typer.Option(
        False, "--insist", help="Remind again councils already reminded today for the quarter."
    ),
    sent_by: str = SENT_BY,
    as_json: bool = typer.Option(False, "--json", help="Print the plan and outcomes as JSON."),
) -> None:
    """E-mail a reminder to each council whose return is overdue as at a date (by default
    only show what would be sent). With --send, also retries receipts that failed. Exit 1
    when any e-mail failed."""
    from etl import actions
    from etl.mail import reminders

    db, day = _database(ctx), parse_as_at(as_at)
    mail, people = settings(required=send), contacts()
    plan = reminders.plan(db, day, people, insist=insist)
    who = sent_by or ingest.default_submitter().name
    attempts = ()
    if send:
        attempts = actions.send_reminders(db, plan, actions.Mailer(mail, people), who).attempts
    if as_json:
        tried = [_attempt_json(a) for a in attempts]
        typer.echo(json.dumps({**plan.to_json(), "sent": send, "attempts": tried}, indent=2))
    else:
        _print_plan(plan, send, reminders.letter, mail)
        for attempt in attempts:
            typer.echo(_attempt_line(attempt))
    if any(a.failed for a in attempts):
        typer.echo(
            "error: some e-mails failed (logged; the next `stem-tracker remind --send` "
            "tries again)",
            err=True,
        )
        raise typer.Exit(1)


def _print_plan(plan, send: bool, letter, mail: MailSettings | None) -> None:
    from etl.mail.contacts import contacts_file
    from etl.mail.smtp import send_a_return_link
    from etl.periods import day_text

    if plan.period is None:
        typer.echo(f"As at {day_text(plan.as_at)} no return is due yet: nobody to remind.")
        return
    typer.echo(f"Returns for {plan.period} that are overdue as at {day_text(plan.as_at)}:")
    for r in plan.reminders:
        typer.echo(f"  {r.council} ({r.authority_code}): due {day_text(r.due_date)}, "
                   f"{r.days_late} days late → {', '.join(r.to)}")  # fmt: skip
    if plan.reminded_today:
        names = ", ".join(r.council for r in plan.reminded_today)
        typer.echo(f"Already reminded today (--insist to remind again): {names}")
    if plan.without_contact:
        typer.echo(
            f"No contact in {contacts_file().name}, so no reminder "
            f"({len(plan.without_contact)}): {', '.join(plan.without_contact)}"
        )
    if not plan.reminders:
        typer.echo("No reminder to send.")
    elif not send:
        sample = letter(plan.reminders[0], send_a_return_link(mail))
        typer.echo(f"\nThe first reads:\nSubject: {sample.subject}\n\n{sample.text}")
        typer.echo(
            f"{len(plan.reminders)} reminder(s) would be sent; nothing was sent. "
            "Run again with --send to send them."
        )


def _attempt_json(attempt) -> dict:
    return {
        "kind": attempt.kind,
        "authority_code": attempt.authority_code,
        "period": attempt.period,
        "submission_id": attempt.submission_id,
        "to": list(attempt.recipients),
        "subject": attempt.subject,
        "outcome": attempt.delivery.outcome,
        "answer": attempt.delivery.answer,
    }


def reminders_command(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print the log as JSON."),
) -> None:
    """Every reminder and receipt the tracker e-mailed or tried to, newest first, with the
    outcome and the mail server's answer."""
    from etl.mail import log
    from etl.status import json_records

    entries = log.entries(_database(ctx), limit)
    if as_json:
        typer.echo(json.dumps({"mail": json_records(entries)}, indent=2))
        return
    if entries.empty:
        typer.echo("No reminder or receipt has been e-mailed yet.")
    for e in entries.itertuples(index=False):
        typer.echo(
            f"{e.attempted_at:%Y-%m-%d %H:%M} {e.kind} {e.authority_code} {e.period} "
            f"to {', '.join(e.recipients)} by {e.sent_by}: {e.outcome} ({e.answer})"
        )


def mailer() -> Mailer:
    """The mail settings and contacts for commands that e-mail receipts (``--notify``), read
    before anything is stored: a broken or missing file stops the command first."""
    from etl.actions import Mailer

    return Mailer(settings(required=True), contacts())


def print_receipt_mail(mail: ReceiptMail) -> list[dict]:
    """Print what became of a load's e-mailed receipts and return it. A failure is a
    warning: the return is stored whatever happens to its receipt."""
    from etl.mail.contacts import contacts_file

    for attempt in mail.attempts:
        prefix = "warning: receipt not sent, " if attempt.failed else ""
        typer.echo(prefix + _attempt_line(attempt), err=attempt.failed)
    if any(a.failed for a in mail.attempts):
        typer.echo("(logged; the next `stem-tracker remind --send` tries again)", err=True)
    for receipt in mail.nobody:
        typer.echo(
            f"warning: no receipt e-mailed for {receipt['authority_code']} {receipt['period']}: "
            f"no contact in {contacts_file().name} and the sender has no e-mail address",
            err=True,
        )
    return [_attempt_json(a) for a in mail.attempts]


def register(app: typer.Typer) -> None:
    app.command()(remind)
    app.command(name="reminders")(reminders_command)
