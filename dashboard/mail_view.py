"""What the pages show about e-mail (reminders, receipts, the log), as plain data: pure
functions, no st, no SQL. The sending itself is ``etl.actions``, whose results carry the
notes of what the e-mails did (``etl.mail.notes``)."""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from etl.councils import council_name
from etl.mail.reminders import Plan
from etl.mail.smtp import DRY_RUN, FAILED, SENT, MailSettings

OUTCOME_WORDS = {SENT: "✔ sent", FAILED: "✖ failed", DRY_RUN: "✎ dry run (written to a file)"}


def plan_table(plan: Plan) -> pd.DataFrame:
    """The reminders a send would make, one council a row."""
    return pd.DataFrame(
        [
            {
                "Council": r.council,
                "Quarter": r.period,
                "Due": fmt.long_date(r.due_date),
                "Days late": r.days_late,
                "To": ", ".join(r.to),
            }
            for r in plan.reminders
        ],
        columns=["Council", "Quarter", "Due", "Days late", "To"],
    )


def confirm_label(plan: Plan, settings: MailSettings) -> str:
    count = len(plan.reminders)
    addresses = sum(len(r.to) for r in plan.reminders)
    how = f"write them to files in {settings.dry_run} (a dry run)" if settings.dry_run else (
        f"send them through {settings.host}"
    )  # fmt: skip
    return (
        f"I have checked the list: {count} reminder{'s' if count != 1 else ''} to "
        f"{addresses} address{'es' if addresses != 1 else ''}; {how}"
    )


def log_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The e-mail log in words, newest first."""
    return pd.DataFrame(
        {
            "When": entries["attempted_at"].dt.strftime("%d/%m/%Y %H:%M"),
            "What": entries["kind"].str.capitalize(),
            "Council": entries["authority_code"].map(council_name),
            "Quarter": entries["period"],
            "To": [", ".join(r) for r in entries["recipients"]],
            "By": entries["sent_by"],
            "Outcome": entries["outcome"].map(lambda o: OUTCOME_WORDS.get(o, o)),
            "Mail server's answer": entries["answer"],
        }
    )
