"""A return sent as an Excel workbook (shared/spec/progress-return.md, "The return as an
Excel workbook"): every refusal and every cell only a workbook can get wrong, with the
exact message a council is told, and the same figures by the workbook and the CSV route.

The fixture workbooks are built here from code rather than committed: each is a few lines
that say what it holds (a date in D3, a part named vbaProject.bin), where a committed
.xlsx is a zip nobody can read in a review, and a zip bomb is better not kept in the repo.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.returns import Submitter, check_return, contract, validate_return, workbook
from etl.strategy.load import load_strategy
from etl.submissions import export, ingest, receipts
from etl.submissions import workbook as excel

DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2025, 12, 1)
HEADER = ["authority_code", "period", "indicator_id", "value", "sex", "simd_quintile", "comment"]
ROWS = [
    ["S12000036", "2025-Q3", "C01-I1", 1234, "all", "all", "Café STEM club"],
    ["S12000036", "2025-Q3", "C01-I1", 600, "female", "all", None],
    ["S12000036", "2025-Q3", "C01-I2", 12.5, "all", "all", None],
    ["S12000036", "2025-Q3", "C02-I1", 40, "all", "1", None],
]
NAME = "edinburgh-2025-Q3.xlsx"


@pytest.fixture(scope="module")
def small():
    return load_strategy(DATA / "strategy-small.yaml")


def book(rows=ROWS, header=HEADER, *, title="Return", edit=None) -> bytes:
    """A workbook whose sheet ``title`` holds the header and rows; ``edit(sheet)`` after."""
    made = openpyxl.Workbook()
    sheet = made.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if edit:
        edit(sheet)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def check(small, data: bytes, name: str = NAME, **kwargs):
    return validate_return(data, name, small, today=TODAY, **kwargs)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


def test_a_good_workbook_holds_the_same_submission_as_its_csv(small):
    report = check(small, book())
    assert report.valid, messages(report)
    assert [(s.authority_code, s.period, s.rows) for s in report.submissions] == [
        ("S12000036", "2025-Q3", 4)
    ]


def _set(reference: str, value, data_type: str | None = None):
    def edit(sheet):
        sheet[reference] = value
        if data_type:
            sheet[reference].data_type = data_type

    return edit


def _each(*edits):
    def edit(sheet):
        for one in edits:
            one(sheet)

    return edit


AT = f"{NAME} sheet Return, cell"
CELL_ERRORS = {
    "text not a number (the CSV rule, by cell)": (
        _set("D3", "twelve"),
        [f'{AT} D3 (value): "twelve" is not a number'],
    ),
    "a date in value": (
        _set("D3", dt.date(2025, 7, 1)),
        [
            f'{AT} D3 (value): "2025-07-01" is a date, not a number (format the cell as a '
            "number, or type the figure again)"
        ],
    ),  # fmt: skip
    "a time in value": (
        _set("D4", dt.time(9, 30)),
        [
            f'{AT} D4 (value): "09:30:00" is a time, not a number (format the cell as a '
            "number, or type the figure again)"
        ],
    ),  # fmt: skip
    "a formula with no calculated value": (
        _set("D2", "=D3*2"),
        [
            f'{AT} D2 (value): "=D3*2" is a formula with no value calculated by Excel: open '
            "the workbook in Excel, let it calculate, and save it again"
        ],
    ),  # fmt: skip
    "an error value": (
        _set("D5", "#DIV/0!", "e"),
        [
            f"{AT} D5 (value): the cell shows the error #DIV/0!: correct its formula or type "
            "the figure"
        ],
    ),  # fmt: skip
    "an error value in a code": (
        _set("A2", "#N/A", "e"),
        [
            f"{AT} A2 (authority_code): the cell shows the error #N/A: correct its formula or "
            "type the figure"
        ],
    ),  # fmt: skip
    "every kind at once, in the order of the cells": (
        _each(
            _set("D5", "#REF!", "e"),
            _set("D3", dt.datetime(2025, 7, 1, 12)),
            _set("C2", "C09-I9"),
            _set("G4", "=A1&A2"),
        ),
        [
            f'{AT} C2 (indicator_id): "C09-I9" is not one of the strategy\'s indicators',
            f'{AT} D3 (value): "2025-07-01T12:00:00" is a date, not a number (format the cell '
            "as a number, or type the figure again)",
            f'{AT} G4 (comment): "=A1&A2" is a formula with no value calculated by Excel: '
            "open the workbook in Excel, let it calculate, and save it again",
            f"{AT} D5 (value): the cell shows the error #REF!: correct its formula or type the "
            "figure",
        ],
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(CELL_ERRORS), ids=list(CELL_ERRORS))
def test_each_cell_error_gives_exactly_its_message(small, case):
    edit, expected = CELL_ERRORS[case]
    report = check(small, book(edit=edit))
    assert messages(report) == expected


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    """The good workbook with one more part."""
    source = zipfile.ZipFile(io.BytesIO(book()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    return _zip({**parts, name: data})


def _ole(*streams: str) -> bytes:
    """The start of an OLE2 compound file (an .xls, or Office's encrypted container),
    with its directory's stream names as UTF-16."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + b"".join(s.encode("utf-16-le") + b"\0" * 8 for s in streams)
    )


