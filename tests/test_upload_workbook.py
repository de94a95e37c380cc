"""A council sends its return as the workbook it filled in: the Excel template from the
"Send a return" page (AppTest), and once re-saved by a real spreadsheet program
(LibreOffice Calc, headless), which calculates formulas as Excel would."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from dashboard import format as fmt
from etl import store
from etl.returns import contract, workbook
from etl.submissions import export, ingest, receipts
from etl.submissions import workbook as excel
from tests.markdown_text import shown
from tests.test_upload_page import (  # noqa: F401  (db and downloads are fixtures)
    EDINBURGH,
    PERIOD,
    app,
    content,
    db,
    downloads,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fill(template: bytes, values: dict[int, object], every=None) -> bytes:
    """The template filled in with openpyxl: ``every`` in each value cell, then ``values``
    by row number."""
    made = openpyxl.load_workbook(io.BytesIO(template))
    sheet = made["Return"]
    column = [c.value for c in sheet[1]].index("value") + 1
    for n in range(2, sheet.max_row + 1):
        sheet.cell(n, column).value = values.get(n, every)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def test_council_downloads_the_excel_template_fixes_two_errors_and_sends(db, downloads):  # noqa: F811
    at = app("officer@edinburgh.example")
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    template = content(at, downloads, "Download the Excel template")
    props = {
        p.name: p.value for p in openpyxl.load_workbook(io.BytesIO(template)).custom_doc_props.props
    }
    assert (props[workbook.PROPERTY_AUTHORITY], props[workbook.PROPERTY_PERIOD]) == (
        EDINBURGH,
        PERIOD,
    )
    wrong = fill(template, {3: "twelve", 5: "#N/A"}, every=10)
    at.get("file_uploader")[0].set_value(("edinburgh.xlsx", wrong, XLSX))
    at.run()
    assert not at.exception
    assert any("There is a problem" in s.value for s in at.subheader)
    first = 'edinburgh.xlsx sheet Return, cell H3 (value): "twelve" is not a number'
    # shown bold, as typed (the word joiner plain() puts after a colon is invisible)
    assert any(shown(m.value)[0].replace(fmt.WORD_JOINER, "") == first for m in at.markdown)
    cells = at.table[0].value if at.table else at.dataframe[0].value
    assert list(cells["Cell"]) == ["H3 (value)", "H5 (value)"]
    assert list(cells["Sheet"]) == ["Return", "Return"]
    said = [shown(m.value)[0] for m in at.markdown]
    assert any("fix the file in Excel, save it and upload it again" in text for text in said)
    assert not [b for b in at.button if b.key == "send"]
    assert receipts.submissions(db).empty

    right = fill(template, {}, every=10)
    at.get("file_uploader")[0].set_value(("edinburgh.xlsx", right, XLSX))
    at.run()
    assert not at.exception and not at.error
    at.button(key="send").click().run()
    assert not at.exception
    (held,) = receipts.submissions(db, EDINBURGH).itertuples()
    assert "Received. City of Edinburgh" in at.success[0].value
    # the history gives back the workbook as sent
    version = content(at, downloads, f"Download {PERIOD} version 1")
    assert version == right
    assert [b.label for b in at.download_button if b.label.endswith("(Excel)")]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice (soffice) is not installed: scripts/setup --browser installs it")
    return found


def test_a_workbook_resaved_by_libreoffice_loads_as_the_same_values_as_csv(strategy, tmp_path):
    """Filled with a formula whose value openpyxl cannot calculate; LibreOffice re-saves it
    as Excel would, with the value calculated, and the figures are those of the CSV."""
    soffice = _soffice()
    template = excel.template(strategy, EDINBURGH, PERIOD)
    filled_path = tmp_path / "filled" / "edinburgh.xlsx"
    filled_path.parent.mkdir()
    filled_path.write_bytes(fill(template, {2: 5, 3: "=H2*2"}, every=7))
    out = tmp_path / "saved"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx", "--outdir", str(out), str(filled_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    saved = out / "edinburgh.xlsx"
    assert saved.exists(), done.stdout + done.stderr
    dbs = {}
    rows = list(
        csv.reader(io.StringIO(export.template(strategy, EDINBURGH, PERIOD).decode("utf-8-sig")))
    )
    at = rows[0].index("value")
    for n, row in enumerate(rows[1:], start=2):
        row[at] = {2: "5", 3: "10"}.get(n, "7")
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    for kind, data in (("xlsx", saved.read_bytes()), ("csv", text.getvalue().encode())):
        dbs[kind] = tmp_path / f"{kind}.duckdb"
        store.init(dbs[kind], strategy)
        result = ingest.ingest_return(dbs[kind], data, f"edinburgh.{kind}", strategy)
        assert result.stored, [str(e) for e in result.report.errors]
    assert export.export_current(dbs["xlsx"]) == export.export_current(dbs["csv"])
    again = ingest.ingest_return(dbs["xlsx"], saved.read_bytes(), "again.xlsx", strategy)
    assert [o.action for o in again.outcomes] == ["unchanged"]


def test_validate_and_export_on_the_command_line_by_suffix(strategy, tmp_path, empty_db):
    from typer.testing import CliRunner

    from dashboard.cli import app as cli_app

    runner = CliRunner()
    base = ["--db", str(empty_db)]
    made = runner.invoke(cli_app, [*base, "template", "--authority", EDINBURGH, "--period",
                                   PERIOD, "--out", str(tmp_path / "t.xlsx")])  # fmt: skip
    assert made.exit_code == 0, made.output
    filled = tmp_path / "e.xlsx"
    filled.write_bytes(fill((tmp_path / "t.xlsx").read_bytes(), {4: "lots"}, every=3))
    checked = runner.invoke(cli_app, [*base, "validate", str(filled)])
    assert checked.exit_code == 1
    assert f'{filled} sheet Return, cell H4 (value): "lots" is not a number' in checked.output
    filled.write_bytes(fill((tmp_path / "t.xlsx").read_bytes(), {}, every=3))
    assert runner.invoke(cli_app, [*base, "ingest", str(filled)]).exit_code == 0
    for extra in ([], ["--all-versions"]):
        out = tmp_path / f"export{len(extra)}.xlsx"
        done = runner.invoke(cli_app, [*base, "export", *extra, "--out", str(out)])
        assert done.exit_code == 0, done.output
        sheet = openpyxl.load_workbook(out)["Return"]
        header = [c.value for c in sheet[1]]
        assert header[: len(contract.FILE_ORDER)] == list(contract.FILE_ORDER)
        assert ("version" in header) == bool(extra)
