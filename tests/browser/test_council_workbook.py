"""A council's data officer sends the workbook they filled in, in a real browser.

The server and sign-in are test_council_journey's. Chromium cannot download files here,
so the Excel template button is checked for presence and the workbook is the template
(its bytes as the page gives them, checked in tests/test_upload_workbook.py) filled in
by the test with openpyxl.
"""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import expect

from etl.submissions import receipts
from etl.submissions import workbook as excel
from tests.browser.test_council_journey import (  # noqa: F401  (server and page are fixtures)
    EDINBURGH,
    PERIOD,
    page,
    server,
    shot,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filled(strategy, values: dict[int, object]) -> bytes:
    """The council's Excel template with every value 10, then ``values`` by row."""
    made = openpyxl.load_workbook(io.BytesIO(excel.template(strategy, EDINBURGH, PERIOD)))
    sheet = made["Return"]
    column = [c.value for c in sheet[1]].index("value") + 1
    for n in range(2, sheet.max_row + 1):
        sheet.cell(n, column).value = values.get(n, 10)
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def test_council_sends_the_workbook_it_filled_in(server, page, strategy):  # noqa: F811
    url, db, provider_port = server
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"http://localhost:{provider_port}/**")
    page.get_by_role("button", name="officer").click()
    page.wait_for_url(f"{url}/**")
    page.get_by_role("link", name="Send a return").click()
    expect(page.get_by_role("button", name="Download the Excel template")).to_be_visible()
    expect(page.get_by_text("Excel workbook (.xlsx) or a CSV file")).to_be_visible()

    def upload(name: str, data: bytes) -> None:
        page.locator("input[type=file]").set_input_files(
            {"name": name, "mimeType": XLSX, "buffer": data}
        )

    # Two mistakes: both told by sheet and cell, nothing stored.
    upload("edinburgh.xlsx", filled(strategy, {3: "twelve", 6: "#N/A"}))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(
        page.get_by_text('edinburgh.xlsx sheet Return, cell H3 (value): "twelve" is not a number')
    ).to_be_visible()
    expect(page.get_by_text("H6 (value)")).to_be_visible()
    shot(page, "workbook-1-problems")
    assert receipts.submissions(db).empty

    # Fixed: preview, send, receipt with the workbook's SHA-256.
    upload("edinburgh-fixed.xlsx", filled(strategy, {}))
    send = page.get_by_role("button", name="Send the return")
    expect(send).to_be_visible()
    send.click()
    expect(page.get_by_text("Received. City of Edinburgh")).to_be_visible(timeout=20_000)
    shot(page, "workbook-2-receipt")
    (held,) = receipts.submissions(db).itertuples()
    assert held.file_name == "edinburgh-fixed.xlsx"
    expect(page.get_by_text(held.sha256).first).to_be_visible()
