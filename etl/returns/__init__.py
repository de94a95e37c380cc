"""Read and check a quarterly progress return (``shared/spec/progress-return.md``).

``validate_return(data, file_name, strategy)`` reads the bytes of one file and
returns a ``Report`` that lists every problem as data; it stores nothing. The
file is loaded into DuckDB as text and each rule is one set-based query over
all rows, so a two-million-row back-fill is checked about as fast as DuckDB
reads it. Values that repeat (codes, periods, indicator ids, breakdowns) are
interpreted once per distinct value in Python, with the same functions the rest
of the tracker uses (``Quarter.parse``), then joined back. A file already in
canonical form (a back-fill, our own export) is first tried on a strict fast
path that reads it with DuckDB's own types; the same rules then run on it.

``check_return(con, ...)`` checks on a connection the caller holds and hands back, with
the report, the rows it read (``CheckedRows``): a load stores a valid file's rows from
there, set-based, without another copy.

The parts: ``report`` (problems and reports as data), ``file`` (bytes to the
``raw`` table), ``values`` (lookups for repeated values), ``checked`` (the rows a check
hands on, and what they hold), ``fast`` (the typed read of a canonical file), ``rules``
(the rules over the checked rows),
``permissions`` (who may send what), ``ceiling`` (the check's memory and time),
``workbook`` (an Excel workbook's sheet ``Return`` as the rows a CSV would hold);
this module puts them in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

import duckdb

from etl.returns import checked, workbook
from etl.returns import fast as return_fast
from etl.returns.ceiling import Ceiling, OutOfTime, bounded
from etl.returns.checked import CheckedRows
from etl.returns.file import (
    Text,
    columns_with_values,
    csv_file,
    decode,
    duckdb_rejects,
    header_problems,
    load_raw,
    record_rows,
    too_wide,
    unnamed_problems,
)
from etl.returns.permissions import may_send, permission_problems
from etl.returns.report import MESSAGES, Problem, Report, SubmissionSummary, Submitter, excel_column
from etl.returns.rules import (
    MAX_SHOWN_PER_RULE,
    check_rows,
    rule_problems,
    summary,
    superseded_warnings,
)
from etl.returns.spec import ReturnSpec
from etl.returns.suggest import with_suggestions
from etl.returns.values import interpret

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile

__all__ = [
    "Ceiling",
    "CheckedRows",
    "MAX_SHOWN_PER_RULE",
    "MESSAGES",
    "Problem",
    "Report",
    "SubmissionSummary",
    "Submitter",
    "check_return",
    "excel_column",
    "validate_return",
]


def check_return(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec,
    *,
    today: date,
    submitter: Submitter | None = None,
    source_path: str | None = None,
    ceiling: Ceiling = Ceiling(),
    fast: bool = True,
) -> tuple[Report, CheckedRows | None]:
    """Check one file, a CSV or an Excel workbook, on ``con`` (``_check_csv`` says how):
    its report and the rows it read, interpreted (None when the check stopped before
    reading them). Only a valid report's rows are figures to store.

    A workbook's sheet ``Return`` is checked as the CSV holding the same rows would be, and
    its problems are told by sheet and cell (``etl.returns.workbook``)."""
    sheet = workbook.read(data, file_name) if workbook.is_workbook(data, file_name) else None
    if isinstance(sheet, Problem):
        return Report(file_name, errors=[sheet]), None
    if sheet is not None:  # its rows as CSV text: no file holds them
        data, source_path = sheet.csv, None
    report, rows = _check_csv(con, data, file_name, strategy, today=today, submitter=submitter,
                              source_path=source_path, ceiling=ceiling, fast=fast)  # fmt: skip
    return (report if sheet is None else workbook.located(report, sheet, submitter)), rows


def _check_csv(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec,
    *,
    today: date,
    submitter: Submitter | None = None,
    source_path: str | None = None,
    ceiling: Ceiling = Ceiling(),
    fast: bool = True,
) -> tuple[Report, CheckedRows | None]:
    """Check one file on ``con``: its report and the rows it read (``etl.returns.checked``).

    The ingest runs this on the database's own connection so that the checked
    rows go straight into ``figures`` without another copy. ``source_path`` may
    name a file holding exactly ``data``, which DuckDB then reads in place.
    ``ceiling`` bounds the memory and time the check may take. ``fast`` False checks a
    canonical file on the general path too (the tests compare the two).
    """
    spec = ReturnSpec.of(strategy)
    report, text, positions = _first_look(data, file_name)
    if report.errors:
        return report, None
    try:
        with bounded(con, ceiling, len(data)) as expired:
            report, rows = _check(
                con, report, data, text, positions, spec, today, submitter, source_path, fast
            )
    except duckdb.OutOfMemoryException:
        return Report(file_name, errors=[Problem("check_memory", file_name)]), None
    except duckdb.InterruptException:
        if not expired.is_set():  # not the ceiling's (Ctrl+C at the command line)
            raise
    except OutOfTime:  # the Python part's own stop: the same time, the same words
        expired.set()
    if expired.is_set():
        seconds = f"{ceiling.seconds_for(len(data)):.0f}"
        return Report(file_name, errors=[Problem("check_time", file_name, extra=seconds)]), None
    report.errors = with_suggestions(report.errors, [i.id for i in spec.indicators])
    return report, rows


def _first_look(data: bytes, file_name: str) -> tuple[Report, Text | None, dict[str, int]]:
    """The file's encoding, width and header, each refused before DuckDB reads a row."""
    report, positions = Report(file_name), {}
    text = decode(data, file_name)
    if isinstance(text, Problem):
        report.errors.append(text)
        return report, None, positions
    report.encoding = text.encoding
    if text.encoding != "utf-8":
        report.warnings.append(Problem("cp1252", file_name))
    report.errors = too_wide(text, file_name)
    if not report.errors:  # the most fundamental problem: nothing below makes sense without columns
        report.errors, positions = header_problems(text, file_name)
    return report, text, positions