REFUSED = {
    "an old .xls": (
        lambda: _ole("Workbook"),
        "old.xls",
        "the file is an old Excel workbook (.xls); save it as an Excel Workbook (.xlsx) or as "
        '"CSV UTF-8"',
    ),
    "an .xlsm": (
        book,
        "macros.xlsm",
        "the workbook contains macros (.xlsm or VBA code), which a return may not; save it as "
        "an Excel Workbook (.xlsx)",
    ),
    "a VBA part in an .xlsx": (
        lambda: _with_part("xl/vbaProject.bin", b"\0" * 64),
        NAME,
        "the workbook contains macros (.xlsm or VBA code), which a return may not; save it as "
        "an Excel Workbook (.xlsx)",
    ),
    "encrypted with a password": (
        lambda: _ole("EncryptionInfo", "EncryptedPackage"),
        NAME,
        "the workbook is encrypted with a password, so it cannot be read; remove the password "
        "(File, Info, Protect Workbook) and save it again",
    ),
    "a CSV named .xlsx": (
        lambda: b"authority_code,period\nS12000036,2025-Q3\n",
        NAME,
        "the file is not an Excel workbook (it is not a zip archive, as .xlsx is); save it "
        'from Excel as an Excel Workbook (.xlsx) or as "CSV UTF-8"',
    ),
    "a zip that is not a workbook": (
        lambda: _zip({"word/document.xml": b"<w/>"}),
        NAME,
        "the file is not an Excel workbook (it has no workbook part); save it from Excel as an "
        'Excel Workbook (.xlsx) or as "CSV UTF-8"',
    ),
    "no Return sheet": (
        lambda: book(title="Figures"),
        NAME,
        "the workbook has no sheet named Return (its sheets: Figures); the figures go on a "
        "sheet named Return, as in the template",
    ),
    "wider than 100 columns": (
        lambda: book(edit=_set("CW2", "x")),
        NAME,
        " sheet Return: it reaches column CW, but a return has at most 100 columns: "
        "delete the columns to the right of the last one you use",
    ),
    "longer than 100,000 rows": (
        lambda: book(edit=_set("A100002", "x")),
        NAME,
        " sheet Return: it reaches row 100,002, but a return has at most 100,000 rows "
        "of figures: split it into smaller files",
    ),
    "a zip bomb": (
        lambda: _with_part("xl/media/bomb.bin", b"\0" * 60_000_000),
        NAME,
        "the workbook unpacks to 60 MB, more than the 50 MB a return may take",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_each_refusal_is_one_plain_message_within_a_second(small, case):
    make, name, expected = REFUSED[case]
    data = make()
    start = time.perf_counter()
    report = check(small, data, name)
    assert time.perf_counter() - start < 1.0
    where = "" if expected.startswith(" sheet") else ": "  # a refusal of the sheet names it
    assert messages(report) == [f"{name}{where}{expected}"]
    assert report.submissions == []


def test_a_part_that_lies_about_its_size_is_refused_not_unpacked(small):
    """The directory says 1 KB; the part inflates to 60 MB (a bomb the sizes do not show)."""
    data = bytearray(_with_part("xl/media/bomb.bin", b"\0" * 60_000_000))
    directory = data.rfind(b"PK\x01\x02")  # the last entry's directory record: the bomb
    data[directory + 24 : directory + 28] = (1024).to_bytes(4, "little")  # uncompressed size
    start = time.perf_counter()
    report = check(small, bytes(data))
    assert time.perf_counter() - start < 1.0
    assert [e.code for e in report.errors] == ["not_workbook"]
    assert "a part is damaged" in messages(report)[0]


def test_a_sheet_that_is_not_well_formed_xml_is_refused_plainly(small):
    source = zipfile.ZipFile(io.BytesIO(book()))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:400]  # cut short
    report = check(small, _zip(parts))
    assert [e.code for e in report.errors] == ["not_workbook"]
    assert messages(report) == [
        f"{NAME}: the file is not an Excel workbook (its sheet Return cannot be read); save it "
        'from Excel as an Excel Workbook (.xlsx) or as "CSV UTF-8"'
    ]


def test_another_councils_template_is_named_in_the_error(strategy):
    data = excel.template(strategy, "S12000049", "2025-Q3")  # Glasgow's
    filled = _filled(data, lambda n: 10)
    officer = Submitter("officer", frozenset({"S12000036"}), national=False)
    report = validate_return(filled, NAME, strategy, today=TODAY, submitter=officer)
    assert messages(report)[-1] == (
        f"{NAME}: this workbook is the template for Glasgow City (S12000049), 2025-Q3"
    )
    assert "you may send returns only for City of Edinburgh" in messages(report)[0]


def test_an_old_templates_errors_say_it_is_old(strategy):
    data = excel.template(strategy, "S12000036", "2025-Q3")
    made = openpyxl.load_workbook(io.BytesIO(data))
    for prop in made.custom_doc_props.props:
        if prop.name == workbook.PROPERTY_VERSION:
            prop.value = "0"
    made["Return"]["H2"] = "lots"
    out = io.BytesIO()
    made.save(out)
    report = validate_return(out.getvalue(), NAME, strategy, today=TODAY)
    assert messages(report)[-1] == (
        f"{NAME}: this workbook is a template for version 0 of the return (now "
        f"{contract.VERSION}): download a new template"
    )


# -- the template, filled in as a council would ------------------------------------------


def _filled(template: bytes, value_of) -> bytes:
    """The template with openpyxl, as a council fills it: ``value_of(n)`` in each row's
    value (None leaves it blank)."""
    made = openpyxl.load_workbook(io.BytesIO(template))
    sheet = made["Return"]
    column = [c.value for c in sheet[1]].index("value") + 1
    for n in range(2, sheet.max_row + 1):
        sheet.cell(n, column).value = value_of(n)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def _as_csv(template_csv: bytes, value_of) -> bytes:
    rows = list(csv.reader(io.StringIO(template_csv.decode("utf-8-sig"))))
    at = rows[0].index("value")
    for n, row in enumerate(rows[1:], start=2):
        value = value_of(n)
        row[at] = "" if value is None else repr(value) if isinstance(value, float) else str(value)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_the_template_workbook_is_the_csv_template_locked_validated_and_named(strategy):
    data = excel.template(strategy, "S12000036", "2025-Q3")
    made = openpyxl.load_workbook(io.BytesIO(data))
    assert made.sheetnames == ["Return", "Indicators", "How to fill in"]
    sheet = made["Return"]
    csv_rows = list(csv.reader(io.StringIO(export.template(strategy, "S12000036",
                                                           "2025-Q3").decode("utf-8-sig"))))  # fmt: skip
    cells = [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]
    assert cells == csv_rows  # the same rows, every cell text
    header = csv_rows[0]
    assert sheet.protection.sheet and not sheet.protection.password
    assert sheet.freeze_panes == "A2"
    for row in sheet.iter_rows(min_row=2):
        for name, cell in zip(header, row, strict=True):
            assert cell.protection.locked == (name not in ("value", "comment")), cell.coordinate
            if name in ("authority_code", "period", "simd_quintile"):
                assert cell.data_type == "s" and cell.number_format == "@"
    rules = sheet.data_validations.dataValidation
    value_rules = [r for r in rules if r.type == "decimal"]
    assert {r.formula2 for r in value_rules} >= {"100.0", "10000000.0"}
    assert all(r.showInputMessage and r.prompt for r in rules)
    assert any(r.type == "textLength" and r.formula1 == "1000" for r in rules)
    props = {p.name: p.value for p in made.custom_doc_props.props}
    assert props == {workbook.PROPERTY_AUTHORITY: "S12000036",
                     workbook.PROPERTY_PERIOD: "2025-Q3",
                     workbook.PROPERTY_VERSION: contract.VERSION}  # fmt: skip
    ids = [r[0].value for r in made["Indicators"].iter_rows(min_row=2)]
    assert set(ids) == {r[2] for r in csv_rows[1:]}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory, strategy):
    """The Edinburgh template filled in with openpyxl, and the same values as CSV, each
    loaded into a database of its own."""
    from etl import store

    folder = tmp_path_factory.mktemp("workbook")
    template = excel.template(strategy, "S12000036", "2025-Q3")

    def value_of(n):
        return None if n % 7 == 0 else (n * 13) % 97 + (0.25 if n % 3 else 0)

    sent = {"xlsx": _filled(template, value_of),
            "csv": _as_csv(export.template(strategy, "S12000036", "2025-Q3"), value_of)}  # fmt: skip
    dbs = {}
    for kind, data in sent.items():
        dbs[kind] = folder / f"{kind}.duckdb"
        store.init(dbs[kind], strategy)
        result = ingest.ingest_return(dbs[kind], data, f"e.{kind}", strategy, today=TODAY)
        assert result.stored, messages(result.report)
    return sent, dbs


