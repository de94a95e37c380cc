"""With the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, Escape to leave a data
grid, as the accessibility statement advises), in Debian's chromium on the demo: a council's
whole return and a policy officer's look at one commitment. At every stop the focus must be
seen (tests/browser/keyboard.py); after a failed check it is on the error summary, as in
GOV.UK's pattern. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import re
from contextlib import suppress
from datetime import date

import pytest
from playwright.sync_api import TimeoutError, expect

from dashboard import auth
from dashboard import upload_view as view
from etl.actions import check_return
from etl.submissions import export, receipts
from tests.browser.conftest import ARTIFACTS, browser_page, wait_for_app
from tests.browser.keyboard import (
    assert_focus_visible,
    focused,
    named,
    press,
    skip_to_main,
    tab_to,
)

EDINBURGH = "S12000036"


@pytest.fixture(scope="module")
def page():
    with browser_page(viewport_height=1000, timeout_ms=30_000) as tab:
        yield tab


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"keyboard-{name}.png")


def one_row_return(strategy, period: str, row: dict | None, value: str) -> bytes:
    """The council's template with one figure filled in (every figure when ``row`` is None);
    blank values are left out."""
    text = export.template(strategy, EDINBURGH, period).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for r in rows:
        same = row is None or all(r[k] == row[k] for k in ("indicator_id", "sex", "simd_quintile"))
        writer.writerow({**r, "value": value if same else ""})
    return out.getvalue().encode()


def figure_to_query(db, strategy, period: str) -> tuple[dict, str]:
    """A template row with a figure last quarter, and a new value that falls by 70%: the
    upload page asks the council to confirm and explain it."""
    filled = one_row_return(strategy, period, None, "1")
    checked = check_return(db, filled, "all.csv", strategy, auth.submitter(auth.LOCAL_USER))
    assert checked.report.valid, checked.report.errors[:3]
    (comparison,) = checked.comparisons.values()
    row = comparison[comparison["previous"] >= 10].iloc[0]
    key = {k: str(row[k]) for k in ("indicator_id", "sex", "simd_quintile")}
    return key, str(round(row["previous"] * 0.3))


def upload_button(where: dict) -> bool:
    """The file uploader's button: "Upload", or "Add files" once a file is chosen."""
    return where["tag"] == "button" and (
        where["name"].endswith("Upload") or where["name"] == "Add files"
    )


def send_file(page, name: str, data: bytes) -> None:
    """Enter on the focused upload button opens the file chooser, where the file is picked.
    A real dialog hands the focus back to the window when it closes, and the uploader waits
    for that before it opens another: say so, as the dialog would."""
    for _ in range(3):
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Enter")
        except TimeoutError:
            page.evaluate("window.dispatchEvent(new Event('focus'))")
            continue
        chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        return
    raise AssertionError("Enter on the upload button never opened the file chooser")


def choose(page, label: str, typed: str) -> None:
    """A selectbox, by keyboard: type to filter, Enter to choose, then wait for the page.

    As a person does: look at the list before pressing Enter (the filter catches up with the
    typing a moment later, and until the first option is highlighted Enter keeps the box's
    old value), look at the box after, and choose again if it still shows the old value.
    On a busy machine a choice made while the page redraws is sometimes not kept (2026-Q3
    still shown for a chosen 2026-Q2, in 2 of 24 runs at twice the usual load). Then wait
    while the page shows it is running: a key pressed before the rerun ends lands on a page
    being redrawn."""
    tab_to(page, lambda w: w["role"] == "combobox" and w["name"] == label)
    box = page.get_by_role("combobox", name=label, exact=True)
    chosen = re.compile(re.escape(typed))  # the box's value: the option chosen, in full
    for attempt in range(2):
        if attempt:
            page.keyboard.press("Control+A")  # the old value, typed over
        page.keyboard.type(typed)
        first = page.get_by_role("option").first
        expect(first).to_contain_text(typed)
        # ...and highlighted (the box's active descendant, as a screen reader announces it).
        expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
        press(page, "Enter")
        with suppress(AssertionError):
            expect(box).to_have_value(chosen, timeout=5_000)
            break
    expect(box).to_have_value(chosen)
    with suppress(TimeoutError):  # the rerun was over before we looked
        page.locator("[data-testid=stApp][data-test-script-state=running]").wait_for(timeout=3_000)
    wait_for_app(page)


