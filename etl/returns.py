"""Read and check a quarterly progress return (``shared/spec/progress-return.md``).

``validate_return(data, file_name, strategy)`` reads the bytes of one file and
returns a ``Report`` that lists every problem as data; it stores nothing. The
file is loaded into DuckDB as text and each rule is one set-based query over
all rows, so a two-million-row back-fill is checked about as fast as DuckDB
reads it. Values that repeat (codes, periods, indicator ids, breakdowns) are
interpreted once per distinct value in Python, with the same functions the rest
of the tracker uses (``Quarter.parse``), then joined back.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date

import duckdb

from etl import contract
from etl.councils import authorities, council_name, superseded_codes
from etl.periods import Quarter
from etl.strategy import NATIONAL_CODE, StrategyFile

# Beyond this many rows with the same problem in the same column, the rest are counted.
MAX_SHOWN_PER_RULE = 100

# One template per problem; the location prefix comes from Problem.message.
MESSAGES = {
    # the file as a whole
    "not_text": 'the file is not text (save it from Excel as "CSV UTF-8")',
    "utf16": 'the file is UTF-16 ("Unicode Text"); save it from Excel as "CSV UTF-8"',
    "empty": "the file is empty: it needs a header row, then one row per value",
    "no_rows": "the file has a header row but no rows of figures below it",
    "no_values": "every value is blank, so there is nothing to load",
    "cp1252": "the file is not UTF-8, so it was read as Windows-1252 (what Excel on Windows "
    "writes); check that accented letters came through",
    # the header
    "unknown_column": '"{value}" is not a column of the return (a typo? the columns are '
    + ", ".join(contract.COLUMN_NAMES)
    + ")",
    "duplicate_column": '"{value}" is already column {extra}',
    "missing_column": "the header has no {value} column (every return needs "
    + ", ".join(contract.REQUIRED)
    + ")",
    "unnamed_column": "this column has values but no name in the header row",
    # the shape of a row
    "row_width": "the row has {value} values but the header has {extra} columns",
    "unclosed_quote": 'a quoted value starts here (") but is never closed',
    "unreadable_row": "the row cannot be read as CSV ({extra})",
    "unreadable_file": "the file cannot be read as CSV ({extra})",
    # cells
    "missing": "the cell is blank; every row with a value needs {extra}",
    "unknown_authority": '"{value}" is not a council\'s GSS code (e.g. S12000036 for City of '
    f"Edinburgh) or Scotland's {NATIONAL_CODE}",
    "not_allowed": '"{value}" is {extra}',
    "bad_period": '"{value}" is not a quarter like 2025-Q3',
    "period_not_ended": '"{value}" has not ended yet (it ends on {extra})',
    "period_before_start": '"{value}" is before the strategy starts ({extra})',
    "unknown_indicator": '"{value}" is not an indicator in commitments.yaml',
    "national_indicator": '"{value}" is a national indicator, reported only under Scotland\'s '
    f"code {NATIONAL_CODE}",
    "council_indicator": '"{value}" is reported by councils, not under Scotland\'s code '
    f"{NATIONAL_CODE}",
    "not_a_number": '"{value}" is not a number',
    "negative": '"{value}" is below zero',
    "not_a_percent": '"{value}" is over 100, and {extra} is a percent (0 to 100)',
    "percent_of_count": '"{value}" is a percent but {extra} is a count',
    "bad_sex": '"{value}" is not one of all, female, male (or blank)',
    "bad_simd": '"{value}" is not one of all, 1, 2, 3, 4, 5 (or blank)',
    "no_breakdown": '"{value}": {extra}',
    "comment_too_long": '"{value}" is {extra} characters long; a comment may have at most '
    f"{contract.MAX_COMMENT:,}",
    "duplicate": '"{value}" {extra}',
    "more": "{value} more rows with this problem (the first {extra} are listed above)",
    # warnings
    "superseded_code": '"{value}" is a superseded code; read as {extra}',
    "left_out": "{value}: {extra}",
}


@dataclass(frozen=True)
class Problem:
    """One error or warning, as data; ``message`` is what a council is told."""

    code: str
    file: str
    row: int | None = None
    column: str | None = None  # the Excel letter
    column_name: str | None = None
    value: str | None = None
    extra: str | None = None

    @property
    def message(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f"{',' if self.row is not None else ''} column {self.column}"
            if self.column_name:
                where += f" ({self.column_name})"
        detail = MESSAGES[self.code].format(
            value=_shown(self.value), extra=self.extra, letter=self.column
        )
        return f"{where}: {detail}"

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        return {**asdict(self), "message": self.message}


@dataclass(frozen=True)
class SubmissionSummary:
    """One (authority, period) pair in a file and how many rows of figures it holds."""

    authority_code: str
    period: str
    rows: int


@dataclass
class Report:
    file_name: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    submissions: list[SubmissionSummary] = field(default_factory=list)
    encoding: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {
            "file": self.file_name,
            "valid": self.valid,
            "encoding": self.encoding,
            "submissions": [asdict(s) for s in self.submissions],
            "warnings": [w.to_dict() for w in self.warnings],
            "errors": [e.to_dict() for e in self.errors],
        }


@dataclass(frozen=True)
class Submitter:
    """Who sends a file and what they may send.

    ``authorities`` None means any council (a policy officer or the command
    line); a council's data officer gets the set holding their own code.
    ``national`` says whether Scotland's national figures may be sent.
    """

    name: str
    authorities: frozenset[str] | None = None
    national: bool = True


def excel_column(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _shown(value: str | None) -> str:
    if value is None:
        return ""
    value = str(value)
    return value if len(value) <= 60 else value[:57] + "…"


# --- reading the bytes -----------------------------------------------------------------------


@dataclass
class _Text:
    utf8: bytes  # what DuckDB reads: UTF-8, no byte-order mark, no trailing newlines
    encoding: str
    separator: str = ","
    header: list[str] = field(default_factory=list)
    header_line: int = 0  # 0-based physical line of the header
    has_blank_lines: bool = False


def _decode(data: bytes, file_name: str) -> _Text | Problem:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem("utf16", file_name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    encoding = "utf-8"
    try:
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
    if not data.endswith(b"\n") or data.endswith(b"\n\n"):  # copies: only when needed
        data = data.rstrip(b"\n") + b"\n"
    if not re.search(rb"\S", data):  # (data.strip() would copy the whole file)
        return Problem("empty", file_name)
    return _Text(data, encoding)


def _find_header(text: _Text) -> None:
    first = re.search(rb"\S", text.utf8).start()  # _decode refused an all-blank file
    start = text.utf8.rfind(b"\n", 0, first) + 1
    text.header_line = text.utf8.count(b"\n", 0, start)
    decoded = text.utf8[start : text.utf8.index(b"\n", start)].decode("utf-8")
    decoded = decoded.replace("\r", " ")  # a stray CR in the header row is not a line break
    unquoted = re.sub(r'"[^"]*"', "", decoded)
    counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
    text.separator = max(counts, key=lambda sep: (counts[sep], sep == ","))
    text.header = next(csv.reader([decoded], delimiter=text.separator))
    text.has_blank_lines = start > 0 or b"\n\n" in text.utf8  # CRLF is LF by now


def _header_problems(text: _Text, file_name: str) -> tuple[list[Problem], dict[str, int]]:
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
def _csv_file(text: _Text) -> Iterator[str]:
    """DuckDB reads files: hand it one, removed afterwards."""
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="stem-return-")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(text.utf8)
        yield path
    finally:
        os.unlink(path)


def _load_raw(con: duckdb.DuckDBPyConnection, path: str, text: _Text) -> int:
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


def _record_rows(text: _Text, file_name: str) -> tuple[list[Problem], list[int]]:
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


# --- interpreting distinct values ------------------------------------------------------------


def _authority_map(values: list[str]) -> tuple[list, list, list]:
    current = {a.code for a in authorities()}
    old = superseded_codes()
    raws, codes, superseded = [], [], []
    for raw in values:
        code = raw.strip().upper()
        raws.append(raw)
        if code in current:
            codes.append(code)
            superseded.append(None)
        elif code in old:
            codes.append(old[code])
            superseded.append(code)
        else:
            codes.append(None)
            superseded.append(None)
    return raws, codes, superseded


def _period_map(values: list[str], strategy: StrategyFile, today: date):
    start = Quarter.parse(strategy.strategy.start)
    raws, periods, problems, extras = [], [], [], []
    for raw in values:
        raws.append(raw)
        try:
            quarter = Quarter.parse(raw)
        except ValueError:
            periods.append(None)
            problems.append("bad_period" if raw.strip() else "missing")
            extras.append(None)
            continue
        periods.append(str(quarter))
        if not quarter.ended_by(today):
            problems.append("period_not_ended")
            extras.append(f"{quarter.end.day} {quarter.end:%B %Y}")
        elif quarter < start:
            problems.append("period_before_start")
            extras.append(str(start))
        else:
            problems.append(None)
            extras.append(None)
    return raws, periods, problems, extras


def _choice_map(values: list[str], allowed: tuple[str, ...]) -> tuple[list, list]:
    canonical = [v.strip().lower() or "all" for v in values]
    return values, [c if c in allowed else None for c in canonical]


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, tuple[str, list]]):
    """A small lookup table from Python lists, passed as parameters (no string building)."""
    select = ", ".join(
        f"unnest(${key}::{sql_type}[]) AS {key}" for key, (sql_type, _) in columns.items()
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select}",
        {key: values for key, (_, values) in columns.items()},
    )


# --- the rules -------------------------------------------------------------------------------

_NUMBER = """
    CASE WHEN n IS NULL OR contains(n, '_') THEN NULL
         WHEN contains(n, ',') THEN
              CASE WHEN regexp_full_match(n, '\\d{1,3}(,\\d{3})+(\\.\\d+)?')
                   THEN TRY_CAST(replace(n, ',', '') AS DOUBLE) END
         ELSE TRY_CAST(n AS DOUBLE) END
