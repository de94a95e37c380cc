"""Releases (administrators): the public releases built, whether each still matches the
store, and building one as at a date, downloaded as a ZIP. Layout only: the release is
dashboard.release.build_release, the same action as `stem-tracker publish`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboard import auth, export, release, ui
from etl import config

user = auth.page_user()
st.title("Releases")
ui.administrators_only(user, "Only administrators can publish releases.")
db = ui.store_or_stop()

st.markdown(
    "A release publishes the figures as known on a date: a static web site and open data, "
    "with small counts suppressed. It never changes once built; put its folder on any web "
    "server. The same as `stem-tracker publish`."
)
st.subheader("Releases built")
log = release.release_log(db)
if log.empty:
    st.write("No release has been built yet.")
else:
    st.dataframe(log, hide_index=True, width="stretch")

st.subheader("Build a release")
day = st.date_input("As at", value=release.default_as_at(db), format="DD/MM/YYYY", key="r_as_at")
if st.button("Build the release", type="primary", key="r_build"):
    bar = st.progress(0.0, text="Starting")
    with tempfile.TemporaryDirectory() as folder:
        try:
            made = release.build_release(
                db, day, Path(folder) / "site", config.commitments_path(),
                built_by=auth.submitter(user).name,
                progress=lambda share, what: bar.progress(share, text=what),
            )  # fmt: skip
        except (release.ReleaseError, export.ExportError) as error:
            st.error(f"The release could not be built: {error}")
            st.stop()
        st.session_state["r_zip"] = (made, release.zip_of(made.folder))
    st.rerun()

built = st.session_state.get("r_zip")
if built:
    made, data = built
    st.success(
        f"Release as at {made.as_at:%d/%m/%Y}: {made.pages} pages, {made.charts} charts, "
        f"{made.suppressed:,} cells suppressed; fingerprint {made.fingerprint[:12]}."
    )
    st.download_button(
        "Download the release (ZIP)", data, f"release-{made.as_at.isoformat()}.zip",
        "application/zip", key="r_download",
    )  # fmt: skip
