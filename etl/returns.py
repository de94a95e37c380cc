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
    data = data.rstrip(b"\n")
    if not data.strip():
        return Problem("empty", file_name)
    return _Text(data + b"\n", encoding)


def _find_header(text: _Text) -> None:
    first = re.search(rb"\S", text.utf8).start()  # _decode refused an all-blank file
    start = text.utf8.rfind(b"\n", 0, first) + 1
    text.header_line = text.utf8.count(b"\n", 0, start)
    decoded = text.utf8[start : text.utf8.index(b"\n", start)].decode("utf-8").rstrip("\r")
    unquoted = re.sub(r'"[^"]*"', "", decoded)
    counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
    text.separator = max(counts, key=lambda sep: (counts[sep], sep == ","))
    text.header = next(csv.reader([decoded], delimiter=text.separator))
    text.has_blank_lines = start > 0 or b"\n\n" in text.utf8 or b"\n\r\n" in text.utf8


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
        except csv.Error:
            problems.append(Problem("unclosed_quote", file_name, excel_row))
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
    return f"c{positions[name]}" if name in positions else "NULL::VARCHAR"


def _build_rows(con, text: _Text, positions: dict[str, int], excel_rows: list[int] | None):
    width = len(text.header)
    not_blank = " OR ".join(f"trim(coalesce(c{i}, '')) <> ''" for i in range(width))
    if excel_rows is None:
        row_expr = f"rowid + {text.header_line + 2}"
        source = "raw"
    else:
        _register(con, "excel_rows", {"excel_row": ("INTEGER", excel_rows)})
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw_numbered AS "
            "SELECT * FROM excel_rows POSITIONAL JOIN raw"
        )
        row_expr, source = "excel_row", "raw_numbered"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rows AS
        SELECT {row_expr} AS excel_row,
            coalesce({_cell(positions, "authority_code")}, '') AS authority_raw,
            coalesce({_cell(positions, "period")}, '') AS period_raw,
            coalesce({_cell(positions, "indicator_id")}, '') AS indicator_raw,
            trim({_cell(positions, "value")}) AS value_raw,
            coalesce({_cell(positions, "sex")}, '') AS sex_raw,
            coalesce({_cell(positions, "simd_quintile")}, '') AS simd_raw,
            {_cell(positions, "comment")} AS comment_raw
        FROM {source}
        WHERE {not_blank}
        """
    )


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


def _interpret(con, strategy: StrategyFile, today: date) -> None:
    """Lookup tables for the distinct codes, periods, ids and breakdowns in the file."""

    def distinct(column: str) -> list[str]:
        return [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM rows").fetchall()]

    raws, codes, superseded = _authority_map(distinct("authority_raw"))
    _register(con, "authority_map", {"raw": ("VARCHAR", raws), "code": ("VARCHAR", codes),
                                     "superseded": ("VARCHAR", superseded)})  # fmt: skip
    raws, periods, problems, extras = _period_map(distinct("period_raw"), strategy, today)
    _register(con, "period_map", {"raw": ("VARCHAR", raws), "period": ("VARCHAR", periods),
                                  "problem": ("VARCHAR", problems),
                                  "extra": ("VARCHAR", extras)})  # fmt: skip
    indicators = [i for _, i in strategy.indicators]
    by_key = {i.id.lower(): i for i in indicators}
    raws = distinct("indicator_raw")
    _register(con, "indicator_map", {
        "raw": ("VARCHAR", raws),
        "id": ("VARCHAR", [by_key[r.strip().lower()].id if r.strip().lower() in by_key else None
                           for r in raws]),
    })  # fmt: skip
    _register(con, "indicator_info", {
        "id": ("VARCHAR", [i.id for i in indicators]),
        "unit": ("VARCHAR", [i.unit for i in indicators]),
        "national": ("BOOLEAN", [i.reported_by == "national" for i in indicators]),
        "has_sex": ("BOOLEAN", ["sex" in i.breakdowns for i in indicators]),
        "has_simd": ("BOOLEAN", ["simd_quintile" in i.breakdowns for i in indicators]),
        "position": ("INTEGER", list(range(len(indicators)))),
    })  # fmt: skip
    raws, values = _choice_map(distinct("sex_raw"), contract.SEX_VALUES)
    _register(con, "sex_map", {"raw": ("VARCHAR", raws), "sex": ("VARCHAR", values)})
    raws, values = _choice_map(distinct("simd_raw"), contract.SIMD_VALUES)
    _register(con, "simd_map", {"raw": ("VARCHAR", raws), "simd": ("VARCHAR", values)})


def _check_rows(con) -> None:
    """``checked``: every row with a value, interpreted; NULL where a cell is wrong."""
    formula = ", ".join(f"chr({ord(c)})" for c in contract.FORMULA_STARTS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        WITH parsed AS (
            SELECT r.*, suffix(r.value_raw, '%') AS is_percent,
                CASE WHEN suffix(r.value_raw, '%')
                     THEN rtrim(left(r.value_raw, length(r.value_raw) - 1))
                     ELSE r.value_raw END AS n,
                r.comment_raw AS c
            FROM rows r WHERE r.value_raw <> ''
        )
        SELECT p.excel_row, p.authority_raw, p.period_raw, p.indicator_raw, p.value_raw,
            p.sex_raw, p.simd_raw, p.comment_raw,
            a.code AS authority_code, a.superseded,
            pm.period, pm.problem AS period_problem,
            pm.extra AS period_extra,
            i.id AS indicator_id, info.unit, info.national, info.has_sex, info.has_simd,
            s.sex, q.simd AS simd_quintile, p.is_percent,
            CASE WHEN isfinite(v.x) THEN v.x END AS value,
            CASE WHEN p.c IS NULL OR trim(p.c, ' ' || chr(9) || chr(10) || chr(13)) = ''
                 THEN NULL
                 WHEN p.c[1] = '''' AND p.c[2] IN ({formula}) THEN p.c[2:]
                 ELSE p.c END AS comment
        FROM parsed p
        CROSS JOIN LATERAL (SELECT {_NUMBER} AS x) v
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
    ("missing", "authority_code", "trim(authority_raw) = ''", "'a GSS code such as S12000036'"),
    ("unknown_authority", "authority_code", "trim(authority_raw) <> '' AND authority_code IS NULL",
     "NULL"),
    ("missing", "period", "period_problem = 'missing'", "'a quarter such as 2025-Q3'"),
    ("bad_period", "period", "period_problem = 'bad_period'", "NULL"),
    ("period_not_ended", "period", "period_problem = 'period_not_ended'", "period_extra"),
    ("period_before_start", "period", "period_problem = 'period_before_start'", "period_extra"),
    ("missing", "indicator_id", "trim(indicator_raw) = ''", "'an indicator id'"),
    ("unknown_indicator", "indicator_id", "trim(indicator_raw) <> '' AND indicator_id IS NULL",
     "NULL"),
    ("national_indicator", "indicator_id",
     f"national AND authority_code IS NOT NULL AND authority_code <> '{NATIONAL_CODE}'", "NULL"),
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

_RAW_OF = {
    "authority_code": "authority_raw",
    "period": "period_raw",
    "indicator_id": "indicator_raw",
    "value": "value_raw",
    "sex": "sex_raw",
    "simd_quintile": "simd_raw",
    "comment": "comment_raw",
}


def _rule_problems(con, positions: dict[str, int], file_name: str) -> list[Problem]:
    rules = [r for r in _RULES if r[1] in positions]
    union = " UNION ALL ".join(
        f"SELECT '{code}' AS code, '{column}' AS column_name, excel_row, "
        f"{_RAW_OF[column]} AS value, {extra} AS extra FROM checked WHERE {condition}"
        for code, column, condition, extra in rules
    )
    # Same (indicator, breakdown) twice in one submission: name both rows.
    union += """ UNION ALL
        SELECT 'duplicate', 'indicator_id', c.excel_row, c.indicator_raw,
            '(sex ' || c.sex || ', simd_quintile ' || c.simd_quintile || ') for '
            || c.authority_code || ' ' || c.period || ' is already in row ' || d.first_row
        FROM checked c JOIN (
            SELECT authority_code, period, indicator_id, sex, simd_quintile,
                min(excel_row) AS first_row
            FROM checked
            WHERE authority_code IS NOT NULL AND period IS NOT NULL
                AND indicator_id IS NOT NULL AND sex IS NOT NULL AND simd_quintile IS NOT NULL
            GROUP BY ALL HAVING count(*) > 1
        ) d USING (authority_code, period, indicator_id, sex, simd_quintile)
        WHERE c.excel_row > d.first_row"""
    found = con.execute(
        f"""
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
    order = {name: position for name, position in positions.items()}
    problems.sort(key=lambda p: (p.row is None, p.row or 0, order.get(p.column_name or "", 0)))
    return problems