"""


def _cell(positions: dict[str, int], name: str) -> str:
    return f"r.c{positions[name]}" if name in positions else "NULL::VARCHAR"


def _unnamed_problems(con, text: _Text, file_name: str) -> list[Problem]:
    problems = []
    for position, raw in enumerate(text.header):
        if raw.strip():
            continue
        has_values = con.execute(
            f"SELECT count(*) FROM raw WHERE trim(coalesce(c{position}, '')) <> ''"
        ).fetchone()[0]
        if has_values:
            letter = excel_column(position)
            problems.append(Problem("unnamed_column", file_name, text.header_line + 1, letter))
    return problems


def _interpret(con, positions: dict[str, int], strategy: StrategyFile, today: date) -> None:
    """Lookup tables for the distinct codes, periods, ids and breakdowns in the file."""

    def distinct(column: str) -> list[str]:
        cell = _cell(positions, column)
        query = f"SELECT DISTINCT coalesce({cell}, '') FROM raw r"
        return [value for (value,) in con.execute(query).fetchall()]

    raws, codes, superseded = _authority_map(distinct("authority_code"))
    problems = [None if c else ("missing" if not r.strip() else "unknown_authority")
                for r, c in zip(raws, codes, strict=True)]  # fmt: skip
    _register(con, "authority_map", {"raw": ("VARCHAR", raws), "code": ("VARCHAR", codes),
                                     "superseded": ("VARCHAR", superseded),
                                     "problem": ("VARCHAR", problems)})  # fmt: skip
    raws, periods, problems, extras = _period_map(distinct("period"), strategy, today)
    _register(con, "period_map", {"raw": ("VARCHAR", raws), "period": ("VARCHAR", periods),
                                  "problem": ("VARCHAR", problems),
                                  "extra": ("VARCHAR", extras)})  # fmt: skip
    indicators = [i for _, i in strategy.indicators]
    by_key = {i.id.lower(): i.id for i in indicators}
    raws = distinct("indicator_id")
    ids = [by_key.get(r.strip().lower()) for r in raws]
    problems = [None if i else ("missing" if not r.strip() else "unknown_indicator")
                for r, i in zip(raws, ids, strict=True)]  # fmt: skip
    _register(con, "indicator_map", {"raw": ("VARCHAR", raws), "id": ("VARCHAR", ids),
                                     "problem": ("VARCHAR", problems)})  # fmt: skip
    _register(con, "indicator_info", {
        "id": ("VARCHAR", [i.id for i in indicators]),
        "unit": ("VARCHAR", [i.unit for i in indicators]),
        "national": ("BOOLEAN", [i.reported_by == "national" for i in indicators]),
        "has_sex": ("BOOLEAN", ["sex" in i.breakdowns for i in indicators]),
        "has_simd": ("BOOLEAN", ["simd_quintile" in i.breakdowns for i in indicators]),
    })  # fmt: skip
    raws, values = _choice_map(distinct("sex"), contract.SEX_VALUES)
    _register(con, "sex_map", {"raw": ("VARCHAR", raws), "sex": ("VARCHAR", values)})
    raws, values = _choice_map(distinct("simd_quintile"), contract.SIMD_VALUES)
    _register(con, "simd_map", {"raw": ("VARCHAR", raws), "simd": ("VARCHAR", values)})


def _check_rows(con, text: _Text, positions: dict[str, int], excel_rows: list[int] | None):
    """``checked``: every row with a value, interpreted; NULL where a cell is wrong.

    A row whose value is blank is left out (and so is a blank row)."""
    if excel_rows is None:
        row_expr, join = f"r.rowid + {text.header_line + 2}", ""
    else:
        _register(con, "excel_rows", {"excel_row": ("INTEGER", excel_rows)})
        row_expr, join = "e.excel_row", "JOIN excel_rows e ON e.rowid = r.rowid"
    formula = ", ".join(f"chr({ord(c)})" for c in contract.FORMULA_STARTS)
    value = f"trim({_cell(positions, 'value')})"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        WITH parsed AS (
            SELECT r.rowid AS rid, {row_expr} AS excel_row,
                coalesce({_cell(positions, "authority_code")}, '') AS authority_raw,
                coalesce({_cell(positions, "period")}, '') AS period_raw,
                coalesce({_cell(positions, "indicator_id")}, '') AS indicator_raw,
                coalesce({_cell(positions, "sex")}, '') AS sex_raw,
                coalesce({_cell(positions, "simd_quintile")}, '') AS simd_raw,
                suffix({value}, '%') AS is_percent,
                CASE WHEN suffix({value}, '%') THEN rtrim(left({value}, length({value}) - 1))
                     ELSE {value} END AS n,
                {_cell(positions, "comment")} AS c
            FROM raw r {join}
            WHERE {value} <> ''
        ),
        numbers AS (SELECT *, {_NUMBER} AS x FROM parsed)
        SELECT p.rid, p.excel_row, a.code AS authority_code, a.superseded,
            a.problem AS authority_problem, pm.period, pm.problem AS period_problem,
            i.id AS indicator_id, i.problem AS indicator_problem, info.unit, info.national,
            info.has_sex, info.has_simd, s.sex, q.simd AS simd_quintile, p.is_percent,
            CASE WHEN isfinite(p.x) THEN p.x END AS value,
            CASE WHEN p.c IS NULL OR trim(p.c, ' ' || chr(9) || chr(10) || chr(13)) = ''
                 THEN NULL
                 WHEN p.c[1] = chr(39) AND p.c[2] IN ({formula}) THEN p.c[2:]
                 ELSE p.c END AS comment
        FROM numbers p
        LEFT JOIN authority_map a ON a.raw = p.authority_raw
        LEFT JOIN period_map pm ON pm.raw = p.period_raw
        LEFT JOIN indicator_map i ON i.raw = p.indicator_raw
        LEFT JOIN indicator_info info ON info.id = i.id
        LEFT JOIN sex_map s ON s.raw = p.sex_raw
        LEFT JOIN simd_map q ON q.raw = p.simd_raw
        """
    )