def test_a_filled_template_stores_what_the_same_values_as_csv_store(round_trip, strategy):
    sent, dbs = round_trip
    assert export.export_current(dbs["xlsx"]) == export.export_current(dbs["csv"])
    # Sending the workbook again, or the CSV to the workbook's store, changes nothing.
    for data, name in ((sent["xlsx"], "again.xlsx"), (sent["csv"], "same.csv")):
        result = ingest.ingest_return(dbs["xlsx"], data, name, strategy, today=TODAY)
        assert [o.action for o in result.outcomes] == ["unchanged"]


def test_the_workbook_sent_is_kept_and_given_back_by_its_sha256(round_trip):
    sent, dbs = round_trip
    (held,) = receipts.submissions(dbs["xlsx"]).itertuples()
    data, suffix = receipts.version_file(dbs["xlsx"], held.submission_id)
    assert (data, suffix) == (sent["xlsx"], ".xlsx")
    import hashlib

    assert held.sha256 == hashlib.sha256(sent["xlsx"]).hexdigest()
    (csv_held,) = receipts.submissions(dbs["csv"]).itertuples()
    assert receipts.version_file(dbs["csv"], csv_held.submission_id) == (
        receipts.version_csv(dbs["csv"], csv_held.submission_id), ".csv")  # fmt: skip


