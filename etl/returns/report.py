"""What a council is told about a return: each problem as data, and the report of a file.

Every error and warning is a ``Problem`` (code, file, row, column, value) whose
message comes from one template in ``MESSAGES``; a ``Report`` holds them with
the (authority, period) submissions found, and the caller decides what to do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from etl.councils import NATIONAL_CODE
from etl.returns import contract

# One template per problem (Problem.detail); Problem.message puts the location before it.
MESSAGES = {
    # the file as a whole
    "not_text": 'the file is not text (save it from Excel as "CSV UTF-8")',
    "utf16": 'the file is UTF-16 ("Unicode Text"); save it from Excel as "CSV UTF-8"',
    "utf32": 'the file is UTF-32; save it from Excel as "CSV UTF-8"',
    "lone_cr": "a line here ends with a carriage return alone, unlike the rest of the file "
    '(a line break copied in from another program?); save the file from Excel as "CSV UTF-8"',
    "empty": "the file is empty: it needs a header row, then one row per value",
    "no_rows": "the file has a header row but no rows of figures below it",
    "no_values": "every value is blank, so there is nothing to load",
    "cp1252": "the file is not UTF-8, so it was read as Windows-1252 (what Excel on Windows "
    "writes); check that accented letters came through",
    "check_time": "checking the file took longer than the {extra} seconds a check may take; "
    "split it into smaller files",
    "check_memory": "checking the file needs more memory than a check may use; split it into "
    "smaller files",
    # the header
    "too_wide": "the header row has {value} columns, but a return has at most {extra}: delete "
    "the empty columns to the right of the last one you use",
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
    f"Edinburgh) or Scotland's {NATIONAL_CODE}" + "{extra}",
    "not_allowed": '"{value}" is {extra}',
    "bad_period": '"{value}" is not a quarter like 2025-Q3',
    "period_not_ended": '"{value}" has not ended yet (it ends on {extra})',
    "period_before_start": '"{value}" is before the strategy starts ({extra})',
    "unknown_indicator": '"{value}" is not one of the strategy\'s indicators{extra}',
    "national_indicator": '"{value}" is a national indicator, reported only under Scotland\'s '
    f"code {NATIONAL_CODE}",
    "council_indicator": '"{value}" is reported by councils, not under Scotland\'s code '
    f"{NATIONAL_CODE}",
    "not_a_number": '"{value}" is not a number',
    "negative": '"{value}" is below zero',
    "not_a_percent": '"{value}" is over 100, and {extra} is a percent (0 to 100)',
    "not_points": '"{value}" is beyond 100 either way, and {extra} is a gap in percentage points '
    "(-100 to 100)",
    "percent_of_count": '"{value}" is a percent but {extra} is a count',
    "too_large": '"{value}" is more than {extra} (a typing slip? if the figure is right, '
    "ask the STEM policy team to raise the indicator's maximum)",
    "bad_sex": '"{value}" is not one of ' + ", ".join(contract.SEX_VALUES) + " (or blank)",
    "bad_simd": '"{value}" is not one of ' + ", ".join(contract.SIMD_VALUES) + " (or blank)",
    "no_breakdown": '"{value}": {extra}',
    "comment_too_long": '"{value}" is {extra} characters long; a comment may have at most '
    f"{contract.MAX_COMMENT:,}",
    "duplicate": '"{value}" {extra}',
    "more": "{value} more rows with this problem (the first {extra} are listed above)",
    # a workbook (etl.returns.workbook): the file, then its cells
    "xls": "the file is an old Excel workbook (.xls); save it as an Excel Workbook (.xlsx) or "
    'as "CSV UTF-8"',
    "macros": "the workbook contains macros (.xlsm or VBA code), which a return may not; save "
    "it as an Excel Workbook (.xlsx)",
    "encrypted": "the workbook is encrypted with a password, so it cannot be read; remove the "
    "password (File, Info, Protect Workbook) and save it again",
    "not_workbook": "the file is not an Excel workbook ({extra}); save it from Excel as an Excel "
    'Workbook (.xlsx) or as "CSV UTF-8"',
    "no_return_sheet": "the workbook has no sheet named Return (its sheets: {value}); the "
    "figures go on a sheet named Return, as in the template",
    "unpacked_too_big": "the workbook unpacks to {value} MB, more than the {extra} MB a return "
    "may take",
    "sheet_too_wide": "it reaches column {value}, but a return has at most {extra} "
    "columns: delete the columns to the right of the last one you use",
    "sheet_too_long": "it reaches row {value}, but a return has at most {extra} rows of "
    "figures: split it into smaller files",
    "formula_no_value": '"{value}" is a formula with no value calculated by Excel: open the '
    "workbook in Excel, let it calculate, and save it again",
    "date_value": '"{value}" is {extra}, not a number (format the cell as a number, or type '
    "the figure again)",
    "error_value": "the cell shows the error {value}: correct its formula or type the figure",
    "template_for": "this workbook is the template for {value}",
    "template_old": "this workbook is a template for version {value} of the return (now "
    "{extra}): download a new template",
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
    sheet: str | None = None  # a workbook's: the place is then a cell, as Excel names it

    @property
    def message(self) -> str:
        if self.sheet is not None:
            return f"{self.file} sheet {self.sheet}{self._cell()}: {self.detail}"
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += f"{',' if self.row is not None else ''} column {self.column}"
            if self.column_name:
                where += f" ({_visible(self.column_name)})"
        return f"{where}: {self.detail}"

    def _cell(self) -> str:
        """``, cell D14 (value)``, ``, row 14`` or ``, column D (value)`` in a sheet."""
        name = f" ({_visible(self.column_name)})" if self.column_name else ""
        if self.row is not None and self.column is not None:
            return f", cell {self.column}{self.row}{name}"
        if self.row is not None:
            return f", row {self.row}"
        return f", column {self.column}{name}" if self.column is not None else ""

    @property
    def detail(self) -> str:
        """What is wrong, without where (a table shows row and column in their own cells)."""
        return MESSAGES[self.code].format(
            value=_shown(self.value),
            extra="" if self.extra is None else self.extra,
            letter=self.column,
        )

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
    # Read by the strict fast path (etl.returns.fast); the same report either way.
    fast_path: bool = field(default=False, compare=False)

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
    value = _visible(str(value))
    return value if len(value) <= 60 else value[:57] + "…"


def _visible(text: str) -> str:
    """Characters a reader cannot see (a byte-order mark, a control character) named."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in text)
