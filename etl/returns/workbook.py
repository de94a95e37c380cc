"""A return sent as an Excel workbook (.xlsx): its sheet ``Return`` read as the rows a CSV
would hold, for the one checker (``etl.returns.check_return``) to check unchanged.

Row N of the sheet becomes line N of the CSV text and column D stays column D, so each
problem the checker finds is at the cell Excel shows. What only a workbook can hold is
found here, as problems at their cells: a formula without a value Excel calculated, a date
or time in ``value``, an error value (``#N/A``). Those cells go to the checker blank.

The file is untrusted: what it is (an old .xls, macros, encrypted, not a workbook at all),
how far it unpacks and how far its ``Return`` sheet reaches are all found from the zip's
directory and a scan of the sheet's XML, before the reader builds a cell of it. The reader
is python-calamine (Rust): it reads a 50,000-row sheet several times faster than
openpyxl's read-only mode (bench/excel.py); it gives the value Excel last calculated for
a formula, a date cell as a date, and an error or a formula with no value as a blank,
which the scan of the XML tells apart.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from pathlib import PurePath

from python_calamine import CalamineError, CalamineWorkbook

from etl.councils import council_name
from etl.returns import contract
from etl.returns.permissions import may_send
from etl.returns.report import Problem, Report, Submitter, excel_column

SHEET = "Return"
MAX_UNPACKED = 50_000_000  # bytes of all the parts together, from the zip's directory
MAX_ROWS = 100_000  # rows of figures below the header
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xltx", ".xltm")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls, or an encrypted .xlsx inside one
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# The template's properties (docProps/custom.xml): who and what it was made for.
PROPERTY_AUTHORITY, PROPERTY_PERIOD, PROPERTY_VERSION = (
    "stem_tracker_authority",
    "stem_tracker_period",
    "stem_tracker_contract_version",
)


@dataclass(frozen=True)
class Template:
    """What a workbook's properties say it was made for (absent in a workbook of its own)."""

    authority_code: str | None
    period: str | None
    version: str | None


@dataclass
class Sheet:
    """The sheet ``Return`` as CSV text for the checker, with what only a workbook has."""

    name: str  # as the workbook spells it
    csv: bytes
    problems: list[Problem] = field(default_factory=list)  # at cells, sheet named
    template: Template | None = None


def is_workbook(data: bytes, file_name: str) -> bool:
    """Whether a file is (or is named as) a workbook: read here, not as CSV."""
    return data.startswith((_ZIP, _OLE)) or PurePath(file_name).suffix.lower() in SUFFIXES


