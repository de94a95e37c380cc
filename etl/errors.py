"""The one kind of error the tracker raises for its users.

Every domain error derives from ``TrackerError``: its message is plain words a user can act
on, and ``exit_code`` is what a command exits with. The command line turns any of them into
``error: <message>``; pages show the message. Errors keep their built-in base too
(``ValueError``, ``LookupError`` …) where callers catch them by it.
"""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can do something about, said in their words."""

    exit_code = 1
