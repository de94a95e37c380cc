"""Accessibility (WCAG 2.2 AA): the dashboard's few style fixes, its known issues, the footer.

The known issues are defined here once: the accessibility statement lists them and the
axe-core browser test (tests/browser/test_accessibility.py) allows exactly them and no other
serious or critical violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

STATEMENT_PAGE = "app_pages/accessibility.py"
# When axe-core and the keyboard journeys last ran against the demo, and how.
LAST_TESTED = date(2026, 12, 1)
HOW_TESTED = (
    "axe-core 4.12 (WCAG 2.0, 2.1 and 2.2 A and AA rules) in Chromium on every page of the "
    "demo and on its key states (a return with errors, one commitment open, a briefing pack "
    "built); two journeys with the keyboard alone (a council's whole return, a policy "
    "officer's look at one commitment), checking that focus is always visible; text at 200% "
    "and a 320 pixel wide window, checked by eye on screenshots."
)
# No address is invented here: people reach the team as they were given access.
CONTACT = "the STEM Strategy team, who run this tracker, through whoever gave you access to it"

# Streamlit's day and month fields in the date box are 18 by 20 pixels: WCAG 2.2's 2.5.8
# asks for targets of at least 24 by 24. Captions' colour comes from the theme's text
# colour (.streamlit/config.toml), dark enough for 4.5:1.
STYLES = """
<style>
[data-testid="stDateInputField"] [role="spinbutton"] {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-width: 24px;
  min-height: 24px;
}
/* Page names in the navigation wrap rather than end in "…" when text is enlarged (1.4.4). */
[data-testid="stSidebarNavLink"] span,
[data-testid="stSidebarNavLink"] p {
  white-space: normal !important;
  overflow: visible !important;
  text-overflow: clip !important;
}
/* Streamlit's icon-only buttons (the file uploader's "Add files", a file's "Remove") show no
   focus: give them the outline every other control has. */
[data-testid="stBaseButton-borderlessIcon"]:focus-visible,
[data-testid="stFileUploaderDeleteBtn"] button:focus-visible {
  outline: 2px solid #0065bd;
  outline-offset: 2px;
}
/* A table's toolbar (Show/hide columns, Download, Search, Fullscreen) appears only on
   hover, so the keyboard focused buttons that could not be seen: show it with its focus. */
[data-testid="stElementToolbar"]:focus-within {
  opacity: 1 !important;
}
/* Once a file is chosen the uploader's own file input takes the focus, unseen: show it on
   the drop zone around it. */
[data-testid="stFileUploaderDropzone"]:focus-within {
  outline: 2px solid #0065bd;
  outline-offset: 2px;
}
/* The error summary after a failed check, the receipt after sending, take the focus
   (focus_on): show where it is. */
[data-focus-target]:focus {
  outline: 3px solid #0065bd;
  outline-offset: 2px;
}
</style>
"""


@dataclass(frozen=True)
class KnownIssue:
    """A failure in Streamlit's own components, not ours. With an axe-core ``rule`` and
    ``where`` (a CSS selector every offending element matches) it is the browser test's
    allow-list; without, it was found by hand or by the keyboard journeys."""

    what: str  # in users' words, for the statement
    why_not_fixed: str
    criterion: str  # the WCAG 2.2 success criterion
    upstream: str = ""  # the report where Streamlit tracks it, when there is one
    rule: str = ""
    where: str = ""


# axe-core finds no serious or critical violation left (the allow-list is empty); this one
# the keyboard journeys found.
KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        what="In a long table shown as a data grid (for example All submissions, or the "
        "history on Send a return), Tab moves into the grid and then stays there: press "
        "Escape, then Tab, to leave it.",
        why_not_fixed="the grid is drawn by Streamlit's st.dataframe (glide-data-grid), whose "
        "keys we cannot change. Where a table is short we show a plain table instead (the "
        "problems in a return and the figures to check before sending).",
        criterion="2.1.2 No keyboard trap",
    ),
)


def styles() -> None:
    """The dashboard's accessibility style rules, on every page (takes no space)."""
    st.html(STYLES)


def enter_applies_dates() -> None:
    """Enter in a date box applies the date typed (Streamlit's date field applies it only
    when its calendar closes, so a keyboard user pressing Enter saw nothing happen). The
    focus stays on the field. Installed once per browser tab; takes no space."""
    st.html(
        "<script>(() => {"
        "  if (window.__stemEnterAppliesDates) return;"
        "  window.__stemEnterAppliesDates = true;"
        "  document.addEventListener('keydown', (event) => {"
        "    if (event.key !== 'Enter') return;"
        "    const inside = event.target.closest;"
        "    const field = inside && event.target.closest('[data-testid=stDateInput]');"
        "    if (!field) return;"
        "    event.preventDefault();"
        # Escape closes the field's calendar, which is when Streamlit takes the date typed.
        "    event.target.dispatchEvent(new KeyboardEvent('keydown',"
        "      {key: 'Escape', code: 'Escape', keyCode: 27, bubbles: true, cancelable: true}));"
        ""
        "  }, true);"
        "})();</script>",
        unsafe_allow_javascript=True,
    )


def footer() -> None:
    """Every page's footer: a link to the accessibility statement."""
    st.divider()
    st.page_link(STATEMENT_PAGE, label="Accessibility statement", icon=":material/accessibility:")


def focus_on(key: str) -> None:
    """Move the keyboard focus to the container made with ``key``, as GOV.UK's error summary
    does after a failed check (and its confirmation page after sending): a screen reader reads
    it at once and Tab goes on from there.
    Call it only on the run that shows the container first, or focus jumps back on reruns."""
    st.html(
        "<script>(() => {"
        f"  const find = () => document.querySelector('.st-key-{key}');"
        "  let tries = 0;"
        "  const focus = () => {"
        "    const box = find();"
        "    if (!box) { if (tries++ < 50) setTimeout(focus, 50); return; }"
        "    box.setAttribute('tabindex', '-1');"
        "    box.setAttribute('data-focus-target', '');"
        "    box.focus();"
        "  };"
        "  focus();"
        "})();</script>",
        unsafe_allow_javascript=True,
    )