def _check(con, report, data, text, positions, spec, today, submitter, source_path, fast):
    with _readable(text, data, source_path) as path:
        if fast and return_fast.is_canonical(text):
            rows = _check_fast(con, report, path, text, positions, spec, today, submitter)
            report.fast_path = rows is not None
            if report.fast_path:
                return report, rows
        checked.drop(con)
        return _check_text(con, report, path, text, positions, spec, today, submitter)


def _check_fast(con, report, path, text, positions, spec, today, submitter) -> CheckedRows | None:
    """The fast path; None, with ``report`` as it was, when the general path must check."""
    rows = return_fast.read_checked(con, path, text, spec, today)
    if rows is None:
        return None
    any_problem, submissions, left_out = summary(rows, positions, report.file_name, spec)
    codes = {s.authority_code for s in submissions}
    if any_problem or not all(may_send(submitter, code) for code in codes):
        if text.has_blank_lines:  # DuckDB skipped them: only the general path has row numbers
            return None
        # The messages quote each cell as written: read the rows as text too. (The rows'
        # places stay the fast path's: interpret leaves registering them to its caller.)
        load_raw(con, path, text)
        interpret(con, positions, spec, today)
    report.submissions = submissions
    _add_problems(rows, report, positions, submitter, any_problem, left_out)
    return rows


@contextmanager
def _readable(text: Text, data: bytes, source_path: str | None) -> Iterator[str]:
    """A path DuckDB can read ``text`` from: the source file itself when it holds it."""
    if source_path and text.utf8 is data:
        yield source_path
    else:
        with csv_file(text) as path:
            yield path


def _check_text(con, report, path, text, positions, spec, today, submitter):
    """The general path: every cell read as text and interpreted once per distinct value."""
    file_name = report.file_name
    try:
        rejects = load_raw(con, path, text)
    except (duckdb.OutOfMemoryException, duckdb.InterruptException):
        raise  # the check's ceiling, not the file's shape (check_return says so)
    except duckdb.Error as error:  # a file DuckDB's reader cannot follow at all
        problems, _ = record_rows(text, file_name)
        reason = str(error).splitlines()[0].removeprefix("Invalid Input Error: ")
        report.errors = problems or [Problem("unreadable_file", file_name, extra=reason)]
        return report, None
    excel_rows = None
    if rejects or text.has_blank_lines:
        problems, excel_rows = record_rows(text, file_name)
        raw_count = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        if not problems and len(excel_rows) != raw_count:
            problems = duckdb_rejects(con, text, file_name)
        report.errors = problems
    report.errors = report.errors or unnamed_problems(con, text, file_name)
    if report.errors:
        return report, None
    places = interpret(con, positions, spec, today)
    rows = check_rows(con, text, positions, excel_rows, places)
    if rows.count() == 0:
        has_rows = columns_with_values(con, list(range(len(text.header))))
        report.errors.append(Problem("no_values" if has_rows else "no_rows", file_name))
        return report, rows
    any_problem, report.submissions, left_out = summary(rows, positions, file_name, spec)
    _add_problems(rows, report, positions, submitter, any_problem, left_out)
    return report, rows


def _add_problems(rows, report: Report, positions, submitter, any_problem, left_out) -> None:
    """Every broken rule row by row (the ``raw`` text table is needed only then)."""
    file_name = report.file_name
    if any_problem:
        report.errors = rule_problems(rows, positions, file_name)
    codes = {s.authority_code for s in report.submissions}
    report.errors += permission_problems(rows, positions, file_name, submitter, codes)
    report.warnings += superseded_warnings(rows, positions, file_name) + left_out


def validate_return(
    data: bytes,
    file_name: str,
    strategy: StrategyFile | ReturnSpec,
    *,
    today: date | None = None,
    submitter: Submitter | None = None,
    fast: bool = True,
) -> Report:
    """Check the bytes of one return; store nothing. ``file_name`` is used in messages only."""
    with duckdb.connect() as con:
        report, _ = check_return(
            con,
            data,
            file_name,
            strategy,
            today=today or date.today(),
            submitter=submitter,
            fast=fast,
        )
    return report
