"""The returns pages per role, with AppTest and a simulated signed-in user (st.user)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard import upload_view
from dashboard.format import WORD_JOINER
from etl.periods import last_ended
from etl.submissions import export, ingest, receipts
from tests.markdown_text import shown

APP = Path(__file__).resolve().parent.parent / "dashboard" / "streamlit_app.py"
EDINBURGH, GLASGOW = "S12000036", "S12000049"
PERIOD = str(last_ended(date.today()))
PREVIOUS = str(last_ended(date.today()).previous())

ISSUER = "https://login.microsoftonline.com/7e57-tenant/v2.0"
USERS = f"""
sign_in: {{issuer: {ISSUER}, tenant: 7e57-tenant}}
users:
  boss@gov.scot.example: {{role: administrator}}
  officer@edinburgh.example: {{role: council_uploader, authority: S12000036, name: Ada Officer}}
  reader@gov.scot.example: viewer
"""
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "stem-tracker",
    "client_secret": "test",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}


def filled(strategy, code: str, period: str, value: str = "10") -> bytes:
    """The template for (code, period) with every value filled in."""
    rows = list(
        csv.DictReader(io.StringIO(export.template(strategy, code, period).decode("utf-8-sig")))
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "value": value})
    return out.getvalue().encode()


@pytest.fixture
def db(empty_db, monkeypatch, tmp_path):
    monkeypatch.setenv("STEM_TRACKER_DB", str(empty_db))
    users = tmp_path / "users.yaml"
    users.write_text(USERS)
    monkeypatch.setenv("STEM_TRACKER_USERS", str(users))
    return empty_db


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every download button's bytes by its URL's file name (AppTest only shows the URL)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        seen[Path(self.get_url(file_id)).name] = path_or_data
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


def app(email: str | None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if email is not None:  # sign-in configured; None = local mode
        at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": True, "email": email, "iss": ISSUER, "tid": "7e57-tenant"}
    return at.run()


def content(at: AppTest, downloads: dict[str, bytes], label_start: str) -> bytes:
    (button,) = [b for b in at.download_button if b.label.startswith(label_start)]
    return downloads[Path(button.proto.url).name]


def test_nobody_signed_in_sees_only_the_sign_in_button(db):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    at.switch_page("app_pages/upload.py").run()  # a direct link still meets the sign-in screen
    assert [b.label for b in at.button] == ["Sign in"]
    assert [t.value for t in at.title] == ["STEM Strategy Tracker"]


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "https://login.example.net/"}, "came from https://login.example.net, which"),
        ({"tid": "another-tenant"}, "another organisation (Entra ID tenant)"),
        ({"email_verified": False}, "has not verified the address boss@gov.scot.example"),
    ],
    ids=["foreign issuer", "foreign tenant", "unverified address"],
)
def test_a_forged_or_unverified_sign_in_as_the_administrator_gets_nothing(db, claims, reason):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH
    home = {"iss": ISSUER, "tid": "7e57-tenant"}
    at.user = {"is_logged_in": True, "email": "boss@gov.scot.example", **home, **claims}
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("This sign-in is not accepted: your ")
    assert reason in shown(at.error[0].value)[0].replace(WORD_JOINER, "")  # as read
    assert [b.label for b in at.button] == ["Sign out"]
    at.switch_page("app_pages/admin.py").run()  # a direct link meets the same refusal
    assert at.error[0].value.startswith("This sign-in is not accepted")
    assert [b.label for b in at.button] == ["Sign out"] and not at.dataframe


def test_someone_not_in_the_roles_file_is_told_to_ask_the_administrator(db):
    at = app("stranger@example.com")
    assert "you have no role in this dashboard yet" in at.warning[0].value
    at.switch_page("app_pages/upload.py").run()
    assert "you have no role in this dashboard yet" in at.warning[0].value
    assert [b.label for b in at.button] == ["Sign out"]


def test_a_viewer_has_no_upload_or_administrator_page(db):
    at = app("reader@gov.scot.example")
    assert not at.exception
    assert any("Signed in as" in c.value for c in at.sidebar.caption)
    for page in ("app_pages/upload.py", "app_pages/admin.py"):
        with pytest.raises(ValueError, match="not a registered page|registered"):
            at.switch_page(page)
    at.switch_page("app_pages/about.py").run()  # the rest of the dashboard is open to them
    assert not at.exception


def test_council_uploader_gets_own_template_and_sends_for_own_council(db, strategy, downloads):
    at = app("officer@edinburgh.example")
    with pytest.raises(ValueError):
        at.switch_page("app_pages/admin.py")
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    authority = at.selectbox(key="upload_authority")
    assert authority.options == ["City of Edinburgh (S12000036)"] and authority.disabled
    assert at.selectbox(key="upload_period").value == PERIOD
    assert "at most 5 MB" in at.get("file_uploader")[0].label
    template = content(at, downloads, "Download the template")
    assert template == export.template(strategy, EDINBURGH, PERIOD)

    at.get("file_uploader")[0].set_value(
        ("edinburgh.csv", filled(strategy, EDINBURGH, PERIOD), "text/csv")
    )
    at.run()
    assert not at.exception and not at.error
    at.button(key="send").click().run()
    assert not at.exception
    (held,) = receipts.submissions(db, EDINBURGH).itertuples()
    assert (held.version, held.submitted_by, held.action) == (1, "officer@edinburgh.example", "new")
    assert "Received. City of Edinburgh" in at.success[0].value
    receipt = content(at, downloads, "Download this receipt").decode()
    assert f"SHA-256:      {held.sha256}" in receipt and f"Rows:         {held.rows}" in receipt
    # the history lists the version and offers it as sent
    version = content(at, downloads, f"Download {PERIOD} version 1")
    assert version == receipts.version_csv(db, held.submission_id)


def test_an_uploaded_files_name_is_stored_and_shown_safe(db, strategy):
    at = app("officer@edinburgh.example")
    at.switch_page("app_pages/upload.py").run()
    name = '=HYPERLINK("http://evil.example/x.csv","open")&".csv'
    at.get("file_uploader")[0].set_value((name, filled(strategy, EDINBURGH, PERIOD), "text/csv"))
    at.run()
    at.button(key="send").click().run()
    assert not at.exception
    (held,) = receipts.submissions(db, EDINBURGH).itertuples()
    assert held.file_name == "x.csv___open_)__.csv"
    # A name stored before (or from the command line) is neutralised in the table.
    table = upload_view.history_table(receipts.submissions(db, EDINBURGH).assign(file_name=[name]))
    assert table["File"].tolist() == ["'" + name]


def test_council_uploader_cannot_send_another_councils_file(db, strategy):
    at = app("officer@edinburgh.example")
    at.switch_page("app_pages/upload.py").run()
    at.get("file_uploader")[0].set_value(
        ("glasgow.csv", filled(strategy, GLASGOW, PERIOD), "text/csv")
    )
    at.run()
    assert not at.exception
    assert any("There is a problem" in s.value for s in at.subheader)
    refusal = "Glasgow City; you may send returns only for City of Edinburgh (S12000036)"
    assert any(refusal in shown(m.value)[0] for m in at.markdown)
    assert not [b for b in at.button if b.key == "send"]
    assert receipts.submissions(db).empty


def test_large_change_must_be_ticked_and_explained_and_is_stored(db, strategy):
    ingest.ingest_return(db, filled(strategy, EDINBURGH, PREVIOUS, "10"), "q.csv", strategy)
    at = app("officer@edinburgh.example")
    at.switch_page("app_pages/upload.py").run()
    at.get("file_uploader")[0].set_value(
        ("e.csv", filled(strategy, EDINBURGH, PERIOD, "20"), "text/csv")
    )
    at.run()
    ticks = at.checkbox
    assert ticks and all(t.label == "I have checked this figure and it is right" for t in ticks)
    at.button(key="send").click().run()
    assert "Not sent yet: each large change needs a tick" in at.error[0].value
    assert len(receipts.submissions(db, EDINBURGH)) == 1  # only the previous quarter
    for tick in at.checkbox:
        tick.check()
    for why in at.text_input:
        why.input("A new STEM hub opened in the city")
    at.run()
    at.button(key="send").click().run()
    assert not at.error
    held = receipts.submissions(db, EDINBURGH).iloc[0]
    assert held["period"] == PERIOD
    stored = receipts.receipt(db, int(held["submission_id"]))["queries"]
    assert len(stored) == len(ticks)
    assert {q["explanation"] for q in stored} == {"A new STEM hub opened in the city"}
    assert {q["change"] for q in stored} == {1.0}


def test_administrator_restores_an_earlier_version(db, strategy):
    ingest.ingest_return(db, filled(strategy, GLASGOW, PERIOD, "10"), "v1.csv", strategy)
    ingest.ingest_return(db, filled(strategy, GLASGOW, PERIOD, "11"), "v2.csv", strategy)
    at = app("boss@gov.scot.example")
    at.switch_page("app_pages/admin.py").run()
    assert not at.exception
    version = at.selectbox(key="admin_version")
    version.set_value(f"{PERIOD} version 1 (Glasgow City)").run()
    at.button(key="restore").click().run()
    assert not at.exception
    assert "Glasgow City" in at.success[0].value and "restored as version 3" in at.success[0].value
    log = receipts.submissions(db, GLASGOW)
    assert list(log["version"]) == [3, 2, 1]  # nothing deleted
    assert list(log["is_current"]) == [True, False, False]
    assert log.iloc[0]["submitted_by"] == "boss@gov.scot.example"
    assert receipts.version_csv(db, int(log.iloc[0]["submission_id"])) == receipts.version_csv(
        db, int(log.iloc[2]["submission_id"])
    )


def test_local_mode_has_every_page_and_says_how_to_configure_sign_in(db):
    at = app(None)
    assert not at.exception
    assert "Local mode" in at.info[0].value and "secrets.toml" in at.info[0].value
    for page in ("app_pages/upload.py", "app_pages/admin.py"):
        at.switch_page(page).run()
        assert not at.exception
    at.switch_page("app_pages/upload.py").run()
    assert len(at.selectbox(key="upload_authority").options) == 33  # any council and Scotland
