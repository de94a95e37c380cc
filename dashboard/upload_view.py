"""What the upload page shows, as plain data: pure functions, no st, no SQL.

The validation report is shown in the GOV.UK error-summary pattern
(design-system.service.gov.uk/components/error-summary): "There is a problem",
the most fundamental problem first, then every problem in a table a council's
data officer can work through in Excel, row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from etl.councils import council_name
from etl.periods import Quarter, day_text, last_ended, quarters_between
from etl.returns import Problem, Report
from etl.returns.contract import neutralise
from etl.status.rules import return_due_date
from etl.submissions import receipts
from etl.submissions.review import Query
from etl.vocabulary import quarter_words

MAX_UPLOAD_MB = 5
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
PLAIN_TABLE_ROWS = 300  # longer problem lists go in a scrolling data grid


def quarter_choices(start: str, today: date) -> list[str]:
    """Every quarter a return may be sent for, the latest ended first."""
    return [str(q) for q in reversed(quarters_between(Quarter.parse(start), last_ended(today)))]


def quarter_text(period: str, due_days: int) -> str:
    """'2025-Q3 (July to September 2025), due 11 November 2025': councils also count
    financial quarters, so the months and the due date stand beside the code."""
    due = return_due_date(period, due_days)
    return f"{quarter_words(period)}, due {day_text(due)}"


def status_label(report: Report) -> str:
    if report.valid:
        rows = sum(s.rows for s in report.submissions)
        return f"Checked {report.file_name}: no problems in {rows:,} rows"
    noun = "problem" if len(report.errors) == 1 else "problems"
    return f"Checked {report.file_name}: {len(report.errors)} {noun} to fix"


def too_large(size: int) -> str | None:
    if size > MAX_UPLOAD_BYTES:
        return (
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "A council's quarterly return is a few hundred rows: check it is the right file."
        )
    return None


def column_text(problem: Problem) -> str:
    if problem.column is None:
        return ""
    return f"{problem.column} ({problem.column_name})" if problem.column_name else problem.column


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Row (as Excel numbers it), column letter and name, value found, what to do; for a
    workbook, the sheet and the cell instead (``cell_table``)."""
    problems = list(problems)
    if any(p.sheet for p in problems):
        return cell_table(problems)
    return pd.DataFrame(
        [
            {
                "Row": "" if p.row is None else str(p.row),
                "Column": column_text(p),
                "Value": "" if p.value is None else p.value,
                "What to do": p.detail,
            }
            for p in problems
        ],
        columns=["Row", "Column", "Value", "What to do"],
    )


def cell_table(problems: list[Problem]) -> pd.DataFrame:
    """A workbook's problems as Excel shows the places: sheet, cell (``D14 (value)``)."""
    return pd.DataFrame(
        [
            {
                "Sheet": p.sheet or "",
                "Cell": f"{p.column or ''}{'' if p.row is None else p.row}"
                + (f" ({p.column_name})" if p.column_name else ""),
                "Value": "" if p.value is None else p.value,
                "What to do": p.detail,
            }
            for p in problems
        ],
        columns=["Sheet", "Cell", "Value", "What to do"],
    )


def summary_line(report: Report) -> str:
    """One sentence under "There is a problem": how much is wrong and that nothing was stored."""
    errors = report.errors
    rows = {p.row for p in errors if p.row is not None}
    noun = "problem" if len(errors) == 1 else "problems"
    where = f" in {len(rows)} row{'s' if len(rows) != 1 else ''}" if rows else ""
    # A workbook is fixed and sent as it is; only a CSV is saved as CSV again.
    workbook = report.file_name.lower().endswith((".xlsx", ".xlsm", ".xls"))
    again = "save it" if workbook or any(p.sheet for p in errors) else "save it as CSV"
    return (
        f"{len(errors)} {noun}{where}. Nothing from {report.file_name} has been stored: "
        f"fix the file in Excel, {again} and upload it again."
    )


def submission_text(authority_code: str, period: str, rows: int) -> str:
    return f"{council_name(authority_code)} ({authority_code}), {period}: {rows:,} rows"