# Each rule: (code, column, condition on ``checked``, extra text). Conditions assume the
# cells they depend on are valid, so one mistake gives one message.
_RULES: list[tuple[str, str, str, str]] = [
    ("missing", "authority_code", "authority_problem = 'missing'",
     "'a GSS code such as S12000036'"),
    ("unknown_authority", "authority_code", "authority_problem = 'unknown_authority'", "NULL"),
    ("missing", "period", "period_problem = 'missing'", "'a quarter such as 2025-Q3'"),
    ("bad_period", "period", "period_problem = 'bad_period'", "NULL"),
    ("period_not_ended", "period", "period_problem = 'period_not_ended'", "period_extra"),
    ("period_before_start", "period", "period_problem = 'period_before_start'", "period_extra"),
    ("missing", "indicator_id", "indicator_problem = 'missing'", "'an indicator id'"),
    ("unknown_indicator", "indicator_id", "indicator_problem = 'unknown_indicator'", "NULL"),
    ("national_indicator", "indicator_id", f"national AND authority_code <> '{NATIONAL_CODE}'",
     "NULL"),
    ("council_indicator", "indicator_id", f"NOT national AND authority_code = '{NATIONAL_CODE}'",
     "NULL"),
    ("not_a_number", "value", "value IS NULL", "NULL"),
    ("negative", "value", "value < 0", "NULL"),
    ("not_a_percent", "value", "unit = 'percent' AND value > 100", "indicator_id"),
    ("percent_of_count", "value", "unit = 'count' AND is_percent AND value >= 0", "indicator_id"),
    ("bad_sex", "sex", "sex IS NULL", "NULL"),
    ("no_breakdown", "sex", "sex <> 'all' AND NOT has_sex",
     "'indicator ' || indicator_id || ' has no breakdown by sex (use all or leave it blank)'"),
    ("bad_simd", "simd_quintile", "simd_quintile IS NULL", "NULL"),
    ("no_breakdown", "simd_quintile", "simd_quintile <> 'all' AND NOT has_simd",
     "'indicator ' || indicator_id || ' has no breakdown by SIMD quintile (use all or leave "
     "it blank)'"),
    ("comment_too_long", "comment", f"length(comment) > {contract.MAX_COMMENT}",
     "format('{:,}', length(comment))"),
]  # fmt: skip
_KEY = "authority_code, period, indicator_id, sex, simd_quintile"
_CELLS = ("authority_code", "period", "indicator_id", "value", "sex", "simd_quintile", "comment")


