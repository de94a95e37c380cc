"""The Councils page's e-mail sections (layout only): reminders to the councils on the
chasing list, with a preview and a confirmation, sent by etl.actions.send_reminders, and the
log of what was sent. For the
roles that may chase: policy officers and administrators."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, mail_view, ui
from dashboard import format as fmt
from etl import actions
from etl.mail import log, reminders
from etl.mail.contacts import ContactsFileError, contacts_file, load_contacts
from etl.mail.smtp import MailSettingsError, load_settings, send_a_return_link
from etl.status import StatusReport

NOTES = "mail_notes"  # what the last send did, shown after the page reruns
ROUND = "mail_round"  # a new confirmation box after each send


def _settings():
    """(contacts, settings), or None after saying what to fix."""
    try:
        return load_contacts(), load_settings()
    except (ContactsFileError, MailSettingsError) as error:
        st.error(f"E-mail cannot be sent until this is fixed: {fmt.plain(error)}")
        return None


def _send(send) -> None:
    """Run ``send`` (an action giving ``MailSent``); its notes show after the rerun."""
    with st.spinner("Sending…"):
        st.session_state[NOTES] = send().notes
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()


def reminders_section(db, report: StatusReport, user: auth.User) -> None:
    """Preview the reminders the chasing list calls for, confirm, send."""
    if not user.can_chase or report.coverage_period is None:
        return
    st.subheader("Remind them by e-mail")
    ui.show_notes(st.session_state.pop(NOTES, ()))
    found = _settings()
    if found is None:
        return
    people, settings = found
    insist = st.checkbox(
        "Remind again the councils already reminded today for this quarter", key="remind_insist"
    )
    plan = reminders.plan_for(report, people, reminders.reminded_today(db, report), insist=insist)
    if plan.without_contact:
        st.warning(
            f"No contact for {len(plan.without_contact)} of these councils, so no reminder: "
            f"{', '.join(plan.without_contact)}. Add them to {contacts_file().name}."
        )
    if plan.reminded_today:
        names = ", ".join(r.council for r in plan.reminded_today)
        st.info(f"Already reminded today: {names}.")
    if not plan.reminders:
        st.write("No reminder to send.")
        return
    st.dataframe(mail_view.plan_table(plan), hide_index=True, width="stretch")
    first = plan.reminders[0]
    with st.expander(f"Preview the reminder to {first.council}"):
        words = reminders.letter(first, send_a_return_link(settings))
        st.code(f"Subject: {words.subject}\n\n{words.text}", language=None)
    if settings is None:
        st.info(
            "E-mail is not configured, so reminders cannot be sent from here: add an "
            "[email] section to .streamlit/secrets.toml (see the README's E-mail section)."
        )
        return
    sent_by = auth.submitter(user).name
    round_ = st.session_state.get(ROUND, 0)
    confirmed = st.checkbox(mail_view.confirm_label(plan, settings), key=f"remind_confirm {round_}")
    count = len(plan.reminders)
    if st.button(f"Send {count} reminder{'s' if count != 1 else ''}", type="primary",
                 disabled=not confirmed, key="remind_send"):  # fmt: skip
        mailer = actions.Mailer(settings, people)
        _send(lambda: actions.send_reminders(db, plan, mailer, sent_by))


def sent_section(db, user: auth.User) -> None:
    """Every reminder and receipt e-mailed or tried, with its outcome."""
    if not user.can_chase:
        return
    st.header("E-mails sent")
    ui.show_notes(st.session_state.pop(NOTES, ()))  # when the reminders section was not shown
    waiting = log.failed_receipts(db)
    if waiting:
        st.warning(
            f"{len(waiting)} receipt{'s' if len(waiting) != 1 else ''} could not be e-mailed "
            "yet. Sending reminders tries again, or try now."
        )
        found = _settings()
        if found is not None and found[1] is not None:
            people, settings, sent_by = *found, auth.submitter(user).name
            if st.button("Try the failed receipts again", key="retry_receipts"):
                mailer = actions.Mailer(settings, people)
                _send(lambda: actions.retry_receipts(db, mailer, sent_by))
    entries = log.entries(db, limit=500)
    if entries.empty:
        st.write("No reminder or receipt has been e-mailed yet.")
        return
    st.dataframe(mail_view.log_table(entries), hide_index=True, width="stretch")