def test_an_xlsx_export_is_the_csv_export_as_a_workbook_and_loads_unchanged(round_trip, strategy):
    _, dbs = round_trip
    data = excel.from_csv(export.export_current(dbs["xlsx"]))
    result = ingest.ingest_return(dbs["xlsx"], data, "export.xlsx", strategy, today=TODAY)
    assert [o.action for o in result.outcomes] == ["unchanged"]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Return"]
    first = [c for c in next(sheet.iter_rows(min_row=2))]
    assert [c.data_type for c in first[:3]] == ["s", "s", "s"]  # codes as text


def test_formula_like_text_is_neutralised_in_an_xlsx_export_and_reads_back(small, tmp_path):
    from etl import store

    db = tmp_path / "t.duckdb"
    store.init(db, small)
    text = _set("G2", '=HYPERLINK("http://x.example")', "s")  # text typed after an apostrophe
    assert ingest.ingest_return(db, book(edit=text), NAME, small, today=TODAY).stored
    data = excel.from_csv(export.export_current(db))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Return"]
    (cell,) = [c for c in sheet["I"] if str(c.value).startswith("=")]
    assert cell.data_type == "s" and cell.quotePrefix  # text, never run
    again = ingest.ingest_return(db, data, "export.xlsx", small, today=TODAY)
    assert [o.action for o in again.outcomes] == ["unchanged"]