def preview_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The figures beside the previous quarter's, large changes marked as queries in words."""
    change = comparison["change"].map(lambda c: "" if pd.isna(c) else f"{c:+.0%}")
    from_zero = comparison["query"] & comparison["change"].isna()
    change = change.where(~from_zero, "from 0")
    return pd.DataFrame(
        {
            "Indicator": comparison["indicator_id"],
            "Sex": comparison["sex"],
            "SIMD quintile": comparison["simd_quintile"],
            "Previous quarter": comparison["previous"].map(_figure),
            "This return": comparison["value"].map(_figure),
            "Change": change,
            "Query": comparison["query"].map({True: "⚠ Large change: explain", False: ""}),
        }
    )


def _figure(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:,g}"


def receipt_text(receipt: dict) -> str:
    """A plain-text receipt a council can keep: what was received, when, from whom."""
    lines = ["STEM Strategy Tracker: receipt for a quarterly progress return", ""]
    lines += [f"{label + ':':<14}{value}" for label, value in receipts.receipt_rows(receipt)]
    if changes := receipts.explained_changes(receipt):
        lines += ["", "Large changes explained:", *(f"- {change}" for change in changes)]
    return "\n".join(lines) + "\n"


def query_text(query: Query, names: dict[str, str] | None = None) -> str:
    return (
        f"**Large change ({query.change_text})**: {query.named(names)} was "
        f"{query.previous:,g} in the previous quarter and is {query.value:,g} in this return. "
        "Tick to confirm it and say briefly why it changed."
    )


ACTION_WORDS = {
    "new": "Received",
    "replaced": "Received: replaces the earlier version",
    "unchanged": "Unchanged: the figures are the same as the version already held, so "
    "nothing new was stored",
    "restored": "Restored",
}


def receipt_heading(receipt: dict) -> str:
    return (
        f"{ACTION_WORDS.get(receipt['action'], receipt['action'])}. "
        f"{council_name(receipt['authority_code'])}, {receipt['period']}: version "
        f"{receipt['version']}, {receipt['rows']:,} rows."
    )


def receipt_file_name(receipt: dict) -> str:
    return f"receipt-{receipt['authority_code']}-{receipt['period']}-v{receipt['version']}.txt"


def newest_first(history: pd.DataFrame) -> pd.DataFrame:
    """The log with the version received last at the top (the one just sent)."""
    return history.sort_values(["received_at", "submission_id"], ascending=False, ignore_index=True)


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The submissions log in words: one line per version, the current one marked."""
    return pd.DataFrame(
        {
            "Authority": history["authority_code"].map(council_name),
            "Quarter": history["period"],
            "Version": history["version"],
            "Current": history["is_current"].map({True: "✔ current", False: ""}),
            "Received at": history["received_at"].dt.strftime("%d/%m/%Y %H:%M"),
            "Sent by": history["submitted_by"],
            "What happened": history["action"],
            "Rows": history["rows"],
            # Names stored before they were made safe, or sent from the command line.
            "File": history["file_name"].map(neutralise),
            "SHA-256": history["sha256"],
        }
    )


def version_label(row) -> str:
    current = ", current" if row.is_current else ""
    return f"{row.period} version {row.version} ({council_name(row.authority_code)}{current})"


def version_choices(history: pd.DataFrame) -> dict[str, int]:
    """Label → submission id, in the log's order."""
    return {version_label(r): int(r.submission_id) for r in history.itertuples()}


def version_file_name(history: pd.DataFrame, submission_id: int) -> str:
    row = history[history["submission_id"] == submission_id].iloc[0]
    return f"return-{row['authority_code']}-{row['period']}-v{row['version']}.csv"


def log_summary(log: pd.DataFrame) -> str:
    pairs = len(log[["authority_code", "period"]].drop_duplicates())
    bodies = log["authority_code"].nunique()
    return (
        f"{_count(len(log), 'version')} of {_count(pairs, 'submission')} from "
        f"{_count(bodies, 'authority', 'authorities')}."
    )


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def authorities_in(log: pd.DataFrame) -> list[str]:
    return sorted(log["authority_code"].unique(), key=council_name)


def only_authority(log: pd.DataFrame, authority_code: str) -> pd.DataFrame:
    if authority_code == "all":
        return log
    return log[log["authority_code"] == authority_code].reset_index(drop=True)


def version_row(history: pd.DataFrame, submission_id: int) -> dict:
    return history[history["submission_id"] == submission_id].iloc[0].to_dict()


def restore_text(outcome) -> str:
    where = f"{council_name(outcome.authority_code)}, {outcome.period}"
    if outcome.action == "unchanged":
        return f"{where}: those figures are already current (version {outcome.version})."
    return f"{where}: restored as version {outcome.version} ({outcome.rows:,} rows)."
