"""Every e-mail the tracker sent or tried to send, in the store's ``mail_log`` (schema v6).

One row per attempt, never updated: a failed attempt stays failed and a later retry adds
its own row, so the log says what happened when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from etl import store
from etl.mail.smtp import DRY_RUN, FAILED, SENT, Delivery

REMINDER, RECEIPT = "reminder", "receipt"


@dataclass(frozen=True)
class Attempt:
    """One e-mail and what became of it."""

    kind: str  # reminder | receipt
    authority_code: str
    period: str
    recipients: tuple[str, ...]
    subject: str
    sent_by: str
    delivery: Delivery
    submission_id: int | None = None  # receipts only

    @property
    def failed(self) -> bool:
        return self.delivery.outcome == FAILED


def record(db_path: str | Path, attempt: Attempt, at: datetime | None = None) -> None:
    with store.connect(db_path) as con:
        con.execute(
            "INSERT INTO mail_log (kind, authority_code, period, submission_id, recipients, "
            "subject, attempted_at, sent_by, outcome, answer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [attempt.kind, attempt.authority_code, attempt.period, attempt.submission_id,
             list(attempt.recipients), attempt.subject, at or datetime.now(), attempt.sent_by,
             attempt.delivery.outcome, attempt.delivery.answer],
        )  # fmt: skip


def reminded_on(con, period: str, day: date) -> set[str]:
    """The councils sent a reminder for ``period`` on ``day`` (dry runs and failures do not
    count: nobody was reminded)."""
    rows = con.execute(
        "SELECT DISTINCT authority_code FROM mail_log WHERE kind = ? AND period = ? "
        "AND outcome = ? AND CAST(attempted_at AS DATE) = ?",
        [REMINDER, period, SENT, day],
    ).fetchall()
    return {code for (code,) in rows}


def reminded_since(con, period: str, since: datetime) -> set[str]:
    """The councils sent a reminder for ``period`` after ``since`` (by another sender)."""
    rows = con.execute(
        "SELECT DISTINCT authority_code FROM mail_log WHERE kind = ? AND period = ? "
        "AND outcome = ? AND attempted_at > ?",
        [REMINDER, period, SENT, since],
    ).fetchall()
    return {code for (code,) in rows}


def failed_receipts(db_path: str | Path) -> list[tuple[int, tuple[str, ...]]]:
    """Receipts whose latest real attempt failed: (submission id, recipients), oldest first.
    A dry run since does not count: nothing reached anybody."""
    with store.connect(db_path) as con:
        rows = con.execute(
            """
            SELECT submission_id, recipients FROM mail_log
            WHERE kind = ? AND submission_id IS NOT NULL AND outcome <> ?
            QUALIFY row_number() OVER (PARTITION BY submission_id ORDER BY id DESC) = 1
                AND outcome = ?
            ORDER BY id
            """,
            [RECEIPT, DRY_RUN, FAILED],
        ).fetchall()
    return [(submission_id, tuple(recipients)) for submission_id, recipients in rows]


COLUMNS = [
    "attempted_at", "kind", "authority_code", "period", "submission_id", "recipients",
    "subject", "sent_by", "outcome", "answer",
]  # fmt: skip


def entries(db_path: str | Path, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first."""
    with store.connect(db_path) as con:
        store.require_schema(con)
        return con.execute(
            f"SELECT {', '.join(COLUMNS)} FROM mail_log ORDER BY id DESC LIMIT ?",
            [limit if limit is not None else 2**62],
        ).df()