@pytest.fixture(scope="module")
def templates(strategy) -> tuple[bytes, bytes]:
    return (excel.template(strategy, "S12000036", "2025-Q3"),
            export.template(strategy, "S12000036", "2025-Q3"))  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          ])  # fmt: skip
@given(values=st.lists(
    st.one_of(st.none(), st.integers(0, 5000), st.floats(0, 100, allow_nan=False).map(
        lambda x: round(x, 3))), min_size=45, max_size=45))  # fmt: skip
def test_random_filled_templates_give_the_same_figures_by_workbook_and_csv(
    strategy, templates, values
):
    if all(v is None for v in values):
        values = [1, *values[1:]]
    template, csv_template = templates

    def value_of(n):
        return values[(n - 2) % len(values)]

    figures = {}
    for name, data in ((NAME, _filled(template, value_of)),
                       ("e.csv", _as_csv(csv_template, value_of))):  # fmt: skip
        with duckdb.connect() as con:
            report, checked = check_return(con, data, name, strategy, today=TODAY)
            rows = con.execute(
                "SELECT authority_code, period, indicator_id, sex, simd_quintile, value, comment "
                f"FROM {checked.table} ORDER BY ALL"
            ).fetchall()
        figures[name] = (rows, [(e.row, e.column, e.detail) for e in report.errors])
    assert figures[NAME] == figures["e.csv"]
    assert figures[NAME][0]  # some figures each time


CSV_BAD = sorted((DATA / "returns" / "bad").glob("*.csv"))


def _cell_level(path: Path) -> bool:
    """A bad CSV fixture of plain comma-separated UTF-8 lines, each as wide as the header:
    the same rows can be laid on a sheet (a row wider than its header, or a file with no
    header, is a CSV's own problem)."""
    data = path.read_bytes()
    if not data.strip() or not _utf8(data) or b'"' in data or b"\r" in data:
        return False
    lines = [line for line in data.splitlines() if line.strip()]
    return all(b";" not in line and b"\t" not in line for line in lines) and all(
        line.count(b",") == lines[0].count(b",") for line in lines
    )


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("path", [p for p in CSV_BAD if _cell_level(p)], ids=lambda p: p.stem)
def test_the_same_rows_as_a_bad_csv_give_the_same_problems_at_the_same_cells(small, path):
    """Every rule applies unchanged: each CSV fixture's rows, as text cells on a sheet."""
    lines = path.read_bytes().decode("utf-8-sig").split("\n")
    rows = [line.split(",") if line.strip() else [] for line in lines]
    while rows and not rows[-1]:
        rows.pop()
    data = book(rows[1:], rows[0])
    by_csv = check(small, path.read_bytes(), path.name)
    by_book = check(small, data, path.name.replace(".csv", ".xlsx"))
    assert [(e.row, e.column, e.detail) for e in by_book.errors] == [
        (e.row, e.column, e.detail) for e in by_csv.errors
    ]
