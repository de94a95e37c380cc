"""The tracker's words for its readers, in one place: what each thing is called
(``names``), how a figure is written in its unit and with one rounding (``figures``), and
why a status is what it is, as a sentence with the figure (``reasons``).

The command line, the e-mails, the dashboard, the briefing pack and the releases all
print through it, so a reader meets the same name, figure and reason everywhere. Codes
(C22, C22-I1) stay in tables and exports; in a sentence a code comes with its name.
"""

from etl.vocabulary.figures import axis_title, figure, figure_against, rounded
from etl.vocabulary.names import Names
from etl.vocabulary.periods import quarter_months, quarter_words
from etl.vocabulary.reasons import (
    commitment_reason,
    indicator_reason,
    milestone_reason,
    not_reviewed,
    stale,
)

__all__ = [
    "Names",
    "axis_title",
    "commitment_reason",
    "figure",
    "figure_against",
    "indicator_reason",
    "milestone_reason",
    "not_reviewed",
    "stale",
    "quarter_months",
    "quarter_words",
    "rounded",
]