def _rule_problems(con, positions: dict[str, int], file_name: str) -> list[Problem]:
    """Every broken rule, row by row (run only when ``_any_problem`` found one)."""
    cells = ", ".join(f"{_cell(positions, column)} AS {column}_cell" for column in _CELLS)
    rules = [r for r in _RULES if r[1] in positions]
    union = " UNION ALL ".join(
        f"SELECT '{code}' AS code, '{column}' AS column_name, excel_row, "
        f"{column}_cell AS value, {extra} AS extra FROM detail WHERE {condition}"
        for code, column, condition, extra in rules
    )
    # Same (indicator, breakdown) twice in one submission: name both rows.
    union += f""" UNION ALL
        SELECT 'duplicate', 'indicator_id', c.excel_row, c.indicator_id_cell,
            '(sex ' || c.sex || ', simd_quintile ' || c.simd_quintile || ') for '
            || c.authority_code || ' ' || c.period || ' is already in row ' || d.first_row
        FROM detail c JOIN (
            SELECT {_KEY}, min(excel_row) AS first_row
            FROM checked
            WHERE authority_code IS NOT NULL AND period IS NOT NULL
                AND indicator_id IS NOT NULL AND sex IS NOT NULL AND simd_quintile IS NOT NULL
            GROUP BY ALL HAVING count(*) > 1
        ) d USING ({_KEY})
        WHERE c.excel_row > d.first_row"""
    found = con.execute(
        f"""
        WITH detail AS (
            SELECT c.*, {cells}, pm.extra AS period_extra
            FROM checked c JOIN raw r ON r.rowid = c.rid
            LEFT JOIN period_map pm ON pm.raw = coalesce({_cell(positions, "period")}, '')
        )
        SELECT code, column_name, excel_row, value, extra, n, total FROM (
            SELECT *, row_number() OVER (PARTITION BY code, column_name ORDER BY excel_row) AS n,
                count(*) OVER (PARTITION BY code, column_name) AS total
            FROM ({union}))
        WHERE n <= {MAX_SHOWN_PER_RULE}
        """
    ).fetchall()
    problems = []
    for code, column, row, value, extra, n, total in found:
        letter = excel_column(positions[column])
        problems.append(Problem(code, file_name, row, letter, column, value, extra))
        if n == MAX_SHOWN_PER_RULE and total > n:
            problems.append(
                Problem("more", file_name, None, letter, column, f"{total - n:,}", str(n))
            )
    order = dict(positions)
    problems.sort(key=lambda p: (p.row is None, p.row or 0, order.get(p.column_name or "", 0)))
    return problems


