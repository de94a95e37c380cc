"""A council's data officer does the quarterly return in a real browser, signed in via OIDC.

A mock OpenID Connect provider (oidc-provider-mock) runs in a thread; a real
``streamlit run`` server reads a temporary secrets.toml pointing at it and a
temporary database. Debian's chromium cannot download files here, so the
download buttons are checked for presence (their bytes are checked by AppTest
in tests/test_upload_page.py). Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import oidc_provider_mock as oidc
import pytest
from playwright.sync_api import expect

from etl import store
from etl.periods import day_text, last_ended
from etl.submissions import export, receipts
from etl.vocabulary import quarter_words
from tests.browser.conftest import ARTIFACTS, ROOT, browser_page, free_port, streamlit_server

EDINBURGH, GLASGOW = "S12000036", "S12000049"
PERIOD = str(last_ended(date.today()))
OFFICER = "officer@edinburgh.example"


def template_with(strategy, code: str, values: list[str]) -> bytes:
    """The council's template with its values filled in from ``values`` (cycled)."""
    text = export.template(strategy, code, PERIOD).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for n, row in enumerate(rows):
        writer.writerow({**row, "value": values[n % len(values)]})
    return out.getvalue().encode()


@pytest.fixture
def server(tmp_path, strategy):
    """The dashboard with sign-in configured against a mock provider; yields its URL and DB."""
    db = tmp_path / "tracker.duckdb"
    store.init(db, strategy)
    officer = oidc.User(sub="officer", claims={"email": OFFICER, "name": "Ada Officer"})
    with oidc.run_server_in_thread(user_claims=[officer]) as provider:
        # Only this provider's sign-ins count, and the officer is found by their stable `sub`.
        (tmp_path / "users.yaml").write_text(
            f"sign_in: {{issuer: 'http://localhost:{provider.server_port}'}}\n"
            f"users:\n  {OFFICER}: {{role: council_uploader, authority: {EDINBURGH}, "
            "sub: officer}\n"
        )
        port = free_port()
        (tmp_path / ".streamlit").mkdir()
        # The server reads .streamlit/ from its working directory: the project's look, test secrets.
        (tmp_path / ".streamlit" / "config.toml").write_bytes(
            (ROOT / ".streamlit" / "config.toml").read_bytes()
        )
        (tmp_path / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-some-length"\n'
            'client_id = "stem-tracker"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n'
        )
        env = {
            **os.environ,
            "STEM_TRACKER_DB": str(db),
            "STEM_TRACKER_USERS": str(tmp_path / "users.yaml"),
        }
        with streamlit_server(
            host="localhost", cwd=tmp_path, env=env, log_path=tmp_path / "streamlit.log", port=port
        ) as url:
            yield url, db, provider.server_port


@pytest.fixture
def page():
    with browser_page(viewport_height=1000, timeout_ms=20_000) as tab:
        yield tab


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"council-journey-{name}.png", full_page=True)


def upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data}
    )


def test_council_data_officer_sends_a_return(server, page, strategy):
    url, db, provider_port = server

    # Sign in through the identity provider.
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"http://localhost:{provider_port}/**")
    page.get_by_role("button", name="officer").click()
    page.wait_for_url(f"{url}/**")
    expect(page.get_by_text("Signed in as")).to_be_visible()

    # The upload page, with the council's own template.
    page.get_by_role("link", name="Send a return").click()
    expect(page.get_by_role("heading", name="Send a quarterly return")).to_be_visible()
    template = page.get_by_role(
        "button", name=f"Download the template for City of Edinburgh, {PERIOD}"
    )
    expect(template).to_be_visible()
    expect(page.get_by_text("at most 5 MB")).to_be_visible()
    # Sending a return is not judged as at a date: no date or revised switch here.
    expect(page.get_by_label("Status as at")).to_have_count(0)
    shot(page, "1-upload-page")

    # A file with mistakes: every problem listed, the most fundamental first, nothing stored.
    upload(page, "edinburgh.csv", template_with(strategy, EDINBURGH, ["twelve", "5", "-3"]))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(
        page.get_by_text('edinburgh.csv row 2, column H (value): "twelve" is not a number')
    ).to_be_visible()
    expect(page.get_by_text("Nothing from edinburgh.csv has been stored")).to_be_visible()
    shot(page, "2-problems")
    assert receipts.submissions(db).empty

    # The corrected file: preview, send, receipt.
    upload(page, "edinburgh-fixed.csv", template_with(strategy, EDINBURGH, ["12", "5", "3"]))
    send = page.get_by_role("button", name="Send the return")
    expect(send).to_be_visible()
    expect(page.get_by_text("There is a problem")).to_have_count(0)
    send.click()
    # Sending stores the file and reruns the page: on a busy 2-core machine, over 5 s.
    expect(page.get_by_text("Received. City of Edinburgh")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Download this receipt")).to_be_visible()
    shot(page, "3-receipt")
    (held,) = receipts.submissions(db).itertuples()
    assert (held.authority_code, held.submitted_by, held.version) == (EDINBURGH, OFFICER, 1)
    expect(page.get_by_text(held.sha256).first).to_be_visible()

    # The same quarter again with one figure changed: before Send, the page says which version
    # it replaces and the figure that differs; nothing is stored until Send.
    upload(page, "edinburgh-again.csv", template_with(strategy, EDINBURGH, ["12", "5", "3", "7"]))
    sent_on = f"You sent {quarter_words(PERIOD)} on {day_text(held.received_at.date())}"
    warning = page.get_by_text(f"{sent_on}; this replaces it")
    expect(warning).to_be_visible(timeout=20_000)  # a check and a rerun on a busy machine
    expect(page.get_by_text("Sent before")).to_be_visible()
    shot(page, "3b-replaces-warning")
    assert len(receipts.submissions(db)) == 1
    page.get_by_role("button", name="Send the return").click()
    expect(page.get_by_text("Received: replaces the earlier version")).to_be_visible(timeout=20_000)
    assert sorted(receipts.submissions(db)["version"]) == [1, 2]

    # Another council's file is refused.
    upload(page, "glasgow.csv", template_with(strategy, GLASGOW, ["4"]))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(
        page.get_by_text("you may send returns only for City of Edinburgh").first
    ).to_be_visible()
    shot(page, "4-refused")
    assert len(receipts.submissions(db)) == 2

    # Sign out: the provider ends the session and the app asks to sign in again.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"http://localhost:{provider_port}/**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    shot(page, "5-signed-out")
