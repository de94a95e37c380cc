"""Reading the bytes of a return: encoding, line endings, separator, header and row shape.

The file reaches DuckDB as text columns ``c0``, ``c1``, … in the temp table
``raw``; rows DuckDB cannot read, blank lines and quoted line breaks are walked
in Python only when the file has them, so that every row keeps the number Excel
gives it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import duckdb

from etl.returns import contract
from etl.returns.ceiling import keep_to_time
from etl.returns.report import Problem, excel_column


@dataclass(frozen=True)
class Text:
    """A return as DuckDB reads it, with its header row found (``decode`` makes it)."""

    utf8: bytes  # UTF-8, no byte-order mark, no trailing newlines
    encoding: str
    separator: str
    header: tuple[str, ...]
    header_line: int  # 0-based physical line of the header

    @cached_property
    def has_blank_lines(self) -> bool:
        """Whether any line is blank (DuckDB skips them, so its row numbers are not Excel's).

        Looked for only when asked: a file that is valid on the fast path never needs row
        numbers. (CRLF is LF by now; a regular expression finds the pair twice as fast as
        ``in`` does in a file with a line break every forty bytes.)"""
        return self.header_line > 0 or re.search(b"\n\n", self.utf8) is not None


def decode(data: bytes, file_name: str) -> Text | Problem:
    """The file as text with its header found, or the one problem that stops it being read."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's
        return Problem("utf32", file_name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem("utf16", file_name)
    # One, or two from a tool that added its own: measured, then cut once (cutting three bytes
    # at a time copied the rest of the file for each, quadratic in a file of marks).
    data = data[re.match(rb"(?:\xef\xbb\xbf)*+", data).end() :]
    encoding = "utf-8"
    try:
        if not data.isascii():  # ASCII is UTF-8: a quick scan, no decoded copy of the file
            data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data = data.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            return Problem("not_text", file_name)
        encoding = "windows-1252"
    if b"\x00" in data:
        return Problem("not_text", file_name)
    if b"\r" in data:  # CRLF, or a mix of CRLF and LF (DuckDB wants one kind)
        data = data.replace(b"\r\n", b"\n")
        if b"\n" not in data:  # classic Mac OS line endings: CR alone
            data = data.replace(b"\r", b"\n")
        elif (line := lone_cr_line(data)) is not None:
            return Problem("lone_cr", file_name, line)
    if not data.endswith(b"\n") or data.endswith(b"\n\n"):  # copies: only when needed
        data = data.rstrip(b"\n") + b"\n"
    if not re.search(rb"\S", data):  # (data.strip() would copy the whole file)
        return Problem("empty", file_name)
    return _with_header(data, encoding)


def lone_cr_line(data: bytes) -> int | None:
    """The line of the first carriage return that ends nothing: CR alone in a file of LF
    line breaks, outside quotes (within a quoted value it is text). Walked only when the
    file has one, counting the quotes before each (an even count is outside quotes)."""
    quotes, done = 0, 0
    for match in re.finditer(b"\r", data):
        quotes += data.count(b'"', done, match.start())
        done = match.start()
        if quotes % 2 == 0:
            return data.count(b"\n", 0, match.start()) + 1
    return None


def _with_header(utf8: bytes, encoding: str) -> Text:
    """The text with its header: the first line that is not blank, split at the separator
    it holds most of (a comma when none is more common)."""
    first = re.search(rb"\S", utf8).start()  # decode refused an all-blank file
    start = utf8.rfind(b"\n", 0, first) + 1
    decoded = utf8[start : utf8.index(b"\n", start)].decode("utf-8")
    decoded = decoded.replace("\r", " ")  # a stray CR in the header row is not a line break
    unquoted = re.sub(r'"[^"]*"', "", decoded)
    counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
    separator = max(counts, key=lambda sep: (counts[sep], sep == ","))
    header = tuple(next(csv.reader([decoded], delimiter=separator)))
    return Text(utf8, encoding, separator, header, utf8.count(b"\n", 0, start))


def too_wide(text: Text, file_name: str) -> list[Problem]:
    """A header wider than any return: refused before DuckDB reads a row of it."""
    if len(text.header) <= contract.MAX_COLUMNS:
        return []
    count, most = f"{len(text.header):,}", str(contract.MAX_COLUMNS)
    return [Problem("too_wide", file_name, text.header_line + 1, value=count, extra=most)]


def header_problems(text: Text, file_name: str) -> tuple[list[Problem], dict[str, int]]:
    row = text.header_line + 1
    positions: dict[str, int] = {}
    problems = []
    for position, raw in enumerate(text.header):
        name = raw.strip().lower()
        if not name:
            continue
        if name not in contract.COLUMN_NAMES:
            problems.append(
                Problem("unknown_column", file_name, row, excel_column(position), raw, raw)
            )
        elif name in positions:
            first = excel_column(positions[name])
            problems.append(
                Problem("duplicate_column", file_name, row, excel_column(position), raw, raw, first)
            )
        else:
            positions[name] = position
    for name in contract.REQUIRED:
        if name not in positions:
            problems.append(Problem("missing_column", file_name, row, value=name))
    return problems, positions


@contextmanager
def csv_file(text: Text) -> Iterator[str]:
    """DuckDB reads files: hand it one, removed afterwards."""
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="stem-return-")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(text.utf8)
        yield path
    finally:
        os.unlink(path)


def load_raw(con: duckdb.DuckDBPyConnection, path: str, text: Text) -> int:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(text.header)))
    con.execute("DROP TABLE IF EXISTS return_rejects")
    con.execute("DROP TABLE IF EXISTS return_reject_scans")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE raw AS
        SELECT * FROM read_csv($path, auto_detect = false, header = false, skip = $skip,
            delim = $sep, quote = '"', escape = '"', columns = {{{columns}}},
            ignore_errors = true, store_rejects = true,
            rejects_table = 'return_rejects', rejects_scan = 'return_reject_scans')
        """,
        {"path": path, "skip": text.header_line + 1, "sep": text.separator},
    )
    return con.execute("SELECT count(*) FROM return_rejects").fetchone()[0]


def record_rows(text: Text, file_name: str) -> tuple[list[Problem], list[int]]:
    """Walk the records in Python (only for files with blank lines or malformed rows):
    the Excel row of every record DuckDB kept, and every row of the wrong shape.

    Excel numbers a blank line as a row and a quoted value over several lines as one.
    """
    width = len(text.header)
    problems: list[Problem] = []
    rows: list[int] = []
    stream = io.StringIO(text.utf8.decode("utf-8"), newline="")
    reader = csv.reader(stream, delimiter=text.separator, quotechar='"', strict=True)
    excel_row = 0
    while True:
        excel_row += 1
        if excel_row % 10_000 == 0:
            keep_to_time()
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            if "end of data" in str(error) or "EOF" in str(error):
                problems.append(Problem("unclosed_quote", file_name, excel_row))
            else:
                problems.append(Problem("unreadable_row", file_name, excel_row, extra=str(error)))
            break
        if excel_row <= text.header_line + 1:
            continue
        if len(record) == width:
            rows.append(excel_row)
        elif any(cell.strip() for cell in record):
            problems.append(Problem("row_width", file_name, excel_row, value=str(len(record)),
                                    extra=str(width)))  # fmt: skip
    return problems, rows


def unnamed_problems(con, text: Text, file_name: str) -> list[Problem]:
    """A column with values but no name. All blank-headed columns are read together, a
    few hundred per pass, so that the cost grows with the file's cells, not their square."""
    blank = [position for position, raw in enumerate(text.header) if not raw.strip()]
    return [
        Problem("unnamed_column", file_name, text.header_line + 1, excel_column(position))
        for position in columns_with_values(con, blank)
    ]


# DuckDB binds one query's expressions in more than linear time: read this many per pass.
_COLUMNS_PER_PASS = 200


def columns_with_values(con, positions: list[int]) -> list[int]:
    """Which of these ``raw`` columns hold any cell that is not blank."""
    found = []
    for start in range(0, len(positions), _COLUMNS_PER_PASS):
        chunk = positions[start : start + _COLUMNS_PER_PASS]
        tests = ", ".join(f"bool_or(trim(c{position}) <> '')" for position in chunk)
        flags = con.execute(f"SELECT {tests} FROM raw").fetchone()
        found += [position for position, flag in zip(chunk, flags, strict=True) if flag]
    return found


def duckdb_rejects(con, text: Text, file_name: str) -> list[Problem]:
    """Rows DuckDB could not read that Python's reader accepted: say so, by line."""
    found = con.execute(
        "SELECT DISTINCT line_byte_position, error_type FROM return_rejects ORDER BY 1"
    ).fetchall()
    problems = []
    for position, error_type in found:
        line = text.utf8[: position + 1].count(b"\n") + 1
        problems.append(Problem("unreadable_row", file_name, line, extra=str(error_type).lower()))
    return problems or [Problem("unreadable_row", file_name, extra="unknown")]