def _may_send(submitter: Submitter | None, code: str) -> str | None:
    """None when the submitter may send figures for ``code``, else the reason."""
    if submitter is None:
        return None
    if code == NATIONAL_CODE:
        if submitter.national:
            return None
        return "Scotland: national figures come only from policy officers"
    if submitter.authorities is None or code in submitter.authorities:
        return None
    own = ", ".join(f"{council_name(c)} ({c})" for c in sorted(submitter.authorities))
    return f"{council_name(code)}; you may send returns only for {own or 'no council'}"


def _permission_problems(con, positions, file_name, submitter, codes) -> list[Problem]:
    refused = {code: reason for code in codes if (reason := _may_send(submitter, code))}
    if not refused:
        return []
    found = con.execute(
        f"SELECT c.authority_code, min(c.excel_row), "
        f"arg_min({_cell(positions, 'authority_code')}, c.excel_row) "
        "FROM checked c JOIN raw r ON r.rowid = c.rid "
        "WHERE list_contains($codes, c.authority_code) GROUP BY ALL ORDER BY 2",
        {"codes": sorted(refused)},
    ).fetchall()
    letter = excel_column(positions["authority_code"])
    return [
        Problem("not_allowed", file_name, row, letter, "authority_code", raw, refused[code])
        for code, row, raw in found
    ]


