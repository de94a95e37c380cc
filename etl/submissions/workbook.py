"""The return's own format as an Excel workbook: the template to fill in, and any export.

Both start from the CSV that ``export`` writes (its one definition of the columns, their
order, the canonical forms and the neutralising of formula-like text), and lay it on a
sheet ``Return``: codes, periods and breakdowns as text (Excel would turn ``1`` into a
number and ``2025-Q3``-like text into a date), ``value`` as a number. Text that a
spreadsheet would run as a formula, which the CSV marks with a leading apostrophe, is
written as Excel marks text typed after an apostrophe (the cell's quote prefix): shown
as written, never run, and read back as written.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from etl.councils import council_name
from etl.errors import TrackerError
from etl.returns import contract
from etl.returns.workbook import (
    PROPERTY_AUTHORITY,
    PROPERTY_PERIOD,
    PROPERTY_VERSION,
    SHEET,
)
from etl.submissions import export

if TYPE_CHECKING:
    from etl.strategy.model import StrategyFile

MAX_ROWS = 1_048_575  # a worksheet's rows, less the header
_IDENTIFYING = ("authority_code", "period", "indicator_id", "sex", "simd_quintile",
                "indicator_name", "unit")  # fmt: skip
_WIDTHS = {"authority_code": 16, "period": 10, "indicator_id": 16, "indicator_name": 48,
           "unit": 10, "sex": 8, "simd_quintile": 14, "value": 12, "comment": 60}  # fmt: skip
_HEADER = Font(bold=True)
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_TO_FILL = PatternFill("solid", fgColor="FFF2CC")


class TooManyRows(TrackerError, ValueError):
    """More rows than a worksheet holds."""


def _rows(data: bytes) -> list[list[str]]:
    """The rows of a CSV that ``export`` wrote (UTF-8 with a byte-order mark)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _cell_value(name: str, text: str):
    """A CSV cell as the workbook holds it: ``value`` a number, the rest text; and whether
    it was neutralised (an apostrophe before formula-like text)."""
    if name == "value" and text:
        number = float(text)
        return (int(number) if number.is_integer() and abs(number) < 1e15 else number), False
    if text[:1] == "'" and text[1:].startswith(contract.FORMULA_STARTS):
        return text[1:], True
    return (text or None), False


def from_csv(data: bytes) -> bytes:
    """An export (``export.write``'s CSV) as a workbook with its rows on sheet ``Return``."""
    rows = _rows(data)
    if len(rows) - 1 > MAX_ROWS:
        raise TooManyRows(
            f"the export has {len(rows) - 1:,} rows, more than a worksheet holds "
            f"({MAX_ROWS:,}); write it as CSV"
        )
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    header = rows[0] if rows else list(contract.FILE_ORDER)
    for position, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.append(header)
    for row in rows[1:]:
        cells = zip(header, row, strict=True)
        sheet.append([_write_only(sheet, name, text) for name, text in cells])
    return _saved(book)


def _write_only(sheet, name: str, text: str):
    """A plain value (openpyxl writes a str as text), or a neutralised text's cell."""
    value, neutralised = _cell_value(name, text)
    if not neutralised:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, though it looks like a formula
    cell.quotePrefix = True
    return cell


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template(strategy: StrategyFile, authority_code: str, period: str) -> bytes:
    """The template as a workbook: the CSV template's rows on sheet ``Return``, the
    identifying columns locked (sheet protection without a password), ``value`` and
    ``comment`` open, with data validation and an input message; then the indicators and
    how to fill it in. Its properties name the authority, the period and the contract's
    version (``etl.returns.workbook`` reads them back)."""
    rows = _rows(export.template(strategy, authority_code, period))
    header, body = rows[0], rows[1:]
    code, quarter = body[0][0], body[0][1]  # as the CSV template wrote them
    indicators = {i.id: i for _, i in strategy.indicators}
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _fill_return(sheet, header, body, indicators)
    _indicators_sheet(book.create_sheet("Indicators"), strategy, code)
    _how_sheet(book.create_sheet("How to fill in"), code, quarter)
    book.properties.title = f"Quarterly progress return: {council_name(code)}, {quarter}"
    book.properties.subject = f"STEM strategy progress return {code} {quarter}"
    for name, value in ((PROPERTY_AUTHORITY, code), (PROPERTY_PERIOD, quarter),
                        (PROPERTY_VERSION, contract.VERSION)):  # fmt: skip
        book.custom_doc_props.append(StringProperty(name=name, value=value))
    return _saved(book)


