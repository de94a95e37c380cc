"""E-mail from the tracker: reminders to councils whose return is overdue, receipts to
those that sent one.

``contacts`` (who at each council hears from us), ``letter`` (a message's words as plain
text and HTML), ``smtp`` (the [email] settings, sending or a dry run to files), ``log``
(every attempt, in the store), ``reminders`` and ``receipts`` (what each says, to whom).
Nothing here raises on a refused or unreachable server: every attempt is logged with its
outcome, and the caller shows it.
"""
