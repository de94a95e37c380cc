"""Send a return: template, upload, what to fix, large changes explained, receipt, history.

Layout, and the answers to the large changes gathered before Send; checking and sending
are one call each (etl.actions.check_return, etl.actions.send_return). The back end
checks the signed-in person again on every check and every load, so this page offering
only their own council is a convenience, not the protection.
"""

from __future__ import annotations

import hashlib
from datetime import date

import streamlit as st

from dashboard import accessibility, auth, ui
from dashboard import format as fmt
from dashboard import upload_view as view
from etl import actions, config
from etl.councils import council_name
from etl.returns.contract import safe_file_name
from etl.strategy.load import load_strategy
from etl.submissions import receipts, review
from etl.submissions.export import template
from etl.submissions.workbook import template as excel_template


def view_table(table) -> None:
    """A plain HTML table (read by screen readers) unless it is too long for one."""
    if len(table) <= view.PLAIN_TABLE_ROWS:
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch")


user = auth.page_user()
submitter = auth.submitter(user)
st.title("Send a quarterly return")
db = ui.store_or_stop()
strategy = load_strategy(config.commitments_path())
today = date.today()

st.header("1. Download the template")
left, right = st.columns(2)
choices = user.authorities()
authority = left.selectbox(
    "Authority",
    choices,
    format_func=lambda code: f"{council_name(code)} ({code})",
    disabled=len(choices) == 1,
    key="upload_authority",
)
period = right.selectbox(
    "Quarter",
    view.quarter_choices(strategy.strategy.start, today),
    format_func=lambda p: view.quarter_text(p, strategy.settings.returns_due_days),
    help="The latest quarter that has ended is chosen for you.",
    key="upload_period",
)
names = {i.id: i.name for _, i in strategy.indicators}
st.download_button(
    f"Download the template for {council_name(authority)}, {period} (CSV)",
    template(strategy, authority, period),
    file_name=f"return-{authority}-{period}.csv",
    mime="text/csv",
    icon=":material/download:",
    key="template",
)
st.download_button(
    "Download the Excel template",
    excel_template(strategy, authority, period),
    file_name=f"return-{authority}-{period}.xlsx",
    mime=ui.XLSX_MIME,
    icon=":material/download:",
    key="template_xlsx",
    help="The same rows as a workbook: fill in the value column in Excel and upload the "
    "workbook as it is, with no need to save it as CSV.",
)
st.caption(
    "One row per indicator and breakdown, values blank. Fill in the value column in Excel "
    'and upload the workbook as it is (from the CSV template, save as "CSV UTF-8" first). '
    "Leave a value blank to leave that figure out."
)

st.header("2. Upload your return")
uploaded = st.file_uploader(
    f"Your return as an Excel workbook (.xlsx) or a CSV file (at most {view.MAX_UPLOAD_MB} MB)",
    type=["csv", "xlsx", "xls", "xlsm"],  # .xls, .xlsm: refused by the checker, saying why
    max_upload_size=view.MAX_UPLOAD_MB,
    key="upload_file",
)
done = st.session_state.setdefault("upload_done", {})  # sha256 → receipts of a stored file
mailed = st.session_state.setdefault("upload_mailed", {})  # sha256 → what the e-mails did