def _fill_return(sheet, header: list[str], body: list[list[str]], indicators: dict) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = _HEADER
    at = {name: position for position, name in enumerate(header)}
    for row in body:
        sheet.append([_cell_value(name, text)[0] for name, text in zip(header, row, strict=True)])
    open_columns = {at["value"], at["comment"]}
    for cells in sheet.iter_rows(min_row=2):
        for position, cell in enumerate(cells):
            if position in open_columns:
                cell.protection = Protection(locked=False)
                cell.fill = _TO_FILL
            else:
                cell.data_type = "s"
                cell.number_format = "@"
                cell.fill = _LOCKED_FILL
    for position, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    _validations(sheet, body, at, indicators)
    sheet.protection.sheet = True  # no password: a council that must change a code can
    sheet.protection.formatColumns = False  # widening a column is not changing the return


def _validations(sheet, body, at: dict[str, int], indicators: dict) -> None:
    """Excel's own checks as the figures are typed: ``value`` a number from 0 to the
    indicator's largest, ``comment`` at most 1,000 characters."""
    value_letter = get_column_letter(at["value"] + 1)
    by_limit: dict[tuple[str, float], list[str]] = {}
    for number, row in enumerate(body, start=2):
        indicator = indicators[row[at["indicator_id"]]]
        largest = contract.maximum(indicator.unit, indicator.maximum)
        by_limit.setdefault((indicator.unit, largest), []).append(f"{value_letter}{number}")
    for (unit, largest), cells in by_limit.items():
        shown = f"{largest:,.0f}" if float(largest).is_integer() else f"{largest:,}"
        rule = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=repr(float(largest)),
            allow_blank=True, showInputMessage=True, showErrorMessage=True,
            promptTitle=f"A {unit}"[:32],
            prompt=(f"The figure, a {unit} from 0 to {shown}. Leave it blank to leave the "
                    "figure out.")[:255],
            errorTitle="Not a figure for this indicator",
            error=f"Type a number from 0 to {shown} ({unit}), or leave the cell blank.",
        )  # fmt: skip
        for cell in cells:
            rule.add(cell)
        sheet.add_data_validation(rule)
    if body:
        comment_letter = get_column_letter(at["comment"] + 1)
        comments = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(contract.MAX_COMMENT),
            allow_blank=True, showInputMessage=True, showErrorMessage=True,
            promptTitle="Comment (optional)",
            prompt=f"What lies behind the figure, at most {contract.MAX_COMMENT:,} characters.",
            errorTitle="Comment too long",
            error=f"A comment may have at most {contract.MAX_COMMENT:,} characters.",
        )  # fmt: skip
        comments.add(f"{comment_letter}2:{comment_letter}{len(body) + 1}")
        sheet.add_data_validation(comments)


def _indicators_sheet(sheet, strategy: StrategyFile, code: str) -> None:
    sheet.append(["indicator_id", "name", "unit", "what to count", "breakdowns",
                  "largest value accepted"])  # fmt: skip
    for cell in sheet[1]:
        cell.font = _HEADER
    for _, indicator in strategy.indicators:
        if not contract.reports(indicator, code):
            continue
        largest = contract.maximum(indicator.unit, indicator.maximum)
        sheet.append([
            indicator.id, indicator.name, indicator.unit, indicator.note or indicator.name,
            ", ".join(indicator.breakdowns) or "none", largest,
        ])  # fmt: skip
    for letter, width in zip("ABCDEF", (16, 48, 10, 60, 24, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _how_sheet(sheet, code: str, quarter: str) -> None:
    steps = [
        f"Quarterly progress return for {council_name(code)} ({code}), {quarter}",
        "",
        "1. Go to the sheet Return. It has one row for every indicator and breakdown your "
        "council reports.",
        "2. Type each figure in the value column (yellow). A percent is a number from 0 to "
        "100; leave a value blank to leave that figure out.",
        "3. Add a comment where the figure needs one (at most 1,000 characters).",
        "4. The grey columns say what each row is and are locked: change them only if you "
        "must (Review, Unprotect Sheet; there is no password).",
        "5. Formulas are fine: the figure Excel calculated is the one sent. Dates and error "
        "values such as #N/A are not figures.",
        "6. Save the workbook as it is (Excel Workbook, .xlsx) and upload it on the Send a "
        "return page. There is no need to save it as CSV.",
        "7. Every problem is listed at once, by sheet and cell: correct them and upload the "
        "workbook again. Sending the same figures again changes nothing.",
    ]
    for line in steps:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110
    for row in sheet.iter_rows(min_row=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
