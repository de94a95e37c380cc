"""All submissions across councils, and restoring an earlier version (administrators).

Layout only. Restoring copies the chosen version's figures into a new current
version and e-mails its receipt (etl.actions.restore_version); nothing is ever deleted.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, ui
from dashboard import upload_view as view
from etl import actions
from etl.councils import council_name
from etl.submissions import receipts

user = auth.page_user()
st.title("All submissions")
ui.administrators_only(user, "Only administrators can see every council's submissions.")
db = ui.store_or_stop()

log = receipts.submissions(db)
if log.empty:
    st.write("No council has sent a return yet.")
    st.stop()
st.caption(view.log_summary(log))
authority = st.selectbox(
    "Authority",
    ["all", *view.authorities_in(log)],
    format_func=lambda code: (
        "Every authority" if code == "all" else f"{council_name(code)} ({code})"
    ),
    key="admin_authority",
)
shown = view.only_authority(log, authority)
st.dataframe(view.history_table(shown), hide_index=True, width="stretch")

st.header("Download or restore a version")
picked, submission_id = ui.version_download(
    db, shown, "Version", ("admin_version", "admin_download")
)
chosen = view.version_row(shown, submission_id)
if chosen["is_current"]:
    st.caption("This is the current version.")
elif st.button(f"Make {picked} current again", type="primary", key="restore"):
    with st.status("Restoring and e-mailing the receipt…") as progress:
        restored = actions.restore_version(
            db, chosen["authority_code"], chosen["period"], int(chosen["version"]), user.email
        )
        progress.update(label="Restored", state="complete")
    st.success(view.restore_text(restored.outcome))
    ui.show_notes(restored.notes, escaped=False)