def test_a_council_sends_its_return_by_keyboard(demo_server, page, strategy):
    period = view.quarter_choices(strategy.strategy.start, date.today())[1]
    row, value = figure_to_query(demo_server.db, strategy, period)
    expect.set_options(timeout=30_000)
    page.goto(f"{demo_server.url}/upload")
    wait_for_app(page)
    skip_to_main(page)

    # Choose the council and the quarter, then the template's download button.
    choose(page, "Authority", "Edinburgh")
    choose(page, "Quarter", period)
    expect(
        page.get_by_role("button", name=re.compile(f"City of Edinburgh, {period}"))
    ).to_be_visible()
    tab_to(page, named("Download the template for City of Edinburgh"))
    page.keyboard.press("Enter")  # activates it; chromium here cannot save the file
    page.wait_for_timeout(1000)  # the download, then the rerun it asks for
    wait_for_app(page)
    assert "Download the template" in assert_focus_visible(page)["name"]

    # A file with a mistake: the focus lands on the error summary, which says what to fix.
    tab_to(page, upload_button)
    send_file(page, "edinburgh.csv", one_row_return(strategy, period, row, "twelve"))
    summary = page.locator(".st-key-error_summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text('"twelve" is not a number')
    assert_focus_visible(page)
    shot(page, "1-error-summary")

    # The corrected file: back up to the uploader's Add files button.
    tab_to(page, upload_button, key="Shift+Tab")
    send_file(page, "edinburgh-fixed.csv", one_row_return(strategy, period, row, value))
    expect(page.get_by_text("I have checked this figure and it is right")).to_be_visible()
    wait_for_app(page)

    # Answer the query: tick it with Space, explain it, send with Enter.
    tab_to(page, named("I have checked this figure"))
    press(page, "Space")
    # The tick reruns the page to show the box for the reason: wait for that rerun to end,
    # or a Tab pressed meanwhile lands on an element the rerun replaces (seen once in CI).
    expect(page.get_by_label(re.compile("Why it changed")).first).to_be_visible()
    wait_for_app(page)
    tab_to(page, lambda w: w["tag"] == "input" and "Why it changed" in w["name"])
    page.keyboard.type("The club moved to a new school this term.")
    # Leaving the box keeps the answer (and reruns the page); the next stop is Send.
    assert "Send the return" in press(page, "Tab")["name"]
    wait_for_app(page)
    page.keyboard.press("Enter")
    receipt = page.get_by_text(re.compile(f"City of Edinburgh, {period}: version 2"))
    expect(receipt).to_be_visible()
    wait_for_app(page)
    expect(page.locator("[class*=st-key-receipt_]")).to_be_focused()
    assert_focus_visible(page)

    # The receipt, and its download button within reach.
    tab_to(page, named("Download this receipt"), limit=80)
    shot(page, "3-receipt")
    held = receipts.submissions(demo_server.db, EDINBURGH)
    latest = held.sort_values("received_at").iloc[-1]
    assert latest["period"] == period
    expect(page.get_by_text(latest["sha256"]).first).to_be_visible()


def test_a_policy_officer_opens_a_commitment_by_keyboard(demo_server, page, strategy):
    commitment = next(c for c in strategy.commitments if len(c.indicators) > 1)
    expect.set_options(timeout=30_000)
    page.goto(demo_server.url)
    wait_for_app(page)

    tab_to(page, named("Commitments"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Commitments", exact=True)).to_be_visible()
    wait_for_app(page)
    skip_to_main(page, key="Shift+Tab")  # the focus is still on the link in the navigation
    choose(page, "Open a commitment", commitment.id)
    heading = page.get_by_role("heading", name=re.compile(f"^{commitment.id}: "))
    expect(heading).to_be_visible()

    # The first chart's figures, opened with the keyboard.
    where = tab_to(page, named("Data for this chart"), limit=80)
    assert focused(page)["tag"] == "summary", where
    press(page, "Enter")
    expect(page.get_by_role("button", name="Download the data (CSV)").first).to_be_visible()
    shot(page, "4-commitment-data")
