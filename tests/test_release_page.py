"""The dashboard's Releases page (administrators; local mode has every role): the releases
built, whether each still matches, and building one with a progress bar, then the ZIP."""

from __future__ import annotations

import io
import zipfile

from streamlit.testing.v1 import AppTest

from tests.release_fixture import SMALL
from tests.test_dashboard import APP


def test_the_page_lists_releases_builds_one_and_offers_the_zip(demo_release, tmp_path, monkeypatch):
    db = demo_release.copy_db(tmp_path)
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    monkeypatch.setenv("STEM_TRACKER_COMMITMENTS", str(SMALL))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/releases.py")
    at.run()
    assert not at.exception, at.exception
    # One date on the page, the release's own: the sidebar's would change nothing here.
    assert [d.key for d in at.date_input] == ["r_as_at"]
    log = at.dataframe[0].value
    assert list(log["Fingerprint"]) == [demo_release.release.fingerprint[:12]]
    assert list(log["Still matches"]) == ["yes"]
    at.button(key="r_build").click().run()
    assert not at.exception, at.exception
    assert "Release as at" in at.success[0].value
    assert len(at.dataframe[0].value) == 2  # the new one is logged
    built = at.session_state["r_zip"][1]
    names = zipfile.ZipFile(io.BytesIO(built)).namelist()
    assert "index.html" in names and "data/datapackage.json" in names


def test_the_indicator_view_says_revised_since_the_release(demo_release, tmp_path, monkeypatch):
    import datetime as dt

    from etl import store
    from etl.periods import last_ended
    from tests.test_release import correct_today

    db = demo_release.copy_db(tmp_path)
    with store.connect(db) as con:
        _, period = correct_today(con, str(last_ended(demo_release.release.as_at).previous()))
    monkeypatch.setenv("STEM_TRACKER_DB", str(db))
    monkeypatch.setenv("STEM_TRACKER_COMMITMENTS", str(SMALL))
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/commitments.py")
    at.query_params.update(as_at=dt.date.today().isoformat(), commitment="C01",
                           indicator="C01-I1")  # fmt: skip
    at.run()
    assert not at.exception, at.exception
    said = [i.value for i in at.info if i.value.startswith("Revised since the release of")]
    assert len(said) == 1 and f" {period} " in said[0]
