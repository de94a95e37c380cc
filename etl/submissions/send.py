"""Send a checked return: load it with the large changes it raised answered, and give
back the receipt of each submission it holds (what the upload page shows and e-mails)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from etl.returns import Report, Submitter
from etl.submissions import ingest, receipts, review

if TYPE_CHECKING:
    from etl.strategy import StrategyFile


@dataclass(frozen=True)
class Sent:
    """What sending a file did: the report of its check at loading and, when it was
    stored, the receipt of each submission, with what this sending did to it."""

    report: Report
    receipts: list[dict] = field(default_factory=list)

    @property
    def stored(self) -> bool:
        return self.report.valid


def send(
    db_path: str | Path,
    data: bytes,
    file_name: str,
    strategy: StrategyFile,
    submitter: Submitter,
    answered: list[review.Query],
    *,
    today: date | None = None,
) -> Sent:
    """Load a return as ``submitter``, each large change ``answered`` (``review.answer``)
    kept with its submission. It is checked again as it loads, so a file refused since it
    was previewed stores nothing and its report says why."""
    result = ingest.ingest_return(
        db_path,
        data,
        file_name,
        strategy,
        submitter=submitter,
        today=today,
        queries=review.to_json(answered),
    )
    if not result.stored:
        return Sent(result.report)
    # An unchanged submission's receipt is that of the version already held: say so.
    held = [
        {**receipts.receipt(db_path, o.submission_id), "action": o.action} for o in result.outcomes
    ]
    return Sent(result.report, held)