def _permission_problems(con, positions, file_name, submitter: Submitter | None) -> list[Problem]:
    if submitter is None:
        return []
    found = con.execute(
        "SELECT authority_code, min(excel_row), arg_min(authority_raw, excel_row) FROM checked "
        "WHERE authority_code IS NOT NULL GROUP BY ALL ORDER BY 2"
    ).fetchall()
    letter = excel_column(positions["authority_code"])
    problems = []
    for code, row, raw in found:
        if code == NATIONAL_CODE:
            if submitter.national:
                continue
            reason = "Scotland: national figures come only from policy officers"
        else:
            if submitter.authorities is None or code in submitter.authorities:
                continue
            own = ", ".join(f"{council_name(c)} ({c})" for c in sorted(submitter.authorities))
            reason = f"{council_name(code)}; you may send returns only for {own or 'no council'}"
        problems.append(
            Problem("not_allowed", file_name, row, letter, "authority_code", raw, reason)
        )
    return problems


def _warnings(con, positions, file_name: str, strategy: StrategyFile) -> list[Problem]:
    warnings = []
    letter = excel_column(positions["authority_code"])
    for old, new, row in con.execute(
        "SELECT superseded, authority_code, min(excel_row) FROM checked "
        "WHERE superseded IS NOT NULL GROUP BY ALL ORDER BY 3"
    ).fetchall():
        extra = f"{new} ({council_name(new)})"
        warnings.append(
            Problem("superseded_code", file_name, row, letter, "authority_code", old, extra)
        )
    present = con.execute(
        "SELECT authority_code, period, list(DISTINCT indicator_id) FROM checked "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    for code, period, ids in present:
        expected = [i.id for _, i in strategy.indicators if contract.reports(i, code)]
        missing = [i for i in expected if i not in set(ids)]
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if
                                               len(missing) > 10 else "")  # fmt: skip
            noun = "indicator" if len(missing) == 1 else "indicators"
            extra = f"{len(missing)} {noun} left out ({shown})"
            warnings.append(Problem("left_out", file_name, value=f"{code} {period}", extra=extra))
    return warnings


def check_return(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    strategy: StrategyFile,
    *,
    today: date,
    submitter: Submitter | None = None,
) -> Report:
    """Check one file on ``con``; when valid, leave the rows in the temp table ``checked``.

    The ingest runs this on the database's own connection so that the checked
    rows go straight into ``figures`` without another copy.
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
    _build_rows(con, text, positions, excel_rows)
    if con.execute("SELECT count(*) FROM rows").fetchone()[0] == 0:
        report.errors.append(Problem("no_rows", file_name))
        return report
    _interpret(con, strategy, today)
    _check_rows(con)
    if con.execute("SELECT count(*) FROM checked").fetchone()[0] == 0:
        report.errors.append(Problem("no_values", file_name))
        return report
    report.errors = _rule_problems(con, positions, file_name)
    report.errors += _permission_problems(con, positions, file_name, submitter)
    report.warnings += _warnings(con, positions, file_name, strategy)
    report.submissions = [
        SubmissionSummary(*row)
        for row in con.execute(
            "SELECT authority_code, period, count(*) FROM checked "
            "WHERE authority_code IS NOT NULL AND period IS NOT NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    ]
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