if uploaded is not None:
    data = uploaded.getvalue()
    file_name = safe_file_name(uploaded.name)  # stored and shown: never a formula
    sha = hashlib.sha256(data).hexdigest()
    if problem := view.too_large(len(data)):
        st.error(problem)
        st.stop()
    checked = st.session_state.setdefault("upload_checked", {})
    just_checked = sha not in checked
    if just_checked:
        with st.status(f"Checking {fmt.plain(file_name)}…", expanded=False) as progress:
            checked.clear()
            checked[sha] = actions.check_return(
                db, data, file_name, strategy, submitter, today=today
            )
    result = checked[sha]
    report = result.report
    label, state = fmt.plain(view.status_label(report)), "complete" if report.valid else "error"
    if just_checked:
        progress.update(label=label, state=state)
    else:
        # The same box on every rerun: were it left out, everything below would be drawn
        # anew, and a ticked query box would lose the keyboard focus.
        st.status(label, state=state, expanded=False)
    if not report.valid:
        with st.container(border=True, key="error_summary"):
            st.subheader(":red[There is a problem]")
            st.markdown(f"**{fmt.plain(report.errors[0].message)}**")  # quotes a cell
            st.markdown(fmt.plain(view.summary_line(report)))
            view_table(view.problem_table(report.errors))
        if just_checked:  # as GOV.UK's error summary: read first, Tab goes on from it
            accessibility.focus_on("error_summary")
    if report.warnings:
        with st.expander(f"Warnings ({len(report.warnings)}): these do not stop the load"):
            view_table(view.problem_table(report.warnings))

    if report.valid and sha not in done:
        st.header("3. Check the figures and send them")
        explanations, ticked = {}, set()
        for (code, quarter), comparison in result.comparisons.items():
            st.subheader(view.submission_text(code, quarter, len(comparison)))
            # First, before Send: the version this file replaces and the figures that differ.
            if replaced := result.replacing.get((code, quarter)):
                with st.container(border=True, key=f"replacing_{code}_{quarter}"):
                    st.warning(replaced.sentence, icon=":material/warning:")
                    if not replaced.differences.empty:
                        view_table(replaced.table())
            view_table(view.preview_table(comparison))
            for query in review.queries(comparison, code, quarter):
                with st.container(border=True):
                    st.markdown(view.query_text(query, names))
                    if st.checkbox("I have checked this figure and it is right", key=query.key):
                        ticked.add(query.key)
                    explanations[query.key] = st.text_input(
                        "Why it changed so much", key=f"why {query.key}", max_chars=500
                    )
        if st.button("Send the return", type="primary", key="send"):
            try:
                answered = review.answer(result.queries, explanations, ticked, names)
            except review.QueriesUnanswered as error:
                st.error(f"Not sent yet: {fmt.plain(error)}.")
            else:
                with st.status("Storing your return and e-mailing the receipt…") as progress:
                    sent = actions.send_return(
                        db, data, file_name, strategy, submitter, answered, today=today
                    )
                    if not sent.stored:  # e.g. refused since it was checked
                        progress.update(label="Not stored", state="error")
                        st.error(sent.report.errors[0].message)
                        st.stop()
                    done[sha], mailed[sha] = sent.receipts, sent.notes
                    progress.update(label="Stored", state="complete")
                st.session_state["upload_just_sent"] = True  # the receipt takes the focus
                st.session_state["upload_sent_id"] = sent.receipts[0]["submission_id"]
                st.session_state.pop("history_pick", None)  # the version just sent is chosen
                st.rerun()  # show the receipt in place of the preview

    shown = done.get(sha, []) if uploaded is not None else []
    for receipt in shown:
        with st.container(border=True, key=f"receipt_{receipt['submission_id']}"):
            st.success(view.receipt_heading(receipt), icon=":material/task_alt:")
            st.code(view.receipt_text(receipt), language=None)
            st.download_button(
                "Download this receipt",
                view.receipt_text(receipt).encode("utf-8"),
                file_name=view.receipt_file_name(receipt),
                mime="text/plain",
                key=f"receipt {receipt['submission_id']}",
            )
    ui.show_notes(mailed.get(sha, ()) if uploaded is not None else (), escaped=False)
    if st.session_state.pop("upload_just_sent", False) and shown:
        accessibility.focus_on(f"receipt_{shown[0]['submission_id']}")

st.header("Submissions sent for " + council_name(authority))
history = view.newest_first(receipts.submissions(db, authority))
if history.empty:
    st.write("Nothing has been sent for this authority yet.")
else:
    st.dataframe(view.history_table(history), hide_index=True, width="stretch")
    ui.version_download(
        db,
        history,
        "Download a version as sent",
        ("history_pick", "history_download"),
        chosen=st.session_state.get("upload_sent_id"),
    )
