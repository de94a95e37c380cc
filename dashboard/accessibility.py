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
</style>
"""


@dataclass(frozen=True)
class KnownIssue:
    """A serious or critical axe-core finding in Streamlit's own components, not ours."""

    rule: str  # the axe-core rule id
    where: str  # a CSS selector that every offending element matches
    what: str  # in users' words, for the statement
    why_not_fixed: str
    criterion: str  # the WCAG 2.2 success criterion
    upstream: str  # the report where Streamlit tracks it


KNOWN_ISSUES: tuple[KnownIssue, ...] = ()


def styles() -> None:
    """The dashboard's accessibility style rules, on every page (takes no space)."""
    st.html(STYLES)


def footer() -> None:
    """Every page's footer: a link to the accessibility statement."""
    st.divider()
    st.page_link(STATEMENT_PAGE, label="Accessibility statement", icon=":material/accessibility:")