def read(data: bytes, file_name: str) -> Sheet | Problem:
    """The sheet ``Return`` of a workbook, or the one problem that refuses the file."""
    refused = _refusal(data, file_name)
    if refused:
        return refused
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = {info.filename: info for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, OSError):
        return Problem("not_workbook", file_name, extra="it is not a valid zip archive")
    refused = _parts_refusal(parts, file_name)
    if refused:
        return refused
    try:
        return _read_sheet(data, archive, file_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        return Problem("not_workbook", file_name, extra=f"a part is damaged: {error}")
    except CalamineError:  # its own words name the reader's internals, not the council's file
        return Problem("not_workbook", file_name, extra="its sheet Return cannot be read")


def _refusal(data: bytes, file_name: str) -> Problem | None:
    """What the first bytes and the name already tell: an old .xls, encryption, macros."""
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(_OLE):
        return Problem("encrypted" if _ENCRYPTED in data else "xls", file_name)
    if suffix == ".xls":
        return Problem("xls", file_name)
    if suffix in (".xlsm", ".xltm"):
        return Problem("macros", file_name)
    if not data.startswith(_ZIP):
        return Problem("not_workbook", file_name, extra="it is not a zip archive, as .xlsx is")
    return None


def _parts_refusal(parts: dict[str, zipfile.ZipInfo], file_name: str) -> Problem | None:
    """From the zip's directory alone: the size unpacked, macros, whether it is a workbook."""
    unpacked = sum(info.file_size for info in parts.values())
    if unpacked > MAX_UNPACKED:
        return Problem("unpacked_too_big", file_name, value=f"{unpacked / 1e6:,.0f}",
                       extra=f"{MAX_UNPACKED / 1e6:.0f}")  # fmt: skip
    if any("vbaproject" in name.lower() for name in parts):
        return Problem("macros", file_name)
    if "xl/workbook.xml" not in parts:
        return Problem("not_workbook", file_name, extra="it has no workbook part")
    return None


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    """One part, unpacked no further than the directory says (zipfile stops there and checks
    the CRC, so a part that lies about its size is refused, not unpacked without end)."""
    with archive.open(name) as part:
        return part.read()


def _verify(archive: zipfile.ZipFile, skip: str) -> None:
    """Unpack every other part in chunks and drop it: each is checked against its size and
    CRC here before the reader (which trusts the archive) unpacks it."""
    for info in archive.infolist():
        if info.filename != skip and not info.is_dir():
            with archive.open(info) as part:
                while part.read(1 << 20):
                    pass


def _read_sheet(data: bytes, archive: zipfile.ZipFile, file_name: str) -> Sheet | Problem:
    names = _sheet_parts(archive)
    found = [name for name in names if name.strip().lower() == SHEET.lower()]
    if not found:
        listed = ", ".join(names) if names else "none"
        return Problem("no_return_sheet", file_name, value=listed)
    name, path = found[0], names[found[0]]
    if path not in archive.namelist():
        return Problem("not_workbook", file_name, extra=f"sheet {name} has no part")
    xml = _part(archive, path)
    _verify(archive, path)
    extent = _beyond_limits(xml, file_name, name)
    if extent:
        return extent
    marked = _marked_cells(xml)
    with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    sheet = Sheet(name, b"", template=_template(archive))
    sheet.csv = _csv(rows, marked, sheet, file_name)
    return sheet


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's name and the path of its part, in the workbook's order."""
    workbook = _part(archive, "xl/workbook.xml").decode("utf-8", "replace")
    rels_name = "xl/_rels/workbook.xml.rels"
    has_rels = rels_name in archive.namelist()
    rels = _part(archive, rels_name).decode("utf-8", "replace") if has_rels else ""
    targets = {}
    for tag in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attributes = _attributes(tag.group(0))
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[attributes.get("Id")] = target
    found = {}
    for tag in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        attributes = _attributes(tag.group(0))
        relation = next((v for k, v in attributes.items() if k.endswith(":id")), None)
        if "name" in attributes:
            found[html.unescape(attributes["name"])] = targets.get(relation, "")
    return found


def _attributes(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w:]+)\s*=\s*"([^"]*)"', tag))


# Where a cell or row lies (an ``r`` attribute): a row of six digits or more, or a column
# beyond CV (the 100th), is past what a return may hold. Searched for, not read cell by
# cell (each pattern starts with its literal ``r="``, which the search skips to).
_FAR_ROW = re.compile(rb'r="[A-Z]*(\d{6,})"')
_FAR_COLUMN = re.compile(rb'r="([A-Z]{3,}|[D-Z][A-Z]|C[W-Z])\d+"')


def _beyond_limits(xml: bytes, file_name: str, sheet: str) -> Problem | None:
    """A sheet wider or longer than a return may be, refused before a cell is built (the
    reader makes a grid as large as the sheet's extent: A1 and XFD1048576 would be 17
    billion cells)."""
    far = _FAR_COLUMN.search(xml)
    if far:
        return Problem("sheet_too_wide", file_name, value=far.group(1).decode(),
                       extra=str(contract.MAX_COLUMNS), sheet=sheet)  # fmt: skip
    for match in _FAR_ROW.finditer(xml):  # rows 100,000 and 100,001 are allowed
        if int(match.group(1)) > MAX_ROWS + 1:
            return Problem("sheet_too_long", file_name, value=f"{int(match.group(1)):,}",
                           extra=f"{MAX_ROWS:,}", sheet=sheet)  # fmt: skip
    return None


# Each matched where it must start (``match``, never a search onwards): a cell's start tag,
# then its formula, then its value, as the format orders them.
_CELL_START = re.compile(rb"<(?:\w+:)?c(?:\s[^>]*)?>")
_FORMULA_AT = re.compile(rb"<(?:\w+:)?f\b[^>]*(?:/>|>([^<]*)</(?:\w+:)?f>)")
_VALUE_AT = re.compile(rb"<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>")
_REFERENCE = re.compile(rb'\sr="([A-Z]+\d+)"')
_PREFIX = re.compile(rb"<(\w+:)?worksheet\b")


def _marked_cells(xml: bytes) -> dict[str, tuple[str, str]]:
    """Cells the reader gives as blank but are not: an error value (``#N/A``) or a formula
    without a calculated value, by reference (``D14``) → (problem code, what to quote).

    Found by a plain search for ``t="e"`` and for formula tags, each then read where it
    stands: a sheet of plain values costs a few scans at memory speed, and no search runs
    on from a cell (which a crafted sheet could make quadratic)."""
    marked: dict[str, tuple[str, str]] = {}
    for at in _occurrences(xml, b't="e"'):
        cell = _CELL_START.match(xml, xml.rfind(b"<", 0, at))
        if cell is None or cell.end() <= at:
            continue  # not a cell's attribute
        formula = _FORMULA_AT.match(xml, cell.end())
        value = _VALUE_AT.match(xml, formula.end() if formula else cell.end())
        shown = html.unescape(value.group(1).decode()).strip() if value else ""
        marked[_reference(cell)] = ("error_value", shown or "#VALUE!")
    for at in _formula_tags(xml):
        cell = _CELL_START.match(xml, xml.rfind(b"<", 0, at))
        if cell is None or cell.end() != at or _reference(cell) in marked:
            continue
        formula = _FORMULA_AT.match(xml, at)
        value = _VALUE_AT.match(xml, formula.end()) if formula else None
        if formula and (value is None or not value.group(1).strip()):
            text = html.unescape((formula.group(1) or b"").decode()).strip()
            marked[_reference(cell)] = (
                "formula_no_value",
                "=" + text if text else "a shared formula",
            )
    return marked


def _occurrences(xml: bytes, needle: bytes):
    at = xml.find(needle)
    while at != -1:
        yield at
        at = xml.find(needle, at + 1)


def _formula_tags(xml: bytes):
    """Where each formula tag starts: ``<f`` (or ``<x:f`` where the sheet uses a prefix)."""
    prefix = _PREFIX.search(xml, 0, 65_536)
    needles = {b"<f"} | ({b"<" + prefix.group(1) + b"f"} if prefix and prefix.group(1) else set())
    for needle in needles:
        for at in _occurrences(xml, needle):
            if xml[at + len(needle) : at + len(needle) + 1] in (b" ", b">", b"/"):
                yield at


def _reference(cell: re.Match) -> str:
    found = _REFERENCE.search(cell.group(0))
    return found.group(1).decode() if found else ""


def _template(archive: zipfile.ZipFile) -> Template | None:
    """The template's properties, when the workbook is one of ours."""
    name = "docProps/custom.xml"
    if name not in archive.namelist():
        return None
    text = _part(archive, name).decode("utf-8", "replace")
    found = {
        key: html.unescape(value)
        for key, value in re.findall(
            r'<(?:\w+:)?property\b[^>]*\bname="([^"]*)"[^>]*>\s*<[\w:]+[^>]*>([^<]*)</', text
        )
    }
    if PROPERTY_AUTHORITY not in found:
        return None
    return Template(
        found.get(PROPERTY_AUTHORITY), found.get(PROPERTY_PERIOD), found.get(PROPERTY_VERSION)
    )


def _csv(rows: list[list], marked: dict[str, tuple[str, str]], sheet: Sheet, file_name) -> bytes:
    """The rows as CSV text: line N is row N, a cell at the same column. A row with nothing
    in it stays a line of empty cells, so no line is blank and the numbers hold."""
    header = [_text(cell) for cell in rows[0]] if rows else []
    names = [name.strip().lower() for name in header]
    value_at = names.index("value") if "value" in names else -1
    for reference, (code, quoted) in marked.items():
        sheet.problems.append(_at(reference, code, quoted, names, file_name, sheet.name))
    blanked: dict[int, list[int]] = {}
    for reference in marked:
        row_number, column = _position(reference)
        blanked.setdefault(row_number, []).append(column)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    text, moments = _text, (date, time, timedelta)
    for number, row in enumerate(rows[1:], start=2):
        cells = [cell if type(cell) is str else text(cell) for cell in row]
        if value_at >= 0 and isinstance(row[value_at], moments):  # a number is text by now
            cells[value_at] = _value(row[value_at], number, value_at, sheet, file_name, names)
        if blanked:
            for column in blanked.get(number, ()):
                if column < len(cells):
                    cells[column] = ""
        writer.writerow(cells)
    return out.getvalue().replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def _position(reference: str) -> tuple[int, int]:
    """``D14`` → (14, 3): the row and the 0-based column."""
    letters = reference.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(reference[len(letters) :] or 0), column - 1


def _at(reference, code, quoted, names, file_name, sheet_name) -> Problem:
    row, column = _position(reference)
    name = names[column] if 0 <= column < len(names) else None
    letter = excel_column(column)
    return Problem(code, file_name, row, letter, name or None, quoted, sheet=sheet_name)


def _value(cell, row: int, column: int, sheet: Sheet, file_name: str, names) -> str:
    """A date or time in ``value``: an error at its cell, and the cell blank for the checker."""
    kind = "a time" if isinstance(cell, (time, timedelta)) else "a date"
    sheet.problems.append(Problem("date_value", file_name, row, excel_column(column),
                                  names[column], _text(cell), kind, sheet=sheet.name))  # fmt: skip
    return ""


def _text(cell) -> str:
    """A cell as the CSV would hold it: numbers plainly (3, not 3.0), dates as ISO text."""
    if type(cell) is str:
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e16 else repr(cell)
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    return str(cell)


def located(report: Report, sheet: Sheet, submitter: Submitter | None) -> Report:
    """The checker's report of the sheet's rows as a council reads it: each place a cell of
    the sheet, the cells only a workbook can get wrong among them in order, and, when it
    has errors, what the template was made for where that explains them."""
    at_cells = {(p.row, p.column) for p in sheet.problems}
    errors = [
        replace(p, sheet=sheet.name) if p.row is not None or p.column is not None else p
        for p in report.errors
        if (p.row, p.column) not in at_cells  # the cell went blank: its own problem says why
        and not (sheet.problems and p.code in ("no_values", "no_rows"))
    ]
    if sheet.problems:  # among the checker's, by row (its order within a row kept)
        errors = sorted(sheet.problems + errors, key=lambda p: (p.row is None, p.row or 0))
    warnings = [
        replace(p, sheet=sheet.name) if p.row is not None or p.column is not None else p
        for p in report.warnings
    ]
    if errors:
        errors += _template_problems(report, sheet, submitter)
    return replace(report, errors=errors, warnings=warnings)


def _template_problems(report: Report, sheet: Sheet, submitter) -> list[Problem]:
    """An old template, or one for another council or quarter, named as such."""
    template, file_name = sheet.template, report.file_name
    if template is None:
        return []
    problems = []
    if template.version != contract.VERSION:
        problems.append(Problem("template_old", file_name, value=template.version or "unknown",
                                extra=contract.VERSION))  # fmt: skip
    pairs = {(s.authority_code, s.period) for s in report.submissions}
    code = template.authority_code or ""
    if not may_send(submitter, code) or (pairs and (code, template.period) not in pairs):
        made_for = f"{council_name(code)} ({code}), {template.period}"
        problems.append(Problem("template_for", file_name, value=made_for))
    return problems