def _superseded_warnings(con, positions, file_name: str) -> list[Problem]:
    letter = excel_column(positions["authority_code"])
    return [
        Problem("superseded_code", file_name, row, letter, "authority_code", old,
                f"{new} ({council_name(new)})")
        for old, new, row in con.execute(
            "SELECT superseded, authority_code, min(excel_row) FROM checked "
            "WHERE superseded IS NOT NULL GROUP BY ALL ORDER BY 3"
        ).fetchall()
    ]  # fmt: skip


def _summary(con, positions: dict[str, int], file_name: str, strategy: StrategyFile):
    """One pass over ``checked``: each (authority, period) with its rows, whether any rule
    is broken or any key is there twice, and a warning for indicators left out.

    Duplicates without a DISTINCT: within one (authority, period, indicator) each of the
    18 (sex, quintile) pairs sets one bit, so rows outnumber the bits set only when a
    pair is repeated."""
    broken = " OR ".join(f"({condition})" for _, column, condition, _ in _RULES
                         if column in positions)  # fmt: skip
    sexes = ", ".join(f"'{s}'" for s in contract.SEX_VALUES)
    quintiles = ", ".join(f"'{q}'" for q in contract.SIMD_VALUES)
    bit = (
        f"1::BIGINT << ((array_position([{sexes}], sex) - 1) * {len(contract.SIMD_VALUES)}"
        f" + array_position([{quintiles}], simd_quintile) - 1)"
    )
    found = con.execute(
        f"""
        WITH per_indicator AS (
            SELECT authority_code, period, indicator_id, count(*) AS rows,
                count(*) FILTER (WHERE {broken}) AS broken,
                count(*) FILTER (WHERE sex IS NOT NULL AND simd_quintile IS NOT NULL) AS keyed,
                coalesce(bit_count(bit_or(CASE WHEN sex IS NOT NULL
                    AND simd_quintile IS NOT NULL THEN {bit} END)), 0) AS keys
            FROM checked GROUP BY ALL
        )
        SELECT authority_code, period, sum(rows)::BIGINT, sum(broken)::BIGINT,
            bool_or(indicator_id IS NOT NULL AND keyed > keys),
            list(indicator_id) FILTER (WHERE indicator_id IS NOT NULL)
        FROM per_indicator GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    indicators = [i for _, i in strategy.indicators]
    expected = {
        national: [i.id for i in indicators if (i.reported_by == "national") == national]
        for national in (False, True)
    }
    any_problem = False
    summaries, warnings = [], []
    for code, period, rows, bad, repeated, present in found:
        any_problem |= bool(bad) or bool(repeated)
        if code is None or period is None:
            continue
        summaries.append(SubmissionSummary(code, period, rows))
        held = set(present or ())
        missing = [i for i in expected[code == NATIONAL_CODE] if i not in held]
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if
                                               len(missing) > 10 else "")  # fmt: skip
            noun = "indicator" if len(missing) == 1 else "indicators"
            extra = f"{len(missing)} {noun} left out ({shown})"
            warnings.append(Problem("left_out", file_name, value=f"{code} {period}", extra=extra))
    return any_problem, summaries, warnings


def check_return(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    strategy: StrategyFile,
    *,
    today: date,
    submitter: Submitter | None = None,
    source_path: str | None = None,
) -> Report:
    """Check one file on ``con``; when valid, leave its rows in the temp table ``checked``
    (authority_code, period, indicator_id, sex, simd_quintile, value, comment, excel_row).

    The ingest runs this on the database's own connection so that the checked
    rows go straight into ``figures`` without another copy. ``source_path`` may
    name a file holding exactly ``data``, which DuckDB then reads in place.
    """
    report = Report(file_name)
    text = _decode(data, file_name)
    if isinstance(text, Problem):
        report.errors.append(text)
        return report
    report.encoding = text.encoding
    if text.encoding != "utf-8":
        report.warnings.append(Problem("cp1252", file_name))
    _find_header(text)
    problems, positions = _header_problems(text, file_name)
    if problems:  # the most fundamental problem: nothing below makes sense without columns
        report.errors = problems
        return report
    try:
        if source_path and text.utf8 is data:
            rejects = _load_raw(con, source_path, text)
        else:
            with _csv_file(text) as path:
                rejects = _load_raw(con, path, text)
    except duckdb.Error as error:  # a file DuckDB's reader cannot follow at all
        problems, _ = _record_rows(text, file_name)
        reason = str(error).splitlines()[0].removeprefix("Invalid Input Error: ")
        report.errors = problems or [Problem("unreadable_file", file_name, extra=reason)]
        return report
    excel_rows = None
    if rejects or text.has_blank_lines:
        problems, excel_rows = _record_rows(text, file_name)
        raw_count = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        if not problems and len(excel_rows) != raw_count:
            problems = _duckdb_rejects(con, text, file_name)
        if problems:
            report.errors = problems
            return report
    problems = _unnamed_problems(con, text, file_name)
    if problems:
        report.errors = problems
        return report
    _interpret(con, positions, strategy, today)
    _check_rows(con, text, positions, excel_rows)
    if con.execute("SELECT count(*) FROM checked").fetchone()[0] == 0:
        width = len(text.header)
        not_blank = " OR ".join(f"trim(coalesce(c{i}, '')) <> ''" for i in range(width))
        has_rows = con.execute(f"SELECT count(*) FROM raw WHERE {not_blank}").fetchone()[0]
        report.errors.append(Problem("no_values" if has_rows else "no_rows", file_name))
        return report
    any_problem, report.submissions, left_out = _summary(con, positions, file_name, strategy)
    if any_problem:
        report.errors = _rule_problems(con, positions, file_name)
    codes = {s.authority_code for s in report.submissions}
    report.errors += _permission_problems(con, positions, file_name, submitter, codes)
    report.warnings += _superseded_warnings(con, positions, file_name) + left_out
    return report


def _duckdb_rejects(con, text: _Text, file_name: str) -> list[Problem]:
    """Rows DuckDB could not read that Python's reader accepted: say so, by line."""
    found = con.execute(
        "SELECT DISTINCT line_byte_position, error_type FROM return_rejects ORDER BY 1"
    ).fetchall()
    problems = []
    for position, error_type in found:
        line = text.utf8[: position + 1].count(b"\n") + 1
        problems.append(Problem("unreadable_row", file_name, line, extra=str(error_type).lower()))
    return problems or [Problem("unreadable_row", file_name, extra="unknown")]


def validate_return(
    data: bytes,
    file_name: str,
    strategy: StrategyFile,
    *,
    today: date | None = None,
    submitter: Submitter | None = None,
) -> Report:
    """Check the bytes of one return; store nothing. ``file_name`` is used in messages only."""
    with duckdb.connect() as con:
        return check_return(
            con, data, file_name, strategy, today=today or date.today(), submitter=submitter
        )
